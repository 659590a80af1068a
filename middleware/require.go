package middleware

import (
	"net/http"
	"net/url"
	"strings"
)

// Require wraps next so that it runs only for a signed-in user, with the session in the request
// context (see IdentityFrom and SessionFrom). Other requests get:
//   - from a browser: a 303 redirect to LoginPath?return_to=<this path> (GET and HEAD keep their
//     path; other methods return to AfterLoginPath);
//   - when they ask for JSON (Accept: application/json) or come from fetch/XHR
//     (Sec-Fetch-Mode: cors, X-Requested-With: XMLHttpRequest): 401 with
//     {"error":"login_required"}.
func (a *Auth) Require(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sr, ok := a.attach(w, r); ok {
			next.ServeHTTP(w, sr)
			return
		}
		a.loginRequired(w, r)
	})
}

// Optional wraps next so that a signed-in user's session is in the request context when there
// is one; requests without a valid session pass through unchanged.
func (a *Auth) Optional(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sr, _ := a.attach(w, r)
		next.ServeHTTP(w, sr)
	})
}

// attach returns r with its valid session in the context, and true; without one it clears a
// stale session cookie and returns r unchanged, and false.
func (a *Auth) attach(w http.ResponseWriter, r *http.Request) (*http.Request, bool) {
	s, present := a.lookup(r)
	if s == nil {
		if present {
			a.setCookie(w, a.cookie, "", 0)
		}
		return r, false
	}
	return withSession(r, s), true
}

// loginRequired answers a request that needs a session and has none.
func (a *Auth) loginRequired(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Add("Vary", "Accept, Sec-Fetch-Mode, X-Requested-With")
	if WantsJSON(r) {
		h.Set("Content-Type", "application/json")
		h.Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"login_required"}` + "\n"))
		return
	}
	target := a.loginPath
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		if rt := r.URL.RequestURI(); SafeReturnTo(rt) {
			target = addReturnTo(target, rt)
		}
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// addReturnTo returns loginPath with returnTo added as its return_to parameter.
func addReturnTo(loginPath, returnTo string) string {
	sep := "?"
	if strings.Contains(loginPath, "?") {
		sep = "&"
	}
	return loginPath + sep + "return_to=" + url.QueryEscape(returnTo)
}

// WantsJSON reports whether r is an API or script request that should get a JSON 401 rather
// than a redirect: Accept names application/json (and not text/html first), Sec-Fetch-Mode is
// cors, or X-Requested-With is XMLHttpRequest.
func WantsJSON(r *http.Request) bool {
	if strings.EqualFold(r.Header.Get("X-Requested-With"), "XMLHttpRequest") {
		return true
	}
	if strings.EqualFold(r.Header.Get("Sec-Fetch-Mode"), "cors") {
		return true
	}
	accept := r.Header.Get("Accept")
	html := strings.Index(accept, "text/html")
	js := strings.Index(accept, "application/json")
	return js >= 0 && (html < 0 || js < html)
}
