package middleware_test

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/internal/testclock"
	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testApp is an application protected by the middleware, with a mock ThaID beside it.
type testApp struct {
	t         *testing.T
	p         *mockprovider.Server
	clock     *testclock.Clock // nil: real time
	auth      *middleware.Auth
	client    *thaid.Client
	srv       *httptest.Server
	logs      *syncBuffer
	transport *http.Transport // the thaid client's, to close idle connections
	errs      chan error      // errors seen by the error handler (buffered)
	cfg       middleware.Config

	mu  sync.Mutex // guards mux (auth is set with it, and read by tests between requests)
	mux *http.ServeMux
}

type appOptions struct {
	// mock: the tests of a refresh after expiry give RefreshTokenTTL an hour. The recorded
	// sandbox's refresh token lives 15 min, as long as the access token, so a refresh after
	// expiry could never succeed against it; those tests are about refresh, not that lifetime.
	mock       mockprovider.Options
	cfg        middleware.Config // Client, Logger, ErrorHandler are filled in
	timeout    time.Duration     // thaid HTTP client timeout; 0 = 5 s
	clock      bool              // a test clock (app.clock) instead of real time
	provider   *mockprovider.Server
	thaidScope []string
	tls        bool // serve the app and the mock over HTTPS (httptest certificates)
}

func newApp(t *testing.T, o appOptions) *testApp {
	t.Helper()
	if o.mock.Logger == nil {
		o.mock.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	app := &testApp{t: t, logs: &syncBuffer{}, errs: make(chan error, 1000)}
	if o.clock {
		app.clock = testclock.New(time.Now().Truncate(time.Second))
		o.mock.Now = app.clock.Now
	}
	app.p = o.provider
	if app.p == nil {
		o.mock.AutoApprove = true
		if o.tls {
			app.p = mockprovider.StartTLS(t, o.mock)
		} else {
			app.p = mockprovider.Start(t, o.mock)
		}
	}
	mux := http.NewServeMux()
	if o.tls {
		app.srv = httptest.NewTLSServer(mux)
	} else {
		app.srv = httptest.NewServer(mux)
	}
	t.Cleanup(app.srv.Close)

	app.transport = &http.Transport{}
	if o.tls {
		// httptest servers share one certificate, so the app's client trusts the mock too.
		app.transport = app.srv.Client().Transport.(*http.Transport).Clone()
	}
	t.Cleanup(app.transport.CloseIdleConnections)
	tc := thaid.Config{
		ClientID:     mockprovider.DemoClientID,
		ClientSecret: mockprovider.DemoClientSecret,
		RedirectURL:  app.srv.URL + "/callback",
		Provider:     thaid.Provider{Issuer: app.p.Issuer()},
		Scopes:       o.thaidScope,
		HTTPClient:   &http.Client{Transport: app.transport, Timeout: cmp.Or(o.timeout, 5*time.Second)},
	}
	if app.clock != nil {
		tc.Now = app.clock.Now
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	client, err := thaid.New(ctx, tc)
	if err != nil {
		t.Fatalf("thaid.New: %v", err)
	}
	app.client = client
	cfg := o.cfg
	cfg.Client = client
	cfg.Logger = slog.New(slog.NewJSONHandler(app.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg.AfterLoginPath = cmp.Or(cfg.AfterLoginPath, "/home")
	if app.clock != nil {
		cfg.Now = app.clock.Now
	}
	def := middleware.DefaultErrorHandler("/login")
	if cfg.ErrorHandler == nil {
		cfg.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
			select {
			case app.errs <- err:
			default:
			}
			def(w, r, err)
		}
	}
	if cfg.Store == nil {
		cfg.Store = middleware.NewMemoryStore()
	}
	app.cfg = cfg
	app.rebuild(nil)
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		app.mu.Lock()
		h := app.mux
		app.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	return app
}

// rebuild makes a new Auth from the app's Config, changed by change (nil: as it is), and serves
// it from now on, on the same store: as a restart with a new configuration would.
func (app *testApp) rebuild(change func(cfg *middleware.Config)) {
	app.t.Helper()
	cfg := app.cfg
	if change != nil {
		change(&cfg)
	}
	a, err := middleware.New(cfg)
	if err != nil {
		app.t.Fatalf("middleware.New: %v", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /login", a.Login())
	mux.Handle("GET /callback", a.Callback())
	mux.Handle("/logout", a.Logout())
	mux.Handle("GET /home", a.Optional(http.HandlerFunc(whoAmI)))
	mux.Handle("GET /{$}", a.Optional(http.HandlerFunc(whoAmI)))
	mux.Handle("GET /private/", a.Require(http.HandlerFunc(whoAmI)))
	mux.Handle("GET /token", a.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, err := a.AccessToken(r)
		if err != nil {
			http.Error(w, middleware.Reason(err), http.StatusBadGateway)
			return
		}
		_, _ = io.WriteString(w, tok)
	})))
	app.mu.Lock()
	app.auth, app.mux = a, mux
	app.mu.Unlock()
}

// whoAmI answers "signed in: <user id> <masked PID>" or "anonymous".
func whoAmI(w http.ResponseWriter, r *http.Request) {
	id, ok := middleware.IdentityFrom(r.Context())
	if !ok {
		_, _ = io.WriteString(w, "anonymous")
		return
	}
	s, _ := middleware.SessionFrom(r.Context())
	fmt.Fprintf(w, "signed in: %s %s %s", s.UserID, id.PID.Masked(), r.URL.Path)
}

// browser is one browser: a cookie jar and a client that follows redirects.
type browser struct {
	app *testApp
	jar *cookiejar.Jar
	tr  *http.Transport
	c   *http.Client
}

func (app *testApp) newBrowser() *browser {
	jar, _ := cookiejar.New(nil)
	tr := &http.Transport{}
	if app.srv.TLS != nil {
		tr = app.srv.Client().Transport.(*http.Transport).Clone()
	}
	app.t.Cleanup(tr.CloseIdleConnections)
	return &browser{app: app, jar: jar, tr: tr, c: &http.Client{Jar: jar, Transport: tr, Timeout: 10 * time.Second}}
}

type page struct {
	status int
	url    *url.URL
	body   string
	header http.Header
}

func (b *browser) do(req *http.Request, follow bool) page {
	b.app.t.Helper()
	c := *b.c
	if !follow {
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	resp, err := c.Do(req)
	if err != nil {
		b.app.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, resp.Request.URL, string(body), resp.Header}
}

func (b *browser) get(path string) page {
	req, _ := http.NewRequest("GET", b.app.url(path), nil)
	req.Header.Set("Accept", "text/html")
	return b.do(req, true)
}

func (b *browser) getNoFollow(path string) page {
	req, _ := http.NewRequest("GET", b.app.url(path), nil)
	return b.do(req, false)
}

// logout posts the logout form as the app's own page would (same-origin).
func (b *browser) logout(headers map[string]string) page {
	req, _ := http.NewRequest("POST", b.app.url("/logout"), nil)
	req.Header.Set("Origin", b.app.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for k, v := range headers {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	return b.do(req, true)
}

// startLogin starts a login and follows it to ThaID and back, stopping before the callback:
// it returns the callback URL ThaID sent the browser to.
func (b *browser) startLogin(returnTo string) string {
	b.app.t.Helper()
	c := *b.c
	c.CheckRedirect = func(req *http.Request, _ []*http.Request) error {
		if req.URL.Path == "/callback" {
			return http.ErrUseLastResponse
		}
		return nil
	}
	path := "/login"
	if returnTo != "" {
		path += "?return_to=" + url.QueryEscape(returnTo)
	}
	resp, err := c.Get(b.app.url(path))
	if err != nil {
		b.app.t.Fatalf("start login: %v", err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if !strings.Contains(loc, "/callback?") {
		b.app.t.Fatalf("start login ended at %d %s, Location %q; want a redirect to the callback", resp.StatusCode, resp.Request.URL, loc)
	}
	return loc
}

func (b *browser) sessionCookie() string {
	u, _ := url.Parse(b.app.srv.URL)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == b.app.auth.CookieName() {
			return c.Value
		}
	}
	return ""
}

func (app *testApp) url(path string) string {
	if strings.HasPrefix(path, "http:") || strings.HasPrefix(path, "https:") {
		return path
	}
	return app.srv.URL + path
}

func (app *testApp) lastError() error {
	select {
	case err := <-app.errs:
		return err
	default:
		return nil
	}
}

// signIn returns a new browser, signed in through a visit to /private/x.
func (app *testApp) signIn(t *testing.T) *browser {
	t.Helper()
	b := app.newBrowser()
	mustSignedIn(t, b.get("/private/x"), "/private/x")
	return b
}

func mustSignedIn(t *testing.T, p page, path string) {
	t.Helper()
	if p.status != 200 || !strings.HasPrefix(p.body, "signed in:") || p.url.Path != path {
		t.Fatalf("want signed in at %s; got %d at %s: %q", path, p.status, p.url, p.body)
	}
}

func TestLoginLogoutRelogin(t *testing.T) {
	app := newApp(t, appOptions{})
	b := app.newBrowser()

	// A protected page sends the browser to ThaID and back to the page.
	p := b.get("/private/report?year=2569")
	mustSignedIn(t, p, "/private/report")
	if p.url.RawQuery != "year=2569" {
		t.Errorf("query lost on return: %s", p.url)
	}
	pid := app.p.Citizens()[0].PID
	if !strings.Contains(p.body, thaid.MustParsePID(pid).Masked()) {
		t.Errorf("identity not in context: %q", p.body)
	}
	first := b.sessionCookie()
	if len(first) != 43 || strings.Contains(first, pid) {
		t.Errorf("session cookie %q: want an opaque 256-bit ID", first)
	}

	// Logout: POST, redirect to "/", session gone.
	p = b.logout(nil)
	if p.status != 200 || p.url.Path != "/" || p.body != "anonymous" {
		t.Fatalf("after logout: %d %s %q", p.status, p.url, p.body)
	}
	if b.sessionCookie() != "" {
		t.Errorf("session cookie not cleared")
	}
	if got := b.getNoFollow("/private/x"); got.status != http.StatusSeeOther || !strings.HasPrefix(got.header.Get("Location"), "/login?return_to=") {
		t.Errorf("after logout /private/x: %d %q", got.status, got.header.Get("Location"))
	}
	if n := len(app.p.RequestsTo(mockprovider.EndpointRevoke)); n == 0 {
		t.Errorf("logout revoked no token")
	}

	// The old session ID is dead even when replayed.
	stale := app.newBrowser()
	u, _ := url.Parse(app.srv.URL)
	stale.jar.SetCookies(u, []*http.Cookie{{Name: app.auth.CookieName(), Value: first, Path: "/"}})
	if got := stale.get("/home"); got.body != "anonymous" {
		t.Errorf("logged-out session ID still works: %q", got.body)
	}

	// Re-login gives a new session.
	mustSignedIn(t, b.get("/private/again"), "/private/again")
	if second := b.sessionCookie(); second == "" || second == first {
		t.Errorf("re-login session ID %q, first %q: want a new one", second, first)
	}

	logs := app.logs.String()
	for _, want := range []string{"thaid login started", "thaid login succeeded", "thaid logout"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q", want)
		}
	}
	tok := b.get("/token").body
	if strings.Contains(app.logs.String(), strings.ReplaceAll(pid, "-", "")) {
		t.Errorf("full PID in the log:\n%s", logs)
	}
	if tok == "" || strings.Contains(app.logs.String(), tok) {
		t.Errorf("access token %q empty or in the log", tok)
	}
}

func TestSessionFixation(t *testing.T) {
	app := newApp(t, appOptions{})
	attacker := app.newBrowser()
	mustSignedIn(t, attacker.get("/private/a"), "/private/a")
	planted := attacker.sessionCookie()

	tests := []struct{ name, value string }{
		{"attacker's own live session", planted},
		{"made-up ID", strings.Repeat("Z", 43)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			victim := app.newBrowser()
			u, _ := url.Parse(app.srv.URL)
			victim.jar.SetCookies(u, []*http.Cookie{{Name: app.auth.CookieName(), Value: tt.value, Path: "/"}})
			mustSignedIn(t, victim.get(victim.startLogin("/private/v")), "/private/v")
			if got := victim.sessionCookie(); got == tt.value {
				t.Fatalf("login kept the planted session ID")
			}
			// The planted ID does not lead to the victim's session.
			spy := app.newBrowser()
			spy.jar.SetCookies(u, []*http.Cookie{{Name: app.auth.CookieName(), Value: tt.value, Path: "/"}})
			if got := spy.get("/home"); got.body != "anonymous" {
				t.Errorf("planted ID signed in after the victim's login: %q", got.body)
			}
		})
	}
}

func TestOpenRedirect(t *testing.T) {
	app := newApp(t, appOptions{})
	tests := []struct {
		returnTo string
		want     string
	}{
		{"//evil.example", "/home"},
		{"/\\evil.example", "/home"},
		{"https://evil.example", "/home"},
		{"%2F%2Fevil", "/home"},
		{"/%2F%2Fevil", "/home"},
		{"javascript:alert(1)", "/home"},
		{"/ok\r\nLocation: https://evil.example", "/home"},
		{"", "/home"},
		{"/private/ok", "/private/ok"},
	}
	for _, tt := range tests {
		t.Run(tt.returnTo, func(t *testing.T) {
			b := app.newBrowser()
			cb := b.startLogin(tt.returnTo)
			p := b.get(cb)
			if p.url.Scheme+"://"+p.url.Host != app.srv.URL || p.url.Path != tt.want {
				t.Errorf("return_to %q ended at %s, want %s", tt.returnTo, p.url, tt.want)
			}
		})
	}
}

func TestCrossSiteLogout(t *testing.T) {
	app := newApp(t, appOptions{})
	b := app.newBrowser()
	mustSignedIn(t, b.get("/private/a"), "/private/a")
	tests := []struct {
		name    string
		headers map[string]string
		status  int
	}{
		{"cross-site fetch metadata", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, http.StatusForbidden},
		{"foreign origin only", map[string]string{"Sec-Fetch-Site": "", "Origin": "https://evil.example"}, http.StatusForbidden},
		{"same-site other origin", map[string]string{"Sec-Fetch-Site": "same-site", "Origin": "http://sub.example"}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := b.logout(tt.headers)
			if p.status != tt.status {
				t.Errorf("status %d, want %d", p.status, tt.status)
			}
			if !errors.Is(app.lastError(), middleware.ErrCrossOrigin) {
				t.Errorf("error handler did not get ErrCrossOrigin")
			}
			mustSignedIn(t, b.get("/private/still"), "/private/still")
		})
	}
	// GET is not a logout.
	p := b.getNoFollow("/logout")
	if p.status != http.StatusMethodNotAllowed {
		t.Errorf("GET /logout: %d, want 405", p.status)
	}
	mustSignedIn(t, b.get("/private/still"), "/private/still")
}

// TestTrustedOriginLogout: an origin in Config.TrustedOrigins (the public origin behind a
// proxy) may log out cross-origin; others still may not.
func TestTrustedOriginLogout(t *testing.T) {
	app := newApp(t, appOptions{cfg: middleware.Config{TrustedOrigins: []string{"https://school.example"}}})
	b := app.newBrowser()
	mustSignedIn(t, b.get("/private/a"), "/private/a")
	if p := b.logout(map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}); p.status != http.StatusForbidden {
		t.Fatalf("untrusted origin: status %d, want 403", p.status)
	}
	mustSignedIn(t, b.get("/private/still"), "/private/still")
	b.logout(map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://school.example"})
	if b.sessionCookie() != "" {
		t.Fatal("trusted origin could not log out")
	}
	if _, err := middleware.New(middleware.Config{Client: app.client, TrustedOrigins: []string{"not an origin"}}); !errors.Is(err, thaid.ErrInvalidConfig) {
		t.Fatalf("bad trusted origin: %v, want ErrInvalidConfig", err)
	}
}

func TestCallbackRejected(t *testing.T) {
	tests := []struct {
		name    string
		run     func(app *testApp) (victim *browser, cb string)
		wantErr error
	}{
		{"replayed callback", func(app *testApp) (*browser, string) {
			b := app.newBrowser()
			cb := b.startLogin("/private/x")
			mustSignedIn(app.t, b.get(cb), "/private/x")
			return b, cb
		}, middleware.ErrNoPendingLogin},
		{"no pending login", func(app *testApp) (*browser, string) {
			return app.newBrowser(), "/callback?code=abc&state=" + strings.Repeat("s", 43)
		}, middleware.ErrNoPendingLogin},
		{"no state", func(app *testApp) (*browser, string) {
			return app.newBrowser(), "/callback?code=abc"
		}, middleware.ErrNoPendingLogin},
		{"another browser", func(app *testApp) (*browser, string) {
			cb := app.newBrowser().startLogin("/private/x")
			return app.newBrowser(), cb
		}, middleware.ErrOtherBrowser},
		{"user denied on the phone", func(app *testApp) (*browser, string) {
			app.p.QueueFault(mockprovider.EndpointAuthorize, mockprovider.Fault{Error: "access_denied"})
			b := app.newBrowser()
			return b, b.startLogin("/private/x")
		}, thaid.ErrUserDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newApp(t, appOptions{})
			b, cb := tt.run(app)
			before := b.sessionCookie()
			for len(app.errs) > 0 {
				<-app.errs
			}
			p := b.get(cb)
			if p.status != http.StatusBadRequest && p.status != http.StatusForbidden {
				t.Errorf("status %d, want 400 or 403", p.status)
			}
			if !strings.Contains(p.body, "ลองอีกครั้ง / Try again") {
				t.Errorf("error page lacks the try-again link: %q", p.body)
			}
			if err := app.lastError(); !errors.Is(err, tt.wantErr) {
				t.Errorf("error = %v, want %v", err, tt.wantErr)
			}
			if after := b.sessionCookie(); after != before {
				t.Errorf("a failed callback changed the session cookie")
			}
			if before == "" {
				if got := b.get("/home"); got.body != "anonymous" {
					t.Errorf("signed in after a refused callback: %q", got.body)
				}
			}
		})
	}
}

func TestTwoTabs(t *testing.T) {
	app := newApp(t, appOptions{})
	b := app.newBrowser()
	tab1 := b.startLogin("/private/tab1")
	tab2 := b.startLogin("/private/tab2")
	mustSignedIn(t, b.get(tab2), "/private/tab2")
	mustSignedIn(t, b.get(tab1), "/private/tab1")
}

func TestConcurrentLogins(t *testing.T) {
	app := newApp(t, appOptions{})
	const logins, workers = 200, 8
	jobs := make(chan int)
	errs := make(chan string, logins)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				b := app.newBrowser()
				want := fmt.Sprintf("/private/%d", i)
				req, _ := http.NewRequest("GET", app.url(want), nil)
				resp, err := b.c.Do(req)
				if err != nil {
					errs <- err.Error()
					continue
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				b.tr.CloseIdleConnections()
				if resp.StatusCode != 200 || !strings.HasPrefix(string(body), "signed in:") || resp.Request.URL.Path != want {
					errs <- fmt.Sprintf("login %d: %d at %s: %q", i, resp.StatusCode, resp.Request.URL, body)
				}
			}
		}()
	}
	for i := range logins {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestProviderFaults(t *testing.T) {
	tests := []struct {
		name    string
		fault   func(p *mockprovider.Server)
		timeout time.Duration
		status  []int
		wantErr error
	}{
		{"token endpoint 500", func(p *mockprovider.Server) {
			p.QueueFault(mockprovider.EndpointToken, mockprovider.Fault{Status: 500})
		}, 0, []int{503}, thaid.ErrProviderUnavailable},
		{"token endpoint timeout", func(p *mockprovider.Server) {
			// The provider would answer after a minute; the client gives up after 200 ms, and
			// the mock stops waiting when the client hangs up (else the test would take a minute).
			p.QueueFault(mockprovider.EndpointToken, mockprovider.Fault{Delay: time.Minute})
		}, 200 * time.Millisecond, []int{503}, thaid.ErrProviderUnavailable},
		{"JWKS down", func(p *mockprovider.Server) {
			p.QueueFault(mockprovider.EndpointJWKS, mockprovider.Fault{Status: 503})
			p.QueueFault(mockprovider.EndpointJWKS, mockprovider.Fault{Status: 503})
		}, 0, []int{502, 503}, nil},
		{"malformed token JSON", func(p *mockprovider.Server) {
			p.QueueFault(mockprovider.EndpointToken, mockprovider.Fault{Body: `{"access_token": "x", `})
		}, 0, []int{502}, thaid.ErrMalformedResponse},
		{"invalid_client", func(p *mockprovider.Server) {
			p.QueueFault(mockprovider.EndpointToken, mockprovider.Fault{Status: 401, Error: "invalid_client", Description: "Client id not found"})
		}, 0, []int{500}, thaid.ErrInvalidClient},
		{"code already used", func(p *mockprovider.Server) {
			p.QueueFault(mockprovider.EndpointToken, mockprovider.Fault{Error: "invalid_grant"})
		}, 0, []int{400}, thaid.ErrInvalidGrant},
		{"bad ID token signature", func(p *mockprovider.Server) {
			p.QueueTokenFault(mockprovider.TokenBadSignature)
		}, 0, []int{502}, thaid.ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newApp(t, appOptions{timeout: tt.timeout})
			b := app.newBrowser()
			cb := b.startLogin("/private/x")
			before := runtime.NumGoroutine()
			tt.fault(app.p)
			p := b.get(cb)
			if !slices.Contains(tt.status, p.status) {
				t.Errorf("status %d, want one of %v", p.status, tt.status)
			}
			if !strings.Contains(p.body, "ลองอีกครั้ง / Try again") || !strings.Contains(p.body, "<html") {
				t.Errorf("no bilingual error page: %q", p.body)
			}
			for _, leak := range []string{"goroutine ", ".go:", "thaid:", "middleware:", "access_token"} {
				if strings.Contains(p.body, leak) {
					t.Errorf("error page shows internals (%q): %q", leak, p.body)
				}
			}
			err := app.lastError()
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error = %v, want %v", err, tt.wantErr)
			}
			if b.sessionCookie() != "" {
				t.Errorf("a session was created")
			}
			if strings.Contains(app.logs.String(), `"thaid login failed"`) == false {
				t.Errorf("failure not logged")
			}
			app.noGoroutineLeft(t, b, before, "the failed login")
		})
	}
}

// TestSlowProvider: a provider that is slow but within the client's timeout still logs the
// citizen in, and leaves no goroutine behind.
func TestSlowProvider(t *testing.T) {
	app := newApp(t, appOptions{timeout: 5 * time.Second})
	for _, ep := range []mockprovider.Endpoint{mockprovider.EndpointAuthorize, mockprovider.EndpointToken} {
		app.p.SetLatency(ep, 300*time.Millisecond)
	}
	b := app.newBrowser()
	before := runtime.NumGoroutine()
	start := time.Now()
	p := b.get("/private/slow")
	mustSignedIn(t, p, "/private/slow")
	if d := time.Since(start); d < 600*time.Millisecond {
		t.Errorf("login took %s: the latency was not applied", d)
	}
	app.noGoroutineLeft(t, b, before, "the login")
}

// noGoroutineLeft closes the idle connections of browser b and of the app's thaid client, then
// fails when, after a bounded wait for them to wind down, more goroutines run than before, the
// count taken before the request: none may outlive it.
func (app *testApp) noGoroutineLeft(t *testing.T, b *browser, before int, after string) {
	t.Helper()
	b.tr.CloseIdleConnections()
	app.transport.CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		runtime.Gosched()
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after %s, %d before", n, after, before)
	}
}

func TestOnLogin(t *testing.T) {
	tests := []struct {
		name     string
		hook     func(ctx context.Context, id *thaid.Identity) (string, error)
		status   int
		wantBody string
		wantUser string
	}{
		{"maps to user", func(_ context.Context, id *thaid.Identity) (string, error) {
			return "student-" + id.PID.Digits()[9:12], nil
		}, 200, "", "student-"},
		{"denied with message", func(context.Context, *thaid.Identity) (string, error) {
			return "", &middleware.DeniedError{Message: "ระบบนี้สำหรับเจ้าหน้าที่เขตพื้นที่การศึกษาเท่านั้น"}
		}, 403, "ระบบนี้สำหรับเจ้าหน้าที่เขตพื้นที่การศึกษาเท่านั้น", ""},
		{"denied by wrapping", func(context.Context, *thaid.Identity) (string, error) {
			return "", fmt.Errorf("not registered: %w", middleware.ErrLoginDenied)
		}, 403, "ไม่อนุญาต", ""},
		{"hook fails", func(context.Context, *thaid.Identity) (string, error) {
			return "", errors.New("database is down: password=hunter2")
		}, 500, "ลองอีกครั้ง", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newApp(t, appOptions{cfg: middleware.Config{OnLogin: tt.hook}})
			b := app.newBrowser()
			p := b.get("/private/x")
			if p.status != tt.status {
				t.Fatalf("status %d, want %d: %q", p.status, tt.status, p.body)
			}
			if tt.status == 200 {
				if !strings.Contains(p.body, "signed in: "+tt.wantUser) {
					t.Errorf("user ID not in session: %q", p.body)
				}
				return
			}
			if !strings.Contains(p.body, tt.wantBody) || strings.Contains(p.body, "hunter2") {
				t.Errorf("page %q: want %q and no internals", p.body, tt.wantBody)
			}
			if b.sessionCookie() != "" {
				t.Errorf("session created although OnLogin refused")
			}
		})
	}
}

func TestAccessTokenRefresh(t *testing.T) {
	app := newApp(t, appOptions{clock: true, mock: mockprovider.Options{RotateRefreshTokens: true, RefreshTokenTTL: time.Hour}})
	b := app.signIn(t)
	first := b.get("/token")
	if first.status != 200 || first.body == "" {
		t.Fatalf("/token: %d %q", first.status, first.body)
	}
	if again := b.get("/token").body; again != first.body {
		t.Errorf("token changed without expiry")
	}
	app.clock.Advance(16 * time.Minute) // past the 15-minute access token, within the idle timeout
	second := b.get("/token")
	if second.status != 200 || second.body == first.body {
		t.Fatalf("after expiry: %d %q (first %q): want a refreshed token", second.status, second.body, first.body)
	}
	if n := len(app.p.RequestsTo(mockprovider.EndpointToken)); n != 2 {
		t.Errorf("%d token requests, want 2 (code + refresh)", n)
	}
	app.clock.Advance(16 * time.Minute)
	third := b.get("/token")
	if third.status != 200 || third.body == second.body {
		t.Fatalf("second refresh (rotated refresh token): %d %q", third.status, third.body)
	}
}

func TestHTTPSCookies(t *testing.T) {
	app := newApp(t, appOptions{tls: true})
	if app.auth.CookieName() != "__Host-thaid_session" {
		t.Fatalf("cookie name on HTTPS: %q", app.auth.CookieName())
	}
	b := app.newBrowser()
	var setCookies []string
	c := *b.c
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		setCookies = append(setCookies, req.Response.Header.Values("Set-Cookie")...)
		return nil
	}
	resp, err := c.Get(app.url("/private/x"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.HasPrefix(string(body), "signed in:") {
		t.Fatalf("login over HTTPS failed: %d %q", resp.StatusCode, body)
	}
	want := map[string]bool{"__Host-thaid_session": false, "__Host-thaid_session_login_": false}
	for _, line := range setCookies {
		ck, err := http.ParseSetCookie(line)
		if err != nil {
			t.Fatalf("Set-Cookie %q: %v", line, err)
		}
		name := ck.Name
		if strings.HasPrefix(name, "__Host-thaid_session_login_") {
			name = "__Host-thaid_session_login_" // one per login, named after its state
		}
		if _, ok := want[name]; !ok {
			continue
		}
		want[name] = true
		if !ck.Secure || !ck.HttpOnly || ck.Path != "/" || ck.SameSite != http.SameSiteLaxMode || ck.Domain != "" {
			t.Errorf("cookie %s is not Secure/HttpOnly/Path=//SameSite=Lax/host-only: %q", ck.Name, line)
		}
	}
	for name, seen := range want {
		if !seen {
			t.Errorf("cookie %s never set (saw %q)", name, setCookies)
		}
	}
}

func TestPendingLoginExpires(t *testing.T) {
	app := newApp(t, appOptions{clock: true})
	b := app.newBrowser()
	cb := b.startLogin("/private/x")
	app.clock.Advance(11 * time.Minute)
	p := b.get(cb)
	if p.status != http.StatusBadRequest || !strings.Contains(p.body, "ลองอีกครั้ง / Try again") {
		t.Errorf("late callback: %d %q", p.status, p.body)
	}
	if err := app.lastError(); !errors.Is(err, thaid.ErrLoginExpired) {
		t.Errorf("error = %v, want thaid.ErrLoginExpired", err)
	}
	if b.sessionCookie() != "" {
		t.Errorf("a late callback created a session")
	}
}

func TestLogsMaskPID(t *testing.T) {
	app := newApp(t, appOptions{})
	b := app.signIn(t)
	b.logout(nil)
	pid := thaid.MustParsePID(app.p.Citizens()[0].PID)
	logs := app.logs.String()
	if strings.Contains(logs, pid.Digits()) {
		t.Errorf("full PID in the log:\n%s", logs)
	}
	if !strings.Contains(logs, pid.Masked()) {
		t.Errorf("masked PID %s missing from the log:\n%s", pid.Masked(), logs)
	}
	for _, secret := range []string{"access_token", "refresh_token", mockprovider.DemoClientSecret, b.sessionCookie()} {
		if secret != "" && strings.Contains(logs, secret) {
			t.Errorf("log contains %q", secret)
		}
	}
}

func TestLogoutRevokeFailure(t *testing.T) {
	app := newApp(t, appOptions{})
	b := app.signIn(t)
	app.p.QueueFault(mockprovider.EndpointRevoke, mockprovider.Fault{Status: 500})
	app.p.QueueFault(mockprovider.EndpointRevoke, mockprovider.Fault{Error: "server_error", Status: 503})
	p := b.logout(nil)
	if p.status != 200 || p.url.Path != "/" || p.body != "anonymous" {
		t.Fatalf("logout with revoke failing: %d %s %q; want a normal logout", p.status, p.url, p.body)
	}
	if !strings.Contains(app.logs.String(), "thaid token revocation failed") {
		t.Errorf("revocation failure not logged")
	}
	if got := b.get("/home"); got.body != "anonymous" {
		t.Errorf("still signed in after logout: %q", got.body)
	}
}

func TestLoginHint(t *testing.T) {
	var hint string
	app := newApp(t, appOptions{cfg: middleware.Config{AuthParams: func(r *http.Request) url.Values {
		return url.Values{"login_hint": {hint}}
	}}})
	hint = app.p.Citizens()[1].PID
	b := app.newBrowser()
	p := b.get("/private/x")
	mustSignedIn(t, p, "/private/x")
	if want := thaid.MustParsePID(hint).Masked(); !strings.Contains(p.body, want) {
		t.Errorf("signed in as %q, want citizen %s", p.body, want)
	}
}

func TestAccessTokenRefreshFails(t *testing.T) {
	app := newApp(t, appOptions{clock: true, mock: mockprovider.Options{RefreshTokenTTL: time.Hour}})
	b := app.signIn(t)
	app.clock.Advance(16 * time.Minute)
	app.p.QueueFault(mockprovider.EndpointToken, mockprovider.Fault{Error: "invalid_grant"})
	p := b.get("/token")
	if p.status != http.StatusBadGateway || strings.TrimSpace(p.body) != "invalid_grant" {
		t.Errorf("refresh refused: %d %q, want the invalid_grant reason", p.status, p.body)
	}
	// The session itself is still there; a later refresh may succeed.
	if p := b.get("/token"); p.status != 200 {
		t.Errorf("second try: %d %q", p.status, p.body)
	}
}

// TestRetryKeepsReturnTo: the default error page's "try again" link starts a new login towards
// the page the citizen was going to, when that path is safe; otherwise it is the plain login path
// (issue 24).
func TestRetryKeepsReturnTo(t *testing.T) {
	for _, tt := range []struct{ returnTo, want string }{
		{"/private/report?year=2569", `href="/login?return_to=%2fprivate%2freport%3fyear%3d2569"`},
		{"//evil.example/x", `href="/login"`},
		{"", `href="/login"`},
	} {
		t.Run(tt.returnTo, func(t *testing.T) {
			app := newApp(t, appOptions{})
			app.p.QueueFault(mockprovider.EndpointAuthorize, mockprovider.Fault{Error: "access_denied"})
			b := app.newBrowser()
			p := b.get(b.startLogin(tt.returnTo))
			if p.status != http.StatusForbidden {
				t.Fatalf("status %d, want 403", p.status)
			}
			if !strings.Contains(strings.ToLower(p.body), tt.want) {
				t.Errorf("the try-again link is not %s:\n%s", tt.want, p.body)
			}
		})
	}
}

// TestLoginCookieOtherKeysWarns: a login cookie that no configured key opens (a login started on
// an instance with other CookieKeys) is logged at warn level, naming the likely cause, at most
// once a minute (issue 24).
func TestLoginCookieOtherKeysWarns(t *testing.T) {
	keyA := thaid.Secret("instance A: at least thirty-two bytes of secret")
	keyB := thaid.Secret("instance B: at least thirty-two bytes of secret")
	app := newApp(t, appOptions{clock: true, cfg: middleware.Config{CookieKeys: []thaid.Secret{keyA}}})
	const warning = "thaid login cookie does not open with any of Config.CookieKeys"
	type pending struct {
		b  *browser
		cb string
	}
	var logins []pending
	for range 3 { // started on instance A
		b := app.newBrowser()
		logins = append(logins, pending{b, b.startLogin("/private/x")})
	}
	app.rebuild(func(cfg *middleware.Config) { cfg.CookieKeys = []thaid.Secret{keyB} }) // their callbacks reach B
	callbackOnB := func(i int) {
		t.Helper()
		if p := logins[i].b.get(logins[i].cb); p.status != http.StatusBadRequest {
			t.Fatalf("callback on another instance: status %d, want 400", p.status)
		}
	}
	callbackOnB(0)
	if n := strings.Count(app.logs.String(), warning); n != 1 {
		t.Fatalf("%d warnings after the first foreign login cookie, want 1:\n%s", n, app.logs)
	}
	if !strings.Contains(app.logs.String(), `"level":"WARN","msg":"`+warning) || !strings.Contains(app.logs.String(), "same CookieKeys") {
		t.Errorf("the warning is not at warn level or does not name the cause:\n%s", app.logs)
	}
	app.clock.Advance(30 * time.Second)
	callbackOnB(1)
	if n := strings.Count(app.logs.String(), warning); n != 1 {
		t.Errorf("%d warnings within a minute, want 1", n)
	}
	app.clock.Advance(31 * time.Second)
	callbackOnB(2)
	if n := strings.Count(app.logs.String(), warning); n != 2 {
		t.Errorf("%d warnings after a minute, want 2", n)
	}
}

// TestRefreshNamingACitizen: a refresh answer (flat claims, which no signature ties to the login)
// that names another citizen, or names one where the login's identity named no subject and no PID
// (scope name only, issue 21), is refused, its tokens are revoked, and the session keeps the
// citizen who logged in, taking no PID or subject from the answer.
func TestRefreshNamingACitizen(t *testing.T) {
	other := mockprovider.DefaultCitizens()[1].PID
	for _, tt := range []struct {
		name     string
		scope    []string
		claim    string // what the refresh answer names
		nameOnly bool   // the login's identity names no subject and no PID
	}{
		{"another citizen", []string{thaid.ScopePID, thaid.ScopeName}, `"pid":"` + other + `"`, false},
		{"a PID where none was", []string{thaid.ScopeName}, `"pid":"` + other + `"`, true},
		{"a subject where none was", []string{thaid.ScopeName}, `"sub":"` + other + `"`, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			app := newApp(t, appOptions{clock: true, thaidScope: tt.scope})
			b := app.newBrowser()
			before := b.get("/private/x")
			mustSignedIn(t, before, "/private/x")
			if tt.nameOnly {
				if id := app.sessionOf(t, b).Identity(); id == nil || id.Subject != "" || !id.PID.IsZero() || id.Name == "" {
					t.Fatalf("the login's identity should have a name and no subject or PID: %v", id)
				}
			}
			app.clock.Advance(16 * time.Minute)
			revokes := len(app.p.RequestsTo(mockprovider.EndpointRevoke))
			app.p.QueueFault(mockprovider.EndpointToken, mockprovider.Fault{Status: http.StatusOK,
				Body: `{"access_token":"at-other","token_type":"Bearer","expires_in":900,"refresh_token":"rt-other",` + tt.claim + `,"name":"x"}`})
			p := b.get("/token")
			if p.status != http.StatusBadGateway || strings.TrimSpace(p.body) != "verification_failed" {
				t.Errorf("refresh naming %s: %d %q, want 502 verification_failed", tt.name, p.status, p.body)
			}
			if after := b.get("/private/x"); after.body != before.body {
				t.Errorf("the session changed citizen: %q, was %q", after.body, before.body)
			}
			if tt.nameOnly {
				if id := app.sessionOf(t, b).Identity(); id.Subject != "" || !id.PID.IsZero() {
					t.Errorf("the session took subject %q, PID %s from the refresh", thaid.MaskPID(id.Subject), id.PID)
				}
			}
			if n := len(app.p.RequestsTo(mockprovider.EndpointRevoke)) - revokes; n != 2 {
				t.Errorf("%d revocations after the refused refresh, want 2 (its refresh and access tokens)", n)
			}
		})
	}
}

// sessionOf returns the session that browser b is signed in with, as the app reads it.
func (app *testApp) sessionOf(t *testing.T, b *browser) *middleware.Session {
	t.Helper()
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(&http.Cookie{Name: app.auth.CookieName(), Value: b.sessionCookie()})
	var s *middleware.Session
	app.auth.Optional(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ = middleware.SessionFrom(r.Context())
	})).ServeHTTP(httptest.NewRecorder(), r)
	if s == nil {
		t.Fatal("the browser is not signed in")
	}
	return s
}

// casNever is a MemoryStore where no compare-and-swap of a session record succeeds, as if other
// writers always came first.
type casNever struct{ *middleware.MemoryStore }

func (s casNever) CompareAndSwap(ctx context.Context, key string, old, value []byte, ttl time.Duration) (bool, error) {
	if strings.HasPrefix(key, "s:") {
		return false, nil
	}
	return s.MemoryStore.CompareAndSwap(ctx, key, old, value, ttl)
}

// TestRefreshNotWrittenIsRevoked: tokens that a refresh obtained but could not write, after every
// retry, are nobody's: they are revoked.
func TestRefreshNotWrittenIsRevoked(t *testing.T) {
	app := newApp(t, appOptions{clock: true, mock: mockprovider.Options{RefreshTokenTTL: time.Hour},
		cfg: middleware.Config{Store: casNever{middleware.NewMemoryStore()}}})
	b := app.signIn(t)
	app.clock.Advance(16 * time.Minute)
	revokes := len(app.p.RequestsTo(mockprovider.EndpointRevoke))
	if p := b.get("/token"); p.status != http.StatusBadGateway || strings.TrimSpace(p.body) != "store_unavailable" {
		t.Fatalf("a refresh that cannot be written: %d %q, want 502 store_unavailable", p.status, p.body)
	}
	if n := len(app.p.RequestsTo(mockprovider.EndpointRevoke)) - revokes; n != 2 {
		t.Errorf("%d revocations, want 2 (the refresh's new refresh and access tokens)", n)
	}
}
