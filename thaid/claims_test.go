package thaid

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDecodeClaims(t *testing.T) {
	wantIAL := func(want string) func(t *testing.T, id *Identity) {
		return func(t *testing.T, id *Identity) {
			if id.IAL != want {
				t.Fatalf("IAL = %q", id.IAL)
			}
		}
	}
	tests := []struct {
		name    string
		json    string
		check   func(t *testing.T, id *Identity)
		wantErr error
	}{
		{
			name: "full Thai citizen",
			json: `{"sub":"abc","iss":"https://imauth.bora.dopa.go.th","pid":"1101700230708",
				"title":"นาย","given_name":"สมชาย","middle_name":"","family_name":"ใจดี","name":"นาย สมชาย ใจดี",
				"title_en":"Mr.","given_name_en":"Somchai","family_name_en":"Jaidee","name_en":"Mr. Somchai Jaidee",
				"birthdate":"1990-05-17","gender":"male","address":"99 หมู่ 1 ต.บางรัก","smartcard_code":"JT0-1234567-89",
				"date_of_issuance":"2020-01-02","date_of_expiry":"2029-05-16","ial":"2.3","auth_time":1700000000,
				"version":"2.0","x_custom":{"a":1}}`,
			check: func(t *testing.T, id *Identity) {
				want := Identity{
					Subject: "abc", Issuer: "https://imauth.bora.dopa.go.th", PID: MustParsePID("1101700230708"),
					Title: "นาย", GivenName: "สมชาย", FamilyName: "ใจดี", Name: "นาย สมชาย ใจดี",
					TitleEN: "Mr.", GivenNameEN: "Somchai", FamilyNameEN: "Jaidee", NameEN: "Mr. Somchai Jaidee",
					Birthdate: &Date{1990, 5, 17}, Gender: "male", Address: &Address{Formatted: "99 หมู่ 1 ต.บางรัก"},
					SmartcardCode: "JT0-1234567-89", DateOfIssuance: &Date{2020, 1, 2}, DateOfExpiry: &Date{2029, 5, 16},
					IAL: "2.3", AuthTime: time.Unix(1700000000, 0).UTC(), Verified: true, Raw: id.Raw,
				}
				if !reflect.DeepEqual(*id, want) {
					t.Fatalf("got  %#v\nwant %#v", fields(id), fields(&want))
				}
				if id.Raw["version"] != "2.0" || id.Raw["x_custom"] == nil {
					t.Fatalf("unknown claims not kept: %v", id.Raw)
				}
			},
		},
		{name: "IAL as number", json: `{"ial":2.3}`, check: wantIAL("2.3")},
		{name: "IAL as integer", json: `{"ial":2}`, check: wantIAL("2")},
		{
			name: "address object with formatted",
			json: `{"address":{"formatted":"1 ถนนราชดำเนิน","province":"กรุงเทพมหานคร","postal_code":"10200"}}`,
			check: func(t *testing.T, id *Identity) {
				if id.Address.Formatted != "1 ถนนราชดำเนิน" || id.Address.Fields["province"] != "กรุงเทพมหานคร" {
					t.Fatalf("Address = %#v", id.Address)
				}
			},
		},
		{
			name: "address object without formatted",
			json: `{"address":{"house_no":"1","road":"ราชดำเนิน","province":"กรุงเทพมหานคร","extra":5}}`,
			check: func(t *testing.T, id *Identity) {
				if id.Address.Formatted != "1 ราชดำเนิน กรุงเทพมหานคร" {
					t.Fatalf("Formatted = %q", id.Address.Formatted)
				}
			},
		},
		{
			name: "Buddhist-era and partial birthdates",
			json: `{"birthdate":"2493-00-00","date_of_expiry":"2572-05-16"}`,
			check: func(t *testing.T, id *Identity) {
				if *id.Birthdate != (Date{1950, 0, 0}) || !id.Birthdate.Partial() {
					t.Fatalf("Birthdate = %v", id.Birthdate)
				}
				if *id.DateOfExpiry != (Date{2029, 5, 16}) {
					t.Fatalf("DateOfExpiry = %v", id.DateOfExpiry)
				}
			},
		},
		{
			name: "PID as number, dashed and null fields",
			json: `{"pid":1101700230708,"name":null,"birthdate":"","address":null}`,
			check: func(t *testing.T, id *Identity) {
				if id.PID.Digits() != "1101700230708" || id.Name != "" || id.Birthdate != nil || id.Address != nil {
					t.Fatalf("got %#v", fields(id))
				}
			},
		},
		{name: "invalid PID", json: `{"pid":"1101700230709"}`, wantErr: ErrInvalidPID},
		{name: "PID of wrong type", json: `{"pid":true}`, wantErr: ErrInvalidClaim},
		{name: "name of wrong type", json: `{"name":5}`, wantErr: ErrInvalidClaim},
		{name: "bad birthdate", json: `{"birthdate":"17/05/1990"}`, wantErr: ErrInvalidClaim},
		{name: "birthdate number", json: `{"birthdate":19900517}`, wantErr: ErrInvalidClaim},
		{name: "address number", json: `{"address":5}`, wantErr: ErrInvalidClaim},
		{name: "ial object", json: `{"ial":{}}`, wantErr: ErrInvalidClaim},
		{name: "auth_time string", json: `{"auth_time":"now"}`, wantErr: ErrInvalidToken},
		{name: "not an object", json: `[1,2]`, wantErr: ErrInvalidClaim},
		{name: "null", json: `null`, wantErr: ErrInvalidClaim},
		{name: "truncated", json: `{"pid":"1`, wantErr: ErrInvalidClaim},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := decodeClaims([]byte(tt.json), true)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, id)
		})
	}
}

// decodeClaims decodes a JSON object of claims into an Identity, as VerifyIDToken and UserInfo
// do after their own checks: the entry point of the claim-decoding tests and FuzzDecodeClaims.
func decodeClaims(data []byte, verified bool) (*Identity, error) {
	m, err := decodeObject(data)
	if err != nil {
		return nil, wrapf(ErrInvalidClaim, "claims are not a JSON object: %v", err)
	}
	return identityFromClaims(m, verified)
}

// fields prints an Identity in full, for test failure messages only.
func fields(id *Identity) string {
	b, _ := json.Marshal(id)
	return string(b)
}

func TestIdentityJSONRoundTrip(t *testing.T) {
	for _, in := range []string{
		`{"sub":"s","pid":"1101700230708","name":"นาย สมชาย ใจดี","birthdate":"2533-00-00","ial":2.3,
		  "address":{"formatted":"x","province":"y"},"auth_time":1700000000.5,"iss":"https://op","extra":[1,"a"]}`,
		`{"pid":"1112034563562","address":"บ้านเลขที่ 1","date_of_issuance":"2020-01-02"}`,
		`{}`,
	} {
		id, err := decodeClaims([]byte(in), true)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(id)
		if err != nil {
			t.Fatal(err)
		}
		var back Identity
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("Unmarshal(%s): %v", b, err)
		}
		if !reflect.DeepEqual(*id, back) {
			t.Fatalf("round trip differs:\n%s\n%s", b, fields(&back))
		}
	}
}

func TestIdentityNeverPrintsPID(t *testing.T) {
	id, err := decodeClaims([]byte(`{"sub":"1101700230708","pid":"1101700230708","name":"นาย สมชาย ใจดี"}`), true)
	if err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("login", "id", id)
	res := &Result{Identity: id, Token: &Token{AccessToken: "at-secret", RefreshToken: "rt-secret", IDToken: "idt-secret"}}
	for name, out := range map[string]string{
		"%v": fmt.Sprintf("%v", id), "%+v": fmt.Sprintf("%+v", id), "%#v": fmt.Sprintf("%#v", id),
		"%s": fmt.Sprintf("%s", id), "String": id.String(), "slog": logged.String(),
		"Result %+v": fmt.Sprintf("%+v", res), "Result %#v": fmt.Sprintf("%#v", *res),
	} {
		for _, secret := range []string{"1101700230708", "00230", "สมชาย", "at-secret", "rt-secret", "idt-secret"} {
			if strings.Contains(out, secret) {
				t.Errorf("%s leaks %q: %s", name, secret, out)
			}
		}
	}
}

func TestDisplayName(t *testing.T) {
	tests := []struct {
		id   Identity
		want string
	}{
		{Identity{Name: "นาย สมชาย ใจดี", GivenName: "x"}, "นาย สมชาย ใจดี"},
		{Identity{Title: "นาง", GivenName: "สมหญิง", FamilyName: "ใจดี"}, "นาง สมหญิง ใจดี"},
		{Identity{NameEN: "Mr. Somchai Jaidee"}, "Mr. Somchai Jaidee"},
		{Identity{TitleEN: "Ms.", GivenNameEN: "Mali", MiddleNameEN: "K.", FamilyNameEN: "Dee"}, "Ms. Mali K. Dee"},
		{Identity{}, ""},
	}
	for _, tt := range tests {
		if got := tt.id.DisplayName(); got != tt.want {
			t.Errorf("DisplayName() = %q, want %q", got, tt.want)
		}
	}
	if (*Identity)(nil).DisplayName() != "" {
		t.Fatal("nil DisplayName")
	}
}

func TestNilValuesPrint(t *testing.T) {
	var tok *Token
	var id *Identity
	var l *Login
	for _, out := range []string{fmt.Sprintf("%v", tok), fmt.Sprintf("%v", id), fmt.Sprintf("%+v", l)} {
		if out != "<nil>" {
			t.Errorf("nil prints %q", out)
		}
	}
}
