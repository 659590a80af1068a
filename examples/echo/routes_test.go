package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/thaid-go/thaid-go/internal/demo"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// TestLoginThroughEcho runs a whole login through the Echo router against the mock ThaID:
// /me sends the browser to ThaID and back, shows the citizen with a masked PID, logout ends the
// session, and /me refuses again.
func TestLoginThroughEcho(t *testing.T) {
	op := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	app := httptest.NewUnstartedServer(nil)
	baseURL := "http://" + app.Listener.Addr().String()
	auth, err := demo.NewAuth(context.Background(), op.Issuer(), baseURL, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	app.Config.Handler = routes(auth)
	app.Start()
	t.Cleanup(app.Close)
	citizen := op.Citizens()[0] // AutoApprove logs in as the first demo citizen

	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{Jar: jar}
	noFollow := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, body := do(t, browser, http.MethodGet, baseURL+"/me", nil)
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/me" {
		t.Fatalf("login ended at %s with %d: %q", resp.Request.URL, resp.StatusCode, body)
	}
	if masked := thaid.MaskPID(citizen.PID); !strings.Contains(body, masked) || strings.Contains(body, citizen.PID) {
		t.Fatalf("/me should show the masked PID %s and never the digits: %q", masked, body)
	}
	if !strings.Contains(body, citizen.GivenName) {
		t.Fatalf("/me does not greet %s: %q", citizen.GivenName, body)
	}

	// A logout from another site is refused (the check sees Sec-Fetch-Site, Origin and Host as
	// the browser sent them), and the session stays.
	for _, h := range []http.Header{{"Sec-Fetch-Site": {"cross-site"}}, {"Origin": {"https://evil.example"}}} {
		if resp, _ = do(t, browser, http.MethodPost, baseURL+"/auth/logout", h); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-site logout (%v): %d, want 403", h, resp.StatusCode)
		}
	}
	if resp, body = do(t, noFollow, http.MethodGet, baseURL+"/me", nil); resp.StatusCode != http.StatusOK || !strings.Contains(body, citizen.GivenName) {
		t.Fatalf("after a refused logout, /me: %d %q", resp.StatusCode, body)
	}

	resp, body = do(t, browser, http.MethodPost, baseURL+"/auth/logout", http.Header{"Origin": {baseURL}})
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/" || !strings.Contains(body, "/auth/login") {
		t.Fatalf("logout ended at %s with %d: %q", resp.Request.URL, resp.StatusCode, body)
	}

	resp, _ = do(t, noFollow, http.MethodGet, baseURL+"/me", nil)
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/auth/login?return_to=%2Fme" {
		t.Fatalf("/me after logout: %d to %q, want 303 to the login", resp.StatusCode, loc)
	}
	resp, body = do(t, noFollow, http.MethodGet, baseURL+"/me", http.Header{"Accept": {"application/json"}})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "login_required") {
		t.Fatalf("/me for a script after logout: %d %q, want 401 login_required", resp.StatusCode, body)
	}
}

// do sends one request and returns the final response and its body.
func do(t *testing.T, c *http.Client, method, url string, h http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
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

// TestPanicRecovered: a panic in a handler answers 500, not a dropped connection.
func TestPanicRecovered(t *testing.T) {
	op := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	app := httptest.NewUnstartedServer(nil)
	auth, err := demo.NewAuth(context.Background(), op.Issuer(), "http://"+app.Listener.Addr().String(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	e := routes(auth)
	e.GET("/boom", func(echo.Context) error { panic("a bug") })
	app.Config.Handler = e
	app.Start()
	t.Cleanup(app.Close)
	if resp, _ := do(t, http.DefaultClient, http.MethodGet, app.URL+"/boom", nil); resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("a panicking handler: %d, want 500", resp.StatusCode)
	}
}
