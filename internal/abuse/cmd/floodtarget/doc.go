// Command floodtarget serves the smallest app protected by package middleware, as a target for
// the abuse suite (package abuse):
//
//	GET /login      auth.Login()
//	GET /callback   auth.Callback()
//	GET /private/   auth.Require: 200 "signed in"
//
//	floodtarget -issuer URL [-addr 127.0.0.1:0] [-store memory|redis] [-redis ADDR]
//	            [-redis-prefix P] [-client-id ID] [-client-secret S]
//
// It discovers the ThaID provider at -issuer (a thaid-mock in the suite), with its own base URL
// + "/callback" as the redirect URL. Once it serves, it prints one line on stdout:
//
//	listening http://127.0.0.1:PORT
//
// The middleware's logs are discarded: a flood would write a line per request. SIGINT or SIGTERM
// shut it down.
//
// Exit status: 0 after a graceful shutdown, and for -h (which prints the flags on stdout); 1
// when it failed: the address cannot be listened on, Redis does not answer, the provider's
// discovery fails; 2 for a wrong command line (an unknown flag, an argument, no -issuer, an
// unknown -store, -store redis without -redis).
package main
