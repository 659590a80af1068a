package middleware

import (
	"context"
	"crypto/cipher"
	"crypto/sha256"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/thaid-go/thaid-go/thaid"
)

// Session is a signed-in user's session, as Require, Optional and AccessToken see it during one
// request. The browser holds only a random 256-bit value; the store holds the session sealed
// under a key derived from that value (see Store).
//
// A Session belongs to the request that opened it. Its identity and tokens are decrypted and
// decoded when first asked for, so that requests that only need to know that someone is signed
// in do not pay for them. It must never be logged in full or sent to a browser: LogValue shows
// only the user ID and the masked PID.
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
	body     string // the record's body, opened on first use ("" when it does not open)
	bodyDone bool
	identity *thaid.Identity
	idDone   bool
	token    *thaid.Token
	received time.Time // when the middleware received token (zero: unknown)
	tokDone  bool
	aad      [recordAADLen]byte // scratch space for opening the record

	head [headInline]byte // where the head of the first record read is opened

	// The request that Require or Optional pass on, and its context, which holds the session:
	// both live in the Session, so that attaching it to the request allocates nothing more.
	ctx sessionContext
	req http.Request
}

// headInline is the room for a head in the Session itself: enough for user IDs of up to 80 bytes.
const headInline = headSize + 80

// Identity returns the citizen's identity as ThaID asserted it at login, or at the last refresh
// that returned a new ID token. It is decrypted and decoded from the sealed record on first use.
// It is nil for a session made without one, or when the stored record's body does not open or
// decode (altered in the store): IdentityFrom then reports no identity.
func (s *Session) Identity() *thaid.Identity {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.idDone {
		s.idDone = true
		if enc, _, err := decodeBody(s.bodyLocked()); err == nil && enc != "" {
			s.identity, _ = decodeIdentity(enc)
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
func (s *Session) HasToken() bool {
	tok, _ := s.currentToken()
	return tok != nil
}

// currentToken returns the session's tokens, and when the middleware received them (zero when
// unknown), decoding them on first use.
func (s *Session) currentToken() (*thaid.Token, time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.tokDone {
		s.tokDone = true
		if _, enc, err := decodeBody(s.bodyLocked()); err == nil {
			s.token, s.received, _ = decodeToken(enc)
		}
	}
	return s.token, s.received
}

// bodyBufs holds the buffers that bodies are decrypted into before they become strings.
var bodyBufs = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// bodyLocked returns the body of s's record, opening it on first use. s.mu is held.
func (s *Session) bodyLocked() string {
	if !s.bodyDone {
		s.bodyDone = true
		bp := bodyBufs.Get().(*[]byte)
		if p, err := openBody((*bp)[:0], &s.aad, s.aead, &s.hash, s.sealed); err == nil {
			s.body = string(p)
			*bp = p[:0]
		}
		bodyBufs.Put(bp)
	}
	return s.body
}

// showLocked makes s show the sealed record read from the store, opening its head into dst. It
// returns what the head holds. s.mu is held (or s is not shared yet). A record that does not
// open under the cookie's key (altered, or copied from another key) counts as missing.
func (s *Session) showLocked(sealed, dst []byte) (created time.Time, userID []byte, err error) {
	head, err := openHead(dst, &s.aad, s.aead, &s.hash, sealed)
	if err != nil {
		return time.Time{}, nil, notFound(err)
	}
	created, lastSeen, userID, err := decodeHead(head)
	if err != nil {
		return time.Time{}, nil, notFound(err)
	}
	s.sealed, s.lastSeen = sealed, lastSeen
	s.body, s.bodyDone = "", false
	s.identity, s.idDone = nil, false
	s.token, s.received, s.tokDone = nil, time.Time{}, false
	return created, userID, nil
}

// adopt makes s show the record that a refresh wrote: sealed, with body; identity is the
// refreshed identity (nil: the one s had is kept) and tok the refreshed tokens, received then.
func (s *Session) adopt(sealed []byte, body string, identity *thaid.Identity, tok *thaid.Token, received time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sealed = sealed
	s.body, s.bodyDone = body, true
	if identity != nil {
		s.identity, s.idDone = identity, true
	}
	s.token, s.received, s.tokDone = tok, received, true
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

// sessionContext is the context of a request that carries a session: its parent's, with the
// session as the value of ctxKey.
type sessionContext struct {
	context.Context
	s *Session
}

// Value implements context.Context.
func (c *sessionContext) Value(key any) any {
	if key == (ctxKey{}) {
		return c.s
	}
	return c.Context.Value(key)
}

// withSession returns r carrying s (see SessionFrom). The request and its context are s's own
// fields: WithContext's copy does not escape, so that this allocates nothing.
func withSession(r *http.Request, s *Session) *http.Request {
	s.ctx = sessionContext{Context: r.Context(), s: s}
	s.req = *r.WithContext(&s.ctx)
	return &s.req
}

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
