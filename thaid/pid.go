package thaid

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode"
)

// PID is a Thai citizen identification number (เลขประจำตัวประชาชน): 13 digits,
// the last one a mod-11 check digit. The zero value means "no PID".
//
// A PID is personal data under the PDPA. String, Format (every fmt verb),
// GoString and LogValue print it masked, as 1-1017-xxxxx-70-8, so that it cannot
// leak into logs by accident. Digits returns the full number, and JSON carries
// the full digits because JSON is data (a session store), not a log line.
type PID struct {
	digits string
}

// PIDError describes why a string is not a valid PID. It matches ErrInvalidPID
// with errors.Is. Input is masked.
type PIDError struct {
	Input string // the offending input, masked with MaskPID
	Rule  string // the rule that failed: "empty", "characters", "length", "first digit", "check digit"
}

// Error implements the error interface.
func (e *PIDError) Error() string {
	return fmt.Sprintf("thaid: invalid PID %q: %s", e.Input, e.Rule)
}

// Is makes errors.Is(err, ErrInvalidPID) true.
func (e *PIDError) Is(target error) bool { return target == ErrInvalidPID }

// PID validation rules, as reported in PIDError.Rule.
const (
	PIDRuleEmpty      = "empty"
	PIDRuleCharacters = "characters"
	PIDRuleLength     = "length"
	PIDRuleFirstDigit = "first digit"
	PIDRuleCheckDigit = "check digit"
)

// ParsePID parses a citizen ID written as 13 digits, optionally grouped with
// dashes or spaces ("1101700230708", "1-1017-00230-70-8", "1 1017 00230 70 8").
// It checks the length, the first digit (0 to 8) and the check digit.
func ParsePID(s string) (PID, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return PID{}, &PIDError{Input: "", Rule: PIDRuleEmpty}
	}
	var b [13]byte
	n := 0
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c >= '0' && c <= '9':
			if n < len(b) {
				b[n] = c
			}
			n++
		case c == '-' || c == ' ':
		default:
			return PID{}, &PIDError{Input: maskInput(t), Rule: PIDRuleCharacters}
		}
	}
	if n != 13 {
		return PID{}, &PIDError{Input: maskInput(t), Rule: PIDRuleLength}
	}
	if b[0] == '9' {
		return PID{}, &PIDError{Input: maskInput(t), Rule: PIDRuleFirstDigit}
	}
	if checkDigit(b[:12]) != b[12] {
		return PID{}, &PIDError{Input: maskInput(t), Rule: PIDRuleCheckDigit}
	}
	return PID{digits: string(b[:])}, nil
}

// MustParsePID is ParsePID that panics on error. Use it only for constants and tests.
func MustParsePID(s string) PID {
	p, err := ParsePID(s)
	if err != nil {
		panic(err)
	}
	return p
}

// checkDigit computes d13 from the first 12 ASCII digits.
func checkDigit(d []byte) byte {
	sum := 0
	for i := 0; i < 12; i++ {
		sum += int(d[i]-'0') * (13 - i)
	}
	return byte((11-sum%11)%10) + '0'
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

// Digits returns the 13 digits, for the places that need the real number
// (a database key, a call to another government API). Never log it.
func (p PID) Digits() string { return p.digits }

// IsZero reports whether p is the zero PID (no PID).
func (p PID) IsZero() bool { return p.digits == "" }

// Masked returns the PID grouped with dashes, with the serial digits hidden:
// "1-1017-xxxxx-70-8". The zero PID gives "".
func (p PID) Masked() string {
	if len(p.digits) != 13 {
		return ""
	}
	d := p.digits
	return d[0:1] + "-" + d[1:5] + "-xxxxx-" + d[10:12] + "-" + d[12:13]
}

// String returns Masked(); a PID never prints in full by accident.
func (p PID) String() string { return p.Masked() }

// GoString returns a masked Go-syntax form (for %#v).
func (p PID) GoString() string { return "thaid.PID(" + strconv.Quote(p.Masked()) + ")" }

// Format prints the masked PID for every fmt verb (%#v uses GoString).
func (p PID) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = f.Write([]byte(p.GoString()))
		return
	}
	if verb == 'q' {
		_, _ = f.Write([]byte(strconv.Quote(p.Masked())))
		return
	}
	_, _ = f.Write([]byte(p.Masked()))
}

// LogValue implements slog.LogValuer: the masked PID.
func (p PID) LogValue() slog.Value { return slog.StringValue(p.Masked()) }

// MarshalJSON encodes the full 13 digits as a JSON string ("" for the zero PID).
func (p PID) MarshalJSON() ([]byte, error) {
	return []byte(`"` + p.digits + `"`), nil
}

// UnmarshalJSON decodes a PID from a JSON string (any form ParsePID accepts) or
// a 13-digit JSON number. "" and null give the zero PID. Invalid PIDs are
// refused with a *PIDError.
func (p *PID) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" || s == `""` {
		*p = PID{}
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return &PIDError{Input: maskInput(string(b)), Rule: PIDRuleCharacters}
		}
	}
	v, err := ParsePID(s)
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// PersonKind is the kind of person a PID was issued to, read from its first
// digit (see Kind).
type PersonKind int

// Person kinds, one per first digit of a PID.
const (
	KindUnknown                  PersonKind = -1 // zero PID
	KindNonThai                  PersonKind = 0  // 0: not issued to Thai nationals
	KindThaiBornRegisteredOnTime PersonKind = 1  // 1: Thai, born from 1984, registered on time
	KindThaiBornRegisteredLate   PersonKind = 2  // 2: Thai, born from 1984, registered late
	KindHouseRegister1984        PersonKind = 3  // 3: in a house register when numbering began in 1984
	KindMovedIn1984              PersonKind = 4  // 4: moved in 1984 without a number yet
	KindMissedOrSpecial          PersonKind = 5  // 5: missed by the census, or special cases
	KindForeignerTemporary       PersonKind = 6  // 6: foreigner living in Thailand temporarily
	KindChildOfForeignerTemp     PersonKind = 7  // 7: child of group 6, born in Thailand
	KindForeignerPermanent       PersonKind = 8  // 8: foreigner living permanently, or naturalised Thai
)

var personKindNames = [...]string{
	"not issued to Thai nationals",
	"Thai national born from 1984, registered on time",
	"Thai national born from 1984, registered late",
	"in a house register when numbering began (1984)",
	"moved in 1984 without a number yet",
	"missed by the census or special case",
	"foreigner living in Thailand temporarily",
	"child of a temporary foreign resident, born in Thailand",
	"foreigner living permanently or naturalised Thai",
}

// String returns an English description of the kind.
func (k PersonKind) String() string {
	if k >= 0 && int(k) < len(personKindNames) {
		return personKindNames[k]
	}
	return "unknown"
}

// Kind returns the kind of person, from the first digit. The zero PID gives KindUnknown.
func (p PID) Kind() PersonKind {
	if p.digits == "" {
		return KindUnknown
	}
	return PersonKind(p.digits[0] - '0')
}

// GeneratePID returns a random valid PID whose first digit is firstDigit (0 to 8),
// for tests and fixtures. A nil rng uses the global math/rand/v2 source.
func GeneratePID(rng *rand.Rand, firstDigit int) (PID, error) {
	if firstDigit < 0 || firstDigit > 8 {
		return PID{}, &PIDError{Input: strconv.Itoa(firstDigit), Rule: PIDRuleFirstDigit}
	}
	intN := rand.IntN
	if rng != nil {
		intN = rng.IntN
	}
	var b [13]byte
	b[0] = byte(firstDigit) + '0'
	for i := 1; i < 12; i++ {
		b[i] = byte(intN(10)) + '0'
	}
	b[12] = checkDigit(b[:12])
	return PID{digits: string(b[:])}, nil
}

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
