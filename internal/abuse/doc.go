// Package abuse is the abuse suite of thaid-go: it floods a running app with anonymous login
// requests and measures what the flood costs the server. It has no non-test code; the programs
// it runs are under cmd/.
//
// TestFlood builds, without -race, three targets and runs each as its own process against a
// thaid-mock process in auto-approve mode:
//
//   - memory: cmd/floodtarget, an app protected by package middleware with the memory store;
//   - redis: cmd/floodtarget with the Redis store (needs THAID_TEST_REDIS_ADDR; skipped without
//     it unless THAID_TEST_REQUIRE_SERVICES=1);
//   - example: the example app examples/school-registration, with SQLite and memory sessions.
//
// For each target, after a warm-up, cmd/flood (also built without -race) sends ABUSE_REQUESTS
// (default 200,000) GET requests to the login path with a 2 KB return_to, no cookies and no
// redirects followed, from 64 keep-alive connections at full speed. Meanwhile the test samples
// the target's resident memory (VmRSS) every 100 ms, and, for the Redis target, Redis's
// used_memory. A third of the way into the flood, a simulated browser logs in for real through
// the mock and must reach the signed-in page. Each target gets one summary line on stdout:
//
//	abuse: target=memory requests=200000 rate=23456/s rss_base_mb=18.2 rss_max_mb=40.1 rss_growth_mb=21.9 real_login_ms=35 non_redirects=0
//
// The test fails when a flood response is not a redirect, when the real login does not
// complete, or when resident memory (or Redis's used_memory) grows by more than 64 MiB: the goal
// of issue 9 is that 1,000,000 such requests cost at most 64 MB. Run it at that full size with:
//
//	cd internal/abuse && ABUSE_REQUESTS=1000000 go test -run Flood -v -timeout 30m ./...
//
// with THAID_TEST_REDIS_ADDR=host:port set for the Redis target. The suite reads /proc, so it
// runs on Linux only.
package abuse
