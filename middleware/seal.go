package middleware

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
)

// Sealing: every secret the middleware keeps outside the process's own stack is sealed with
// AES-256-GCM, and what it is for (its kind, and what it belongs to) is authenticated with it.
//
//   - A session record is sealed under the session cookie's own random value, which only the
//     browser holds, and stored under a SHA-256 of that value (sessionSecrets). The server keeps
//     no copy of the value: the store alone can neither be read nor replayed. The store key's
//     hash is authenticated with the record, so that a record copied under another key does not
//     open. Its head and body are sealed apart (sealRecord), so that a request that only needs
//     to know who is signed in does not decrypt the tokens.
//   - A login that has not come back yet lives in the browser, in a cookie sealed under a key of
//     the server's (Config.CookieKeys, keyring.go), bound to the cookie's name.

// gcmNonceSize is the size of AES-GCM's random nonce.
const gcmNonceSize = 12

// errUnsealed reports a value that does not open: altered, sealed under another key or for
// another place, or not ours.
var errUnsealed = errors.New("middleware: sealed value does not open")

// sealedKind separates the uses of one key in the additional authenticated data.
type sealedKind byte

const (
	kindLogin       sealedKind = 'l'
	kindSessionHead sealedKind = 'h'
	kindSessionBody sealedKind = 'b'
)

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// loginSealVersion is the first byte of a sealed login cookie; it is authenticated with the rest.
const loginSealVersion = 1

// loginAAD returns the additional data of a login cookie named name: the version, kindLogin and
// the name.
func loginAAD(name string) []byte {
	return append([]byte{loginSealVersion, byte(kindLogin)}, name...)
}

// sessionIDLabel separates the hash that names a session record from other hashes. It is short
// enough that the label and a cookie value fit in one SHA-256 block (55 bytes).
const sessionIDLabel = "thaid:sess\x00"

// sessionSecrets derives, from a session cookie's value (43 characters of base64url: 256 random
// bits), the hash that names its record in the store and the key that seals it. The hash is
// SHA-256 of the value under a label: it cannot be turned back into the cookie, nor into the key,
// which is the cookie's own random bytes. ok is false for a value that newID cannot have made. It
// does not allocate.
func sessionSecrets(cookie string) (storeHash [sha256.Size]byte, key [idBytes]byte, ok bool) {
	key, ok = decodeID(cookie)
	if !ok {
		return storeHash, key, false
	}
	return labelHash(sessionIDLabel, cookie), key, true
}

// A sealed session record (version 2) is
//
//	2 | head nonce (12) | head length (2 bytes) | head ciphertext+tag | body nonce (12) | body ciphertext+tag
//
// Both parts are sealed under the cookie's key. The head's additional data is the version, its
// kind, the store key's hash and the body's nonce: a head opens only in its own record, beside its
// own body (a body is sealed once, under a fresh nonce). The body's is the version, its kind and
// the hash. A last-seen update re-seals the head alone; a refresh, both.
const (
	recordVersion = 2
	// recordAADLen is the size of the additional data of a head (a body's is its first
	// recordAADLen-gcmNonceSize bytes).
	recordAADLen = 2 + sha256.Size + gcmNonceSize
)

// errHeadTooLong reports a head that the record's 2-byte length cannot hold: a user ID (from
// Config.OnLogin) of tens of kilobytes.
var errHeadTooLong = errors.New("middleware: the user ID is too long to store in a session (at most 65,000 bytes)")

// maxHead is the longest head plaintext that a record holds.
const maxHead = 65000

// sealRecord seals a session record's head and body for the store key named by hash.
func sealRecord(aead cipher.AEAD, hash *[sha256.Size]byte, head, body []byte) ([]byte, error) {
	over := aead.Overhead()
	var bodyNonce [gcmNonceSize]byte
	rand.Read(bodyNonce[:]) // never fails (see newID)
	out := make([]byte, 0, 1+gcmNonceSize+2+len(head)+over+gcmNonceSize+len(body)+over)
	out, err := appendHead(out, aead, hash, head, bodyNonce[:])
	if err != nil {
		return nil, err
	}
	var aad [recordAADLen]byte
	return aead.Seal(out, bodyNonce[:], body, bodyAAD(&aad, hash)), nil
}

// resealHead returns sealed (a record of the same key) with its head replaced by head.
func resealHead(aead cipher.AEAD, hash *[sha256.Size]byte, sealed, head []byte) ([]byte, error) {
	_, _, bodyNonce, body, ok := splitRecord(sealed)
	if !ok {
		return nil, errUnsealed
	}
	out := make([]byte, 0, 1+gcmNonceSize+2+len(head)+aead.Overhead()+gcmNonceSize+len(body))
	out, err := appendHead(out, aead, hash, head, bodyNonce)
	if err != nil {
		return nil, err
	}
	return append(out, body...), nil
}

// appendHead appends to out a record's version, its head sealed under a fresh nonce beside the
// body's nonce (see sealRecord), and the body's nonce: all of a record but its body ciphertext.
func appendHead(out []byte, aead cipher.AEAD, hash *[sha256.Size]byte, head, bodyNonce []byte) ([]byte, error) {
	if len(head) > maxHead {
		return nil, errHeadTooLong
	}
	var headNonce [gcmNonceSize]byte
	rand.Read(headNonce[:]) // never fails (see newID)
	var aad [recordAADLen]byte
	out = append(out, recordVersion)
	out = append(out, headNonce[:]...)
	out = binary.BigEndian.AppendUint16(out, uint16(len(head)+aead.Overhead()))
	out = aead.Seal(out, headNonce[:], head, headAAD(&aad, hash, bodyNonce))
	return append(out, bodyNonce...), nil
}

// openHead opens the head of a sealed record into dst. aad is scratch space (kept outside the
// stack, where the AEAD would make it escape).
func openHead(dst []byte, aad *[recordAADLen]byte, aead cipher.AEAD, hash *[sha256.Size]byte, sealed []byte) ([]byte, error) {
	headNonce, head, bodyNonce, _, ok := splitRecord(sealed)
	if !ok {
		return nil, errUnsealed
	}
	p, err := aead.Open(dst, headNonce, head, headAAD(aad, hash, bodyNonce))
	if err != nil {
		return nil, errUnsealed
	}
	return p, nil
}

// openBody opens the body of a sealed record into dst.
func openBody(dst []byte, aad *[recordAADLen]byte, aead cipher.AEAD, hash *[sha256.Size]byte, sealed []byte) ([]byte, error) {
	_, _, bodyNonce, body, ok := splitRecord(sealed)
	if !ok {
		return nil, errUnsealed
	}
	p, err := aead.Open(dst, bodyNonce, body, bodyAAD(aad, hash))
	if err != nil {
		return nil, errUnsealed
	}
	return p, nil
}

// splitRecord finds the parts of a sealed record.
func splitRecord(sealed []byte) (headNonce, head, bodyNonce, body []byte, ok bool) {
	const pre = 1 + gcmNonceSize + 2
	if len(sealed) < pre || sealed[0] != recordVersion {
		return nil, nil, nil, nil, false
	}
	n := int(binary.BigEndian.Uint16(sealed[1+gcmNonceSize:]))
	if len(sealed) < pre+n+gcmNonceSize {
		return nil, nil, nil, nil, false
	}
	rest := sealed[pre+n:]
	return sealed[1 : 1+gcmNonceSize], sealed[pre : pre+n], rest[:gcmNonceSize], rest[gcmNonceSize:], true
}

func headAAD(aad *[recordAADLen]byte, hash *[sha256.Size]byte, bodyNonce []byte) []byte {
	aad[0], aad[1] = recordVersion, byte(kindSessionHead)
	copy(aad[2:], hash[:])
	copy(aad[2+sha256.Size:], bodyNonce)
	return aad[:]
}

func bodyAAD(aad *[recordAADLen]byte, hash *[sha256.Size]byte) []byte {
	aad[0], aad[1] = recordVersion, byte(kindSessionBody)
	copy(aad[2:], hash[:])
	return aad[:2+sha256.Size]
}
