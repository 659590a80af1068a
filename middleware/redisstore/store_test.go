package redisstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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

func TestKeysAndTTL(t *testing.T) {
	rdb := testRedis(t)
	prefix := testPrefix(t, rdb)
	st := redisstore.New(rdb, prefix)
	ctx := context.Background()
	if err := st.SaveSession(ctx, "sid", storetest.NewFullSession(t), 90*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := st.SavePending(ctx, "state", &middleware.PendingLogin{ReturnTo: "/"}, 10*time.Minute); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key      string
		min, max time.Duration
	}{
		{prefix + "session:sid", 80 * time.Second, 90 * time.Second},
		{prefix + "pending:state", 9 * time.Minute, 10 * time.Minute},
	}
	for _, tt := range tests {
		ttl, err := rdb.PTTL(ctx, tt.key).Result()
		if err != nil {
			t.Fatal(err)
		}
		if ttl < tt.min || ttl > tt.max {
			t.Errorf("PTTL(%s) = %v, want between %v and %v", tt.key, ttl, tt.min, tt.max)
		}
	}
	// A non-positive TTL removes the key rather than keeping it forever.
	if err := st.SaveSession(ctx, "sid", storetest.NewFullSession(t), 0); err != nil {
		t.Fatal(err)
	}
	if n, _ := rdb.Exists(ctx, prefix+"session:sid").Result(); n != 0 {
		t.Errorf("session kept after SaveSession with ttl 0")
	}
}

func TestDefaultPrefix(t *testing.T) {
	rdb := testRedis(t)
	st := redisstore.New(rdb, "")
	ctx := context.Background()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	if err := st.SavePending(ctx, id, &middleware.PendingLogin{}, time.Minute); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Del(context.Background(), redisstore.DefaultPrefix+"pending:"+id) })
	if n, _ := rdb.Exists(ctx, redisstore.DefaultPrefix+"pending:"+id).Result(); n != 1 {
		t.Errorf("pending login not stored under %q", redisstore.DefaultPrefix)
	}
}
