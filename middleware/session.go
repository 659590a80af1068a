package middleware

import (
	"context"
	"crypto/cipher"
	"crypto/sha256"
	"log/slog"
	"sync"
	"time"

	"github.com/thaid-go/thaid-go/thaid"
)

// Session is a signed-in user's session, as Require, Optional and AccessToken see it during one
// request. The browser holds only a random 256-bit value; the store holds the session sealed
// under a key derived from that value (see Store).
//
// A Session belongs to the request that opened it. Its identity and tokens are decoded when
// first asked for, so that requests that only need to know that someone is signed in do not pay
// for them. It must never be logged in full or sent to a browser: LogValue shows only the user
// ID and the masked PID.
type Session struct {
	// UserID is the application's user ID, as returned by Config.OnLogin ("" without a hook).
	UserID string
	// CreatedAt is when the session began (the login); it ends AbsoluteTimeout later.
	CreatedAt time.Time

	// Where the session lives: its store key, and the hash it was made from (the key of its
	// refresh lock is made from it too); the cipher that opens and seals its record.
	hash [sha256.Size]byte
	key  string
	aead cipher.AEAD

	mu       sync.Mutex // guards the fields below
	lastSeen time.Time
	sealed   []byte // the record as last read or written, for compare-and-swap
	plain    []byte // its plaintext
	idBytes  []byte // the identity's encoding, decoded on first use
	identity *thaid.Identity
	idDone   bool
	tokBytes []byte // the token's encoding, decoded on first use
	token    *thaid.Token
	tokDone  bool

	buf [1280]byte // room for the plaintext of a typical record, read at the start of a request
}

// Identity returns the citizen's identity as ThaID asserted it at login, or at the last refresh
// that returned a new ID token. It is decoded from the sealed record on first use. It is nil for
// a session made without one, or (after an upgrade that validates claims more strictly) when the
// stored claims no longer decode: IdentityFrom then reports no identity.
func (s *Session) Identity() *thaid.Identity {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.idDone {
		s.idDone = true
		if len(s.idBytes) > 0 {
			if id, err := decodeIdentity(s.idBytes); err == nil {
				s.identity = id
			}
		}
	}
	return s.identity
}

// LastSeen reports when the session was last used, as far as the store knows: the middleware
// writes the time through at most every IdleTimeout/16 (and at least every minute).
func (s *Session) LastSeen() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastSeen
}

// HasToken reports whether the session holds ThaID tokens.
func (s *Session) HasToken() bool { return s.currentToken() != nil }

// currentToken returns the session's tokens, decoding them on first use.
func (s *Session) currentToken() *thaid.Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.tokDone {
		s.tokDone = true
		s.token, _ = decodeToken(s.tokBytes)
	}
	return s.token
}

// adopt makes the session show the record r (sealed and plaintext), as read or written by the
// middleware after a refresh; identity, when not nil, is the identity that r holds.
func (s *Session) adopt(sealed, plain []byte, parts sessionParts, identity *thaid.Identity) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sealed, s.plain = sealed, plain
	s.lastSeen = parts.lastSeen
	s.idBytes, s.tokBytes = parts.identity, parts.token
	s.idDone, s.identity = identity != nil, identity
	s.tokDone, s.token = false, nil
}

// LogValue implements slog.LogValuer: a logged session shows its user ID and masked PID, never
// its tokens, its cookie or its store key.
func (s *Session) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("user_id", s.UserID), slog.Time("created_at", s.CreatedAt)}
	if id := s.Identity(); id != nil {
		attrs = append(attrs, slog.Any("pid", id.PID))
	}
	return slog.GroupValue(attrs...)
}

type ctxKey struct{}

// SessionFrom returns the session that Require or Optional attached to the request context.
func SessionFrom(ctx context.Context) (*Session, bool) {
	s, ok := ctx.Value(ctxKey{}).(*Session)
	return s, ok && s != nil
}

// IdentityFrom returns the signed-in citizen's identity that Require or Optional attached to the
// request context.
func IdentityFrom(ctx context.Context) (*thaid.Identity, bool) {
	s, ok := SessionFrom(ctx)
	if !ok {
		return nil, false
	}
	id := s.Identity()
	return id, id != nil
}
