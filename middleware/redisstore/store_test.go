package redisstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/middleware/redisstore"
	"github.com/thaid-go/thaid-go/middleware/storetest"
)

// testRedis connects to the Redis named by THAID_TEST_REDIS_ADDR. Without it the test is
// skipped, unless THAID_TEST_REQUIRE_SERVICES=1.
func testRedis(t *testing.T) *redis.Client {
	t.Helper()
	addr := os.Getenv("THAID_TEST_REDIS_ADDR")
	if addr == "" {
		if os.Getenv("THAID_TEST_REQUIRE_SERVICES") == "1" {
			t.Fatal("THAID_TEST_REDIS_ADDR is not set and THAID_TEST_REQUIRE_SERVICES=1")
		}
		t.Skip("THAID_TEST_REDIS_ADDR is not set: no Redis to test against")
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		_ = rdb.Close()
		t.Fatalf("redis at %s: %v", addr, err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// testPrefix returns a random key prefix and deletes its keys when the test ends.
func testPrefix(t *testing.T, rdb *redis.Client) string {
	t.Helper()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	prefix := "thaidtest:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
	})
	return prefix
}

func TestStore(t *testing.T) {
	rdb := testRedis(t)
	storetest.Run(t, func(t *testing.T) middleware.Store {
		return redisstore.New(rdb, testPrefix(t, rdb))
	})
}

// TestSealed: after a login through the middleware with Redis as its store, nothing in Redis
// (read with SCAN and GET, around the store) reveals the citizen, a token or the session cookie.
func TestSealed(t *testing.T) {
	rdb := testRedis(t)
	prefix := testPrefix(t, rdb)
	storetest.RunSealed(t, redisstore.New(rdb, prefix), func(t *testing.T) map[string][]byte {
		ctx := context.Background()
		all := map[string][]byte{}
		iter := rdb.Scan(ctx, 0, prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			v, err := rdb.Get(ctx, iter.Val()).Bytes()
			if err != nil && !errors.Is(err, redis.Nil) {
				t.Fatal(err)
			}
			all[iter.Val()] = v
		}
		if err := iter.Err(); err != nil {
			t.Fatal(err)
		}
		return all
	})
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
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	key := "s:" + hex.EncodeToString(b)
	if ok, err := st.Add(ctx, key, []byte("v"), time.Minute); err != nil || !ok {
		t.Fatal(ok, err)
	}
	t.Cleanup(func() { rdb.Del(context.Background(), redisstore.DefaultPrefix+key) })
	if n, _ := rdb.Exists(ctx, redisstore.DefaultPrefix+key).Result(); n != 1 {
		t.Errorf("value not stored under %q", redisstore.DefaultPrefix)
	}
}
