package middleware

import (
	"bytes"
	"context"
	"errors"
	"hash/maphash"
	"sync"
	"time"

	"github.com/patrickmn/go-cache"
)

// memoryShards is the number of independent parts of a MemoryStore. Each has its own lock and
// its own sweep of expired records, so that a million sessions never wait on one lock or one
// sweep of the whole map.
const memoryShards = 32

// errTTL is the error for a non-positive TTL.
var errTTL = errors.New("middleware: TTL must be positive")

// MemoryStore is the default Store: it keeps the middleware's sealed records in process memory,
// in shards of github.com/patrickmn/go-cache, and sweeps expired ones every minute. Records do
// not survive a restart and are not shared between instances: use the Redis store for that.
type MemoryStore struct {
	seed   maphash.Seed
	shards [memoryShards]memoryShard
}

type memoryShard struct {
	mu sync.Mutex // serialises the writes of one shard, so that compare-and-swap is atomic
	c  *cache.Cache
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	m := &MemoryStore{seed: maphash.MakeSeed()}
	for i := range m.shards {
		m.shards[i].c = cache.New(cache.NoExpiration, time.Minute)
	}
	return m
}

func (m *MemoryStore) shard(key string) *memoryShard {
	return &m.shards[maphash.String(m.seed, key)%memoryShards]
}

// Get implements Store. It does not allocate.
func (m *MemoryStore) Get(_ context.Context, key string) ([]byte, error) {
	v, ok := m.shard(key).c.Get(key)
	if !ok {
		return nil, ErrNotFound
	}
	b, _ := v.([]byte)
	return b, nil
}

// Add implements Store.
func (m *MemoryStore) Add(_ context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if ttl <= 0 {
		return false, errTTL
	}
	s := m.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.c.Add(key, bytes.Clone(value), ttl) == nil, nil
}

// CompareAndSwap implements Store.
func (m *MemoryStore) CompareAndSwap(_ context.Context, key string, old, value []byte, ttl time.Duration) (bool, error) {
	if ttl <= 0 {
		return false, errTTL
	}
	s := m.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.holds(key, old) {
		return false, nil
	}
	s.c.Set(key, bytes.Clone(value), ttl)
	return true, nil
}

// CompareAndDelete implements Store.
func (m *MemoryStore) CompareAndDelete(_ context.Context, key string, old []byte) (bool, error) {
	s := m.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.holds(key, old) {
		return false, nil
	}
	s.c.Delete(key)
	return true, nil
}

// Delete implements Store.
func (m *MemoryStore) Delete(_ context.Context, key string) error {
	s := m.shard(key)
	s.mu.Lock()
	s.c.Delete(key)
	s.mu.Unlock()
	return nil
}

// Len returns the number of records held, counting expired ones that were not swept yet.
func (m *MemoryStore) Len() int {
	n := 0
	for i := range m.shards {
		n += m.shards[i].c.ItemCount()
	}
	return n
}

// holds reports whether key holds a live value equal to v. s.mu is held.
func (s *memoryShard) holds(key string, v []byte) bool {
	cur, ok := s.c.Get(key)
	if !ok {
		return false
	}
	b, _ := cur.([]byte)
	return bytes.Equal(b, v)
}
