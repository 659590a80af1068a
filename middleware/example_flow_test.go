package middleware_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// exampleSite is an application on a loopback server with login, callback and logout mounted,
// a mock ThaID beside it that approves every login at once, and a browser with a cookie jar.
type exampleSite struct {
	url     string
	auth    *middleware.Auth
	mux     *http.ServeMux
	browser *http.Client
	close   func()
}

// startSite starts an exampleSite whose middleware has cfg (Client and Logger filled in).
func startSite(cfg middleware.Config) *exampleSite {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	provider, err := mockprovider.New(mockprovider.Options{Issuer: "http://" + ln.Addr().String(), AutoApprove: true, Logger: quiet})
	if err != nil {
		log.Fatal(err)
	}
	op := &httptest.Server{Listener: ln, Config: &http.Server{Handler: provider}}
	op.Start()
	mux := http.NewServeMux()
	app := httptest.NewServer(mux)
	cfg.Client, err = thaid.New(context.Background(), thaid.Config{
		ClientID:     mockprovider.DemoClientID,
		ClientSecret: mockprovider.DemoClientSecret,
		RedirectURL:  app.URL + "/callback",
		Provider:     thaid.Provider{Issuer: provider.Issuer()},
	})
	if err != nil {
		log.Fatal(err)
	}
	cfg.Logger = quiet
	auth, err := middleware.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	mux.Handle("GET /login", auth.Login())
	mux.Handle("GET /callback", auth.Callback())
	mux.Handle("POST /logout", auth.Logout())
	jar, _ := cookiejar.New(nil)
	return &exampleSite{url: app.URL, auth: auth, mux: mux, browser: &http.Client{Jar: jar},
		close: func() { app.Close(); op.Close() }}
}

// get fetches path with the browser (following redirects) and returns the final page.
func (s *exampleSite) get(path string) string {
	resp, err := s.browser.Get(s.url + path)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

// Observe hears of each step of the flow, with its outcome and the time it took: count them,
// time them, trace them (module middleware/otelthaid does it with OpenTelemetry).
func ExampleConfig_observe() {
	site := startSite(middleware.Config{
		Observe: func(ctx context.Context, e middleware.Event) {
			fmt.Println(e.Kind, e.Outcome(), e.Duration > 0)
		},
	})
	defer site.close()
	site.mux.Handle("GET /me", site.auth.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))

	site.get("/me") // a login
	if _, err := site.browser.Post(site.url+"/logout", "", nil); err != nil {
		log.Fatal(err)
	}
	// Output:
	// login_started ok true
	// login ok true
	// logout ok true
}

// Outcome is "ok", or the short reason of the failure: a label for metrics.
func ExampleEvent_Outcome() {
	for _, e := range []middleware.Event{
		{Kind: middleware.EventLogin},
		{Kind: middleware.EventLogin, Err: fmt.Errorf("exchange: %w", thaid.ErrUserDenied)},
		{Kind: middleware.EventRefresh, Err: thaid.ErrProviderUnavailable},
	} {
		fmt.Println(e.Kind, e.Outcome())
	}
	// Output:
	// login ok
	// login user_denied
	// refresh provider_unavailable
}

// Optional lets everybody in, and tells the handler who is signed in.
func ExampleAuth_Optional() {
	site := startSite(middleware.Config{})
	defer site.close()
	site.mux.Handle("GET /{$}", site.auth.Optional(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id, ok := middleware.IdentityFrom(r.Context()); ok {
			fmt.Fprintf(w, "signed in as %s", id.PID)
			return
		}
		io.WriteString(w, "guest")
	})))

	fmt.Println(site.get("/"))
	site.get("/login") // back to / (AfterLoginPath), signed in
	fmt.Println(site.get("/"))
	// Output:
	// guest
	// signed in as 1-5099-xxxxx-82-8
}

// AccessToken gives the signed-in user's ThaID access token, refreshed when it has expired, to
// call APIs on their behalf.
func ExampleAuth_AccessToken() {
	site := startSite(middleware.Config{})
	defer site.close()
	site.mux.Handle("GET /api/token", site.auth.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, err := site.auth.AccessToken(r)
		if errors.Is(err, thaid.ErrInvalidGrant) { // the refresh token was refused
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		if err != nil {
			http.Error(w, middleware.Reason(err), middleware.ErrorStatus(err))
			return
		}
		fmt.Fprintf(w, "an access token of %d characters", len(tok))
	})))

	fmt.Println(strings.HasPrefix(site.get("/api/token"), "an access token of "))
	// Output: true
}

// NewMemoryStore keeps the sessions of one instance in its memory (the default Store).
func ExampleNewMemoryStore() {
	store := middleware.NewMemoryStore()
	site := startSite(middleware.Config{Store: store})
	defer site.close()
	site.get("/login")
	fmt.Println("records:", store.Len()) // the session, and the callback's state marked used
	// Output: records: 2
}

// Reason and ErrorStatus sort errors into a few kinds, for logs and for a custom error page.
func ExampleReason() {
	for _, err := range []error{
		&thaid.Error{Code: "access_denied"},
		fmt.Errorf("callback: %w", middleware.ErrNoPendingLogin),
		&middleware.DeniedError{Message: "staff only"},
		thaid.ErrProviderUnavailable,
		errors.New("something else"),
	} {
		fmt.Println(middleware.Reason(err), middleware.ErrorStatus(err))
	}
	// Output:
	// user_denied 403
	// no_pending_login 400
	// login_denied 403
	// provider_unavailable 503
	// internal 500
}

// An ErrorHandler of the application's own: JSON for API clients, the default page for browsers.
func ExampleDefaultErrorHandler() {
	page := middleware.DefaultErrorHandler("/login")
	onError := func(w http.ResponseWriter, r *http.Request, err error) {
		if middleware.WantsJSON(r) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(middleware.ErrorStatus(err))
			fmt.Fprintf(w, `{"error":%q}`, middleware.Reason(err))
			return
		}
		page(w, r, err)
	}
	_ = middleware.Config{ErrorHandler: onError}

	for _, accept := range []string{"text/html", "application/json"} {
		r := httptest.NewRequest("GET", "/callback?error=access_denied", nil)
		r.Header.Set("Accept", accept)
		w := httptest.NewRecorder()
		onError(w, r, thaid.ErrUserDenied)
		fmt.Println(w.Code, w.Header().Get("Content-Type"), strings.Contains(w.Body.String(), "ลองอีกครั้ง"))
	}
	// Output:
	// 403 text/html; charset=utf-8 true
	// 403 application/json false
}

// SafeReturnTo accepts only same-origin paths: where a login may send the browser back to.
func ExampleSafeReturnTo() {
	for _, s := range []string{"/registrations/42?tab=docs", "//evil.example", "https://evil.example/", "/%2F%2Fevil.example", "javascript:alert(1)"} {
		fmt.Println(middleware.SafeReturnTo(s), s)
	}
	// Output:
	// true /registrations/42?tab=docs
	// false //evil.example
	// false https://evil.example/
	// false /%2F%2Fevil.example
	// false javascript:alert(1)
}

// CrossOriginProtect guards the application's own state-changing forms, as Logout is guarded:
// a POST from another site is refused.
func ExampleCrossOriginProtect() {
	save := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "saved") })
	h := middleware.CrossOriginProtect(save, func(w http.ResponseWriter, r *http.Request, err error) {
		http.Error(w, middleware.Reason(err), http.StatusForbidden)
	})
	for _, site := range []string{"same-origin", "cross-site"} {
		r := httptest.NewRequest("POST", "https://school.example/registrations", nil)
		r.Header.Set("Sec-Fetch-Site", site)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println(site, w.Code, strings.TrimSpace(w.Body.String()))
	}
	// Output:
	// same-origin 200 saved
	// cross-site 403 cross_origin
}

// WantsJSON tells API and script requests, which get a JSON 401, from page loads, which are
// redirected to the login.
func ExampleWantsJSON() {
	api := httptest.NewRequest("GET", "/api/me", nil)
	api.Header.Set("Accept", "application/json")
	page := httptest.NewRequest("GET", "/me", nil)
	page.Header.Set("Accept", "text/html,application/xhtml+xml")
	fmt.Println(middleware.WantsJSON(api), middleware.WantsJSON(page))
	// Output: true false
}
