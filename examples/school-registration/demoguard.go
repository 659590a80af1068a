package main

import (
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// demoGuard serves only requests made straight to this machine while the
// embedded mock ThaID runs (THAID_ISSUER unset) without DEMO_ALLOW_REMOTE=1.
// The mock lets anybody who reaches it log in as any demo citizen, the demo
// super-admin included, and the start-up checks of ADDR, BASE_URL and
// THAID_REDIRECT_URL do not see a reverse proxy that forwards to a loopback
// ADDR. So every request is refused, with a page that says why, when
//   - its Host is not loopback ("localhost" or a loopback IP, as written);
//   - it carries a header that a reverse proxy adds: Forwarded,
//     X-Forwarded-* or X-Real-IP;
//   - its Origin (sent by browsers with forms) is not loopback.
//
// This covers the mock under /mock-thaid as well as the app. A proxy that
// rewrites Host to the loopback address and adds none of these headers is not
// seen (a browser's form post through it is, by its Origin): never leave
// THAID_ISSUER unset on a host that a proxy publishes.
func demoGuard(v *views, log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if why := demoRefusal(r); why != "" {
			log.Warn("refused a request in demo mode: the embedded mock ThaID answers only requests made directly "+
				"to a loopback address (set THAID_ISSUER for real use, or DEMO_ALLOW_REMOTE=1)", "why", why,
				"method", r.Method, "path", r.URL.Path)
			v.render(w, r, http.StatusForbidden, "demo_local", page{})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// demoRefusal says why demoGuard refuses r, or returns "".
func demoRefusal(r *http.Request) string {
	if !loopbackHostPort(r.Host) {
		return "Host is not loopback"
	}
	for name := range r.Header {
		if name == "Forwarded" || name == "X-Real-Ip" || strings.HasPrefix(name, "X-Forwarded-") {
			return "a reverse proxy's header (" + name + ")"
		}
	}
	if origin := r.Header.Get("Origin"); origin != "" && origin != "null" {
		u, err := url.Parse(origin)
		if err != nil || !loopbackHost(u.Hostname()) {
			return "Origin is not loopback"
		}
	}
	return ""
}

// loopbackHostPort reports whether a Host header ("host" or "host:port",
// IPv6 in brackets) names loopback. An empty Host (HTTP/1.0) does not.
func loopbackHostPort(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	return loopbackHost(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
}
