package main

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/thaid-go/thaid-go/thaid"
)

// How the command masks PIDs in what it prints (decode's header and claims, login's claims,
// error messages), since a token may carry a PID in any form:
//
//   - Text (strings, object member names at any depth, error messages) goes through
//     thaid.MaskPID: digits (ASCII or Thai) joined by separators are one run; a run of 13 digits
//     prints as 1-1017-xxxxx-70-8, a longer one keeps its first digit and its last two, a
//     shorter one (a 10-digit time, a date) is left as it is.
//   - A JSON number is masked (and printed as a string) when its literal holds such a run
//     (1.101700230708e12, 1101700230708.0), or when its value is an integer of 13 digits or
//     more (11017002307e2): that is this file's own business, since text masking cannot see a
//     value that the literal spells with an exponent.
//
// So the output, once separators are removed, never holds 13 digits of a PID in order.

// maskValue returns v (as decoded from JSON) with every PID masked: in strings, in JSON
// numbers and in member names, at any depth. ThaID's sub may itself be a PID, so every
// member is masked, not only pid.
func maskValue(v any) any {
	switch x := v.(type) {
	case string:
		return thaid.MaskPID(x)
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
			masked := thaid.MaskPID(k)
			mk := masked
			for n := 2; ; n++ { // two names that mask alike: keep both
				if _, taken := out[mk]; !taken {
					break
				}
				mk = masked + " #" + strconv.Itoa(n)
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

// maskNumber masks a JSON number whose value is an integer of 13 digits or more, or whose
// literal holds a run of 13 digits or more; a masked number becomes a string.
func maskNumber(n json.Number) any {
	lit := n.String()
	if digits, ok := integerDigits(lit); ok && len(digits) >= 13 {
		// digits are one run of ASCII digits: MaskPID masks it whole.
		if strings.HasPrefix(lit, "-") {
			return "-" + thaid.MaskPID(string(digits))
		}
		return thaid.MaskPID(string(digits))
	}
	if m := thaid.MaskPID(lit); m != lit {
		return m
	}
	return n
}

// integerDigits returns the decimal digits of the integer value of a JSON number literal
// (without sign), and false when the value is not an integer. Of the zeros that an exponent
// adds, at most 40 are given: the value's first digit and last two, all that thaid.MaskPID
// shows of a run of more than 13 digits, are the same.
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
