package thaid

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func FuzzParsePID(f *testing.F) {
	for _, s := range []string{"1101700230708", "1-1017-00230-70-8", "1 1017 00230 70 8", "1112034563562",
		"", "9101700230708", "110170023070x", "1101700230709", " -- ", "１101700230708", "1-1-1-1-1-1-1-1-1-1-1-1-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePID(s)
		if err != nil {
			var pe *PIDError
			if !errors.Is(err, ErrInvalidPID) || !errors.As(err, &pe) || pe.Rule == "" {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		d := p.Digits()
		if len(d) != 13 || d[0] == '9' {
			t.Fatalf("accepted %q as %q", s, d)
		}
		if again, err := ParsePID(p.Masked()); err == nil {
			t.Fatalf("masked form %q parses as %q", p.Masked(), again.Digits())
		}
		if strings.Contains(p.String(), d) || !strings.Contains(p.String(), "-xxxxx-") {
			t.Fatalf("String %q not masked", p.String())
		}
		if MaskPID(d) != p.Masked() {
			t.Fatalf("MaskPID(%q) = %q, want %q", d, MaskPID(d), p.Masked())
		}
		b, _ := json.Marshal(p)
		var back PID
		if err := json.Unmarshal(b, &back); err != nil || back != p {
			t.Fatalf("JSON round trip %s: %v", b, err)
		}
	})
}

func FuzzDecodeTokenResponse(f *testing.F) {
	for _, s := range []string{
		`{"expire_in":1612857374,"access_token":"a","refresh_token":"r","token_type":"Bearer","scope":"pid name","pid":"1101700230708","name":"x"}`,
		`{"access_token":"a","expires_in":900,"id_token":"x.y.z"}`,
		`{"access_token":"a","expires_in":"900","scope":["openid"]}`,
		`{"error":"invalid_grant","error_description":"d"}`,
		`{"token_type":"Bearer"}`, `{"access_token":"a","expires_in":1e308}`, `[]`, `null`, `<html>`, ``,
	} {
		f.Add([]byte(s))
	}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		tr, err := decodeTokenResponse(body, now)
		if err != nil {
			var pe *Error
			if !errors.Is(err, ErrMalformedResponse) && !errors.Is(err, ErrMissingAccessToken) && !errors.As(err, &pe) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if tr.token.AccessToken == "" {
			t.Fatal("accepted without access token")
		}
		for k := range tr.claims {
			if tokenFields[k] {
				t.Fatalf("token field %q among claims", k)
			}
		}
		b, err := json.Marshal(tr.token)
		if err != nil {
			t.Fatal(err)
		}
		var back Token
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("token does not round-trip: %v", err)
		}
	})
}

func FuzzDecodeClaims(f *testing.F) {
	for _, s := range []string{
		`{"sub":"s","pid":"1101700230708","name":"นาย สมชาย ใจดี","birthdate":"2533-00-00","ial":2.3,"address":{"formatted":"x"},"auth_time":1700000000}`,
		`{"pid":1101700230708,"address":"a","ial":"2.3","date_of_issuance":"2020-01-02","date_of_expiry":"2029-13-01"}`,
		`{"birthdate":"1950-00-00","x":[1,{"y":null}],"gender":"male"}`,
		`{"name":"\u0e2a\ud83d\ude00\ud800"}`, `{"a":1,"a":2}`, `{"pid":"1101700230709"}`, `{"ial":1e400}`,
		`[]`, `null`, `{`, ``, `{"auth_time":-1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		id, err := decodeClaims(data, true)
		if err != nil {
			if !errors.Is(err, ErrInvalidClaim) && !errors.Is(err, ErrInvalidPID) && !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		b, err := json.Marshal(id)
		if err != nil {
			t.Fatalf("identity does not marshal: %v", err)
		}
		var back Identity
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("identity does not round-trip: %v\n%s", err, b)
		}
		if back.PID != id.PID || back.Name != id.Name || back.IAL != id.IAL {
			t.Fatalf("round trip changed the identity: %s", b)
		}
		_ = id.String()
		_ = id.DisplayName()
	})
}

func FuzzErrorFromBody(f *testing.F) {
	for _, s := range []string{
		`{"error":"invalid_grant","error_description":"d"}`, `{"error":5,"access_token":"a"}`,
		`{"error":null,"access_token":"a"}`, `{"error":"","error_uri":[]}`, `{"ERROR":"x"}`, `[]`, `<html>`, ``,
	} {
		f.Add(200, []byte(s))
		f.Add(400, []byte(s))
		f.Add(503, []byte(s))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		err := errorFromBody(status, "application/json", body)
		if err == nil {
			if status < 200 || status > 299 {
				t.Fatalf("status %d is no error", status)
			}
			return
		}
		var pe *Error
		if !errors.As(err, &pe) || pe.StatusCode != status {
			t.Fatalf("%v does not unwrap to *Error with the status", err)
		}
		if pe.Code == "" && !errors.Is(err, ErrMalformedResponse) && !errors.Is(err, ErrProviderUnavailable) {
			t.Fatalf("untyped error %v", err)
		}
	})
}

// FuzzVerifyIDToken feeds raw tokens to VerifyIDToken: every failure matches
// one of its sentinels, and only a token the provider's key signed passes.
func FuzzVerifyIDToken(f *testing.F) {
	es := newTestKey(f, "es-1", "ES256")
	op := newTestOP(f, es)
	clock := newTestClock()
	c := newTestClient(f, op, clock)
	claims := op.claims(clock.Now(), "n")
	f.Add(sign(f, es, claims))
	f.Add(forge(f, "none", es, claims))
	f.Add(forge(f, "HS256", es, claims))
	f.Add(`{"payload":"e30","signatures":[]}`)
	f.Add("a.b.c")
	sentinels := []error{ErrUnsupportedAlg, ErrBadSignature, ErrIssuerMismatch, ErrAudienceMismatch,
		ErrTokenExpired, ErrTokenNotYetValid, ErrIssuedInFuture, ErrNonceMismatch, ErrAtHashMismatch,
		ErrInvalidToken, ErrInvalidPID, ErrInvalidClaim}
	f.Fuzz(func(t *testing.T, raw string) {
		id, err := verifyChecked(t, c, raw, "", "n")
		if err == nil {
			if !id.Verified {
				t.Fatal("identity not marked verified")
			}
			return
		}
		if id != nil {
			t.Fatal("identity returned with an error")
		}
		for _, s := range sentinels {
			if errors.Is(err, s) {
				return
			}
		}
		t.Fatalf("untyped error %v", err)
	})
}
