package middleware_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// The tests of this file run the mock with its default profile: the recorded sandbox's, whose
// access and refresh tokens both live 15 minutes. Refreshing only once the access token has
// expired could never succeed there.

// refreshGrants counts the refresh grants the mock has answered.
func refreshGrants(p *mockprovider.Server) int {
	n := 0
	for _, r := range p.RequestsTo(mockprovider.EndpointToken) {
		if r.GrantType == "refresh_token" {
			n++
		}
	}
	return n
}

// mustLiveToken gets /token and checks that the provider calls the access token active.
func mustLiveToken(t *testing.T, app *testApp, b *browser, when string) string {
	t.Helper()
	p := b.get("/token")
	if p.status != http.StatusOK || p.body == "" {
		t.Fatalf("%s: /token answered %d %q, want an access token", when, p.status, p.body)
	}
	in, err := app.client.Introspect(context.Background(), p.body)
	if err != nil || !in.Active {
		t.Fatalf("%s: the provider says the access token is not active: %+v, %v", when, in, err)
	}
	return p.body
}

// TestAccessTokenRefreshesAhead: a call 11 minutes after login, with 4 of the token's 15 minutes
// left, gets a refreshed token (refreshing only at expiry did not refresh here, and then could
// not: the refresh token had expired with the access token).
func TestAccessTokenRefreshesAhead(t *testing.T) {
	app := newApp(t, appOptions{clock: true})
	b := app.signIn(t)
	first := mustLiveToken(t, app, b, "at login")
	app.clock.Advance(9 * time.Minute)
	if again := mustLiveToken(t, app, b, "at 9 min"); again != first || refreshGrants(app.p) != 0 {
		t.Fatalf("at 9 min (6 of 15 min left) the token was refreshed; want it kept until a third of its lifetime is left")
	}
	app.clock.Advance(2 * time.Minute)
	second := mustLiveToken(t, app, b, "at 11 min")
	if second == first {
		t.Fatalf("at 11 min (4 of 15 min left) the token was not refreshed")
	}
	if n := refreshGrants(app.p); n != 1 {
		t.Errorf("%d refresh grants, want 1", n)
	}
	if again := mustLiveToken(t, app, b, "at 11 min, again"); again != second || refreshGrants(app.p) != 1 {
		t.Errorf("a second call right after the refresh refreshed again")
	}
}

// TestAccessTokenKeepsGoing: a citizen who keeps using the app, one call every 10 minutes, keeps
// a working access token for an hour. Every refresh must use a refresh token that is still
// valid, so the provider must give a new one at each refresh: the mock's default profile gives
// none (see TestAccessTokenWithoutNewRefreshToken), so this test adds RotateRefreshTokens to it
// and changes nothing else (tokens of 15 minutes).
func TestAccessTokenKeepsGoing(t *testing.T) {
	app := newApp(t, appOptions{clock: true, mock: mockprovider.Options{RotateRefreshTokens: true}})
	b := app.signIn(t)
	last := mustLiveToken(t, app, b, "at login")
	app.clock.Advance(11 * time.Minute)
	for minute := 11; minute <= 71; minute += 10 {
		tok := mustLiveToken(t, app, b, fmt.Sprintf("at %d min", minute))
		if tok == last {
			t.Fatalf("at %d min the token was not refreshed", minute)
		}
		last = tok
		app.clock.Advance(10 * time.Minute)
	}
	if n := refreshGrants(app.p); n != 7 {
		t.Errorf("%d refresh grants in the hour, want 7 (one per call)", n)
	}
}

// TestAccessTokenWithoutNewRefreshToken: with the mock's default profile a refresh returns no
// new refresh token, and the login's own expires 15 minutes after the login. The refresh at 11
// minutes works; the next one, at 21 minutes, is refused, and the app learns that the citizen
// must log in again (while the session stays). Whether the real ThaID gives a new refresh token
// at each refresh is not recorded (THAID.md).
func TestAccessTokenWithoutNewRefreshToken(t *testing.T) {
	app := newApp(t, appOptions{clock: true})
	b := app.signIn(t)
	first := mustLiveToken(t, app, b, "at login")
	app.clock.Advance(11 * time.Minute)
	if tok := mustLiveToken(t, app, b, "at 11 min"); tok == first {
		t.Fatalf("at 11 min the token was not refreshed")
	}
	app.clock.Advance(10 * time.Minute)
	if err := app.accessTokenError(t, b); !errors.Is(err, thaid.ErrInvalidGrant) {
		t.Fatalf("at 21 min, with the login's refresh token expired: %v, want thaid.ErrInvalidGrant", err)
	}
	mustSignedIn(t, b.get("/private/y"), "/private/y")
}

// TestAccessTokenAfterSilence: after 16 minutes without a call both tokens have expired; the app
// gets an error matching thaid.ErrInvalidGrant (log in again), and the session stays.
func TestAccessTokenAfterSilence(t *testing.T) {
	app := newApp(t, appOptions{clock: true})
	b := app.signIn(t)
	app.clock.Advance(16 * time.Minute)
	p := b.get("/token")
	if p.status != http.StatusBadGateway || strings.TrimSpace(p.body) != "invalid_grant" {
		t.Fatalf("after 16 min of silence: %d %q, want the invalid_grant reason", p.status, p.body)
	}
	err := app.accessTokenError(t, b)
	if !errors.Is(err, thaid.ErrInvalidGrant) {
		t.Errorf("AccessToken: %v, want an error matching thaid.ErrInvalidGrant", err)
	}
	if errors.Is(err, middleware.ErrNotSignedIn) {
		t.Errorf("AccessToken: %v also matches ErrNotSignedIn: the session is still there", err)
	}
	mustSignedIn(t, b.get("/private/y"), "/private/y")
}

// TestAccessTokenProviderDownAhead: a refresh ahead of expiry that cannot reach the provider
// leaves the current token, still valid, in use; the next call refreshes.
func TestAccessTokenProviderDownAhead(t *testing.T) {
	app := newApp(t, appOptions{clock: true})
	b := app.signIn(t)
	first := mustLiveToken(t, app, b, "at login")
	app.clock.Advance(11 * time.Minute)
	app.p.QueueFault(mockprovider.EndpointToken, mockprovider.Fault{Status: http.StatusServiceUnavailable})
	if tok := mustLiveToken(t, app, b, "at 11 min, provider down"); tok != first {
		t.Fatalf("with the provider down the token changed")
	}
	if n := len(app.p.RequestsTo(mockprovider.EndpointToken)); n != 2 {
		t.Fatalf("%d token requests, want 2 (the code, then the refresh that failed)", n)
	}
	app.clock.Advance(time.Minute)
	if tok := mustLiveToken(t, app, b, "at 12 min"); tok == first {
		t.Fatalf("at 12 min, with the provider back, the token was not refreshed")
	}
	// Once the token has expired, the provider's failure is the caller's.
	app.clock.Advance(15 * time.Minute)
	app.p.QueueFault(mockprovider.EndpointToken, mockprovider.Fault{Status: http.StatusServiceUnavailable})
	if err := app.accessTokenError(t, b); !errors.Is(err, thaid.ErrProviderUnavailable) {
		t.Fatalf("expired token, provider down: %v, want thaid.ErrProviderUnavailable", err)
	}
}

// TestRefreshBeforeConfig: a fixed Config.RefreshBefore replaces the third of the lifetime, and a
// negative one is refused.
func TestRefreshBeforeConfig(t *testing.T) {
	app := newApp(t, appOptions{clock: true, cfg: middleware.Config{RefreshBefore: 2 * time.Minute}})
	b := app.signIn(t)
	first := mustLiveToken(t, app, b, "at login")
	app.clock.Advance(12*time.Minute + 59*time.Second)
	if tok := mustLiveToken(t, app, b, "2 min 1 s before expiry"); tok != first {
		t.Fatalf("refreshed with more than RefreshBefore left")
	}
	app.clock.Advance(time.Second)
	if tok := mustLiveToken(t, app, b, "2 min before expiry"); tok == first {
		t.Fatalf("not refreshed with RefreshBefore left")
	}
	cfg := app.cfg
	cfg.RefreshBefore = -time.Second
	if _, err := middleware.New(cfg); !errors.Is(err, thaid.ErrInvalidConfig) {
		t.Fatalf("negative RefreshBefore: %v, want thaid.ErrInvalidConfig", err)
	}
}

// accessTokenError calls AccessToken for browser b's session, outside any handler, and returns
// its error (nil when it returned a token).
func (app *testApp) accessTokenError(t *testing.T, b *browser) error {
	t.Helper()
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(&http.Cookie{Name: app.auth.CookieName(), Value: b.sessionCookie()})
	tok, err := app.auth.AccessToken(r)
	if err == nil && tok == "" {
		t.Fatal("AccessToken returned no token and no error")
	}
	return err
}
