package thaid

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Identity is the citizen as ThaID describes them: the claims of the granted
// scopes, typed. Fields whose scope was not granted are empty.
//
// Identity JSON round-trips in full (for session stores). String, GoString,
// Format and LogValue print only a masked summary, never the PID or names.
type Identity struct {
	Subject string `json:"subject,omitempty"` // "sub"
	PID     PID    `json:"pid,omitzero"`      // "pid"

	Title      string `json:"title,omitempty"`       // Thai title (นาย, นาง, ...)
	GivenName  string `json:"given_name,omitempty"`  // Thai given name
	MiddleName string `json:"middle_name,omitempty"` // Thai middle name
	FamilyName string `json:"family_name,omitempty"` // Thai family name
	Name       string `json:"name,omitempty"`        // Thai full name

	TitleEN      string `json:"title_en,omitempty"`       // English title (Mr., Mrs., ...)
	GivenNameEN  string `json:"given_name_en,omitempty"`  // English given name
	MiddleNameEN string `json:"middle_name_en,omitempty"` // English middle name
	FamilyNameEN string `json:"family_name_en,omitempty"` // English family name
	NameEN       string `json:"name_en,omitempty"`        // English full name

	Birthdate      *Date    `json:"birthdate,omitempty"`        // Gregorian; may be partial
	Gender         string   `json:"gender,omitempty"`           // e.g. "male", "female"
	Address        *Address `json:"address,omitempty"`          // registered address
	SmartcardCode  string   `json:"smartcard_code,omitempty"`   // ID card laser code
	DateOfIssuance *Date    `json:"date_of_issuance,omitempty"` // ID card issue date
	DateOfExpiry   *Date    `json:"date_of_expiry,omitempty"`   // ID card expiry date
	IAL            string   `json:"ial,omitempty"`              // e.g. "2.3", whether sent as number or string

	AuthTime time.Time `json:"auth_time,omitzero"` // "auth_time"
	Issuer   string    `json:"issuer,omitempty"`   // "iss"
	// Verified is true when the claims come from a verified ID token, false
	// when they come from the flat claims of a token response (TLS only).
	Verified bool           `json:"verified"`
	Raw      map[string]any `json:"raw"` // every claim as received, unknown ones included
}

// DisplayName returns the Thai full name, else one built from the Thai parts,
// else the English full name or parts. It may be "".
func (id *Identity) DisplayName() string {
	if id == nil {
		return ""
	}
	if id.Name != "" {
		return id.Name
	}
	if s := joinNonEmpty(id.Title, id.GivenName, id.MiddleName, id.FamilyName); id.GivenName != "" || id.FamilyName != "" {
		return s
	}
	if id.NameEN != "" {
		return id.NameEN
	}
	return joinNonEmpty(id.TitleEN, id.GivenNameEN, id.MiddleNameEN, id.FamilyNameEN)
}

// joinNonEmpty joins the parts that are not blank, trimmed, with single spaces.
func joinNonEmpty(parts ...string) string {
	kept := make([]string, 0, len(parts))
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, " ")
}

// String returns a summary that is safe to log: masked PID and subject, issuer,
// IAL and whether the claims were verified. Names and other claims are left out.
func (id Identity) String() string {
	return fmt.Sprintf("thaid.Identity{Subject: %q, PID: %q, Issuer: %q, IAL: %q, Verified: %t, Claims: %d}",
		MaskPID(id.Subject), id.PID.Masked(), id.Issuer, id.IAL, id.Verified, len(id.Raw))
}

// GoString returns the safe summary (for %#v).
func (id Identity) GoString() string { return id.String() }

// Format prints the safe summary for every fmt verb.
func (id Identity) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(id.String())) }

// LogValue implements slog.LogValuer with the PID and subject masked.
func (id Identity) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("sub", MaskPID(id.Subject)),
		slog.String("pid", id.PID.Masked()),
		slog.String("iss", id.Issuer),
		slog.String("ial", id.IAL),
		slog.Bool("verified", id.Verified),
	)
}

// Address is the registered address. ThaID may send it as a string or as an
// object such as {"formatted": "..."} with more members; both decode.
type Address struct {
	// Formatted is the address as one line: the string form, the object's
	// "formatted" member, or one built from the object's known members.
	Formatted string
	// Fields holds every member of the object form; nil for the string form.
	Fields map[string]any
}

// String returns Formatted.
func (a *Address) String() string {
	if a == nil {
		return ""
	}
	return a.Formatted
}

// MarshalJSON writes the address in the form it came in: the object when
// Fields is set, else the string.
func (a Address) MarshalJSON() ([]byte, error) {
	if a.Fields != nil {
		return json.Marshal(a.Fields)
	}
	return json.Marshal(a.Formatted)
}

// UnmarshalJSON reads a string or an object.
func (a *Address) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return wrapf(ErrInvalidClaim, "address: %v", err)
	}
	addr, err := addressFrom(v)
	if err != nil {
		return err
	}
	if addr == nil {
		*a = Address{}
		return nil
	}
	*a = *addr
	return nil
}

// addressParts is the order in which object members build Formatted when the
// object has no "formatted" member.
var addressParts = []string{
	"street_address", "house_no", "moo", "village", "building", "floor", "room", "soi",
	"road", "subdistrict", "district", "locality", "province", "region", "postal_code", "country",
}

func addressFrom(v any) (*Address, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		if x == "" {
			return nil, nil
		}
		return &Address{Formatted: x}, nil
	case map[string]any:
		a := &Address{Fields: x}
		if f, ok := x["formatted"].(string); ok && f != "" {
			a.Formatted = f
			return a, nil
		}
		parts := make([]string, 0, len(addressParts))
		for _, k := range addressParts {
			if s, ok := x[k].(string); ok {
				parts = append(parts, s)
			}
		}
		a.Formatted = joinNonEmpty(parts...)
		return a, nil
	}
	return nil, wrapf(ErrInvalidClaim, "address is a %s", jsonType(v))
}

// identityFromClaims types the claims of m. m becomes Identity.Raw. Decoding is
// tolerant (IAL as number or string, address as string or object, Buddhist-era
// and partial dates), but a claim of the wrong type or an invalid PID is an error.
func identityFromClaims(m map[string]any, verified bool) (*Identity, error) {
	id := &Identity{Raw: m, Verified: verified}
	var err error
	for _, f := range []struct {
		name string
		dst  *string
	}{
		{"sub", &id.Subject},
		{"iss", &id.Issuer},
		{ScopeTitle, &id.Title},
		{ScopeGivenName, &id.GivenName},
		{ScopeMiddleName, &id.MiddleName},
		{ScopeFamilyName, &id.FamilyName},
		{ScopeName, &id.Name},
		{ScopeTitleEN, &id.TitleEN},
		{ScopeGivenNameEN, &id.GivenNameEN},
		{ScopeMiddleNameEN, &id.MiddleNameEN},
		{ScopeFamilyNameEN, &id.FamilyNameEN},
		{ScopeNameEN, &id.NameEN},
		{ScopeGender, &id.Gender},
		{ScopeSmartcardCode, &id.SmartcardCode},
	} {
		if *f.dst, err = stringMember(m, f.name, ErrInvalidClaim); err != nil {
			return nil, err
		}
	}
	pid, err := numericMember(m, ScopePID)
	if err != nil {
		return nil, err
	}
	if pid != "" {
		if id.PID, err = ParsePID(pid); err != nil {
			return nil, err
		}
	}
	if id.IAL, err = numericMember(m, ScopeIAL); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name string
		dst  **Date
	}{
		{ScopeBirthdate, &id.Birthdate},
		{ScopeDateOfIssuance, &id.DateOfIssuance},
		{ScopeDateOfExpiry, &id.DateOfExpiry},
	} {
		v, ok := m[f.name]
		if !ok || v == nil {
			continue
		}
		s, ok := v.(string)
		if !ok {
			return nil, wrapf(ErrInvalidClaim, "%s is a %s, not a date string", f.name, jsonType(v))
		}
		if s == "" {
			continue
		}
		d, err := ParseDate(s)
		if err != nil {
			return nil, wrapf(ErrInvalidClaim, "%s: %v", f.name, err)
		}
		*f.dst = &d
	}
	if id.Address, err = addressFrom(m[ScopeAddress]); err != nil {
		return nil, err
	}
	if id.AuthTime, err = timeMember(m, "auth_time"); err != nil {
		return nil, err
	}
	return id, nil
}
