package redisstore_test

import (
	"context"
	"crypto/rand"
	"errors"
	"maps"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// serviceEnv returns the test service address that the variable name holds. Without it the
// test is skipped, unless THAID_TEST_REQUIRE_SERVICES=1.
func serviceEnv(t *testing.T, name, what string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		if os.Getenv("THAID_TEST_REQUIRE_SERVICES") == "1" {
			t.Fatalf("%s is not set and THAID_TEST_REQUIRE_SERVICES=1", name)
		}
		t.Skipf("%s is not set: no %s to test against", name, what)
	}
	return v
}

// testRedis connects to the Redis named by THAID_TEST_REDIS_ADDR.
func testRedis(t *testing.T) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: serviceEnv(t, "THAID_TEST_REDIS_ADDR", "Redis")})
	mustReach(t, rdb)
	return rdb
}

// testCluster connects to the Redis Cluster whose nodes THAID_TEST_REDIS_CLUSTER lists
// (host:port, comma-separated).
func testCluster(t *testing.T) *redis.ClusterClient {
	t.Helper()
	addrs := serviceEnv(t, "THAID_TEST_REDIS_CLUSTER", "Redis Cluster")
	cluster := redis.NewClusterClient(&redis.ClusterOptions{Addrs: strings.Split(addrs, ",")})
	mustReach(t, cluster)
	return cluster
}

// mustReach pings every node of rdb, and closes rdb when the test ends.
func mustReach(t *testing.T, rdb redis.UniversalClient) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := eachNode(ctx, rdb, func(ctx context.Context, node *redis.Client) error {
		return node.Ping(ctx).Err()
	}); err != nil {
		_ = rdb.Close()
		t.Fatalf("redis: %v", err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
}

// eachNode runs fn on every node that holds keys: the server of a plain client, or each master
// of a cluster (concurrently).
func eachNode(ctx context.Context, rdb redis.UniversalClient, fn func(ctx context.Context, node *redis.Client) error) error {
	if c, ok := rdb.(*redis.ClusterClient); ok {
		return c.ForEachMaster(ctx, fn)
	}
	return fn(ctx, rdb.(*redis.Client))
}

// dumpByNode reads every key under prefix, with its value, from each node (by address), with
// SCAN and GET: around the store.
func dumpByNode(t *testing.T, rdb redis.UniversalClient, prefix string) map[string]map[string][]byte {
	t.Helper()
	var mu sync.Mutex
	nodes := map[string]map[string][]byte{}
	err := eachNode(context.Background(), rdb, func(ctx context.Context, node *redis.Client) error {
		keys := map[string][]byte{}
		iter := node.Scan(ctx, 0, prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			v, err := node.Get(ctx, iter.Val()).Bytes()
			if err != nil && !errors.Is(err, redis.Nil) {
				return err
			}
			keys[iter.Val()] = v
		}
		mu.Lock()
		nodes[node.Options().Addr] = keys
		mu.Unlock()
		return iter.Err()
	})
	if err != nil {
		t.Fatalf("reading the keys under %q: %v", prefix, err)
	}
	return nodes
}

// dump is dumpByNode with the nodes merged.
func dump(t *testing.T, rdb redis.UniversalClient, prefix string) map[string][]byte {
	t.Helper()
	all := map[string][]byte{}
	for _, keys := range dumpByNode(t, rdb, prefix) {
		maps.Copy(all, keys)
	}
	return all
}

// testPrefix returns a random key prefix and deletes its keys, on every node, when the test ends.
func testPrefix(t *testing.T, rdb redis.UniversalClient) string {
	t.Helper()
	prefix := "thaidtest:" + rand.Text() + ":"
	t.Cleanup(func() {
		for k := range dump(t, rdb, prefix) {
			if err := rdb.Del(context.Background(), k).Err(); err != nil {
				t.Errorf("deleting %s: %v", k, err)
			}
		}
	})
	return prefix
}
