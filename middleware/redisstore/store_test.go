package redisstore_test

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/middleware/redisstore"
	"github.com/thaid-go/thaid-go/middleware/storetest"
)

// TestStore runs every storetest suite on a store over Redis.
func TestStore(t *testing.T) {
	runSuites(t, testRedis(t))
}

// runSuites runs every storetest suite on stores over rdb, each under a prefix of its own: the
// conformance suite; a login through the middleware after which nothing in Redis (read with SCAN
// and GET, around the store) reveals the citizen, a token or the session cookie; two instances
// that refresh a session once (issue 9); and a logout on one instance that also ends what a
// refresh on another produced meanwhile (issue 21).
func runSuites(t *testing.T, rdb redis.UniversalClient) {
	newStore := func(t *testing.T) middleware.Store { return redisstore.New(rdb, testPrefix(t, rdb)) }
	t.Run("Conformance", func(t *testing.T) { storetest.Run(t, newStore) })
	t.Run("Sealed", func(t *testing.T) {
		prefix := testPrefix(t, rdb)
		storetest.RunSealed(t, redisstore.New(rdb, prefix), func(t *testing.T) map[string][]byte {
			return dump(t, rdb, prefix)
		})
	})
	t.Run("OneRefresh", func(t *testing.T) { storetest.RunOneRefresh(t, newStore(t)) })
	t.Run("LogoutDuringRefresh", func(t *testing.T) { storetest.RunLogoutDuringRefresh(t, newStore(t)) })
}

func TestKeysAndTTL(t *testing.T) {
	rdb := testRedis(t)
	prefix := testPrefix(t, rdb)
	st := redisstore.New(rdb, prefix)
	ctx := context.Background()
	if ok, err := st.Add(ctx, "s:a", []byte("v"), 90*time.Second); err != nil || !ok {
		t.Fatalf("Add = %v, %v", ok, err)
	}
	if ok, err := st.Add(ctx, "l:b", []byte("v"), 1500*time.Microsecond); err != nil || !ok {
		t.Fatalf("Add = %v, %v", ok, err)
	}
	if ok, err := st.CompareAndSwap(ctx, "s:a", []byte("v"), []byte("w"), 10*time.Minute); err != nil || !ok {
		t.Fatalf("CompareAndSwap = %v, %v", ok, err)
	}
	ttl, err := rdb.PTTL(ctx, prefix+"s:a").Result()
	if err != nil {
		t.Fatal(err)
	}
	if ttl < 9*time.Minute || ttl > 10*time.Minute {
		t.Errorf("PTTL after CompareAndSwap = %v, want the new 10 min", ttl)
	}
	for _, bad := range []time.Duration{0, -time.Second} {
		if _, err := st.Add(ctx, "s:c", []byte("v"), bad); err == nil {
			t.Errorf("Add with TTL %v succeeded: a key without expiry would live forever", bad)
		}
		if _, err := st.CompareAndSwap(ctx, "s:a", []byte("w"), []byte("x"), bad); err == nil {
			t.Errorf("CompareAndSwap with TTL %v succeeded", bad)
		}
	}
	if n, _ := rdb.Exists(ctx, prefix+"s:c").Result(); n != 0 {
		t.Errorf("a key was stored with a non-positive TTL")
	}
}

func TestDefaultPrefix(t *testing.T) {
	rdb := testRedis(t)
	st := redisstore.New(rdb, "")
	ctx := context.Background()
	key := "s:" + rand.Text()
	if ok, err := st.Add(ctx, key, []byte("v"), time.Minute); err != nil || !ok {
		t.Fatal(ok, err)
	}
	t.Cleanup(func() { rdb.Del(context.Background(), redisstore.DefaultPrefix+key) })
	if n, _ := rdb.Exists(ctx, redisstore.DefaultPrefix+key).Result(); n != 1 {
		t.Errorf("value not stored under %q", redisstore.DefaultPrefix)
	}
}
