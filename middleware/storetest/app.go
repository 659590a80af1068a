package storetest

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/internal/testclock"
	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// testApp is an application protected by the middleware, run as one or more instances that share
// a store and CookieKeys behind a round-robin load balancer, with a mock ThaID (auto-approving,
// rotating refresh tokens) on a shared test clock. It records the token endpoint's answers, to
// know the tokens to look for.
type testApp struct {
	srv     *httptest.Server // the load balancer
	mock    *mockprovider.Server
	auths   []*middleware.Auth
	client  *thaid.Client // instance 0's
	clock   *testclock.Clock
	mu      sync.Mutex
	answers [][]byte // token endpoint answers
	revoked []string // tokens sent to the revocation endpoint
	gate    func()   // when set, called before each token request goes out
}

// appOptions vary startApp's app.
type appOptions struct {
	// mock adds to the mock's options (AutoApprove, RotateRefreshTokens, Now and Logger are set;
	// RefreshTokenTTL is an hour unless given).
	mock mockprovider.Options
	// store, when set, gives instance i its view of the shared store.
	store func(i int, st middleware.Store) middleware.Store
}

// everyPersonalScope is what the test app asks for.
var everyPersonalScope = []string{
	thaid.ScopeOpenID, thaid.ScopePID, thaid.ScopeName, thaid.ScopeTitle, thaid.ScopeGivenName,
	thaid.ScopeFamilyName, thaid.ScopeNameEN, thaid.ScopeGivenNameEN, thaid.ScopeFamilyNameEN,
	thaid.ScopeBirthdate, thaid.ScopeAddress, thaid.ScopeSmartcardCode,
}

// startApp starts n instances of the app on st, behind a round-robin load balancer (a request
// with the header X-Test-Instance: i goes to instance i). Routes: /login, /callback, POST /logout,
// / (home), /private/ (signed-in only: "signed in"), /token (signed-in only: the access token,
// refreshed when it has expired).
func startApp(t *testing.T, st middleware.Store, n int, o appOptions) *testApp {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := &testApp{clock: testclock.New(time.Now().Truncate(time.Second))}
	// RefreshTokenTTL: the recorded sandbox's refresh token lives 15 min, as long as the access
	// token, so a refresh after expiry could never succeed against it; these checks are about
	// refresh through a store, not that lifetime.
	mo := o.mock
	mo.AutoApprove, mo.RotateRefreshTokens, mo.Now, mo.Logger = true, true, h.clock.Now, quiet
	mo.RefreshTokenTTL = cmp.Or(mo.RefreshTokenTTL, time.Hour)
	h.mock = mockprovider.Start(t, mo)
	instances := make([]http.Handler, n)
	var next atomic.Uint32
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if i, err := strconv.Atoi(r.Header.Get("X-Test-Instance")); err == nil && i >= 0 && i < n {
			instances[i].ServeHTTP(w, r)
			return
		}
		instances[int(next.Add(1))%n].ServeHTTP(w, r)
	}))
	t.Cleanup(h.srv.Close)
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	keys := []thaid.Secret{thaid.Secret(base64.StdEncoding.EncodeToString(key))}
	for i := range instances {
		tr := &http.Transport{}
		t.Cleanup(tr.CloseIdleConnections)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		client, err := thaid.New(ctx, thaid.Config{
			ClientID:     mockprovider.DemoClientID,
			ClientSecret: mockprovider.DemoClientSecret,
			RedirectURL:  h.srv.URL + "/callback",
			Provider:     thaid.Provider{Issuer: h.mock.Issuer()},
			Scopes:       everyPersonalScope,
			HTTPClient:   &http.Client{Transport: recordTokens{tr, h}, Timeout: 10 * time.Second},
			Now:          h.clock.Now,
		})
		cancel()
		if err != nil {
			t.Fatalf("thaid.New: %v", err)
		}
		ist := st
		if o.store != nil {
			ist = o.store(i, st)
		}
		auth, err := middleware.New(middleware.Config{Client: client, Store: ist, CookieKeys: keys, Now: h.clock.Now, Logger: quiet})
		if err != nil {
			t.Fatalf("middleware.New: %v", err)
		}
		if i == 0 {
			h.client = client
		}
		h.auths = append(h.auths, auth)
		mux := http.NewServeMux()
		mux.Handle("GET /login", auth.Login())
		mux.Handle("GET /callback", auth.Callback())
		mux.Handle("POST /logout", auth.Logout())
		mux.Handle("GET /{$}", auth.Optional(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "home")
		})))
		mux.Handle("GET /private/", auth.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "signed in")
		})))
		mux.Handle("GET /token", auth.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			tok, err := auth.AccessToken(r)
			if err != nil {
				http.Error(w, middleware.Reason(err), http.StatusBadGateway)
				return
			}
			_, _ = io.WriteString(w, tok)
		})))
		instances[i] = mux
	}
	return h
}

func (h *testApp) url(path string) string { return h.srv.URL + path }

// recordTokens keeps the token endpoint's answers.
type recordTokens struct {
	next http.RoundTripper
	h    *testApp
}

func (rt recordTokens) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Path == mockprovider.PathRevoke && r.Body != nil {
		body, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if form, err := url.ParseQuery(string(body)); err == nil {
			rt.h.mu.Lock()
			rt.h.revoked = append(rt.h.revoked, strings.TrimPrefix(form.Get("token"), "Bearer "))
			rt.h.mu.Unlock()
		}
	}
	if r.URL.Path == mockprovider.PathToken {
		rt.h.mu.Lock()
		gate := rt.h.gate
		rt.h.mu.Unlock()
		if gate != nil {
			gate()
		}
	}
	resp, err := rt.next.RoundTrip(r)
	if err != nil || r.URL.Path != mockprovider.PathToken {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	rt.h.mu.Lock()
	rt.h.answers = append(rt.h.answers, body)
	rt.h.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// signIn logs a new browser in to the app and returns it with its session cookie.
func (h *testApp) signIn(t *testing.T) (*browser, *http.Cookie) {
	t.Helper()
	b := h.browser(t)
	if status, body := b.get(t, h.url("/private/x")); status != 200 || body != "signed in" {
		t.Fatalf("login: %d %q", status, body)
	}
	name := h.auths[0].CookieName()
	return b, &http.Cookie{Name: name, Value: b.cookie(t, name)}
}

// send sends one request with the session cookie, as from the app's own pages (same origin),
// without following redirects, and returns its status and body. instance picks the instance that
// answers; -1 leaves it to the load balancer. A request that cannot be sent is reported with
// t.Errorf (send may run on another goroutine than the test) and returns status 0.
func (h *testApp) send(t *testing.T, cookie *http.Cookie, method, path string, instance int) (int, string) {
	req, _ := http.NewRequest(method, h.url(path), nil)
	req.AddCookie(cookie)
	if instance >= 0 {
		req.Header.Set("X-Test-Instance", strconv.Itoa(instance))
	}
	req.Header.Set("Origin", h.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Errorf("%s %s: %v", method, path, err)
		return 0, ""
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(body))
}

// browser is a cookie jar and a client that follows redirects.
type browser struct {
	jar *cookiejar.Jar
	c   *http.Client
	app *testApp
}

func (h *testApp) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &browser{jar: jar, c: &http.Client{Jar: jar, Transport: tr, Timeout: 20 * time.Second}, app: h}
}

func (b *browser) get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := b.c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(body))
}

func (b *browser) post(t *testing.T, u string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, nil)
	req.Header.Set("Origin", b.app.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func (b *browser) cookie(t *testing.T, name string) string {
	t.Helper()
	u, _ := url.Parse(b.app.srv.URL)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	t.Fatalf("no cookie %s in the browser", name)
	return ""
}
