package middleware

import (
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"

	"github.com/thaid-go/thaid-go/thaid"
)

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
		rand.Read(b) // never fails (see newID)
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

// sealLogin seals a login cookie's plaintext under the first key, bound to the cookie's name. The
// value is the base64url form of version || nonce || ciphertext+tag, and the version, kindLogin
// and the cookie's name are authenticated with it (loginAAD).
func (k *keyring) sealLogin(name string, plaintext []byte) string {
	aead := k.aeads[0]
	out := make([]byte, 1+gcmNonceSize, 1+gcmNonceSize+len(plaintext)+aead.Overhead())
	out[0] = loginSealVersion
	rand.Read(out[1:]) // never fails (see newID)
	out = aead.Seal(out, out[1:1+gcmNonceSize], plaintext, loginAAD(name))
	return base64.RawURLEncoding.EncodeToString(out)
}

// openLogin opens a login cookie's value under any key; errUnsealed when none opens it.
func (k *keyring) openLogin(name, value string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil || len(b) < 1+gcmNonceSize+k.aeads[0].Overhead() || b[0] != loginSealVersion {
		return nil, errUnsealed
	}
	for _, aead := range k.aeads {
		if p, err := aead.Open(nil, b[1:1+gcmNonceSize], b[1+gcmNonceSize:], loginAAD(name)); err == nil {
			return p, nil
		}
	}
	return nil, errUnsealed
}
