package thaid

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
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

// Digits returns the 13 digits, for the places that need the real number
// (a database key, a call to another government API). Never log it.
func (p PID) Digits() string { return p.digits }

// IsZero reports whether p is the zero PID (no PID).
func (p PID) IsZero() bool { return p.digits == "" }

// Masked returns the PID grouped with dashes, with the serial digits hidden:
// "1-1017-xxxxx-70-8". The zero PID gives "".
func (p PID) Masked() string { return MaskPID(p.digits) }

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
