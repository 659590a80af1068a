package redisstore_test

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/middleware/redisstore"
)

func TestStoreCluster(t *testing.T) {
	cluster := testCluster(t)
	runSuites(t, cluster)

	// The suites prove nothing about a cluster if every key hashed to one node: check that keys
	// written through the store spread over the masters.
	t.Run("KeysOnSeveralMasters", func(t *testing.T) {
		prefix := testPrefix(t, cluster)
		st := redisstore.New(cluster, prefix)
		ctx := context.Background()
		const n = 24 // all on one of 3 masters by chance: 3 * 3^-24
		for range n {
			if ok, err := st.Add(ctx, "s:"+rand.Text(), []byte("v"), time.Minute); err != nil || !ok {
				t.Fatalf("Add = %v, %v", ok, err)
			}
		}
		counts := map[string]int{}
		for addr, keys := range dumpByNode(t, cluster, prefix) {
			counts[addr] = len(keys)
		}
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
