package mockprovider_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/thaid-go/thaid-go/mockprovider"
)

// QueueFault makes the next call of an endpoint fail the way ThaID can: here the citizen cancels
// on the phone (the authorize endpoint redirects back with error=access_denied), then the token
// endpoint is down. Requests shows what the relying party sent, and which answers were faults.
func ExampleServer_QueueFault() {
	p, err := mockprovider.New(mockprovider.Options{Issuer: "http://127.0.0.1:9090", AutoApprove: true})
	if err != nil {
		panic(err)
	}
	p.QueueFault(mockprovider.EndpointAuthorize, mockprovider.Fault{Error: "access_denied"})
	p.QueueFault(mockprovider.EndpointToken, mockprovider.Fault{Status: http.StatusServiceUnavailable})
	client := &http.Client{Transport: handlerTransport{p}, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}

	q := url.Values{"response_type": {"code"}, "client_id": {mockprovider.DemoClientID},
		"redirect_uri": {"http://localhost:8080/callback"}, "scope": {"openid pid"}, "state": {"xyz"}}
	resp, err := client.Get(p.URL(mockprovider.PathAuthorize) + "?" + q.Encode())
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	cb, _ := url.Parse(resp.Header.Get("Location"))
	fmt.Println(cb.Query().Get("error"), cb.Query().Get("state"))

	form := url.Values{"grant_type": {"authorization_code"}, "code": {"any"}, "redirect_uri": {"http://localhost:8080/callback"}}
	resp, err = client.Post(p.URL(mockprovider.PathToken), "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)

	for _, r := range p.Requests() {
		fmt.Println(r.Endpoint, r.Status, r.Fault, r.PKCE)
	}
	// Output:
	// access_denied xyz
	// 503
	// authorize 302 true false
	// token 503 true false
}

// LoadCitizens reads the citizens of a test from JSON, with ThaID's claim names, and checks them
// (PID check digit, app password, dates). Give them to Options.Citizens.
func ExampleLoadCitizens() {
	cs, err := mockprovider.LoadCitizens(strings.NewReader(`[
		{"pid": "1-1017-00230-70-8", "title": "นาย", "given_name": "สมชาย", "family_name": "ใจดี",
		 "birthdate": "2533-05-17", "password": "48213957"}
	]`))
	if err != nil {
		panic(err)
	}
	fmt.Println(mockprovider.MaskPID(cs[0].PID), cs[0].Name())

	_, err = mockprovider.LoadCitizens(strings.NewReader(`[{"pid": "1101700230709", "given_name": "x", "password": "48213957"}]`))
	fmt.Println(err != nil)
	// Output:
	// 1-1017-xxxxx-70-8 นาย สมชาย ใจดี
	// true
}

// RotateKey publishes a new signing key and signs with it from then on; RetireKey withdraws an
// old one. Tests of a relying party's key refresh use the pair.
func ExampleServer_RotateKey() {
	p, err := mockprovider.New(mockprovider.Options{Issuer: "http://127.0.0.1:9090"})
	if err != nil {
		panic(err)
	}
	first := p.ActiveKeyID()
	kid, err := p.RotateKey("RS256")
	if err != nil {
		panic(err)
	}
	fmt.Println(len(p.KeyIDs()), p.ActiveKeyID() == kid)
	fmt.Println(p.RetireKey(kid) != nil) // the active key cannot be retired
	if err := p.RetireKey(first); err != nil {
		panic(err)
	}
	fmt.Println(len(p.KeyIDs()))
	// Output:
	// 2 true
	// true
	// 1
}

// QueueForeignKeyToken signs the next ID token with an attacker's key and names the key in the
// token's header: here by jku, the URL of a key set that the attacker serves (serve k.JWKS()
// there in a real test). A relying party must refuse the token without fetching the URL: an ID
// token's keys come from the provider's JWKS only.
func ExampleServer_QueueForeignKeyToken() {
	p, err := mockprovider.New(mockprovider.Options{Issuer: "http://127.0.0.1:9090", AutoApprove: true})
	if err != nil {
		panic(err)
	}
	k, err := mockprovider.NewForeignKey("ES256")
	if err != nil {
		panic(err)
	}
	if err := p.QueueForeignKeyToken(k, mockprovider.HeaderJKU, "http://attacker.invalid/jwks.json"); err != nil {
		panic(err)
	}
	client := &http.Client{Transport: handlerTransport{p}, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	q := url.Values{"response_type": {"code"}, "client_id": {mockprovider.DemoClientID},
		"redirect_uri": {"http://localhost:8080/callback"}, "scope": {"openid pid"}, "state": {"xyz"}}
	resp, err := client.Get(p.URL(mockprovider.PathAuthorize) + "?" + q.Encode())
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	cb, _ := url.Parse(resp.Header.Get("Location"))
	form := url.Values{"grant_type": {"authorization_code"}, "code": {cb.Query().Get("code")},
		"redirect_uri": {"http://localhost:8080/callback"}}
	req, _ := http.NewRequest(http.MethodPost, p.URL(mockprovider.PathToken), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(mockprovider.DemoClientID, mockprovider.DemoClientSecret)
	resp, err = client.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var tok struct {
		IDToken string `json:"id_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
		panic(err)
	}
	header, _, _ := strings.Cut(tok.IDToken, ".")
	b, _ := base64.RawURLEncoding.DecodeString(header)
	var hdr struct{ Alg, Kid, Jku string }
	if err := json.Unmarshal(b, &hdr); err != nil {
		panic(err)
	}
	fmt.Println(hdr.Alg, hdr.Jku, hdr.Kid == k.KeyID())
	// Output:
	// ES256 http://attacker.invalid/jwks.json true
}
