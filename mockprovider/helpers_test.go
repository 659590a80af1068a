package mockprovider_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/thaid-go/thaid-go/mockprovider"
)

const (
	testRedirect = "https://rp.example/callback"
	testVerifier = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"
	testNonce    = "n0nce-value"
	testState    = "st4te"
)

// noRedirect copies c so that it stops at the first redirect.
func noRedirect(c *http.Client) *http.Client {
	cc := *c
	cc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cc
}

func challenge(verifier string) string {
	s := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(s[:])
}

// authParams are the usual authorize parameters, overridden by over (an empty value deletes).
func authParams(over url.Values) url.Values {
	return overridden(url.Values{"response_type": {"code"}, "client_id": {mockprovider.DemoClientID},
		"redirect_uri": {testRedirect}, "scope": {"openid pid name"}, "state": {testState},
		"nonce": {testNonce}, "code_challenge": {challenge(testVerifier)}, "code_challenge_method": {"S256"}}, over)
}

// overridden returns v with the values of over set in it; an empty value deletes its key.
func overridden(v, over url.Values) url.Values {
	for k, vs := range over {
		if len(vs) == 0 || vs[0] == "" {
			v.Del(k)
		} else {
			v[k] = vs
		}
	}
	return v
}

// get does a GET without following redirects and returns status, Location and body.
func get(t *testing.T, p *mockprovider.Server, pathAndQuery string) (int, string, string) {
	t.Helper()
	resp, err := noRedirect(p.HTTPClient()).Get(p.Issuer() + pathAndQuery)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

// authorize calls the authorize endpoint (AutoApprove expected) and returns the redirect's query.
func authorize(t *testing.T, p *mockprovider.Server, over url.Values) url.Values {
	t.Helper()
	st, loc, body := get(t, p, mockprovider.PathAuthorize+"?"+authParams(over).Encode())
	if st != http.StatusFound {
		t.Fatalf("authorize: status %d, body %.200s", st, body)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

type clientAuth int

const (
	authBasic clientAuth = iota
	authPost
	authNone
)

// post sends a form to path with the demo client's credentials.
func post(t *testing.T, p *mockprovider.Server, path string, form url.Values, ca clientAuth, hdr ...string) (int, map[string]any) {
	t.Helper()
	return postAs(t, p, path, form, ca, mockprovider.DemoClientID, mockprovider.DemoClientSecret, hdr...)
}

func postAs(t *testing.T, p *mockprovider.Server, path string, form url.Values, ca clientAuth, id, secret string, hdr ...string) (int, map[string]any) {
	t.Helper()
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	if ca == authPost {
		f.Set("client_id", id)
		f.Set("client_secret", secret)
	}
	req, _ := http.NewRequest(http.MethodPost, p.URL(path), strings.NewReader(f.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if ca == authBasic {
		req.SetBasicAuth(id, secret)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := p.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: status %d, body not JSON: %.200s", path, resp.StatusCode, b)
	}
	return resp.StatusCode, m
}

// exchange runs authorize + token and returns the token response.
func exchange(t *testing.T, p *mockprovider.Server, over url.Values) map[string]any {
	t.Helper()
	q := authorize(t, p, over)
	if q.Get("code") == "" {
		t.Fatalf("no code: %v", q)
	}
	st, tok := redeem(t, p, q.Get("code"))
	if st != http.StatusOK {
		t.Fatalf("token: %d %v", st, tok)
	}
	return tok
}

// redeem exchanges code at the token endpoint as the demo client (Basic), with the usual
// redirect_uri and PKCE verifier.
func redeem(t *testing.T, p *mockprovider.Server, code string) (int, map[string]any) {
	t.Helper()
	return post(t, p, mockprovider.PathToken, url.Values{"grant_type": {"authorization_code"},
		"code": {code}, "redirect_uri": {testRedirect}, "code_verifier": {testVerifier}}, authBasic)
}

// getJSON GETs path, which must answer 200, and decodes its JSON body into v.
func getJSON(t *testing.T, p *mockprovider.Server, path string, v any) {
	t.Helper()
	st, _, body := get(t, p, path)
	if st != http.StatusOK {
		t.Fatalf("%s: status %d", path, st)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatal(err)
	}
}

// jwks fetches the published key set.
func jwks(t *testing.T, p *mockprovider.Server) jose.JSONWebKeySet {
	t.Helper()
	var set jose.JSONWebKeySet
	getJSON(t, p, mockprovider.PathJWKS, &set)
	return set
}

// verifyIDToken checks the signature against the JWKS and returns header kid and claims.
func verifyIDToken(t *testing.T, p *mockprovider.Server, raw string) (string, map[string]any) {
	t.Helper()
	tok, err := jose.ParseSignedCompact(raw, []jose.SignatureAlgorithm{jose.ES256, jose.RS256})
	if err != nil {
		t.Fatalf("parse id_token: %v", err)
	}
	kid := tok.Signatures[0].Header.KeyID
	set := jwks(t, p)
	keys := set.Key(kid)
	if len(keys) != 1 {
		t.Fatalf("kid %q not in JWKS", kid)
	}
	payload, err := tok.Verify(keys[0].Key)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	return kid, claims
}

// decodeClaims decodes a JWT payload without verifying it.
func decodeClaims(t *testing.T, raw string) (map[string]any, map[string]any) {
	t.Helper()
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %d parts", len(parts))
	}
	var hdr, claims map[string]any
	for i, dst := range []*map[string]any{&hdr, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, dst); err != nil {
			t.Fatal(err)
		}
	}
	return hdr, claims
}
