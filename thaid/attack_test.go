package thaid

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// signWith signs payload with k under the options opts, adding k's kid and
// alg to the protected header, and returns the JWS to serialize.
func signWith(t *testing.T, k testKey, payload []byte, opts *jose.SignerOptions) *jose.JSONWebSignature {
	t.Helper()
	if opts == nil {
		opts = &jose.SignerOptions{}
	}
	opts = opts.WithType("JWT")
	key := jose.JSONWebKey{Key: k.priv, KeyID: k.kid, Algorithm: k.alg}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(k.alg), Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	return jws
}

// TestVerifyHeaderAttacks: tokens signed with the provider's real key, whose
// JWS header or serialization is unusual, and tokens carrying a key of the
// attacker's own in the header.
func TestVerifyHeaderAttacks(t *testing.T) {
	es := newTestKey(t, "es-1", "ES256")
	rs := newTestKey(t, "rs-1", "RS256")
	op := newTestOP(t, es, rs)
	// A server that counts fetches of jku/x5u: thaid must never fetch them.
	var fetched atomic.Int32
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetched.Add(1)
		w.WriteHeader(http.StatusNotFound)
	}))
	t.Cleanup(evil.Close)
	clock := newTestClock()
	c := newTestClient(t, op, clock)
	const nonce = "n"
	payload, _ := json.Marshal(op.claims(clock.Now(), nonce))
	// The attacker's own P-256 key, under the provider's kid.
	attackerPriv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	attacker := testKey{kid: "es-1", alg: "ES256", priv: attackerPriv}
	attackerJWK := jose.JSONWebKey{Key: attacker.priv.Public(), KeyID: "es-1", Algorithm: "ES256", Use: "sig"}

	compact := func(k testKey, p []byte, o *jose.SignerOptions) string {
		c, _ := signWith(t, k, p, o).CompactSerialize() // fails for b64=false with a '.' in the payload
		return c
	}
	multi := func() string {
		s, err := jose.NewMultiSigner([]jose.SigningKey{
			{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: es.priv, KeyID: es.kid}},
			{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: rs.priv, KeyID: rs.kid}},
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		jws, err := s.Sign(payload)
		if err != nil {
			t.Fatal(err)
		}
		return jws.FullSerialize()
	}
	hdr := func(kv ...any) *jose.SignerOptions {
		o := &jose.SignerOptions{}
		for i := 0; i < len(kv); i += 2 {
			o = o.WithHeader(jose.HeaderKey(kv[i].(string)), kv[i+1])
		}
		return o
	}
	tests := []struct {
		name string
		raw  string
		want error
	}{
		{name: "baseline", raw: compact(es, payload, nil)},
		{name: "JSON serialization (flattened)", raw: signWith(t, es, payload, nil).FullSerialize(), want: ErrInvalidToken},
		{name: "JSON serialization, two signatures", raw: multi(), want: ErrInvalidToken},
		{name: "crit with an unknown extension", raw: compact(es, payload, hdr("crit", []string{"exp"}, "exp", 1)), want: ErrInvalidToken},
		{name: "crit b64, b64 false", raw: compact(es, []byte("e30"), (&jose.SignerOptions{}).WithBase64(false)), want: ErrInvalidToken},
		// Unencoded, the payload {} would decode and fail the issuer check instead.
		{name: "b64 false, JSON payload", raw: compact(es, []byte(`{}`), (&jose.SignerOptions{}).WithBase64(false)), want: ErrInvalidToken},
		{name: "b64 true", raw: compact(es, payload, hdr("b64", true)), want: ErrInvalidToken},
		{name: "jku to the attacker", raw: compact(attacker, payload, hdr("jku", evil.URL+"/jwks")), want: ErrBadSignature},
		{name: "x5u to the attacker", raw: compact(attacker, payload, hdr("x5u", evil.URL+"/cert")), want: ErrBadSignature},
		{name: "jwk of the attacker", raw: compact(attacker, payload, hdr("jwk", attackerJWK)), want: ErrBadSignature},
		{name: "x5c of the attacker", raw: compact(attacker, payload, hdr("x5c", []string{selfSigned(t, attacker)})), want: ErrBadSignature},
		{name: "jku on a genuine token is ignored", raw: compact(es, payload, hdr("jku", evil.URL+"/jwks"))},
		{name: "payload an array", raw: compact(es, []byte(`[1,2]`), nil), want: ErrInvalidToken},
		{name: "payload a string", raw: compact(es, []byte(`"x"`), nil), want: ErrInvalidToken},
		{name: "payload null", raw: compact(es, []byte(`null`), nil), want: ErrInvalidToken},
		{name: "payload empty", raw: compact(es, []byte(``), nil), want: ErrInvalidToken},
		{name: "payload not JSON", raw: compact(es, []byte(`{"iss":`), nil), want: ErrInvalidToken},
		{name: "deeply nested payload", raw: compact(es, []byte(`{"x":`+strings.Repeat("[", 20000)+strings.Repeat("]", 20000)+`}`), nil), want: ErrInvalidToken},
		{name: "alg ES512 (not allowed)", raw: rawHeader(`{"alg":"ES512","kid":"es-1"}`, payload), want: ErrUnsupportedAlg},
		{name: "alg EdDSA (not allowed)", raw: rawHeader(`{"alg":"EdDSA","kid":"es-1"}`, payload), want: ErrUnsupportedAlg},
		{name: "alg NONE", raw: rawHeader(`{"alg":"NONE","kid":"es-1"}`, payload), want: ErrUnsupportedAlg},
		{name: "alg missing", raw: rawHeader(`{"kid":"es-1"}`, payload), want: ErrUnsupportedAlg},
		{name: "two algs in the header, last HS256", raw: rawHeader(`{"alg":"ES256","alg":"HS256","kid":"es-1"}`, payload), want: ErrUnsupportedAlg},
		{name: "header not JSON", raw: rawHeader(`{"alg":`, payload), want: ErrInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.raw == "" {
				t.Fatal("no token built")
			}
			id, err := verifyChecked(t, c, tt.raw, "", nonce)
			if !errorsIs(err, tt.want) {
				t.Fatalf("VerifyIDToken: %v, want %v", err, tt.want)
			}
			if err != nil && id != nil {
				t.Fatal("identity returned with an error")
			}
		})
	}
	if n := fetched.Load(); n != 0 {
		t.Fatalf("a jku/x5u URL from a token header was fetched %d times", n)
	}
}

// selfSigned returns a self-signed certificate for k, standard base64 DER as
// in an x5c header.
func selfSigned(t *testing.T, k testKey) string {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "attacker"},
		NotBefore: time.Unix(0, 0), NotAfter: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.priv.Public(), k.priv)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(der)
}

// rawHeader builds a token with the header hdr, as given, and a junk signature.
func rawHeader(hdr string, payload []byte) string {
	return b64([]byte(hdr)) + "." + b64(payload) + "." + b64([]byte("not a signature"))
}

// TestVerifyKeyAttacks: the JWKS side. Keys are chosen by kid, key type,
// curve and the JWK's own alg; keys for encryption, symmetric keys and
// private keys are never used.
func TestVerifyKeyAttacks(t *testing.T) {
	es := newTestKey(t, "es-1", "ES256")
	es2 := newTestKey(t, "es-2", "ES256")
	es384 := newTestKey(t, "es-384", "ES384")
	rs := newTestKey(t, "rs-1", "RS256")
	clock := newTestClock()
	const nonce = "n"
	ec256 := func(kid string, k testKey, extra string) string {
		j, _ := json.Marshal(jose.JSONWebKey{Key: k.priv.Public(), KeyID: kid})
		return strings.TrimSuffix(string(j), "}") + extra + "}"
	}
	private := func(kid string, k testKey) string {
		j, _ := json.Marshal(jose.JSONWebKey{Key: k.priv, KeyID: kid, Use: "sig"})
		return string(j)
	}
	tests := []struct {
		name  string
		jwks  []string // the keys published
		token testKey  // signs the token; kid and alg from here
		want  error
	}{
		{name: "no kid, several keys, the second verifies", jwks: []string{ec256("a", es2, ""), ec256("b", es, "")}, token: testKey{alg: "ES256", priv: es.priv}},
		{name: "no kid, no key verifies", jwks: []string{ec256("a", es2, "")}, token: testKey{alg: "ES256", priv: es.priv}, want: ErrBadSignature},
		{name: "duplicate kids, the second verifies", jwks: []string{ec256("es-1", es2, ""), ec256("es-1", es, "")}, token: es},
		{name: "duplicate kids, none verifies", jwks: []string{ec256("es-1", es2, ""), ec256("es-1", es384, "")}, token: es, want: ErrBadSignature},
		{name: "key for encryption only", jwks: []string{ec256("es-1", es, `,"use":"enc"`), ec256("x", es2, "")}, token: es, want: ErrBadSignature},
		{name: "JWK alg differs from the token's", jwks: []string{ec256("es-1", es, `,"alg":"ES384"`)}, token: es, want: ErrBadSignature},
		{name: "RS256 JWK, PS256 token with the same key", jwks: []string{ec256("rs-1", rs, `,"alg":"RS256"`)}, token: testKey{kid: "rs-1", alg: "PS256", priv: rs.priv}, want: ErrBadSignature},
		{name: "ES256 token, RSA key under its kid", jwks: []string{ec256("es-1", rs, "")}, token: es, want: ErrBadSignature},
		{name: "ES256 token, P-384 key under its kid", jwks: []string{ec256("es-1", es384, "")}, token: es, want: ErrBadSignature},
		{name: "ES384 token, P-256 key under its kid", jwks: []string{ec256("es-384", es, "")}, token: es384, want: ErrBadSignature},
		{name: "private EC key published", jwks: []string{private("es-1", es), ec256("x", es2, "")}, token: es, want: ErrBadSignature},
		{name: "private RSA key published", jwks: []string{private("rs-1", rs), ec256("x", es2, "")}, token: rs, want: ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"keys":[` + strings.Join(tt.jwks, ",") + `]}`
			srv := httptest.NewServer(http.HandlerFunc(jsonAnswer(http.StatusOK, body)))
			t.Cleanup(srv.Close)
			op := &testOP{t: t, srv: srv, issuer: srv.URL}
			c := newTestClient(t, op, clock)
			_, err := verifyChecked(t, c, sign(t, tt.token, op.claims(clock.Now(), nonce)), "", nonce)
			if !errorsIs(err, tt.want) {
				t.Fatalf("VerifyIDToken: %v, want %v", err, tt.want)
			}
		})
	}
}

// TestVerifyDuplicateClaims: a payload with a claim twice. thaid checks and
// returns the claims of one decode (encoding/json: the last member wins, as
// RFC 7519 section 4 allows); go-oidc's own decode, which matches member
// names without regard to case, can only refuse more, never accept a token
// that thaid's checks refused.
func TestVerifyDuplicateClaims(t *testing.T) {
	es := newTestKey(t, "es-1", "ES256")
	op := newTestOP(t, es)
	clock := newTestClock()
	c := newTestClient(t, op, clock)
	const nonce = "the-nonce"
	claims := op.claims(clock.Now(), nonce)
	delete(claims, "nonce")
	delete(claims, "iss")
	delete(claims, "aud")
	delete(claims, "pid")
	base, _ := json.Marshal(claims)
	with := func(members string) []byte {
		return []byte(`{` + members + `,` + string(base[1:]))
	}
	good := `"iss":"` + op.issuer + `","aud":"` + testClientID + `","pid":"1101700230708"`
	tests := []struct {
		name    string
		payload []byte
		want    error
		wantPID string
	}{
		{name: "nonce twice, the right one last", payload: with(good + `,"nonce":"wrong","nonce":"` + nonce + `"`), wantPID: "1101700230708"},
		{name: "nonce twice, the right one first", payload: with(good + `,"nonce":"` + nonce + `","nonce":"wrong"`), want: ErrNonceMismatch},
		{name: "iss twice, the right one first", payload: with(`"iss":"` + op.issuer + `","iss":"https://evil.example","aud":"` + testClientID + `","nonce":"` + nonce + `"`), want: ErrIssuerMismatch},
		{name: "aud twice, ours first", payload: with(`"iss":"` + op.issuer + `","aud":"` + testClientID + `","aud":"other","nonce":"` + nonce + `"`), want: ErrAudienceMismatch},
		{name: "pid twice: the identity carries the last", payload: with(good + `,"nonce":"` + nonce + `","pid":"1112034563562"`), wantPID: "1112034563562"},
		// go-oidc reads "AUD" as aud; thaid does not: the token is refused either way.
		{name: "AUD beside aud", payload: with(good + `,"nonce":"` + nonce + `","AUD":"other"`), want: ErrInvalidToken},
		{name: "only AUD", payload: with(`"iss":"` + op.issuer + `","AUD":"` + testClientID + `","nonce":"` + nonce + `"`), want: ErrAudienceMismatch},
		{name: "Nonce and NONCE are other claims", payload: with(good + `,"Nonce":"` + nonce + `","NONCE":"` + nonce + `"`), want: ErrNonceMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, _ := signWith(t, es, tt.payload, nil).CompactSerialize()
			id, err := verifyChecked(t, c, raw, "", nonce)
			if !errorsIs(err, tt.want) {
				t.Fatalf("VerifyIDToken: %v, want %v", err, tt.want)
			}
			if err == nil && id.PID.Digits() != tt.wantPID {
				t.Fatalf("PID %s, want %s", id.PID.Masked(), MaskPID(tt.wantPID))
			}
		})
	}
}

// TestVerifyClaimEdges: time claims at the leeway's edges, at_hash for each
// hash size, and a few claims of the wrong kind.
func TestVerifyClaimEdges(t *testing.T) {
	es := newTestKey(t, "es-1", "ES256")
	es384 := newTestKey(t, "es-384", "ES384")
	rs := newTestKey(t, "rs-1", "RS256")
	rs512 := newTestKey(t, "rs-512", "RS512")
	op := newTestOP(t, es, es384, rs, rs512)
	clock := newTestClock()
	now := clock.Now()
	const nonce, at = "n", "access-token-value"
	c := newTestClient(t, op, clock, func(cfg *Config) { cfg.Leeway = MaxLeeway })
	at256 := atHash(at)
	at384 := sha512.Sum384([]byte(at)) // at_hash for ES384: the left half of SHA-384
	tests := []struct {
		name string
		key  testKey
		set  map[string]any
		want error
	}{
		{name: "exp exactly at the leeway", key: es, set: map[string]any{"exp": now.Add(-MaxLeeway).Unix()}},
		{name: "exp a second past the leeway", key: es, set: map[string]any{"exp": now.Add(-MaxLeeway - time.Second).Unix()}, want: ErrTokenExpired},
		{name: "exp fractional", key: es, set: map[string]any{"exp": float64(now.Unix()) + 0.5}},
		{name: "exp negative", key: es, set: map[string]any{"exp": -1}, want: ErrInvalidToken},
		{name: "exp beyond year 9999", key: es, set: map[string]any{"exp": 1e20}, want: ErrInvalidToken},
		{name: "nbf exactly at the leeway", key: es, set: map[string]any{"nbf": now.Add(MaxLeeway).Unix()}},
		{name: "nbf a second past the leeway", key: es, set: map[string]any{"nbf": now.Add(MaxLeeway + time.Second).Unix()}, want: ErrTokenNotYetValid},
		{name: "nbf string", key: es, set: map[string]any{"nbf": "now"}, want: ErrInvalidToken},
		{name: "iat a second past the leeway", key: es, set: map[string]any{"iat": now.Add(MaxLeeway + time.Second).Unix()}, want: ErrIssuedInFuture},
		{name: "iat bool", key: es, set: map[string]any{"iat": true}, want: ErrInvalidToken},
		{name: "at_hash SHA-256 for ES256", key: es, set: map[string]any{"at_hash": at256}},
		{name: "at_hash SHA-256 for RS256", key: rs, set: map[string]any{"at_hash": at256}},
		{name: "at_hash SHA-384 for ES384", key: es384, set: map[string]any{"at_hash": b64(at384[:24])}},
		{name: "at_hash SHA-256 refused for ES384", key: es384, set: map[string]any{"at_hash": at256}, want: ErrAtHashMismatch},
		{name: "at_hash SHA-256 refused for RS512", key: rs512, set: map[string]any{"at_hash": at256}, want: ErrAtHashMismatch},
		{name: "at_hash empty", key: es, set: map[string]any{"at_hash": ""}, want: ErrAtHashMismatch},
		{name: "iss differing in case", key: es, set: map[string]any{"iss": strings.ToUpper(op.issuer)}, want: ErrIssuerMismatch},
		{name: "iss with a path added", key: es, set: map[string]any{"iss": op.issuer + "/x"}, want: ErrIssuerMismatch},
		{name: "aud list with a number", key: es, set: map[string]any{"aud": []any{testClientID, 5}}, want: ErrAudienceMismatch},
		{name: "aud empty list", key: es, set: map[string]any{"aud": []any{}}, want: ErrAudienceMismatch},
		{name: "aud list, azp empty string", key: es, set: map[string]any{"aud": []any{testClientID, "x"}, "azp": ""}, want: ErrAudienceMismatch},
		{name: "pid with a bad check digit as a number", key: es, set: map[string]any{"pid": 1101700230709}, want: ErrInvalidPID},
		{name: "pid of 12 digits", key: es, set: map[string]any{"pid": "110170023070"}, want: ErrInvalidPID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			claims := op.claims(now, nonce)
			for k, v := range tt.set {
				claims[k] = v
			}
			_, err := verifyChecked(t, c, sign(t, tt.key, claims), at, nonce)
			if !errorsIs(err, tt.want) {
				t.Fatalf("VerifyIDToken: %v, want %v", err, tt.want)
			}
		})
	}
	t.Run("leeway above the cap is refused", func(t *testing.T) {
		cfg := c.Config()
		cfg.Leeway = MaxLeeway + time.Nanosecond
		if _, err := New(context.Background(), cfg); !errors.Is(err, ErrInvalidConfig) {
			t.Fatalf("New: %v, want ErrInvalidConfig", err)
		}
	})
}

// tokenEndpoint is a provider whose token endpoint answers with answer and
// whose JWKS publishes keys; it records the last request's Basic credentials.
type tokenEndpoint struct {
	*testOP
	answer   func(w http.ResponseWriter, r *http.Request)
	user     atomic.Value // string: Basic user as sent
	password atomic.Value
}

func newTokenEndpoint(t *testing.T, keys ...testKey) *tokenEndpoint {
	te := &tokenEndpoint{}
	te.testOP = &testOP{t: t, keys: keys}
	te.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/jwks/" {
			te.serveJWKS(w, r)
			return
		}
		u, p, _ := r.BasicAuth()
		te.user.Store(u)
		te.password.Store(p)
		te.answer(w, r)
	}))
	t.Cleanup(te.srv.Close)
	te.issuer = te.srv.URL
	return te
}

func jsonAnswer(status int, body string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

// TestTokenEndpointAttacks: odd answers of the token endpoint, through
// Exchange, and the errors they give.
func TestTokenEndpointAttacks(t *testing.T) {
	huge := `{"access_token":"at","pad":"` + strings.Repeat("x", 2*maxBody) + `"}`
	tests := []struct {
		name   string
		status int
		body   string
		want   error
	}{
		{name: "error at 200 beside an access token", status: 200, body: `{"error":"invalid_grant","access_token":"at"}`, want: ErrInvalidGrant},
		{name: "error object at 200 beside an access token", status: 200, body: `{"error":{"code":"invalid_grant"},"access_token":"at"}`, want: ErrMalformedResponse},
		{name: "error number at 200 beside an access token", status: 200, body: `{"error":400,"access_token":"at"}`, want: ErrMalformedResponse},
		{name: "error null at 200 is no error", status: 200, body: `{"error":null,"access_token":"at"}`},
		{name: "error at 400 with a wrong-typed description", status: 400, body: `{"error":"invalid_client","error_description":5}`, want: ErrInvalidClient},
		{name: "server error at 503", status: 503, body: `<html>down</html>`, want: ErrProviderUnavailable},
		{name: "answer above maxBody", status: 200, body: huge, want: ErrMalformedResponse},
		{name: "not JSON at 200", status: 200, body: `<html>ok</html>`, want: ErrMalformedResponse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := newTokenEndpoint(t)
			te.answer = jsonAnswer(tt.status, tt.body)
			c := newTestClient(t, te.testOP, newTestClock(), func(cfg *Config) { cfg.Scopes = []string{ScopePID} })
			l, err := c.NewLogin()
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.Exchange(context.Background(), l, map[string][]string{"state": {l.State}, "code": {"c"}})
			if !errorsIs(err, tt.want) {
				t.Fatalf("Exchange: %v, want %v", err, tt.want)
			}
			if err == nil && (res.Token.AccessToken != "at" || res.Identity == nil || res.Identity.Verified) {
				t.Fatalf("result %+v", res)
			}
		})
	}
}

// TestBasicAuthEncoding: RFC 6749 2.3.1: client_id and client_secret are
// form-encoded before they go into the Basic header.
func TestBasicAuthEncoding(t *testing.T) {
	te := newTokenEndpoint(t)
	te.answer = jsonAnswer(200, `{"access_token":"at"}`)
	const id, secret = "client:1 é", "p@ss word+&=:%"
	c := newTestClient(t, te.testOP, newTestClock(), func(cfg *Config) {
		cfg.Scopes = []string{ScopePID}
		cfg.ClientID, cfg.ClientSecret = id, secret
	})
	l, _ := c.NewLogin()
	if _, err := c.Exchange(context.Background(), l, map[string][]string{"state": {l.State}, "code": {"c"}}); err != nil {
		t.Fatal(err)
	}
	u, _ := te.user.Load().(string)
	p, _ := te.password.Load().(string)
	if u != "client%3A1+%C3%A9" || p != "p%40ss+word%2B%26%3D%3A%25" {
		t.Fatalf("Basic user %q password %q: not form-encoded", u, p)
	}
}

// TestFlatClaimsNeverVerified: flat claims in a token answer never become, or
// override, a verified identity.
func TestFlatClaimsNeverVerified(t *testing.T) {
	es := newTestKey(t, "es-1", "ES256")
	te := newTokenEndpoint(t, es)
	clock := newTestClock()
	c := newTestClient(t, te.testOP, clock, func(cfg *Config) { cfg.Scopes = []string{ScopeOpenID, ScopePID} })
	l, _ := c.NewLogin()
	idt := sign(t, es, te.claims(clock.Now(), l.Nonce))
	const otherPID = "1112034563562"
	t.Run("beside the ID token", func(t *testing.T) {
		te.answer = jsonAnswer(200, `{"access_token":"at","id_token":"`+idt+`","pid":"`+otherPID+`","refresh_token":"rt"}`)
		res, err := c.Exchange(context.Background(), l, map[string][]string{"state": {l.State}, "code": {"c"}})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Identity.Verified || res.Identity.PID.Digits() != "1101700230708" || res.Identity.Raw["pid"] != "1101700230708" {
			t.Fatalf("identity %s took the flat pid", res.Identity)
		}
		t.Run("refresh without ID token, with openid", func(t *testing.T) {
			te.answer = jsonAnswer(200, `{"access_token":"at2","pid":"`+otherPID+`","name":"x"}`)
			r2, err := c.Refresh(context.Background(), res.Token, res.Identity)
			if err != nil {
				t.Fatal(err)
			}
			if r2.Identity != nil {
				t.Fatalf("refresh gave identity %s from flat claims", r2.Identity)
			}
		})
	})
	t.Run("openid requested, only flat claims", func(t *testing.T) {
		te.answer = jsonAnswer(200, `{"access_token":"at","pid":"`+otherPID+`"}`)
		l, _ := c.NewLogin()
		if _, err := c.Exchange(context.Background(), l, map[string][]string{"state": {l.State}, "code": {"c"}}); !errors.Is(err, ErrInvalidToken) {
			t.Fatalf("Exchange: %v, want ErrInvalidToken", err)
		}
	})
}

// TestVerifyWithoutIssuer: a client without the openid scope may still be
// given an ID token; without Provider.Issuer there is nothing to check iss
// against, and the token is not taken as verified.
func TestVerifyWithoutIssuer(t *testing.T) {
	es := newTestKey(t, "es-1", "ES256")
	op := newTestOP(t, es)
	clock := newTestClock()
	c := newTestClient(t, op, clock, func(cfg *Config) {
		cfg.Scopes = []string{ScopePID}
		cfg.Provider.Issuer = ""
	})
	for _, iss := range []any{nil, "", "/", "https://evil.example"} {
		claims := op.claims(clock.Now(), "n")
		claims["iss"] = iss
		if iss == nil {
			delete(claims, "iss")
		}
		if id, err := c.VerifyIDToken(context.Background(), sign(t, es, claims), "", "n"); !errors.Is(err, ErrInvalidConfig) || id != nil {
			t.Fatalf("iss %v: %v, want ErrInvalidConfig", iss, err)
		}
	}
}

// TestExchangeLoginWithoutNonce: a Login whose nonce was lost (built by hand,
// or a store that dropped it) must not turn the nonce check off.
func TestExchangeLoginWithoutNonce(t *testing.T) {
	es := newTestKey(t, "es-1", "ES256")
	te := newTokenEndpoint(t, es)
	clock := newTestClock()
	for _, optional := range []bool{false, true} {
		c := newTestClient(t, te.testOP, clock, func(cfg *Config) {
			cfg.Scopes = []string{ScopeOpenID, ScopePID}
			cfg.NonceOptional = optional
		})
		claims := te.claims(clock.Now(), "")
		delete(claims, "nonce")
		te.answer = jsonAnswer(200, `{"access_token":"at","id_token":"`+sign(t, es, claims)+`"}`)
		l, _ := c.NewLogin()
		l.Nonce = ""
		_, err := c.Exchange(context.Background(), l, map[string][]string{"state": {l.State}, "code": {"c"}})
		if optional && err != nil {
			t.Fatalf("NonceOptional: %v", err)
		}
		if !optional && !errors.Is(err, ErrNonceMismatch) {
			t.Fatalf("Exchange: %v, want ErrNonceMismatch", err)
		}
	}
}
