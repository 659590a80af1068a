package middleware

import (
	"net/url"
	"path"
	"strings"
)

// maxReturnTo bounds the length of a return-to path. It travels in the login cookie, and a
// browser may run a few logins at once.
const maxReturnTo = 1024

// SafeReturnTo reports whether s is a same-origin relative path that is safe to redirect to
// after login. It is judged on what will be sent: s must start with a single "/" and have no
// scheme, host, backslash or control character (also percent-encoded); its path may hold no
// percent-encoded slash or backslash and no "//", and neither its path nor its decoded path, as
// written or cleaned the way http.Redirect cleans it, may start with "//" or "/\". It rejects,
// among others, "//evil.example", "/\evil.example", "https://evil.example",
// "/%2F%2Fevil.example", "/./%2fevil.example", "/.//evil.example" and "javascript:alert(1)". It
// accepts at most 1024 bytes.
func SafeReturnTo(s string) bool {
	if s == "" || len(s) > maxReturnTo || s[0] != '/' || strings.ContainsFunc(s, unsafeInPath) {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return false
	}
	// A proxy or framework may decode the path before it redirects: "/%2F%2Fevil.example" and
	// "/./%2fevil.example" (which http.Redirect cleans to "/%2fevil.example") become
	// scheme-relative URLs. Refuse encoded slashes and backslashes in the path, even encoded
	// twice.
	raw := strings.ToLower(u.EscapedPath())
	for _, enc := range []string{"%2f", "%5c", "%252f", "%255c"} {
		if strings.Contains(raw, enc) {
			return false
		}
	}
	// A browser removes dot segments but keeps empty ones ("/.//evil.example" becomes
	// "//evil.example"), so refuse "//" anywhere in the path, as written and decoded.
	for _, p := range []string{u.EscapedPath(), u.Path} {
		if strings.Contains(p, "//") {
			return false
		}
		if c := path.Clean(p); strings.HasPrefix(c, "//") || strings.HasPrefix(c, `/\`) {
			return false
		}
	}
	return !strings.ContainsFunc(u.Path, unsafeInPath)
}

// unsafeInPath reports a control character or a backslash.
func unsafeInPath(c rune) bool { return c < 0x20 || c == 0x7f || c == '\\' }
