package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/thaid-go/thaid-go/mockprovider"
)

func TestCheckUsable(t *testing.T) {
	for _, alg := range []string{"ES256", "RS256"} {
		t.Run(alg, func(t *testing.T) {
			p := mockprovider.Start(t, mockprovider.Options{Alg: alg})
			r := runCmd(t, "", "check", "-issuer", p.Issuer(), "-json")
			if r.code != exitOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			var res checkResult
			if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
				t.Fatal(err)
			}
			if !res.Usable || len(res.Keys) != 1 || res.Keys[0].KeyID != p.ActiveKeyID() ||
				res.Keys[0].Alg != alg || !res.Keys[0].Usable {
				t.Errorf("result: %+v", res)
			}
			if res.Endpoints["token"] != p.URL(mockprovider.PathToken) || res.Endpoints["jwks"] != p.URL(mockprovider.PathJWKS) {
				t.Errorf("endpoints: %v", res.Endpoints)
			}
			if len(res.AcceptedAlgs) != 1 || res.AcceptedAlgs[0] != alg {
				t.Errorf("accepted algs %q", res.AcceptedAlgs)
			}
			text := runCmd(t, "", "check", "-issuer", p.Issuer())
			for _, want := range []string{"usable: yes", "kid " + p.ActiveKeyID(), "alg " + alg} {
				if !strings.Contains(text.stdout, want) {
					t.Errorf("text lacks %q:\n%s", want, text.stdout)
				}
			}
		})
	}
}

func TestCheckRotatedKeys(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{})
	if _, err := p.RotateKey("RS256"); err != nil {
		t.Fatal(err)
	}
	r := runCmd(t, "", "check", "-issuer", p.Issuer(), "-json")
	var res checkResult
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatal(err)
	}
	if r.code != exitOK || len(res.Keys) != 2 {
		t.Errorf("exit %d, keys %+v", r.code, res.Keys)
	}
}

func TestCheckProblems(t *testing.T) {
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	private, err := json.Marshal(jose.JSONWebKey{Key: ecKey, KeyID: "leak", Algorithm: "ES256", Use: "sig"})
	if err != nil {
		t.Fatal(err)
	}
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	other, err := json.Marshal(jose.JSONWebKey{Key: p384.Public(), KeyID: "p384", Algorithm: "ES384", Use: "sig"})
	if err != nil {
		t.Fatal(err)
	}
	dead := strings.TrimSuffix(freeRedirect(t), "/callback")
	tests := []struct {
		name  string
		setup func(p *mockprovider.Server)
		// issuer to check ("" = the mock's)
		issuer string
		want   string
	}{
		{name: "unreachable", issuer: dead, want: "unreachable"},
		{name: "issuer mismatch", setup: func(p *mockprovider.Server) {
			p.QueueFault(mockprovider.EndpointDiscovery, mockprovider.Fault{Body: `{"issuer":"https://imauth.bora.dopa.go.th",
				"authorization_endpoint":"https://x/a/","token_endpoint":"https://x/t/","jwks_uri":"https://x/j/"}`})
		}, want: "issuer mismatch"},
		{name: "discovery server error", setup: func(p *mockprovider.Server) {
			p.QueueFault(mockprovider.EndpointDiscovery, mockprovider.Fault{Status: 503})
		}, want: "unreachable"},
		{name: "malformed discovery", setup: func(p *mockprovider.Server) {
			p.QueueFault(mockprovider.EndpointDiscovery, mockprovider.Fault{Body: "<html>", ContentType: "text/html"})
		}, want: "discovery at"},
		{name: "no keys", setup: func(p *mockprovider.Server) {
			p.QueueFault(mockprovider.EndpointJWKS, mockprovider.Fault{Body: `{"keys":[]}`})
		}, want: "no keys"},
		{name: "JWKS not found", setup: func(p *mockprovider.Server) {
			p.QueueFault(mockprovider.EndpointJWKS, mockprovider.Fault{Status: 404})
		}, want: "no keys"},
		{name: "JWKS not JSON", setup: func(p *mockprovider.Server) {
			p.QueueFault(mockprovider.EndpointJWKS, mockprovider.Fault{Body: "keys"})
		}, want: "not a JSON key set"},
		{name: "symmetric key", setup: func(p *mockprovider.Server) {
			p.QueueFault(mockprovider.EndpointJWKS, mockprovider.Fault{Body: `{"keys":[{"kty":"oct","kid":"h1","alg":"HS256","k":"c2VjcmV0"}]}`})
		}, want: "symmetric key"},
		{name: "private key", setup: func(p *mockprovider.Server) {
			p.QueueFault(mockprovider.EndpointJWKS, mockprovider.Fault{Body: `{"keys":[` + string(private) + `]}`})
		}, want: "private key"},
		{name: "key of another algorithm", setup: func(p *mockprovider.Server) {
			// discovery announces ES256 only; the one key is an ES384 key
			p.QueueFault(mockprovider.EndpointJWKS, mockprovider.Fault{Body: `{"keys":[` + string(other) + `]}`})
		}, want: "no key in the JWKS can verify an ID token signed with ES256"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := mockprovider.Start(t, mockprovider.Options{})
			if tc.setup != nil {
				tc.setup(p)
			}
			iss := tc.issuer
			if iss == "" {
				iss = p.Issuer()
			}
			r := runCmd(t, "", "check", "-issuer", iss)
			if r.code != exitFail {
				t.Errorf("exit %d, want %d", r.code, exitFail)
			}
			if !strings.Contains(r.stderr, tc.want) || !strings.Contains(r.stdout, "usable: NO") {
				t.Errorf("want %q in stderr and usable: NO in stdout\nstdout:\n%s\nstderr:\n%s", tc.want, r.stdout, r.stderr)
			}
		})
	}
}

func TestCheckBadInput(t *testing.T) {
	for _, args := range [][]string{{"check"}, {"check", "-issuer", "ftp://x"}, {"check", "-issuer", "sandbox", "extra"}} {
		if r := runCmd(t, "", args...); r.code != exitUsage || r.stderr == "" {
			t.Errorf("%q: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
}
