package redisstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/middleware/redisstore"
	"github.com/thaid-go/thaid-go/middleware/storetest"
)

// testCluster connects to the Redis Cluster whose nodes THAID_TEST_REDIS_CLUSTER lists
// (host:port, comma-separated). Without it the test is skipped, unless
// THAID_TEST_REQUIRE_SERVICES=1.
func testCluster(t *testing.T) *redis.ClusterClient {
	t.Helper()
	addrs := os.Getenv("THAID_TEST_REDIS_CLUSTER")
	if addrs == "" {
		if os.Getenv("THAID_TEST_REQUIRE_SERVICES") == "1" {
			t.Fatal("THAID_TEST_REDIS_CLUSTER is not set and THAID_TEST_REQUIRE_SERVICES=1")
		}
		t.Skip("THAID_TEST_REDIS_CLUSTER is not set: no Redis Cluster to test against")
	}
	cluster := redis.NewClusterClient(&redis.ClusterOptions{Addrs: strings.Split(addrs, ",")})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := cluster.ForEachShard(ctx, func(ctx context.Context, node *redis.Client) error {
		return node.Ping(ctx).Err()
	}); err != nil {
		_ = cluster.Close()
		t.Fatalf("redis cluster at %s: %v", addrs, err)
	}
	t.Cleanup(func() { _ = cluster.Close() })
	return cluster
}

// clusterPrefix returns a random key prefix and deletes its keys, on every master, when the test
// ends.
func clusterPrefix(t *testing.T, cluster *redis.ClusterClient) string {
	t.Helper()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	prefix := "thaidtest:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		err := cluster.ForEachMaster(ctx, func(ctx context.Context, master *redis.Client) error {
			iter := master.Scan(ctx, 0, prefix+"*", 100).Iterator()
			for iter.Next(ctx) {
				// Each key lives on the master that SCAN found it on: delete it there.
				if err := master.Del(ctx, iter.Val()).Err(); err != nil {
					return err
				}
			}
			return iter.Err()
		})
		if err != nil {
			t.Errorf("deleting keys under %q: %v", prefix, err)
		}
	})
	return prefix
}

// keysPerMaster counts the keys under prefix on each master, by address.
func keysPerMaster(t *testing.T, cluster *redis.ClusterClient, prefix string) map[string]int {
	t.Helper()
	ctx := context.Background()
	var mu sync.Mutex
	counts := make(map[string]int)
	err := cluster.ForEachMaster(ctx, func(ctx context.Context, master *redis.Client) error {
		n := 0
		iter := master.Scan(ctx, 0, prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			n++
		}
		if err := iter.Err(); err != nil {
			return err
		}
		mu.Lock() // ForEachMaster calls fn concurrently
		counts[master.Options().Addr] = n
		mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatalf("scanning the masters: %v", err)
	}
	return counts
}

func TestStoreCluster(t *testing.T) {
	cluster := testCluster(t)
	storetest.Run(t, func(t *testing.T) middleware.Store {
		return redisstore.New(cluster, clusterPrefix(t, cluster))
	})

	// The suite proves nothing about a cluster if every key hashed to one node: check that keys
	// written through the store spread over the masters.
	t.Run("KeysOnSeveralMasters", func(t *testing.T) {
		prefix := clusterPrefix(t, cluster)
		st := redisstore.New(cluster, prefix)
		ctx := context.Background()
		const n = 24 // all on one of 3 masters by chance: 3 * 3^-24
		for range n {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			if ok, err := st.Add(ctx, "s:"+hex.EncodeToString(b), []byte("v"), time.Minute); err != nil || !ok {
				t.Fatalf("Add = %v, %v", ok, err)
			}
		}
		counts := keysPerMaster(t, cluster, prefix)
		total, used := 0, 0
		for _, c := range counts {
			total += c
			if c > 0 {
				used++
			}
		}
		t.Logf("keys per master: %v", counts)
		if total != n {
			t.Errorf("found %d keys under %q on the masters, want %d", total, prefix, n)
		}
		if len(counts) < 2 || used < 2 {
			t.Errorf("keys landed on %d of %d masters, want at least 2: %v", used, len(counts), counts)
		}
	})
}

// TestSealedCluster: after a login through the middleware with the cluster as its store, no key
// or value on any master reveals the citizen, a token or the session cookie.
func TestSealedCluster(t *testing.T) {
	cluster := testCluster(t)
	prefix := clusterPrefix(t, cluster)
	storetest.RunSealed(t, redisstore.New(cluster, prefix), func(t *testing.T) map[string][]byte {
		var mu sync.Mutex
		all := map[string][]byte{}
		err := cluster.ForEachMaster(context.Background(), func(ctx context.Context, master *redis.Client) error {
			iter := master.Scan(ctx, 0, prefix+"*", 100).Iterator()
			for iter.Next(ctx) {
				v, err := master.Get(ctx, iter.Val()).Bytes()
				if err != nil && !errors.Is(err, redis.Nil) {
					return err
				}
				mu.Lock()
				all[iter.Val()] = v
				mu.Unlock()
			}
			return iter.Err()
		})
		if err != nil {
			t.Fatalf("dumping the cluster: %v", err)
		}
		return all
	})
}

// TestOneRefreshCluster: two instances sharing a Redis Cluster refresh a session once.
func TestOneRefreshCluster(t *testing.T) {
	cluster := testCluster(t)
	storetest.RunOneRefresh(t, redisstore.New(cluster, clusterPrefix(t, cluster)))
}
