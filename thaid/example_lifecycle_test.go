package thaid_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"math/rand/v2"
	"net/http"
	"net/url"
	"time"

	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// exampleLogin logs a citizen in at an in-process mock of ThaID (no network) and returns the
// client, the login and its result: the starting point of the examples below.
func exampleLogin(opts mockprovider.Options) (*thaid.Client, *thaid.Login, *thaid.Result) {
	opts.Issuer, opts.AutoApprove = "http://thaid.test", true
	op, err := mockprovider.New(opts)
	if err != nil {
		log.Fatal(err)
	}
	hc := &http.Client{Transport: handlerTransport{op}}
	ctx := context.Background()
	client, err := thaid.New(ctx, thaid.Config{
		ClientID:     mockprovider.DemoClientID,
		ClientSecret: mockprovider.DemoClientSecret,
		RedirectURL:  "https://school.example/auth/callback",
		Provider:     thaid.Provider{Issuer: op.Issuer()},
		HTTPClient:   hc,
	})
	if err != nil {
		log.Fatal(err)
	}
	login, err := client.NewLogin()
	if err != nil {
		log.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, client.AuthCodeURL(login, url.Values{"login_hint": {"3409901127549"}}), nil)
	resp, err := hc.Transport.RoundTrip(req)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	callback, err := resp.Location()
	if err != nil {
		log.Fatal(err)
	}
	res, err := client.Exchange(ctx, login, callback.Query())
	if err != nil {
		log.Fatal(err)
	}
	return client, login, res
}

// Refresh trades the refresh token for new tokens when the access token has expired, for the
// citizen of the login's identity (an answer naming anyone else is refused). A provider that
// rotates refresh tokens returns a new one, which replaces the old in res.Token: store it.
func ExampleClient_Refresh() {
	client, _, res := exampleLogin(mockprovider.Options{RotateRefreshTokens: true})
	old := res.Token
	ref, err := client.Refresh(context.Background(), old, res.Identity)
	if err != nil {
		log.Fatal(err) // errors.Is(err, thaid.ErrInvalidGrant): the citizen must log in again
	}
	fmt.Println(ref.Token.AccessToken != old.AccessToken)
	fmt.Println(ref.RefreshRotated, ref.Token.RefreshToken != old.RefreshToken)
	fmt.Println(ref.Identity.PID)
	// Output:
	// true
	// true true
	// 3-4099-xxxxx-54-9
}

// Introspect asks ThaID whether a token is still active, and for what.
func ExampleClient_Introspect() {
	client, _, res := exampleLogin(mockprovider.Options{})
	in, err := client.Introspect(context.Background(), res.Token.AccessToken)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(in.Active, in.Scopes, in.Expiry.After(time.Now()))
	// Output: true [openid pid name] true
}

// Revoke ends a token at ThaID, at logout: the refresh token first, then the access token.
func ExampleClient_Revoke() {
	client, _, res := exampleLogin(mockprovider.Options{})
	ctx := context.Background()
	for _, tok := range []string{res.Token.RefreshToken, res.Token.AccessToken} {
		if tok == "" {
			continue
		}
		if err := client.Revoke(ctx, tok); err != nil {
			log.Fatal(err)
		}
	}
	in, err := client.Introspect(ctx, res.Token.AccessToken)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("active:", in.Active)
	// Output: active: false
}

// UserInfo asks ThaID's userinfo endpoint for the claims behind an access token. They are not
// signed (Verified is false), and sub is the citizen's PID, so it prints masked.
func ExampleClient_UserInfo() {
	client, _, res := exampleLogin(mockprovider.Options{})
	id, err := client.UserInfo(context.Background(), res.Token.AccessToken)
	if err != nil {
		log.Fatal(err) // errors.Is(err, thaid.ErrInvalidAccessToken): expired or revoked
	}
	fmt.Println(id.Verified, id.PID, id.Name)
	fmt.Println(id.Subject == res.Identity.Subject, thaid.MaskPID(id.Subject))
	// Output:
	// false 3-4099-xxxxx-54-9 นาง มาลี ศรีสุข
	// true 3-4099-xxxxx-54-9
}

// VerifyIDToken checks an ID token kept from an earlier exchange (signature, issuer, audience,
// expiry, nonce, and at_hash when present) and returns the citizen it names. Exchange already
// does this at the callback.
func ExampleClient_VerifyIDToken() {
	client, login, res := exampleLogin(mockprovider.Options{})
	id, err := client.VerifyIDToken(context.Background(), res.Token.IDToken, res.Token.AccessToken, login.Nonce)
	if err != nil {
		log.Fatal(err) // errors.Is with thaid.ErrTokenExpired, thaid.ErrBadSignature, ...
	}
	fmt.Println(id.PID, id.Verified)
	// Output: 3-4099-xxxxx-54-9 true
}

// AuthCodeURL adds extra parameters to the authorize URL, but never lets them replace the ones
// the flow depends on.
func ExampleClient_AuthCodeURL() {
	client, err := thaid.New(context.Background(), thaid.Config{
		ClientID:     "my-client-id",
		ClientSecret: "from-your-secret-store",
		RedirectURL:  "https://school.example/auth/callback",
		Provider:     thaid.Sandbox,
	})
	if err != nil {
		log.Fatal(err)
	}
	login, err := client.NewLogin()
	if err != nil {
		log.Fatal(err)
	}
	u, _ := url.Parse(client.AuthCodeURL(login, url.Values{"ui_locales": {"th"}, "client_id": {"someone-else"}}))
	q := u.Query()
	fmt.Println(u.Host)
	fmt.Println(q.Get("client_id"), q.Get("scope"), q.Get("code_challenge_method"), q.Get("ui_locales"))
	fmt.Println(q.Get("state") == login.State)
	// Output:
	// imauthsbx.bora.dopa.go.th
	// my-client-id openid pid name S256 th
	// true
}

// Discover reads a provider's endpoints from its /.well-known/openid-configuration.
func ExampleDiscover() {
	op, err := mockprovider.New(mockprovider.Options{Issuer: "http://thaid.test"})
	if err != nil {
		log.Fatal(err)
	}
	p, err := thaid.Discover(context.Background(), op.Issuer(), &http.Client{Transport: handlerTransport{op}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Issuer)
	fmt.Println(p.TokenURL)
	// Output:
	// http://thaid.test
	// http://thaid.test/api/v2/oauth2/token/
}

// MaskPID masks anything that looks like a PID in a string, for logs.
func ExampleMaskPID() {
	fmt.Println(thaid.MaskPID("1101700230708"))
	fmt.Println(thaid.MaskPID("/register?pid=1101700230708"))
	// Output:
	// 1-1017-xxxxx-70-8
	// /register?pid=1-1017-xxxxx-70-8
}

// GeneratePID makes valid PIDs for fixtures; with a seeded source, always the same ones.
func ExampleGeneratePID() {
	rng := rand.New(rand.NewPCG(1, 2))
	pid, err := thaid.GeneratePID(rng, 1)
	if err != nil {
		log.Fatal(err)
	}
	_, err = thaid.ParsePID(pid.Digits())
	fmt.Println(pid.Kind(), err == nil)
	// Output: Thai national born from 1984, registered on time true
}

// A Secret never prints, logs or marshals its value; Reveal gives it where it is needed.
func ExampleSecret() {
	s := thaid.Secret("client-secret-from-vault")
	b, _ := json.Marshal(struct{ ClientSecret thaid.Secret }{s})
	fmt.Println(s)
	fmt.Printf("%#v\n", s)
	fmt.Println(string(b))
	fmt.Println(len(s.Reveal()))
	// Output:
	// [REDACTED]
	// [REDACTED]
	// {"ClientSecret":"[REDACTED]"}
	// 24
}
