package storetest_test

import (
	"testing"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/middleware/storetest"
)

// The test of a Store runs the three suites: Run for the semantics the middleware relies on,
// RunSealed for what the store gets to see (nothing personal), RunOneRefresh for one refresh per
// session across two instances sharing the store. Here the store is the memory store; put yours
// in its place.
//
// Not run as an example: the suites need the *testing.T of a test. The middleware package's
// memory_test.go runs exactly these calls, and package redisstore runs them against Redis and a
// Redis Cluster.
func Example() {
	var t *testing.T // the *testing.T of your TestStore

	newStore := func(t *testing.T) middleware.Store {
		return middleware.NewMemoryStore() // an empty store (or a fresh key prefix) per subtest
	}
	storetest.Run(t, newStore)
	storetest.RunSealed(t, newStore(t), nil) // nil: no backend to dump beside what Get returns
	storetest.RunOneRefresh(t, newStore(t))
}
