package middleware

import (
	"net/http"
	"net/url"
	"testing"
)

// FuzzSafeReturnTo checks that every path SafeReturnTo accepts stays on the same origin when a
// browser resolves it.
func FuzzSafeReturnTo(f *testing.F) {
	for _, s := range []string{"/", "/a?b=c", "//evil.example", `/\evil`, "https://evil.example", "%2F%2Fevil", "javascript:x", "/%2F%2Fx", "/\t/evil"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://app.example/current/page")
	f.Fuzz(func(t *testing.T, s string) {
		if !SafeReturnTo(s) {
			return
		}
		u, err := base.Parse(s)
		if err != nil {
			t.Fatalf("accepted %q but it does not parse: %v", s, err)
		}
		if u.Scheme != "https" || u.Host != "app.example" {
			t.Fatalf("accepted %q resolves to %s", s, u)
		}
	})
}

// FuzzCookieValue checks that the hand-written Cookie parser never panics and agrees with
// net/http on well-formed session cookies.
func FuzzCookieValue(f *testing.F) {
	f.Add("a=1; thaid_session=abc; b=2")
	f.Add(`thaid_session="x"`)
	f.Add(";;=;thaid_session")
	f.Fuzz(func(t *testing.T, header string) {
		h := http.Header{"Cookie": {header}}
		v, ok := cookieValue(h, "thaid_session")
		if !ok || !validID(v) {
			return
		}
		r := &http.Request{Header: h}
		c, err := r.Cookie("thaid_session")
		if err != nil || c.Value != v {
			t.Fatalf("cookieValue(%q) = %q; net/http says %v, %v", header, v, c, err)
		}
	})
}
