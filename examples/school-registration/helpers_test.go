package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/testdb"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// Demo citizens of the mock, by role in these tests.
var (
	citizens   = mockprovider.DefaultCitizens()
	applicant1 = citizens[0]
	applicant2 = citizens[1]
	applicant3 = citizens[5]
	adminBRM1  = citizens[2] // admin of สพป.บุรีรัมย์ เขต 1
	adminBRM3  = citizens[3] // admin of สพป.บุรีรัมย์ เขต 3
)

const (
	kanLueang = "1031030001" // โรงเรียนวัดก้านเหลือง, สพป.บุรีรัมย์ เขต 3
	areaBRM3  = "3103"
)

// hintHeader carries the PID the mock's AutoApprove should log in as, from
// the test browser to config.authParams (never a URL parameter).
const hintHeader = "X-Test-Login-Hint"

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testApp is one running app instance.
type testApp struct {
	URL  string
	Log  *syncBuffer
	Stop func() // shuts the app down gracefully and waits (also done at the test's end)
}

// startMock starts a mock ThaID in AutoApprove mode: logins complete at once
// as the citizen named by login_hint.
func startMock(t testing.TB) *mockprovider.Server {
	t.Helper()
	return mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
}

// startApp runs the real server (serve, as run does) against the mock with
// the given extra environment, and stops it when the test ends. It checks at
// the end that the log never contained a full PID.
//
// tweaks change the configuration after it is read (test-only settings).
func startApp(t testing.TB, mock *mockprovider.Server, env map[string]string, tweaks ...func(*config)) *testApp {
	t.Helper()
	full := map[string]string{
		"ADDR":                "127.0.0.1:0",
		"THAID_ISSUER":        mock.Issuer(),
		"THAID_CLIENT_ID":     mockprovider.DemoClientID,
		"THAID_CLIENT_SECRET": mockprovider.DemoClientSecret,
		"ADMIN_PIDS":          adminBRM1.PID + ":3101," + adminBRM3.PID + ":" + areaBRM3,
	}
	for k, v := range env {
		full[k] = v
	}
	cfg, err := configFromEnv(func(k string) string { return full[k] })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	cfg.authParams = func(r *http.Request) url.Values {
		if pid := r.Header.Get(hintHeader); pid != "" {
			return url.Values{"login_hint": {pid}}
		}
		return nil
	}
	for _, tw := range tweaks {
		tw(&cfg)
	}
	app := &testApp{Log: &syncBuffer{}}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, app.Log, app.Log, func(u string) { ready <- u }) }()
	select {
	case app.URL = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("serve: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("server did not become ready")
	}
	var once sync.Once
	app.Stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve returned %v", err)
			}
			assertNoFullPID(t, "log", app.Log.String())
		})
	}
	t.Cleanup(app.Stop)
	return app
}

// serveOnce runs serve with cfg until the app is ready, then stops it, and
// returns what it wrote (banner and log).
func serveOnce(t *testing.T, cfg config) string {
	t.Helper()
	var out syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	ready := make(chan string, 1)
	go func() { done <- serve(ctx, cfg, &out, &out, func(u string) { ready <- u }) }()
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("serve: %v\n%s", err, out.String())
	case <-time.After(30 * time.Second):
		t.Fatal("server did not become ready")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	return out.String()
}

// startAppOn starts an app on a fresh database of the given kind.
func startAppOn(t testing.TB, kind testdb.Kind, mock *mockprovider.Server) *testApp {
	t.Helper()
	return startApp(t, mock, map[string]string{"DATABASE_URL": testdb.URL(t, kind)})
}

func assertNoFullPID(t testing.TB, where, s string) {
	t.Helper()
	for _, c := range citizens {
		if strings.Contains(s, c.PID) {
			t.Errorf("%s contains the full PID of %s", where, c.GivenName)
		}
	}
}

// browser is a cookie-keeping HTTP client that does not follow redirects
// unless asked, and checks that no page shows a full PID.
type browser struct {
	t    testing.TB
	base string
	hc   *http.Client
	jar  *cookiejar.Jar
}

func newBrowser(t testing.TB, base string) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, base: base, jar: jar, hc: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

// page is a fetched response.
type fetched struct {
	Status   int
	Body     string
	Location string // final URL path after redirects
	Query    string // and its query
}

func (b *browser) do(req *http.Request) fetched {
	b.t.Helper()
	resp, err := b.hc.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	assertNoFullPID(b.t, req.URL.Path, string(body))
	return fetched{Status: resp.StatusCode, Body: string(body), Location: resp.Request.URL.Path, Query: resp.Request.URL.RawQuery}
}

func (b *browser) get(path string) fetched {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.base+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// peek requests path without following a redirect, and returns the status
// and Location.
func (b *browser) peek(path string) (int, string) {
	b.t.Helper()
	hc := *b.hc
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

// postPeek submits a form as post does, without following a redirect, and
// returns the status and Location.
func (b *browser) postPeek(path string, form url.Values) (int, string) {
	b.t.Helper()
	if b.csrf() == "" {
		b.get("/")
	}
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set(csrfField, b.csrf())
	hc := *b.hc
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.PostForm(b.base+path, f)
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

// csrf returns the token of the CSRF cookie, as the page's hidden field holds.
func (b *browser) csrf() string {
	u, _ := url.Parse(b.base)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == "schoolreg_csrf" {
			return c.Value
		}
	}
	return ""
}

// post submits a form the way the page's form does (with the CSRF token).
func (b *browser) post(path string, form url.Values) fetched {
	b.t.Helper()
	if b.csrf() == "" {
		b.get("/")
	}
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set(csrfField, b.csrf())
	return b.postRaw(path, f, nil)
}

func (b *browser) postRaw(path string, form url.Values, header http.Header) fetched {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	return b.do(req)
}

// login logs in through ThaID (the mock, auto-approving as c) and returns the
// page it lands on.
func (b *browser) login(c mockprovider.Citizen) fetched {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.base+"/login?return_to=/start", nil)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set(hintHeader, c.PID)
	return b.do(req)
}

// register logs c in and applies to school with valid contact details.
func (b *browser) register(c mockprovider.Citizen, school string) fetched {
	b.t.Helper()
	b.login(c)
	return b.post("/register/form", url.Values{"school": {school}, "phone": {"081 234 5678"},
		"email": {"teacher@example.ac.th"}})
}

var regIDPattern = regexp.MustCompile(`/admin/registrations/([0-9a-f]{32})/approve`)

// registrationIDs returns the ids of the registrations on an admin page.
func registrationIDs(body string) []string {
	var ids []string
	for _, m := range regIDPattern.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

func mustContain(t testing.TB, got fetched, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got.Body, w) {
			t.Errorf("page %s (status %d) lacks %q", got.Location, got.Status, w)
		}
	}
}

func mustStatus(t testing.TB, got fetched, status int, path string) {
	t.Helper()
	if got.Status != status || (path != "" && got.Location != path) {
		t.Fatalf("got status %d at %s, want %d at %s\n%s", got.Status, got.Location, status, path, snippet(got.Body))
	}
}

func snippet(s string) string {
	if i := strings.Index(s, `<main`); i >= 0 {
		s = s[i:]
	}
	if len(s) > 1500 {
		s = s[:1500]
	}
	return s
}

// maskOf is a citizen's PID masked as the pages show it (thaid.MaskPID).
func maskOf(c mockprovider.Citizen) string { return thaid.MaskPID(c.PID) }

// confirmed is the form of an admin's confirmed decision (the second step).
var confirmed = url.Values{"confirm": {"yes"}}
