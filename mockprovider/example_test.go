package mockprovider_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/mockprovider"
)

// The provider is an http.Handler: serve it anywhere. Here a login without openid returns
// the flat claims beside the tokens, as the real ThaID does, and expires_in is an absolute
// Unix time, as the recorded sandbox (the default profile) sends it.
func Example() {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	p, err := mockprovider.New(mockprovider.Options{
		Issuer:      "http://127.0.0.1:9090",
		AutoApprove: true,
		Now:         func() time.Time { return now },
	})
	if err != nil {
		panic(err)
	}
	client := &http.Client{
		Transport: handlerTransport{p},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}

	// 1. The browser goes to the authorize endpoint; auto-approve redirects back at once, as
	//    the citizen named by login_hint.
	q := url.Values{
		"response_type": {"code"},
		"client_id":     {mockprovider.DemoClientID},
		"redirect_uri":  {"http://localhost:8080/callback"},
		"scope":         {"pid name"},
		"state":         {"xyz"},
		"login_hint":    {"3409901127549"},
	}
	resp, err := client.Get(p.URL(mockprovider.PathAuthorize) + "?" + q.Encode())
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	cb, _ := url.Parse(resp.Header.Get("Location"))
	fmt.Println("state:", cb.Query().Get("state"))

	// 2. The relying party exchanges the code (HTTP Basic client authentication).
	form := url.Values{
		"grant_type":   {"authorization_code"},
		"code":         {cb.Query().Get("code")},
		"redirect_uri": {"http://localhost:8080/callback"},
	}
	req, _ := http.NewRequest(http.MethodPost, p.URL(mockprovider.PathToken), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(mockprovider.DemoClientID, mockprovider.DemoClientSecret)
	resp, err = client.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var tok struct {
		TokenType string `json:"token_type"`
		ExpiresIn int64  `json:"expires_in"`
		Scope     string `json:"scope"`
		PID       string `json:"pid"`
		Name      string `json:"name"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	fmt.Println(tok.TokenType, time.Unix(tok.ExpiresIn, 0).UTC().Format(time.RFC3339), tok.Scope)
	fmt.Println(mockprovider.MaskPID(tok.PID), tok.Name)
	// Output:
	// state: xyz
	// Bearer 2026-12-01T09:15:00Z pid name
	// 3-4099-xxxxx-54-9 นาง มาลี ศรีสุข
}

// handlerTransport sends requests straight to a handler (no network), for the example.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	w := httptest.NewRecorder()
	t.h.ServeHTTP(w, r)
	return w.Result(), nil
}

// In a test, Start serves the provider on an httptest server and stops it when the test ends.
// (Not run here: it needs the test's *testing.T.)
func ExampleStart() {
	var t *testing.T // the *testing.T of your test
	p := mockprovider.StartTLS(t, mockprovider.Options{
		AutoApprove: true,
		Clients: []mockprovider.RelyingParty{{
			ID: "school-registration", Secret: "s3cret",
			RedirectURIs: []string{"https://localhost:8443/auth/callback"},
			Scopes:       []string{"openid", "pid", "name", "birthdate"},
		}},
	})
	// Give your relying party p.Issuer() for discovery and p.HTTPClient() to trust the server.
	_, _ = p.Issuer(), p.HTTPClient()
}

// Tests of the QR path open the authorize page, then approve (or deny) it by reference.
func ExampleServer_Approve() {
	p, _ := mockprovider.New(mockprovider.Options{Issuer: "http://127.0.0.1:9090"})
	q := url.Values{"response_type": {"code"}, "client_id": {mockprovider.DemoClientID},
		"redirect_uri": {"http://localhost:8080/callback"}, "scope": {"openid pid"}, "state": {"xyz"}}
	r, _ := http.NewRequest(http.MethodGet, p.URL(mockprovider.PathAuthorize)+"?"+q.Encode(), nil)
	p.ServeHTTP(httptest.NewRecorder(), r) // the QR page
	ref := p.Pending()[0].Ref
	if err := p.Approve(ref, "1509900314828"); err != nil {
		panic(err)
	}
	fmt.Println(len(p.Pending()))
	// Output: 0
}

// A provider profile is what a provider does, as data. LoadProfile reads one (as "thaid login
// -profile FILE" writes it, or as an agency attaches it to an issue); members it leaves out are
// the default profile's, the recorded sandbox's.
func ExampleLoadProfile() {
	pr, err := mockprovider.LoadProfile(strings.NewReader(`{
	  "profile": "thaid-provider/1",
	  "source": "an agency's production client, 2027",
	  "token": {"expiry": "expire_in-absolute"},
	  "claims": {"sub": "opaque"},
	  "introspection": {"token": "bare"}
	}`))
	if err != nil {
		panic(err) // errors.Is(err, mockprovider.ErrInvalidProfile): a typo is refused, never ignored
	}
	p, err := mockprovider.New(mockprovider.Options{Issuer: "http://127.0.0.1:9090", Profile: pr})
	if err != nil {
		panic(err)
	}
	eff := p.Profile()
	fmt.Println(eff.Token.Expiry, eff.Claims.Sub, eff.Introspection.Token)
	fmt.Println(eff.Revocation.Token, eff.Claims.Address, eff.Token.RefreshTokenSeconds) // from the default
	// Output:
	// expire_in-absolute opaque bare
	// bare object 900
}

// A test suite written for the mock's older defaults keeps them with the legacy profile while it
// is updated.
func ExampleBuiltinProfile() {
	pr, err := mockprovider.BuiltinProfile(mockprovider.LegacyProfileName)
	if err != nil {
		panic(err)
	}
	p, err := mockprovider.New(mockprovider.Options{Issuer: "http://127.0.0.1:9090", Profile: pr})
	if err != nil {
		panic(err)
	}
	eff := p.Profile()
	fmt.Println(eff.Claims.Sub, eff.Token.Expiry, eff.Authorize.Errors, eff.Token.RefreshTokenSeconds)
	// Output: opaque expires_in-relative redirect 86400
}
