package thaid

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/thaid-go/thaid-go/internal/testclock"
)

// newTestClock returns the repository's test clock at 2026-11-23 12:00 UTC.
func newTestClock() *testclock.Clock {
	return testclock.New(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
}

// testKey is a signing key of the test OP.
type testKey struct {
	kid  string
	alg  string
	priv crypto.Signer
}

var (
	keyCacheMu sync.Mutex
	keyCache   = map[string]crypto.Signer{}
)

// newTestKey returns a key for alg. RSA keys are cached per name: generating
// them is slow and tests need only a few.
func newTestKey(t testing.TB, kid, alg string) testKey {
	t.Helper()
	keyCacheMu.Lock()
	defer keyCacheMu.Unlock()
	if k, ok := keyCache[kid+alg]; ok {
		return testKey{kid: kid, alg: alg, priv: k}
	}
	var (
		k   crypto.Signer
		err error
	)
	switch alg {
	case "ES256":
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "ES384":
		k, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	default:
		k, err = rsa.GenerateKey(rand.Reader, 2048)
	}
	if err != nil {
		t.Fatal(err)
	}
	keyCache[kid+alg] = k
	return testKey{kid: kid, alg: alg, priv: k}
}

// testOP is a minimal JWKS host and ID-token signer for the verification
// tests that need precise control (mockprovider covers the full flow).
type testOP struct {
	t        testing.TB
	srv      *httptest.Server
	issuer   string
	mu       sync.Mutex
	keys     []testKey // published
	status   int       // JWKS answer status; 0 = 200
	jwksHits atomic.Int32
}

func newTestOP(t testing.TB, keys ...testKey) *testOP {
	op := &testOP{t: t, keys: keys}
	op.srv = httptest.NewServer(http.HandlerFunc(op.serveJWKS))
	t.Cleanup(op.srv.Close)
	op.issuer = op.srv.URL
	return op
}

func (op *testOP) serveJWKS(w http.ResponseWriter, r *http.Request) {
	op.jwksHits.Add(1)
	op.mu.Lock()
	defer op.mu.Unlock()
	if op.status != 0 {
		w.WriteHeader(op.status)
		return
	}
	var set jose.JSONWebKeySet
	for _, k := range op.keys {
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: k.priv.Public(), KeyID: k.kid, Algorithm: k.alg, Use: "sig"})
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(set)
}

func (op *testOP) publish(k testKey) {
	op.mu.Lock()
	op.keys = append(op.keys, k)
	op.mu.Unlock()
}

func (op *testOP) setStatus(s int) {
	op.mu.Lock()
	op.status = s
	op.mu.Unlock()
}

const testClientID = "test-client"

// claims returns valid claims for now.
func (op *testOP) claims(now time.Time, nonce string) map[string]any {
	return map[string]any{
		"iss": op.issuer, "aud": testClientID, "sub": "sub-1", "iat": now.Unix(), "exp": now.Add(15 * time.Minute).Unix(),
		"auth_time": now.Unix(), "nonce": nonce, "version": "2.0",
		"pid": "1101700230708", "name": "นาย สมชาย ใจดี", "given_name": "สมชาย", "family_name": "ใจดี",
		"birthdate": "2533-05-17", "address": "99 หมู่ 1", "ial": 2.3,
	}
}

// sign signs claims with k; a kid of "" in k leaves the header without kid.
func sign(t testing.TB, k testKey, claims map[string]any) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType("JWT")
	var key any = k.priv
	if k.kid != "" {
		key = jose.JSONWebKey{Key: k.priv, KeyID: k.kid, Algorithm: k.alg}
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(k.alg), Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	s, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// forge builds a token with a hand-made header: alg none, or HS256 keyed with
// the PEM of k's public key (the classic key-confusion attack).
func forge(t testing.TB, alg string, k testKey, claims map[string]any) string {
	t.Helper()
	hdr, _ := json.Marshal(map[string]string{"alg": alg, "kid": k.kid, "typ": "JWT"})
	payload, _ := json.Marshal(claims)
	input := b64(hdr) + "." + b64(payload)
	switch alg {
	case "none":
		return input + "."
	case "HS256":
		der, err := x509.MarshalPKIXPublicKey(k.priv.Public())
		if err != nil {
			t.Fatal(err)
		}
		mac := hmac.New(sha256.New, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
		mac.Write([]byte(input))
		return input + "." + b64(mac.Sum(nil))
	}
	t.Fatalf("forge: alg %s", alg)
	return ""
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func atHash(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return b64(sum[:16])
}

// newTestClient builds a Client for op with explicit endpoints.
func newTestClient(t testing.TB, op *testOP, clock *testclock.Clock, mods ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		ClientID:     testClientID,
		ClientSecret: "s3cret",
		RedirectURL:  "https://rp.example/callback",
		Provider: Provider{
			Issuer:   op.issuer,
			AuthURL:  op.issuer + "/auth/",
			TokenURL: op.issuer + "/token/",
			JWKSURL:  op.issuer + "/jwks/",
		},
		Now:        clock.Now,
		HTTPClient: op.srv.Client(),
	}
	for _, m := range mods {
		m(&cfg)
	}
	c, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// errorsIs reports whether err matches want, or err is nil and want is nil.
func errorsIs(err, want error) bool {
	if want == nil {
		return err == nil
	}
	return errors.Is(err, want)
}
