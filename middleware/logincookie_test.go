package middleware_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/thaid"
)

// TestAnonymousLoginsStoreNothing: logins that nobody completes leave nothing on the server
// (issue 9): their state lives in the browser's cookies.
func TestAnonymousLoginsStoreNothing(t *testing.T) {
	st := middleware.NewMemoryStore()
	app := newApp(t, appOptions{cfg: middleware.Config{Store: st}})
	h := app.auth.Login()
	returnTo := "/private/" + strings.Repeat("a", 1000)
	for i := range 5000 {
		r := httptest.NewRequest("GET", "/login?return_to="+url.QueryEscape(returnTo), nil)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusFound {
			t.Fatalf("login %d: status %d", i, w.Code)
		}
		if i == 0 {
			if n := len(w.Result().Cookies()); n != 1 {
				t.Fatalf("a login sets %d cookies, want 1", n)
			}
			if c := w.Result().Cookies()[0]; len(c.Name)+len(c.Value) > 4000 {
				t.Fatalf("the login cookie is %d bytes, over what browsers keep", len(c.Name)+len(c.Value))
			}
		}
	}
	if n := st.Len(); n != 0 {
		t.Errorf("5000 anonymous logins left %d records in the store, want 0", n)
	}
	// A real login still works, and leaves its session and the mark of its used callback.
	mustSignedIn(t, app.newBrowser().get("/private/x"), "/private/x")
	if n := st.Len(); n != 2 {
		t.Errorf("a completed login left %d records, want 2 (session, used callback)", n)
	}
}

// TestLoginCookieLimit: a browser has at most four logins in progress; starting more drops the
// oldest, and the newest still complete.
func TestLoginCookieLimit(t *testing.T) {
	app := newApp(t, appOptions{})
	b := app.newBrowser()
	var callbacks []string
	for i := range 6 {
		callbacks = append(callbacks, b.startLogin(fmt.Sprintf("/private/tab%d", i)))
	}
	u, _ := url.Parse(app.srv.URL)
	n := 0
	for _, c := range b.jar.Cookies(u) {
		if strings.HasPrefix(c.Name, app.auth.CookieName()+"_login_") {
			n++
		}
	}
	if n != 4 {
		t.Errorf("%d login cookies after 6 logins, want 4", n)
	}
	mustSignedIn(t, b.get(callbacks[5]), "/private/tab5")
	mustSignedIn(t, b.get(callbacks[2]), "/private/tab2")
	p := b.get(callbacks[0])
	if p.status != http.StatusBadRequest {
		t.Errorf("the dropped oldest login: status %d, want 400", p.status)
	}
}

// TestLoginCookieGone: a callback whose login cookie the browser has dropped tells an expired
// login from one started elsewhere.
func TestLoginCookieGone(t *testing.T) {
	app := newApp(t, appOptions{clock: true})
	cb := app.newBrowser().startLogin("/private/x")
	other := app.newBrowser()
	other.get(cb)
	if err := app.lastError(); !errors.Is(err, middleware.ErrOtherBrowser) {
		t.Errorf("fresh login, no cookie: %v, want ErrOtherBrowser", err)
	}
	app.clock.Advance(11 * time.Minute)
	other.get(cb)
	if err := app.lastError(); !errors.Is(err, thaid.ErrLoginExpired) {
		t.Errorf("old login, no cookie: %v, want thaid.ErrLoginExpired", err)
	}
}

// TestReplayWithLoginCookie: replaying a callback together with its (copied) login cookie signs
// no one in a second time.
func TestReplayWithLoginCookie(t *testing.T) {
	app := newApp(t, appOptions{})
	b := app.newBrowser()
	cb := b.startLogin("/private/x")
	u, _ := url.Parse(app.srv.URL)
	var saved []*http.Cookie
	for _, c := range b.jar.Cookies(u) {
		if strings.HasPrefix(c.Name, app.auth.CookieName()+"_login_") {
			saved = append(saved, &http.Cookie{Name: c.Name, Value: c.Value, Path: "/"})
		}
	}
	mustSignedIn(t, b.get(cb), "/private/x")
	thief := app.newBrowser()
	thief.jar.SetCookies(u, saved)
	p := thief.get(cb)
	if p.status == http.StatusOK && strings.HasPrefix(p.body, "signed in") {
		t.Fatalf("a replayed callback with its login cookie signed in again")
	}
	if thief.sessionCookie() != "" {
		t.Errorf("the replay got a session cookie")
	}
}

// TestCookieKeyRotation follows the rotation procedure of the package documentation: a login
// started before a key change completes after it while the old key is still listed second; once
// the old key is removed, only logins started before are refused; sessions never depend on
// CookieKeys.
func TestCookieKeyRotation(t *testing.T) {
	oldKey := thaid.Secret("old key: at least thirty-two bytes of secret")
	newKey := thaid.Secret("new key: at least thirty-two bytes of secret")
	app := newApp(t, appOptions{cfg: middleware.Config{CookieKeys: []thaid.Secret{oldKey}}})
	swap := func(keys ...thaid.Secret) {
		t.Helper()
		app.rebuild(func(cfg *middleware.Config) { cfg.CookieKeys = keys })
	}

	signedIn := app.newBrowser()
	mustSignedIn(t, signedIn.get("/private/before"), "/private/before")
	pending := app.newBrowser()
	cb := pending.startLogin("/private/pending")

	swap(newKey, oldKey) // the new key seals, the old one still opens
	mustSignedIn(t, pending.get(cb), "/private/pending")
	late := app.newBrowser()
	lateCB := late.startLogin("/private/late") // sealed with the new key

	swap(newKey) // the old key removed
	mustSignedIn(t, late.get(lateCB), "/private/late")
	mustSignedIn(t, signedIn.get("/private/still"), "/private/still")

	stale := app.newBrowser()
	swap(oldKey)
	staleCB := stale.startLogin("/private/stale")
	swap(newKey)
	for len(app.errs) > 0 {
		<-app.errs
	}
	if p := stale.get(staleCB); p.status != http.StatusBadRequest {
		t.Errorf("a login sealed under a removed key: status %d, want 400", p.status)
	}
	if err := app.lastError(); !errors.Is(err, middleware.ErrNoPendingLogin) {
		t.Errorf("a login sealed under a removed key: %v, want ErrNoPendingLogin", err)
	}
}

// TestLoginCookiesStaySmall: four logins in progress with 1,000-character return-to paths keep
// every cookie of the app under 4 KB of Cookie header (issue 21: they made about 6.5 KB, near
// the 8 KB that common proxies allow); the oldest logins are dropped, and the newest completes.
func TestLoginCookiesStaySmall(t *testing.T) {
	for _, tls := range []bool{false, true} {
		t.Run(fmt.Sprint("https=", tls), func(t *testing.T) {
			app := newApp(t, appOptions{tls: tls})
			b := app.newBrowser()
			mustSignedIn(t, b.get("/private/first"), "/private/first") // a session cookie too
			var callbacks []string
			for i := range 4 {
				callbacks = append(callbacks, b.startLogin(fmt.Sprintf("/private/%d/%s", i, strings.Repeat("a", 1000-len("/private/0/")))))
			}
			u, _ := url.Parse(app.srv.URL)
			var header []string
			for _, c := range b.jar.Cookies(u) {
				header = append(header, c.Name+"="+c.Value)
			}
			n := len(strings.Join(header, "; "))
			if n >= 4096 {
				t.Errorf("the Cookie header is %d bytes with four long logins in progress, want under 4096", n)
			}
			t.Logf("Cookie header with a session and four long logins started: %d bytes, %d cookies", n, len(header))
			p := b.get(callbacks[3])
			if p.status != 200 || !strings.HasPrefix(p.body, "signed in:") || !strings.HasPrefix(p.url.Path, "/private/3/") {
				t.Errorf("the newest login: %d at %s", p.status, p.url.Path)
			}
		})
	}
}
