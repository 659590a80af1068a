// Package redisstore is a middleware.Store on Redis (github.com/redis/go-redis/v9), for apps that
// run on several instances: a login started on one instance completes on another, and a logout
// on one ends the session everywhere.
//
// It is its own Go module, so that go-redis is not a dependency of the SDK:
//
//	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
//	auth, err := middleware.New(middleware.Config{
//		Client: client,
//		Store:  redisstore.New(rdb, "myapp:"),
//	})
//
// Sessions and pending logins are stored as JSON (tokens included: protect the Redis server) with
// the TTL the middleware asks for. Pending logins are taken with GETDEL (Redis 6.2 or later), so
// each is used once even when two instances receive the same callback.
package redisstore

import (
	"context"
	"encoding/json"
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

var (
	_ middleware.Store          = (*Store)(nil)
	_ middleware.SessionToucher = (*Store)(nil)
)

// New returns a Store that keeps its keys under prefix ("" = DefaultPrefix): sessions at
// prefix+"session:"+id and pending logins at prefix+"pending:"+state. Give each application its
// own prefix when they share a Redis database.
func New(rdb redis.UniversalClient, prefix string) *Store {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	return &Store{rdb: rdb, prefix: prefix}
}

func (s *Store) sessionKey(id string) string    { return s.prefix + "session:" + id }
func (s *Store) pendingKey(state string) string { return s.prefix + "pending:" + state }

// GetSession implements middleware.Store.
func (s *Store) GetSession(ctx context.Context, id string) (*middleware.Session, error) {
	b, err := s.rdb.Get(ctx, s.sessionKey(id)).Bytes()
	if err != nil {
		return nil, wrap(err)
	}
	sess := new(middleware.Session)
	if err := json.Unmarshal(b, sess); err != nil {
		return nil, fmt.Errorf("redisstore: decode session: %w", err)
	}
	return sess, nil
}

// SaveSession implements middleware.Store.
func (s *Store) SaveSession(ctx context.Context, id string, sess *middleware.Session, ttl time.Duration) error {
	if sess == nil {
		return errors.New("redisstore: nil session")
	}
	return s.set(ctx, s.sessionKey(id), sess, ttl)
}

// TouchSession implements middleware.SessionToucher with SET XX: a session deleted meanwhile
// (a logout on another instance) is not recreated.
func (s *Store) TouchSession(ctx context.Context, id string, sess *middleware.Session, ttl time.Duration) error {
	if sess == nil {
		return errors.New("redisstore: nil session")
	}
	if ttl <= 0 {
		return wrap(s.rdb.Del(ctx, s.sessionKey(id)).Err())
	}
	b, err := json.Marshal(sess)
	if err != nil {
		return fmt.Errorf("redisstore: encode: %w", err)
	}
	err = s.rdb.SetXX(ctx, s.sessionKey(id), b, ttl).Err()
	if errors.Is(err, redis.Nil) {
		return nil
	}
	return wrap(err)
}

// DeleteSession implements middleware.Store.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	return wrap(s.rdb.Del(ctx, s.sessionKey(id)).Err())
}

// SavePending implements middleware.Store.
func (s *Store) SavePending(ctx context.Context, state string, p *middleware.PendingLogin, ttl time.Duration) error {
	if p == nil {
		return errors.New("redisstore: nil pending login")
	}
	return s.set(ctx, s.pendingKey(state), p, ttl)
}

// TakePending implements middleware.Store with GETDEL, so each pending login is taken once.
func (s *Store) TakePending(ctx context.Context, state string) (*middleware.PendingLogin, error) {
	b, err := s.rdb.GetDel(ctx, s.pendingKey(state)).Bytes()
	if err != nil {
		return nil, wrap(err)
	}
	p := new(middleware.PendingLogin)
	if err := json.Unmarshal(b, p); err != nil {
		return nil, fmt.Errorf("redisstore: decode pending login: %w", err)
	}
	return p, nil
}

// set stores v as JSON under key for ttl. A non-positive ttl deletes the key (in Redis a zero
// expiration would mean "keep forever").
func (s *Store) set(ctx context.Context, key string, v any, ttl time.Duration) error {
	if ttl <= 0 {
		return wrap(s.rdb.Del(ctx, key).Err())
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("redisstore: encode: %w", err)
	}
	return wrap(s.rdb.Set(ctx, key, b, ttl).Err())
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
