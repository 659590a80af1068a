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

func TestDecodeTokenResponse(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		body       string
		wantExpiry time.Time
		wantType   string
		wantScopes []string
		wantClaims map[string]any
		wantErr    error
	}{
		{
			name: "manual: flat claims, absolute expire_in",
			body: `{"expire_in":1612857374,"access_token":"at","refresh_token":"rt","token_type":"Bearer",
				"scope":"pid name","pid":"1101700230708","name":"นาย สมชาย ใจดี"}`,
			wantExpiry: time.Unix(1612857374, 0),
			wantType:   "Bearer",
			wantScopes: []string{"pid", "name"},
			wantClaims: map[string]any{"pid": "1101700230708", "name": "นาย สมชาย ใจดี"},
		},
		{name: "samples: relative expires_in", body: `{"access_token":"at","expires_in":900}`, wantExpiry: now.Add(15 * time.Minute)},
		{name: "relative expire_in", body: `{"access_token":"at","expire_in":900}`, wantExpiry: now.Add(15 * time.Minute)},
		{name: "absolute expires_in", body: `{"access_token":"at","expires_in":1800000000}`, wantExpiry: time.Unix(1800000000, 0)},
		{name: "expires_in as string", body: `{"access_token":"at","expires_in":"900"}`, wantExpiry: now.Add(15 * time.Minute)},
		{name: "expires_in wins over expire_in", body: `{"access_token":"at","expires_in":60,"expire_in":900}`, wantExpiry: now.Add(time.Minute)},
		{name: "expires_in null, expire_in used", body: `{"access_token":"at","expires_in":null,"expire_in":900}`, wantExpiry: now.Add(15 * time.Minute)},
		// A token type other than Bearer is kept as sent: the token is the provider's, thaid only passes it on.
		{name: "token_type DPoP kept", body: `{"access_token":"at","token_type":"DPoP"}`, wantType: "DPoP"},
		{name: "no expiry", body: `{"access_token":"at"}`},
		{name: "zero expiry", body: `{"access_token":"at","expires_in":0}`},
		{name: "scope array", body: `{"access_token":"at","scope":["openid","pid"]}`, wantScopes: []string{"openid", "pid"}},
		{name: "missing access_token", body: `{"token_type":"Bearer","expires_in":900}`, wantErr: ErrMissingAccessToken},
		{name: "empty access_token", body: `{"access_token":""}`, wantErr: ErrMissingAccessToken},
		{name: "access_token number", body: `{"access_token":5}`, wantErr: ErrMalformedResponse},
		{name: "negative expiry", body: `{"access_token":"at","expires_in":-5}`, wantErr: ErrMalformedResponse},
		{name: "huge expiry", body: `{"access_token":"at","expire_in":1e300}`, wantErr: ErrMalformedResponse},
		{name: "expiry text", body: `{"access_token":"at","expires_in":"soon"}`, wantErr: ErrMalformedResponse},
		{name: "a bad expires_in beside a good expire_in", body: `{"access_token":"at","expires_in":"x","expire_in":900}`, wantErr: ErrMalformedResponse},
		{name: "expiry bool", body: `{"access_token":"at","expires_in":true}`, wantErr: ErrMalformedResponse},
		{name: "scope number", body: `{"access_token":"at","scope":1}`, wantErr: ErrMalformedResponse},
		{name: "not JSON", body: `<html>Bad data request</html>`, wantErr: ErrMalformedResponse},
		{name: "JSON array", body: `[]`, wantErr: ErrMalformedResponse},
		{name: "null", body: `null`, wantErr: ErrMalformedResponse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := decodeTokenResponse([]byte(tt.body), now)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tr.token.AccessToken != "at" || !tr.token.Expiry.Equal(tt.wantExpiry) || tr.token.TokenType != tt.wantType {
				t.Fatalf("token %+v, want expiry %v and type %q", tr.token, tt.wantExpiry, tt.wantType)
			}
			if !reflect.DeepEqual(tr.token.Scopes, tt.wantScopes) {
				t.Fatalf("scopes %q, want %q", tr.token.Scopes, tt.wantScopes)
			}
			if !reflect.DeepEqual(tr.claims, tt.wantClaims) {
				t.Fatalf("claims %v, want %v", tr.claims, tt.wantClaims)
			}
		})
	}
}

func TestTokenJSONAndRedaction(t *testing.T) {
	tok := &Token{AccessToken: "at-secret", TokenType: "Bearer", RefreshToken: "rt-secret", IDToken: "idt-secret",
		Expiry: time.Date(2026, 11, 23, 12, 15, 0, 0, time.UTC), Scopes: []string{"openid", "pid"}}
	b, err := json.Marshal(tok)
	if err != nil {
		t.Fatal(err)
	}
	var back Token
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(*tok, back) {
		t.Fatalf("round trip: %s -> %+v, %v", b, back, err)
	}
	var logged strings.Builder
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("t", "token", tok)
	for name, out := range map[string]string{
		"%v": fmt.Sprintf("%v", tok), "%+v": fmt.Sprintf("%+v", tok), "%#v": fmt.Sprintf("%#v", tok),
		"%s": fmt.Sprintf("%s", tok), "slog": logged.String(), "value %v": fmt.Sprintf("%v", *tok),
	} {
		if strings.Contains(out, "secret") {
			t.Errorf("%s leaks: %s", name, out)
		}
	}
}

func TestTokenExpired(t *testing.T) {
	exp := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		tok  *Token
		now  time.Time
		want bool
	}{
		{nil, exp, true},
		{&Token{}, exp, true},
		{&Token{AccessToken: "a"}, exp, false},
		{&Token{AccessToken: "a", Expiry: exp}, exp.Add(-time.Second), false},
		{&Token{AccessToken: "a", Expiry: exp}, exp, true},
		{&Token{AccessToken: "a", Expiry: exp}, exp.Add(time.Second), true},
	}
	for i, tt := range tests {
		if got := tt.tok.Expired(tt.now); got != tt.want {
			t.Errorf("%d: Expired = %t, want %t", i, got, tt.want)
		}
	}
}

func TestSecretRedaction(t *testing.T) {
	s := Secret("hunter2")
	cfg := Config{ClientID: "id", ClientSecret: s, APIKey: "key-hunter2"}
	b, _ := json.Marshal(struct{ S, K Secret }{cfg.ClientSecret, cfg.APIKey})
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("cfg", "secret", s, "cfg", cfg)
	for name, out := range map[string]string{
		"%v": fmt.Sprintf("%v", s), "%s": fmt.Sprintf("%s", s), "%q": fmt.Sprintf("%q", s),
		"%x": fmt.Sprintf("%x", s), "%#v": fmt.Sprintf("%#v", s), "String": s.String(),
		"config %+v": fmt.Sprintf("%+v", cfg), "config %#v": fmt.Sprintf("%#v", cfg),
		"json": string(b), "slog": logged.String(),
	} {
		if strings.Contains(out, "hunter2") {
			t.Errorf("%s leaks: %s", name, out)
		}
		if !strings.Contains(out, "[REDACTED]") {
			t.Errorf("%s = %q, want [REDACTED]", name, out)
		}
	}
	if s.Reveal() != "hunter2" {
		t.Fatal("Reveal")
	}
}

func TestErrorIs(t *testing.T) {
	tests := []struct {
		err  *Error
		is   []error
		isnt []error
	}{
		{&Error{Code: "access_denied"}, []error{ErrUserDenied}, []error{ErrInvalidGrant, ErrProviderUnavailable}},
		{&Error{Code: "user_denied", StatusCode: 401}, []error{ErrUserDenied}, []error{ErrInvalidClient}},
		{&Error{Code: "invalid_client", StatusCode: 401}, []error{ErrInvalidClient}, []error{ErrUserDenied}},
		{&Error{Code: "unauthorized_client"}, []error{ErrInvalidClient}, nil},
		{&Error{Code: "invalid_grant", StatusCode: 400}, []error{ErrInvalidGrant}, []error{ErrProviderUnavailable}},
		{&Error{Code: "invalid_refresh_token"}, []error{ErrInvalidGrant}, nil},
		{&Error{Code: "server_error", StatusCode: 400}, []error{ErrProviderUnavailable}, nil},
		{&Error{StatusCode: 503}, []error{ErrProviderUnavailable}, []error{ErrMalformedResponse}},
		{&Error{Code: "invalid_scope"}, nil, []error{ErrUserDenied, ErrInvalidGrant, ErrInvalidClient, ErrProviderUnavailable}},
	}
	for _, tt := range tests {
		var err error = fmt.Errorf("wrapped: %w", tt.err)
		for _, s := range tt.is {
			if !errors.Is(err, s) {
				t.Errorf("%v is not %v", tt.err, s)
			}
		}
		for _, s := range tt.isnt {
			if errors.Is(err, s) {
				t.Errorf("%v is %v", tt.err, s)
			}
		}
		var pe *Error
		if !errors.As(err, &pe) || pe != tt.err {
			t.Errorf("errors.As failed for %v", tt.err)
		}
	}
}

func TestErrorFromBody(t *testing.T) {
	tests := []struct {
		status int
		ct     string
		body   string
		want   error
		code   string
	}{
		{400, "application/json", `{"error":"invalid_grant","error_description":"used"}`, ErrInvalidGrant, "invalid_grant"},
		{401, "text/plain", `{"error":"invalid_client"}`, ErrInvalidClient, "invalid_client"},
		{400, "text/html", `<html>Bad data request</html>`, ErrMalformedResponse, ""},
		{502, "text/html", `<html>Bad gateway</html>`, ErrProviderUnavailable, ""},
		{500, "application/json", `{"error":"server_error"}`, ErrProviderUnavailable, "server_error"},
		{404, "", ``, ErrMalformedResponse, ""},
		{200, "application/json", `{"error":"invalid_grant","error_description":"code used"}`, ErrInvalidGrant, "invalid_grant"},
		{200, "application/json", `{"error":"invalid_client","error_description":5}`, ErrInvalidClient, "invalid_client"},
		{200, "application/json", `{"access_token":"a","error":""}`, nil, ""},
		{204, "", ``, nil, ""},
	}
	for _, tt := range tests {
		err := errorFromBody(tt.status, tt.ct, []byte(tt.body))
		if tt.want == nil {
			if err != nil {
				t.Errorf("%d %s: %v, want no error", tt.status, tt.body, err)
			}
			continue
		}
		if !errors.Is(err, tt.want) {
			t.Errorf("%d %s: %v, want %v", tt.status, tt.body, err, tt.want)
		}
		var pe *Error
		if !errors.As(err, &pe) || pe.StatusCode != tt.status || pe.Code != tt.code {
			t.Errorf("%d %s: As *Error = %#v", tt.status, tt.body, pe)
		}
	}
}
