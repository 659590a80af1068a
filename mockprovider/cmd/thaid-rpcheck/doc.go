// Command thaid-rpcheck checks a relying party (an application with "login with ThaID") from the
// outside: it plays a ThaID-compatible provider (package mockprovider) and a browser, sends the
// application defective answers one at a time, and reports which attacks it falls for. The
// application may be written in any language; it only needs to run on the same machine (or be
// reachable from it) and be configured for the provider that this command starts.
//
//	go run github.com/thaid-go/thaid-go/mockprovider/cmd/thaid-rpcheck \
//	    -login http://127.0.0.1:8080/auth/login -probe http://127.0.0.1:8080/me \
//	    -redirect-uri http://127.0.0.1:8080/auth/callback -junit rpcheck.xml
//
// Flags:
//
//	-addr ADDR          the provider listens here (default 127.0.0.1:9099)
//	-issuer URL         the issuer (default http:// + -addr); configure the application with it
//	-client-id ID       the client_id the application is configured with (default thaid-demo)
//	-client-secret S    its client_secret (default demo-secret)
//	-redirect-uri URL   the application's callback, exactly as the application sends it (required)
//	-login URL          a URL of the application that starts a login (required)
//	-probe URL          a URL of the application that answers 2xx only when signed in (required);
//	                    any other answer means signed out, and a redirect is not followed
//	-wait DURATION      how long to wait until the probe answers at all (default 60s)
//	-only REGEX         run only the cases whose name matches
//	-json FILE          also write the results as JSON
//	-junit FILE         also write the results as JUnit XML
//
// # How it runs
//
// The provider starts listening at once, so the application may run OpenID discovery against it
// while the command waits (up to -wait) for the probe to answer. A probe that says signed in
// before any login is a setup error. One good login then serves as the baseline: if the
// application refuses it, no refusal in the plan proves anything, and those cases fail as
// unobservable. A refusal case that the application passes is followed by a control, one more
// good login in a fresh browser: if that is refused too (the application broke, or limits its
// logins), the refusal proves nothing and the case fails as unobservable. The cases that test
// what the provider sends also need the application to have redeemed the code (the token
// endpoint answered 200, or, for the token-endpoint cases and flat-claims/code-injection, was
// called at all): a refusal that comes before proves nothing either.
//
// Each case gets a fresh cookie jar. It opens -login and follows the redirects (to the provider,
// which approves at once as the first test citizen, or the one a login_hint names, and back) until the next redirect would open
// -redirect-uri. It then opens that callback (or a tampered copy of it), follows the
// application's own redirects after it (never to the provider, -login or the callback again),
// and asks -probe. -login must therefore answer with a redirect, directly or after other
// redirects, to the provider's authorization endpoint; a page with a button is not followed.
//
// The provider is registered with exactly -client-id, -client-secret and -redirect-uri. It
// announces ES256 and RS256 and publishes a key of each, and it sends the claims flat beside the
// tokens in every token response, as ThaID does when openid is not asked: an application that
// reads those instead of verifying the ID token fails the signature and claims cases.
//
// Output: one line per case, "PASS name" or "FAIL name: what the application did", then a last
// line "N/M cases passed". A case whose outcome cannot be observed fails and says "cannot be
// observed: ..." (for example, the application did not ask for the openid scope, so no ID token
// was sent; or it sent no nonce). Progress and setup errors go to stderr.
//
// Exit status: 0 when every case passed, 1 when a case failed, 2 on a usage or setup error (a
// required flag missing, -only matching no case, the address in use, the application not
// answering within -wait, the probe saying signed in before any login). -h prints the flags and
// an example, and exits 0. go run reports any non-zero status of the program as 1: in CI, run
// the installed binary (go install) to tell a failed case from a setup error.
//
// The JSON file holds {"passed", "total", "cases": [{"name", "passed", "unobservable",
// "detail", "sends", "expect", "reference", "seconds"}]}. The JUnit file has one testsuite per
// group (thaid-rpcheck.accept, thaid-rpcheck.signature, ...) and one testcase per case; a
// failed case has a <failure> whose message is what the application did and whose type is
// "rp-failed" or "unobservable". Every testcase's <system-out> says what the case sends, what the
// application must do and the reference.
//
// Start the application afresh for each run. A careful application refetches the provider's
// keys at most once in a while when it meets an unknown key ID; the provider's keys are new on
// every run, so a second run against the same process may find it still waiting to refetch.
//
// # The plan
//
// The cases run in this order; each one's full text (what it sends, what the application must
// do, the reference) is in the JSON and JUnit files and in plan.go. References name OpenID
// Connect Core 1.0 sections, the OpenID Foundation's RP conformance tests (oidcc-client-test-*,
// and their older rp-* names) and RFC 9700 (OAuth 2.0 Security Best Current Practice).
//
//	accept/es256                            a good login with an ES256 ID token: sign in
//	accept/rs256                            a good login with an RS256 ID token: sign in
//	accept/key-rotation                     a login, then a new key ID: refetch the keys, sign in
//	signature/tampered                      one signature byte changed: refuse
//	signature/alg-none                      alg "none", no signature: refuse
//	signature/hs256-public-key              HS256 keyed with the public key: refuse
//	signature/unknown-kid                   an unpublished key under its own key ID: refuse
//	signature/unpublished-key-published-kid an unpublished key under the published key ID: refuse
//	signature/no-kid-several-keys           no key ID, several keys published, none verifies: refuse
//	claims/iss-wrong                        another issuer: refuse
//	claims/aud-wrong                        another audience: refuse
//	claims/aud-several-no-azp               two audiences, no azp: refuse
//	claims/azp-wrong                        two audiences, azp the other client: refuse
//	claims/expired                          exp an hour ago: refuse
//	claims/nbf-future                       nbf an hour ahead: refuse
//	claims/iat-future                       iat an hour ahead: refuse
//	claims/nonce-wrong                      another nonce: refuse
//	claims/nonce-missing                    no nonce although one was sent: refuse
//	claims/at-hash-wrong                    at_hash of another access token: refuse
//	claims/pid-check-digit                  a pid with a wrong check digit: refuse
//	redirect/state-wrong                    the callback with a state never issued: refuse
//	redirect/replay                         a used callback again, same browser: refuse
//	redirect/replay-other-browser           a used callback in another browser: refuse
//	redirect/access-denied                  error=access_denied: sign no one in
//	token-endpoint/500                      the token endpoint answers 500: refuse
//	token-endpoint/timeout                  it answers only after 30 s: give up sooner (callback
//	                                        and its redirects), refuse
//	token-endpoint/malformed-json           truncated JSON: refuse
//	token-endpoint/no-id-token              openid asked, no id_token, flat claims: refuse
//	flat-claims/code-injection              another login's code with this browser's state: refuse
//
// In redirect/replay and redirect/replay-other-browser the provider redeems the code a second
// time (mockprovider's SetCodeReuse), so that only the application's own check can stop the
// replay.
package main
