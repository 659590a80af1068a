package middleware

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// Store keys. The middleware keeps three kinds of records in the Store, each under a prefix
// followed by 43 characters of base64url SHA-256: a session record ("s:", a hash of the session
// cookie), the refresh lock of a session ("l:", the same hash) and the mark of a used callback
// ("u:", a hash of its state). No key can be turned back into what it was made from.
const (
	prefixSession = "s:"
	prefixLock    = "l:"
	prefixUsed    = "u:"
)

// storeKeyLen is the length of a store key.
var storeKeyLen = len(prefixSession) + base64.RawURLEncoding.EncodedLen(sha256.Size)

// labelHash returns the SHA-256 of label followed by s, for s up to 64 bytes (a cookie value, a
// state). It does not allocate.
func labelHash(label, s string) [sha256.Size]byte {
	var buf [32 + 64]byte
	n := copy(buf[:], label)
	n += copy(buf[n:], s)
	return sha256.Sum256(buf[:n])
}

// storeKey returns prefix followed by the base64url form of h.
func storeKey(prefix string, h *[sha256.Size]byte) string {
	var b strings.Builder
	writeStoreKey(&b, prefix, h)
	return b.String()
}

// writeStoreKey writes prefix followed by the base64url form of h to b.
func writeStoreKey(b *strings.Builder, prefix string, h *[sha256.Size]byte) {
	var enc [43]byte
	base64.RawURLEncoding.Encode(enc[:], h[:])
	b.Grow(len(prefix) + len(enc))
	b.WriteString(prefix)
	b.Write(enc[:])
}

// sessionKey returns the store key of the session record of a cookie value.
func sessionKey(cookie string) string {
	h := labelHash(sessionIDLabel, cookie)
	return storeKey(prefixSession, &h)
}

// usedKey returns the store key of the mark left by a completed login with this state.
func usedKey(state string) string {
	h := labelHash("thaid-go used state\x00", state)
	return storeKey(prefixUsed, &h)
}
