// Package redisstore keeps the sessions of the ThaID login middleware in Redis, for an
// application that runs on several instances: a session started on one instance is seen by all,
// a logout on one ends it everywhere, and the instances refresh a session's tokens once between
// them. Store is a middleware.Store on any redis.UniversalClient of
// github.com/redis/go-redis/v9: a single Redis, Sentinel or Redis Cluster (every command touches
// one key, so a cluster never answers CROSSSLOT).
//
// It is a Go module of its own, so that go-redis is not a dependency of the SDK:
//
//	go get github.com/thaid-go/thaid-go/middleware/redisstore
//
// # Set up
//
// Build the go-redis client as usual and give it to New with a key prefix of the application's
// own; give every instance the same Config.CookieKeys too, or a login started on one instance
// fails on another:
//
//	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
//	auth, err := middleware.New(middleware.Config{
//		Client:     client,
//		Store:      redisstore.New(rdb, "myapp:"),
//		CookieKeys: keys, // the same on every instance
//	})
//
// For a Redis Cluster, pass redis.NewClusterClient(&redis.ClusterOptions{Addrs: ...}); for
// Sentinel, redis.NewFailoverClient. redis.ParseURL and redis.ParseClusterURL read the options
// from a URL such as REDIS_URL (redis://, or rediss:// for TLS). The README of this module shows
// each, with the test services.
//
// # What Redis holds
//
// Nothing readable: the middleware gives the store only sealed records under hashed keys (see
// middleware.Store), so neither Redis, nor a dump or a backup of it, holds a PID, a name, a token
// or a usable cookie. The keys are the prefix followed by "s:" (sessions), "l:" (the short locks
// of token refreshes) or "u:" (the marks of used callbacks) and a base64url SHA-256; every key
// has the TTL the middleware asks for, so nothing outlives its session. Compare-and-swap and
// compare-and-delete are short Lua scripts; SET with NX and PX needs Redis 2.6.12 or later.
package redisstore
