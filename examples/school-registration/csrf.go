package main

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"

	"github.com/thaid-go/thaid-go/middleware"
)

// csrfGuard protects every state-changing request with two independent
// checks:
//   - the middleware's cross-origin check (Auth.CrossOriginProtect, the same
//     rule as /logout, trusting the app's public origin) refuses cross-origin
//     browser requests (Sec-Fetch-Site / Origin headers);
//   - a double-submit token: a random value in a SameSite=Lax, HttpOnly
//     cookie that each form repeats in the hidden field csrf_token.
//
// The token needs no server-side state, so it works unchanged with several app
// instances behind a load balancer.
type csrfGuard struct {
	cookie string
	secure bool
	auth   *middleware.Auth
	deny   func(w http.ResponseWriter, r *http.Request)
}

const csrfField = "csrf_token"

// maxFormBytes bounds every form body.
const maxFormBytes = 64 << 10

type csrfKey struct{}

func newCSRFGuard(baseURL string, auth *middleware.Auth, deny func(w http.ResponseWriter, r *http.Request)) *csrfGuard {
	g := &csrfGuard{cookie: "schoolreg_csrf", auth: auth, deny: deny}
	if u, err := url.Parse(baseURL); err == nil {
		g.secure = u.Scheme == "https"
	}
	if g.secure {
		g.cookie = "__Host-" + g.cookie
	}
	return g
}

// protect wraps next with both checks and puts the token in the request
// context for the templates.
func (g *csrfGuard) protect(next http.Handler) http.Handler {
	return g.auth.CrossOriginProtect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := ""
		if c, err := r.Cookie(g.cookie); err == nil && len(c.Value) == 43 {
			token = c.Value
		}
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
			sent := r.PostFormValue(csrfField)
			if token == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(token)) != 1 {
				g.deny(w, r)
				return
			}
		}
		if token == "" {
			var b [32]byte
			_, _ = rand.Read(b[:])
			token = base64.RawURLEncoding.EncodeToString(b[:])
			http.SetCookie(w, &http.Cookie{Name: g.cookie, Value: token, Path: "/", HttpOnly: true,
				Secure: g.secure, SameSite: http.SameSiteLaxMode})
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), csrfKey{}, token)))
	}), func(w http.ResponseWriter, r *http.Request, _ error) { g.deny(w, r) })
}

// csrfToken returns the token for the forms of this request.
func csrfToken(r *http.Request) string {
	s, _ := r.Context().Value(csrfKey{}).(string)
	return s
}
