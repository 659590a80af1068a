package main

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
)

// csrfGuard protects every state-changing request with two independent
// checks:
//   - http.CrossOriginProtection refuses cross-origin browser requests
//     (Sec-Fetch-Site / Origin headers);
//   - a double-submit token: a random value in a SameSite=Lax, HttpOnly
//     cookie that each form repeats in the hidden field csrf_token.
//
// The token needs no server-side state, so it works unchanged with several app
// instances behind a load balancer.
type csrfGuard struct {
	cookie  string
	secure  bool
	trusted string // the app's public origin, e.g. https://school.example.go.th
	deny    func(w http.ResponseWriter, r *http.Request)
}

const csrfField = "csrf_token"

// maxFormBytes bounds every form body.
const maxFormBytes = 64 << 10

type csrfKey struct{}

func newCSRFGuard(baseURL string, deny func(w http.ResponseWriter, r *http.Request)) *csrfGuard {
	g := &csrfGuard{cookie: "schoolreg_csrf", deny: deny}
	if u, err := url.Parse(baseURL); err == nil && u.Host != "" {
		g.secure = u.Scheme == "https"
		g.trusted = u.Scheme + "://" + u.Host
	}
	if g.secure {
		g.cookie = "__Host-" + g.cookie
	}
	return g
}

// protect wraps next with both checks and puts the token in the request
// context for the templates.
func (g *csrfGuard) protect(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	if g.trusted != "" {
		_ = cop.AddTrustedOrigin(g.trusted) // baseURL was validated by configFromEnv
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { g.deny(w, r) }))
	return cop.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
	}))
}

// csrfToken returns the token for the forms of this request.
func csrfToken(r *http.Request) string {
	s, _ := r.Context().Value(csrfKey{}).(string)
	return s
}
