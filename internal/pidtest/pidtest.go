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

// InForm writes pid in one of the forms text may carry it in, chosen by form (taken modulo 9):
// 0 as it is; 1 to 3 in the printed groups 1-2345-67890-12-3 with '-', '.' or ' ' between
// them; 4 in Thai digits; 5 in groups of three; 6 grouped with an en dash; 7 with mixed
// separators and part in Thai digits; 8 grouped with sep, or with ',' when sep is no separator
// (IsSeparator).
func InForm(pid string, form uint8, sep rune) string {
	groups := func(s string) string {
		return pid[:1] + s + pid[1:5] + s + pid[5:10] + s + pid[10:12] + s + pid[12:]
	}
	thai := func(s string) string {
		return strings.Map(func(r rune) rune { return '๐' + r - '0' }, s)
	}
	switch form % 9 {
	case 1:
		return groups("-")
	case 2:
		return groups(".")
	case 3:
		return groups(" ")
	case 4:
		return thai(pid)
	case 5:
		return pid[:3] + "-" + pid[3:6] + "-" + pid[6:9] + "-" + pid[9:12] + "-" + pid[12:]
	case 6:
		return groups("–")
	case 7: // mixed separators, Thai and ASCII digits mixed
		return pid[:1] + " " + pid[1:5] + "." + thai(pid[5:10]) + "/" + pid[10:12] + "_" + pid[12:]
	case 8:
		if !IsSeparator(sep) {
			sep = ','
		}
		return groups(string(sep))
	}
	return pid
}
