package thaid

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// go-oidc as an independent reference. thaid verifies ID tokens with its own code (verify.go);
// go-oidc, which it used before, stays in the tests as a second opinion: every token that
// VerifyIDToken accepts, go-oidc's IDTokenVerifier must accept too, with the same public keys
// (its own RemoteKeySet reads the provider's JWKS), issuer, client ID, signing algorithms and
// clock. go-oidc checks less (azp, at_hash, the nonce, iat, case-variant claim names and the
// types of the identity claims are thaid's own), so the converse is not required.
//
// The clock given to go-oidc is thaid's minus Config.Leeway: go-oidc allows no skew on exp,
// where thaid allows Leeway (at most a minute). With that clock go-oidc's exp check is exactly
// thaid's, and its nbf check (five minutes of skew of its own) is never stricter than thaid's.
//
// verifyChecked runs the comparison; the verification tests (verify_test.go, attack_test.go) and
// FuzzVerifyIDToken verify through it, and FuzzVerifyMatchesGoOIDC mutates good tokens' headers
// and claims, signed with the provider's keys. Where go-oidc refuses a token that thaid accepts,
// the difference is a finding: each one is decided by a test in this file.

// references holds go-oidc's verifiers of a test run.
var references sync.Map // referenceKey → *oidc.IDTokenVerifier

type referenceKey struct {
	c      *Client
	issuer string
}

// reference returns go-oidc's verifier for what c verifies, expecting issuer.
func reference(c *Client, issuer string) *oidc.IDTokenVerifier {
	key := referenceKey{c, issuer}
	if v, ok := references.Load(key); ok {
		return v.(*oidc.IDTokenVerifier)
	}
	ctx := oidc.ClientContext(context.Background(), c.cfg.HTTPClient)
	algs := make([]string, 0, len(c.keys.algs))
	for _, a := range c.keys.algs {
		algs = append(algs, string(a))
	}
	v := oidc.NewVerifier(issuer, oidc.NewRemoteKeySet(ctx, c.cfg.Provider.JWKSURL), &oidc.Config{
		ClientID:             c.cfg.ClientID,
		SupportedSigningAlgs: algs,
		Now:                  func() time.Time { return c.cfg.Now().Add(-c.cfg.Leeway) },
	})
	v2, _ := references.LoadOrStore(key, v)
	return v2.(*oidc.IDTokenVerifier)
}

// goOIDCVerify verifies raw with go-oidc as the reference of c. One difference is decided
// (TestReferenceIssuerSlash): thaid takes an iss that differs from Provider.Issuer by a
// trailing slash as the same issuer, go-oidc does not; such a token is verified by go-oidc
// expecting the token's own spelling, so that it must pass every other check.
func goOIDCVerify(c *Client, raw string) error {
	_, err := reference(c, c.cfg.Provider.Issuer).Verify(context.Background(), raw)
	if err != nil {
		if iss, _ := tokenPayload(raw)["iss"].(string); iss != c.cfg.Provider.Issuer && sameIssuer(iss, c.cfg.Provider.Issuer) {
			_, err = reference(c, iss).Verify(context.Background(), raw)
		}
	}
	return err
}

// distributedClaims reports whether raw's payload has a member of OpenID Connect's aggregated
// and distributed claims, which go-oidc reads and thaid ignores (TestReferenceDistributedClaims).
func distributedClaims(raw string) bool {
	m := tokenPayload(raw)
	_, names := m["_claim_names"]
	_, sources := m["_claim_sources"]
	return names || sources
}

// tokenPayload decodes raw's payload, unverified (nil when it does not decode).
func tokenPayload(raw string) map[string]any {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil
	}
	p, err := b64Decode(parts[1])
	if err != nil {
		return nil
	}
	var m map[string]any
	_ = json.Unmarshal(p, &m)
	return m
}

// verifyChecked is c.VerifyIDToken, and when it accepts the token, a check (t.Errorf, so that
// the caller's own checks still run) that go-oidc accepts it too.
func verifyChecked(t testing.TB, c *Client, raw, accessToken, nonce string) (*Identity, error) {
	t.Helper()
	id, err := c.VerifyIDToken(context.Background(), raw, accessToken, nonce)
	if err == nil && !distributedClaims(raw) {
		if rerr := goOIDCVerify(c, raw); rerr != nil {
			t.Errorf("thaid accepted a token that go-oidc refuses (%v): %s", rerr, describeToken(raw))
		}
	}
	return id, err
}

// describeToken shows a token's header and claims, for a failure message.
func describeToken(raw string) string {
	parts := strings.Split(raw, ".")
	var b strings.Builder
	for _, p := range parts[:min(len(parts), 2)] {
		d, err := b64Decode(p)
		if err != nil {
			d = []byte(p)
		}
		b.WriteString(MaskPID(string(d)))
		b.WriteString(" ")
	}
	return b.String()
}

func b64Decode(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// signRaw signs header and payload, as given, with k's private key, under k.alg whatever the
// header says: a token whose header names another algorithm does not verify.
func signRaw(t testing.TB, k testKey, header, payload []byte) string {
	t.Helper()
	input := b64(header) + "." + b64(payload)
	var sig []byte
	var err error
	switch k.alg {
	case "ES256", "ES384":
		h, size := crypto.SHA256, 32
		if k.alg == "ES384" {
			h, size = crypto.SHA384, 48
		}
		hh := h.New()
		hh.Write([]byte(input))
		var r, s *big.Int
		r, s, err = ecdsa.Sign(rand.Reader, k.priv.(*ecdsa.PrivateKey), hh.Sum(nil))
		sig = make([]byte, 2*size)
		r.FillBytes(sig[:size])
		s.FillBytes(sig[size:])
	case "RS256":
		sum := sha256.Sum256([]byte(input))
		sig, err = rsa.SignPKCS1v15(rand.Reader, k.priv.(*rsa.PrivateKey), crypto.SHA256, sum[:])
	case "PS256":
		sum := sha256.Sum256([]byte(input))
		sig, err = rsa.SignPSS(rand.Reader, k.priv.(*rsa.PrivateKey), crypto.SHA256, sum[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	default:
		t.Fatalf("signRaw: alg %s", k.alg)
	}
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + b64(sig)
}

// TestReferenceCatchesWeakerThaid: the comparison can fail. A token that go-oidc refuses for a
// claim check it shares with thaid (a wrong aud, a wrong iss, an expired exp) is refused by thaid
// too; were thaid's check weakened, verifyChecked would report it. Shown here by calling the
// comparison on go-oidc alone.
func TestReferenceCatchesWeakerThaid(t *testing.T) {
	es := newTestKey(t, "es-1", "ES256")
	op := newTestOP(t, es)
	clock := newTestClock()
	c := newTestClient(t, op, clock)
	for name, set := range map[string]map[string]any{
		"aud of another client":   {"aud": "other-client"},
		"iss of another provider": {"iss": "https://evil.example"},
		"expired beyond leeway":   {"exp": clock.Now().Add(-DefaultLeeway - time.Second).Unix()},
		"no exp":                  {"exp": nil},
	} {
		claims := op.claims(clock.Now(), "n")
		for k, v := range set {
			claims[k] = v
		}
		raw := sign(t, es, claims)
		if err := goOIDCVerify(c, raw); err == nil {
			t.Errorf("%s: go-oidc accepts it, so the comparison could not catch thaid accepting it", name)
		}
		if _, err := c.VerifyIDToken(context.Background(), raw, "", "n"); err == nil {
			t.Errorf("%s: thaid accepts it", name)
		}
	}
	if err := goOIDCVerify(c, sign(t, es, op.claims(clock.Now(), "n"))); err != nil {
		t.Fatalf("go-oidc refuses a good token: %v", err)
	}
}

// TestReferenceIssuerSlash decides the one difference found between thaid and go-oidc on the
// corpora: thaid takes an iss that differs from Provider.Issuer only by a trailing slash as the
// same issuer (ThaID's iss is the bare base URL, and a configuration may well end in "/"), where
// go-oidc wants the issuer exactly. Both spell the same origin and path; nothing else is
// relaxed: another host, path, scheme or case is refused (TestVerifyClaimEdges).
func TestReferenceIssuerSlash(t *testing.T) {
	es := newTestKey(t, "es-1", "ES256")
	op := newTestOP(t, es)
	clock := newTestClock()
	for _, tt := range []struct{ configured, inToken string }{
		{op.issuer, op.issuer + "/"},
		{op.issuer + "/", op.issuer},
	} {
		c := newTestClient(t, op, clock, func(cfg *Config) { cfg.Provider.Issuer = tt.configured })
		claims := op.claims(clock.Now(), "n")
		claims["iss"] = tt.inToken
		raw := sign(t, es, claims)
		if _, err := c.VerifyIDToken(context.Background(), raw, "", "n"); err != nil {
			t.Errorf("configured %q, iss %q: thaid refuses: %v", tt.configured, tt.inToken, err)
		}
		if _, err := reference(c, tt.configured).Verify(context.Background(), raw); err == nil {
			t.Errorf("configured %q, iss %q: go-oidc accepts: the difference is gone, and goOIDCVerify's allowance with it", tt.configured, tt.inToken)
		}
		if err := goOIDCVerify(c, raw); err != nil {
			t.Errorf("configured %q, iss %q: go-oidc refuses the token's own spelling: %v", tt.configured, tt.inToken, err)
		}
	}
}

// TestReferenceFindings: tokens that thaid accepted and go-oidc refused, found by comparing the
// two. Each is now refused by thaid, since each means something else to another reader:
//
//   - a member whose name equals a checked claim under Unicode case folding, but not byte for
//     byte: encoding/json (and so go-oidc) reads "iſs" (U+017F, long s) as iss, "ſub" as sub;
//     thaid refused only names of the same length in bytes, which ASCII case variants are;
//   - a nonce or at_hash that is not a string, where thaid had nothing to compare it with (a
//     refreshed ID token, no access token): these claims are strings, whoever reads them;
//   - an iat or nbf that is null: not a NumericDate (exp null was refused already, as missing).
//
// The last case is one go-oidc accepts (its nbf is optional); it is refused for the same reason.
func TestReferenceFindings(t *testing.T) {
	es := newTestKey(t, "es-1", "ES256")
	op := newTestOP(t, es)
	clock := newTestClock()
	c := newTestClient(t, op, clock)
	base, _ := json.Marshal(op.claims(clock.Now(), "n"))
	for _, tt := range []struct {
		name, members    string // added at the end of the claims (the last of a name wins)
		accessToken      string
		nonce            string
		want             error
		goOIDCRefusesToo bool
	}{
		{"iss spelt with a long s, beside iss", `"iſs":"https://evil.example"`, "", "n", ErrInvalidToken, true},
		{"sub spelt with a long s, beside sub", `"ſub":"someone-else"`, "", "n", ErrInvalidToken, false},
		{"at_hash spelt with a long s", `"at_haſh":5`, "", "n", ErrInvalidToken, true},
		{"iat null", `"iat":null`, "", "n", ErrInvalidToken, true},
		{"nonce a number, on a refresh", `"nonce":5`, "", "", ErrNonceMismatch, true},
		{"at_hash a number, without an access token", `"at_hash":5`, "", "n", ErrAtHashMismatch, true},
		{"nbf null", `"nbf":null`, "", "n", ErrInvalidToken, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			payload := []byte(string(base[:len(base)-1]) + "," + tt.members + "}")
			raw := signRaw(t, es, []byte(`{"alg":"ES256","kid":"es-1","typ":"JWT"}`), payload)
			if err := goOIDCVerify(c, raw); (err != nil) != tt.goOIDCRefusesToo {
				t.Errorf("go-oidc: %v; want it to refuse: %v", err, tt.goOIDCRefusesToo)
			}
			if _, err := c.VerifyIDToken(context.Background(), raw, tt.accessToken, tt.nonce); !errors.Is(err, tt.want) {
				t.Errorf("thaid: %v, want %v", err, tt.want)
			}
		})
	}
}

// TestReferenceDistributedClaims decides the second difference: go-oidc reads the members of
// OpenID Connect's aggregated and distributed claims (_claim_names, _claim_sources) and refuses
// a token in which they do not fit together; thaid never follows them (the claims it returns are
// the signed token's own members) and keeps them in Identity.Raw as it keeps every unknown claim.
// The comparison (verifyChecked) therefore leaves out tokens that carry them.
func TestReferenceDistributedClaims(t *testing.T) {
	es := newTestKey(t, "es-1", "ES256")
	op := newTestOP(t, es)
	clock := newTestClock()
	c := newTestClient(t, op, clock)
	claims := op.claims(clock.Now(), "n")
	claims["_claim_names"] = map[string]any{"pid": "src1"}
	raw := sign(t, es, claims)
	if err := goOIDCVerify(c, raw); err == nil {
		t.Error("go-oidc accepts a distributed claim without its source: the difference is gone")
	}
	id, err := c.VerifyIDToken(context.Background(), raw, "", "n")
	if err != nil {
		t.Fatalf("thaid: %v", err)
	}
	if id.PID.Digits() != "1101700230708" || id.Raw["_claim_names"] == nil {
		t.Errorf("identity %s: want the token's own pid, and _claim_names kept as a claim", id)
	}
	if !distributedClaims(raw) {
		t.Error("distributedClaims misses the token")
	}
}

// FuzzVerifyMatchesGoOIDC mutates good tokens' headers and claims, signs them with the
// provider's keys, and checks that every token thaid accepts, go-oidc accepts too.
//
// The fuzzer's members are added at the end of a good token's header and claims (the last
// member of a name wins, for both readers), so that most inputs stay tokens that verify but for
// what was mutated: value, a JSON value, becomes the member named by claim (one of the claims
// either reader checks, or an identity claim), and claimMembers are added as they are. In both,
// "$iss" stands for the provider's issuer and "$now" for the time of the test clock (Unix). A
// non-empty payload replaces the claims whole. The token is checked as a login's (nonce "n") or
// a refresh's (no nonce), with or without the access token for at_hash.
func FuzzVerifyMatchesGoOIDC(f *testing.F) {
	keys := []testKey{
		newTestKey(f, "es-1", "ES256"),
		newTestKey(f, "es-384", "ES384"),
		newTestKey(f, "rs-1", "RS256"),
		newTestKey(f, "ps-1", "PS256"),
	}
	op := newTestOP(f, keys...)
	clock := newTestClock()
	now := clock.Now()
	c := newTestClient(f, op, clock)
	const at = "the-access-token"
	names := []string{"iss", "aud", "azp", "exp", "nbf", "iat", "nonce", "at_hash", "sub", "pid", "auth_time"}
	good, _ := json.Marshal(op.claims(now, "n"))
	for i := range keys {
		f.Add(uint8(i), "", uint8(0), "", "", []byte(nil), false, false)
	}
	for i, v := range []string{`"$iss"`, `"` + testClientID + `"`, `"` + testClientID + `"`, `$now`, `$now`, `$now`,
		`"n"`, `"` + atHash(at) + `"`, `"sub-1"`, `"1101700230708"`, `$now`} {
		f.Add(uint8(0), "", uint8(i), v, "", []byte(nil), false, false)
	}
	f.Add(uint8(0), "", uint8(0), `"$iss/"`, "", []byte(nil), false, false)
	f.Add(uint8(0), "", uint8(1), `["`+testClientID+`","other"]`, `"azp":"`+testClientID+`"`, []byte(nil), false, false)
	f.Add(uint8(1), "", uint8(7), `null`, `"AUD":"x"`, []byte(nil), true, true)
	f.Add(uint8(0), `"kid":null`, uint8(0), "", "", []byte(nil), true, true)
	f.Add(uint8(1), `"alg":"ES256"`, uint8(0), "", "", []byte(nil), false, false)
	f.Add(uint8(0), "", uint8(0), "", "", good, false, false)
	expand := strings.NewReplacer("$iss", op.issuer, "$now", strconv.FormatInt(now.Unix(), 10))
	f.Fuzz(func(t *testing.T, key uint8, headerMembers string, claim uint8, value, claimMembers string, payload []byte, refresh, noAccessToken bool) {
		k := keys[int(key)%len(keys)]
		header, _ := json.Marshal(map[string]string{"alg": k.alg, "kid": k.kid, "typ": "JWT"})
		if headerMembers != "" {
			header = append(header[:len(header)-1], ","+expand.Replace(headerMembers)+"}"...)
		}
		if len(payload) == 0 {
			payload = slices.Clip(good[:len(good)-1])
			if value != "" {
				payload = append(payload, `,"`+names[int(claim)%len(names)]+`":`+expand.Replace(value)...)
			}
			if claimMembers != "" {
				payload = append(payload, ","+expand.Replace(claimMembers)...)
			}
			payload = append(payload, '}')
		}
		raw := signRaw(t, k, header, payload)
		nonce, accessToken := "n", at
		if refresh {
			nonce = ""
		}
		if noAccessToken {
			accessToken = ""
		}
		id, err := verifyChecked(t, c, raw, accessToken, nonce)
		if err == nil && (id == nil || !id.Verified) {
			t.Fatal("accepted without a verified identity")
		}
		if err != nil && id != nil {
			t.Fatal("identity returned with an error")
		}
	})
}
