package main

import (
	"net/http"
	"slices"
	"strconv"
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
		run:    withKey(keyES256, accept),
	},
	{
		name:   "accept/rs256",
		sends:  "a good login with an ID token signed with RS256 (discovery announces ES256 and RS256, both keys are published)",
		expect: "sign the citizen in",
		ref:    "OpenID Connect Core 3.1.3.7; RP test oidcc-client-test-idtoken-sig-rs256 (rp-id_token-sig-rs256)",
		needs:  needOpenID | needToken200,
		run:    withKey(keyRS256, accept),
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
		sends:  "an RS256 ID token whose signature has one byte changed",
		expect: "refuse the login",
		ref:    "OpenID Connect Core 3.1.3.7 (6); RP tests oidcc-client-test-invalid-sig-rs256 and -es256 (rp-id_token-bad-sig-rs256)",
		needs:  needOpenID | needToken200,
		run:    withKey(keyRS256, refuseTokenFault(mockprovider.TokenBadSignature)),
	},
	{
		name:   "signature/alg-none",
		sends:  `an unsigned ID token with alg "none"`,
		expect: "refuse the login: only the algorithms of the provider's discovery (ES256, RS256) are acceptable",
		ref:    "OpenID Connect Core 3.1.3.7 (7); RFC 8725 2.1 and 3.1 (RP test oidcc-client-test-idtoken-sig-none is the opposite case, an RP registered for none)",
		needs:  needOpenID | needToken200,
		run:    refuseTokenFault(mockprovider.TokenAlgNone),
	},
	// alg confusion: HS256 keyed with the provider's public key, in each form an RP may hold it
	hs256("pem", keyES256, "that public key in PEM (SubjectPublicKeyInfo, as -----BEGIN PUBLIC KEY-----)", mockprovider.TokenHS256PublicKey),
	hs256("der", keyES256, "the DER bytes of that public key (SubjectPublicKeyInfo, the bytes inside the PEM)", mockprovider.TokenHS256PublicKeyDER),
	hs256("pkcs1-der", keyRS256, "the PKCS #1 DER bytes of that RSA public key", mockprovider.TokenHS256PublicKeyPKCS1),
	hs256("pkcs1-pem", keyRS256, "that RSA public key in PKCS #1 PEM (-----BEGIN RSA PUBLIC KEY-----)", mockprovider.TokenHS256PublicKeyPKCS1PEM),
	hs256("jwk", keyES256, "that key's JWK, the JSON text exactly as the JWKS serves it", mockprovider.TokenHS256PublicKeyJWK),
	hs256("ec-point", keyES256, "that key's raw EC point (0x04, X, Y: 65 bytes)", mockprovider.TokenHS256PublicKeyRaw),
	hs256("rsa-modulus", keyRS256, "that key's raw modulus (big-endian bytes)", mockprovider.TokenHS256PublicKeyRaw),
	hs256("jwk-x", keyES256, "the base64url text of that key's JWK member x", mockprovider.TokenHS256PublicKeyJWKMember),
	hs256("jwk-n", keyRS256, "the base64url text of that key's JWK member n", mockprovider.TokenHS256PublicKeyJWKMember),
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
	{
		name: "signature/header-jwk",
		sends: "an ID token signed by a key of thaid-rpcheck's own, under that key's kid (not published), " +
			"with the public key in the header's jwk",
		expect: "refuse the login: a key that the token brings proves nothing; keys come from the provider's JWKS only",
		ref:    headerKeyRef,
		needs:  needOpenID | needToken200,
		run:    refuseForeignKey(mockprovider.HeaderJWK),
	},
	{
		name: "signature/header-jku",
		sends: "an ID token signed by a key of thaid-rpcheck's own, under that key's kid, with the header's " +
			"jku the URL of a JWK Set holding it, served by thaid-rpcheck (under /thaid-rpcheck/attacker/ of the issuer)",
		expect: "refuse the login, without fetching the URL",
		ref:    headerKeyRef + "; RFC 8725 3.10 (a URL in a token is an SSRF)",
		needs:  needOpenID | needToken200,
		run:    refuseForeignKey(mockprovider.HeaderJKU),
	},
	{
		name: "signature/header-x5c",
		sends: "an ID token signed by a key of thaid-rpcheck's own, under that key's kid, with a self-signed " +
			"certificate of it in the header's x5c",
		expect: "refuse the login: a certificate that the token brings proves nothing",
		ref:    headerKeyRef,
		needs:  needOpenID | needToken200,
		run:    refuseForeignKey(mockprovider.HeaderX5C),
	},
	{
		name: "signature/header-x5u",
		sends: "an ID token signed by a key of thaid-rpcheck's own, under that key's kid, with the header's " +
			"x5u the URL of a self-signed certificate of it (PEM), served by thaid-rpcheck (under /thaid-rpcheck/attacker/ of the issuer)",
		expect: "refuse the login, without fetching the URL",
		ref:    headerKeyRef + "; RFC 8725 3.10 (a URL in a token is an SSRF)",
		needs:  needOpenID | needToken200,
		run:    refuseForeignKey(mockprovider.HeaderX5U),
	},

	// ---- claims
	{
		name: "claims/iss-wrong",
		sends: "an ID token with iss https://imauthsbx.bora.dopa.go.th, ThaID's sandbox (its production issuer " +
			"https://imauth.bora.dopa.go.th if the provider's issuer is the sandbox's): a real ThaID issuer, not " +
			"the one the RP is configured for",
		expect: "refuse the login: trust the one issuer configured, not every ThaID environment",
		ref:    "OpenID Connect Core 3.1.3.7 (2); RP test oidcc-client-test-invalid-iss (rp-id_token-issuer-mismatch)",
		needs:  needOpenID | needToken200,
		run:    refuseTokenFault(mockprovider.TokenIssuerOtherThaID),
	},
	// an iss that only looks like the issuer
	issLookalike("suffix", "an ID token whose iss is the issuer followed by .attacker.invalid (it starts with the issuer)", mockprovider.TokenIssuerSuffix),
	issLookalike("prefix", "an ID token whose iss is https://attacker.invalid/ followed by the issuer (it ends with the issuer)", mockprovider.TokenIssuerPrefix),
	issLookalike("case", "an ID token whose iss is the issuer with the case of every letter swapped (HTTP://...)", mockprovider.TokenIssuerCase),
	issLookalike("other-host", "an ID token whose iss is the issuer with its host replaced by attacker.invalid (scheme, port and path kept)", mockprovider.TokenIssuerOtherHost),
	{
		name:   "claims/aud-wrong",
		sends:  "an ID token whose aud is another client (another-client)",
		expect: "refuse the login: only the RP's own client ID is its audience",
		ref:    "OpenID Connect Core 3.1.3.7 (3); RP test oidcc-client-test-invalid-aud (rp-id_token-aud)",
		needs:  needOpenID | needToken200,
		run:    refuseTokenFault(mockprovider.TokenWrongAudience),
	},
	{
		name:   "claims/aud-superstring",
		sends:  "an ID token whose aud is the client ID followed by -attacker (it contains the client ID)",
		expect: audExact,
		ref:    "OpenID Connect Core 3.1.3.7 (3)",
		needs:  needOpenID | needToken200,
		run:    refuseTokenFault(mockprovider.TokenAudienceSuperstring),
	},
	{
		name:   "claims/aud-substring",
		sends:  "an ID token whose aud is the client ID without its last character (the client ID contains it)",
		expect: audExact,
		ref:    "OpenID Connect Core 3.1.3.7 (3)",
		needs:  needOpenID | needToken200,
		run:    refuseTokenFault(mockprovider.TokenAudienceSubstring),
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
		name: "claims/azp-lookalike",
		sends: "an ID token whose aud lists the RP and the client ID followed by -attacker, with azp the latter " +
			"(it starts with the client ID)",
		expect: "refuse the login: azp, when present, must equal the client ID exactly",
		ref:    "OpenID Connect Core 3.1.3.7 (4) and (5)",
		needs:  needOpenID | needToken200,
		run:    refuseTokenFault(mockprovider.TokenAzpLookalike),
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
		name: "redirect/login-csrf",
		sends: "browser A starts a login and stops before its callback; browser B, which started none, opens " +
			"A's callback (login CSRF: B would be signed in as A's citizen, or a leaked link would sign its " +
			"finder in)",
		expect: "sign B in as no one, and leave the login to A: A's own callback then still signs A in (a " +
			"browser that did not start the login is refused before the login or its code is used)",
		ref:   "RFC 6749 10.12; RFC 9700 4.7; OpenID Connect Core 3.1.2.1 (state)",
		needs: needToken200,
		run:   loginCSRF,
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

// Texts that several cases share.
const (
	headerKeyRef = "OpenID Connect Core 2 (ID tokens should not use jwk, jku, x5c or x5u) and 3.1.3.7 (6) " +
		"(use the keys provided by the issuer); RFC 8725 3.10"
	audExact = "refuse the login: aud must hold the client ID exactly"
)

// hs256 is a signature/hs256-* case: an ID token with alg HS256 under the kid of the key named
// (keyES256, keyRS256), its HMAC keyed with that public key as keyedWith says.
func hs256(name, key, keyedWith string, f mockprovider.TokenFault) testCase {
	return testCase{
		name:   "signature/hs256-" + name,
		sends:  "an ID token with alg HS256 under the " + key + " key's kid; the HMAC keyed with " + keyedWith,
		expect: "refuse the login: never verify with HMAC what should be verified with a public key, in whatever form the RP holds the key",
		ref:    "RFC 8725 2.1 and 3.1; OpenID Connect Core 10.1",
		needs:  needOpenID | needToken200,
		run:    withKey(key, refuseTokenFault(f)),
	}
}

// issLookalike is a claims/iss-* case: an ID token whose iss only looks like the issuer, as
// sends says.
func issLookalike(name, sends string, f mockprovider.TokenFault) testCase {
	return testCase{
		name:   "claims/iss-" + name,
		sends:  sends,
		expect: "refuse the login: iss must equal the issuer exactly (a trailing slash may be tolerated, nothing else)",
		ref:    "OpenID Connect Core 3.1.3.7 (2)",
		needs:  needOpenID | needToken200,
		run:    refuseTokenFault(f),
	}
}

// ---- what the cases do

// withKey is run with the key named (keyES256, keyRS256) active.
func withKey(key string, run func(r *runner) outcome) func(r *runner) outcome {
	return func(r *runner) outcome {
		if err := r.p.SetActiveKey(r.kids[key]); err != nil {
			return cannot("%v", err)
		}
		return run(r)
	}
}

func accept(r *runner) outcome { return r.login().accepted() }

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

// refuseForeignKey sends an ID token signed by the runner's foreign key, which the header
// gives as in says. An RP that fetches a jku or x5u URL fails, even if it then refuses.
func refuseForeignKey(in mockprovider.HeaderKey) func(r *runner) outcome {
	return func(r *runner) outcome {
		keyURL := ""
		switch in {
		case mockprovider.HeaderJKU:
			keyURL = r.jkuURL
		case mockprovider.HeaderX5U:
			keyURL = r.x5uURL
		}
		if err := r.p.QueueForeignKeyToken(r.foreign, in, keyURL); err != nil {
			return cannot("%v", err)
		}
		a := r.login()
		out := a.refused()
		if n := r.attackerHits.Load(); n > 0 && !out.unobservable {
			return failed("%s; and it fetched %s, the token header's %s, %s: a URL that a token names must never be fetched",
				a, keyURL, in, times(n))
		}
		return out
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

// loginCSRF: browser b opens browser a's callback, which a never opened. b must be refused,
// and a's login left alone: a's own callback must still sign a in afterwards.
func loginCSRF(r *runner) outcome {
	a := r.newBrowser()
	cb, err := a.toCallback()
	if err != nil {
		return cannot("%v", err)
	}
	other := r.newBrowser().finish(cb)
	if out := other.refused(); !out.pass {
		if out.unobservable {
			return out
		}
		return failed("the browser that did not start the login: %s", other)
	}
	redeemed := r.tokenHits.Load() > 0
	own := a.finish(cb)
	if own.signedIn {
		return passed("the browser that did not start the login: %s; the one that did then signed in", other)
	}
	// Either the other browser's callback spent A's login, or the RP refuses everything now:
	// a good login tells which.
	if control := r.login(); !control.signedIn {
		return cannot("the browser that started the login could not complete it (%s), and a good login is refused too (%s)", own, control)
	}
	how := "it"
	if redeemed {
		how = "it (the RP redeemed the code for the other browser)"
	}
	return failed("refused the browser that did not start the login (%s), but spent %s: the browser that started the login could no longer complete it (%s)",
		other, how, own)
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

// times says how many times: "once", "2 times".
func times(n int64) string {
	if n == 1 {
		return "once"
	}
	return strconv.FormatInt(n, 10) + " times"
}
