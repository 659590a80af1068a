package thaidfiber_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	"github.com/thaid-go/thaid-go/examples/fiber/thaidfiber"
	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// TestRequireOptionalIdentity runs the middleware through Fiber on a real listener: signed out,
// Require answers and stops, Optional goes on; after a login at the mock, Identity, Session and
// AccessToken find the citizen, and a stale cookie is cleared.
func TestRequireOptionalIdentity(t *testing.T) {
	var privateRuns atomic.Int32
	base, auth, op, _ := start(t, func(app *fiber.App, auth *middleware.Auth) {
		app.Get("/private", thaidfiber.Require(auth), func(c *fiber.Ctx) error {
			privateRuns.Add(1)
			id, ok := thaidfiber.Identity(c)
			if _, sok := thaidfiber.Session(c); !ok || !sok {
				return c.Status(http.StatusInternalServerError).SendString("no identity or session")
			}
			if tok, err := thaidfiber.AccessToken(auth, c); err != nil || tok == "" {
				return c.Status(http.StatusInternalServerError).SendString("no access token")
			}
			return c.SendString("private " + id.PID.String())
		})
		app.Get("/public", thaidfiber.Optional(auth), func(c *fiber.Ctx) error {
			if id, ok := thaidfiber.Identity(c); ok {
				return c.SendString("hello " + id.PID.String())
			}
			if _, err := thaidfiber.AccessToken(auth, c); !errors.Is(err, middleware.ErrNotSignedIn) {
				return c.Status(http.StatusInternalServerError).SendString("AccessToken signed out: " + err.Error())
			}
			return c.SendString("hello guest")
		})
	})

	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{Jar: jar}
	noFollow := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	resp, _ := get(t, noFollow, base+"/private", nil)
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/login?return_to=%2Fprivate" {
		t.Fatalf("signed out /private: %d to %q, want 303 to the login", resp.StatusCode, loc)
	}
	resp, body := get(t, noFollow, base+"/private", http.Header{"Accept": {"application/json"}})
	if resp.StatusCode != http.StatusUnauthorized || strings.TrimSpace(body) != `{"error":"login_required"}` {
		t.Fatalf("signed out /private for a script: %d %q, want 401 login_required", resp.StatusCode, body)
	}
	if n := privateRuns.Load(); n != 0 {
		t.Fatalf("the handler behind Require ran %d times for a signed-out request", n)
	}
	if _, body = get(t, browser, base+"/public", nil); body != "hello guest" {
		t.Fatalf("signed out /public: %q", body)
	}

	masked := thaid.MaskPID(op.Citizens()[0].PID) // the mock approves as its first demo citizen
	resp, body = get(t, browser, base+"/private", nil)
	if resp.Request.URL.Path != "/private" || body != "private "+masked {
		t.Fatalf("after login, /private at %s: %q, want %q", resp.Request.URL.Path, body, "private "+masked)
	}
	if _, body = get(t, browser, base+"/public", nil); body != "hello "+masked {
		t.Fatalf("signed in /public: %q", body)
	}

	// A cookie naming no session: Optional goes on as a guest and clears it.
	resp, body = get(t, http.DefaultClient, base+"/public", http.Header{"Cookie": {auth.CookieName() + "=" + strings.Repeat("A", 43)}})
	if body != "hello guest" || !clears(resp, auth.CookieName()) {
		t.Fatalf("stale cookie on /public: %q, Set-Cookie %q", body, resp.Header.Values("Set-Cookie"))
	}
}

// start serves a Fiber app on a loopback listener, with the login and callback of an Auth
// that logs in at a mock ThaID approving at once, and the routes that add adds.
func start(tb testing.TB, add func(*fiber.App, *middleware.Auth)) (base string, auth *middleware.Auth, op *mockprovider.Server, app *fiber.App) {
	tb.Helper()
	op = mockprovider.Start(tb, mockprovider.Options{AutoApprove: true})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	base = "http://" + ln.Addr().String()
	client, err := thaid.New(context.Background(), thaid.Config{
		ClientID:     mockprovider.DemoClientID,
		ClientSecret: mockprovider.DemoClientSecret,
		RedirectURL:  base + "/callback",
		Provider:     thaid.Provider{Issuer: op.Issuer()},
	})
	if err != nil {
		ln.Close()
		tb.Fatal(err)
	}
	auth, err = middleware.New(middleware.Config{Client: client, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		ln.Close()
		tb.Fatal(err)
	}
	app = fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/login", adaptor.HTTPHandler(auth.Login()))
	app.Get("/callback", adaptor.HTTPHandler(auth.Callback()))
	add(app, auth)
	go func() { _ = app.Listener(ln) }()
	tb.Cleanup(func() { _ = app.Shutdown() })
	return base, auth, op, app
}

// clears reports whether resp deletes the cookie name.
func clears(resp *http.Response, name string) bool {
	for _, c := range resp.Cookies() {
		if c.Name == name && c.MaxAge < 0 {
			return true
		}
	}
	return false
}

func get(t *testing.T, c *http.Client, url string, h http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// requestKey marks the context that a Fiber middleware sets with c.SetUserContext.
type requestKey struct{}

// TestHandlerUserContext: the login, callback and logout mounted with Handler run in
// c.UserContext(), so that Config.Observe (otelthaid: the request's span) sees what Fiber
// middleware put there, for every event of a login and a logout. Require's logs see it too.
func TestHandlerUserContext(t *testing.T) {
	op := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	client, err := thaid.New(context.Background(), thaid.Config{
		ClientID:     mockprovider.DemoClientID,
		ClientSecret: mockprovider.DemoClientSecret,
		RedirectURL:  base + "/callback",
		Provider:     thaid.Provider{Issuer: op.Issuer()},
	})
	if err != nil {
		ln.Close()
		t.Fatal(err)
	}
	var (
		mu   sync.Mutex
		seen []string
	)
	auth, err := middleware.New(middleware.Config{
		Client: client,
		Logger: slog.New(slog.DiscardHandler),
		Observe: func(ctx context.Context, e middleware.Event) {
			v, _ := ctx.Value(requestKey{}).(string)
			mu.Lock()
			seen = append(seen, string(e.Kind)+":"+v)
			mu.Unlock()
		},
	})
	if err != nil {
		ln.Close()
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Use(func(c *fiber.Ctx) error {
		c.SetUserContext(context.WithValue(c.UserContext(), requestKey{}, c.Path()))
		return c.Next()
	})
	app.Get("/login", thaidfiber.Handler(auth.Login()))
	app.Get("/callback", thaidfiber.Handler(auth.Callback()))
	app.Post("/logout", thaidfiber.Handler(auth.Logout()))
	app.Get("/private", thaidfiber.Require(auth), func(c *fiber.Ctx) error { return c.SendString("private") })
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })

	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{Jar: jar}
	if _, body := get(t, browser, base+"/private", nil); body != "private" {
		t.Fatalf("login: %q", body)
	}
	req, err := http.NewRequest(http.MethodPost, base+"/logout", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", base)
	resp, err := browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	mu.Lock()
	defer mu.Unlock()
	if got, want := strings.Join(seen, " "), "login_started:/login login:/callback logout:/logout"; got != want {
		t.Fatalf("the observer saw %q, want %q (each event in its request's c.UserContext())", got, want)
	}
}
