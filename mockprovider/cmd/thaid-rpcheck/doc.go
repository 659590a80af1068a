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
// reads those instead of verifying the ID token fails the signature and claims cases. A case
// uses the ES256 key unless it says RS256.
//
// For signature/header-jku and signature/header-x5u the provider's server also plays the
// attacker: under the issuer's path /thaid-rpcheck/attacker/ it serves the attacker's key set
// (jwks.json) and certificate (cert.pem). They are on the provider's own host, so that an
// application that reaches the provider reaches them too, and the check is the stricter: keys
// come from the jwks_uri of discovery only, not from another URL of the same host. An
// application that requests anything there fails the case, even if it then refuses the token:
// a URL that a token names must never be fetched.
//
// The browser opens a new connection for every request and never repeats one by itself (Go's
// HTTP client would repeat a GET whose connection broke): a callback that the application
// crashes on, closing the connection without an answer, fails the case, and no callback is
// opened more often than the case says.
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
//	signature/tampered                      an RS256 signature with one byte changed: refuse
//	signature/alg-none                      alg "none", no signature: refuse
//	signature/hs256-pem                     HS256 keyed with the ES256 public key in PEM: refuse
//	signature/hs256-der                     HS256 keyed with it in DER (SubjectPublicKeyInfo): refuse
//	signature/hs256-pkcs1-der               HS256 keyed with the RS256 key in PKCS #1 DER: refuse
//	signature/hs256-pkcs1-pem               HS256 keyed with the RS256 key in PKCS #1 PEM: refuse
//	signature/hs256-jwk                     HS256 keyed with the ES256 key's JWK (JSON text): refuse
//	signature/hs256-ec-point                HS256 keyed with the ES256 key's raw point: refuse
//	signature/hs256-rsa-modulus             HS256 keyed with the RS256 key's raw modulus: refuse
//	signature/hs256-jwk-x                   HS256 keyed with the ES256 JWK's x (text): refuse
//	signature/hs256-jwk-n                   HS256 keyed with the RS256 JWK's n (text): refuse
//	signature/unknown-kid                   an unpublished key under its own key ID: refuse
//	signature/unpublished-key-published-kid an unpublished key under the published key ID: refuse
//	signature/no-kid-several-keys           no key ID, several keys published, none verifies: refuse
//	signature/header-jwk                    the attacker's key, given in the header's jwk: refuse
//	signature/header-jku                    the attacker's key set URL in jku: refuse, fetch nothing
//	signature/header-x5c                    the attacker's self-signed certificate in x5c: refuse
//	signature/header-x5u                    the attacker's certificate URL in x5u: refuse, fetch
//	                                        nothing
//	claims/iss-wrong                        ThaID's sandbox as iss (a real issuer, not this one): refuse
//	claims/iss-suffix                       iss = the issuer + ".attacker.invalid": refuse
//	claims/iss-prefix                       iss = "https://attacker.invalid/" + the issuer: refuse
//	claims/iss-case                         iss = the issuer with the case of its letters swapped: refuse
//	claims/iss-other-host                   iss = the issuer on the host attacker.invalid: refuse
//	claims/aud-wrong                        another audience: refuse
//	claims/aud-superstring                  aud = the client ID + "-attacker": refuse
//	claims/aud-substring                    aud = the client ID without its last character: refuse
//	claims/aud-several-no-azp               two audiences, no azp: refuse
//	claims/azp-wrong                        two audiences, azp the other client: refuse
//	claims/azp-lookalike                    two audiences, azp = the client ID + "-attacker": refuse
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
//	redirect/login-csrf                     an unused callback in another browser: refuse, and the
//	                                        browser that started the login still completes it
//	redirect/access-denied                  error=access_denied: sign no one in
//	token-endpoint/500                      the token endpoint answers 500: refuse
//	token-endpoint/timeout                  it answers only after 30 s: give up sooner (callback
//	                                        and its redirects), refuse
//	token-endpoint/malformed-json           truncated JSON: refuse
//	token-endpoint/no-id-token              openid asked, no id_token, flat claims: refuse
//	flat-claims/code-injection              another login's code with this browser's state: refuse
//
// In redirect/login-csrf, browser A starts a login and stops at its callback; browser B, which
// started none, opens that callback. B must not be signed in: an attacker would sign a victim
// in as the attacker's citizen, or the finder of a leaked link as the citizen who lost it. The
// application must also leave A's login alone, so A's own callback then still signs A in: a
// browser that did not start the login is to be refused before the login or its code is used
// (an application that redeems the code first, then notices the other browser, has handled a
// citizen's tokens for a stranger's request, and lets anyone who holds the link cancel the
// login). If A's callback fails too, a good login tells whether the application spent the
// login (the case fails) or refuses every login now (it cannot be observed).
//
// In redirect/replay and redirect/replay-other-browser the provider redeems the code a second
// time (mockprovider's SetCodeReuse), so that only the application's own check can stop the
// replay.
//
// # Every case can fail
//
// A case that no application can fail proves nothing. The command's tests (main_test.go, with
// the test relying party of carelessrp_test.go) run the plan against relying parties that are
// careless in one way each, and compare the cases each one fails with the cases it should fail,
// exactly. For every case, one of them fails that case and no other; a case without one fails
// the tests. The one exception is accept/es256: it is the baseline's good login, so an RP that
// refuses it refuses every login, and its refusals prove nothing: it fails every case but
// accept/rs256. Each row names the case, the carelessness it catches, and the test RP (by the
// carelessness fields it sets).
//
//	case                                    catches an RP that                                     test RP
//	accept/es256                            cannot verify ES256 (and so fails every refusal case)  algs=RS256
//	accept/rs256                            verifies ES256 only, though RS256 is announced too     algs=ES256
//	accept/key-rotation                     fetches the JWKS once and never again                  jwksOnce
//	signature/tampered                      never verifies RS256 signatures                        noRSACheck
//	signature/alg-none                      takes alg "none" tokens unverified                     acceptNone
//	signature/hs256-pem                     verifies HS256 keyed with the key's PEM                hs256Key=pem
//	signature/hs256-der                     verifies HS256 keyed with the key's DER                hs256Key=der
//	signature/hs256-pkcs1-der               verifies HS256 keyed with the key's PKCS #1 DER        hs256Key=pkcs1-der
//	signature/hs256-pkcs1-pem               verifies HS256 keyed with the key's PKCS #1 PEM        hs256Key=pkcs1-pem
//	signature/hs256-jwk                     verifies HS256 keyed with the key's JWK text           hs256Key=jwk
//	signature/hs256-ec-point                verifies HS256 keyed with the raw EC point             hs256Key=ec-point
//	signature/hs256-rsa-modulus             verifies HS256 keyed with the raw RSA modulus          hs256Key=rsa-modulus
//	signature/hs256-jwk-x                   verifies HS256 keyed with the JWK's x                  hs256Key=jwk-x
//	signature/hs256-jwk-n                   verifies HS256 keyed with the JWK's n                  hs256Key=jwk-n
//	signature/unknown-kid                   takes a token whose kid is not published, unverified   unknownKidUnverified
//	signature/unpublished-key-published-kid takes a published EC key's kid as proof, unverified    noECCheck
//	signature/no-kid-several-keys           takes a token without kid, unverified                  noKidUnverified
//	signature/header-jwk                    verifies with the key in the token's jwk               headerKey=jwk
//	signature/header-jku                    verifies with the key set at the token's jku           headerKey=jku
//	signature/header-x5c                    verifies with the certificate in the token's x5c       headerKey=x5c
//	signature/header-x5u                    verifies with the certificate at the token's x5u       headerKey=x5u
//	claims/iss-wrong                        trusts ThaID's production and sandbox issuers too      trustsThaIDIssuers
//	claims/iss-suffix                       takes an iss that starts with the issuer               issHasPrefix
//	claims/iss-prefix                       takes an iss that ends with the issuer                 issHasSuffix
//	claims/iss-case                         compares iss without case                              issFoldCase
//	claims/iss-other-host                   compares iss's scheme, port and path, not its host     issIgnoresHost
//	claims/aud-wrong                        takes an aud that is any client of its own             audAnyOwnClient
//	claims/aud-superstring                  takes an aud that contains the client ID               audContains
//	claims/aud-substring                    takes an aud that the client ID contains               audWithin
//	claims/aud-several-no-azp               takes several audiences without azp                    noAzpRequired
//	claims/azp-wrong                        takes an azp that is any client of its own             azpAnyOwnClient
//	claims/azp-lookalike                    takes an azp that contains the client ID               azpContains
//	claims/expired                          ignores exp                                            noExp
//	claims/nbf-future                       ignores nbf                                            noNbf
//	claims/iat-future                       ignores iat                                            noIat
//	claims/nonce-wrong                      only checks that a nonce is there                      nonceAnyValue
//	claims/nonce-missing                    compares the nonce only when there is one              nonceWhenPresent
//	claims/at-hash-wrong                    ignores at_hash                                        noAtHash
//	claims/pid-check-digit                  takes any 13 digits for a PID                          noPIDCheck
//	redirect/state-wrong                    never compares the state                               ignoreState
//	redirect/replay                         keeps a login after its callback                       noReplayCheck
//	redirect/replay-other-browser           gives a completed login's session again to a browser   idempotentCallback
//	                                        that brings no login cookie
//	redirect/login-csrf                     keeps logins by state alone, bound to no browser       stateOnly
//	redirect/access-denied                  starts the session before it reads error=              sessionBeforeError
//	token-endpoint/500                      crashes on an error body that is not JSON              uncheckedErrorJSON
//	token-endpoint/timeout                  waits for the token endpoint for ever                  noTimeout
//	token-endpoint/malformed-json           crashes on a token response that is not JSON           uncheckedTokenJSON
//	token-endpoint/no-id-token              takes the flat claims when the ID token is missing     flatFallback
//	flat-claims/code-injection              sends no PKCE and takes the nonce of any login in      noPKCE+nonceAnyLogin
//	                                        progress
//
// The tests hold more careless RPs: redeemBeforeBinding fails redirect/login-csrf by spending
// the login (it refuses the other browser, after redeeming the code); fetchHeaderURLs fails
// signature/header-jku and signature/header-x5u by fetching the URL alone, then refusing;
// skipSignature fails every signature case; skipNonce both nonce cases; flatNoPKCE (no openid)
// every case about the ID token, as unobservable, and flat-claims/code-injection; noPKCE alone
// and nonceAnyLogin alone fail nothing (either defence stops code injection). This project's
// middleware passes every case.
package main
