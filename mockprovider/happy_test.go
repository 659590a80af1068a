package mockprovider_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/thaid-go/thaid-go/mockprovider"
)

// noRedirect stops at the first redirect so tests can read the Location.
func noRedirect(c *http.Client) *http.Client {
	cc := *c
	cc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cc
}

func pkce(verifier string) string {
	s := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(s[:])
}

const (
	testRedirect = "https://rp.example/callback"
	testVerifier = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"
)

// authorize runs the authorize endpoint with AutoApprove and returns the redirect location.
func authorize(t *testing.T, p *mockprovider.Provider, params url.Values) *url.URL {
	t.Helper()
	v := url.Values{"response_type": {"code"}, "client_id": {mockprovider.DemoClientID},
		"redirect_uri": {testRedirect}, "scope": {"openid pid name"}, "state": {"st"},
		"nonce": {"n0nce"}, "code_challenge": {pkce(testVerifier)}, "code_challenge_method": {"S256"}}
	for k, vs := range params {
		v[k] = vs
	}
	resp, err := noRedirect(p.HTTPClient()).Get(p.URL(mockprovider.PathAuthorize) + "?" + v.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: status %d", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func postForm(t *testing.T, p *mockprovider.Provider, path string, form url.Values, basic bool) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, p.URL(path), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic {
		req.SetBasicAuth(mockprovider.DemoClientID, mockprovider.DemoClientSecret)
	}
	resp, err := p.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatalf("%s: decoding: %v", path, err)
	}
	return resp.StatusCode, m
}

func TestHappyPath(t *testing.T) {
	for _, tls := range []bool{false, true} {
		t.Run(map[bool]string{false: "http", true: "https"}[tls], func(t *testing.T) {
			start := mockprovider.Start
			if tls {
				start = mockprovider.StartTLS
			}
			p := start(t, mockprovider.Options{AutoApprove: true})
			loc := authorize(t, p, nil)
			if got := loc.Query().Get("state"); got != "st" {
				t.Fatalf("state = %q", got)
			}
			code := loc.Query().Get("code")
			st, tok := postForm(t, p, mockprovider.PathToken, url.Values{"grant_type": {"authorization_code"},
				"code": {code}, "redirect_uri": {testRedirect}, "code_verifier": {testVerifier}}, true)
			if st != 200 || tok["id_token"] == nil || tok["access_token"] == nil {
				t.Fatalf("token: %d %v", st, tok)
			}
		})
	}
}
