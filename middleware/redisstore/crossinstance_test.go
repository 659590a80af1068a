package redisstore_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/middleware/redisstore"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// TestCrossInstance runs two application instances behind one address, sharing one Redis: a
// login started on A completes on B, A then sees the session, and a logout on B ends it on A.
func TestCrossInstance(t *testing.T) {
	rdb := testRedis(t)
	prefix := testPrefix(t, rdb)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	op := mockprovider.Start(t, mockprovider.Options{AutoApprove: true, Logger: quiet})

	var instances [2]http.Handler
	var target atomic.Int32 // which instance the "load balancer" sends requests to
	lb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		instances[target.Load()].ServeHTTP(w, r)
	}))
	defer lb.Close()

	keys := []thaid.Secret{"shared by every instance: 32 bytes or more of secret"}
	for i := range instances {
		client, err := thaid.New(context.Background(), thaid.Config{
			ClientID:     mockprovider.DemoClientID,
			ClientSecret: mockprovider.DemoClientSecret,
			RedirectURL:  lb.URL + "/callback",
			Provider:     thaid.Provider{Issuer: op.Issuer()},
		})
		if err != nil {
			t.Fatal(err)
		}
		auth, err := middleware.New(middleware.Config{
			Client:     client,
			Store:      redisstore.New(rdb, prefix),
			CookieKeys: keys,
			Logger:     quiet,
		})
		if err != nil {
			t.Fatal(err)
		}
		name := string(rune('A' + i))
		mux := http.NewServeMux()
		mux.Handle("GET /login", auth.Login())
		mux.Handle("GET /callback", auth.Callback())
		mux.Handle("POST /logout", auth.Logout())
		mux.Handle("GET /{$}", auth.Optional(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, ok := middleware.SessionFrom(r.Context())
			fmt.Fprintf(w, "%s: signed in=%v", name, ok)
		})))
		mux.Handle("GET /private", auth.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id, _ := middleware.IdentityFrom(r.Context())
			fmt.Fprintf(w, "%s: signed in %s", name, id.PID)
		})))
		instances[i] = mux
	}

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if req.URL.Path == "/callback" {
			target.Store(1) // the callback lands on instance B
		}
		return nil
	}}
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := browser.Get(lb.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	target.Store(0)
	if code, body := get("/private"); code != 200 || !strings.HasPrefix(body, "B: signed in") {
		t.Fatalf("login started on A, completed on B: %d %q", code, body)
	}
	target.Store(0)
	if code, body := get("/private"); code != 200 || !strings.HasPrefix(body, "A: signed in") {
		t.Fatalf("instance A does not see the session: %d %q", code, body)
	}

	u, _ := url.Parse(lb.URL)
	oldCookies := jar.Cookies(u)
	target.Store(1)
	req, _ := http.NewRequest("POST", lb.URL+"/logout", nil)
	req.Header.Set("Origin", lb.URL)
	resp, err := browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	// The session is gone on A too, even for a browser that still sends the old cookie.
	target.Store(0)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ = http.NewRequest("GET", lb.URL+"/private", nil)
	for _, c := range oldCookies {
		req.AddCookie(c)
	}
	resp, err = noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after logout on B, A answers %d, want a redirect to login", resp.StatusCode)
	}
	if n, _ := rdb.Keys(context.Background(), prefix+"s:*").Result(); len(n) != 0 {
		t.Errorf("session keys left in Redis after logout: %d", len(n))
	}
}
