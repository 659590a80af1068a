package e2e

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// rig is a relying-party app (thaid + middleware on a loopback httptest server) wired to an
// in-process mock ThaID in auto-approve mode.
type rig struct {
	mock *mockprovider.Server
	app  *httptest.Server
	// transport is shared by every simulated browser, so connections are reused as a browser's are.
	transport *http.Transport
}

func newRig(tb testing.TB, mockOpts mockprovider.Options) *rig {
	tb.Helper()
	mockOpts.AutoApprove = true
	mock := mockprovider.Start(tb, mockOpts)

	mux := http.NewServeMux()
	app := httptest.NewServer(mux)
	tb.Cleanup(app.Close)

	providerTransport := &http.Transport{MaxIdleConnsPerHost: 128}
	tb.Cleanup(providerTransport.CloseIdleConnections)
	client, err := thaid.New(context.Background(), thaid.Config{
		ClientID:     mockprovider.DemoClientID,
		ClientSecret: thaid.Secret(mockprovider.DemoClientSecret),
		RedirectURL:  app.URL + "/callback",
		Provider:     thaid.Provider{Issuer: mock.Issuer()},
		HTTPClient:   &http.Client{Transport: providerTransport, Timeout: 10 * time.Second},
	})
	if err != nil {
		tb.Fatalf("thaid.New: %v", err)
	}
	auth, err := middleware.New(middleware.Config{
		Client: client,
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		tb.Fatalf("middleware.New: %v", err)
	}
	mux.Handle("GET /login", auth.Login())
	mux.Handle("GET /callback", auth.Callback())
	mux.Handle("POST /logout", auth.Logout())
	mux.Handle("GET /me", auth.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := middleware.IdentityFrom(r.Context())
		if !ok {
			http.Error(w, "no identity", http.StatusInternalServerError)
			return
		}
		// The masked form only: the full PID never goes into a response body here.
		fmt.Fprint(w, id.PID.Masked())
	})))

	tr := &http.Transport{MaxIdleConnsPerHost: 256}
	tb.Cleanup(tr.CloseIdleConnections)
	return &rig{mock: mock, app: app, transport: tr}
}

// browser returns a client on the shared transport tr with its own cookie jar that follows
// redirects like a browser.
func browser(tr *http.Transport) *http.Client {
	jar, _ := cookiejar.New(nil) // never fails without options
	return &http.Client{Jar: jar, Transport: tr, Timeout: 30 * time.Second}
}

// login runs one whole login: GET /login, the mock's authorize (auto-approve), the callback
// (token exchange, ID-token verification, session), ending on /me. It returns the masked PID
// that /me shows.
func (r *rig) login(c *http.Client) (string, error) {
	resp, err := c.Get(r.app.URL + "/login?return_to=" + url.QueryEscape("/me"))
	if err != nil {
		return "", err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("login ended on %s with status %d", resp.Request.URL.Path, resp.StatusCode)
	}
	if resp.Request.URL.Path != "/me" {
		return "", fmt.Errorf("login ended on %s, want /me", resp.Request.URL.Path)
	}
	return string(body), nil
}

func TestFullLogin(t *testing.T) {
	r := newRig(t, mockprovider.Options{})
	got, err := r.login(browser(r.transport))
	if err != nil {
		t.Fatal(err)
	}
	first := mockprovider.DefaultCitizens()[0].PID
	pid, err := thaid.ParsePID(first)
	if err != nil {
		t.Fatalf("default citizen PID %q: %v", thaid.MaskPID(first), err)
	}
	if got != pid.Masked() {
		t.Fatalf("/me shows %q, want %q", got, pid.Masked())
	}
}

// TestConcurrentLogins runs 200 logins at once, each in its own browser, with no error. Run with
// -race it is also the data-race check of the whole login path.
func TestConcurrentLogins(t *testing.T) {
	r := newRig(t, mockprovider.Options{})
	const n = 200
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			_, err := r.login(browser(r.transport))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	var failed []error
	for err := range errs {
		if err != nil {
			failed = append(failed, err)
		}
	}
	if len(failed) > 0 {
		t.Fatalf("%d of %d logins failed; first: %v", len(failed), n, errors.Join(failed[:min(3, len(failed))]...))
	}
	// No network call per login beyond the token request: discovery ran once in thaid.New, and
	// the 200 concurrent first verifications shared one JWKS fetch, served from cache after.
	for _, c := range []struct {
		ep   mockprovider.Endpoint
		want int
	}{
		{mockprovider.EndpointDiscovery, 1},
		{mockprovider.EndpointJWKS, 1},
		{mockprovider.EndpointToken, n},
		{mockprovider.EndpointUserInfo, 0},
	} {
		if got := len(r.mock.RequestsTo(c.ep)); got != c.want {
			t.Errorf("%s: %d requests for %d logins, want %d", c.ep, got, n, c.want)
		}
	}
}

// BenchmarkFullLogin measures whole logins (login redirect, mock auto-approve, callback, token
// exchange, ID-token verification, session) per second at 64 concurrent browsers, with the
// latency percentiles of one login. Each b.N iteration is one login, in a new browser (cookie
// jar). The "baseline" sub-benchmark runs the same four HTTP exchanges per login (login, authorize,
// callback, protected page, with the same cookies and redirects) against handlers that do no
// OAuth work, so the ratio of the two shows what the SDK and the mock add to bare net/http.
func BenchmarkFullLogin(b *testing.B) {
	b.Run("baseline", func(b *testing.B) {
		srv := newBaselineServer(b)
		tr := &http.Transport{MaxIdleConnsPerHost: 256}
		b.Cleanup(tr.CloseIdleConnections)
		runLogins(b, func() error {
			resp, err := browser(tr).Get(srv.URL + "/login")
			if err != nil {
				return err
			}
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err == nil && (resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/me") {
				err = fmt.Errorf("baseline login ended on %s with %d", resp.Request.URL.Path, resp.StatusCode)
			}
			return err
		})
	})
	b.Run("thaid", func(b *testing.B) {
		r := newRig(b, mockprovider.Options{})
		runLogins(b, func() error {
			_, err := r.login(browser(r.transport))
			return err
		})
	})
}

// newBaselineServer serves /login -> /authorize -> /callback -> /me as plain redirects with a
// cookie set on the callback and checked on /me: the HTTP shape of a login without its work.
func newBaselineServer(tb testing.TB) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/authorize?state=s", http.StatusFound)
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/callback?code=c&state="+r.URL.Query().Get("state"), http.StatusFound)
	})
	mux.HandleFunc("GET /callback", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "s", Value: "session", Path: "/", HttpOnly: true})
		http.Redirect(w, r, "/me", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie("s"); err != nil || c.Value != "session" {
			http.Error(w, "no session", http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, "1-1017-xxxxx-70-8")
	})
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	return srv
}

// runLogins runs b.N logins on 64 concurrent clients and reports logins/s, p50-ms and p99-ms.
func runLogins(b *testing.B, login func() error) {
	const clients = 64
	var (
		mu        sync.Mutex
		latencies = make([]time.Duration, 0, b.N)
		firstErr  error
	)
	work := make(chan struct{}, b.N)
	for range b.N {
		work <- struct{}{}
	}
	close(work)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			local := make([]time.Duration, 0, b.N/clients+1)
			for range work {
				t0 := time.Now()
				err := login()
				local = append(local, time.Since(t0))
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
			mu.Lock()
			latencies = append(latencies, local...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if firstErr != nil {
		b.Fatal(firstErr)
	}
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		i := int(float64(len(latencies)-1) * p)
		return float64(latencies[i].Microseconds()) / 1000
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "logins/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
