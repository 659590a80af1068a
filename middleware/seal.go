package middleware

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/thaid-go/thaid-go/thaid"
)

// Sealing: every secret the middleware keeps outside the process's own stack is sealed with
// AES-256-GCM.
//
//   - A session record is sealed under the session cookie's own random value, which only the
//     browser holds, and stored under a SHA-256 of that value. The server keeps no copy of the
//     value: the store alone can neither be read nor replayed.
//   - A login that has not come back yet lives in the browser, in a cookie sealed under a key of
//     the server's (Config.CookieKeys), bound to the cookie's name. Its state carries its start
//     time and a MAC under the same keys, so that a callback can tell a stale or foreign state
//     from one of ours without any server-side record.

// sealVersion is the first byte of every sealed value; it is authenticated with the rest.
const sealVersion = 1

// gcmNonceSize is the size of AES-GCM's random nonce.
const gcmNonceSize = 12

// errUnsealed reports a value that does not open: altered, sealed under another key, or not ours.
var errUnsealed = errors.New("middleware: sealed value does not open")

// sealedKind separates the uses of one key in the additional authenticated data.
type sealedKind byte

const (
	kindSession sealedKind = 's'
	kindLogin   sealedKind = 'l'
)

// seal encrypts plaintext with aead. The result is version || nonce || ciphertext+tag, and the
// version, kind and bind (for example a login cookie's name) are authenticated with it.
func seal(aead cipher.AEAD, kind sealedKind, bind string, plaintext []byte) ([]byte, error) {
	out := make([]byte, 1+gcmNonceSize, 1+gcmNonceSize+len(plaintext)+aead.Overhead())
	out[0] = sealVersion
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, err
	}
	return aead.Seal(out, out[1:1+gcmNonceSize], plaintext, aad(kind, bind)), nil
}

// open reverses seal, appending the plaintext to dst. It returns errUnsealed for anything that
// does not open.
func open(dst []byte, aead cipher.AEAD, kind sealedKind, bind string, sealed []byte) ([]byte, error) {
	if len(sealed) < 1+gcmNonceSize+aead.Overhead() || sealed[0] != sealVersion {
		return nil, errUnsealed
	}
	p, err := aead.Open(dst, sealed[1:1+gcmNonceSize], sealed[1+gcmNonceSize:], aad(kind, bind))
	if err != nil {
		return nil, errUnsealed
	}
	return p, nil
}

// sessionAAD is the additional data of session records, made once (it would escape to the heap
// at every request otherwise).
var sessionAAD = []byte{sealVersion, byte(kindSession)}

func aad(kind sealedKind, bind string) []byte {
	if kind == kindSession && bind == "" {
		return sessionAAD
	}
	return append([]byte{sealVersion, byte(kind)}, bind...)
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// labelHash returns the SHA-256 of label followed by s, for s up to 64 bytes (a cookie value, a
// state). It does not allocate.
func labelHash(label, s string) [sha256.Size]byte {
	var buf [32 + 64]byte
	n := copy(buf[:], label)
	n += copy(buf[n:], s)
	return sha256.Sum256(buf[:n])
}

// sessionIDLabel separates the hash that names a session record from other hashes.
const sessionIDLabel = "thaid-go session id\x00"

// sessionSecrets derives, from a session cookie's value (43 characters of base64url: 256 random
// bits), the hash that names its record in the store and the key that seals it. The hash is
// SHA-256 of the value under a label: it cannot be turned back into the cookie, nor into the key,
// which is the cookie's own random bytes. It does not allocate.
func sessionSecrets(cookie string) (storeHash [sha256.Size]byte, key [idBytes]byte) {
	storeHash = labelHash(sessionIDLabel, cookie)
	// validID has checked the shape; a value that does not decode gives a key that opens nothing.
	_, _ = base64.RawURLEncoding.Decode(key[:], []byte(cookie))
	return storeHash, key
}

// sessionKey returns the store key of the session record of a cookie value.
func sessionKey(cookie string) string {
	h := labelHash(sessionIDLabel, cookie)
	return storeKey(prefixSession, &h)
}

// Store key prefixes: a session record, the refresh lock of a session, the mark of a used
// callback. Each is followed by 43 characters of base64url SHA-256.
const (
	prefixSession = "s:"
	prefixLock    = "l:"
	prefixUsed    = "u:"
)

// storeKey returns prefix followed by the base64url form of h.
func storeKey(prefix string, h *[sha256.Size]byte) string {
	var buf [2 + 43]byte
	n := copy(buf[:], prefix)
	base64.RawURLEncoding.Encode(buf[n:], h[:])
	return string(buf[:n+base64.RawURLEncoding.EncodedLen(sha256.Size)])
}

// minCookieKeyLen is the shortest secret accepted in Config.CookieKeys.
const minCookieKeyLen = 32

// keyring holds the server's keys for login cookies and states, derived from Config.CookieKeys:
// the first seals and signs, every one opens and checks (for rotation).
type keyring struct {
	aeads []cipher.AEAD
	macs  [][]byte
}

func newKeyring(secrets []thaid.Secret) (*keyring, error) {
	if len(secrets) == 0 {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		secrets = []thaid.Secret{thaid.Secret(b)}
	}
	k := &keyring{}
	for i, s := range secrets {
		if len(s.Reveal()) < minCookieKeyLen {
			return nil, fmt.Errorf("%w: middleware: CookieKeys[%d] is shorter than %d bytes", thaid.ErrInvalidConfig, i, minCookieKeyLen)
		}
		enc, err := hkdf.Key(sha256.New, []byte(s.Reveal()), nil, "thaid-go middleware login cookie v1", 32)
		if err != nil {
			return nil, err
		}
		mac, err := hkdf.Key(sha256.New, []byte(s.Reveal()), nil, "thaid-go middleware login state v1", 32)
		if err != nil {
			return nil, err
		}
		aead, err := newAEAD(enc)
		if err != nil {
			return nil, err
		}
		k.aeads, k.macs = append(k.aeads, aead), append(k.macs, mac)
	}
	return k, nil
}

// A login's state is base64url(random 16 bytes || start time, 8 bytes of Unix seconds || the
// first 8 bytes of an HMAC-SHA256 of both): 43 characters, like any 256-bit random state.
const (
	stateRandom = 16
	stateBytes  = stateRandom + 8 + 8
	stateLen    = (stateBytes*8 + 5) / 6 // its length in base64url
)

// newState returns a fresh state for a login started at now.
func (k *keyring) newState(now time.Time) (string, error) {
	var b [stateBytes]byte
	if _, err := rand.Read(b[:stateRandom]); err != nil {
		return "", err
	}
	binary.BigEndian.PutUint64(b[stateRandom:], uint64(now.Unix()))
	copy(b[stateRandom+8:], stateMAC(k.macs[0], b[:stateRandom+8]))
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// checkState reports whether state was made by newState under one of the keys, and when.
func (k *keyring) checkState(state string) (started time.Time, ok bool) {
	var b [stateBytes]byte
	if len(state) != base64.RawURLEncoding.EncodedLen(stateBytes) {
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

// sealLogin seals a login cookie's plaintext under the first key, bound to the cookie's name.
func (k *keyring) sealLogin(name string, plaintext []byte) (string, error) {
	b, err := seal(k.aeads[0], kindLogin, name, plaintext)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// openLogin opens a login cookie's value under any key; errUnsealed when none opens it.
func (k *keyring) openLogin(name, value string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil {
		return nil, errUnsealed
	}
	for _, aead := range k.aeads {
		if p, err := open(nil, aead, kindLogin, name, b); err == nil {
			return p, nil
		}
	}
	return nil, errUnsealed
}
