package thaid

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaskPID masks every PID in s, so that free text (a log line, an error message, a claim) can be
// shown. It reads s as digit runs:
//
//   - A digit run is a sequence of digits, ASCII or Thai (๐-๙), in which groups of digits may be
//     joined by separators: white space, dashes (any Unicode dash), '.', ',', '_' and '/'. So
//     1-1017-00230-70-8, 1.1017.00230.70.8, 1 1017-00230.70 8 and ๑๑๐๑๗๐๐๒๓๐๗๐๘ are each one
//     run of 13 digits, and so is a PID written next to other digits (99-1101700230708 is one run
//     of 15).
//   - A run of exactly 13 digits becomes the masked PID, 1-1017-xxxxx-70-8 (in ASCII digits),
//     whether or not its check digit is valid.
//   - A longer run, which may hide a PID anywhere in it, keeps its first digit and its last two,
//     every other digit becoming x; its separators stay: "9" + "1101700230708" becomes
//     9xxxxxxxxxxx08.
//   - A shorter run (a 10-digit Unix time, a date, a phone number) cannot hold a PID and is left
//     as it is.
//
// So, once separators are removed, the result never holds 13 digits of a PID in order. MaskPID
// is idempotent (masking a masked text changes nothing), and a text without a digit is returned
// as it is, without allocating. Example: "pid=1101700230708" becomes "pid=1-1017-xxxxx-70-8".
func MaskPID(s string) string {
	i := nextDigit(s, 0)
	if i < 0 {
		return s
	}
	var out strings.Builder
	last := 0 // s[:last] is in out
	for i >= 0 {
		end, n, digits := digitRun(s, i)
		if n >= 13 {
			if last == 0 {
				out.Grow(len(s) + 8)
			}
			out.WriteString(s[last:i])
			if n == 13 {
				writeMaskedPID(&out, &digits)
			} else {
				writeMaskedRun(&out, s[i:end], n)
			}
			last = end
		}
		i = nextDigit(s, end)
	}
	if last == 0 {
		return s
	}
	out.WriteString(s[last:])
	return out.String()
}

// Thai digits ๐-๙ (U+0E50-U+0E59) are the three bytes E0 B9 90-99 in UTF-8.
const (
	thaiDigit0, thaiDigit1 = 0xE0, 0xB9 // the first two bytes of every Thai digit
	thaiDigitBase          = 0x90       // the last byte of ๐
)

// digitAt returns the value of the digit (ASCII or Thai) that starts at s[i], and its size in
// bytes; -1 when there is none.
func digitAt(s string, i int) (value, size int) {
	c := s[i]
	if c-'0' < 10 {
		return int(c - '0'), 1
	}
	if c == thaiDigit0 && i+2 < len(s) && s[i+1] == thaiDigit1 && s[i+2]-thaiDigitBase < 10 {
		return int(s[i+2] - thaiDigitBase), 3
	}
	return -1, 0
}

// nextDigit returns the index of the first digit (ASCII or Thai) in s at or after start, or -1.
// It reads bytes, never runes: text without digits costs one comparison or two per byte.
func nextDigit(s string, start int) int {
	for i := start; i < len(s); i++ {
		c := s[i]
		if c-'0' < 10 || c == thaiDigit0 && i+2 < len(s) && s[i+1] == thaiDigit1 && s[i+2]-thaiDigitBase < 10 {
			return i
		}
	}
	return -1
}

// separatorAt returns the size of the separator that starts at s[i] (see MaskPID), or 0.
func separatorAt(s string, i int) int {
	if c := s[i]; c < utf8.RuneSelf {
		switch c {
		case ' ', '\t', '\n', '\v', '\f', '\r', '-', '.', ',', '_', '/':
			return 1
		}
		return 0
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	if unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) {
		return size
	}
	return 0
}

// digitRun reads the digit run that starts with the digit at s[start]: it returns the end of
// its last digit (separators after it are not part of the run), its number of digits, and its
// first 13 digits in ASCII.
func digitRun(s string, start int) (end, n int, digits [13]byte) {
	for i := start; i < len(s); {
		if d, size := digitAt(s, i); size > 0 {
			if n < len(digits) {
				digits[n] = byte('0' + d)
			}
			n++
			i += size
			end = i
			continue
		}
		size := separatorAt(s, i)
		if size == 0 {
			break
		}
		i += size // a separator belongs to the run only if a digit follows
	}
	return end, n, digits
}

// writeMaskedPID writes the masked form of a PID's digits: 1-1017-xxxxx-70-8.
func writeMaskedPID(b *strings.Builder, d *[13]byte) {
	var m [17]byte
	m[0], m[1] = d[0], '-'
	copy(m[2:6], d[1:5])
	copy(m[6:13], "-xxxxx-")
	m[13], m[14], m[15], m[16] = d[10], d[11], '-', d[12]
	b.Write(m[:])
}

// writeMaskedRun writes run, a digit run of n > 13 digits, with every digit but its first and
// its last two replaced by x.
func writeMaskedRun(b *strings.Builder, run string, n int) {
	seen := 0
	for i := 0; i < len(run); {
		_, size := digitAt(run, i)
		if size == 0 { // a separator
			size = max(separatorAt(run, i), 1)
			b.WriteString(run[i : i+size])
			i += size
			continue
		}
		seen++
		if seen == 1 || seen > n-2 {
			b.WriteString(run[i : i+size])
		} else {
			b.WriteByte('x')
		}
		i += size
	}
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
