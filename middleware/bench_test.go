package middleware

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// nopWriter is a ResponseWriter that allocates nothing, so that the benchmarks measure the
// middleware only.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *nopWriter) WriteHeader(int)             {}

var (
	loginOnce     sync.Once
	loginIdentity *thaid.Identity
	loginToken    *thaid.Token
	loginErr      error
)

// realLogin returns the identity and tokens of one real "openid pid name" login against the
// mock provider, so that benchmarked sessions have the size of real ones (ID token included).
func realLogin(tb testing.TB) (*thaid.Identity, *thaid.Token) {
	tb.Helper()
	loginOnce.Do(func() {
		p := mockprovider.Start(tb, mockprovider.Options{AutoApprove: true, Logger: quietLogger()})
		ctx := context.Background()
		c, err := thaid.New(ctx, thaid.Config{ClientID: mockprovider.DemoClientID, ClientSecret: mockprovider.DemoClientSecret,
			RedirectURL: "http://app.example/callback", Provider: thaid.Provider{Issuer: p.Issuer()}})
		if err != nil {
			loginErr = err
			return
		}
		l, _ := c.NewLogin()
		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := noFollow.Get(c.AuthCodeURL(l, nil))
		if err != nil {
			loginErr = err
			return
		}
		resp.Body.Close()
		loc, err := resp.Location()
		if err != nil {
			loginErr = err
			return
		}
		res, err := c.Exchange(ctx, l, loc.Query())
		if err != nil {
			loginErr = err
			return
		}
		loginIdentity, loginToken = res.Identity, res.Token
	})
	if loginErr != nil {
		tb.Fatalf("real login against the mock: %v", loginErr)
	}
	return loginIdentity, loginToken
}

// plantRealSessions stores n sessions of a real login and returns their Cookie headers.
func plantRealSessions(tb testing.TB, a *Auth, n int, now time.Time) []string {
	tb.Helper()
	id, tok := realLogin(tb)
	headers := make([]string, n)
	for i := range headers {
		cookie, err := a.createSession(context.Background(), fmt.Sprint("user-", i), id, tok, now)
		if err != nil {
			tb.Fatal(err)
		}
		headers[i] = "_ga=GA1.1.123; lang=th; thaid_session=" + cookie + "; theme=dark"
	}
	return headers
}

// BenchmarkRequire compares an authenticated request through Require with the bare handler, in
// the same run, with the memory store and the session of a real "openid pid name" login. The
// handler does not read the identity; Require+Identity does, as most pages would.
func BenchmarkRequire(b *testing.B) {
	a := newTestAuth(b, Config{})
	hdr := plantRealSessions(b, a, 1, time.Now())[0]
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	withIdentity := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id, ok := IdentityFrom(r.Context()); !ok || id.PID.IsZero() {
			b.Fatal("no identity")
		}
	})
	r := httptest.NewRequest("GET", "/dashboard", nil)
	r.Header.Set("Cookie", hdr)
	w := &nopWriter{h: http.Header{}}
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{
		{"bare", bare},
		{"Require", a.Require(bare)},
		{"Require+Identity", a.Require(withIdentity)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			start := processCPU()
			for b.Loop() {
				bc.h.ServeHTTP(w, r)
			}
			b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
		})
	}
}

// BenchmarkRequireSessions measures Require with a random session out of n live ones in the
// memory store (issue 9: at 100,000 it may cost at most 1.5 times what it costs at 1,000), and
// the memory each session takes (B/session: heap growth per stored session, after GC).
func BenchmarkRequireSessions(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			a := newTestAuth(b, Config{})
			now := time.Now()
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			headers := plantRealSessions(b, a, n, now)
			hdrBytes := 0
			for _, h := range headers {
				hdrBytes += len(h) + 16
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			perSession := float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)-int64(hdrBytes)) / float64(n)
			order := rand.Perm(n)
			h := a.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
			r := httptest.NewRequest("GET", "/dashboard", nil)
			w := &nopWriter{h: http.Header{}}
			i := 0
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				r.Header["Cookie"] = headers[order[i] : order[i]+1]
				h.ServeHTTP(w, r)
				if i++; i == n {
					i = 0
				}
			}
			b.ReportMetric(perSession, "B/session")
		})
	}
}

// TestRequireAllocations guards the allocation count of an authenticated request: the two of
// the request context, plus opening the sealed session (its store key, the AES and GCM state of
// its own key, the Session with its plaintext, the user ID). See BENCHMARKS.md.
func TestRequireAllocations(t *testing.T) {
	a := newTestAuth(t, Config{})
	hdr := plantRealSessions(t, a, 1, time.Now())[0]
	reached := false
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached = true })
	r := httptest.NewRequest("GET", "/dashboard", nil)
	r.Header.Set("Cookie", hdr)
	w := &nopWriter{h: http.Header{}}
	h := a.Require(bare)
	base := testing.AllocsPerRun(200, func() { bare.ServeHTTP(w, r) })
	got := testing.AllocsPerRun(200, func() { h.ServeHTTP(w, r) })
	if !reached {
		t.Fatal("Require did not call the handler")
	}
	if got-base > 4 {
		t.Errorf("Require adds %v allocations, want at most 4", got-base)
	}
}
