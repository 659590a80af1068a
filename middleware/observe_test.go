package middleware_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// events records what Config.Observe hears.
type events struct {
	mu  sync.Mutex
	all []middleware.Event
}

func (e *events) observe(_ context.Context, ev middleware.Event) {
	e.mu.Lock()
	e.all = append(e.all, ev)
	e.mu.Unlock()
}

// take returns the events heard since the last take, as "kind:outcome".
func (e *events) take(t *testing.T) string {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, ev := range e.all {
		if ev.Start.IsZero() || ev.Duration < 0 || ev.Duration > time.Minute {
			t.Errorf("%s: start %v, duration %v", ev.Kind, ev.Start, ev.Duration)
		}
		out = append(out, string(ev.Kind)+":"+ev.Outcome())
	}
	e.all = nil
	return strings.Join(out, " ")
}

func TestObserve(t *testing.T) {
	var ev events
	app := newApp(t, appOptions{clock: true, cfg: middleware.Config{Observe: ev.observe}, mock: mockprovider.Options{RefreshTokenTTL: time.Hour}})
	b := app.newBrowser()

	mustSignedIn(t, b.get("/private/x"), "/private/x")
	if got, want := ev.take(t), "login_started:ok login:ok"; got != want {
		t.Errorf("login: events %q, want %q", got, want)
	}

	b.get("/token")
	if got := ev.take(t); got != "" {
		t.Errorf("a fresh token: events %q, want none", got)
	}
	app.clock.Advance(16 * time.Minute)
	if p := b.get("/token"); p.status != http.StatusOK {
		t.Fatalf("/token after expiry: %d %q", p.status, p.body)
	}
	if got, want := ev.take(t), "refresh:ok"; got != want {
		t.Errorf("refresh: events %q, want %q", got, want)
	}

	b.logout(nil)
	if got, want := ev.take(t), "logout:ok"; got != want {
		t.Errorf("logout: events %q, want %q", got, want)
	}
	b.logout(map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
	if got, want := ev.take(t), "logout:cross_origin"; got != want {
		t.Errorf("cross-site logout: events %q, want %q", got, want)
	}

	// Failures carry the error and its reason.
	app.p.QueueFault(mockprovider.EndpointAuthorize, mockprovider.Fault{Error: "access_denied"})
	b.get(b.startLogin("/private/x"))
	if got, want := ev.take(t), "login_started:ok login:user_denied"; got != want {
		t.Errorf("denied on the phone: events %q, want %q", got, want)
	}
	b.get("/callback?code=abc&state=" + strings.Repeat("s", 43))
	ev.mu.Lock()
	last := ev.all[len(ev.all)-1]
	ev.mu.Unlock()
	if last.Kind != middleware.EventLogin || !errors.Is(last.Err, middleware.ErrNoPendingLogin) {
		t.Errorf("forged callback: event %+v, want a login failed with ErrNoPendingLogin", last)
	}
	ev.take(t)

	app.rebuild(func(cfg *middleware.Config) {
		cfg.OnLogin = func(context.Context, *thaid.Identity) (string, error) {
			return "", &middleware.DeniedError{Message: "no"}
		}
	})
	b.get("/private/x")
	if got, want := ev.take(t), "login_started:ok login:login_denied"; got != want {
		t.Errorf("refused by OnLogin: events %q, want %q", got, want)
	}
}

// TestObservePanics: an observer that panics at every event breaks neither a login, nor a token
// refresh (twice on the same session: a refresh left in flight would make the next one wait for
// ever), nor a logout; each panic is logged.
func TestObservePanics(t *testing.T) {
	app := newApp(t, appOptions{clock: true, cfg: middleware.Config{
		Observe: func(context.Context, middleware.Event) { panic("broken metrics") },
	}, mock: mockprovider.Options{RefreshTokenTTL: time.Hour}})
	b := app.signIn(t)
	for range 2 {
		app.clock.Advance(16 * time.Minute)
		if p := b.get("/token"); p.status != http.StatusOK || p.body == "" {
			t.Fatalf("/token after expiry: %d %q", p.status, p.body)
		}
	}
	b.logout(nil)
	if p := b.getNoFollow("/private/x"); p.status != http.StatusSeeOther {
		t.Fatalf("/private after logout: %d, want 303 to the login", p.status)
	}
	// login_started, login, refresh twice, logout.
	if n := strings.Count(app.logs.String(), `"msg":"thaid observer panicked"`); n != 5 {
		t.Errorf("%d observer panics logged, want 5:\n%s", n, app.logs)
	}
}

// deleteFails is a MemoryStore whose Delete and CompareAndDelete fail while fail is set.
type deleteFails struct {
	*middleware.MemoryStore
	fail atomic.Bool
}

func (s *deleteFails) Delete(ctx context.Context, key string) error {
	if s.fail.Load() {
		return errors.New("store down")
	}
	return s.MemoryStore.Delete(ctx, key)
}

func (s *deleteFails) CompareAndDelete(ctx context.Context, key string, old []byte) (bool, error) {
	if s.fail.Load() {
		return false, errors.New("store down")
	}
	return s.MemoryStore.CompareAndDelete(ctx, key, old)
}

// TestObserveFailures: a refused refresh and a logout whose store fails are each reported once,
// with their reason.
func TestObserveFailures(t *testing.T) {
	var ev events
	store := &deleteFails{MemoryStore: middleware.NewMemoryStore()}
	app := newApp(t, appOptions{clock: true, cfg: middleware.Config{Observe: ev.observe, Store: store}})
	b := app.signIn(t)
	ev.take(t)

	app.clock.Advance(16 * time.Minute)
	app.p.QueueFault(mockprovider.EndpointToken, mockprovider.Fault{Error: "invalid_grant"})
	b.get("/token")
	if got, want := ev.take(t), "refresh:invalid_grant"; got != want {
		t.Errorf("refused refresh: events %q, want %q", got, want)
	}

	store.fail.Store(true)
	if p := b.logout(nil); p.status != http.StatusServiceUnavailable {
		t.Errorf("logout with the store down: %d, want 503", p.status)
	}
	if got, want := ev.take(t), "logout:store_unavailable"; got != want {
		t.Errorf("logout with the store down: events %q, want %q", got, want)
	}
}
