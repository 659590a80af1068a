package pidtest

import (
	"strconv"
	"strings"
	"unicode"
)

// IsSeparator reports whether r may stand between the digit groups of a PID: white space, a
// dash, '.', ',', '_' or '/'.
func IsSeparator(r rune) bool {
	return unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) || strings.ContainsRune(".,_/", r)
}

// DigitsIn reports whether s holds pid's 13 digits in order once the separators are removed and
// Thai digits read as ASCII: whether a reader could still recover the PID from s.
func DigitsIn(s, pid string) bool {
	var b strings.Builder
	for _, r := range s {
		switch {
		case IsSeparator(r):
		case r >= '๐' && r <= '๙':
			b.WriteRune('0' + r - '๐')
		default:
			b.WriteRune(r)
		}
	}
	return strings.Contains(b.String(), pid)
}

// FromSeed returns a valid PID made from seed: first digit 1 to 8, eleven more digits, and the
// mod-11 check digit.
func FromSeed(seed uint64) string {
	d := make([]byte, 12)
	d[0] = byte('1' + seed%8)
	seed /= 8
	for i := 1; i < 12; i++ {
		d[i] = byte('0' + seed%10)
		seed /= 10
	}
	sum := 0
	for i, c := range d {
		sum += int(c-'0') * (13 - i)
	}
	return string(d) + strconv.Itoa((11-sum%11)%10)
}
