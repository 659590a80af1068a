package thaidecho_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/thaid-go/thaid-go/examples/echo/thaidecho"
	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// TestIdentityBehindWrappedMiddleware checks what the package's documentation promises:
// auth.Require and auth.Optional mounted with echo.WrapMiddleware stop or pass the request,
// and Identity and Session then read the citizen from the echo.Context.
func TestIdentityBehindWrappedMiddleware(t *testing.T) {
	op := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	client, err := thaid.New(context.Background(), thaid.Config{
		ClientID:     mockprovider.DemoClientID,
		ClientSecret: mockprovider.DemoClientSecret,
		RedirectURL:  base + "/callback",
		Provider:     thaid.Provider{Issuer: op.Issuer()},
	})
	if err != nil {
		t.Fatal(err)
	}
	auth, err := middleware.New(middleware.Config{Client: client, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	var privateRuns atomic.Int32
	e := echo.New()
	e.GET("/login", echo.WrapHandler(auth.Login()))
	e.GET("/callback", echo.WrapHandler(auth.Callback()))
	e.GET("/private", func(c echo.Context) error {
		privateRuns.Add(1)
		id, ok := thaidecho.Identity(c)
		if _, sok := thaidecho.Session(c); !ok || !sok {
			return c.String(http.StatusInternalServerError, "no identity or session")
		}
		if tok, err := auth.AccessToken(c.Request()); err != nil || tok == "" {
			return c.String(http.StatusInternalServerError, "no access token")
		}
		return c.String(http.StatusOK, "private "+id.PID.String())
	}, echo.WrapMiddleware(auth.Require))
	e.GET("/public", func(c echo.Context) error {
		if id, ok := thaidecho.Identity(c); ok {
			return c.String(http.StatusOK, "hello "+id.PID.String())
		}
		return c.String(http.StatusOK, "hello guest")
	}, echo.WrapMiddleware(auth.Optional))
	srv.Config.Handler = e
	srv.Start()
	t.Cleanup(srv.Close)

	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{Jar: jar}
	noFollow := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	resp, _ := get(t, noFollow, base+"/private", "")
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/login?return_to=%2Fprivate" {
		t.Fatalf("signed out /private: %d to %q, want 303 to the login", resp.StatusCode, loc)
	}
	resp, body := get(t, noFollow, base+"/private", "application/json")
	if resp.StatusCode != http.StatusUnauthorized || strings.TrimSpace(body) != `{"error":"login_required"}` {
		t.Fatalf("signed out /private for a script: %d %q, want 401 login_required", resp.StatusCode, body)
	}
	if n := privateRuns.Load(); n != 0 {
		t.Fatalf("the handler behind Require ran %d times for a signed-out request", n)
	}
	if _, body = get(t, browser, base+"/public", ""); body != "hello guest" {
		t.Fatalf("signed out /public: %q", body)
	}

	masked := thaid.MaskPID(op.Citizens()[0].PID) // the mock approves as its first demo citizen
	resp, body = get(t, browser, base+"/private", "")
	if resp.Request.URL.Path != "/private" || body != "private "+masked {
		t.Fatalf("after login, /private at %s: %q, want %q", resp.Request.URL.Path, body, "private "+masked)
	}
	if _, body = get(t, browser, base+"/public", ""); body != "hello "+masked {
		t.Fatalf("signed in /public: %q", body)
	}
}

func TestIdentityWithoutMiddleware(t *testing.T) {
	c := echo.New().NewContext(httptest.NewRequest(http.MethodGet, "/", nil), httptest.NewRecorder())
	if id, ok := thaidecho.Identity(c); ok || id != nil {
		t.Fatalf("Identity without Require = %v, %v", id, ok)
	}
	if s, ok := thaidecho.Session(c); ok || s != nil {
		t.Fatalf("Session without Require = %v, %v", s, ok)
	}
}

func get(t *testing.T, c *http.Client, url, accept string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
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
