// Command thaid-mock serves a ThaID-compatible OpenID provider (package mockprovider) for demos,
// manual testing and real-browser tests, without DOPA credentials.
//
//	go run github.com/thaid-go/thaid-go/mockprovider/cmd/thaid-mock [flags]
//
// From a module of one's own, go run needs the go.sum lines of the mock's dependencies: until
// "go mod tidy" (or the go get that the error proposes) has written them, it stops with
// "missing go.sum entry for module providing package ...".
//
// With no flags it listens on 127.0.0.1:9090, registers the demo client
// (client_id "thaid-demo", client_secret "demo-secret") that accepts ANY redirect URI and is
// granted every scope (as DOPA's sandbox demo client), loads the default fictional citizens,
// shows the interactive QR page at the authorize endpoint, and behaves as DOPA's sandbox was
// recorded to behave in August 2026 (the built-in profile sandbox-2026-08): sub is the PID,
// expires_in an absolute Unix time, refused authorization requests answered at once as JSON,
// introspection with token=Bearer <t>, revocation with the bare token.
//
// The flags below, the -auto-approve mode and the login_hint parameter are a stable public
// interface for other projects' test suites:
//
//	-addr ADDR           listen address (default 127.0.0.1:9090; port 0 picks a free port)
//	-issuer URL          public base URL, the "iss" of the tokens (default http:// + the bound address)
//	-client-id ID        client_id of the one registered client (default thaid-demo)
//	-client-secret S     its client_secret (default demo-secret)
//	-redirect-uri URI    a registered redirect URI, exact match; repeat for several. None given:
//	                     any http(s) redirect URI is accepted (demo only; a warning is printed)
//	-scopes "S1 S2"      the scopes the client is granted (separated by spaces or commas); an
//	                     authorization request for another scope is refused with invalid_scope.
//	                     None given: every ThaID scope
//	-citizens FILE       JSON array of citizens (mockprovider.Citizen fields) instead of the defaults
//	-auto-approve        authorize redirects at once with a code, as the citizen whose PID is in the
//	                     login_hint parameter, else as the first citizen (no QR page)
//	-alg ALG             ID token signing algorithm: ES256 or RS256 (default: the profile's, ES256)
//	-profile P           the provider's behaviour: a built-in profile (sandbox-2026-08, the default,
//	                     or legacy-mock, the mock's behaviour before it followed the sandbox) or a
//	                     profile file (mockprovider.Profile, as "thaid login -profile FILE" writes
//	                     one); a file named like a built-in profile is read with ./NAME
//
// On start it prints the issuer, the endpoints, the client, the profile, and the citizens with
// masked PIDs and their (fictional) app passwords. Logs go to stderr, one line per request, with
// PIDs masked and no tokens or secrets. SIGINT or SIGTERM shut it down gracefully.
//
// Exit status: 0 after a graceful shutdown, and for -h (which prints the flags on stdout);
// 1 when it failed: a -citizens or -profile file that cannot be read or is invalid (a -profile
// that names neither a built-in profile nor a file), an address that cannot be listened on;
// 2 for a wrong command line: an unknown flag, an argument, a flag value that the provider
// refuses (-alg HS256, an unknown scope, a relative -redirect-uri, an empty -client-id). go run
// reports any non-zero status of the program as 1; the installed binary tells 1 from 2.
package main
