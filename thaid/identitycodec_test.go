package thaid

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestIdentityBinaryRoundTrip(t *testing.T) {
	fromClaims := func(js string, verified bool) *Identity {
		t.Helper()
		id, err := decodeClaims([]byte(js), verified)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	tests := []struct {
		name     string
		id       *Identity
		wantForm byte
	}{
		{"verified claims", fromClaims(`{"sub":"s","iss":"https://op","pid":"1101700230708","name":"นาย สมชาย ใจดี",
			"birthdate":"2533-00-00","ial":2.3,"address":{"formatted":"x","province":"y"},"auth_time":1700000000,"extra":[1,"a"]}`, true), 'c'},
		{"flat claims", fromClaims(`{"pid":"1112034563562","address":"บ้านเลขที่ 1","date_of_issuance":"2020-01-02"}`, false), 'u'},
		{"no claims", fromClaims(`{}`, true), 'c'},
		{"built by hand", &Identity{Subject: "sub", PID: MustParsePID("1101700230708"), Name: "นาย สมชาย ใจดี",
			AuthTime: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Verified: true, Raw: map[string]any{"sub": "sub", "x": "kept"}}, 'j'},
		{"no raw", &Identity{PID: MustParsePID("1112034563562")}, 'j'},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.id.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if b[0] != tt.wantForm {
				t.Errorf("form %q, want %q", b[0], tt.wantForm)
			}
			var back Identity
			if err := back.UnmarshalBinary(b); err != nil {
				t.Fatalf("UnmarshalBinary(%s): %v", b, err)
			}
			if !reflect.DeepEqual(*tt.id, back) {
				t.Fatalf("round trip differs:\n%s\n%v", b, fields(&back))
			}
		})
	}
}

// TestIdentityBinaryIsCompact: an identity from claims keeps only its claims, not the typed
// fields beside them.
func TestIdentityBinaryIsCompact(t *testing.T) {
	id, err := decodeClaims([]byte(`{"sub":"1101700230708","pid":"1101700230708","name":"นาย สมชาย ใจดี","iss":"https://op"}`), true)
	if err != nil {
		t.Fatal(err)
	}
	b, err := id.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(b, []byte("สมชาย")); n != 1 {
		t.Errorf("the name appears %d times in %s, want once", n, b)
	}
}

func TestIdentityUnmarshalBinaryErrors(t *testing.T) {
	for _, in := range []string{"", "x{}", "c{", "c[]", `c{"pid":"1101700230709"}`, "j{", `j{"pid":"12"}`} {
		var id Identity
		if err := id.UnmarshalBinary([]byte(in)); !errors.Is(err, ErrInvalidClaim) && !errors.Is(err, ErrInvalidPID) {
			t.Errorf("UnmarshalBinary(%q) = %v, want ErrInvalidClaim or ErrInvalidPID", in, err)
		}
	}
}
