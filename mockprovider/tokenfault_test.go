package mockprovider_test

import (
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/thaid-go/thaid-go/mockprovider"
)

// publishedKey returns the published JWK of kid, decoded and as the raw JSON text the JWKS
// endpoint serves (test side: from the served document, not from the mock's internals).
func publishedKey(t *testing.T, p *mockprovider.Server, kid string) (jose.JSONWebKey, []byte) {
	t.Helper()
	var doc struct{ Keys []json.RawMessage }
	getJSON(t, p, mockprovider.PathJWKS, &doc)
	for _, raw := range doc.Keys {
		var k jose.JSONWebKey
		if err := k.UnmarshalJSON(raw); err != nil {
			t.Fatal(err)
		}
		if k.KeyID == kid {
			return k, raw
		}
	}
	t.Fatalf("kid %q not published", kid)
	return jose.JSONWebKey{}, nil
}

// hmacKeyed reports whether the compact JWS raw is HS256 with an HMAC keyed with key.
func hmacKeyed(t *testing.T, raw string, key []byte) bool {
	t.Helper()
	i := strings.LastIndexByte(raw, '.')
	sig, err := base64.RawURLEncoding.DecodeString(raw[i+1:])
	if err != nil {
		t.Fatal(err)
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(raw[:i]))
	return hmac.Equal(m.Sum(nil), sig)
}

// TestHS256KeyForms: each HS256 fault keys its HMAC with the published key in its own form,
// computed here from the JWKS the provider serves, for an EC and an RSA key; the header keeps
// the active key's kid.
func TestHS256KeyForms(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	ec := p.ActiveKeyID()
	rs, err := p.RotateKey("RS256")
	if err != nil {
		t.Fatal(err)
	}
	spki := func(k jose.JSONWebKey, _ []byte) []byte {
		der, err := x509.MarshalPKIXPublicKey(k.Key)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	spkiPEM := func(k jose.JSONWebKey, raw []byte) []byte {
		return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki(k, raw)})
	}
	pkcs1 := func(k jose.JSONWebKey, _ []byte) []byte { return x509.MarshalPKCS1PublicKey(k.Key.(*rsa.PublicKey)) }
	member := func(name string) func(jose.JSONWebKey, []byte) []byte {
		return func(_ jose.JSONWebKey, raw []byte) []byte {
			var m map[string]any
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			return []byte(m[name].(string))
		}
	}
	for _, tc := range []struct {
		fault mockprovider.TokenFault
		kid   string
		key   func(k jose.JSONWebKey, raw []byte) []byte
	}{
		{mockprovider.TokenHS256PublicKey, ec, spkiPEM},
		{mockprovider.TokenHS256PublicKey, rs, spkiPEM},
		{mockprovider.TokenHS256PublicKeyDER, ec, spki},
		{mockprovider.TokenHS256PublicKeyDER, rs, spki},
		{mockprovider.TokenHS256PublicKeyPKCS1, rs, pkcs1},
		{mockprovider.TokenHS256PublicKeyPKCS1PEM, rs, func(k jose.JSONWebKey, raw []byte) []byte {
			return pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: pkcs1(k, raw)})
		}},
		{mockprovider.TokenHS256PublicKeyJWK, ec, func(_ jose.JSONWebKey, raw []byte) []byte { return raw }},
		{mockprovider.TokenHS256PublicKeyJWK, rs, func(_ jose.JSONWebKey, raw []byte) []byte { return raw }},
		{mockprovider.TokenHS256PublicKeyRaw, ec, func(k jose.JSONWebKey, _ []byte) []byte {
			pub := k.Key.(*ecdsa.PublicKey)
			out := []byte{4}
			return append(append(out, pub.X.FillBytes(make([]byte, 32))...), pub.Y.FillBytes(make([]byte, 32))...)
		}},
		{mockprovider.TokenHS256PublicKeyRaw, rs, func(k jose.JSONWebKey, _ []byte) []byte { return k.Key.(*rsa.PublicKey).N.Bytes() }},
		{mockprovider.TokenHS256PublicKeyJWKMember, ec, member("x")},
		{mockprovider.TokenHS256PublicKeyJWKMember, rs, member("n")},
	} {
		t.Run(tc.fault.String()+"/"+tc.kid[:5], func(t *testing.T) {
			if err := p.SetActiveKey(tc.kid); err != nil {
				t.Fatal(err)
			}
			p.QueueTokenFault(tc.fault)
			raw := exchange(t, p, nil)["id_token"].(string)
			hdr, _ := decodeClaims(t, raw)
			if hdr["alg"] != "HS256" || hdr["kid"] != tc.kid {
				t.Fatalf("header %v", hdr)
			}
			k, js := publishedKey(t, p, tc.kid)
			if !hmacKeyed(t, raw, tc.key(k, js)) {
				t.Fatal("the HMAC is not keyed with the expected form of the key")
			}
			// Not keyed with another form: the PEM one, for every fault but the PEM fault.
			if tc.fault != mockprovider.TokenHS256PublicKey && hmacKeyed(t, raw, spkiPEM(k, js)) {
				t.Fatal("keyed with the PEM form")
			}
		})
	}
}

// TestHS256PKCS1NeedsRSA: with an EC key active, there is no PKCS #1 form: the token endpoint
// answers server_error, and the fault is used up.
func TestHS256PKCS1NeedsRSA(t *testing.T) {
	for _, f := range []mockprovider.TokenFault{mockprovider.TokenHS256PublicKeyPKCS1, mockprovider.TokenHS256PublicKeyPKCS1PEM} {
		p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
		p.QueueTokenFault(f)
		st, body := redeem(t, p, authorize(t, p, nil).Get("code"))
		if st != http.StatusInternalServerError || body["error"] != "server_error" {
			t.Fatalf("%v: %d %v", f, st, body)
		}
		verifyIDToken(t, p, exchange(t, p, nil)["id_token"].(string))
	}
}

// TestNearMissFaults: each near miss sends its value, in a token that the published key
// verifies (only the claim is wrong).
func TestNearMissFaults(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	iss := p.Issuer() // http://127.0.0.1:port
	port := strings.TrimPrefix(iss, "http://127.0.0.1")
	const id = mockprovider.DemoClientID
	for _, tc := range []struct {
		fault         mockprovider.TokenFault
		iss, aud, azp any
	}{
		{mockprovider.TokenIssuerSuffix, iss + ".attacker.invalid", id, nil},
		{mockprovider.TokenIssuerPrefix, "https://attacker.invalid/" + iss, id, nil},
		{mockprovider.TokenIssuerCase, "HTTP://127.0.0.1" + port, id, nil},
		{mockprovider.TokenIssuerOtherHost, "http://attacker.invalid" + port, id, nil},
		{mockprovider.TokenIssuerOtherThaID, "https://imauthsbx.bora.dopa.go.th", id, nil},
		{mockprovider.TokenAudienceSuperstring, iss, id + "-attacker", nil},
		{mockprovider.TokenAudienceSubstring, iss, id[:len(id)-1], nil},
		{mockprovider.TokenAzpLookalike, iss, []any{id, id + "-attacker"}, id + "-attacker"},
	} {
		t.Run(tc.fault.String(), func(t *testing.T) {
			p.QueueTokenFault(tc.fault)
			_, c := verifyIDToken(t, p, exchange(t, p, nil)["id_token"].(string))
			got, _ := json.Marshal([]any{c["iss"], c["aud"], c["azp"]})
			want, _ := json.Marshal([]any{tc.iss, tc.aud, tc.azp})
			if string(got) != string(want) {
				t.Fatalf("iss, aud, azp = %s, want %s", got, want)
			}
		})
	}
}

// TestIssuerOtherThaIDOnTheSandbox: a provider whose issuer is ThaID's sandbox gets the
// production issuer instead, which is not its own either.
func TestIssuerOtherThaIDOnTheSandbox(t *testing.T) {
	const sandbox = "https://imauthsbx.bora.dopa.go.th"
	p, err := mockprovider.New(mockprovider.Options{Issuer: sandbox, AutoApprove: true})
	if err != nil {
		t.Fatal(err)
	}
	serve := handlerTransport{p} // in process: the issuer's host is the real sandbox's
	resp, _ := serve.RoundTrip(httptest.NewRequest(http.MethodGet, sandbox+mockprovider.PathAuthorize+"?"+authParams(nil).Encode(), nil))
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		t.Fatalf("authorize: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	p.QueueTokenFault(mockprovider.TokenIssuerOtherThaID)
	form := url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")},
		"redirect_uri": {testRedirect}, "code_verifier": {testVerifier}}
	req := httptest.NewRequest(http.MethodPost, sandbox+mockprovider.PathToken, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(mockprovider.DemoClientID, mockprovider.DemoClientSecret)
	resp, _ = serve.RoundTrip(req)
	var tok map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
		t.Fatal(err)
	}
	raw, _ := tok["id_token"].(string)
	if raw == "" {
		t.Fatalf("token response %v", tok)
	}
	if _, c := decodeClaims(t, raw); c["iss"] != "https://imauth.bora.dopa.go.th" {
		t.Fatalf("iss %v", c["iss"])
	}
}

// TestForeignKeyToken: the token is signed by the foreign key under its own kid, which the
// JWKS does not hold, and the header carries the key, its certificate or the URL given.
func TestForeignKeyToken(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	k, err := mockprovider.NewForeignKey("ES256")
	if err != nil {
		t.Fatal(err)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(k.JWKS(), &set); err != nil || len(set.Key(k.KeyID())) != 1 {
		t.Fatalf("JWKS %s: %v", k.JWKS(), err)
	}
	block, _ := pem.Decode(k.CertificatePEM())
	if block == nil || block.Type != "CERTIFICATE" {
		t.Fatalf("certificate PEM %q", k.CertificatePEM())
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if err := cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature); err != nil || cert.Subject.CommonName != "thaid-mock foreign key" {
		t.Fatalf("not self-signed (%v) or subject %v", err, cert.Subject)
	}
	const jku, x5u = "http://127.0.0.1:1/jwks.json", "http://127.0.0.1:1/cert.pem"
	for _, tc := range []struct {
		in     mockprovider.HeaderKey
		url    string
		member string
		key    func(hdr map[string]any) any // the key the header gives (nil: it gives only a URL)
	}{
		{mockprovider.HeaderJWK, "", "jwk", func(hdr map[string]any) any {
			b, _ := json.Marshal(hdr["jwk"])
			var j jose.JSONWebKey
			if err := j.UnmarshalJSON(b); err != nil || j.KeyID != k.KeyID() || !j.IsPublic() {
				t.Fatalf("jwk %s: %v", b, err)
			}
			return j.Key
		}},
		{mockprovider.HeaderJKU, jku, "jku", nil},
		{mockprovider.HeaderX5C, "", "x5c", func(hdr map[string]any) any {
			chain, _ := hdr["x5c"].([]any)
			s, _ := chain[0].(string)
			der, err := base64.StdEncoding.DecodeString(s)
			if err != nil || len(chain) != 1 || string(der) != string(cert.Raw) {
				t.Fatalf("x5c %v: %v", hdr["x5c"], err)
			}
			return cert.PublicKey
		}},
		{mockprovider.HeaderX5U, x5u, "x5u", nil},
	} {
		t.Run(tc.in.String(), func(t *testing.T) {
			if err := p.QueueForeignKeyToken(k, tc.in, tc.url); err != nil {
				t.Fatal(err)
			}
			raw := exchange(t, p, nil)["id_token"].(string)
			hdr, _ := decodeClaims(t, raw)
			published := jwks(t, p)
			if hdr["alg"] != "ES256" || hdr["kid"] != k.KeyID() || len(published.Key(k.KeyID())) != 0 {
				t.Fatalf("header %v, or the kid is published", hdr)
			}
			for _, m := range []string{"jwk", "jku", "x5c", "x5u"} {
				if _, ok := hdr[m]; ok != (m == tc.member) {
					t.Fatalf("header %v: member %s", hdr, m)
				}
			}
			if tc.url != "" && hdr[tc.member] != tc.url {
				t.Fatalf("%s %v, want %s", tc.member, hdr[tc.member], tc.url)
			}
			key := set.Keys[0].Key
			if tc.key != nil {
				key = tc.key(hdr)
			}
			jws, err := jose.ParseSignedCompact(raw, []jose.SignatureAlgorithm{jose.ES256})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := jws.Verify(key); err != nil {
				t.Fatalf("the foreign key does not verify the token: %v", err)
			}
			for _, pk := range published.Keys {
				if _, err := jws.Verify(pk.Key); err == nil {
					t.Fatal("a published key verifies the token")
				}
			}
		})
	}
}

func TestQueueForeignKeyTokenErrors(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	k, err := mockprovider.NewForeignKey("RS256")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mockprovider.NewForeignKey("HS256"); !errors.Is(err, mockprovider.ErrUnknownAlg) {
		t.Fatalf("HS256: %v", err)
	}
	for _, tc := range []struct {
		name string
		k    *mockprovider.ForeignKey
		in   mockprovider.HeaderKey
		url  string
	}{
		{"no key", nil, mockprovider.HeaderJWK, ""},
		{"zero key", &mockprovider.ForeignKey{}, mockprovider.HeaderJWK, ""},
		{"unknown member", k, mockprovider.HeaderKey(9), ""},
		{"jku without URL", k, mockprovider.HeaderJKU, ""},
		{"x5u relative", k, mockprovider.HeaderX5U, "/cert.pem"},
		{"jku not http", k, mockprovider.HeaderJKU, "file:///etc/passwd"},
		{"jwk with URL", k, mockprovider.HeaderJWK, "http://127.0.0.1:1/"},
		{"x5c with URL", k, mockprovider.HeaderX5C, "http://127.0.0.1:1/"},
	} {
		if err := p.QueueForeignKeyToken(tc.k, tc.in, tc.url); !errors.Is(err, mockprovider.ErrInvalidFault) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	// Nothing was queued: the next token is healthy.
	verifyIDToken(t, p, exchange(t, p, nil)["id_token"].(string))
	if mockprovider.HeaderX5U.String() != "x5u" || mockprovider.HeaderKey(0).String() != "HeaderKey(?)" {
		t.Fatal(mockprovider.HeaderKey(0).String())
	}
	// An RS256 foreign key signs RS256.
	if err := p.QueueForeignKeyToken(k, mockprovider.HeaderJWK, ""); err != nil {
		t.Fatal(err)
	}
	if hdr, _ := decodeClaims(t, exchange(t, p, nil)["id_token"].(string)); hdr["alg"] != "RS256" {
		t.Fatalf("header %v", hdr)
	}
}
