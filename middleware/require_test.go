package middleware

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/internal/testclock"
	"github.com/thaid-go/thaid-go/thaid"
)

// testStart is when the tests' clocks start.
var testStart = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// offlineClient is a thaid client with explicit endpoints: it never touches the network unless
// a flow is run.
func offlineClient(t testing.TB, redirect string) *thaid.Client {
	t.Helper()
	c, err := thaid.New(context.Background(), thaid.Config{
		ClientID:     "client",
		ClientSecret: "secret",
		RedirectURL:  redirect,
		Provider: thaid.Provider{
			Issuer:   "https://op.example",
			AuthURL:  "https://op.example/api/v2/oauth2/auth/",
			TokenURL: "https://op.example/api/v2/oauth2/token/",
			JWKSURL:  "https://op.example/jwks/",
		},
	})
	if err != nil {
		t.Fatalf("thaid.New: %v", err)
	}
	return c
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newTestAuth(t testing.TB, cfg Config) *Auth {
	t.Helper()
	if cfg.Client == nil {
		cfg.Client = offlineClient(t, "http://app.example/callback")
	}
	if cfg.Logger == nil {
		cfg.Logger = quietLogger()
	}
	a, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return a
}

// plantSession stores a session created at now and returns its cookie value.
func plantSession(t testing.TB, a *Auth, now time.Time) (string, *Session) {
	t.Helper()
	ctx := context.Background()
	cookie, err := a.createSession(ctx, "user-1", &thaid.Identity{Subject: "sub", PID: thaid.MustParsePID("1101700230708"), Name: "นาย สมชาย ใจดี"},
		&thaid.Token{AccessToken: "at", TokenType: "Bearer", Expiry: now.Add(15 * time.Minute)}, now)
	if err != nil {
		t.Fatal(err)
	}
	s, err := a.openSession(ctx, cookie)
	if err != nil {
		t.Fatal(err)
	}
	return cookie, s
}

var whoAmI = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	id, ok := IdentityFrom(r.Context())
	if !ok {
		_, _ = io.WriteString(w, "anonymous")
		return
	}
	s, _ := SessionFrom(r.Context())
	_, _ = io.WriteString(w, s.UserID+" "+id.Name)
})

// serve sends h a GET of target with the Cookie header cookie (none when "") and returns the
// answer.
func serve(h http.Handler, target, cookie string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", target, nil)
	if cookie != "" {
		r.Header.Set("Cookie", cookie)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestRequire(t *testing.T) {
	clk := testclock.New(testStart)
	a := newTestAuth(t, Config{Now: clk.Now, IdleTimeout: 30 * time.Minute, AbsoluteTimeout: 2 * time.Hour})
	h := a.Require(whoAmI)
	good, _ := plantSession(t, a, clk.Now())
	tampered := []byte(good)
	tampered[5] ^= 1

	tests := []struct {
		name       string
		method     string
		target     string
		cookie     string
		header     map[string]string
		wantStatus int
		wantLoc    string
		wantBody   string
		wantClear  bool
	}{
		{name: "signed in", cookie: good, wantStatus: 200, wantBody: "user-1 นาย สมชาย ใจดี"},
		{name: "no cookie browser", wantStatus: 303, wantLoc: "/login?return_to=%2Fpage%3Fa%3D1"},
		{name: "no cookie json", header: map[string]string{"Accept": "application/json"}, wantStatus: 401, wantBody: `{"error":"login_required"}`},
		{name: "no cookie fetch", header: map[string]string{"Sec-Fetch-Mode": "cors"}, wantStatus: 401, wantBody: `{"error":"login_required"}`},
		{name: "no cookie xhr", header: map[string]string{"X-Requested-With": "XMLHttpRequest"}, wantStatus: 401, wantBody: `{"error":"login_required"}`},
		{name: "html before json", header: map[string]string{"Accept": "text/html,application/json;q=0.9"}, wantStatus: 303, wantLoc: "/login?return_to=%2Fpage%3Fa%3D1"},
		{name: "post goes to plain login", method: "POST", wantStatus: 303, wantLoc: "/login"},
		{name: "tampered cookie", cookie: string(tampered), wantStatus: 303, wantLoc: "/login?return_to=%2Fpage%3Fa%3D1", wantClear: true},
		{name: "unknown cookie", cookie: strings.Repeat("A", 43), wantStatus: 303, wantLoc: "/login?return_to=%2Fpage%3Fa%3D1", wantClear: true},
		{name: "malformed cookie", cookie: "1101700230708", wantStatus: 303, wantLoc: "/login?return_to=%2Fpage%3Fa%3D1", wantClear: true},
		{name: "scheme-relative path not kept", target: "//evil.example/x", wantStatus: 303, wantLoc: "/login"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(cmp.Or(tt.method, "GET"), "http://app.example/", nil)
			r.URL.Path, r.URL.RawQuery, _ = strings.Cut(cmp.Or(tt.target, "/page?a=1"), "?")
			if tt.cookie != "" {
				r.Header.Set("Cookie", "other=1; thaid_session="+tt.cookie)
			}
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d (body %q)", w.Code, tt.wantStatus, w.Body)
			}
			if got := w.Header().Get("Location"); got != tt.wantLoc {
				t.Errorf("Location = %q, want %q", got, tt.wantLoc)
			}
			if tt.wantBody != "" && strings.TrimSpace(w.Body.String()) != tt.wantBody {
				t.Errorf("body = %q, want %q", w.Body, tt.wantBody)
			}
			if tt.wantStatus == 401 {
				var v map[string]string
				if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil || v["error"] != "login_required" {
					t.Errorf("401 body is not the JSON error: %q", w.Body)
				}
			}
			cleared := strings.Contains(w.Header().Get("Set-Cookie"), "thaid_session=;")
			if cleared != tt.wantClear {
				t.Errorf("cookie cleared = %v, want %v (Set-Cookie %q)", cleared, tt.wantClear, w.Header().Get("Set-Cookie"))
			}
		})
	}
}

func TestSessionTimeouts(t *testing.T) {
	tests := []struct {
		name  string
		steps []time.Duration // time between requests; each request must still be signed in
		last  time.Duration   // then this much later
		want  int
	}{
		{name: "fresh", last: time.Minute, want: 200},
		{name: "idle too long", last: 31 * time.Minute, want: 303},
		{name: "active keeps it alive", steps: []time.Duration{25 * time.Minute, 25 * time.Minute, 25 * time.Minute}, last: 25 * time.Minute, want: 200},
		{name: "absolute lifetime", steps: []time.Duration{25 * time.Minute, 25 * time.Minute, 25 * time.Minute, 25 * time.Minute}, last: 25 * time.Minute, want: 303},
		{name: "clock went far back", last: -2 * time.Hour, want: 303},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := testclock.New(testStart)
			a := newTestAuth(t, Config{Now: clk.Now, IdleTimeout: 30 * time.Minute, AbsoluteTimeout: 2 * time.Hour})
			id, _ := plantSession(t, a, clk.Now())
			h := a.Require(whoAmI)
			get := func() int { return serve(h, "/", "thaid_session="+id).Code }
			for i, d := range tt.steps {
				clk.Advance(d)
				if code := get(); code != 200 {
					t.Fatalf("request %d after %v: status %d, want 200", i, d, code)
				}
			}
			clk.Advance(tt.last)
			if code := get(); code != tt.want {
				t.Errorf("final request: status %d, want %d", code, tt.want)
			}
			if tt.want != 200 {
				if _, err := a.openSession(context.Background(), id); !errors.Is(err, ErrNotFound) {
					t.Errorf("expired session still in the store")
				}
			}
		})
	}
}

func TestOptional(t *testing.T) {
	clk := testclock.New(testStart)
	a := newTestAuth(t, Config{Now: clk.Now})
	id, _ := plantSession(t, a, clk.Now())
	h := a.Optional(whoAmI)
	for _, tt := range []struct{ cookie, want string }{
		{"", "anonymous"},
		{"thaid_session=" + id, "user-1 นาย สมชาย ใจดี"},
		{"thaid_session=" + strings.Repeat("B", 43), "anonymous"},
	} {
		if w := serve(h, "/", tt.cookie); w.Code != 200 || w.Body.String() != tt.want {
			t.Errorf("cookie %q: %d %q, want 200 %q", tt.cookie, w.Code, w.Body, tt.want)
		}
	}
}

func TestCookieNames(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		name     string
		redirect string
		cfgName  string
		secure   *bool
		want     string
	}{
		{"http default", "http://localhost:8080/callback", "", nil, "thaid_session"},
		{"https default", "https://app.example/callback", "", nil, "__Host-thaid_session"},
		{"https custom", "https://app.example/callback", "schoolreg", nil, "__Host-schoolreg"},
		{"prefix given", "https://app.example/callback", "__Host-x", nil, "__Host-x"},
		{"forced secure", "http://localhost/callback", "", &yes, "__Host-thaid_session"},
		{"forced insecure", "https://app.example/callback", "", &no, "thaid_session"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newTestAuth(t, Config{Client: offlineClient(t, tt.redirect), CookieName: tt.cfgName, Secure: tt.secure})
			if a.CookieName() != tt.want {
				t.Errorf("CookieName() = %q, want %q", a.CookieName(), tt.want)
			}
			w := httptest.NewRecorder()
			a.setCookie(w, a.cookie, "v", time.Hour)
			c := w.Result().Cookies()[0]
			if c.Name != tt.want || !c.HttpOnly || c.Path != "/" || c.SameSite != http.SameSiteLaxMode || c.Secure != strings.HasPrefix(tt.want, "__Host-") {
				t.Errorf("cookie = %+v", c)
			}
		})
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	c := offlineClient(t, "http://app.example/callback")
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no client", Config{}},
		{"bad cookie name", Config{Client: c, CookieName: "a b"}},
		{"absolute login path", Config{Client: c, LoginPath: "https://evil.example/login"}},
		{"scheme-relative after login", Config{Client: c, AfterLoginPath: "//evil.example"}},
		{"negative idle", Config{Client: c, IdleTimeout: -time.Second}},
		{"short cookie key", Config{Client: c, CookieKeys: []thaid.Secret{"too short to seal anything"}}},
	}
	for _, tt := range tests {
		if _, err := New(tt.cfg); err == nil {
			t.Errorf("%s: New succeeded", tt.name)
		}
	}
}

func TestSessionLogValue(t *testing.T) {
	var buf strings.Builder
	log := slog.New(slog.NewTextHandler(&buf, nil))
	cookie, s := plantSession(t, newTestAuth(t, Config{}), time.Now())
	log.Info("x", "session", s)
	out := buf.String()
	if strings.Contains(out, "1101700230708") || strings.Contains(out, "at") && strings.Contains(out, "access") || !strings.Contains(out, "user-1") {
		t.Errorf("logged session: %s", out)
	}
	if !strings.Contains(out, "1-1017-xxxxx-70-8") {
		t.Errorf("masked PID not logged: %s", out)
	}
	if strings.Contains(out, cookie) || strings.Contains(out, s.key[len(prefixSession):]) {
		t.Errorf("session cookie or store key logged: %s", out)
	}
}

// TestPreviousRecordFormat: a session stored by a version before issue 22 (one part sealed under
// the cookie's key, version byte 1) does not open: the request is simply not signed in, and the
// stale cookie is cleared.
func TestPreviousRecordFormat(t *testing.T) {
	clk := testclock.New(testStart)
	a := newTestAuth(t, Config{Now: clk.Now})
	cookie, _ := plantSession(t, a, clk.Now())
	_, key, _ := sessionSecrets(cookie)
	aead, _ := newAEAD(key[:])
	old := append([]byte{1}, make([]byte, gcmNonceSize)...)
	old = aead.Seal(old, old[1:], []byte("a record of the old format"), []byte{1, 's'})
	if err := a.store.Delete(context.Background(), sessionKey(cookie)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.Add(context.Background(), sessionKey(cookie), old, time.Hour); err != nil {
		t.Fatal(err)
	}
	w := serve(a.Require(whoAmI), "/page", "thaid_session="+cookie)
	if w.Code != http.StatusSeeOther || !strings.Contains(w.Header().Get("Set-Cookie"), "thaid_session=;") {
		t.Errorf("a record of the previous format: %d, Set-Cookie %q; want 303 and the cookie cleared", w.Code, w.Header().Get("Set-Cookie"))
	}
}
