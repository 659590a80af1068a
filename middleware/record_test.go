package middleware

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/thaid"
)

func TestIdentityRoundTrip(t *testing.T) {
	bd := thaid.Date{Year: 1990, Month: 0, Day: 0}
	verified := &thaid.Identity{Subject: "1101700230708", Issuer: "https://op", PID: thaid.MustParsePID("1101700230708"),
		Name: "นาย สมชาย ใจดี", Birthdate: &bd, IAL: "2.3", Verified: true,
		Address:  &thaid.Address{Formatted: "x", Fields: map[string]any{"formatted": "x", "province": "y"}},
		AuthTime: time.Unix(1700000000, 0).UTC(),
		Raw: map[string]any{"sub": "1101700230708", "iss": "https://op", "pid": "1101700230708", "name": "นาย สมชาย ใจดี",
			"birthdate": "2533-00-00", "ial": 2.3, "address": map[string]any{"formatted": "x", "province": "y"},
			"auth_time": 1700000000.0, "extra": []any{1.0, "a", nil, true, false, map[string]any{"n": []any{}}}}}
	issued := thaid.Date{Year: 2020, Month: 1, Day: 2}
	flat := &thaid.Identity{PID: thaid.MustParsePID("1112034563562"), Address: &thaid.Address{Formatted: "บ้านเลขที่ 1"},
		DateOfIssuance: &issued,
		Raw:            map[string]any{"pid": "1112034563562", "address": "บ้านเลขที่ 1", "date_of_issuance": "2020-01-02"}}
	tests := []struct {
		name string
		id   *thaid.Identity
	}{
		{"verified claims", verified},
		{"flat claims", flat},
		{"no claims", &thaid.Identity{Verified: true, Raw: map[string]any{}}},
		{"built by hand", &thaid.Identity{Subject: "sub", PID: thaid.MustParsePID("1101700230708"), Name: "นาย สมชาย ใจดี",
			AuthTime: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), Verified: true, Raw: map[string]any{"sub": "sub", "x": "kept"}}},
		{"no raw", &thaid.Identity{PID: thaid.MustParsePID("1112034563562")}},
		{"fields that differ from their claims", &thaid.Identity{Subject: "a", Name: "b", PID: thaid.MustParsePID("1101700230708"),
			Address: &thaid.Address{Formatted: "built from parts", Fields: map[string]any{"province": "p"}},
			Raw:     map[string]any{"sub": "not a", "name": 3.0, "pid": 1101700230708.0, "address": "other"}}},
		{"year 9999", &thaid.Identity{AuthTime: time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := encodeIdentity(tt.id)
			if err != nil {
				t.Fatal(err)
			}
			back, err := decodeIdentity(string(b))
			if err != nil {
				t.Fatalf("decodeIdentity: %v", err)
			}
			if !reflect.DeepEqual(tt.id, back) {
				t.Fatalf("round trip differs:\n%#v\n%#v", tt.id.Raw, back.Raw)
			}
		})
	}
	// Raw values of other Go types are kept as their JSON.
	b, err := encodeIdentity(&thaid.Identity{Raw: map[string]any{"n": 7, "t": []string{"a"}}})
	if err != nil {
		t.Fatal(err)
	}
	back, err := decodeIdentity(string(b))
	if err != nil || !reflect.DeepEqual(back.Raw, map[string]any{"n": 7.0, "t": []any{"a"}}) {
		t.Fatalf("other types: %v, %v", back, err)
	}
}

// TestIdentityIsCompact: a field that equals its claim is written once.
func TestIdentityIsCompact(t *testing.T) {
	id := &thaid.Identity{Subject: "1101700230708", PID: thaid.MustParsePID("1101700230708"), Name: "นาย สมชาย ใจดี",
		Address: &thaid.Address{Formatted: "บ้าน", Fields: map[string]any{"formatted": "บ้าน"}},
		Raw:     map[string]any{"sub": "1101700230708", "pid": "1101700230708", "name": "นาย สมชาย ใจดี", "address": map[string]any{"formatted": "บ้าน"}}}
	b, err := encodeIdentity(id)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"สมชาย", "1101700230708", "บ้าน"} {
		if n := strings.Count(string(b), s); n != 1 && !(s == "1101700230708" && n == 2) { // sub and pid are two claims
			t.Errorf("%q appears %d times", s, n)
		}
	}
}

func TestRecordDecodeErrors(t *testing.T) {
	good, _ := encodeIdentity(&thaid.Identity{PID: thaid.MustParsePID("1101700230708"), Raw: map[string]any{"pid": "1101700230708"}})
	for _, in := range []string{"", "\x03", string(good[:len(good)-1]), string(good) + "x",
		strings.Replace(string(good), "1101700230708", "1101700230709", 1)} {
		if _, err := decodeIdentity(in); err == nil {
			t.Errorf("decodeIdentity(%q) succeeded", in)
		}
	}
	deep := strings.Repeat("\x05\x01", 100) // arrays in arrays
	if _, err := decodeIdentity("\x02\x01\x01k" + deep); err == nil {
		t.Error("decodeIdentity took 100 nested arrays")
	}
	for _, in := range []string{"", "\x02", "\x01", "\x01\x03"} {
		if _, _, err := decodeToken(in); err == nil && in != "" {
			t.Errorf("decodeToken(%q) succeeded", in)
		}
	}
}

// FuzzDecodeRecords: the decoders of sealed plaintexts never panic, and what decodes encodes to
// what decodes to the same.
func FuzzDecodeRecords(f *testing.F) {
	tok := &thaid.Token{AccessToken: "a", TokenType: "Bearer", RefreshToken: "r", IDToken: "i", Expiry: time.Unix(5, 0), Scopes: []string{"openid", "pid"}}
	id, _ := encodeIdentity(&thaid.Identity{Subject: "s", Verified: true, Raw: map[string]any{"sub": "s", "a": []any{1.0, map[string]any{"b": nil}}}})
	f.Add(encodeBody(id, tok, time.Unix(3, 0)))
	f.Add(encodeBody(id, tok, time.Time{}))
	f.Add(encodeBody(nil, nil, time.Time{}))
	f.Add(encodeHead(time.Unix(1, 0), time.Unix(2, 0), "u"))
	f.Add(encodeLogin(pendingLogin{login: thaid.Login{State: "s", Nonce: "n", CodeVerifier: "v"}, returnTo: "/"}))
	f.Fuzz(func(t *testing.T, b []byte) {
		if idEnc, tokEnc, err := decodeBody(string(b)); err == nil {
			if id, err := decodeIdentity(idEnc); err == nil {
				again, err := encodeIdentity(id)
				if err != nil {
					t.Fatalf("a decoded identity does not encode: %v", err)
				}
				id2, err := decodeIdentity(string(again))
				if err != nil || !reflect.DeepEqual(id, id2) {
					t.Fatalf("identity changed on re-encoding: %v / %v, %v", id, id2, err)
				}
			}
			if tok, received, err := decodeToken(tokEnc); err == nil {
				_, tokEnc2, err := decodeBody(string(encodeBody(nil, tok, received)))
				tok2, received2, err2 := decodeToken(tokEnc2)
				if err != nil || err2 != nil || fmt.Sprintf("%#v", tok) != fmt.Sprintf("%#v", tok2) || !received2.Equal(received) ||
					(tok != nil && (tok2.AccessToken != tok.AccessToken || tok2.RefreshToken != tok.RefreshToken || tok2.IDToken != tok.IDToken ||
						!tok2.Expiry.Equal(tok.Expiry) || strings.Join(tok2.Scopes, " ") != strings.Join(tok.Scopes, " "))) {
					t.Fatalf("token changed on re-encoding: %v / %v", tok, tok2)
				}
			}
		}
		if c, l, u, err := decodeHead(b); err == nil {
			c2, l2, u2, err := decodeHead(encodeHead(c, l, string(u)))
			if err != nil || !c2.Equal(c) || !l2.Equal(l) || string(u2) != string(u) {
				t.Fatalf("head changed on re-encoding")
			}
		}
		if l, err := decodeLogin(b); err == nil {
			l2, err := decodeLogin(encodeLogin(l))
			if err != nil || l2.login != l.login || l2.returnTo != l.returnTo {
				t.Fatalf("login changed on re-encoding: %+v / %+v, %v", l, l2, err)
			}
		}
	})
}

// TestIdentityCodecKnowsEveryField fails when thaid.Identity, Address or Date gain or lose a
// field: the identity codec writes each field by name, and would silently drop a new one.
func TestIdentityCodecKnowsEveryField(t *testing.T) {
	for _, tt := range []struct {
		typ  reflect.Type
		want string
	}{
		{reflect.TypeFor[thaid.Identity](), "Subject PID Title GivenName MiddleName FamilyName Name TitleEN GivenNameEN MiddleNameEN " +
			"FamilyNameEN NameEN Birthdate Gender Address SmartcardCode DateOfIssuance DateOfExpiry IAL AuthTime Issuer Verified Raw"},
		{reflect.TypeFor[thaid.Address](), "Formatted Fields"},
		{reflect.TypeFor[thaid.Date](), "Year Month Day"},
	} {
		var got []string
		for i := range tt.typ.NumField() {
			got = append(got, tt.typ.Field(i).Name)
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("%s has the fields %q; record.go's identity codec knows %q: teach it the new ones", tt.typ, got, tt.want)
		}
	}
}
