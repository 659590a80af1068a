package middleware

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/patrickmn/go-cache"
)

// MemoryStore is the default Store: it keeps sessions and pending logins in process memory, on
// github.com/patrickmn/go-cache. It stores the Go values themselves (no encoding), which makes it
// fast, but sessions do not survive a restart and are not shared between instances: use the Redis
// store for that.
type MemoryStore struct {
	sessions *cache.Cache
	pending  *cache.Cache
	takeMu   sync.Mutex // makes TakePending's get-and-delete atomic
}

// NewMemoryStore returns an empty MemoryStore. Expired entries are swept every minute.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		sessions: cache.New(cache.NoExpiration, time.Minute),
		pending:  cache.New(cache.NoExpiration, time.Minute),
	}
}

// GetSession implements Store. The returned *Session is shared: callers must not modify its
// exported fields.
func (m *MemoryStore) GetSession(_ context.Context, id string) (*Session, error) {
	v, ok := m.sessions.Get(id)
	if !ok {
		return nil, ErrNotFound
	}
	s, ok := v.(*Session)
	if !ok || s == nil {
		return nil, ErrNotFound
	}
	return s, nil
}

// SaveSession implements Store.
func (m *MemoryStore) SaveSession(_ context.Context, id string, s *Session, ttl time.Duration) error {
	if s == nil {
		return fmt.Errorf("middleware: nil session")
	}
	m.sessions.Set(id, s, positive(ttl))
	return nil
}

// TouchSession implements SessionToucher: it replaces the session only if it still exists.
func (m *MemoryStore) TouchSession(_ context.Context, id string, s *Session, ttl time.Duration) error {
	if s == nil {
		return fmt.Errorf("middleware: nil session")
	}
	_ = m.sessions.Replace(id, s, positive(ttl)) // an error means "gone": nothing to do
	return nil
}

// DeleteSession implements Store.
func (m *MemoryStore) DeleteSession(_ context.Context, id string) error {
	m.sessions.Delete(id)
	return nil
}

// SavePending implements Store.
func (m *MemoryStore) SavePending(_ context.Context, state string, p *PendingLogin, ttl time.Duration) error {
	if p == nil {
		return fmt.Errorf("middleware: nil pending login")
	}
	m.pending.Set(state, p, positive(ttl))
	return nil
}

// TakePending implements Store.
func (m *MemoryStore) TakePending(_ context.Context, state string) (*PendingLogin, error) {
	m.takeMu.Lock()
	v, ok := m.pending.Get(state)
	if ok {
		m.pending.Delete(state)
	}
	m.takeMu.Unlock()
	if !ok {
		return nil, ErrNotFound
	}
	p, ok := v.(*PendingLogin)
	if !ok || p == nil {
		return nil, ErrNotFound
	}
	return p, nil
}

// positive maps a non-positive TTL to one nanosecond, so that it expires at once rather than
// being kept forever (go-cache treats 0 and -1 specially).
func positive(d time.Duration) time.Duration {
	if d <= 0 {
		return time.Nanosecond
	}
	return d
}
