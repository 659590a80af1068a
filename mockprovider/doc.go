// Package mockprovider is a ThaID-compatible OpenID provider for tests, demos and real-browser
// runs.
//
// ThaID (ไทยดี) is the national digital ID app of DOPA; Thai agencies add "login with ThaID" to
// their services as OpenID Connect relying parties. Getting DOPA credentials takes time, and the
// real provider cannot be driven by a test suite, so this package imitates it: the same paths
// (with their trailing slashes), parameters, claims, error codes and JSON bodies as DOPA's
// "ThaID RP API" manual and the official samples show them. It is a second, independent
// implementation of the protocol: it imports nothing of the thaid-go SDK, so a bug in one cannot
// hide behind the same bug in the other.
//
// # Provider profiles
//
// What the provider does is data: a Profile (a versioned JSON document, "thaid-provider/1")
// lists the members of the discovery document, the token answer's expiry member and form, the
// token lifetimes, the form of sub, address and ial, whether the ID token echoes the nonce and
// carries at_hash, how refused authorization requests are answered, and which token form
// introspection and revocation take. By default the mock replays the built-in profile
// "sandbox-2026-08": DOPA's ThaID sandbox as a public integration recorded it in August 2026
// (DefaultProfile; its source and notes say which facts are recorded and which assumed).
// Options.Profile replays another one, LoadProfile reads one from a file, and the Options fields
// ExpiryStyle, AddressStyle, SubStyle, AuthorizeErrors, IntrospectTokenForm, RevokeTokenForm,
// Alg, the TTLs and the booleans override single members. The built-in profile "legacy-mock"
// (LegacyProfileName) is the mock's behaviour before it followed the sandbox. The thaid
// command's "thaid login -profile FILE" writes the profile of the provider it logged in to.
//
// # In tests
//
// Start (or StartTLS) serves a Server on an httptest server, stops it in t.Cleanup and sets
// the issuer to the server's URL:
//
//	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
//	// p.Issuer() is the issuer for discovery; p.HTTPClient() trusts a StartTLS server.
//	// Log in as a given citizen with the login_hint parameter (a PID), else the first citizen.
//
// With AutoApprove the authorize endpoint redirects at once to redirect_uri?code&state. Without
// it, the endpoint shows the interactive QR page (below); tests drive it with Pending, Approve
// and Deny. Requests returns a log of what the relying party sent (client authentication style,
// PKCE, nonce, scopes, API key), for assertions.
//
// Negative tests use QueueFault (an OAuth error, an HTTP status, a raw malformed body or a
// delay for the next call of an endpoint, FIFO), SetLatency, SetNow (the clock by which codes,
// tokens and QR codes expire) and QueueTokenFault (the next ID token is expired, not yet valid,
// issued in the future, signed by an unpublished or not-yet-published key, by an unpublished key
// under a published kid or with no kid at all, carries a wrong iss/aud/azp/nonce/at_hash or a PID
// with a wrong check digit, or a near miss of iss, aud or azp, has alg "none", is HMAC-signed with
// the public key in one of the forms a relying party may hold it in (PEM, DER, PKCS #1, JWK, raw,
// the JWK's x or n), has a broken signature, or is left out of the response).
// QueueForeignKeyToken signs the next ID token with a ForeignKey, an attacker's key, and names
// it in the header (jwk, jku, x5c or x5u). SetCodeReuse lets a code be redeemed more than
// once, so that a relying party's own replay check can be tested. RotateKey, SetActiveKey and
// RetireKey exercise key rotation.
//
// # Endpoints
//
//	GET  /.well-known/openid-configuration   discovery
//	GET  /jwks/                              published keys, with kid
//	GET  /api/v2/oauth2/auth/                authorize (response_type=code, client_id, redirect_uri,
//	                                         scope, state, nonce, code_challenge[_method]=S256, login_hint)
//	POST /api/v2/oauth2/token/               authorization_code and refresh_token grants
//	POST /api/v2/oauth2/introspect/          token=Bearer <t> (Options.IntrospectTokenForm)
//	POST /api/v2/oauth2/revoke/              token=<t> (Options.RevokeTokenForm)
//	GET  /api/v2/oauth2/userinfo/            Authorization: Bearer <access token>
//	     /qr/...                             the mock's own QR, status and phone pages
//
// A path without its trailing slash is answered 404. Clients authenticate with HTTP Basic
// (client_secret_basic) or client_id/client_secret in the body (client_secret_post), plus the
// x-imauth-apikey header when RelyingParty.APIKey is set.
//
// Behaviour worth knowing (the default profile; each has an Options field or profile member):
//   - Authorization requests are refused at once, never with a redirect, as JSON
//     {"error", "error_description"}: 401 unauthorized_client for an unknown client_id; 400
//     invalid_request "The redirect or callback url mismatch" for a redirect_uri that is not
//     registered (exact match, so http where https is registered too); 400 invalid_scope for a
//     scope that is not a ThaID scope or not granted to the client (RelyingParty.Scopes); 400
//     unsupported_response_type; 400 invalid_request for the rest. With AuthorizeErrorsRedirect,
//     an unknown client_id or redirect_uri gets the manual's HTML "Bad data request" page (400)
//     and the other refusals redirect with error, error_description and state. A refusal of
//     the citizen (access_denied) and a queued authorize Fault always redirect.
//   - PKCE: if a code_challenge was sent (S256 only), the token request must carry the
//     matching code_verifier; if none was sent, a code_verifier is refused too. PKCE failures
//     give 400 invalid_grant.
//   - An unknown, expired (CodeTTL, 60 s) or reused code, a code of another client, or a
//     redirect_uri that differs from the authorize request give 400 invalid_request, as the
//     ThaID manual lists them; Options.RFCGrantErrors makes them invalid_grant (RFC 6749).
//   - Token errors: 401 invalid_client (unknown client "Client id not found", wrong secret,
//     no authentication), 401 unauthorized_client (API key), 400 unsupported_grant_type, and
//     401 invalid_refresh_token for a bad, expired or revoked refresh token.
//   - With the openid scope the response carries an id_token (iss, sub, aud, iat, exp,
//     auth_time, at_hash, version, nonce when sent, and the claims of the granted scopes);
//     without it, the claims come flat beside the tokens. expires_in is an absolute Unix time
//     (ExpiresInAbsolute; ExpiryRelative and ExpiryAbsolute, which sends expire_in, are the
//     other forms); the address is an object {"formatted": ...} (AddressString sends a
//     string); ial is a string (IALAsNumber); FlatClaimsWithOpenID adds the flat claims beside
//     an id_token. Access and ID tokens live 15 minutes, refresh tokens 15 minutes too.
//   - sub is the citizen's PID, as recorded on the sandbox, so a relying party learns the PID
//     even without the pid scope (SubOpaque: a stable 13-digit number derived from the PID;
//     Citizen.Sub wins over both).
//   - Introspection takes "token=Bearer <t>" and refuses a bare token with 400
//     invalid_request; revocation takes the bare token and answers {"status":"OK","message":
//     "revoked"}, also for a token it does not know, so "token=Bearer <t>" revokes nothing
//     there (IntrospectTokenForm, RevokeTokenForm; TokenFormEither takes both).
//   - A code used a second time also revokes the tokens issued for it (RFC 6749 4.1.2).
//   - Revoking a refresh token ends its whole login (its access tokens too); revoking an
//     access token ends that token only. Introspect then says {"active":false}.
//
// # The QR page
//
// Without AutoApprove the authorize endpoint shows a page like DOPA's: a QR code generated on
// the server (PNG), the reference code (หมายเลขอ้างอิง), the data requested, and a countdown.
// The QR code encodes the absolute URL of a simulated phone page under the issuer; a link opens
// the same page on this device; on a narrow screen (a phone) that link comes first, as the main
// button, and the QR code below it. On the phone page one picks a citizen (none is pre-selected,
// unless the request's login_hint names one), sees in Thai which
// service asks for which data, consents and types the citizen's 8-digit ThaID app password,
// then approves or refuses. The waiting page polls a status endpoint once a second and moves on
// to redirect_uri?code&state, or ?error=access_denied&state. Opened through the same-device
// link, the phone page redirects there itself. A QR code expires after QRTTL (5 minutes); the
// page then offers a button for a fresh one. Everything works in a browser with clicks only.
//
// Browser tests may rely on these element IDs and names, which are kept stable:
//
//	waiting page  #ref (reference code), #qr (the QR image), #phone-link (open on this device),
//	              #phone-url (the URL in the QR code), #retry (after expiry)
//	phone page    input[name=citizen] (radio, value = index in the citizen list), #consent,
//	              #password, #approve, #deny, #error (no citizen chosen, wrong password or
//	              missing consent)
//	after phone   #result
//
// The waiting page polls GET /qr/status/{ref}, which answers a QRStatus as JSON.
//
// # Default citizens
//
// DefaultCitizens are fictional people with valid PIDs (mod-11 check digit). Their app
// passwords are demo data. Logs and pages show PIDs masked, as in this table; the full
// (fictional) values follow it.
//
//	PID                 name                                             born         password
//	1-5099-xxxxx-82-8   นาย ธนวัฒน์ สุขสวัสดิ์ (Mr. Thanawat Suksawat)        1991-04-12   24681357
//	2-1005-xxxxx-32-2   นางสาว พิมพ์ชนก รัตนพันธ์ (Miss Pimchanok Rattanaphan)  2538-11-02 (BE, 1995)  59183746
//	3-4099-xxxxx-54-9   นาง มาลี ศรีสุข (Mrs. Malee Srisuk)                  1962-03-09   30517926
//	3-3010-xxxxx-65-1   นาย ประเสริฐ วงศ์ทอง (Mr. Prasert Wongthong)          1950-00-00 (partial)  40261835
//	8-1007-xxxxx-19-7   นาย จอห์น ไมเคิล สมิธ (Mr. John Michael Smith)          1978-07-21   71829364  (foreign resident)
//	1-9099-xxxxx-23-1   นาย กิตติพัฒน์ บุญมา (Mr. Kittiphat Boonma)            2005-01-15   93715280
//
// Full PIDs, for login_hint and Approve in demos: 1509900314828, 2100500987322, 3409901127549,
// 3301000873651, 8100700452197, 1909900551231. They are fictional.
//
// Passwords follow the ThaID app's rules as validatePassword makes them precise: 8 digits; not
// one ascending or descending run of all 8 digits (12345678, 87654321; no wrap-around); no
// digit more than 4 times.
//
// # Logs
//
// Options.Logger receives a line per request and per login decision. PIDs in messages and
// string attributes are masked (1-1017-xxxxx-70-8) by a wrapping handler; tokens, codes,
// secrets and passwords are never logged.
//
// # The command
//
// mockprovider/cmd/thaid-mock serves the same provider on a port, for demos and browser
// tests: go run ./mockprovider/cmd/thaid-mock. Its flags (-addr, -issuer, -client-id,
// -client-secret, -redirect-uri, -scopes, -citizens, -auto-approve, -alg, -profile), the
// auto-approve mode and the login_hint parameter are a stable public interface; see the
// command's documentation.
//
// mockprovider/cmd/thaid-rpcheck turns the faults into a conformance check of any relying party,
// whatever its language: it serves this provider, drives the application's login like a browser
// and reports which defective answers the application accepts.
package mockprovider
