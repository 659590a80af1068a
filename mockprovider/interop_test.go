package mockprovider_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/thaid-go/thaid-go/mockprovider"
	"golang.org/x/oauth2"
)

// TestInteropGoOIDC: a standard OpenID client that knows nothing of ThaID (go-oidc discovery,
// x/oauth2 with PKCE S256 and a nonce) logs in, verifies the ID token and calls userinfo.
func TestInteropGoOIDC(t *testing.T) {
	for _, tc := range []struct {
		name        string
		tls         bool
		interactive bool
		alg         string
	}{
		{"auto-approve http", false, false, "ES256"},
		{"auto-approve https RS256", true, false, "RS256"},
		{"QR approved by API https", true, true, "ES256"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := mockprovider.Start
			if tc.tls {
				start = mockprovider.StartTLS
			}
			p := start(t, mockprovider.Options{AutoApprove: !tc.interactive, Alg: tc.alg})
			hc := p.HTTPClient()
			ctx := context.WithValue(oidc.ClientContext(context.Background(), hc), oauth2.HTTPClient, hc)

			prov, err := oidc.NewProvider(ctx, p.Issuer())
			if err != nil {
				t.Fatal(err)
			}
			cfg := oauth2.Config{
				ClientID:     mockprovider.DemoClientID,
				ClientSecret: mockprovider.DemoClientSecret,
				Endpoint:     prov.Endpoint(),
				RedirectURL:  "http://127.0.0.1:1/callback",
				Scopes:       []string{oidc.ScopeOpenID, "pid", "name", "name_en"},
			}
			verifier := oauth2.GenerateVerifier()
			state, nonce := "interop-state", "interop-nonce"
			authURL := cfg.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce))

			resp, err := noRedirect(hc).Get(authURL)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			var loc string
			if tc.interactive {
				pend := p.Pending()
				if resp.StatusCode != http.StatusOK || len(pend) != 1 {
					t.Fatalf("QR page: %d, %d pending", resp.StatusCode, len(pend))
				}
				if err := p.Approve(pend[0].Ref, mockprovider.DefaultCitizens()[0].PID); err != nil {
					t.Fatal(err)
				}
				loc = qrStatus(t, p, pend[0].Ref).Redirect
			} else {
				loc = resp.Header.Get("Location")
			}
			cb, err := url.Parse(loc)
			if err != nil || cb.Query().Get("state") != state {
				t.Fatalf("callback %q", loc)
			}
			tok, err := cfg.Exchange(ctx, cb.Query().Get("code"), oauth2.VerifierOption(verifier))
			if err != nil {
				t.Fatal(err)
			}
			raw, ok := tok.Extra("id_token").(string)
			if !ok {
				t.Fatal("no id_token")
			}
			idt, err := prov.Verifier(&oidc.Config{ClientID: cfg.ClientID}).Verify(ctx, raw)
			if err != nil {
				t.Fatal(err)
			}
			if idt.Nonce != nonce {
				t.Fatalf("nonce %q", idt.Nonce)
			}
			if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
				t.Fatal(err)
			}
			var claims struct {
				PID    string `json:"pid"`
				Name   string `json:"name"`
				NameEN string `json:"name_en"`
			}
			if err := idt.Claims(&claims); err != nil {
				t.Fatal(err)
			}
			want := mockprovider.DefaultCitizens()[0]
			if claims.PID != want.PID || claims.Name != want.Name() || claims.NameEN != want.NameEN() {
				t.Fatalf("claims %+v", claims)
			}
			ui, err := prov.UserInfo(ctx, oauth2.StaticTokenSource(tok))
			if err != nil {
				t.Fatal(err)
			}
			if ui.Subject != idt.Subject {
				t.Fatalf("userinfo sub %q, id token sub %q", ui.Subject, idt.Subject)
			}
			// Refresh through x/oauth2's token source. x/oauth2 reads expires_in as seconds, so
			// the sandbox's absolute expires_in gives it an expiry decades away: set one in the past.
			expired := *tok
			expired.Expiry = time.Now().Add(-time.Hour)
			nt, err := cfg.TokenSource(ctx, &expired).Token()
			if err != nil || nt.AccessToken == tok.AccessToken {
				t.Fatalf("refresh: %v", err)
			}
		})
	}
}
