package thaidgin_test

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

	"github.com/gin-gonic/gin"

	"github.com/thaid-go/thaid-go/examples/gin/thaidgin"
	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	m.Run()
}

func TestRequireOptionalIdentity(t *testing.T) {
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
	r := gin.New()
	r.GET("/login", gin.WrapH(auth.Login()))
	r.GET("/callback", gin.WrapH(auth.Callback()))
	r.GET("/private", thaidgin.Require(auth), func(c *gin.Context) {
		privateRuns.Add(1)
		id, ok := thaidgin.Identity(c)
		if _, sok := thaidgin.Session(c); !ok || !sok {
			c.String(http.StatusInternalServerError, "no identity or session")
			return
		}
		if tok, err := auth.AccessToken(c.Request); err != nil || tok == "" {
			c.String(http.StatusInternalServerError, "no access token: %v", err)
			return
		}
		c.String(http.StatusOK, "private %s", id.PID)
	})
	r.GET("/public", thaidgin.Optional(auth), func(c *gin.Context) {
		if id, ok := thaidgin.Identity(c); ok {
			c.String(http.StatusOK, "hello %s", id.PID)
			return
		}
		c.String(http.StatusOK, "hello guest")
	})
	srv.Config.Handler = r
	srv.Start()
	t.Cleanup(srv.Close)

	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{Jar: jar}
	noFollow := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	// Signed out: Require answers and stops the chain; Optional goes on without an identity.
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

	// Signed in (the mock approves at once, as its first demo citizen).
	masked := thaid.MaskPID(op.Citizens()[0].PID)
	resp, body = get(t, browser, base+"/private", "")
	if resp.Request.URL.Path != "/private" || body != "private "+masked {
		t.Fatalf("after login, /private at %s: %q, want %q", resp.Request.URL.Path, body, "private "+masked)
	}
	if _, body = get(t, browser, base+"/public", ""); body != "hello "+masked {
		t.Fatalf("signed in /public: %q", body)
	}
}

func TestIdentityWithoutMiddleware(t *testing.T) {
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest(http.MethodGet, "/", nil)
	if id, ok := thaidgin.Identity(c); ok || id != nil {
		t.Fatalf("Identity without Require = %v, %v", id, ok)
	}
	if s, ok := thaidgin.Session(c); ok || s != nil {
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
