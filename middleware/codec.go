package middleware

import (
	"encoding/binary"
	"errors"
	"time"

	"github.com/thaid-go/thaid-go/thaid"
)

// The plaintexts that the middleware seals are a few fields in a row: 8-byte big-endian
// integers, and byte strings preceded by their length as a uvarint. A session record is
//
//	created (Unix ns) | last seen (Unix ns) | user ID | identity | token
//
// where identity is thaid.Identity.MarshalBinary's output ("" = none) and token is
//
//	present (0/1) | access | type | refresh | ID token | expiry (Unix ns, 0 = none) | scope count | scopes
//
// The last-seen time sits at a fixed offset, so that a request can note its visit without
// decoding the rest.

// errRecord reports a plaintext that does not decode: never expected from a value that opened.
var errRecord = errors.New("middleware: malformed sealed record")

// lastSeenOffset is where a session record keeps its last-seen time.
const lastSeenOffset = 8

type encoder struct{ b []byte }

func (e *encoder) int64(v int64) { e.b = binary.BigEndian.AppendUint64(e.b, uint64(v)) }

func (e *encoder) uvarint(n int) { e.b = binary.AppendUvarint(e.b, uint64(n)) }

func (e *encoder) bytes(p []byte) {
	e.uvarint(len(p))
	e.b = append(e.b, p...)
}

func (e *encoder) string(s string) {
	e.uvarint(len(s))
	e.b = append(e.b, s...)
}

type decoder struct {
	b   []byte
	bad bool
}

func (d *decoder) int64() int64 {
	if len(d.b) < 8 {
		d.bad = true
		return 0
	}
	v := int64(binary.BigEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

// uvarint returns the next uvarint, which must not exceed what is left of the input (it counts
// bytes or items that follow).
func (d *decoder) uvarint() int {
	n, k := binary.Uvarint(d.b)
	if k <= 0 || n > uint64(len(d.b)-k) {
		d.bad = true
		return 0
	}
	d.b = d.b[k:]
	return int(n)
}

// bytes returns the next byte string as a part of the input (no copy).
func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.bad {
		return nil
	}
	p := d.b[:n]
	d.b = d.b[n:]
	return p
}

func (d *decoder) string() string {
	p := d.bytes()
	if len(p) == 0 {
		return ""
	}
	return string(p)
}

// unixNano returns t as Unix nanoseconds, 0 for the zero time.
func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// fromUnixNano reverses unixNano.
func fromUnixNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// encodeSession writes a session record's plaintext. identity is the identity's encoding.
func encodeSession(created, lastSeen time.Time, userID string, identity []byte, tok *thaid.Token) []byte {
	e := encoder{b: make([]byte, 0, 64+len(userID)+len(identity)+tokenSize(tok))}
	e.int64(created.UnixNano())
	e.int64(lastSeen.UnixNano())
	e.string(userID)
	e.bytes(identity)
	e.b = appendToken(e.b, tok)
	return e.b
}

func tokenSize(t *thaid.Token) int {
	if t == nil {
		return 1
	}
	n := 32 + len(t.AccessToken) + len(t.TokenType) + len(t.RefreshToken) + len(t.IDToken)
	for _, s := range t.Scopes {
		n += 2 + len(s)
	}
	return n
}

func appendToken(b []byte, t *thaid.Token) []byte {
	if t == nil {
		return append(b, 0)
	}
	e := encoder{b: append(b, 1)}
	e.string(t.AccessToken)
	e.string(t.TokenType)
	e.string(t.RefreshToken)
	e.string(t.IDToken)
	e.int64(unixNano(t.Expiry))
	e.uvarint(len(t.Scopes))
	for _, s := range t.Scopes {
		e.string(s)
	}
	return e.b
}

// sessionParts is a decoded session record: the head decoded, identity and token still encoded
// (they are decoded when first asked for).
type sessionParts struct {
	created, lastSeen time.Time
	userID            string
	identity          []byte
	token             []byte
}

func decodeSession(p []byte) (sessionParts, error) {
	d := decoder{b: p}
	var s sessionParts
	s.created = time.Unix(0, d.int64())
	s.lastSeen = time.Unix(0, d.int64())
	s.userID = d.string()
	s.identity = d.bytes()
	s.token = d.b
	if d.bad || len(s.token) == 0 {
		return sessionParts{}, errRecord
	}
	return s, nil
}

func decodeToken(p []byte) (*thaid.Token, error) {
	if len(p) == 0 {
		return nil, errRecord
	}
	if p[0] == 0 {
		if len(p) != 1 {
			return nil, errRecord
		}
		return nil, nil
	}
	d := decoder{b: p[1:]}
	t := &thaid.Token{
		AccessToken:  d.string(),
		TokenType:    d.string(),
		RefreshToken: d.string(),
		IDToken:      d.string(),
		Expiry:       fromUnixNano(d.int64()),
	}
	if n := d.uvarint(); n > 0 {
		t.Scopes = make([]string, n)
		for i := range t.Scopes {
			t.Scopes[i] = d.string()
		}
	}
	if d.bad || len(d.b) != 0 {
		return nil, errRecord
	}
	return t, nil
}

// pendingLogin is what a login cookie seals: the login's secrets and where to go after it.
type pendingLogin struct {
	login    thaid.Login
	returnTo string
}

func encodeLogin(l pendingLogin) []byte {
	e := encoder{b: make([]byte, 0, 16+len(l.login.State)+len(l.login.Nonce)+len(l.login.CodeVerifier)+len(l.returnTo))}
	e.int64(l.login.CreatedAt.UnixNano())
	e.string(l.login.State)
	e.string(l.login.Nonce)
	e.string(l.login.CodeVerifier)
	e.string(l.returnTo)
	return e.b
}

func decodeLogin(p []byte) (pendingLogin, error) {
	d := decoder{b: p}
	var l pendingLogin
	l.login.CreatedAt = time.Unix(0, d.int64())
	l.login.State = d.string()
	l.login.Nonce = d.string()
	l.login.CodeVerifier = d.string()
	l.returnTo = d.string()
	if d.bad || len(d.b) != 0 {
		return pendingLogin{}, errRecord
	}
	return l, nil
}

// putUnixNano writes t as Unix nanoseconds into the first 8 bytes of b.
func putUnixNano(b []byte, t time.Time) { binary.BigEndian.PutUint64(b, uint64(t.UnixNano())) }

// encodeIdentity encodes an identity for a session record.
func encodeIdentity(id *thaid.Identity) ([]byte, error) { return id.MarshalBinary() }

// decodeIdentity decodes what encodeIdentity wrote.
func decodeIdentity(b []byte) (*thaid.Identity, error) {
	id := new(thaid.Identity)
	if err := id.UnmarshalBinary(b); err != nil {
		return nil, err
	}
	return id, nil
}
