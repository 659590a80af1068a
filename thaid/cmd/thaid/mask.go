package main

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/thaid-go/thaid-go/thaid"
)

// How the command masks PIDs in what it prints (decode's header and claims, login's claims,
// error messages), more widely than thaid.MaskPID, since a token may carry a PID in any form:
//
//   - A digit run is a sequence of digits (ASCII or Thai) in which groups of digits may be
//     joined by separators: spaces, dashes, '.', ',', '_' and '/'. So 1-1017-00230-70-8,
//     1.1017.00230.70.8 and a PID next to other digits (99-1101700230708) are each one run.
//   - A run of 13 digits is printed as a masked PID, 1-1017-xxxxx-70-8, whatever its check
//     digit. A longer run, which may hide a PID anywhere in it, keeps its first digit and its
//     last two, every other digit becoming x. A shorter run (a 10-digit time, a date, a phone
//     number) cannot hold a PID and is printed as it is.
//   - A JSON number is masked (and printed as a string) when its literal holds such a run
//     (1.101700230708e12, 1101700230708.0), or when its value is an integer of 13 digits or
//     more (11017002307e2).
//   - Object member names are masked like strings, at any depth.
//
// So the output, once separators are removed, never holds 13 digits of a PID in order.

// maskValue returns v (as decoded from JSON) with every PID masked: in strings, in JSON
// numbers and in member names, at any depth. ThaID's sub may itself be a PID, so every
// member is masked, not only pid.
func maskValue(v any) any {
	switch x := v.(type) {
	case string:
		return maskText(x)
	case json.Number:
		return maskNumber(x)
	case float64:
		// The literal encoding/json would write (1796638270, not 1.79663827e+09), so that a
		// number that is not a PID prints as the provider sent it. A decoded JSON number is
		// never NaN or infinite, the only values Marshal refuses.
		b, _ := json.Marshal(x)
		return maskNumber(json.Number(b))
	case map[string]any:
		out := make(map[string]any, len(x))
		for _, k := range sortedKeys(x) {
			mk := maskText(k)
			for n := 2; ; n++ { // two names that mask alike: keep both
				if _, taken := out[mk]; !taken {
					break
				}
				mk = maskText(k) + " #" + strconv.Itoa(n)
			}
			out[mk] = maskValue(x[k])
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, vv := range x {
			out[i] = maskValue(vv)
		}
		return out
	}
	return v
}

// maskClaims masks a claim set unless show is set.
func maskClaims(m map[string]any, show bool) map[string]any {
	if show || m == nil {
		return m
	}
	return maskValue(m).(map[string]any)
}

// digitValue returns the value of an ASCII or Thai digit, or -1.
func digitValue(r rune) int {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0')
	case r >= '๐' && r <= '๙':
		return int(r - '๐')
	}
	return -1
}

// isSeparator reports whether r may join the digit groups of a run.
func isSeparator(r rune) bool {
	return unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) || strings.ContainsRune(".,_/", r)
}

// maskText masks every digit run of 13 digits or more in s.
func maskText(s string) string {
	var out strings.Builder
	last := 0 // s[:last] is written to out
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if digitValue(r) < 0 {
			i += size
			continue
		}
		end, digits := digitRun(s, i)
		if len(digits) >= 13 {
			out.WriteString(s[last:i])
			out.WriteString(maskRun(s[i:end], digits))
			last = end
		}
		i = end
	}
	if last == 0 {
		return s
	}
	out.WriteString(s[last:])
	return out.String()
}

// digitRun returns the end of the digit run that starts at s[start], and its digits in ASCII.
func digitRun(s string, start int) (end int, digits []byte) {
	end = start
	for i := start; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if d := digitValue(r); d >= 0 {
			digits = append(digits, byte('0'+d))
			i += size
			end = i
			continue
		}
		if !isSeparator(r) {
			break
		}
		i += size // a separator belongs to the run only if a digit follows
	}
	return end, digits
}

// maskRun masks one run of 13 digits or more; digits are its digits in ASCII.
func maskRun(run string, digits []byte) string {
	if len(digits) == 13 {
		return thaid.MaskPID(string(digits))
	}
	var b strings.Builder
	seen := 0
	for _, r := range run {
		if digitValue(r) < 0 {
			b.WriteRune(r)
			continue
		}
		seen++
		if seen == 1 || seen > len(digits)-2 {
			b.WriteRune(r)
		} else {
			b.WriteByte('x')
		}
	}
	return b.String()
}

// maskNumber masks a JSON number whose value is an integer of 13 digits or more, or whose
// literal holds a run of 13 digits or more; a masked number becomes a string.
func maskNumber(n json.Number) any {
	lit := n.String()
	if digits, ok := integerDigits(lit); ok && len(digits) >= 13 {
		if strings.HasPrefix(lit, "-") {
			return "-" + maskRun(string(digits), digits)
		}
		return maskRun(string(digits), digits)
	}
	if m := maskText(lit); m != lit {
		return m
	}
	return n
}

// integerDigits returns the decimal digits of the integer value of a JSON number literal
// (without sign), and false when the value is not an integer. Of the zeros that an exponent
// adds, at most 40 are given: the value's first digit and last two, all that maskRun shows of
// a run of more than 13 digits, are the same.
func integerDigits(lit string) ([]byte, bool) {
	mant, exp, _ := strings.Cut(strings.ToLower(strings.TrimPrefix(lit, "-")), "e")
	e := 0
	if exp != "" {
		var err error
		if e, err = strconv.Atoi(exp); err != nil { // beyond int: huge, or tiny
			e = 1 << 30
			if strings.HasPrefix(exp, "-") {
				e = -e
			}
		}
	}
	whole, frac, _ := strings.Cut(mant, ".")
	digits := []byte(strings.TrimLeft(whole+frac, "0"))
	e -= len(frac) // the value is digits × 10^e
	for e < 0 && len(digits) > 0 && digits[len(digits)-1] == '0' {
		digits, e = digits[:len(digits)-1], e+1
	}
	switch {
	case len(digits) == 0:
		return nil, true // zero
	case e < 0:
		return nil, false
	}
	return append(digits, strings.Repeat("0", min(e, 40))...), true
}

func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }
