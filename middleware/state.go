package middleware

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"time"
)

// A login's state is base64url(random 16 bytes || start time, 8 bytes of Unix seconds || the
// first 8 bytes of an HMAC-SHA256 of both, under a key derived from Config.CookieKeys): 43
// characters, like any 256-bit random state. A callback can thus tell a stale or foreign state
// from one of ours without any server-side record.
const (
	stateRandom = 16
	stateBytes  = stateRandom + 8 + 8
	stateLen    = (stateBytes*8 + 5) / 6 // its length in base64url
)

// newState returns a fresh state for a login started at now.
func (k *keyring) newState(now time.Time) string {
	var b [stateBytes]byte
	rand.Read(b[:stateRandom]) // never fails (see newID)
	binary.BigEndian.PutUint64(b[stateRandom:], uint64(now.Unix()))
	copy(b[stateRandom+8:], stateMAC(k.macs[0], b[:stateRandom+8]))
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// checkState reports whether state was made by newState under one of the keys, and when.
func (k *keyring) checkState(state string) (started time.Time, ok bool) {
	var b [stateBytes]byte
	if len(state) != stateLen {
		return time.Time{}, false
	}
	if n, err := base64.RawURLEncoding.Decode(b[:], []byte(state)); err != nil || n != stateBytes {
		return time.Time{}, false
	}
	for _, key := range k.macs {
		if hmac.Equal(stateMAC(key, b[:stateRandom+8]), b[stateRandom+8:]) {
			return time.Unix(int64(binary.BigEndian.Uint64(b[stateRandom:])), 0), true
		}
	}
	return time.Time{}, false
}

func stateMAC(key, msg []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(msg)
	return m.Sum(nil)[:8]
}
