package main

import (
	"net/http"
	"slices"
	"time"

	"github.com/thaid-go/thaid-go/mockprovider"
)

// tokenStall is how long the provider holds back its answer in the token-endpoint/timeout
// case. A variable so that this package's tests can shorten it.
var tokenStall = 30 * time.Second

// needs are what a case must see the RP do before its outcome means anything. A case whose
// needs are not met cannot be observed, and fails saying so.
type needs uint8

const (
	needOpenID   needs = 1 << iota // the authorization request asked for the openid scope
	needNonce                      // ... and carried a nonce
	needPID                        // ... and asked for the pid scope
	needToken200                   // the RP redeemed the code and the token endpoint answered 200
	needTokenHit                   // the RP called the token endpoint (whatever the answer)
)

// testCase is one entry of the plan.
type testCase struct {
	name   string // group/name, matched by -only
	sends  string // what the provider (or the browser) does
	expect string // what the RP must do
	ref    string // where the rule comes from
	needs  needs
	run    func(r *runner) outcome
}

// plan is the test plan, in the order it runs. The accept cases come first: key rotation must
// run before a case with an unknown kid makes a careful RP rate-limit its JWKS refetches.
var plan = []testCase{
	// ---- must be accepted
	{
		name:   "accept/es256",
		sends:  "a good login: an ID token signed with ES256 by a published key, all claims right",
		expect: "sign the citizen in",
		ref:    "OpenID Connect Core 3.1.3.7; RP test rp-id_token-sig-es256 (old suite)",
		needs:  needOpenID | needToken200,
		run:    acceptWith(keyES256),
	},
	{
		name:   "accept/rs256",
		sends:  "a good login with an ID token signed with RS256 (discovery announces ES256 and RS256, both keys are published)",
		expect: "sign the citizen in",
		ref:    "OpenID Connect Core 3.1.3.7; RP test oidcc-client-test-idtoken-sig-rs256 (rp-id_token-sig-rs256)",
		needs:  needOpenID | needToken200,
		run:    acceptWith(keyRS256),
	},
	{
		name: "accept/key-rotation",
		sends: "a good login, then the provider publishes a new key and signs the next login's ID token " +
			"with it (a key ID the RP has not seen)",
		expect: "fetch the JWKS again and sign the citizen in both times",
		ref:    "OpenID Connect Core 10.1.1; RP test oidcc-client-test-signing-key-rotation-just-before-signing (rp-key-rotation-op-sign-key)",
		needs:  needOpenID | needToken200,
		run:    keyRotation,
	},

	// ---- signatures and keys
	{
		name:   "signature/tampered",
		sends:  "an ID token whose signature has one byte changed",
		expect: "refuse the login",
		ref:    "OpenID Connect Core 3.1.3.7 (6); RP tests oidcc-client-test-invalid-sig-es256 and -rs256 (rp-id_token-bad-sig-es256)",
		needs:  needOpenID | needToken200,
		run:    refuseTokenFault(mockprovider.TokenBadSignature),
	},
	{
		name:   "signature/alg-none",
		sends:  `an unsigned ID token with alg "none"`,
		expect: "refuse the login: only the algorithms of the provider's discovery (ES256, RS256) are acceptable",
		ref:    "OpenID Connect Core 3.1.3.7 (7); RFC 8725 2.1 and 3.1 (RP test oidcc-client-test-idtoken-sig-none is the opposite case, an RP registered for none)",
		needs:  needOpenID | needToken200,
		run:    refuseTokenFault(mockprovider.TokenAlgNone),
	},
	{
		name:   "signature/hs256-public-key",
		sends:  "an ID token with alg HS256, its HMAC keyed with the provider's public key (PEM)",
		expect: "refuse the login: never verify with HMAC what should be verified with a public key",
		ref:    "RFC 8725 2.1 and 3.1; OpenID Connect Core 10.1",
		needs:  needOpenID | needToken200,
		run:    refuseTokenFault(mockprovider.TokenHS256PublicKey),
	},
	{
		name:   "signature/unknown-kid",
		sends:  "an ID token signed by a key that is not published, under its own key ID",
		expect: "refuse the login (after at most one JWKS refetch)",
		ref:    "OpenID Connect Core 10.1.1; RFC 7515 4.1.4",
		needs:  needOpenID | needToken200,
		run:    refuseTokenFault(mockprovider.TokenUnpublishedKey),
	},
	{
		name:   "signature/unpublished-key-published-kid",
		sends:  "an ID token signed by a key that is not published, under the key ID of the published signing key",
		expect: "refuse the login: the key ID only selects a key, the signature must verify with it",
		ref:    "OpenID Connect Core 3.1.3.7 (6) and 10.1; RFC 7515 4.1.4",
		needs:  needOpenID | needToken200,
		run:    refuseTokenFault(mockprovider.TokenForgedKid),
	},
	{
		name:   "signature/no-kid-several-keys",
		sends:  "an ID token with no key ID while several keys are published, signed by none of them",
		expect: "refuse the login (trying every published key is allowed; none verifies)",
		ref:    "OpenID Connect Core 10.1; RP test oidcc-client-test-kid-absent-multiple-jwks (rp-id_token-kid-absent-multiple-jwks)",
		needs:  needOpenID | needToken200,
		run:    refuseTokenFault(mockprovider.TokenNoKid),
	},

	// ---- claims
	{
		name:   "claims/iss-wrong",
		sends:  "an ID token with iss https://wrong-issuer.invalid",
		expect: "refuse the login",
		ref:    "OpenID Connect Core 3.1.3.7 (2); RP test oidcc-client-test-invalid-iss (rp-id_token-issuer-mismatch)",
		needs:  needOpenID | needToken200,
		run:    refuseTokenFault(mockprovider.TokenWrongIssuer),
	},
	{
		name:   "claims/aud-wrong",
		sends:  "an ID token whose aud is another client",
		expect: "refuse the login",
		ref:    "OpenID Connect Core 3.1.3.7 (3); RP test oidcc-client-test-invalid-aud (rp-id_token-aud)",
		needs:  needOpenID | needToken200,
		run:    refuseTokenFault(mockprovider.TokenWrongAudience),
	},
	{
		name:   "claims/aud-several-no-azp",
		sends:  "an ID token whose aud lists the RP and another client, with no azp",
		expect: "refuse the login: the other audience is not trusted",
		ref:    "OpenID Connect Core 3.1.3.7 (3) and (4)",
		needs:  needOpenID | needToken200,
		run:    refuseTokenFault(mockprovider.TokenMultiAudienceNoAzp),
	},
	{
		name:   "claims/azp-wrong",
		sends:  "an ID token whose aud lists the RP and another client, with azp the other client",
		expect: "refuse the login",
		ref:    "OpenID Connect Core 3.1.3.7 (4) and (5)",
		needs:  needOpenID | needToken200,
		run:    refuseTokenFault(mockprovider.TokenWrongAzp),
	},
	{
		name:   "claims/expired",
		sends:  "an ID token that expired an hour ago (iat two hours ago)",
		expect: "refuse the login",
		ref:    "OpenID Connect Core 3.1.3.7 (9); RFC 7519 4.1.4",
		needs:  needOpenID | needToken200,
		run:    refuseTokenFault(mockprovider.TokenExpired),
	},
	{
		name:   "claims/nbf-future",
		sends:  "an ID token with nbf an hour from now",
		expect: "refuse the login",
		ref:    "RFC 7519 4.1.5",
		needs:  needOpenID | needToken200,
		run:    refuseTokenFault(mockprovider.TokenNotYetValid),
	},
	{
		name:   "claims/iat-future",
		sends:  "an ID token issued an hour from now (iat), expiring after that",
		expect: "refuse the login (a clock skew of a minute or two may be tolerated, not an hour)",
		ref:    "OpenID Connect Core 3.1.3.7 (10); RFC 7519 4.1.6",
		needs:  needOpenID | needToken200,
		run:    refuseTokenFault(mockprovider.TokenIssuedInFuture),
	},
	{
		name:   "claims/nonce-wrong",
		sends:  "an ID token whose nonce is not the one the RP sent",
		expect: "refuse the login",
		ref:    "OpenID Connect Core 3.1.3.7 (11); RP test oidcc-client-test-nonce-invalid (rp-nonce-invalid)",
		needs:  needOpenID | needNonce | needToken200,
		run:    refuseTokenFault(mockprovider.TokenWrongNonce),
	},
	{
		name:   "claims/nonce-missing",
		sends:  "an ID token with no nonce although the RP sent one",
		expect: "refuse the login",
		ref:    "OpenID Connect Core 3.1.3.7 (11)",
		needs:  needOpenID | needNonce | needToken200,
		run:    refuseTokenFault(mockprovider.TokenMissingNonce),
	},
	{
		name:   "claims/at-hash-wrong",
		sends:  "an ID token whose at_hash belongs to another access token",
		expect: "refuse the login (the code flow makes this check optional; ThaID sends at_hash in every ID token, so this plan asks for it)",
		ref:    "OpenID Connect Core 3.1.3.8 and 3.2.2.9; RP test oidcc-client-test-invalid-athash (implicit and hybrid flows)",
		needs:  needOpenID | needToken200,
		run:    refuseTokenFault(mockprovider.TokenWrongAtHash),
	},
	{
		name: "claims/pid-check-digit",
		sends: "a pid claim (13 digits) whose last digit, the mod-11 check digit, is wrong; in the ID token " +
			"and in the flat claims alike",
		expect: "refuse the login: a PID that fails its check digit is not a citizen ID",
		ref:    "ThaID RP API v1.0.1 (pid claim); the PID check digit of DOPA's civil registration",
		needs:  needPID | needToken200,
		run:    refuseTokenFault(mockprovider.TokenBadPID),
	},

	// ---- the redirect
	{
		name:   "redirect/state-wrong",
		sends:  "the browser brings the callback back with its code, but a state the RP never issued",
		expect: "refuse the login",
		ref:    "RFC 6749 4.1.2 and 10.12; RFC 9700 4.7",
		run:    stateWrong,
	},
	{
		name: "redirect/replay",
		sends: "a callback that signed the browser in is replayed in the same browser, with the cookies it had " +
			"before the first use; the provider redeems the code again (it does not enforce single use)",
		expect: "refuse the replay: each login's state is used once",
		ref:    "RFC 9700 4.5 and 2.1.1; OpenID Connect Core 15.5.2",
		needs:  needToken200,
		run:    replay(false),
	},
	{
		name: "redirect/replay-other-browser",
		sends: "a callback that signed one browser in is opened in another browser (a leaked link); the " +
			"provider redeems the code again",
		expect: "refuse: a callback only completes a login that this browser started",
		ref:    "RFC 9700 4.5 and 4.7; RFC 6749 10.12",
		needs:  needToken200,
		run:    replay(true),
	},
	{
		name:   "redirect/access-denied",
		sends:  "the provider redirects back with error=access_denied and the right state (the citizen refused)",
		expect: "sign no one in, and answer the callback",
		ref:    "RFC 6749 4.1.2.1; OpenID Connect Core 3.1.2.6",
		run:    accessDenied,
	},

	// ---- the token endpoint
	{
		name:   "token-endpoint/500",
		sends:  "the token endpoint answers 500 Internal Server Error (text/plain)",
		expect: "refuse the login and answer the callback",
		ref:    "RFC 6749 5.2; OpenID Connect Core 3.1.3.4",
		needs:  needTokenHit,
		run:    refuseFault(mockprovider.Fault{Status: 500}),
	},
	{
		name:   "token-endpoint/timeout",
		sends:  "the token endpoint holds back its answer for 30 s (then answers 504)",
		expect: "give up on its own before the 30 s are over, refuse the login and answer the callback",
		ref:    "RFC 6749 5.1 and 5.2 (no answer is no token); robustness: a callback must not hang on the provider",
		needs:  needTokenHit,
		run:    tokenTimeout,
	},
	{
		name:   "token-endpoint/malformed-json",
		sends:  "the token endpoint answers 200 with a truncated JSON body",
		expect: "refuse the login and answer the callback",
		ref:    "RFC 6749 5.1",
		needs:  needTokenHit,
		run:    refuseFault(mockprovider.Fault{Body: `{"access_token":"x","token_type":"Bearer","id_token":"eyJ`}),
	},
	{
		name:   "token-endpoint/no-id-token",
		sends:  "a token response with no id_token although openid was asked; the claims come flat beside the tokens",
		expect: "refuse the login: without the ID token nothing ties the claims to this login",
		ref:    "OpenID Connect Core 3.1.3.3",
		needs:  needOpenID | needToken200,
		run:    refuseTokenFault(mockprovider.TokenNoIDToken),
	},

	// ---- ThaID's flat claims
	{
		name: "flat-claims/code-injection",
		sends: "the claims come flat beside the tokens (they do in every case of this plan); a code issued to " +
			"another browser's login is brought back with this browser's own state",
		expect: "refuse the login: flat claims are tied to this login only by PKCE (the provider refuses " +
			"another login's verifier) or, with openid, by the ID token's nonce",
		ref:   "RFC 9700 4.5 and 2.1.1; RFC 7636; OpenID Connect Core 3.1.2.1 (nonce)",
		needs: needTokenHit, // the RP cannot know the code is another login's before it redeems it
		run:   codeInjection,
	},
}

// ---- what the cases do

func acceptWith(key string) func(r *runner) outcome {
	return func(r *runner) outcome {
		if err := r.p.SetActiveKey(r.kids[key]); err != nil {
			return cannot("%v", err)
		}
		return r.login().accepted()
	}
}

func keyRotation(r *runner) outcome {
	if a := r.login(); !a.signedIn {
		return cannot("the good login before the rotation was refused (%s)", a)
	}
	if _, err := r.p.RotateKey("ES256"); err != nil {
		return cannot("rotating the key: %v", err)
	}
	return r.login().accepted()
}

func refuseTokenFault(f mockprovider.TokenFault) func(r *runner) outcome {
	return func(r *runner) outcome {
		r.p.QueueTokenFault(f)
		return r.login().refused()
	}
}

func refuseFault(f mockprovider.Fault) func(r *runner) outcome {
	return func(r *runner) outcome {
		r.p.QueueFault(mockprovider.EndpointToken, f)
		return r.login().refused()
	}
}

func accessDenied(r *runner) outcome {
	r.p.QueueFault(mockprovider.EndpointAuthorize, mockprovider.Fault{Error: "access_denied",
		Description: "the citizen refused to share the data"})
	a := r.login()
	if !slices.ContainsFunc(r.p.RequestsTo(mockprovider.EndpointAuthorize), func(rec mockprovider.RequestRecord) bool { return rec.Fault }) {
		return cannot("the RP's login never reached the provider's authorization endpoint")
	}
	return a.refused()
}

func tokenTimeout(r *runner) outcome {
	r.p.QueueFault(mockprovider.EndpointToken, mockprovider.Fault{Delay: tokenStall, Status: http.StatusGatewayTimeout,
		Error: "temporarily_unavailable", Description: "thaid-rpcheck: the token endpoint timed out"})
	a := r.login()
	switch {
	case a.err != nil || a.signedIn:
		return a.refused()
	case a.took >= tokenStall:
		return failed("waited %s for the token endpoint, until the provider gave up itself; give the token request a timeout shorter than %s",
			a.took.Round(100*time.Millisecond), tokenStall)
	}
	return passed("gave up after %s; the callback answered %d, the probe %d", a.took.Round(100*time.Millisecond), a.callback, a.probe)
}

func stateWrong(r *runner) outcome {
	b := r.newBrowser()
	cb, err := b.toCallback()
	if err != nil {
		return cannot("%v", err)
	}
	q := cb.Query()
	q.Set("state", randomString())
	cb.RawQuery = q.Encode()
	return b.finish(cb).refused()
}

// replay signs a browser in with a callback, then opens the same callback again: in a copy of
// the browser as it was before the first use, or (other) in a browser of its own.
func replay(other bool) func(r *runner) outcome {
	return func(r *runner) outcome {
		r.p.SetCodeReuse(true)
		b := r.newBrowser()
		cb, err := b.toCallback()
		if err != nil {
			return cannot("%v", err)
		}
		again := b.clone()
		if other {
			again = r.newBrowser()
		}
		if first := b.finish(cb); !first.signedIn {
			return cannot("the first use of the callback did not sign in (%s)", first)
		}
		return again.finish(cb).refused()
	}
}

func codeInjection(r *runner) outcome {
	victim := r.newBrowser()
	cb, err := victim.toCallback()
	if err != nil {
		return cannot("%v", err)
	}
	other, err := r.newBrowser().toCallback()
	if err != nil {
		return cannot("%v", err)
	}
	q := cb.Query()
	q.Set("code", other.Query().Get("code"))
	cb.RawQuery = q.Encode()
	return victim.finish(cb).refused()
}
