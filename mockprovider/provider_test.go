package mockprovider_test

import (
	"cmp"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/mockprovider"
)

func TestStartPlainAndTLS(t *testing.T) {
	for _, tc := range []struct {
		name   string
		start  func(testing.TB, mockprovider.Options) *mockprovider.Server
		scheme string
	}{{"http", mockprovider.Start, "http://"}, {"https", mockprovider.StartTLS, "https://"}} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.start(t, mockprovider.Options{AutoApprove: true})
			if !strings.HasPrefix(p.Issuer(), tc.scheme) || strings.HasSuffix(p.Issuer(), "/") {
				t.Fatalf("issuer %q", p.Issuer())
			}
			tok := exchange(t, p, nil)
			if tok["id_token"] == nil || tok["access_token"] == nil || tok["refresh_token"] == nil {
				t.Fatalf("token response %v", tok)
			}
		})
	}
}

func TestNewValidates(t *testing.T) {
	bad := mockprovider.DefaultCitizens()
	bad[0].Password = "12345678"
	dup := mockprovider.DefaultCitizens()
	dup[1].PID = dup[0].PID
	for _, tc := range []struct {
		name string
		opts mockprovider.Options
		want error
	}{
		{"no issuer", mockprovider.Options{}, mockprovider.ErrInvalidOptions},
		{"relative issuer", mockprovider.Options{Issuer: "/x"}, mockprovider.ErrInvalidOptions},
		{"bad alg", mockprovider.Options{Issuer: "http://x", Alg: "HS256"}, mockprovider.ErrInvalidOptions},
		{"negative ttl", mockprovider.Options{Issuer: "http://x", CodeTTL: -1}, mockprovider.ErrInvalidOptions},
		{"client without redirect", mockprovider.Options{Issuer: "http://x", Clients: []mockprovider.RelyingParty{{ID: "a"}}}, mockprovider.ErrInvalidOptions},
		{"relative redirect", mockprovider.Options{Issuer: "http://x", Clients: []mockprovider.RelyingParty{{ID: "a", RedirectURIs: []string{"/cb"}}}}, mockprovider.ErrInvalidOptions},
		{"duplicate client", mockprovider.Options{Issuer: "http://x", Clients: []mockprovider.RelyingParty{{ID: "a", AllowAnyRedirectURI: true}, {ID: "a", AllowAnyRedirectURI: true}}}, mockprovider.ErrInvalidOptions},
		{"unknown client scope", mockprovider.Options{Issuer: "http://x", Clients: []mockprovider.RelyingParty{{ID: "a", AllowAnyRedirectURI: true, Scopes: []string{"email"}}}}, mockprovider.ErrInvalidOptions},
		{"bad password", mockprovider.Options{Issuer: "http://x", Citizens: bad}, mockprovider.ErrInvalidCitizen},
		{"duplicate PID", mockprovider.Options{Issuer: "http://x", Citizens: dup}, mockprovider.ErrInvalidCitizen},
		{"ok", mockprovider.Options{Issuer: "http://x/"}, nil},
		{"ok RS256", mockprovider.Options{Issuer: "https://x", Alg: "RS256"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := mockprovider.New(tc.opts)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if err == nil && strings.HasSuffix(p.Issuer(), "/") {
				t.Fatalf("issuer keeps trailing slash: %q", p.Issuer())
			}
		})
	}
}

// TestDiscovery: by default the document has exactly the members recorded on the sandbox (the
// non-standard subject_type_supported included, no code_challenge_methods_supported and no
// claims_supported); the legacy profile serves the older, standard document.
func TestDiscovery(t *testing.T) {
	for _, tc := range []struct {
		name    string
		profile string
		members []string
		lists   map[string][]string
	}{
		{"default: the recorded sandbox", "", []string{
			"issuer", "authorization_endpoint", "token_endpoint", "introspection_endpoint", "revocation_endpoint",
			"userinfo_endpoint", "jwks_uri", "grant_types_supported", "response_types_supported", "subject_type_supported",
			"scopes_supported", "id_token_signing_alg_values_supported", "token_endpoint_auth_methods_supported"},
			map[string][]string{"subject_type_supported": {"public"}}},
		{"legacy", mockprovider.LegacyProfileName, []string{
			"issuer", "authorization_endpoint", "token_endpoint", "introspection_endpoint", "revocation_endpoint",
			"userinfo_endpoint", "jwks_uri", "response_types_supported", "response_modes_supported", "grant_types_supported",
			"subject_types_supported", "id_token_signing_alg_values_supported", "code_challenge_methods_supported",
			"scopes_supported", "claims_supported", "token_endpoint_auth_methods_supported",
			"introspection_endpoint_auth_methods_supported", "revocation_endpoint_auth_methods_supported",
			"claims_parameter_supported", "request_parameter_supported"},
			map[string][]string{"code_challenge_methods_supported": {"S256"}, "subject_types_supported": {"public"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var opts mockprovider.Options
			if tc.profile != "" {
				pr, err := mockprovider.BuiltinProfile(tc.profile)
				if err != nil {
					t.Fatal(err)
				}
				opts.Profile = pr
			}
			p := mockprovider.Start(t, opts)
			d := discovery(t, p)
			if got := slices.Sorted(maps.Keys(d)); !slices.Equal(got, slices.Sorted(slices.Values(tc.members))) {
				t.Errorf("members %q,\nwant %q", got, slices.Sorted(slices.Values(tc.members)))
			}
			want := map[string]any{
				"issuer":                 p.Issuer(),
				"authorization_endpoint": p.Issuer() + "/api/v2/oauth2/auth/",
				"token_endpoint":         p.Issuer() + "/api/v2/oauth2/token/",
				"introspection_endpoint": p.Issuer() + "/api/v2/oauth2/introspect/",
				"revocation_endpoint":    p.Issuer() + "/api/v2/oauth2/revoke/",
				"userinfo_endpoint":      p.Issuer() + "/api/v2/oauth2/userinfo/",
				"jwks_uri":               p.Issuer() + "/jwks/",
			}
			for k, v := range want {
				if d[k] != v {
					t.Errorf("%s = %v, want %v", k, d[k], v)
				}
			}
			lists := map[string][]string{
				"id_token_signing_alg_values_supported": {"ES256"},
				"response_types_supported":              {"code"},
				"token_endpoint_auth_methods_supported": {"client_secret_basic", "client_secret_post"},
				"grant_types_supported":                 {"authorization_code", "refresh_token"},
			}
			maps.Copy(lists, tc.lists)
			for k, v := range lists {
				if got := strs(d[k]); !slices.Equal(got, v) {
					t.Errorf("%s = %v, want %v", k, got, v)
				}
			}
			if got := strs(d["scopes_supported"]); !slices.Equal(got, mockprovider.AllScopes) {
				t.Errorf("scopes_supported = %v", got)
			}
			// After a rotation to RS256 both algorithms are announced.
			if _, err := p.RotateKey("RS256"); err != nil {
				t.Fatal(err)
			}
			if got := strs(discovery(t, p)["id_token_signing_alg_values_supported"]); !slices.Equal(got, []string{"ES256", "RS256"}) {
				t.Errorf("algs after rotation = %v", got)
			}
		})
	}
}

// discovery fetches the discovery document.
func discovery(t *testing.T, p *mockprovider.Server) map[string]any {
	t.Helper()
	var d map[string]any
	getJSON(t, p, mockprovider.PathDiscovery, &d)
	return d
}

func strs(v any) []string {
	var out []string
	xs, _ := v.([]any)
	for _, x := range xs {
		out = append(out, x.(string))
	}
	return out
}

func TestPathsNeedTrailingSlash(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{})
	for _, path := range []string{"/jwks", "/api/v2/oauth2/auth", "/api/v2/oauth2/token", "/api/v2/oauth2/introspect", "/api/v2/oauth2/revoke", "/api/v2/oauth2/userinfo"} {
		if st, _, _ := get(t, p, path); st != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", path, st)
		}
	}
}

// TestAuthorizeErrors: by default (the recorded sandbox) every refusal is answered at once as
// JSON, never redirected; with AuthorizeErrorsRedirect (the manual, RFC 6749, the older mock)
// an unknown client or redirect_uri gets the "Bad data request" page and the rest a redirect.
func TestAuthorizeErrors(t *testing.T) {
	cases := []struct {
		name      string
		over      url.Values
		status    int    // JSON style: status of the JSON answer
		wantError string // its error, and the redirect's error in the redirect style
		badPage   bool   // redirect style: 400 HTML "Bad data request", no redirect
	}{
		{"unknown client", url.Values{"client_id": {"nobody"}}, 401, "unauthorized_client", true},
		{"redirect mismatch", url.Values{"redirect_uri": {testRedirect + "/other"}}, 400, "invalid_request", true},
		{"http where https is registered", url.Values{"redirect_uri": {strings.Replace(testRedirect, "https:", "http:", 1)}}, 400, "invalid_request", true},
		{"redirect differs by slash", url.Values{"redirect_uri": {testRedirect + "/"}}, 400, "invalid_request", true},
		{"redirect missing", url.Values{"redirect_uri": {""}}, 400, "invalid_request", true},
		{"unknown scope", url.Values{"scope": {"openid email"}}, 400, "invalid_scope", false},
		{"scope not granted to the client", url.Values{"scope": {"openid pid name"}}, 400, "invalid_scope", false},
		{"no scope", url.Values{"scope": {""}}, 400, "invalid_scope", false},
		{"response_type token", url.Values{"response_type": {"token"}}, 400, "unsupported_response_type", false},
		{"response_type nonsense", url.Values{"response_type": {"nonsense"}}, 400, "unsupported_response_type", false},
		{"no response_type", url.Values{"response_type": {""}}, 400, "invalid_request", false},
		{"no state", url.Values{"state": {""}}, 400, "invalid_request", false},
		{"plain PKCE", url.Values{"code_challenge_method": {"plain"}}, 400, "invalid_request", false},
		{"PKCE method without challenge", url.Values{"code_challenge": {""}}, 400, "invalid_request", false},
		{"short challenge", url.Values{"code_challenge": {"abc"}}, 400, "invalid_request", false},
		{"unknown login_hint", url.Values{"login_hint": {"1112034563562"}}, 400, "invalid_request", false},
	}
	for _, style := range []mockprovider.AuthorizeErrorStyle{"", mockprovider.AuthorizeErrorsJSON, mockprovider.AuthorizeErrorsRedirect} {
		t.Run(string(style), func(t *testing.T) {
			p := mockprovider.Start(t, mockprovider.Options{
				AutoApprove: true, AuthorizeErrors: style,
				Clients: []mockprovider.RelyingParty{
					{ID: "strict", Secret: "s", RedirectURIs: []string{testRedirect}, Scopes: []string{"openid", "pid"}},
				},
			})
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					over := url.Values{"client_id": {"strict"}, "scope": {"openid pid"}}
					maps.Copy(over, tc.over)
					st, loc, body := get(t, p, mockprovider.PathAuthorize+"?"+authParams(over).Encode())
					if style != mockprovider.AuthorizeErrorsRedirect {
						var e map[string]any
						_ = json.Unmarshal([]byte(body), &e)
						if st != tc.status || loc != "" || e["error"] != tc.wantError || e["error_description"] == nil {
							t.Fatalf("status %d, location %q, body %s; want %d %s at once", st, loc, body, tc.status, tc.wantError)
						}
						if tc.name == "redirect mismatch" && e["error_description"] != "The redirect or callback url mismatch" {
							t.Errorf("error_description %v, want the sandbox's text", e["error_description"])
						}
						return
					}
					if tc.badPage {
						if st != http.StatusBadRequest || loc != "" || !strings.Contains(body, "Bad data request") {
							t.Fatalf("status %d, location %q, want the Bad data request page", st, loc)
						}
						return
					}
					if st != http.StatusFound {
						t.Fatalf("status %d, want 302", st)
					}
					u, _ := url.Parse(loc)
					q := u.Query()
					if !strings.HasPrefix(loc, testRedirect+"?") || q.Get("error") != tc.wantError || q.Get("code") != "" {
						t.Fatalf("redirect %q, want error=%s", loc, tc.wantError)
					}
					if over.Get("state") != "" && q.Get("state") != testState {
						t.Fatalf("state not echoed: %q", loc)
					}
				})
			}
		})
	}
}

func TestRedirectKeepsQuery(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	q := authorize(t, p, url.Values{"redirect_uri": {testRedirect + "?tenant=a"}})
	if q.Get("tenant") != "a" || q.Get("code") == "" {
		t.Fatalf("query %v", q)
	}
}

func TestIDTokenClaims(t *testing.T) {
	for _, alg := range []string{"ES256", "RS256"} {
		t.Run(alg, func(t *testing.T) {
			now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true, Alg: alg, Now: func() time.Time { return now }})
			c := mockprovider.DefaultCitizens()[4] // foreign resident, middle names
			scope := "openid " + strings.Join(mockprovider.AllScopes[1:], " ")
			tok := exchange(t, p, url.Values{"login_hint": {c.PID}, "scope": {scope}})
			if tok["pid"] != nil || tok["name"] != nil {
				t.Errorf("flat claims beside id_token by default: %v", tok)
			}
			if tok["expires_in"] != float64(now.Add(15*time.Minute).Unix()) || tok["token_type"] != "Bearer" || tok["scope"] != scope {
				t.Errorf("token response %v", tok)
			}
			kid, cl := verifyIDToken(t, p, tok["id_token"].(string))
			if kid != p.ActiveKeyID() {
				t.Errorf("kid %q, active %q", kid, p.ActiveKeyID())
			}
			h := sha256.Sum256([]byte(tok["access_token"].(string)))
			want := map[string]any{
				"iss": p.Issuer(), "aud": mockprovider.DemoClientID, "nonce": testNonce,
				"iat": float64(now.Unix()), "exp": float64(now.Add(15 * time.Minute).Unix()),
				"auth_time": float64(now.Unix()), "version": "2.0",
				"at_hash": base64.RawURLEncoding.EncodeToString(h[:16]),
				"pid":     c.PID, "name": "นาย จอห์น ไมเคิล สมิธ", "name_en": "Mr. John Michael Smith",
				"title": "นาย", "title_en": "Mr.", "given_name": "จอห์น", "middle_name": "ไมเคิล",
				"family_name": "สมิธ", "given_name_en": "John", "middle_name_en": "Michael",
				"family_name_en": "Smith", "birthdate": "1978-07-21", "gender": "male",
				"smartcard_code": c.SmartcardCode, "date_of_issuance": c.DateOfIssuance,
				"date_of_expiry": c.DateOfExpiry, "ial": "2.3",
			}
			for k, v := range want {
				if cl[k] != v {
					t.Errorf("claim %s = %v, want %v", k, cl[k], v)
				}
			}
			if a, _ := cl["address"].(map[string]any); a["formatted"] != c.Address {
				t.Errorf("address %v, want an object with formatted", cl["address"])
			}
			if cl["sub"] != c.PID {
				t.Errorf("sub %v: want the PID, as on the recorded sandbox", cl["sub"])
			}
		})
	}
}

func TestTokenResponseVariants(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	first := mockprovider.DefaultCitizens()[0]
	for _, tc := range []struct {
		name  string
		opts  mockprovider.Options
		scope string
		check func(t *testing.T, tok map[string]any)
	}{
		{"flat without openid", mockprovider.Options{}, "pid name", func(t *testing.T, tok map[string]any) {
			if tok["id_token"] != nil || tok["pid"] != first.PID || tok["name"] != first.Name() || tok["scope"] != "pid name" {
				t.Errorf("%v", tok)
			}
		}},
		{"default: expires_in absolute", mockprovider.Options{}, "pid", func(t *testing.T, tok map[string]any) {
			if tok["expires_in"] != float64(now.Add(15*time.Minute).Unix()) || tok["expire_in"] != nil {
				t.Errorf("%v", tok)
			}
		}},
		{"expires_in relative", mockprovider.Options{ExpiryStyle: mockprovider.ExpiryRelative}, "pid", func(t *testing.T, tok map[string]any) {
			if tok["expires_in"] != float64(900) || tok["expire_in"] != nil {
				t.Errorf("%v", tok)
			}
		}},
		{"expire_in absolute", mockprovider.Options{ExpiryStyle: mockprovider.ExpiryAbsolute}, "pid", func(t *testing.T, tok map[string]any) {
			if tok["expire_in"] != float64(now.Add(15*time.Minute).Unix()) || tok["expires_in"] != nil {
				t.Errorf("%v", tok)
			}
		}},
		{"default: address object", mockprovider.Options{}, "address", func(t *testing.T, tok map[string]any) {
			a, ok := tok["address"].(map[string]any)
			if !ok || a["formatted"] != first.Address || a["province"] != "เชียงใหม่" {
				t.Errorf("%v", tok["address"])
			}
		}},
		{"address string", mockprovider.Options{AddressStyle: mockprovider.AddressString}, "address", func(t *testing.T, tok map[string]any) {
			if tok["address"] != first.Address {
				t.Errorf("%v", tok["address"])
			}
		}},
		{"ial number", mockprovider.Options{IALAsNumber: true}, "ial", func(t *testing.T, tok map[string]any) {
			if tok["ial"] != 2.3 {
				t.Errorf("%#v", tok["ial"])
			}
		}},
		{"flat claims with openid", mockprovider.Options{FlatClaimsWithOpenID: true}, "openid pid", func(t *testing.T, tok map[string]any) {
			if tok["id_token"] == nil || tok["pid"] != first.PID {
				t.Errorf("%v", tok)
			}
		}},
		{"custom access TTL", mockprovider.Options{AccessTokenTTL: time.Minute, ExpiryStyle: mockprovider.ExpiryRelative}, "pid", func(t *testing.T, tok map[string]any) {
			if tok["expires_in"] != float64(60) {
				t.Errorf("%v", tok)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.AutoApprove = true
			tc.opts.Now = func() time.Time { return now }
			p := mockprovider.Start(t, tc.opts)
			tc.check(t, exchange(t, p, url.Values{"scope": {tc.scope}}))
		})
	}
}

func TestTokenErrors(t *testing.T) {
	for _, rfc := range []bool{false, true} {
		t.Run(fmt.Sprintf("RFCGrantErrors=%t", rfc), func(t *testing.T) { testTokenErrors(t, rfc) })
	}
}

// testTokenErrors runs the token endpoint's error table with one RFCGrantErrors setting.
func testTokenErrors(t *testing.T, rfc bool) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true, RFCGrantErrors: rfc, Clients: []mockprovider.RelyingParty{
		{ID: mockprovider.DemoClientID, Secret: mockprovider.DemoClientSecret, AllowAnyRedirectURI: true},
		{ID: "other", Secret: "other-secret", AllowAnyRedirectURI: true},
		{ID: "keyed", Secret: "k", AllowAnyRedirectURI: true, APIKey: "the-api-key"},
	}})
	for _, tc := range []struct {
		name       string
		authorize  url.Values // overrides at authorize
		form       url.Values // overrides at token (empty value deletes)
		ca         clientAuth
		id, secret string
		hdr        []string
		advance    time.Duration
		reuse      bool
		status     int
		code       string
		codeErr    bool // a bad code or redirect_uri: invalid_request, or invalid_grant with RFCGrantErrors
	}{
		{name: "ok basic", status: 200},
		{name: "ok post", ca: authPost, status: 200},
		{name: "no client auth", ca: authNone, status: 401, code: "invalid_client"},
		{name: "wrong secret", secret: "nope", status: 401, code: "invalid_client"},
		{name: "unknown client", id: "ghost", status: 401, code: "invalid_client"},
		{name: "code of another client", id: "other", secret: "other-secret", status: 400, codeErr: true},
		{name: "wrong verifier", form: url.Values{"code_verifier": {strings.Repeat("x", 43)}}, status: 400, code: "invalid_grant"},
		{name: "missing verifier", form: url.Values{"code_verifier": {""}}, status: 400, code: "invalid_grant"},
		{name: "verifier without challenge", authorize: url.Values{"code_challenge": {""}, "code_challenge_method": {""}}, status: 400, code: "invalid_grant"},
		{name: "no PKCE at all", authorize: url.Values{"code_challenge": {""}, "code_challenge_method": {""}}, form: url.Values{"code_verifier": {""}}, status: 200},
		{name: "redirect_uri differs", form: url.Values{"redirect_uri": {testRedirect + "x"}}, status: 400, codeErr: true},
		{name: "redirect_uri missing", form: url.Values{"redirect_uri": {""}}, status: 400, codeErr: true},
		{name: "code expired", advance: 61 * time.Second, status: 400, codeErr: true},
		{name: "code just valid", advance: 60 * time.Second, status: 200},
		{name: "code reused", reuse: true, status: 400, codeErr: true},
		{name: "unknown code", form: url.Values{"code": {"forged"}}, status: 400, codeErr: true},
		{name: "no code", form: url.Values{"code": {""}}, status: 400, code: "invalid_request"},
		{name: "no grant type", form: url.Values{"grant_type": {""}}, status: 400, code: "invalid_request"},
		{name: "password grant", form: url.Values{"grant_type": {"password"}}, status: 400, code: "unsupported_grant_type"},
		{name: "api key missing", authorize: url.Values{"client_id": {"keyed"}}, id: "keyed", secret: "k", status: 401, code: "unauthorized_client"},
		{name: "api key wrong", authorize: url.Values{"client_id": {"keyed"}}, id: "keyed", secret: "k", hdr: []string{"x-imauth-apikey", "nope"}, status: 401, code: "unauthorized_client"},
		{name: "api key ok", authorize: url.Values{"client_id": {"keyed"}}, id: "keyed", secret: "k", hdr: []string{"x-imauth-apikey", "the-api-key"}, status: 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			p.SetNow(func() time.Time { return clock })
			q := authorize(t, p, tc.authorize)
			clock = clock.Add(tc.advance)
			p.SetNow(func() time.Time { return clock })
			if tc.codeErr {
				tc.code = "invalid_request"
				if rfc {
					tc.code = "invalid_grant"
				}
			}
			form := overridden(url.Values{"grant_type": {"authorization_code"}, "code": {q.Get("code")},
				"redirect_uri": {testRedirect}, "code_verifier": {testVerifier}}, tc.form)
			id, secret := cmp.Or(tc.id, mockprovider.DemoClientID), cmp.Or(tc.secret, mockprovider.DemoClientSecret)
			if tc.reuse {
				if st, _ := postAs(t, p, mockprovider.PathToken, form, tc.ca, id, secret, tc.hdr...); st != 200 {
					t.Fatalf("first use: %d", st)
				}
			}
			st, body := postAs(t, p, mockprovider.PathToken, form, tc.ca, id, secret, tc.hdr...)
			if st != tc.status || (tc.code != "" && body["error"] != tc.code) {
				t.Fatalf("got %d %v, want %d %s", st, body, tc.status, tc.code)
			}
			if tc.code != "" && body["error_description"] == nil {
				t.Errorf("no error_description: %v", body)
			}
		})
	}
}

func TestTokenEndpointRequestShape(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{})
	// GET is refused with a JSON error.
	st, _, body := get(t, p, mockprovider.PathToken)
	if st != http.StatusMethodNotAllowed || !strings.Contains(body, `"error":"invalid_request"`) {
		t.Fatalf("GET token: %d %s", st, body)
	}
	// JSON body is refused.
	req, _ := http.NewRequest(http.MethodPost, p.URL(mockprovider.PathToken), strings.NewReader(`{"grant_type":"authorization_code"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("JSON body: %d", resp.StatusCode)
	}
}

func TestRefresh(t *testing.T) {
	for _, rotate := range []bool{false, true} {
		t.Run(map[bool]string{false: "no rotation", true: "rotation"}[rotate], func(t *testing.T) {
			p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true, RotateRefreshTokens: rotate})
			tok := exchange(t, p, nil)
			rt := tok["refresh_token"].(string)
			st, r1 := post(t, p, mockprovider.PathToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}, authBasic)
			if st != 200 || r1["access_token"] == tok["access_token"] || r1["id_token"] == nil {
				t.Fatalf("refresh: %d %v", st, r1)
			}
			_, cl := verifyIDToken(t, p, r1["id_token"].(string))
			if cl["nonce"] != testNonce {
				t.Errorf("refreshed ID token nonce = %v, want the original", cl["nonce"])
			}
			newRT, got := r1["refresh_token"].(string)
			if got != rotate || (rotate && newRT == rt) {
				t.Fatalf("refresh_token in response = %q, rotation %v", newRT, rotate)
			}
			// The old refresh token is dead after rotation, alive otherwise.
			st, body := post(t, p, mockprovider.PathToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}, authBasic)
			if rotate && (st != 401 || body["error"] != "invalid_refresh_token") {
				t.Fatalf("old refresh token after rotation: %d %v", st, body)
			}
			if !rotate && st != 200 {
				t.Fatalf("refresh again: %d %v", st, body)
			}
			// Narrowing is allowed, widening is not.
			cur := rt
			if rotate {
				cur = newRT
			}
			st, body = post(t, p, mockprovider.PathToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {cur}, "scope": {"openid pid name_en"}}, authBasic)
			if st != 400 || body["error"] != "invalid_scope" {
				t.Fatalf("widening: %d %v", st, body)
			}
			st, body = post(t, p, mockprovider.PathToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {cur}, "scope": {"pid"}}, authBasic)
			if st != 200 || body["scope"] != "pid" || body["pid"] == nil || body["id_token"] != nil {
				t.Fatalf("narrowing: %d %v", st, body)
			}
			// Another client cannot use it.
			st, _ = post(t, p, mockprovider.PathToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"forged"}}, authBasic)
			if st != 401 {
				t.Fatalf("forged refresh token: %d", st)
			}
		})
	}
}

// TestRefreshRotationRace: with rotation, concurrent refreshes with the same refresh token
// give exactly one new set of tokens.
func TestRefreshRotationRace(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true, RotateRefreshTokens: true})
	rt := exchange(t, p, nil)["refresh_token"].(string)
	const n = 64
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, _ := post(t, p, mockprovider.PathToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}, authBasic)
			statuses <- st
		}()
	}
	wg.Wait()
	close(statuses)
	ok := 0
	for st := range statuses {
		switch st {
		case http.StatusOK:
			ok++
		case http.StatusUnauthorized:
		default:
			t.Errorf("status %d", st)
		}
	}
	if ok != 1 {
		t.Fatalf("%d of %d concurrent refreshes succeeded, want exactly 1", ok, n)
	}
}

// TestIntrospectRevokeUserInfo runs a token's life (introspect, userinfo, revoke) with each
// combination of token forms: by default introspection takes "Bearer <t>" and revocation the
// bare token, as both official samples send them.
func TestIntrospectRevokeUserInfo(t *testing.T) {
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	first := mockprovider.DefaultCitizens()[0]
	bare := func(t string) string { return t }
	bearer := func(t string) string { return "Bearer " + t }
	for _, tc := range []struct {
		name                  string
		opts                  mockprovider.Options
		introspect, revoke    func(string) string
		wrongIntro, wrongRevo func(string) string // nil: every form is taken
	}{
		{"default: introspect Bearer, revoke bare", mockprovider.Options{}, bearer, bare, bare, bearer},
		{"either form, bare", mockprovider.Options{IntrospectTokenForm: mockprovider.TokenFormEither, RevokeTokenForm: mockprovider.TokenFormEither}, bare, bare, nil, nil},
		{"either form, Bearer", mockprovider.Options{IntrospectTokenForm: mockprovider.TokenFormEither, RevokeTokenForm: mockprovider.TokenFormEither}, bearer, bearer, nil, nil},
		{"introspect bare, revoke Bearer", mockprovider.Options{IntrospectTokenForm: mockprovider.TokenFormBare, RevokeTokenForm: mockprovider.TokenFormBearer}, bare, bearer, bearer, bare},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			opts.AutoApprove = true
			p := mockprovider.Start(t, opts)
			p.SetNow(func() time.Time { return clock })
			tok := exchange(t, p, url.Values{"scope": {"openid pid name"}})
			at, rt := tok["access_token"].(string), tok["refresh_token"].(string)
			st, in := post(t, p, mockprovider.PathIntrospect, url.Values{"token": {tc.introspect(at)}}, authBasic)
			if st != 200 || in["active"] != true || in["scope"] != "openid pid name" || in["sub"] != first.PID || in["client_id"] != mockprovider.DemoClientID {
				t.Fatalf("introspect: %d %v", st, in)
			}
			if tc.wrongIntro != nil {
				// The other form: refused (Bearer required) or naming no token (bare taken as is).
				st, in := post(t, p, mockprovider.PathIntrospect, url.Values{"token": {tc.wrongIntro(at)}}, authBasic)
				if st == 200 && in["active"] != false || st != 200 && (st != 400 || in["error"] != "invalid_request") {
					t.Fatalf("introspect in the other form: %d %v", st, in)
				}
			}
			// userinfo with the access token.
			req, _ := http.NewRequest(http.MethodGet, p.URL(mockprovider.PathUserInfo), nil)
			req.Header.Set("Authorization", "Bearer "+at)
			resp, err := p.HTTPClient().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var ui map[string]any
			_ = json.NewDecoder(resp.Body).Decode(&ui)
			resp.Body.Close()
			if resp.StatusCode != 200 || ui["pid"] != first.PID || ui["sub"] != in["sub"] {
				t.Fatalf("userinfo: %d %v", resp.StatusCode, ui)
			}
			if tc.wrongRevo != nil {
				// The other form revokes nothing: refused, or answered OK for a token that does not exist.
				st, rv := post(t, p, mockprovider.PathRevoke, url.Values{"token": {tc.wrongRevo(at)}}, authBasic)
				if st != 200 && (st != 400 || rv["error"] != "invalid_request") {
					t.Fatalf("revoke in the other form: %d %v", st, rv)
				}
				if _, in := post(t, p, mockprovider.PathIntrospect, url.Values{"token": {tc.introspect(at)}}, authBasic); in["active"] != true {
					t.Fatalf("revoked by the other form: %v", in)
				}
			}
			// revoke the access token
			st, rv := post(t, p, mockprovider.PathRevoke, url.Values{"token": {tc.revoke(at)}}, authBasic)
			if st != 200 || rv["status"] != "OK" || rv["message"] != "revoked" {
				t.Fatalf("revoke: %d %v", st, rv)
			}
			if _, in := post(t, p, mockprovider.PathIntrospect, url.Values{"token": {tc.introspect(at)}}, authBasic); in["active"] != false || len(in) != 1 {
				t.Fatalf("introspect after revoke: %v", in)
			}
			// The refresh token still works until revoked; revoking it ends the grant.
			if _, in := post(t, p, mockprovider.PathIntrospect, url.Values{"token": {tc.introspect(rt)}}, authPost); in["active"] != true {
				t.Fatalf("refresh token introspect: %v", in)
			}
			post(t, p, mockprovider.PathRevoke, url.Values{"token": {tc.revoke(rt)}}, authPost)
			if st, body := post(t, p, mockprovider.PathToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}, authBasic); st != 401 {
				t.Fatalf("refresh after revoke: %d %v", st, body)
			}
		})
	}
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	p.SetNow(func() time.Time { return clock })
	t.Run("expiry", func(t *testing.T) {
		tok := exchange(t, p, nil)
		at := tok["access_token"].(string)
		clock = clock.Add(15*time.Minute + time.Second)
		if _, in := post(t, p, mockprovider.PathIntrospect, url.Values{"token": {"Bearer " + at}}, authBasic); in["active"] != false {
			t.Fatalf("introspect after expiry: %v", in)
		}
	})
	t.Run("errors", func(t *testing.T) {
		for _, path := range []string{mockprovider.PathIntrospect, mockprovider.PathRevoke} {
			if st, body := post(t, p, path, url.Values{}, authBasic); st != 400 || body["error"] != "invalid_request" {
				t.Errorf("%s without token: %d %v", path, st, body)
			}
			if st, body := post(t, p, path, url.Values{"token": {"x"}}, authNone); st != 401 || body["error"] != "invalid_client" {
				t.Errorf("%s without client auth: %d %v", path, st, body)
			}
		}
		if st, body := post(t, p, mockprovider.PathRevoke, url.Values{"token": {"unknown"}}, authBasic); st != 200 || body["status"] != "OK" {
			t.Errorf("revoke unknown token: %d %v", st, body)
		}
		st, _, body := get(t, p, mockprovider.PathUserInfo)
		if st != 401 || !strings.Contains(body, "invalid_token") {
			t.Errorf("userinfo without token: %d %s", st, body)
		}
	})
}

func TestKeyRotation(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	old := p.ActiveKeyID()
	tok1 := exchange(t, p, nil)
	kid, err := p.RotateKey("")
	if err != nil {
		t.Fatal(err)
	}
	if kid == old || p.ActiveKeyID() != kid || !slices.Equal(p.KeyIDs(), []string{old, kid}) {
		t.Fatalf("after rotate: active %q, keys %v", p.ActiveKeyID(), p.KeyIDs())
	}
	tok2 := exchange(t, p, nil)
	if k, _ := verifyIDToken(t, p, tok2["id_token"].(string)); k != kid {
		t.Fatalf("new token signed by %q, want %q", k, kid)
	}
	// Overlap: the old token still verifies.
	verifyIDToken(t, p, tok1["id_token"].(string))
	if err := p.RetireKey(kid); !errors.Is(err, mockprovider.ErrActiveKey) {
		t.Fatalf("retire active: %v", err)
	}
	if err := p.RetireKey("nope"); !errors.Is(err, mockprovider.ErrUnknownKey) {
		t.Fatalf("retire unknown: %v", err)
	}
	if err := p.RetireKey(old); err != nil {
		t.Fatal(err)
	}
	if set := jwks(t, p); len(set.Keys) != 1 || set.Keys[0].KeyID != kid || set.Keys[0].Algorithm != "ES256" || set.Keys[0].Use != "sig" {
		t.Fatalf("jwks after retire: %+v", set.Keys)
	}
	if _, err := p.RotateKey("HS256"); !errors.Is(err, mockprovider.ErrUnknownAlg) {
		t.Fatalf("rotate HS256: %v", err)
	}
}

func TestRequestLog(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	exchange(t, p, url.Values{"login_hint": {mockprovider.DefaultCitizens()[2].PID}})
	q := authorize(t, p, url.Values{"nonce": {""}, "code_challenge": {""}, "code_challenge_method": {""}, "scope": {"pid"}})
	post(t, p, mockprovider.PathToken, url.Values{"grant_type": {"authorization_code"}, "code": {q.Get("code")}, "redirect_uri": {testRedirect}}, authPost, "x-imauth-apikey", "k")
	auth := p.RequestsTo(mockprovider.EndpointAuthorize)
	tok := p.RequestsTo(mockprovider.EndpointToken)
	if len(auth) != 2 || len(tok) != 2 {
		t.Fatalf("log: %d authorize, %d token", len(auth), len(tok))
	}
	if a := auth[0]; !a.PKCE || a.CodeChallengeMethod != "S256" || a.Nonce != testNonce || !a.LoginHint || a.State != testState ||
		!slices.Equal(a.Scopes, []string{"openid", "pid", "name"}) || a.Status != http.StatusFound || a.ClientID != mockprovider.DemoClientID {
		t.Errorf("authorize record %+v", a)
	}
	if a := auth[1]; a.PKCE || a.Nonce != "" || a.LoginHint {
		t.Errorf("second authorize record %+v", a)
	}
	if r := tok[0]; r.AuthStyle != "basic" || !r.PKCE || r.GrantType != "authorization_code" || r.APIKey || r.Status != 200 {
		t.Errorf("token record %+v", r)
	}
	if r := tok[1]; r.AuthStyle != "post" || r.PKCE || !r.APIKey || r.ClientID != mockprovider.DemoClientID {
		t.Errorf("second token record %+v", r)
	}
	p.ResetRequests()
	if len(p.Requests()) != 0 {
		t.Fatal("ResetRequests")
	}
}

func TestCodeReuseRevokesTokens(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	code := authorize(t, p, nil).Get("code")
	st, tok := redeem(t, p, code)
	if st != 200 {
		t.Fatalf("first use: %d", st)
	}
	if st, body := redeem(t, p, code); st != 400 || body["error"] != "invalid_request" {
		t.Fatalf("second use: %d %v", st, body)
	}
	for _, k := range []string{"access_token", "refresh_token"} {
		if _, in := post(t, p, mockprovider.PathIntrospect, url.Values{"token": {"Bearer " + tok[k].(string)}}, authBasic); in["active"] != false {
			t.Errorf("%s still active after code reuse: %v", k, in)
		}
	}
}
