package redisstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/thaid-go/thaid-go/middleware"
)

// DefaultPrefix is the key prefix used when New is given "".
const DefaultPrefix = "thaid:"

// Store is a middleware.Store on Redis. It is safe for concurrent use.
type Store struct {
	rdb    redis.UniversalClient
	prefix string
}

var _ middleware.Store = (*Store)(nil)

// New returns a Store that keeps its keys under prefix ("" = DefaultPrefix). Give each
// application its own prefix when they share a Redis database.
func New(rdb redis.UniversalClient, prefix string) *Store {
	return &Store{rdb: rdb, prefix: cmp.Or(prefix, DefaultPrefix)}
}

// Get implements middleware.Store.
func (s *Store) Get(ctx context.Context, key string) ([]byte, error) {
	b, err := s.rdb.Get(ctx, s.prefix+key).Bytes()
	return b, wrap(err)
}

// Add implements middleware.Store with SET NX PX.
func (s *Store) Add(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if ttl <= 0 {
		return false, errTTL
	}
	err := s.rdb.SetArgs(ctx, s.prefix+key, value, redis.SetArgs{Mode: "NX", TTL: millis(ttl)}).Err()
	if errors.Is(err, redis.Nil) {
		return false, nil
	}
	return err == nil, wrap(err)
}

// swapScript sets KEYS[1] to ARGV[2] with a TTL of ARGV[3] ms if it holds ARGV[1].
var swapScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
	redis.call("SET", KEYS[1], ARGV[2], "PX", ARGV[3])
	return 1
end
return 0`)

// deleteScript deletes KEYS[1] if it holds ARGV[1].
var deleteScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("DEL", KEYS[1])
end
return 0`)

// CompareAndSwap implements middleware.Store with a Lua script.
func (s *Store) CompareAndSwap(ctx context.Context, key string, old, value []byte, ttl time.Duration) (bool, error) {
	if ttl <= 0 {
		return false, errTTL
	}
	n, err := swapScript.Run(ctx, s.rdb, []string{s.prefix + key}, old, value, millis(ttl).Milliseconds()).Int()
	return n == 1, wrap(err)
}

// CompareAndDelete implements middleware.Store with a Lua script.
func (s *Store) CompareAndDelete(ctx context.Context, key string, old []byte) (bool, error) {
	n, err := deleteScript.Run(ctx, s.rdb, []string{s.prefix + key}, old).Int()
	return n == 1, wrap(err)
}

// Delete implements middleware.Store.
func (s *Store) Delete(ctx context.Context, key string) error {
	return wrap(s.rdb.Del(ctx, s.prefix+key).Err())
}

var errTTL = errors.New("redisstore: TTL must be positive")

// millis rounds a positive TTL up to whole milliseconds, the resolution of PX.
func millis(ttl time.Duration) time.Duration {
	return (ttl + time.Millisecond - 1).Truncate(time.Millisecond)
}

// wrap maps redis.Nil to middleware.ErrNotFound and prefixes other errors.
func wrap(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, redis.Nil):
		return middleware.ErrNotFound
	default:
		return fmt.Errorf("redisstore: %w", err)
	}
}
