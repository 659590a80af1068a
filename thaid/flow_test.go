package thaid_test

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/internal/testclock"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

const redirectURL = "https://rp.example/callback"

// Citizens of mockprovider.DefaultCitizens used below.
const (
	pidThanawat = "1509900314828" // Gregorian birthdate 1991-04-12
	pidPimchan  = "2100500987322" // Buddhist-era birthdate 2538-11-02
	pidPrasert  = "3301000873651" // partial birthdate 1950-00-00
)

type env struct {
	op    *mockprovider.Server
	clock *testclock.Clock
	c     *thaid.Client
}

// start runs a mock provider and a client that discovers it.
func start(t *testing.T, opts mockprovider.Options, mods ...func(*thaid.Config)) *env {
	t.Helper()
	clk := testclock.New(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	opts.Now = clk.Now
	opts.AutoApprove = true
	op := mockprovider.Start(t, opts)
	cfg := thaid.Config{
		ClientID:     mockprovider.DemoClientID,
		ClientSecret: mockprovider.DemoClientSecret,
		RedirectURL:  redirectURL,
		Provider:     thaid.Provider{Issuer: op.Issuer()},
		HTTPClient:   op.HTTPClient(),
		Now:          clk.Now,
	}
	for _, m := range mods {
		m(&cfg)
	}
	c, err := thaid.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &env{op: op, clock: clk, c: c}
}

// authorize runs the authorization request the way a browser would and
// returns the query of the redirect back to the relying party.
func (e *env) authorize(t *testing.T, l *thaid.Login, pid string) url.Values {
	t.Helper()
	var extra url.Values
	if pid != "" {
		extra = url.Values{"login_hint": {pid}}
	}
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(e.c.AuthCodeURL(l, extra))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize answered %d", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != redirectURL {
		t.Fatalf("redirected to %s", got)
	}
	return loc.Query()
}

// login runs a whole login as the citizen with pid ("" = the first one).
func (e *env) login(t *testing.T, pid string) (*thaid.Login, *thaid.Result, error) {
	t.Helper()
	l, err := e.c.NewLogin()
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.c.Exchange(context.Background(), l, e.authorize(t, l, pid))
	return l, res, err
}

func TestLoginHappyPath(t *testing.T) {
	all := []string{thaid.ScopeOpenID, thaid.ScopePID, thaid.ScopeName, thaid.ScopeNameEN, thaid.ScopeTitle,
		thaid.ScopeTitleEN, thaid.ScopeGivenName, thaid.ScopeMiddleName, thaid.ScopeFamilyName,
		thaid.ScopeGivenNameEN, thaid.ScopeMiddleNameEN, thaid.ScopeFamilyNameEN, thaid.ScopeBirthdate,
		thaid.ScopeGender, thaid.ScopeAddress, thaid.ScopeSmartcardCode, thaid.ScopeDateOfIssuance,
		thaid.ScopeDateOfExpiry, thaid.ScopeIAL}
	flat := all[1:]
	// The mock's access token lives DefaultAccessTokenTTL from the login, whatever the expiry style.
	expiresAfterTTL := func(t *testing.T, e *env, res *thaid.Result) {
		if want := e.clock.Now().Add(mockprovider.DefaultAccessTokenTTL); !res.Token.Expiry.Equal(want) {
			t.Fatalf("expiry %v, want %v", res.Token.Expiry, want)
		}
	}
	tests := []struct {
		name      string
		opts      mockprovider.Options
		scopes    []string
		style     thaid.AuthStyle
		pid       string
		birthdate thaid.Date
		verified  bool
		check     func(t *testing.T, e *env, res *thaid.Result)
	}{
		{name: "ES256, basic, default scopes", verified: true, birthdate: thaid.Date{}},
		{name: "RS256", opts: mockprovider.Options{Alg: "RS256"}, scopes: all, verified: true, birthdate: thaid.Date{Year: 1991, Month: 4, Day: 12}},
		{name: "client secret in body", style: thaid.AuthStylePost, scopes: all, verified: true, birthdate: thaid.Date{Year: 1991, Month: 4, Day: 12},
			check: func(t *testing.T, e *env, _ *thaid.Result) {
				for _, r := range e.op.RequestsTo(mockprovider.EndpointToken) {
					if r.AuthStyle != "post" {
						t.Fatalf("token request used %q auth", r.AuthStyle)
					}
				}
			}},
		{name: "absolute expire_in", opts: mockprovider.Options{ExpiryStyle: mockprovider.ExpiryAbsolute}, verified: true, check: expiresAfterTTL},
		{name: "address object, IAL number, Buddhist-era birthdate", opts: mockprovider.Options{AddressStyle: mockprovider.AddressObject, IALAsNumber: true},
			scopes: all, pid: pidPimchan, verified: true, birthdate: thaid.Date{Year: 1995, Month: 11, Day: 2},
			check: func(t *testing.T, _ *env, res *thaid.Result) {
				a := res.Identity.Address
				if a == nil || a.Fields == nil || a.Fields["province"] != "กรุงเทพมหานคร" || a.Formatted == "" {
					t.Fatalf("address %#v", a)
				}
				if res.Identity.IAL != "2.3" {
					t.Fatalf("IAL %q", res.Identity.IAL)
				}
			}},
		{name: "partial birthdate", scopes: all, pid: pidPrasert, verified: true, birthdate: thaid.Date{Year: 1950}},
		{name: "default: expires_in as an absolute Unix time", verified: true, check: expiresAfterTTL},
		{name: "relative expires_in", opts: mockprovider.Options{ExpiryStyle: mockprovider.ExpiryRelative}, verified: true, check: expiresAfterTTL},
		{name: "flat claims without openid, address string", opts: mockprovider.Options{AddressStyle: mockprovider.AddressString},
			scopes: flat, pid: pidPimchan, birthdate: thaid.Date{Year: 1995, Month: 11, Day: 2},
			check: func(t *testing.T, _ *env, res *thaid.Result) {
				if res.Token.IDToken != "" || res.Identity.Address == nil || res.Identity.Address.Fields != nil {
					t.Fatalf("identity %v, address %#v", res.Identity, res.Identity.Address)
				}
			}},
		{name: "flat claims, absolute expiry, post", scopes: flat, style: thaid.AuthStylePost, opts: mockprovider.Options{ExpiryStyle: mockprovider.ExpiryAbsolute, AddressStyle: mockprovider.AddressObject},
			birthdate: thaid.Date{Year: 1991, Month: 4, Day: 12}},
		{name: "flat claims beside the ID token are ignored", opts: mockprovider.Options{FlatClaimsWithOpenID: true}, scopes: all, verified: true,
			birthdate: thaid.Date{Year: 1991, Month: 4, Day: 12},
			check: func(t *testing.T, _ *env, res *thaid.Result) {
				if _, ok := res.Identity.Raw["iss"]; !ok {
					t.Fatal("identity does not come from the ID token")
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := start(t, tt.opts, func(cfg *thaid.Config) {
				cfg.Scopes = tt.scopes
				cfg.AuthStyle = tt.style
			})
			_, res, err := e.login(t, tt.pid)
			if err != nil {
				t.Fatal(err)
			}
			pid := cmp.Or(tt.pid, pidThanawat)
			id := res.Identity
			if id.PID.Digits() != pid || id.Verified != tt.verified || id.DisplayName() == "" {
				t.Fatalf("identity %v (verified %t)", id, id.Verified)
			}
			if tt.birthdate != (thaid.Date{}) && (id.Birthdate == nil || *id.Birthdate != tt.birthdate) {
				t.Fatalf("birthdate %v, want %v", id.Birthdate, tt.birthdate)
			}
			if slices.Contains(tt.scopes, thaid.ScopeIAL) && id.IAL == "" {
				t.Fatal("no IAL")
			}
			if slices.Contains(tt.scopes, thaid.ScopeSmartcardCode) && (id.SmartcardCode == "" || id.DateOfExpiry == nil || id.GivenNameEN == "") {
				t.Fatalf("missing claims: %v", id)
			}
			if res.Token.AccessToken == "" || res.Token.Expiry.IsZero() || res.Token.Expired(e.clock.Now()) {
				t.Fatalf("token %v", res.Token)
			}
			if tt.verified != (res.Token.IDToken != "") {
				t.Fatalf("token %v", res.Token)
			}
			for _, r := range e.op.RequestsTo(mockprovider.EndpointAuthorize) {
				if !r.PKCE || r.CodeChallengeMethod != "S256" || r.Nonce == "" {
					t.Fatalf("authorize request without PKCE S256 or nonce: %+v", r)
				}
			}
			for _, r := range e.op.RequestsTo(mockprovider.EndpointToken) {
				if !r.PKCE {
					t.Fatal("token request without code_verifier")
				}
			}
			if tt.check != nil {
				tt.check(t, e, res)
			}
		})
	}
}

func TestLoginTokenFaults(t *testing.T) {
	tests := []struct {
		fault mockprovider.TokenFault
		want  error
	}{
		{mockprovider.TokenExpired, thaid.ErrTokenExpired},
		{mockprovider.TokenNotYetValid, thaid.ErrTokenNotYetValid},
		{mockprovider.TokenIssuedInFuture, thaid.ErrIssuedInFuture},
		{mockprovider.TokenUnpublishedKey, thaid.ErrBadSignature},
		{mockprovider.TokenWrongIssuer, thaid.ErrIssuerMismatch},
		{mockprovider.TokenWrongAudience, thaid.ErrAudienceMismatch},
		{mockprovider.TokenMultiAudienceNoAzp, thaid.ErrAudienceMismatch},
		{mockprovider.TokenWrongAzp, thaid.ErrAudienceMismatch},
		{mockprovider.TokenMissingNonce, thaid.ErrNonceMismatch},
		{mockprovider.TokenWrongNonce, thaid.ErrNonceMismatch},
		{mockprovider.TokenAlgNone, thaid.ErrUnsupportedAlg},
		{mockprovider.TokenHS256PublicKey, thaid.ErrUnsupportedAlg},
		{mockprovider.TokenBadSignature, thaid.ErrBadSignature},
		{mockprovider.TokenWrongAtHash, thaid.ErrAtHashMismatch},
	}
	for _, alg := range []string{"ES256", "RS256"} {
		e := start(t, mockprovider.Options{Alg: alg})
		// A first login loads the JWKS.
		if _, _, err := e.login(t, ""); err != nil {
			t.Fatal(err)
		}
		for _, tt := range tests {
			e.op.QueueTokenFault(tt.fault)
			_, res, err := e.login(t, "")
			if !errors.Is(err, tt.want) || res != nil {
				t.Errorf("%s fault %d: %v, want %v", alg, tt.fault, err, tt.want)
			}
		}
		// A good login still works afterwards.
		if _, _, err := e.login(t, ""); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMissingNonceOptional(t *testing.T) {
	e := start(t, mockprovider.Options{}, func(cfg *thaid.Config) { cfg.NonceOptional = true })
	e.op.QueueTokenFault(mockprovider.TokenMissingNonce)
	if _, _, err := e.login(t, ""); err != nil {
		t.Fatalf("missing nonce with NonceOptional: %v", err)
	}
	e.op.QueueTokenFault(mockprovider.TokenWrongNonce)
	if _, _, err := e.login(t, ""); !errors.Is(err, thaid.ErrNonceMismatch) {
		t.Fatalf("wrong nonce with NonceOptional: %v", err)
	}
}

func TestUnknownKidRefetchedOnce(t *testing.T) {
	e := start(t, mockprovider.Options{})
	if _, _, err := e.login(t, ""); err != nil {
		t.Fatal(err)
	}
	e.op.QueueTokenFault(mockprovider.TokenUnknownKid)
	if _, _, err := e.login(t, ""); err != nil {
		t.Fatalf("token signed by a newly published key: %v", err)
	}
	if n := len(e.op.RequestsTo(mockprovider.EndpointJWKS)); n != 2 {
		t.Fatalf("%d JWKS fetches, want 2", n)
	}
	// Junk kids within the interval do not reach the provider.
	for range 3 {
		e.op.QueueTokenFault(mockprovider.TokenUnpublishedKey)
		if _, _, err := e.login(t, ""); !errors.Is(err, thaid.ErrBadSignature) {
			t.Fatalf("unpublished key: %v", err)
		}
	}
	if n := len(e.op.RequestsTo(mockprovider.EndpointJWKS)); n != 2 {
		t.Fatalf("%d JWKS fetches after junk kids, want 2", n)
	}
}

func TestKeyRotationDuringLogins(t *testing.T) {
	for _, alg := range []string{"ES256", "RS256"} {
		e := start(t, mockprovider.Options{Alg: alg})
		if _, _, err := e.login(t, ""); err != nil {
			t.Fatal(err)
		}
		// Three logins wait at the callback while the provider rotates.
		var logins []*thaid.Login
		var queries []url.Values
		for range 3 {
			l, err := e.c.NewLogin()
			if err != nil {
				t.Fatal(err)
			}
			logins = append(logins, l)
			queries = append(queries, e.authorize(t, l, ""))
		}
		old := e.op.ActiveKeyID()
		kid, err := e.op.RotateKey(alg)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, len(logins))
		for i := range logins {
			wg.Go(func() {
				_, errs[i] = e.c.Exchange(context.Background(), logins[i], queries[i])
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatalf("%s: login across rotation: %v", alg, err)
		}
		if n := len(e.op.RequestsTo(mockprovider.EndpointJWKS)); n != 2 {
			t.Fatalf("%s: %d JWKS fetches, want 2", alg, n)
		}
		if err := e.op.RetireKey(old); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.login(t, ""); err != nil || e.op.ActiveKeyID() != kid {
			t.Fatalf("%s: login after retiring the old key: %v", alg, err)
		}
	}
}

func TestRotationToUnannouncedAlgRefused(t *testing.T) {
	// Discovery announced ES256 only: a key of another algorithm is not
	// trusted, even when published.
	e := start(t, mockprovider.Options{Alg: "ES256"})
	if _, err := e.op.RotateKey("RS256"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.login(t, ""); !errors.Is(err, thaid.ErrUnsupportedAlg) {
		t.Fatalf("err %v, want ErrUnsupportedAlg", err)
	}
}

func TestCallbackErrors(t *testing.T) {
	e := start(t, mockprovider.Options{})
	ctx := context.Background()
	t.Run("state mismatch", func(t *testing.T) {
		l, _ := e.c.NewLogin()
		q := e.authorize(t, l, "")
		q.Set("state", "forged")
		if _, err := e.c.Exchange(ctx, l, q); !errors.Is(err, thaid.ErrStateMismatch) {
			t.Fatalf("err %v", err)
		}
		other, _ := e.c.NewLogin()
		if _, err := e.c.Exchange(ctx, other, e.authorize(t, l, "")); !errors.Is(err, thaid.ErrStateMismatch) {
			t.Fatalf("other login: %v", err)
		}
		if _, err := e.c.Exchange(ctx, nil, q); !errors.Is(err, thaid.ErrStateMismatch) {
			t.Fatalf("nil login: %v", err)
		}
	})
	t.Run("replayed code", func(t *testing.T) {
		l, _ := e.c.NewLogin()
		q := e.authorize(t, l, "")
		if _, err := e.c.Exchange(ctx, l, q); err != nil {
			t.Fatal(err)
		}
		_, err := e.c.Exchange(ctx, l, q)
		var pe *thaid.Error
		if !errors.Is(err, thaid.ErrInvalidGrant) && !(errors.As(err, &pe) && pe.StatusCode == 400) {
			t.Fatalf("replayed code: %v", err)
		}
		if !errors.As(err, &pe) || pe.StatusCode < 400 {
			t.Fatalf("replayed code: %#v", err)
		}
	})
	t.Run("provider error redirect", func(t *testing.T) {
		for _, code := range []string{"access_denied", "user_denied"} {
			e.op.QueueFault(mockprovider.EndpointAuthorize, mockprovider.Fault{Error: code, Description: "ผู้ใช้ปฏิเสธ"})
			_, _, err := e.login(t, "")
			var pe *thaid.Error
			if !errors.Is(err, thaid.ErrUserDenied) || !errors.As(err, &pe) || pe.Code != code || pe.Description != "ผู้ใช้ปฏิเสธ" {
				t.Fatalf("%s: %v", code, err)
			}
		}
		e.op.QueueFault(mockprovider.EndpointAuthorize, mockprovider.Fault{Error: "server_error"})
		if _, _, err := e.login(t, ""); !errors.Is(err, thaid.ErrProviderUnavailable) {
			t.Fatalf("server_error: %v", err)
		}
	})
	t.Run("login expired", func(t *testing.T) {
		l, _ := e.c.NewLogin()
		q := e.authorize(t, l, "")
		e.clock.Advance(thaid.DefaultLoginTTL + time.Second)
		if _, err := e.c.Exchange(ctx, l, q); !errors.Is(err, thaid.ErrLoginExpired) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("missing code", func(t *testing.T) {
		l, _ := e.c.NewLogin()
		if _, err := e.c.Exchange(ctx, l, url.Values{"state": {l.State}}); !errors.Is(err, thaid.ErrMissingCode) {
			t.Fatalf("err %v", err)
		}
	})
}

func TestTokenEndpointFaults(t *testing.T) {
	tests := []struct {
		name   string
		fault  mockprovider.Fault
		want   error
		status int
	}{
		{name: "non-JSON error body", fault: mockprovider.Fault{Status: 400, Body: "<html>Bad data request</html>", ContentType: "text/html"}, want: thaid.ErrMalformedResponse, status: 400},
		{name: "HTTP 500", fault: mockprovider.Fault{Status: 500}, want: thaid.ErrProviderUnavailable, status: 500},
		{name: "HTTP 503 HTML", fault: mockprovider.Fault{Status: 503, Body: "<h1>down</h1>", ContentType: "text/html"}, want: thaid.ErrProviderUnavailable, status: 503},
		{name: "JSON error", fault: mockprovider.Fault{Error: "invalid_grant", Description: "code expired"}, want: thaid.ErrInvalidGrant, status: 400},
		{name: "invalid client", fault: mockprovider.Fault{Status: 401, Error: "invalid_client", Description: "Client id not found"}, want: thaid.ErrInvalidClient, status: 401},
		{name: "server_error", fault: mockprovider.Fault{Error: "server_error"}, want: thaid.ErrProviderUnavailable, status: 400},
		{name: "no access_token", fault: mockprovider.Fault{Body: `{"token_type":"Bearer","expires_in":900}`}, want: thaid.ErrMissingAccessToken},
		{name: "200 with HTML", fault: mockprovider.Fault{Body: "<html></html>", ContentType: "text/html"}, want: thaid.ErrMalformedResponse},
		{name: "200 with broken JSON", fault: mockprovider.Fault{Body: `{"access_token":`}, want: thaid.ErrMalformedResponse},
	}
	e := start(t, mockprovider.Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.op.QueueFault(mockprovider.EndpointToken, tt.fault)
			_, res, err := e.login(t, "")
			if !errors.Is(err, tt.want) || res != nil {
				t.Fatalf("err %v, want %v", err, tt.want)
			}
			if tt.status != 0 {
				var pe *thaid.Error
				if !errors.As(err, &pe) || pe.StatusCode != tt.status {
					t.Fatalf("err %#v, want *thaid.Error with status %d", err, tt.status)
				}
			}
		})
	}
	t.Run("wrong client secret", func(t *testing.T) {
		e := start(t, mockprovider.Options{}, func(cfg *thaid.Config) { cfg.ClientSecret = "wrong" })
		if _, _, err := e.login(t, ""); !errors.Is(err, thaid.ErrInvalidClient) {
			t.Fatalf("err %v", err)
		}
	})
}

func TestTokenEndpointTimeout(t *testing.T) {
	// A token endpoint that never answers (until the test ends). mockprovider's
	// Fault.Delay cannot be used: an unread request body hides the client's
	// disconnect from the server, so the handler would wait the whole delay.
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(hang.Close)
	t.Cleanup(func() { close(release) })
	e := start(t, mockprovider.Options{}, func(cfg *thaid.Config) {
		hc := *cfg.HTTPClient
		hc.Timeout = 200 * time.Millisecond
		cfg.HTTPClient = &hc
	})
	cfg := e.c.Config()
	cfg.Provider.TokenURL = hang.URL + "/token/"
	c, err := thaid.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.c = c
	if _, _, err := e.login(t, ""); !errors.Is(err, thaid.ErrProviderUnavailable) {
		t.Fatalf("timeout: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	l, _ := e.c.NewLogin()
	q := e.authorize(t, l, "")
	if _, err := e.c.Exchange(ctx, l, q); !errors.Is(err, thaid.ErrProviderUnavailable) || !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

func TestAPIKey(t *testing.T) {
	clients := []mockprovider.RelyingParty{{ID: "agency", Secret: "agency-secret", AllowAnyRedirectURI: true, APIKey: "k-123"}}
	tests := []struct {
		name string
		key  thaid.Secret
		ok   bool
	}{
		{name: "sent", key: "k-123", ok: true},
		{name: "missing", key: "", ok: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := start(t, mockprovider.Options{Clients: clients}, func(cfg *thaid.Config) {
				cfg.ClientID, cfg.ClientSecret, cfg.APIKey = "agency", "agency-secret", tt.key
			})
			_, res, err := e.login(t, "")
			if (err == nil) != tt.ok {
				t.Fatalf("err %v", err)
			}
			for _, r := range e.op.RequestsTo(mockprovider.EndpointToken) {
				if r.APIKey != tt.ok {
					t.Fatalf("api key header sent: %t", r.APIKey)
				}
			}
			if !tt.ok {
				return
			}
			if err := e.c.Revoke(context.Background(), res.Token.AccessToken); err != nil {
				t.Fatal(err)
			}
			if r := e.op.RequestsTo(mockprovider.EndpointRevoke); len(r) != 1 || !r[0].APIKey {
				t.Fatalf("revoke requests %+v", r)
			}
		})
	}
}

func TestRefresh(t *testing.T) {
	for _, rotate := range []bool{false, true} {
		// The refresh token outlives the access token here (by default both live 15 min).
		e := start(t, mockprovider.Options{RotateRefreshTokens: rotate, RefreshTokenTTL: time.Hour})
		_, res, err := e.login(t, pidPimchan)
		if err != nil {
			t.Fatal(err)
		}
		if res.Token.RefreshToken == "" {
			t.Fatal("no refresh token")
		}
		e.clock.Advance(20 * time.Minute)
		if !res.Token.Expired(e.clock.Now()) {
			t.Fatal("token not expired")
		}
		ref, err := e.c.Refresh(context.Background(), res.Token, res.Identity)
		if err != nil {
			t.Fatalf("rotate=%t: %v", rotate, err)
		}
		if ref.RefreshRotated != rotate || ref.Token.RefreshToken == "" ||
			(ref.Token.RefreshToken == res.Token.RefreshToken) == rotate {
			t.Fatalf("rotate=%t: rotated=%t", rotate, ref.RefreshRotated)
		}
		if ref.Token.AccessToken == res.Token.AccessToken || ref.Token.Expired(e.clock.Now()) {
			t.Fatalf("refreshed token %v", ref.Token)
		}
		if ref.Identity != nil && ref.Identity.PID.Digits() != pidPimchan {
			t.Fatalf("identity %v", ref.Identity)
		}
		if ref.Token.IDToken == "" {
			t.Fatal("ID token lost on refresh")
		}
		if rotate {
			if _, err := e.c.Refresh(context.Background(), res.Token, res.Identity); !errors.Is(err, thaid.ErrInvalidGrant) {
				t.Fatalf("old refresh token after rotation: %v", err)
			}
		}
	}
	e := start(t, mockprovider.Options{})
	if _, err := e.c.Refresh(context.Background(), &thaid.Token{AccessToken: "a"}, nil); !errors.Is(err, thaid.ErrInvalidGrant) {
		t.Fatalf("no refresh token: %v", err)
	}
}

// TestIntrospectAndRevoke: each token form the client can send, against a provider that takes
// it. By default introspection sends "token=Bearer <t>" and revocation the bare token, as the
// official samples do and as the mock's default (the recorded sandbox) takes them.
func TestIntrospectAndRevoke(t *testing.T) {
	for _, tc := range []struct {
		name                    string
		mock                    mockprovider.Options
		client                  func(*thaid.Config)
		introBearer, revoBearer bool
	}{
		{"defaults", mockprovider.Options{}, func(*thaid.Config) {}, true, false},
		{"deprecated RevokeWithBearerPrefix: Bearer for both", mockprovider.Options{RevokeTokenForm: mockprovider.TokenFormBearer},
			func(c *thaid.Config) { c.RevokeWithBearerPrefix = true }, true, true},
		{"bare for both (the SDK's default before December 2026)", mockprovider.Options{IntrospectTokenForm: mockprovider.TokenFormBare},
			func(c *thaid.Config) {
				c.IntrospectTokenForm, c.RevokeTokenForm = thaid.TokenFormBare, thaid.TokenFormBare
			}, false, false},
		{"Bearer revocation", mockprovider.Options{RevokeTokenForm: mockprovider.TokenFormBearer},
			func(c *thaid.Config) { c.RevokeTokenForm = thaid.TokenFormBearer }, true, true},
		{"explicit forms win over the deprecated switch", mockprovider.Options{},
			func(c *thaid.Config) {
				c.RevokeWithBearerPrefix, c.IntrospectTokenForm, c.RevokeTokenForm = true, thaid.TokenFormBearer, thaid.TokenFormBare
			}, true, false},
	} {
		for _, style := range []thaid.AuthStyle{thaid.AuthStyleBasic, thaid.AuthStylePost} {
			t.Run(tc.name+" "+style.String(), func(t *testing.T) {
				e := start(t, tc.mock, func(cfg *thaid.Config) {
					tc.client(cfg)
					cfg.AuthStyle = style
				})
				_, res, err := e.login(t, "")
				if err != nil {
					t.Fatal(err)
				}
				ctx := context.Background()
				in, err := e.c.Introspect(ctx, res.Token.AccessToken)
				if err != nil {
					t.Fatal(err)
				}
				if !in.Active || in.Subject != pidThanawat || len(in.Scopes) == 0 || in.Raw == nil {
					t.Fatalf("introspection %+v", in)
				}
				if err := e.c.Revoke(ctx, res.Token.AccessToken); err != nil {
					t.Fatal(err)
				}
				in, err = e.c.Introspect(ctx, res.Token.AccessToken)
				if err != nil || in.Active {
					t.Fatalf("after revoke: %+v, %v", in, err)
				}
				for ep, want := range map[mockprovider.Endpoint]bool{mockprovider.EndpointIntrospect: tc.introBearer, mockprovider.EndpointRevoke: tc.revoBearer} {
					for _, r := range e.op.RequestsTo(ep) {
						if r.BearerPrefix != want || r.AuthStyle != style.String() {
							t.Fatalf("%s request %+v, want Bearer prefix %t", ep, r, want)
						}
					}
				}
			})
		}
	}
	// The measured failures of the older defaults against the recorded sandbox: a bare token is
	// refused by introspection; with the Bearer form, revocation answers OK and revokes nothing.
	t.Run("older forms against the sandbox", func(t *testing.T) {
		e := start(t, mockprovider.Options{}, func(c *thaid.Config) {
			c.IntrospectTokenForm, c.RevokeTokenForm = thaid.TokenFormBare, thaid.TokenFormBearer
		})
		_, res, err := e.login(t, "")
		if err != nil {
			t.Fatal(err)
		}
		var pe *thaid.Error
		if _, err := e.c.Introspect(context.Background(), res.Token.AccessToken); !errors.As(err, &pe) || pe.Code != "invalid_request" || pe.StatusCode != 400 {
			t.Fatalf("bare introspection: %v, want 400 invalid_request", err)
		}
		if err := e.c.Revoke(context.Background(), res.Token.AccessToken); err != nil {
			t.Fatalf("Bearer revocation: %v", err)
		}
		rec := e.op.RequestsTo(mockprovider.EndpointRevoke)
		if len(rec) != 1 || !rec[0].BearerPrefix {
			t.Fatalf("revoke requests %+v", rec)
		}
		cfg := e.c.Config()
		cfg.IntrospectTokenForm = thaid.TokenFormDefault
		c, err := thaid.New(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if in, err := c.Introspect(context.Background(), res.Token.AccessToken); err != nil || !in.Active {
			t.Fatalf("after a Bearer revocation: %+v, %v; want the token still active", in, err)
		}
	})
	e := start(t, mockprovider.Options{})
	e.op.QueueFault(mockprovider.EndpointRevoke, mockprovider.Fault{Status: 502})
	if err := e.c.Revoke(context.Background(), "x"); !errors.Is(err, thaid.ErrProviderUnavailable) {
		t.Fatalf("revoke 502: %v", err)
	}
	e.op.QueueFault(mockprovider.EndpointIntrospect, mockprovider.Fault{Body: "nope", ContentType: "text/plain"})
	if _, err := e.c.Introspect(context.Background(), "x"); !errors.Is(err, thaid.ErrMalformedResponse) {
		t.Fatalf("introspect garbage: %v", err)
	}
}

func TestDiscoveryAndExplicitProvider(t *testing.T) {
	e := start(t, mockprovider.Options{Alg: "RS256"})
	cfg := e.c.Config()
	p := cfg.Provider
	if p.TokenURL != e.op.URL(mockprovider.PathToken) || p.JWKSURL == "" || p.RevokeURL == "" || p.IntrospectURL == "" {
		t.Fatalf("discovered %+v", p)
	}
	// The same endpoints given by hand need no discovery request.
	before := len(e.op.RequestsTo(mockprovider.EndpointDiscovery))
	cfg.Provider.SigningAlgs = nil
	c, err := thaid.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.op.RequestsTo(mockprovider.EndpointDiscovery)) != before {
		t.Fatal("explicit provider ran discovery")
	}
	e.c = c
	if _, _, err := e.login(t, ""); err != nil {
		t.Fatal(err)
	}
	e.op.QueueFault(mockprovider.EndpointDiscovery, mockprovider.Fault{Status: 503})
	_, err = thaid.New(context.Background(), thaid.Config{ClientID: "c", ClientSecret: "s", RedirectURL: redirectURL,
		Provider: thaid.Provider{Issuer: e.op.Issuer()}, HTTPClient: e.op.HTTPClient()})
	if !errors.Is(err, thaid.ErrInvalidConfig) || !errors.Is(err, thaid.ErrProviderUnavailable) {
		t.Fatalf("discovery 503: %v", err)
	}
}

func TestFlatClaimsNeverReplaceABadIDToken(t *testing.T) {
	e := start(t, mockprovider.Options{FlatClaimsWithOpenID: true})
	e.op.QueueTokenFault(mockprovider.TokenBadSignature)
	if _, res, err := e.login(t, ""); !errors.Is(err, thaid.ErrBadSignature) || res != nil {
		t.Fatalf("bad ID token with flat claims beside it: %v", err)
	}
}

// TestRefreshKeepsTheCitizen: Refresh is where a refresh is judged. Its identity must name the
// login's citizen: a sub or PID added, changed or dropped is refused (ErrInvalidClaim and
// ErrInvalidToken) and the answer's refresh and access tokens revoked; unsigned claims never
// replace a verified identity (issues 21 and 22).
func TestRefreshKeepsTheCitizen(t *testing.T) {
	const other = "1101700230708" // not pidPimchan, who logs in
	flat := func(members string) string {
		return `{"access_token":"at-2","token_type":"Bearer","expires_in":900,"refresh_token":"rt-2"` + members + `}`
	}
	for _, tt := range []struct {
		name    string
		scopes  []string
		answer  string
		refused bool
		noID    bool // the refreshed identity is not returned (the login's stays)
	}{
		{"flat, name only, answer adds a PID", []string{thaid.ScopeName}, flat(`,"pid":"` + other + `","name":"x"`), true, false},
		{"flat, name only, answer adds a sub", []string{thaid.ScopeName}, flat(`,"sub":"` + other + `","name":"x"`), true, false},
		{"flat, name only, answer with a name only", []string{thaid.ScopeName}, flat(`,"name":"y"`), false, false},
		{"flat, pid, answer changes the PID", []string{thaid.ScopePID}, flat(`,"pid":"` + other + `"`), true, false},
		{"flat, pid, answer drops the PID", []string{thaid.ScopePID}, flat(`,"name":"x"`), true, false},
		{"flat, pid, answer without claims", []string{thaid.ScopePID}, flat(``), false, true},
		{"openid, flat claims beside no ID token", []string{thaid.ScopeOpenID, thaid.ScopePID}, flat(`,"pid":"` + other + `"`), false, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := start(t, mockprovider.Options{}, func(cfg *thaid.Config) { cfg.Scopes = tt.scopes })
			_, res, err := e.login(t, pidPimchan)
			if err != nil {
				t.Fatal(err)
			}
			revokes := len(e.op.RequestsTo(mockprovider.EndpointRevoke))
			e.op.QueueFault(mockprovider.EndpointToken, mockprovider.Fault{Status: http.StatusOK, Body: tt.answer})
			ref, err := e.c.Refresh(context.Background(), res.Token, res.Identity)
			revoked := len(e.op.RequestsTo(mockprovider.EndpointRevoke)) - revokes
			if tt.refused {
				if !errors.Is(err, thaid.ErrInvalidClaim) || !errors.Is(err, thaid.ErrInvalidToken) || ref != nil {
					t.Fatalf("Refresh = %v, %v; want ErrInvalidClaim and ErrInvalidToken", ref, err)
				}
				if revoked != 2 {
					t.Errorf("%d revocations, want 2 (the answer's refresh and access tokens)", revoked)
				}
				return
			}
			if err != nil || revoked != 0 {
				t.Fatalf("Refresh: %v (%d revocations)", err, revoked)
			}
			if (ref.Identity == nil) != tt.noID {
				t.Errorf("refreshed identity %v, want none: %v", ref.Identity, tt.noID)
			}
			if ref.Token.RefreshToken != "rt-2" || ref.Token.IDToken != res.Token.IDToken {
				t.Errorf("the refresh token or the ID token was not kept as the answer and the login gave them")
			}
		})
	}
}
