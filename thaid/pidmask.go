package thaid

import (
	"strings"
	"unicode"
)

// MaskPID masks every PID-looking number in s (13 digits in a row, or grouped
// 1-4-5-2-1 with dashes or spaces), whether or not its check digit is valid, so
// that free text can be logged. Example: "pid=1101700230708" becomes
// "pid=1-1017-xxxxx-70-8".
func MaskPID(s string) string {
	var out strings.Builder
	last := 0
	for i := 0; i < len(s); {
		if !isDigit(s[i]) || (i > 0 && isDigit(s[i-1])) {
			i++
			continue
		}
		digits, end, ok := matchPID(s, i)
		if !ok {
			// skip the rest of this digit run
			for i < len(s) && isDigit(s[i]) {
				i++
			}
			continue
		}
		if out.Len() == 0 {
			out.Grow(len(s))
		}
		out.WriteString(s[last:i])
		out.WriteString(PID{digits: digits}.Masked())
		last = end
		i = end
	}
	if last == 0 {
		return s
	}
	out.WriteString(s[last:])
	return out.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// matchPID matches a PID starting at s[i]: 13 digits in a row, or groups of
// 1, 4, 5, 2 and 1 digits separated by one consistent '-' or ' '. The match must
// not be followed by another digit.
func matchPID(s string, i int) (digits string, end int, ok bool) {
	if i+13 <= len(s) {
		all := true
		for j := i; j < i+13; j++ {
			if !isDigit(s[j]) {
				all = false
				break
			}
		}
		if all && (i+13 == len(s) || !isDigit(s[i+13])) {
			return s[i : i+13], i + 13, true
		}
	}
	if i+17 > len(s) {
		return "", 0, false
	}
	sep := s[i+1]
	if sep != '-' && sep != ' ' {
		return "", 0, false
	}
	var b [13]byte
	n := 0
	j := i
	for g, size := range [5]int{1, 4, 5, 2, 1} {
		if g > 0 {
			if s[j] != sep {
				return "", 0, false
			}
			j++
		}
		for k := 0; k < size; k++ {
			if !isDigit(s[j]) {
				return "", 0, false
			}
			b[n] = s[j]
			n++
			j++
		}
	}
	if j < len(s) && isDigit(s[j]) {
		return "", 0, false
	}
	return string(b[:]), j, true
}

// maskInput masks an invalid input for error messages: every digit (ASCII, Thai or any other
// script's) but the first and the last two is hidden when the input has more than four.
func maskInput(s string) string {
	s = strings.ToValidUTF8(s, "?")
	if r := []rune(s); len(r) > 64 {
		s = string(r[:64])
	}
	if m := MaskPID(s); m != s {
		return m
	}
	r := []rune(s)
	digits := 0
	for _, c := range r {
		if unicode.IsDigit(c) {
			digits++
		}
	}
	if digits <= 4 {
		return s
	}
	seen := 0
	for i, c := range r {
		if unicode.IsDigit(c) {
			seen++
			if seen > 1 && seen <= digits-2 {
				r[i] = 'x'
			}
		}
	}
	return string(r)
}
