package main

import (
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// NewServer builds the app's HTTP handler: the routes, behind CSRF
// protection, the refusal of malformed input, security headers, panic
// recovery, a request log, and the client's address taken from
// X-Forwarded-For when a trusted proxy sends it (app.proxies).
//
// baseURL is the app's public URL: https makes the CSRF cookie Secure. Its
// origin, trusted for POSTs even when a reverse proxy changes the Host header,
// is app.auth's Config.TrustedOrigins.
func NewServer(app *application, baseURL string) http.Handler {
	mux := http.NewServeMux()
	addRoutes(mux, app)
	csrf := newCSRFGuard(baseURL, app.auth, func(w http.ResponseWriter, r *http.Request) {
		app.log.Warn("csrf check failed", "method", r.Method, "path", r.URL.Path, "client", clientHost(r))
		app.views.renderError(w, r, http.StatusForbidden, "csrf", nil)
	})
	var h http.Handler = csrf.protect(refuseMalformed(app, mux))
	if app.metrics != nil {
		h = app.metrics.measure(mux, h)
	}
	h = securityHeaders(h)
	h = recoverPanics(app.log, h)
	h = logRequests(app.log, h)
	h = realClient(app.proxies, h)
	return h
}

// refuseMalformed answers 400 to a request whose path, query or form holds
// a NUL byte or invalid UTF-8, or whose query or form does not parse. No
// browser sends them from the app's pages, and PostgreSQL refuses them in a
// query: without this check a school code or id of that kind became a server
// error. (Other control characters in typed text are refused beside the
// field, by checkText.)
func refuseMalformed(app *application, next http.Handler) http.Handler {
	bad := func(s string) bool { return !utf8.ValidString(s) || strings.ContainsRune(s, 0) }
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		malformed := r.ParseForm() != nil || bad(r.URL.Path)
		for k, vs := range r.Form {
			malformed = malformed || bad(k) || slices.ContainsFunc(vs, bad)
		}
		if malformed {
			app.views.renderError(w, r, http.StatusBadRequest, "bad_input", nil)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// No script at all on the app's own pages; styles are inline in the layout.
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

func recoverPanics(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", v)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logRequests logs method, path (never the query: it may carry codes and
// state), status and the client's address (see realClient). Paths of this
// app never contain a PID.
func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "dur", time.Since(start),
			"client", clientHost(r))
	})
}
