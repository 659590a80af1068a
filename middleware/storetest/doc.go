// Package storetest is a conformance suite for implementations of middleware.Store. Every store
// (the memory store, the Redis store, your own) runs it from its tests:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) middleware.Store { return newTestStore(t) })
//		storetest.RunSealed(t, newTestStore(t), nil)
//		storetest.RunOneRefresh(t, newTestStore(t))
//		storetest.RunLogoutDuringRefresh(t, newTestStore(t))
//	}
//
// Run checks the semantics the middleware relies on (atomic add, compare-and-swap and
// compare-and-delete, TTLs); RunSealed logs a citizen in through the middleware with the store
// and checks that nothing it keeps reveals the citizen, their tokens or their cookie;
// RunOneRefresh and RunLogoutDuringRefresh run two instances of an application on the store and
// check that they refresh a session once, and that a logout on one ends what a refresh on the
// other produced at the same moment.
package storetest
