// Package thaid is the relying-party client with which a Go web service logs
// citizens in with ThaID (ไทยดี), the national digital ID of Thailand run by
// DOPA's Bureau of Registration Administration. ThaID is an OAuth 2.0 / OpenID
// Connect provider; this package runs its login flow and returns a typed,
// verified Identity. Package middleware builds the net/http handlers on it.
//
// # The flow
//
// Create one Client per application with New. Production and Sandbox are the
// DOPA hosts (no network needed to build them); Provider{Issuer: url} runs
// OpenID discovery; or list every endpoint by hand.
//
// For each login, NewLogin makes a Login: a random state, a nonce and a PKCE
// (S256) verifier, plus its creation time. Keep it on the server (it
// serialises to JSON, so any session store will do) and send the browser to
// AuthCodeURL. The citizen scans DOPA's QR code with the ThaID app, consents,
// and the browser comes back to the redirect URL. Exchange then checks the
// state (in constant time), surfaces provider error redirects as *Error, refuses
// stale logins, exchanges the code (with the PKCE verifier) at the token
// endpoint, and returns a Result holding the Identity and the Token. Exchange,
// Refresh, Revoke and Introspect post their forms the same way: client
// authentication as Config.AuthStyle says, the API key when one is set, and no
// redirect followed.
//
// # Claims
//
// With the openid scope (in DefaultScopes), ThaID returns a signed ID token and
// the Identity comes from it alone, after VerifyIDToken has checked its signature
// against the provider's JWKS with asymmetric algorithms only (never none, never
// HMAC), iss, aud and azp, exp/nbf/iat within Config.Leeway on Config.Now, the
// nonce, and at_hash. Keys come only from the JWKS, and only its public
// signing keys are used: never a key or key URL named in the token's header
// (jwk, jku, x5u, x5c), nor a symmetric or private key the JWKS might hold; a
// token using a JWS extension (crit, b64) is refused. The JWKS is cached for
// Config.JWKSCacheTTL; a token with an unknown key ID triggers at most one
// refetch per Config.JWKSRefreshInterval, shared by concurrent logins. Without openid, ThaID returns the claims flat
// beside the tokens and Identity.Verified is false.
//
// Claim decoding is tolerant of what ThaID is known to send: IAL as a number or
// a string, an address as a string or an object, Buddhist-era birth years
// (above 2400, minus 543) and partial dates such as 1950-00-00. Unknown claims
// are kept in Identity.Raw.
//
// # Personal data
//
// A PID (the 13-digit citizen ID) is personal data under the PDPA. PID prints
// masked (1-1017-xxxxx-70-8) through fmt and log/slog; Digits returns the
// number. On DOPA's sandbox sub is the PID too, so Identity.Subject and
// Introspection.Subject print masked as well. Identity.PID comes only from a
// pid claim, never from sub: a client that was not granted the pid scope does
// not get a PID from the SDK, although sub carries it. Identity, Token, Login,
// Introspection and Secret redact themselves when printed or logged, while
// Identity and Token still JSON round-trip in full for session stores.
//
// # Errors
//
// Every error matches a sentinel with errors.Is (ErrUserDenied,
// ErrStateMismatch, ErrNonceMismatch, ErrTokenExpired, ErrBadSignature,
// ErrProviderUnavailable, ...). Provider answers also unwrap to *Error with
// errors.As, carrying the OAuth error code, description and HTTP status.
//
// # Tokens
//
// Refresh renews tokens (a new ID token is verified again, and a rotated
// refresh token is reported in Result.RefreshRotated); Revoke and Introspect
// call the matching ThaID endpoints. Introspect sends "token=Bearer <t>" and
// Revoke the bare token by default, as DOPA's official samples do
// (Config.IntrospectTokenForm, Config.RevokeTokenForm). UserInfo calls the
// userinfo endpoint with the access token and returns its claims, unverified.
package thaid
