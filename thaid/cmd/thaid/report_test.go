package main

import (
	"strings"
	"testing"

	"github.com/thaid-go/thaid-go/thaid"
)

func TestParseIssuer(t *testing.T) {
	for in, want := range map[string]thaid.Provider{
		"production": thaid.Production, "Sandbox": thaid.Sandbox,
		"http://127.0.0.1:9090/": {Issuer: "http://127.0.0.1:9090"},
	} {
		got, err := parseIssuer(in)
		if err != nil || got.provider.Issuer != want.Issuer || got.provider.TokenURL != want.TokenURL {
			t.Errorf("%q: %+v %v", in, got.provider, err)
		}
	}
	for _, in := range []string{"", "prod.example", "ftp://x", "http://x/?a=1", "http:///path"} {
		if _, err := parseIssuer(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

// TestFittingConfigPreset: with -issuer sandbox the Go source starts from thaid.Sandbox.
func TestFittingConfigPreset(t *testing.T) {
	iss, _ := parseIssuer("sandbox")
	cfg := thaid.Config{ClientID: "c", RedirectURL: "http://127.0.0.1:8080/cb", Scopes: thaid.DefaultScopes,
		Provider: thaid.Sandbox, AuthStyle: thaid.AuthStyleBasic}
	no := false
	c := fittingConfig(cfg, iss, providerReport{IDTokenAlg: "RS256", NonceEchoed: &no})
	var b strings.Builder
	c.writeGo(&b)
	for _, want := range []string{
		"provider := thaid.Sandbox\n\tprovider.SigningAlgs = []string{\"RS256\"}\n",
		"Provider:     provider,\n",
		"NonceOptional: true",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("lacks %q:\n%s", want, b.String())
		}
	}
	if !c.NonceOptional || c.Provider.TokenURL != thaid.Sandbox.TokenURL {
		t.Errorf("config %+v", c)
	}
	// an algorithm outside the allow-list is never suggested
	c = fittingConfig(cfg, iss, providerReport{IDTokenAlg: "HS256"})
	b.Reset()
	c.writeGo(&b)
	if strings.Contains(b.String(), "HS256") || !strings.Contains(b.String(), "Provider:     thaid.Sandbox,") {
		t.Errorf("HS256:\n%s", b.String())
	}
}

func TestParseJWTParts(t *testing.T) {
	tok, err := parseJWT("eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJpYWwiOjIuMywiYWRkcmVzcyI6eyJmb3JtYXR0ZWQiOiJ4In19.c2ln")
	if err != nil || tok.alg() != "ES256" || tok.kid() != "k1" {
		t.Fatalf("%+v %v", tok, err)
	}
	if _, ok := tok.claims["address"].(map[string]any); !ok {
		t.Errorf("address %T", tok.claims["address"])
	}
	if n, ok := tok.claims["ial"].(interface{ String() string }); !ok || n.String() != "2.3" {
		t.Errorf("ial kept as %T %v", tok.claims["ial"], tok.claims["ial"])
	}
}
