package middleware

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/thaid-go/thaid-go/thaid"
)

// Session is a signed-in user's server-side session. The browser holds only its opaque random ID.
//
// A Session may be shared between concurrent requests (the memory store hands out the same
// pointer): treat its exported fields as read-only. It serialises to JSON in full, tokens
// included, for stores that encode it; it must never be logged or sent to a browser as JSON.
type Session struct {
	// UserID is the application's user ID, as returned by Config.OnLogin ("" without a hook).
	UserID string
	// Identity is the citizen's identity as ThaID asserted it at login.
	Identity *thaid.Identity
	// CreatedAt is when the session began (the login); it ends AbsoluteTimeout later.
	CreatedAt time.Time

	id        string       // the session ID (the cookie value); set by the middleware
	lastSeen  atomic.Int64 // unix nanoseconds of the last request
	lastSaved atomic.Int64 // unix nanoseconds of the last write to the store

	mu    sync.Mutex // guards token
	token *thaid.Token
}

// NewSession returns a session for a store implementation or a test. The middleware creates
// sessions itself at login.
func NewSession(userID string, id *thaid.Identity, tok *thaid.Token, createdAt time.Time) *Session {
	s := &Session{UserID: userID, Identity: id, CreatedAt: createdAt, token: tok}
	s.lastSeen.Store(createdAt.UnixNano())
	s.lastSaved.Store(createdAt.UnixNano())
	return s
}

// LastSeen reports when the session was last used (for the idle timeout).
func (s *Session) LastSeen() time.Time {
	return time.Unix(0, s.lastSeen.Load())
}

// HasToken reports whether the session holds ThaID tokens.
func (s *Session) HasToken() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.token != nil
}

// LogValue implements slog.LogValuer: a logged session shows its user ID and masked PID, never
// its tokens or ID.
func (s *Session) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("user_id", s.UserID), slog.Time("created_at", s.CreatedAt)}
	if s.Identity != nil {
		attrs = append(attrs, slog.Any("pid", s.Identity.PID))
	}
	return slog.GroupValue(attrs...)
}

// sessionJSON is the stored form of a Session.
type sessionJSON struct {
	UserID    string          `json:"user_id"`
	Identity  *thaid.Identity `json:"identity,omitempty"`
	Token     *thaid.Token    `json:"token,omitempty"`
	CreatedAt time.Time       `json:"created_at"`
	LastSeen  time.Time       `json:"last_seen"`
}

// MarshalJSON encodes the session in full (tokens included) for a store.
func (s *Session) MarshalJSON() ([]byte, error) {
	s.mu.Lock()
	tok := s.token
	s.mu.Unlock()
	return json.Marshal(sessionJSON{
		UserID:    s.UserID,
		Identity:  s.Identity,
		Token:     tok,
		CreatedAt: s.CreatedAt,
		LastSeen:  s.LastSeen(),
	})
}

// UnmarshalJSON decodes a session written by MarshalJSON.
func (s *Session) UnmarshalJSON(b []byte) error {
	var j sessionJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	s.UserID, s.Identity, s.CreatedAt = j.UserID, j.Identity, j.CreatedAt
	s.mu.Lock()
	s.token = j.Token
	s.mu.Unlock()
	last := j.LastSeen
	if last.IsZero() {
		last = j.CreatedAt
	}
	s.lastSeen.Store(last.UnixNano())
	s.lastSaved.Store(last.UnixNano())
	return nil
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
	if !ok || s.Identity == nil {
		return nil, false
	}
	return s.Identity, true
}
