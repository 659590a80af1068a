package exampletest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// CheckFlow serves the example's app (newApp builds it from the example's routes around the
// middleware that NewAuth builds) on a loopback listener against a mock ThaID that approves at
// once, and walks a login through the framework's router header by header, as a browser and as
// a script would, without a cookie jar: so that what the framework does to the middleware's
// answers (statuses, Location, every Set-Cookie with its attributes, Cache-Control) is checked,
// not what a lenient client makes of them.
//
// It runs twice: with plain cookies, and with the cookies of an app served over HTTPS
// (Config.Secure: "__Host-" names and the Secure attribute; the listener stays plain HTTP, and
// the check sends the cookies itself). The app must route GET /, GET and HEAD /me behind
// Require (greeting the citizen by given name, PID masked), a home page at / that links to
// /auth/login, and the middleware's login, callback and logout at /auth/login, /auth/callback and
// /auth/logout.
func CheckFlow(t *testing.T, newApp func(*middleware.Auth) Server) {
	for _, secure := range []bool{false, true} {
		name := "http"
		if secure {
			name = "https-cookies"
		}
		t.Run(name, func(t *testing.T) { checkFlow(t, newApp, secure) })
	}
}

func checkFlow(t *testing.T, newApp func(*middleware.Auth) Server, secure bool) {
	op := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	base := "http://" + ln.Addr().String()
	auth := NewAuth(t, op.Issuer(), base, middleware.Config{Secure: &secure, Logger: slog.New(slog.DiscardHandler)})
	app := newApp(auth)
	go func() { _ = app.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = app.Shutdown(ctx)
	})
	f := &flow{t: t, base: base, secure: secure, jar: map[string]string{}}
	wantSession := "thaid_session"
	if secure {
		wantSession = "__Host-thaid_session"
	}
	if auth.CookieName() != wantSession {
		t.Fatalf("session cookie %q, want %q", auth.CookieName(), wantSession)
	}

	// Signed out: a browser goes to the login with its path kept, a script gets 401, and HEAD
	// is answered as GET.
	const toLogin = "/auth/login?return_to=%2Fme%3Fx%3D1"
	for _, m := range []string{http.MethodGet, http.MethodHead} {
		r := f.do(m, "/me?x=1", nil)
		f.want(r, m+" /me signed out", http.StatusSeeOther, toLogin)
	}
	for _, h := range []http.Header{
		{"Accept": {"application/json"}},
		{"X-Requested-With": {"XMLHttpRequest"}},
		{"Sec-Fetch-Mode": {"cors"}},
	} {
		r := f.do(http.MethodGet, "/me", h)
		f.want(r, "a script's /me signed out", http.StatusUnauthorized, "")
		if strings.TrimSpace(r.body) != `{"error":"login_required"}` || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("a script's /me signed out (%v): %q %q, want the JSON login_required", h, r.Header.Get("Content-Type"), r.body)
		}
	}

	// The login: a redirect to ThaID, its cookie set, nothing cached. HEAD works as GET.
	r := f.do(http.MethodHead, toLogin, nil)
	f.want(r, "HEAD login", http.StatusFound, op.Issuer()+"/")
	r = f.do(http.MethodGet, toLogin, nil)
	f.want(r, "login", http.StatusFound, op.Issuer()+"/")
	if sc := r.Header.Values("Set-Cookie"); len(sc) != 1 || !strings.HasPrefix(sc[0], wantSession+"_login_") {
		t.Fatalf("login: Set-Cookie %q, want one login cookie", sc)
	}

	// ThaID approves and sends the browser back to the callback.
	resp, err := (&http.Client{CheckRedirect: noRedirect}).Get(r.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cb, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || cb.Path != "/auth/callback" {
		t.Fatalf("ThaID sent the browser to %q (%v), want the callback", resp.Header.Get("Location"), err)
	}

	// The callback: the login cookie deleted AND the session cookie set, in one answer, and the
	// browser back where it started.
	r = f.do(http.MethodGet, cb.RequestURI(), nil)
	f.want(r, "callback", http.StatusSeeOther, "/me?x=1")
	var deleted, session bool
	for _, c := range r.Cookies() {
		deleted = deleted || strings.HasPrefix(c.Name, wantSession+"_login_") && c.MaxAge < 0
		session = session || c.Name == wantSession && c.Value != "" && c.MaxAge > 0
	}
	if !deleted || !session {
		t.Fatalf("callback: Set-Cookie %q, want the login cookie deleted and the session cookie set", r.Header.Values("Set-Cookie"))
	}

	// Signed in: /me greets the citizen with the masked PID, and answers HEAD without a body.
	citizen := op.Citizens()[0] // AutoApprove logs in as the first demo citizen
	masked := thaid.MaskPID(citizen.PID)
	r = f.do(http.MethodGet, "/me?x=1", nil)
	if r.StatusCode != http.StatusOK || !strings.Contains(r.body, masked) || strings.Contains(r.body, citizen.PID) {
		t.Fatalf("signed-in /me: %d %q, want the masked PID %s", r.StatusCode, r.body, masked)
	}
	if !strings.Contains(r.body, citizen.GivenName) {
		t.Fatalf("signed-in /me does not greet %s: %q", citizen.GivenName, r.body)
	}
	r = f.do(http.MethodHead, "/me", nil)
	if r.StatusCode != http.StatusOK || r.body != "" {
		t.Fatalf("signed-in HEAD /me: %d %q, want 200 without a body", r.StatusCode, r.body)
	}

	// A logout from another site is refused and leaves the session.
	for _, h := range []http.Header{{"Sec-Fetch-Site": {"cross-site"}}, {"Origin": {"https://evil.example"}}} {
		r = f.do(http.MethodPost, "/auth/logout", h)
		if r.StatusCode != http.StatusForbidden || len(r.Header.Values("Set-Cookie")) != 0 {
			t.Fatalf("cross-site logout (%v): %d, Set-Cookie %q, want 403 and no cookie", h, r.StatusCode, r.Header.Values("Set-Cookie"))
		}
	}
	if r = f.do(http.MethodGet, "/me", nil); r.StatusCode != http.StatusOK || !strings.Contains(r.body, citizen.GivenName) {
		t.Fatalf("/me after a refused logout: %d %q, want 200 greeting %s", r.StatusCode, r.body, citizen.GivenName)
	}

	// The logout: the session cookie deleted, home, nothing cached; the old cookie is dead.
	old := f.jar[wantSession]
	r = f.do(http.MethodPost, "/auth/logout", http.Header{"Origin": {base}, "Sec-Fetch-Site": {"same-origin"}})
	f.want(r, "logout", http.StatusSeeOther, "/")
	if _, ok := f.jar[wantSession]; ok {
		t.Fatalf("logout: Set-Cookie %q, want the session cookie deleted", r.Header.Values("Set-Cookie"))
	}
	if r = f.do(http.MethodGet, "/", nil); r.StatusCode != http.StatusOK || !strings.Contains(r.body, "/auth/login") {
		t.Fatalf("home after logout: %d %q, want 200 with a link to the login", r.StatusCode, r.body)
	}
	r = f.do(http.MethodGet, "/me", http.Header{"Cookie": {wantSession + "=" + old}})
	f.want(r, "/me with the cookie of the ended session", http.StatusSeeOther, "/auth/login?return_to=%2Fme")
}

// flow is a browser without redirects that keeps its cookies itself.
type flow struct {
	t      *testing.T
	base   string
	secure bool
	jar    map[string]string
}

type answer struct {
	*http.Response
	body string
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// do sends one request with the flow's cookies (unless h has a Cookie), keeps the cookies the
// answer sets, and checks every Set-Cookie's attributes.
func (f *flow) do(method, path string, h http.Header) answer {
	f.t.Helper()
	req, err := http.NewRequest(method, f.base+path, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	if req.Header.Get("Cookie") == "" {
		for k, v := range f.jar {
			req.AddCookie(&http.Cookie{Name: k, Value: v})
		}
	}
	resp, err := (&http.Client{CheckRedirect: noRedirect}).Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, line := range resp.Header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			f.t.Fatalf("%s %s: Set-Cookie %q: %v", method, path, line, err)
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" || c.Secure != f.secure ||
			f.secure != strings.HasPrefix(c.Name, "__Host-") {
			f.t.Fatalf("%s %s: Set-Cookie %q, want HttpOnly, SameSite=Lax, Path=/, no Domain, and Secure with a __Host- name exactly when served over HTTPS (%v)", method, path, line, f.secure)
		}
		if c.MaxAge < 0 {
			delete(f.jar, c.Name)
		} else {
			f.jar[c.Name] = c.Value
		}
	}
	return answer{resp, string(b)}
}

// want checks an answer's status and, for a redirect, its Location (by prefix when it ends in
// "/") and that it is not cached.
func (f *flow) want(r answer, what string, status int, location string) {
	f.t.Helper()
	loc := r.Header.Get("Location")
	okLoc := loc == location || strings.HasSuffix(location, "/") && strings.HasPrefix(loc, location)
	if r.StatusCode != status || !okLoc {
		f.t.Fatalf("%s: %d to %q, want %d to %q", what, r.StatusCode, loc, status, location)
	}
	if (status == http.StatusFound || status == http.StatusSeeOther || status == http.StatusUnauthorized) &&
		!strings.Contains(r.Header.Get("Cache-Control"), "no-store") {
		f.t.Fatalf("%s: Cache-Control %q, want no-store", what, r.Header.Get("Cache-Control"))
	}
}
