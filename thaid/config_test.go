package thaid

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// noNetwork fails every request: presets must not touch the network.
type noNetwork struct{ t *testing.T }

func (n noNetwork) RoundTrip(r *http.Request) (*http.Response, error) {
	n.t.Errorf("unexpected request to %s", r.URL)
	return nil, errors.New("no network in this test")
}

func TestNewValidation(t *testing.T) {
	valid := func() Config {
		return Config{ClientID: "c", ClientSecret: "s", RedirectURL: "https://rp.example/cb", Provider: Sandbox}
	}
	tests := []struct {
		name string
		mod  func(*Config)
		ok   bool
	}{
		{name: "valid", mod: func(*Config) {}, ok: true},
		{name: "production", mod: func(c *Config) { c.Provider = Production }, ok: true},
		{name: "no client ID", mod: func(c *Config) { c.ClientID = " " }},
		{name: "no secret", mod: func(c *Config) { c.ClientSecret = "" }},
		{name: "no redirect", mod: func(c *Config) { c.RedirectURL = "" }},
		{name: "relative redirect", mod: func(c *Config) { c.RedirectURL = "/cb" }},
		{name: "ftp redirect", mod: func(c *Config) { c.RedirectURL = "ftp://x/cb" }},
		{name: "leeway 60 s", mod: func(c *Config) { c.Leeway = time.Minute }, ok: true},
		{name: "leeway 61 s", mod: func(c *Config) { c.Leeway = 61 * time.Second }},
		{name: "negative leeway", mod: func(c *Config) { c.Leeway = -1 }},
		{name: "bad auth style", mod: func(c *Config) { c.AuthStyle = 7 }},
		{name: "scope with space", mod: func(c *Config) { c.Scopes = []string{"openid pid"} }},
		{name: "empty scope", mod: func(c *Config) { c.Scopes = []string{""} }},
		{name: "negative TTL", mod: func(c *Config) { c.LoginTTL = -time.Second }},
		{name: "negative refresh interval", mod: func(c *Config) { c.JWKSRefreshInterval = -time.Second }},
		{name: "no provider", mod: func(c *Config) { c.Provider = Provider{} }},
		{name: "token URL only", mod: func(c *Config) { c.Provider = Provider{TokenURL: "https://op/token"} }},
		{name: "openid without JWKS", mod: func(c *Config) { c.Provider.JWKSURL = "" }},
		{name: "no JWKS without openid", mod: func(c *Config) { c.Provider.JWKSURL = ""; c.Scopes = []string{ScopePID} }, ok: true},
		{name: "openid without issuer", mod: func(c *Config) { c.Provider.Issuer = "" }},
		{name: "bad JWKS URL", mod: func(c *Config) { c.Provider.JWKSURL = "jwks" }},
		{name: "only HMAC algs", mod: func(c *Config) { c.Provider.SigningAlgs = []string{"HS256", "none"} }},
		{name: "ES256 only", mod: func(c *Config) { c.Provider.SigningAlgs = []string{"ES256", "HS256"} }, ok: true},
		{name: "bad introspect token form", mod: func(c *Config) { c.IntrospectTokenForm = 9 }},
		{name: "bad revoke token form", mod: func(c *Config) { c.RevokeTokenForm = -1 }},
		{name: "API key header x-api-key", mod: func(c *Config) { c.APIKeyHeader = "x-api-key" }, ok: true},
		{name: "API key header with a space", mod: func(c *Config) { c.APIKeyHeader = "x api key" }},
		{name: "API key header with a colon", mod: func(c *Config) { c.APIKeyHeader = "x-api-key:" }},
		{name: "API key header with a newline", mod: func(c *Config) { c.APIKeyHeader = "x\r\nEvil: 1" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid()
			cfg.HTTPClient = &http.Client{Transport: noNetwork{t}}
			tt.mod(&cfg)
			c, err := New(context.Background(), cfg)
			if tt.ok != (err == nil) {
				t.Fatalf("New: %v", err)
			}
			if err != nil && !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("error %v does not match ErrInvalidConfig", err)
			}
			if err == nil && c.Config().ClientSecret != cfg.ClientSecret {
				t.Fatal("Config() lost the secret")
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	c, err := New(context.Background(), Config{ClientID: "c", ClientSecret: "s", RedirectURL: "https://rp/cb", Provider: Production})
	if err != nil {
		t.Fatal(err)
	}
	cfg := c.Config()
	if !slices.Equal(cfg.Scopes, DefaultScopes) || cfg.Leeway != DefaultLeeway || cfg.LoginTTL != DefaultLoginTTL ||
		cfg.JWKSRefreshInterval != DefaultJWKSRefreshInterval || cfg.JWKSCacheTTL != DefaultJWKSCacheTTL ||
		cfg.HTTPClient == nil || cfg.HTTPClient.Timeout != DefaultHTTPTimeout || cfg.Now == nil || cfg.AuthStyle != AuthStyleBasic ||
		cfg.IntrospectTokenForm != TokenFormBearer || cfg.RevokeTokenForm != TokenFormBare || cfg.APIKeyHeader != DefaultAPIKeyHeader {
		t.Fatalf("defaults not applied: %+v", cfg)
	}
	// The deprecated switch still sends Bearer to both, unless a form is set.
	for _, tc := range []struct {
		intro, revo         TokenForm
		wantIntro, wantRevo TokenForm
	}{
		{TokenFormDefault, TokenFormDefault, TokenFormBearer, TokenFormBearer},
		{TokenFormBare, TokenFormDefault, TokenFormBare, TokenFormBearer},
		{TokenFormDefault, TokenFormBare, TokenFormBearer, TokenFormBare},
	} {
		c, err := New(context.Background(), Config{ClientID: "c", ClientSecret: "s", RedirectURL: "https://rp/cb", Provider: Production,
			RevokeWithBearerPrefix: true, IntrospectTokenForm: tc.intro, RevokeTokenForm: tc.revo})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Config(); got.IntrospectTokenForm != tc.wantIntro || got.RevokeTokenForm != tc.wantRevo {
			t.Errorf("RevokeWithBearerPrefix with %v/%v: %v/%v, want %v/%v", tc.intro, tc.revo,
				got.IntrospectTokenForm, got.RevokeTokenForm, tc.wantIntro, tc.wantRevo)
		}
	}
	cfg.Scopes[0] = "changed"
	if c.Config().Scopes[0] != ScopeOpenID {
		t.Fatal("Config() shares the scopes slice")
	}
	for _, p := range []Provider{Production, Sandbox} {
		for _, u := range []string{p.AuthURL, p.TokenURL, p.IntrospectURL, p.RevokeURL, p.JWKSURL, p.UserInfoURL} {
			if !strings.HasPrefix(u, p.Issuer+"/") || !strings.HasSuffix(u, "/") {
				t.Errorf("endpoint %q of %s", u, p.Issuer)
			}
		}
	}
	if Production.TokenURL != "https://imauth.bora.dopa.go.th/api/v2/oauth2/token/" ||
		Sandbox.AuthURL != "https://imauthsbx.bora.dopa.go.th/api/v2/oauth2/auth/" ||
		Production.JWKSURL != "https://imauth.bora.dopa.go.th/jwks/" {
		t.Fatalf("presets %+v %+v", Production, Sandbox)
	}
}

func TestAuthCodeURL(t *testing.T) {
	c, err := New(context.Background(), Config{ClientID: "c", ClientSecret: "s", RedirectURL: "https://rp/cb", Provider: Sandbox,
		Scopes: []string{ScopeOpenID, ScopePID, ScopeBirthdate}})
	if err != nil {
		t.Fatal(err)
	}
	l, err := c.NewLogin()
	if err != nil {
		t.Fatal(err)
	}
	l2, _ := c.NewLogin()
	if l.State == l2.State || l.Nonce == l2.Nonce || l.CodeVerifier == l2.CodeVerifier || len(l.State) < 43 || len(l.CodeVerifier) < 43 {
		t.Fatalf("logins not random enough: %+v %+v", *l, *l2)
	}
	u := c.AuthCodeURL(l, nil)
	for _, want := range []string{"response_type=code", "client_id=c", "redirect_uri=https%3A%2F%2Frp%2Fcb",
		"scope=openid+pid+birthdate", "state=" + l.State, "nonce=" + l.Nonce, "code_challenge_method=S256", "code_challenge="} {
		if !strings.Contains(u, want) {
			t.Errorf("URL %s lacks %s", u, want)
		}
	}
	if strings.Contains(u, l.CodeVerifier) {
		t.Fatal("URL carries the PKCE verifier")
	}
	// Extra parameters are added, but never replace the ones the flow rests on.
	hostile := url.Values{"login_hint": {"x"}, "state": {"evil"}, "nonce": {"evil"}, "redirect_uri": {"https://evil/cb"},
		"code_challenge": {"evil"}, "code_challenge_method": {"plain"}, "scope": {"openid"}, "client_id": {"evil"}, "response_type": {"token"}}
	q, err := url.Parse(c.AuthCodeURL(l, hostile))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := url.Parse(u)
	for k, vs := range want.Query() {
		if got := q.Query()[k]; strings.Join(got, " ") != strings.Join(vs, " ") {
			t.Errorf("extra parameters changed %s: %q, want %q", k, got, vs)
		}
	}
	if q.Query().Get("login_hint") != "x" {
		t.Errorf("login_hint missing from %s", q)
	}
	// The PKCE challenge as x/oauth2 computes it; an authorization URL that
	// has a query already; an extra parameter is sent once, with its last value.
	rfc := &Login{State: "st", CodeVerifier: "dBjftJeZ4CVP-mJ0kjvDDHFgsqKrXYcH6MAHsaMtB6Q"}
	c.cfg.Provider.AuthURL = "https://op.example/auth?tenant=t"
	u = c.AuthCodeURL(rfc, url.Values{"login_hint": {"a", "b"}})
	q, err = url.Parse(u)
	if err != nil || !strings.HasPrefix(u, "https://op.example/auth?tenant=t&") {
		t.Fatalf("URL %s: %v", u, err)
	}
	if got := q.Query(); got.Get("code_challenge") != oauth2.S256ChallengeFromVerifier(rfc.CodeVerifier) ||
		got.Get("tenant") != "t" || strings.Join(got["login_hint"], ",") != "b" || got.Has("nonce") {
		t.Errorf("URL %s", u)
	}
	for _, out := range []string{l.String(), l.GoString()} {
		if strings.Contains(out, l.Nonce) || strings.Contains(out, l.CodeVerifier) {
			t.Fatalf("Login prints secrets: %s", out)
		}
	}
}

func TestDiscover(t *testing.T) {
	var doc string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/openid-configuration" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(strings.ReplaceAll(doc, "ISS", "http://"+r.Host)))
	}))
	defer srv.Close()
	tests := []struct {
		name string
		doc  string
		want error
	}{
		{name: "ok", doc: `{"issuer":"ISS","authorization_endpoint":"ISS/a/","token_endpoint":"ISS/t/","jwks_uri":"ISS/jwks/","id_token_signing_alg_values_supported":["ES256"]}`},
		{name: "issuer with slash", doc: `{"issuer":"ISS/","authorization_endpoint":"ISS/a/","token_endpoint":"ISS/t/"}`},
		{name: "other issuer", doc: `{"issuer":"https://evil","authorization_endpoint":"ISS/a/","token_endpoint":"ISS/t/"}`, want: ErrIssuerMismatch},
		{name: "no token endpoint", doc: `{"issuer":"ISS","authorization_endpoint":"ISS/a/"}`, want: ErrMalformedResponse},
		{name: "not JSON", doc: `<html>`, want: ErrMalformedResponse},
	}
	for _, tt := range tests {
		doc = tt.doc
		p, err := Discover(context.Background(), srv.URL+"/", nil)
		if !errorsIs(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
		if err == nil && (p.TokenURL != srv.URL+"/t/" || !sameIssuer(p.Issuer, srv.URL)) {
			t.Errorf("%s: %+v", tt.name, p)
		}
	}
	if _, err := Discover(context.Background(), "http://127.0.0.1:1", nil); !errors.Is(err, ErrProviderUnavailable) {
		t.Errorf("unreachable: %v", err)
	}
}

// TestAPIKeyHeaderName: the API key goes in the configured header, and only there.
func TestAPIKeyHeaderName(t *testing.T) {
	for _, name := range []string{"", "x-api-key", "API_KEY"} {
		t.Run(name, func(t *testing.T) {
			var got http.Header
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = r.Header.Clone()
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"status":"OK","message":"revoked"}`))
			}))
			t.Cleanup(srv.Close)
			c, err := New(context.Background(), Config{ClientID: "c", ClientSecret: "s", RedirectURL: "https://rp/cb",
				Scopes: []string{ScopePID}, APIKey: "KEY-1", APIKeyHeader: name,
				Provider: Provider{AuthURL: srv.URL + "/a/", TokenURL: srv.URL + "/t/", RevokeURL: srv.URL + "/r/"}})
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Revoke(context.Background(), "tok"); err != nil {
				t.Fatal(err)
			}
			want := cmp.Or(name, DefaultAPIKeyHeader)
			if got.Get(want) != "KEY-1" {
				t.Errorf("header %s = %q", want, got.Get(want))
			}
			for k := range got {
				if !strings.EqualFold(k, want) && got.Get(k) == "KEY-1" {
					t.Errorf("the key also went in %s", k)
				}
			}
		})
	}
}
