package middleware

import (
	"net/url"
	"strings"
)

// maxReturnTo bounds the length of a return-to path.
const maxReturnTo = 2048

// SafeReturnTo reports whether s is a same-origin relative path that is safe to redirect to
// after login: it starts with a single "/", has no scheme, host, backslash or control character,
// and does not decode to a scheme-relative URL. It rejects, among others, "//evil.example",
// "/\evil.example", "https://evil.example", "%2F%2Fevil" and "javascript:alert(1)".
func SafeReturnTo(s string) bool {
	if s == "" || len(s) > maxReturnTo || s[0] != '/' {
		return false
	}
	if len(s) > 1 && (s[1] == '/' || s[1] == '\\') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return false
		}
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return false
	}
	// A path such as "/%2F%2Fevil.example" or "/%5Cevil" is harmless to a browser but may be
	// decoded by a proxy or framework before it redirects: refuse it too.
	p := u.Path
	if strings.HasPrefix(p, "//") || strings.Contains(p, "\\") {
		return false
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}
