package thaid

import (
	"encoding/json"
	"fmt"
	"time"
)

// Date is a calendar date as ThaID sends it (birthdate, card dates). Year is
// always Gregorian. Month or Day 0 means unknown: some citizens' registered
// birthdates have an unknown day or month ("1950-00-00"), and such a date is
// kept as a partial Date rather than refused.
type Date struct {
	Year  int
	Month int // 1-12, or 0 when unknown
	Day   int // 1-31, or 0 when unknown
}

// buddhistEraOffset is the difference between Buddhist-era and Gregorian years.
const buddhistEraOffset = 543

// ParseDate parses "YYYY-MM-DD". A year above 2400 is taken as Buddhist era
// (พ.ศ.) and converted to Gregorian by subtracting 543. A month or day of 00
// means unknown; a known day with an unknown month is refused. A trailing time
// ("1990-05-17T00:00:00Z") is ignored. Errors match ErrInvalidClaim.
func ParseDate(s string) (Date, error) {
	if len(s) > 10 && (s[10] == 'T' || s[10] == ' ') {
		s = s[:10]
	}
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, wrapf(ErrInvalidClaim, "date %q is not YYYY-MM-DD", truncate(s, 32))
	}
	y, ok1 := atoiDigits(s[0:4])
	m, ok2 := atoiDigits(s[5:7])
	d, ok3 := atoiDigits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return Date{}, wrapf(ErrInvalidClaim, "date %q is not YYYY-MM-DD", s)
	}
	if y > 2400 {
		y -= buddhistEraOffset
	}
	date := Date{Year: y, Month: m, Day: d}
	if !date.valid() {
		return Date{}, wrapf(ErrInvalidClaim, "date %q does not exist", s)
	}
	return date, nil
}

func (d Date) valid() bool {
	if d.Year < 1 || d.Year > 9999 || d.Month < 0 || d.Month > 12 || d.Day < 0 || d.Day > 31 {
		return false
	}
	if d.Month == 0 {
		return d.Day == 0
	}
	if d.Day == 0 {
		return true
	}
	return d.Day <= daysIn(d.Year, d.Month)
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func atoiDigits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// String returns the date as "YYYY-MM-DD" with a Gregorian year; unknown parts are 00.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Partial reports whether the month or the day is unknown.
func (d Date) Partial() bool { return d.Month == 0 || d.Day == 0 }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Time returns midnight UTC of the date and true, or the zero time and false
// when the date is partial or zero.
func (d Date) Time() (time.Time, bool) {
	if d.Partial() || !d.valid() {
		return time.Time{}, false
	}
	return time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC), true
}

// MarshalJSON encodes the date as a "YYYY-MM-DD" string.
func (d Date) MarshalJSON() ([]byte, error) {
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON decodes a date string with ParseDate.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return wrapf(ErrInvalidClaim, "date is not a string")
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
