package middleware

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned by a Store's Get when the key holds no value, or its TTL has passed.
var ErrNotFound = errors.New("middleware: not found")

// Store keeps the middleware's server-side records as opaque bytes under string keys: sealed
// sessions, the locks that make one refresh per session, and the marks of used callbacks.
//
// A Store never sees a PID, a name, a token or a cookie value. A session record is sealed with
// AES-GCM under a key that only the browser's cookie carries, and it is stored under a SHA-256 of
// that cookie, which cannot be turned back into the cookie: whoever reads the store, a backup of
// it or a dump of its memory learns neither who is signed in nor how to sign in as them. Logins
// that have not come back yet are kept in the browser (a sealed cookie per login), not here, so
// requests from nobody in particular cannot make a Store grow.
//
// The memory store (NewMemoryStore) suits one instance; the Redis store in module
// github.com/thaid-go/thaid-go/middleware/redisstore suits several instances behind one domain.
// Implementations must be safe for concurrent use, and each method must be atomic with respect
// to the others on the same key. Keys are printable ASCII of at most 64 bytes; values are at
// most a few kilobytes. A TTL is always positive, and a value whose TTL has passed must never
// be returned again, nor block an Add. Package storetest holds a conformance suite that every
// implementation should pass.
type Store interface {
	// Get returns the value stored under key, or an error wrapping ErrNotFound. The caller does
	// not modify the returned slice.
	Get(ctx context.Context, key string) ([]byte, error)
	// Add stores value under key for ttl if key holds no value, and reports whether it did.
	Add(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error)
	// CompareAndSwap stores value under key for ttl if key still holds old, byte for byte, and
	// reports whether it did. A key that holds no value is not swapped (nothing is created).
	CompareAndSwap(ctx context.Context, key string, old, value []byte, ttl time.Duration) (bool, error)
	// CompareAndDelete removes key if it holds old, byte for byte, and reports whether it did.
	CompareAndDelete(ctx context.Context, key string, old []byte) (bool, error)
	// Delete removes key. Deleting a key that holds no value is not an error.
	Delete(ctx context.Context, key string) error
}
