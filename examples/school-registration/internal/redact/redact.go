// Package redact keeps the secrets of connection URLs (the app's REDIS_URL and
// DATABASE_URL) out of error messages, stderr and logs.
//
// A URL that parses is shown with its password replaced by "xxxxx" (URL). A
// URL that does not parse is not shown at all: its parts cannot be told apart,
// so any of it may be the password. Errors of the libraries that parse or dial
// such a URL may quote it; Error wraps them so that their text no longer
// contains the URL's secrets.
package redact

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// mask replaces a secret in shown text, as in net/url's URL.Redacted.
const mask = "xxxxx"

// URL returns rawURL for messages, with the password of its userinfo and the
// values of its query parameters named like "password" (pgx reads password=
// and sslpassword=) replaced by mask. ok is false when rawURL is not a
// hierarchical URL (scheme://host…, or //host…) that net/url parses; then no
// part of it may be shown.
func URL(rawURL string) (shown string, ok bool) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Opaque != "" {
		return "", false
	}
	if q, changed := maskQuery(u.RawQuery); changed {
		u.RawQuery = q
	}
	return u.Redacted(), true
}

// Error returns an error that wraps err (errors.Is and errors.As see it) but
// whose text is err's text with every secret of rawURL replaced by mask: the
// whole URL, its userinfo password and its password query values, raw,
// percent-decoded and Go-quoted. When rawURL does not parse (URL's ok is
// false), the secrets cannot be found, and the text says only that details
// are hidden. Error returns nil when err is nil.
func Error(err error, rawURL string) error {
	if err == nil {
		return nil
	}
	secrets, ok := secretsOf(rawURL)
	if !ok {
		return &hidden{msg: "error details hidden: the URL is malformed and may contain a password", err: err}
	}
	msg := err.Error()
	for _, s := range secrets {
		msg = strings.ReplaceAll(msg, s, mask)
	}
	return &hidden{msg: msg, err: err}
}

// hidden is an error whose text has been cleaned of secrets.
type hidden struct {
	msg string
	err error
}

func (e *hidden) Error() string { return e.msg }
func (e *hidden) Unwrap() error { return e.err }

// secretsOf lists the strings of rawURL that must not be shown, longest
// first, so that a secret inside another is replaced as part of the longer.
func secretsOf(rawURL string) ([]string, bool) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Opaque != "" {
		return nil, false
	}
	found := []string{rawURL}
	if pw, set := u.User.Password(); set {
		found = append(found, pw, rawPassword(rawURL))
	}
	for pair := range strings.SplitSeq(u.RawQuery, "&") {
		k, v, _ := strings.Cut(pair, "=")
		if !secretKey(k) {
			continue
		}
		found = append(found, v)
		if dv, err := url.QueryUnescape(v); err == nil {
			found = append(found, dv)
		}
	}
	var out []string
	for _, s := range found {
		if s == "" {
			continue
		}
		out = append(out, s)
		if q := strconv.Quote(s); q[1:len(q)-1] != s { // as %q shows it
			out = append(out, q[1:len(q)-1])
		}
	}
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return slices.Compact(out), true
}

// rawPassword returns the password of rawURL's userinfo as written (still
// percent-encoded), or "".
func rawPassword(rawURL string) string {
	_, rest, ok := strings.Cut(rawURL, "//")
	if !ok {
		return ""
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return ""
	}
	_, pw, _ := strings.Cut(rest[:at], ":")
	return pw
}

// secretKey reports whether a (raw) query key names a password.
func secretKey(k string) bool {
	if dk, err := url.QueryUnescape(k); err == nil {
		k = dk
	}
	return strings.Contains(strings.ToLower(k), "password")
}

// maskQuery replaces the values of password query parameters, keeping the
// order of the others. changed reports whether any was replaced.
func maskQuery(rawQuery string) (string, bool) {
	if rawQuery == "" {
		return rawQuery, false
	}
	pairs := strings.Split(rawQuery, "&")
	changed := false
	for i, pair := range pairs {
		if k, _, _ := strings.Cut(pair, "="); secretKey(k) {
			pairs[i], changed = k+"="+mask, true
		}
	}
	return strings.Join(pairs, "&"), changed
}
