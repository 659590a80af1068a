package mockprovider_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/thaid-go/thaid-go/mockprovider"
)

func TestQueueFault(t *testing.T) {
	for _, tc := range []struct {
		name   string
		ep     mockprovider.Endpoint
		path   string
		fault  mockprovider.Fault
		status int
		body   string // substring
		ctype  string
	}{
		{"oauth error", mockprovider.EndpointToken, mockprovider.PathToken, mockprovider.Fault{Error: "invalid_grant", Description: "nope"}, 400, `{"error":"invalid_grant","error_description":"nope"}`, "application/json"},
		{"oauth error 401", mockprovider.EndpointIntrospect, mockprovider.PathIntrospect, mockprovider.Fault{Status: 401, Error: "invalid_client"}, 401, `"invalid_client"`, "application/json"},
		{"status only", mockprovider.EndpointDiscovery, mockprovider.PathDiscovery, mockprovider.Fault{Status: 503}, 503, "Service Unavailable", "text/plain; charset=utf-8"},
		{"malformed body", mockprovider.EndpointJWKS, mockprovider.PathJWKS, mockprovider.Fault{Body: `{"keys":[`}, 200, `{"keys":[`, "application/json"},
		{"html body", mockprovider.EndpointRevoke, mockprovider.PathRevoke, mockprovider.Fault{Status: 502, Body: "<html>Bad gateway</html>", ContentType: "text/html"}, 502, "Bad gateway", "text/html"},
		{"userinfo", mockprovider.EndpointUserInfo, mockprovider.PathUserInfo, mockprovider.Fault{Status: 500, Error: "server_error"}, 500, "server_error", "application/json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mockprovider.Start(t, mockprovider.Options{})
			p.QueueFault(tc.ep, tc.fault)
			do := func() (*http.Response, string) {
				req, _ := http.NewRequest(http.MethodPost, p.URL(tc.path), strings.NewReader("token=x"))
				if tc.ep == mockprovider.EndpointDiscovery || tc.ep == mockprovider.EndpointJWKS {
					req, _ = http.NewRequest(http.MethodGet, p.URL(tc.path), nil)
				}
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp, err := p.HTTPClient().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp, string(b)
			}
			resp, body := do()
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.body) || resp.Header.Get("Content-Type") != tc.ctype {
				t.Fatalf("got %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
			// Only the next call is affected.
			if resp, body := do(); body == tc.fault.Body {
				t.Fatalf("fault applied twice: %d %q", resp.StatusCode, body)
			}
			recs := p.RequestsTo(tc.ep)
			if len(recs) != 2 || !recs[0].Fault || recs[1].Fault || recs[0].Status != tc.status {
				t.Fatalf("records %+v", recs)
			}
		})
	}
}

func TestQueueFaultFIFO(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{})
	p.QueueFault(mockprovider.EndpointDiscovery, mockprovider.Fault{Status: 500})
	p.QueueFault(mockprovider.EndpointDiscovery, mockprovider.Fault{Status: 502})
	for _, want := range []int{500, 502, 200} {
		if st, _, _ := get(t, p, mockprovider.PathDiscovery); st != want {
			t.Fatalf("status %d, want %d", st, want)
		}
	}
	p.QueueFault(mockprovider.EndpointDiscovery, mockprovider.Fault{Status: 500})
	p.ClearFaults()
	if st, _, _ := get(t, p, mockprovider.PathDiscovery); st != 200 {
		t.Fatalf("after ClearFaults: %d", st)
	}
}

func TestAuthorizeFaultRedirects(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	p.QueueFault(mockprovider.EndpointAuthorize, mockprovider.Fault{Error: "server_error", Description: "maintenance"})
	q := authorize(t, p, nil)
	if q.Get("error") != "server_error" || q.Get("error_description") != "maintenance" || q.Get("state") != testState || q.Get("code") != "" {
		t.Fatalf("redirect %v", q)
	}
	// An unknown client is still refused at once (401 unauthorized_client), not redirected.
	p.QueueFault(mockprovider.EndpointAuthorize, mockprovider.Fault{Error: "server_error"})
	if st, loc, body := get(t, p, mockprovider.PathAuthorize+"?"+authParams(url.Values{"client_id": {"ghost"}}).Encode()); st != 401 || loc != "" || !strings.Contains(body, `"unauthorized_client"`) {
		t.Fatalf("%d %q %s", st, loc, body)
	}
}

func TestLatency(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{})
	p.SetLatency(mockprovider.EndpointJWKS, 30*time.Millisecond)
	p.QueueFault(mockprovider.EndpointJWKS, mockprovider.Fault{Delay: 20 * time.Millisecond})
	start := time.Now()
	if st, _, _ := get(t, p, mockprovider.PathJWKS); st != 200 {
		t.Fatalf("status %d", st)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Fatalf("took %v, want >= 50ms", d)
	}
	// A client that gives up stops the wait, also on POST endpoints whose body is unread:
	// the test server's Close (in t.Cleanup) would otherwise block on the handler.
	for _, ep := range []mockprovider.Endpoint{mockprovider.EndpointJWKS, mockprovider.EndpointToken} {
		p.SetLatency(ep, time.Hour)
	}
	for _, tc := range []struct{ method, path string }{{http.MethodGet, mockprovider.PathJWKS}, {http.MethodPost, mockprovider.PathToken}} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		req, _ := http.NewRequestWithContext(ctx, tc.method, p.URL(tc.path), strings.NewReader("grant_type=authorization_code&code=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if _, err := p.HTTPClient().Do(req); err == nil {
			t.Fatalf("%s: want a timeout", tc.path)
		}
		cancel()
	}
}

// TestTokenFaults checks each defective ID token with go-oidc's verifier (a standard client
// that knows nothing of the mock) or, for claims go-oidc does not check, by decoding.
func TestTokenFaults(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		fault mockprovider.TokenFault
		// oidcFails: go-oidc's Verify must fail. Otherwise check decides.
		oidcFails bool
		check     func(t *testing.T, claims map[string]any, accessToken string, idt *oidc.IDToken)
	}{
		{fault: 0, check: func(t *testing.T, _ map[string]any, at string, idt *oidc.IDToken) {
			if idt.Nonce != testNonce || idt.VerifyAccessToken(at) != nil {
				t.Error("healthy token fails nonce or at_hash")
			}
		}},
		{fault: mockprovider.TokenExpired, oidcFails: true},
		{fault: mockprovider.TokenNotYetValid, oidcFails: true},
		{fault: mockprovider.TokenIssuedInFuture, check: func(t *testing.T, c map[string]any, _ string, _ *oidc.IDToken) {
			if int64(c["iat"].(float64)) <= time.Now().Add(30*time.Minute).Unix() {
				t.Errorf("iat %v not in the future", c["iat"])
			}
		}},
		{fault: mockprovider.TokenUnpublishedKey, oidcFails: true},
		{fault: mockprovider.TokenWrongIssuer, oidcFails: true},
		{fault: mockprovider.TokenWrongAudience, oidcFails: true},
		{fault: mockprovider.TokenMultiAudienceNoAzp, check: func(t *testing.T, c map[string]any, _ string, _ *oidc.IDToken) {
			if aud, _ := c["aud"].([]any); len(aud) != 2 || c["azp"] != nil {
				t.Errorf("aud %v azp %v", c["aud"], c["azp"])
			}
		}},
		{fault: mockprovider.TokenWrongAzp, check: func(t *testing.T, c map[string]any, _ string, _ *oidc.IDToken) {
			if c["azp"] != "another-client" {
				t.Errorf("azp %v", c["azp"])
			}
		}},
		{fault: mockprovider.TokenMissingNonce, check: func(t *testing.T, _ map[string]any, _ string, idt *oidc.IDToken) {
			if idt.Nonce != "" {
				t.Errorf("nonce %q", idt.Nonce)
			}
		}},
		{fault: mockprovider.TokenWrongNonce, check: func(t *testing.T, _ map[string]any, _ string, idt *oidc.IDToken) {
			if idt.Nonce == "" || idt.Nonce == testNonce {
				t.Errorf("nonce %q", idt.Nonce)
			}
		}},
		{fault: mockprovider.TokenAlgNone, oidcFails: true},
		{fault: mockprovider.TokenHS256PublicKey, oidcFails: true},
		{fault: mockprovider.TokenBadSignature, oidcFails: true},
		{fault: mockprovider.TokenForgedKid, oidcFails: true},
		{fault: mockprovider.TokenNoKid, oidcFails: true},
		{fault: mockprovider.TokenBadPID, check: func(t *testing.T, c map[string]any, _ string, _ *oidc.IDToken) {
			pid, _ := c["pid"].(string)
			if len(pid) != 13 || mockprovider.ValidatePID(pid) == nil {
				t.Errorf("pid %q has a valid check digit", pid)
			}
		}},
		{fault: mockprovider.TokenWrongAtHash, check: func(t *testing.T, _ map[string]any, at string, idt *oidc.IDToken) {
			if idt.VerifyAccessToken(at) == nil {
				t.Error("at_hash matches")
			}
		}},
	} {
		t.Run(tc.fault.String(), func(t *testing.T) {
			p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
			octx := oidc.ClientContext(ctx, p.HTTPClient())
			prov, err := oidc.NewProvider(octx, p.Issuer())
			if err != nil {
				t.Fatal(err)
			}
			v := prov.Verifier(&oidc.Config{ClientID: mockprovider.DemoClientID})
			if tc.fault != 0 {
				p.QueueTokenFault(tc.fault)
			}
			tok := exchange(t, p, nil)
			raw := tok["id_token"].(string)
			idt, err := v.Verify(octx, raw)
			if tc.oidcFails {
				if err == nil {
					t.Fatal("go-oidc accepted the token")
				}
				return
			}
			if err != nil {
				t.Fatalf("go-oidc rejected: %v", err)
			}
			_, claims := decodeClaims(t, raw)
			tc.check(t, claims, tok["access_token"].(string), idt)
			// The fault was used up: the next token is healthy.
			if _, err := v.Verify(octx, exchange(t, p, nil)["id_token"].(string)); err != nil {
				t.Fatalf("next token: %v", err)
			}
		})
	}
}

func TestTokenUnknownKid(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	before := jwks(t, p)
	p.QueueTokenFault(mockprovider.TokenUnknownKid)
	raw := exchange(t, p, nil)["id_token"].(string)
	hdr, _ := decodeClaims(t, raw)
	kid := hdr["kid"].(string)
	if len(before.Key(kid)) != 0 {
		t.Fatal("kid already in the earlier JWKS")
	}
	// The next fetch has it, and the token verifies; the active key did not change.
	verifyIDToken(t, p, raw)
	if p.ActiveKeyID() == kid {
		t.Fatal("the new key became active")
	}
	// go-oidc with its key cache refetches on the unknown kid and accepts.
	p.QueueTokenFault(mockprovider.TokenUnknownKid)
	ctx := oidc.ClientContext(context.Background(), p.HTTPClient())
	prov, _ := oidc.NewProvider(ctx, p.Issuer())
	v := prov.Verifier(&oidc.Config{ClientID: mockprovider.DemoClientID})
	if _, err := v.Verify(ctx, exchange(t, p, nil)["id_token"].(string)); err != nil {
		t.Fatal(err)
	}
	// Token faults also apply to refreshed ID tokens.
	tok := exchange(t, p, nil)
	p.QueueTokenFault(mockprovider.TokenWrongIssuer)
	_, r := post(t, p, mockprovider.PathToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}}, authBasic)
	if _, c := decodeClaims(t, r["id_token"].(string)); c["iss"] == p.Issuer() {
		t.Fatal("fault not applied on refresh")
	}
}

func TestTokenFaultString(t *testing.T) {
	if mockprovider.TokenAlgNone.String() != "TokenAlgNone" || mockprovider.TokenFault(99).String() != "TokenFault(?)" {
		t.Fatal(mockprovider.TokenAlgNone.String())
	}
}

// TestTokenFaultKeys checks which kid the key faults put in the header: the active key's for
// TokenForgedKid, none for TokenNoKid; neither key is published afterwards.
func TestTokenFaultKeys(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	if _, err := p.RotateKey("RS256"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		fault   mockprovider.TokenFault
		wantKid string
	}{
		{mockprovider.TokenForgedKid, p.ActiveKeyID()},
		{mockprovider.TokenNoKid, ""},
	} {
		p.QueueTokenFault(tc.fault)
		hdr, _ := decodeClaims(t, exchange(t, p, nil)["id_token"].(string))
		if kid, _ := hdr["kid"].(string); kid != tc.wantKid {
			t.Errorf("%v: kid %q, want %q", tc.fault, kid, tc.wantKid)
		}
	}
	if n := len(jwks(t, p).Keys); n != 2 {
		t.Fatalf("%d keys published, want 2", n)
	}
}

// TestTokenNoIDToken: openid granted, yet no id_token; the claims come flat instead.
func TestTokenNoIDToken(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	p.QueueTokenFault(mockprovider.TokenNoIDToken)
	tok := exchange(t, p, nil)
	if _, ok := tok["id_token"]; ok {
		t.Fatal("id_token sent")
	}
	if tok["pid"] != p.Citizens()[0].PID || tok["scope"] != "openid pid name" {
		t.Fatalf("flat claims missing: %v", tok)
	}
	if _, ok := exchange(t, p, nil)["id_token"].(string); !ok {
		t.Fatal("next response has no id_token")
	}
}

// TestTokenBadPIDFlat: TokenBadPID breaks the flat pid of a response without an ID token,
// while ID token faults wait for a response with an ID token.
func TestTokenBadPIDFlat(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	flat := url.Values{"scope": {"pid name"}}
	p.QueueTokenFault(mockprovider.TokenBadPID)
	p.QueueTokenFault(mockprovider.TokenWrongIssuer)
	pid, _ := exchange(t, p, flat)["pid"].(string)
	if len(pid) != 13 || mockprovider.ValidatePID(pid) == nil {
		t.Fatalf("flat pid %q has a valid check digit", pid)
	}
	if pid, _ := exchange(t, p, flat)["pid"].(string); mockprovider.ValidatePID(pid) != nil {
		t.Fatalf("second flat pid: %v", mockprovider.ValidatePID(pid))
	}
	if _, c := decodeClaims(t, exchange(t, p, nil)["id_token"].(string)); c["iss"] == p.Issuer() {
		t.Fatal("TokenWrongIssuer was not kept for the next ID token")
	}
}

func TestSetActiveKey(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	first := p.ActiveKeyID()
	rs, err := p.RotateKey("RS256")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.SetActiveKey(first); err != nil {
		t.Fatal(err)
	}
	if kid, _ := verifyIDToken(t, p, exchange(t, p, nil)["id_token"].(string)); kid != first {
		t.Fatalf("signed by %q, want %q", kid, first)
	}
	if err := p.SetActiveKey(rs); err != nil {
		t.Fatal(err)
	}
	hdr, _ := decodeClaims(t, exchange(t, p, nil)["id_token"].(string))
	if hdr["kid"] != rs || hdr["alg"] != "RS256" {
		t.Fatalf("header %v", hdr)
	}
	if err := p.SetActiveKey("nope"); !errors.Is(err, mockprovider.ErrUnknownKey) {
		t.Fatalf("unknown kid: %v", err)
	}
	if p.ActiveKeyID() != rs {
		t.Fatal("a failed SetActiveKey changed the key")
	}
}

func TestSetCodeReuse(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	p.SetCodeReuse(true)
	code := authorize(t, p, nil).Get("code")
	var access []string
	for i := range 3 {
		st, tok := redeem(t, p, code)
		if st != http.StatusOK {
			t.Fatalf("redemption %d: %d %v", i+1, st, tok)
		}
		access = append(access, tok["access_token"].(string))
	}
	if access[0] == access[1] {
		t.Fatal("same access token twice")
	}
	// Off again: the next redemption is refused and revokes the tokens, as without reuse.
	p.SetCodeReuse(false)
	if st, _ := redeem(t, p, code); st != http.StatusBadRequest {
		t.Fatalf("after SetCodeReuse(false): %d", st)
	}
	if _, r := post(t, p, mockprovider.PathIntrospect, url.Values{"token": {"Bearer " + access[0]}}, authBasic); r["active"] != false {
		t.Fatalf("token still active: %v", r)
	}
}
