package middleware

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strings"
	"time"
)

// idBytes is the size of the random value of a session cookie: 256 bits.
const idBytes = 32

// idLen is the length of an encoded ID (base64url without padding): 43.
const idLen = (idBytes*8 + 5) / 6

// newID returns a fresh opaque random ID of 256 bits, base64url-encoded.
func newID() string {
	var b [idBytes]byte
	rand.Read(b[:]) // never fails: it crashes the program instead (Go 1.24 and later)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// strictB64 decodes a session cookie's value: one spelling per value (the unused bits of the
// last character must be zero).
var strictB64 = base64.RawURLEncoding.Strict()

// decodeID returns the 256 bits of an ID made by newID. ok is false for any other string: one
// that is not 43 characters of base64url, or whose last character, which carries 4 bits and 2
// unused ones, has an unused bit set, so that one ID has one spelling. It does not allocate.
func decodeID(s string) (key [idBytes]byte, ok bool) {
	if len(s) != idLen {
		return key, false
	}
	var buf [idLen]byte
	copy(buf[:], s)
	n, err := strictB64.Decode(key[:], buf[:])
	return key, err == nil && n == idBytes
}

// validID reports whether s has the shape of an ID made by newID (see decodeID). It does not
// allocate.
func validID(s string) bool {
	_, ok := decodeID(s)
	return ok
}

// cookieValue returns the value of the named cookie in the request's Cookie headers. Unlike
// r.Cookie it does not allocate: the value is a substring of the header.
func cookieValue(h http.Header, name string) (string, bool) {
	for _, line := range h["Cookie"] {
		for line != "" {
			var part string
			part, line, _ = strings.Cut(line, ";")
			v, ok := strings.CutPrefix(strings.Trim(part, " \t"), name)
			if !ok || v == "" || v[0] != '=' {
				continue
			}
			v = v[1:]
			if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
				v = v[1 : len(v)-1]
			}
			return v, true
		}
	}
	return "", false
}

// setCookie writes a session-style cookie: HttpOnly, SameSite=Lax, Path=/, Secure on HTTPS.
// maxAge <= 0 deletes the cookie.
func (a *Auth) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	c := &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		HttpOnly: true,
		Secure:   a.secure,
		SameSite: http.SameSiteLaxMode,
	}
	if maxAge > 0 {
		c.MaxAge = max(int(maxAge/time.Second), 1)
	} else {
		c.MaxAge = -1
		c.Value = ""
	}
	http.SetCookie(w, c)
}
