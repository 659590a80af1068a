package mockprovider_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/thaid-go/thaid-go/mockprovider"
)

var thirteenDigits = regexp.MustCompile(`(^|[^0-9])[0-9]{13}($|[^0-9])`)

// FuzzMaskPID: masking is idempotent and leaves no standalone 13-digit number.
func FuzzMaskPID(f *testing.F) {
	for _, s := range []string{"1101700230708", "a1101700230708b", "1-1017-00230-70-8", "1101700230708 3409901127549", "11017002307081", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := mockprovider.MaskPID(s)
		if mockprovider.MaskPID(m) != m {
			t.Fatalf("not idempotent: %q -> %q", s, m)
		}
		if thirteenDigits.MatchString(m) {
			t.Fatalf("unmasked PID left in %q", m)
		}
	})
}

// FuzzLoadCitizens: arbitrary input never panics, and what loads is valid.
func FuzzLoadCitizens(f *testing.F) {
	f.Add(`[{"pid":"1101700230708","given_name":"ก","password":"24681357"}]`)
	f.Add(`[{"pid":"1101700230708","password":"12345678"}]`)
	f.Add(`{}`)
	f.Fuzz(func(t *testing.T, s string) {
		cs, err := mockprovider.LoadCitizens(strings.NewReader(s))
		if err == nil {
			if err := mockprovider.ValidateCitizens(cs); err != nil {
				t.Fatalf("loaded invalid citizens: %v", err)
			}
		}
	})
}

// FuzzLoadProfile: arbitrary input never panics; a profile that loads starts a provider, whose
// effective profile loads again unchanged.
func FuzzLoadProfile(f *testing.F) {
	f.Add(replayed)
	f.Add(`{"profile": "thaid-provider/1"}`)
	f.Add(`{"profile": "thaid-provider/1", "discovery": {"members": ["issuer", "x_uri"], "values": {}}}`)
	f.Add(`{"profile": "thaid-provider/1", "token": {"expiry": "expires_in-relative", "access_token_seconds": 1}}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, s string) {
		pr, err := mockprovider.LoadProfile(strings.NewReader(s))
		if err != nil {
			if !errors.Is(err, mockprovider.ErrInvalidProfile) {
				t.Fatalf("error %v does not match ErrInvalidProfile", err)
			}
			return
		}
		p, err := mockprovider.New(mockprovider.Options{Issuer: "http://127.0.0.1:9", Profile: pr})
		if err != nil {
			t.Fatalf("a loaded profile does not start a provider: %v", err)
		}
		checkRoundTrip(t, p)
	})
}
