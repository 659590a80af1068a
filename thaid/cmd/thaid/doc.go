// Command thaid tries ThaID credentials, providers, tokens and citizen IDs from
// the terminal. Its first use is an agency developer's first day: DOPA has sent
// sandbox credentials, and one login tells whether they work, which variant of
// the protocol the provider speaks, and which thaid.Config fits it.
//
//	go run github.com/thaid-go/thaid-go/thaid/cmd/thaid@latest <command> [flags] [arguments]
//
// # thaid login
//
//	thaid login -issuer production|sandbox|URL -client-id ID -redirect-url URL
//	            [-client-secret S] [-scopes "openid pid name"] [-auth-style basic|post]
//	            [-json] [-show-pid] [-no-browser] [-timeout 5m] [-profile FILE]
//
// The client secret comes from -client-secret or, better (flags show in ps and
// in the shell's history), from the environment variable THAID_CLIENT_SECRET.
// -issuer production and sandbox use the SDK's presets (thaid.Production,
// thaid.Sandbox); a URL is an issuer for OpenID discovery.
//
// The command listens on the redirect URL's host and port, and refuses a host
// that is not loopback (127.0.0.1 or another 127/8 address, [::1], localhost,
// for which it listens on 127.0.0.1 and, when it can, [::1]): the authorization
// code must reach no other machine. It serves plain http, so register an
// http://127.0.0.1:PORT/... redirect URL for your sandbox client.
//
// Before anything else it requests the authorization URL once itself, without
// following redirects, so that a refusal is reported at once with the provider's
// own error: invalid_scope as scope_not_granted, naming the scopes the client is
// not granted (it asks for each scope alone); a redirect URL that is not
// registered (invalid_request, which DOPA's sandbox answers with "The redirect or
// callback url mismatch", or any 4xx page and any page saying "Bad data
// request", as DOPA's manual shows one) as redirect_not_registered;
// unauthorized_client or invalid_client as unknown_client; anything else as
// provider_error with the provider's error and error_description. It also asks
// once for an unknown response_type, which every provider refuses, to see how
// this one answers refusals. It then prints the authorization URL to stderr on a
// line of its own, "open: <url>", opens the system browser (xdg-open, open or
// rundll32; not with -no-browser), and waits for the callback. The browser shows
// a result page; the terminal shows the identity (the PID masked as
// 1-5099-xxxxx-82-8 unless -show-pid), what the provider sent, and the
// thaid.Config that fits it, as Go source.
//
// What the provider sent is read from the raw answers, through the http.Client
// the command gives the thaid package: the ID token's signing algorithm and key
// ID, expire_in or expires_in (absolute or relative), claims from the ID token
// or flat beside the tokens (and flat claims beside an ID token), the scopes
// granted, whether the nonce and at_hash came back, a refresh token, the form
// of the address and ial claims, whether sub is the citizen's PID (it is on DOPA's
// sandbox, which makes sub personal data: it is masked like the PID), the token
// lifetimes, and the members of the discovery document that no OpenID or OAuth
// specification defines (the sandbox's subject_type_supported) or that a relying
// party looks for and does not find (subject_types_supported, claims_supported,
// code_challenge_methods_supported on the sandbox). After the login it tries both
// token forms, "token=Bearer <t>" and the bare token, at the introspection
// endpoint, and at the revocation endpoint (checking each by introspection), and
// reports which each takes; the probe revokes the login's tokens. The login
// itself is the SDK's: thaid.Client
// Exchange, with one difference: the command sets NonceOptional, so that a
// provider that does not echo the nonce is reported (nonce_echoed false, and
// NonceOptional true in the fitting config) rather than refused. A wrong nonce
// is still refused.
//
// With -json it prints one JSON object on stdout:
//
//	{
//	  "verified": true,               // claims from a verified ID token; false for flat claims (TLS only)
//	  "pid": "1-5099-xxxxx-82-8",     // masked unless -show-pid; "" when no pid came
//	  "subject": "...", "name": "...",
//	  "claims": {...},                // every claim received, PID-looking numbers masked unless -show-pid
//	  "provider": {"id_token_alg": "ES256", "expiry_field": "expires_in", "expiry_form": "absolute",
//	               "claims_source": "id_token", "scopes_granted": ["openid", "pid", "name"],
//	               "sub_is_pid": "yes",                    // yes, likely (no pid claim, but a valid PID), no
//	               "access_token_seconds": 900, "id_token_seconds": 900, "refresh_token_seconds": 900,
//	               "discovery_members": [...], "discovery_nonstandard": ["subject_type_supported"],
//	               "discovery_missing": ["subject_types_supported", "claims_supported", "code_challenge_methods_supported"],
//	               "authorize_errors": "json",             // json, redirect, page, accepted
//	               "introspection_token_form": "bearer",   // bearer, bare, either, neither
//	               "revocation_token_form": "bare", ...},
//	  "config": {"ClientID": "...", "RedirectURL": "...", "Scopes": [...], "Provider": {...},
//	             "AuthStyle": "basic", "NonceOptional": false,
//	             "IntrospectTokenForm": "bearer", "RevokeTokenForm": "bare"}
//	}
//
// On failure it prints {"verified": false, "error": "...", "reason": "...",
// "provider": {...}} (provider only when the token endpoint answered), with
// reason, for example, denied (refused on the phone), state_mismatch, timeout,
// invalid_client (bad client credentials), redirect_not_registered,
// scope_not_granted (with "scopes_not_granted": [...]), unknown_client,
// provider_error, invalid_grant, invalid_id_token, provider_unavailable,
// provider_unusable (discovery failed), listen (the port is taken), interrupted,
// profile (the -profile file could not be written).
//
// -profile FILE writes the provider's profile after a completed login: the
// format "thaid-provider/1" of mockprovider.Profile, with what this login
// observed (discovery members and their values, the refusal form, the expiry
// member and form, the lifetimes, the ID token's algorithm, nonce and at_hash,
// the forms of sub, address and ial, the introspection and revocation token
// forms) and a note naming what it could not observe. It holds shapes and forms
// only: no secret, token, code, PID, name or other personal value, and not the
// client ID. "thaid-mock -profile FILE" (or mockprovider.Options.Profile) then
// replays that provider, so that a test suite runs against its behaviour; a
// profile of the real sandbox or production is worth attaching to an issue.
// A login whose claims came flat, with no signed ID token (scopes without
// openid), prints the whole report too, with verified false and reason
// not_verified.
//
// Exit status: 0 on a verified login (claims from an ID token whose signature,
// issuer, audience, expiry and nonce checked out), 1 when it failed or its
// claims were not verified, with the reason on stderr, 2 for a wrong command
// line (a missing secret, a redirect URL that is not loopback, an unknown flag).
// Error messages, of every subcommand, mask any PID in them, also with -show-pid.
//
// # thaid check
//
//	thaid check -issuer production|sandbox|URL [-json]
//
// Runs discovery (its issuer must be the one asked for), reads the JWKS (each
// key's type, curve or size, alg, use and kid, and whether it can verify an
// ID token under an algorithm the SDK accepts) and lists the endpoints. Exit 0
// when the provider is usable; 1 with the reasons otherwise: unreachable, issuer
// mismatch, no keys, a symmetric or private key in the JWKS, no key for the
// announced algorithms.
//
// # thaid pid
//
//	thaid pid check [-show-pid] PID...   exit 1 if any is invalid, with the reason in Thai and English
//	thaid pid mask PID...                1101700230708 -> 1-1017-xxxxx-70-8
//	thaid pid generate [-n N] [-first-digit D]
//
// Generated PIDs are valid (mod-11 check digit) and fictional: their
// registration-office code starts with province 00, which no province has
// (codes run from 10, Bangkok, to 96, Narathiwat), so none can be a real
// person's. The first digit is 1 by default (a Thai citizen born from 1984 and
// registered on time, the most common kind); -first-digit picks another kind.
//
// # thaid decode
//
//	thaid decode [-issuer production|sandbox|URL] [-client-id ID] [-show-pid] [-json] TOKEN|-
//
// Prints a JWT's header and claims, PID-looking numbers masked, and the times
// of iat, nbf, exp and auth_time. "-" reads the token from stdin (a "Bearer "
// prefix is dropped). With -issuer it verifies the token with the SDK's own
// verifier (thaid.Client.VerifyIDToken): an allowed asymmetric algorithm, the
// signature against the provider's JWKS, iss, exp, nbf and iat; the audience
// only with -client-id (otherwise the token's own aud is taken); neither nonce
// nor at_hash, which need the login. It exits 1 when the token does not verify.
//
// # Examples
//
// Every subcommand prints its flags and an example with -h:
//
//	thaid login -h
//	thaid check -h
//	thaid pid generate -h
//	thaid decode -h
//
// A first login with sandbox credentials:
//
//	export THAID_CLIENT_SECRET='...'
//	thaid login -issuer sandbox -client-id 6b2e... -redirect-url http://127.0.0.1:8080/callback
//
// The same against the mock provider, in two shells:
//
//	go run ./mockprovider/cmd/thaid-mock -addr 127.0.0.1:9090
//	THAID_CLIENT_SECRET=demo-secret go run ./thaid/cmd/thaid login \
//	    -issuer http://127.0.0.1:9090 -client-id thaid-demo -redirect-url http://127.0.0.1:8080/callback
package main
