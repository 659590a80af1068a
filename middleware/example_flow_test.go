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
	"net/url"
	"strings"
	"sync/atomic"
	"time"

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

// startSite starts an exampleSite whose middleware has cfg (Client and Logger filled in). The
// mock ThaID and the thaid client read cfg.Now too, when it is set.
func startSite(cfg middleware.Config) *exampleSite {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	provider, err := mockprovider.New(mockprovider.Options{Issuer: "http://" + ln.Addr().String(), AutoApprove: true, Logger: quiet, Now: cfg.Now})
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
		Now:          cfg.Now,
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

// AccessToken gives the signed-in citizen's ThaID access token, to call an API on their behalf.
// When it has expired, AccessToken refreshes it, if ThaID still accepts the refresh token. On
// ThaID that lives about 15 minutes too (the mock's default): 16 minutes later, the refresh is
// refused (thaid.ErrInvalidGrant) and the citizen logs in again, here at once, since the mock
// approves every login.
func ExampleAuth_AccessToken() {
	var ahead atomic.Int64 // how far the clocks of the app and of the mock ThaID are ahead
	clock := func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	site := startSite(middleware.Config{Now: clock})
	defer site.close()

	// An API that serves the citizen's documents to a bearer of their ThaID access token.
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			http.Error(w, "no access token", http.StatusUnauthorized)
			return
		}
		io.WriteString(w, "the citizen's documents")
	}))
	defer api.Close()

	site.mux.Handle("GET /documents", site.auth.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, err := site.auth.AccessToken(r)
		switch {
		case errors.Is(err, middleware.ErrNotSignedIn),
			errors.Is(err, thaid.ErrInvalidGrant),
			errors.Is(err, thaid.ErrTokenExpired):
			fmt.Println("log in again:", middleware.Reason(err))
			http.Redirect(w, r, "/login?return_to="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		case err != nil: // ThaID or the session store is unavailable
			http.Error(w, middleware.Reason(err), middleware.ErrorStatus(err))
			return
		}
		req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, api.URL, nil)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, "the API does not answer", http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		io.Copy(w, resp.Body)
	})))

	fmt.Println(site.get("/documents")) // a login, then the documents
	ahead.Store(int64(16 * time.Minute))
	fmt.Println(site.get("/documents")) // the tokens have expired: a new login, then the documents
	// Output:
	// the citizen's documents
	// log in again: invalid_grant
	// the citizen's documents
}

// In tests, AuthParams chooses who logs in: the mock ThaID (with AutoApprove, or thaid-mock
// -auto-approve) signs in the citizen whose PID is in login_hint. Only for the mock: a PID must
// never go into a URL to the real ThaID.
func ExampleConfig_authParams() {
	site := startSite(middleware.Config{
		AuthParams: func(r *http.Request) url.Values {
			return url.Values{"login_hint": {"3409901127549"}} // one of mockprovider.DefaultCitizens
		},
	})
	defer site.close()
	site.mux.Handle("GET /me", site.auth.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := middleware.IdentityFrom(r.Context())
		fmt.Fprintf(w, "%s %s", id.PID, id.Name)
	})))
	fmt.Println(site.get("/me"))
	// Output: 3-4099-xxxxx-54-9 นาง มาลี ศรีสุข
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
