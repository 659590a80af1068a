package middleware

import (
	"context"
	"errors"
	"time"

	"github.com/thaid-go/thaid-go/thaid"
)

// ErrNotFound is returned by a Store when a session or pending login does not exist, has expired
// or (for pending logins) was already taken.
var ErrNotFound = errors.New("middleware: not found")

// Store keeps sessions and pending logins on the server side. The memory store (NewMemoryStore)
// suits one instance; the Redis store in module
// github.com/thaid-go/thaid-go/middleware/redisstore suits several instances behind one domain.
//
// Implementations must be safe for concurrent use. The package storetest holds a conformance suite
// that every implementation should pass.
type Store interface {
	// GetSession returns the session stored under id, or an error wrapping ErrNotFound.
	GetSession(ctx context.Context, id string) (*Session, error)
	// SaveSession stores s under id, replacing any earlier value; the store may drop it after ttl.
	SaveSession(ctx context.Context, id string, s *Session, ttl time.Duration) error
	// DeleteSession removes the session stored under id. Deleting a missing session is not an
	// error.
	DeleteSession(ctx context.Context, id string) error
	// SavePending stores a pending login under its state; the store may drop it after ttl.
	SavePending(ctx context.Context, state string, p *PendingLogin, ttl time.Duration) error
	// TakePending atomically returns and removes the pending login stored under state, so that
	// each one can be used once only. It returns an error wrapping ErrNotFound when there is none.
	TakePending(ctx context.Context, state string) (*PendingLogin, error)
}

// SessionToucher is an optional Store method. TouchSession rewrites an existing session (its
// last-seen time, refreshed tokens) and extends its TTL, but must not recreate a session that
// was deleted meanwhile (for example by a logout on another instance). The middleware uses it,
// when the store has it, for every write except the first, so that a request racing a logout
// cannot bring the session back. Both built-in stores implement it.
type SessionToucher interface {
	// TouchSession replaces the session stored under id only if it still exists. A missing
	// session is not an error.
	TouchSession(ctx context.Context, id string, s *Session, ttl time.Duration) error
}

// PendingLogin is a login that was started (the browser went to ThaID) and has not come back yet.
// It is stored under its state and serialises to JSON.
type PendingLogin struct {
	// Login holds the state, nonce and PKCE verifier of the attempt.
	Login thaid.Login `json:"login"`
	// ReturnTo is the validated same-origin path to go to after the login.
	ReturnTo string `json:"return_to"`
	// BrowserHash is the SHA-256 (base64url) of the browser-binding cookie value of the browser
	// that started the login. The callback only succeeds in a browser holding that cookie.
	BrowserHash string `json:"browser_hash"`
	// CreatedAt is when the login started.
	CreatedAt time.Time `json:"created_at"`
}
