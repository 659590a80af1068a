package otelthaid_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/internal/testclock"
	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// testApp is an application protected by the middleware, with a mock ThaID beside it and a
// browser (an http.Client with a cookie jar that follows redirects).
type testApp struct {
	p       *mockprovider.Server
	url     string
	clock   *testclock.Clock
	browser *http.Client
}

// newApp starts the mock and the application: GET /login, /callback, /private (signed-in only),
// /token (the session's access token, refreshed when expired) and POST /logout. observe is
// Config.Observe; wrap, when set, wraps the whole application (as otelhttp would).
func newApp(tb testing.TB, observe func(context.Context, middleware.Event), wrap func(http.Handler) http.Handler) *testApp {
	tb.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	clk := testclock.New(time.Now().Truncate(time.Second))
	// RefreshTokenTTL: the recorded sandbox's refresh token lives 15 min, as long as the access
	// token, so a refresh after expiry could never succeed against it; the tests refresh.
	p := mockprovider.Start(tb, mockprovider.Options{AutoApprove: true, RefreshTokenTTL: time.Hour, Now: clk.Now, Logger: quiet})
	mux := http.NewServeMux()
	var h http.Handler = mux
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	transport := &http.Transport{}
	tb.Cleanup(transport.CloseIdleConnections)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	client, err := thaid.New(ctx, thaid.Config{
		ClientID:     mockprovider.DemoClientID,
		ClientSecret: mockprovider.DemoClientSecret,
		RedirectURL:  srv.URL + "/callback",
		Provider:     thaid.Provider{Issuer: p.Issuer()},
		HTTPClient:   &http.Client{Transport: transport, Timeout: 5 * time.Second},
		Now:          clk.Now,
	})
	if err != nil {
		tb.Fatalf("thaid.New: %v", err)
	}
	auth, err := middleware.New(middleware.Config{Client: client, Observe: observe, Now: clk.Now, Logger: quiet})
	if err != nil {
		tb.Fatalf("middleware.New: %v", err)
	}
	mux.Handle("GET /login", auth.Login())
	mux.Handle("GET /callback", auth.Callback())
	mux.Handle("POST /logout", auth.Logout())
	mux.Handle("GET /private", auth.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "private")
	})))
	mux.Handle("GET /token", auth.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := auth.AccessToken(r); err != nil {
			http.Error(w, middleware.Reason(err), http.StatusInternalServerError)
		}
	})))
	jar, _ := cookiejar.New(nil)
	tr := &http.Transport{}
	tb.Cleanup(tr.CloseIdleConnections)
	return &testApp{p: p, url: srv.URL, clock: clk, browser: &http.Client{Jar: jar, Transport: tr, Timeout: 10 * time.Second}}
}

// do sends a request from the browser and returns the final status and body.
func (a *testApp) do(tb testing.TB, method, path string, header map[string]string) (int, string) {
	tb.Helper()
	req, err := http.NewRequest(method, a.url+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := a.browser.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}
