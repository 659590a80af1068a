package main

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// TestLoginReportsEveryVariant logs in (auto-approve) against each variant the
// mock serves and checks that the report names what was on the wire.
func TestLoginReportsEveryVariant(t *testing.T) {
	tests := []struct {
		name   string
		opts   mockprovider.Options
		scopes string
		// want
		alg, expiryField, expiryForm, source, address, ial string
		flatBeside, verified                               bool
	}{
		{name: "ES256 expires_in id_token", opts: mockprovider.Options{Alg: "ES256"},
			alg: "ES256", expiryField: "expires_in", expiryForm: "absolute", source: "id_token", verified: true},
		{name: "RS256 expires_in id_token", opts: mockprovider.Options{Alg: "RS256"},
			alg: "RS256", expiryField: "expires_in", expiryForm: "absolute", source: "id_token", verified: true},
		{name: "ES256 relative expires_in", opts: mockprovider.Options{ExpiryStyle: mockprovider.ExpiryRelative},
			alg: "ES256", expiryField: "expires_in", expiryForm: "relative", source: "id_token", verified: true},
		{name: "ES256 expire_in id_token", opts: mockprovider.Options{ExpiryStyle: mockprovider.ExpiryAbsolute},
			alg: "ES256", expiryField: "expire_in", expiryForm: "absolute", source: "id_token", verified: true},
		{name: "RS256 expire_in id_token", opts: mockprovider.Options{Alg: "RS256", ExpiryStyle: mockprovider.ExpiryAbsolute},
			alg: "RS256", expiryField: "expire_in", expiryForm: "absolute", source: "id_token", verified: true},
		{name: "flat claims expires_in", opts: mockprovider.Options{}, scopes: "pid name",
			expiryField: "expires_in", expiryForm: "absolute", source: "flat"},
		{name: "flat claims relative expires_in", opts: mockprovider.Options{ExpiryStyle: mockprovider.ExpiryRelative}, scopes: "pid name",
			expiryField: "expires_in", expiryForm: "relative", source: "flat"},
		{name: "flat claims expire_in", opts: mockprovider.Options{ExpiryStyle: mockprovider.ExpiryAbsolute}, scopes: "pid,name",
			expiryField: "expire_in", expiryForm: "absolute", source: "flat"},
		{name: "flat claims beside id_token", opts: mockprovider.Options{FlatClaimsWithOpenID: true},
			alg: "ES256", expiryField: "expires_in", expiryForm: "absolute", source: "id_token", flatBeside: true, verified: true},
		{name: "address object, ial number", opts: mockprovider.Options{IALAsNumber: true},
			scopes: "openid pid address ial", alg: "ES256", expiryField: "expires_in", expiryForm: "absolute", source: "id_token",
			address: "object", ial: "number", verified: true},
		{name: "address string, ial string", opts: mockprovider.Options{AddressStyle: mockprovider.AddressString}, scopes: "openid pid address ial",
			alg: "ES256", expiryField: "expires_in", expiryForm: "absolute", source: "id_token",
			address: "string", ial: "string", verified: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			opts.AutoApprove = true
			p := mockprovider.Start(t, opts)
			extra := []string{"-json"}
			if tc.scopes != "" {
				extra = append(extra, "-scopes", tc.scopes)
			}
			l := startLogin(t, loginArgs(p, freeRedirect(t), extra...)...)
			if l.openURL == "" {
				r := l.wait(t)
				t.Fatalf("no open: line; exit %d, stderr:\n%s", r.code, r.stderr)
			}
			page := "Login verified"
			wantCode := exitOK
			if !tc.verified {
				page, wantCode = "claims NOT verified", exitFail
			}
			if code, body := get(t, l.openURL); code != http.StatusOK || !strings.Contains(body, page) {
				t.Errorf("callback page: %d %s", code, body)
			}
			r := l.wait(t)
			if r.code != wantCode {
				t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, wantCode, r.stderr)
			}
			noFullPID(t, "stdout", r.stdout)
			noFullPID(t, "stderr", r.stderr)
			m := loginJSONOf(t, r)
			if wantReason := map[bool]any{true: nil, false: "not_verified"}[tc.verified]; field(m, "reason") != wantReason {
				t.Errorf("reason %v, want %v", field(m, "reason"), wantReason)
			}
			checks := []struct {
				path []string
				want any
			}{
				{[]string{"verified"}, tc.verified},
				{[]string{"pid"}, thaid.MaskPID(pidThanawat)},
				{[]string{"claims", "pid"}, thaid.MaskPID(pidThanawat)},
				{[]string{"provider", "id_token_alg"}, tc.alg},
				{[]string{"provider", "expiry_field"}, tc.expiryField},
				{[]string{"provider", "expiry_form"}, tc.expiryForm},
				{[]string{"provider", "claims_source"}, tc.source},
				{[]string{"provider", "flat_claims_beside_id_token"}, tc.flatBeside},
				{[]string{"provider", "client_auth"}, "basic"},
				{[]string{"config", "ClientID"}, mockprovider.DemoClientID},
				{[]string{"config", "AuthStyle"}, "basic"},
				{[]string{"config", "Provider", "Issuer"}, p.Issuer()},
				{[]string{"config", "NonceOptional"}, false},
				{[]string{"provider", "address_form"}, tc.address},
				{[]string{"provider", "ial_type"}, tc.ial},
			}
			for _, c := range checks {
				got := field(m, c.path...)
				if got == nil && c.want == "" { // a member left out (omitempty) is ""
					continue
				}
				if got != c.want {
					t.Errorf("%s = %v, want %v", strings.Join(c.path, "."), got, c.want)
				}
			}
			wantScopes := strings.FieldsFunc(tc.scopes, func(r rune) bool { return r == ' ' || r == ',' })
			if tc.scopes == "" {
				wantScopes = thaid.DefaultScopes
			}
			if got := stringList(field(m, "provider", "scopes_granted")); !slices.Equal(got, wantScopes) {
				t.Errorf("scopes_granted = %q, want %q", got, wantScopes)
			}
			if got := stringList(field(m, "config", "Scopes")); !slices.Equal(got, wantScopes) {
				t.Errorf("config.Scopes = %q, want %q", got, wantScopes)
			}
			if got := stringList(field(m, "config", "Provider", "SigningAlgs")); tc.alg != "" && !slices.Equal(got, []string{tc.alg}) {
				t.Errorf("config.Provider.SigningAlgs = %q, want [%q]", got, tc.alg)
			}
			if tc.source == "id_token" {
				if got := field(m, "provider", "id_token_kid"); got != p.ActiveKeyID() {
					t.Errorf("id_token_kid = %v, want %s", got, p.ActiveKeyID())
				}
				if got := field(m, "provider", "nonce_echoed"); got != true {
					t.Errorf("nonce_echoed = %v", got)
				}
			}
			// what the mock saw agrees: one code exchange with Basic auth and PKCE
			toks := p.RequestsTo(mockprovider.EndpointToken)
			if len(toks) != 1 || toks[0].AuthStyle != "basic" || !toks[0].PKCE {
				t.Errorf("token requests at the mock: %+v", toks)
			}
		})
	}
}

// TestLoginQRApprove drives the QR page: the test is the browser and the phone.
func TestLoginQRApprove(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{})
	l := startLogin(t, loginArgs(p, freeRedirect(t), "-json")...)
	if l.openURL == "" {
		t.Fatalf("no open: line: %+v", l.wait(t))
	}
	code := qrDecide(t, p, l.openURL, func(ref string) error { return p.Approve(ref, pidPimchanok) })
	if code != http.StatusOK {
		t.Errorf("callback page status %d", code)
	}
	r := l.wait(t)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	noFullPID(t, "stdout", r.stdout)
	m := loginJSONOf(t, r)
	if got := field(m, "pid"); got != "2-1005-xxxxx-32-2" {
		t.Errorf("pid = %v, want the masked PID of the citizen who approved", got)
	}
	if field(m, "verified") != true {
		t.Errorf("verified = %v", field(m, "verified"))
	}
}

// TestLoginJSONWithoutPIDScope: the JSON of a completed login always has its pid field, "" when
// the pid scope was not asked.
func TestLoginJSONWithoutPIDScope(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	_, m := loginAgainst(t, p, "-scopes", "openid name")
	if pid, ok := m["pid"]; !ok || pid != "" {
		t.Errorf("pid = %#v (present %v), want \"\"", pid, ok)
	}
	if _, ok := m["claims"].(map[string]any); !ok || field(m, "provider", "claims_source") != "id_token" {
		t.Errorf("claims %v, claims_source %v", m["claims"], field(m, "provider", "claims_source"))
	}
}

// TestLoginWrongStateKeepsWaiting: a request to the callback without this login's state (a
// web page's <img src=http://127.0.0.1:PORT/callback>, another local process, an old tab) is
// answered 400 and does not end the login, which still completes with the right callback.
func TestLoginWrongStateKeepsWaiting(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	redirect := freeRedirect(t)
	l := startLogin(t, loginArgs(p, redirect, "-json")...)
	for _, q := range []string{
		"",                                  // no state, no code
		"?code=abc",                         // no state
		"?code=abc&state=forged",            // a wrong state
		"?error=access_denied&state=forged", // a wrong state with an error
		"?error=access_denied",              // an error without state
		"?code=abc&state=" + strings.Repeat("x", 43), // a state of the right length
	} {
		code, body := get(t, redirect+q)
		if code != http.StatusBadRequest || !strings.Contains(body, "state") {
			t.Errorf("callback%s: %d %q, want 400 saying why", q, code, body)
		}
	}
	if code, body := get(t, l.openURL); code != http.StatusOK || !strings.Contains(body, "Login verified") {
		t.Errorf("the real callback: %d %s", code, body)
	}
	r := l.wait(t)
	if r.code != exitOK {
		t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, exitOK, r.stderr)
	}
	if !strings.Contains(r.stderr, "refused a callback") {
		t.Errorf("stderr does not say a callback was refused:\n%s", r.stderr)
	}
	if field(loginJSONOf(t, r), "verified") != true {
		t.Errorf("not verified: %s", r.stdout)
	}
	if toks := p.RequestsTo(mockprovider.EndpointToken); len(toks) != 1 {
		t.Errorf("%d token requests, want 1: the forged callbacks must not reach the provider", len(toks))
	}
}

// TestLoginShowPID prints the PID in full only when asked.
func TestLoginShowPID(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	_, m := loginAgainst(t, p, "-show-pid")
	if field(m, "pid") != pidThanawat || field(m, "claims", "pid") != pidThanawat {
		t.Errorf("with -show-pid: pid %v, claims.pid %v", field(m, "pid"), field(m, "claims", "pid"))
	}
}

// TestLoginText checks the text report: the identity, the provider report and
// the Go configuration, and no full PID.
func TestLoginText(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true, Alg: "RS256", ExpiryStyle: mockprovider.ExpiryAbsolute})
	r := approvedLogin(t, loginArgs(p, freeRedirect(t), "-auth-style", "post")...)
	noFullPID(t, "stdout", r.stdout)
	for _, want := range []string{
		"Login verified",
		"1-5099-xxxxx-82-8 (masked",
		"นาย ธนวัฒน์ สุขสวัสดิ์",
		"id_token_alg                 RS256",
		"expiry_field                 expire_in = ",
		"(absolute)",
		"claims_source                id_token",
		"client authentication        post (accepted)",
		`Provider:     thaid.Provider{Issuer: "` + p.Issuer() + `", SigningAlgs: []string{"RS256"}}, // endpoints by discovery`,
		"AuthStyle:    thaid.AuthStylePost,",
		`ClientSecret: thaid.Secret(os.Getenv("THAID_CLIENT_SECRET")),`,
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, mockprovider.DemoClientSecret) {
		t.Error("stdout shows the client secret")
	}
	if toks := p.RequestsTo(mockprovider.EndpointToken); len(toks) != 1 || toks[0].AuthStyle != "post" {
		t.Errorf("token requests: %+v", toks)
	}
}

// TestLoginSecretFromEnvironment takes the secret from THAID_CLIENT_SECRET.
func TestLoginSecretFromEnvironment(t *testing.T) {
	t.Setenv("THAID_CLIENT_SECRET", "s3cret")
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true, Clients: []mockprovider.RelyingParty{
		{ID: "agency", Secret: "s3cret", AllowAnyRedirectURI: true}}})
	approvedLogin(t, "-issuer", p.Issuer(), "-client-id", "agency", "-redirect-url", freeRedirect(t), "-no-browser", "-json")
}

// TestLoginMissingNonce: a provider that does not echo the nonce is reported,
// and the fitting config says NonceOptional.
func TestLoginMissingNonce(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	p.QueueTokenFault(mockprovider.TokenMissingNonce)
	_, m := loginAgainst(t, p)
	if field(m, "provider", "nonce_echoed") != false || field(m, "config", "NonceOptional") != true {
		t.Errorf("nonce_echoed %v, NonceOptional %v", field(m, "provider", "nonce_echoed"), field(m, "config", "NonceOptional"))
	}
}

// TestLoginFailures: each way a login can fail ends with exit 1, a clear
// message on stderr and the reason in the JSON.
func TestLoginFailures(t *testing.T) {
	t.Run("refused on the phone", func(t *testing.T) {
		p := mockprovider.Start(t, mockprovider.Options{})
		l := startLogin(t, loginArgs(p, freeRedirect(t), "-json")...)
		if code := qrDecide(t, p, l.openURL, p.Deny); code != http.StatusBadRequest {
			t.Errorf("callback page status %d, want 400", code)
		}
		wantFailure(t, l.wait(t), "denied", "refused the request in the ThaID app")
	})
	t.Run("a forged callback, then the timeout", func(t *testing.T) {
		p := mockprovider.Start(t, mockprovider.Options{})
		redirect := freeRedirect(t)
		l := startLogin(t, append(loginArgs(p, redirect, "-json"), "-timeout", "3s")...)
		if code, _ := get(t, redirect+"?code=abc&state=forged"); code != http.StatusBadRequest {
			t.Errorf("forged callback answered %d, want 400", code)
		}
		wantFailure(t, l.wait(t), "timeout", "1 callback with a wrong or missing state was refused")
	})
	t.Run("timeout", func(t *testing.T) {
		p := mockprovider.Start(t, mockprovider.Options{})
		l := startLogin(t, append(loginArgs(p, freeRedirect(t), "-json"), "-timeout", "200ms")...)
		wantFailure(t, l.wait(t), "timeout", "timed out after 200ms")
	})
	t.Run("bad client secret", func(t *testing.T) {
		p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
		args := loginArgs(p, freeRedirect(t), "-json")
		args[slices.Index(args, mockprovider.DemoClientSecret)] = "wrong"
		r := browseLogin(t, args...)
		wantFailure(t, r, "invalid_client", "bad client credentials")
		if got := field(loginJSONOf(t, r), "provider", "token_status"); got != 401.0 {
			t.Errorf("provider.token_status = %v, want 401", got)
		}
	})
	t.Run("redirect URL not registered, the manual's page", func(t *testing.T) {
		p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true, AuthorizeErrors: mockprovider.AuthorizeErrorsRedirect, Clients: []mockprovider.RelyingParty{
			{ID: "agency", Secret: "s", RedirectURIs: []string{"http://127.0.0.1:1/registered"}}}})
		r := refusedLogin(t, "-issuer", p.Issuer(), "-client-id", "agency", "-client-secret", "s",
			"-redirect-url", freeRedirect(t), "-no-browser", "-json")
		wantFailure(t, r, "redirect_not_registered", "is not registered for client ID")
	})
	t.Run("Bad data request page with status 200", func(t *testing.T) {
		p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
		p.QueueFault(mockprovider.EndpointAuthorize, mockprovider.Fault{Status: http.StatusOK, ContentType: "text/html",
			Body: "<html><body><p>ข้อมูลคำขอไม่ถูกต้อง (Bad data request)</p></body></html>"})
		r := refusedLogin(t, loginArgs(p, freeRedirect(t), "-json")...)
		wantFailure(t, r, "redirect_not_registered", `HTTP 200 with its "Bad data request" page`)
	})
	for _, style := range []mockprovider.AuthorizeErrorStyle{mockprovider.AuthorizeErrorsJSON, mockprovider.AuthorizeErrorsRedirect} {
		t.Run("scopes not granted, errors as "+string(style), func(t *testing.T) {
			p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true, AuthorizeErrors: style, Clients: []mockprovider.RelyingParty{
				{ID: "agency", Secret: "s", AllowAnyRedirectURI: true, Scopes: []string{"openid", "pid", "name"}}}})
			r := refusedLogin(t, "-issuer", p.Issuer(), "-client-id", "agency", "-client-secret", "s",
				"-redirect-url", freeRedirect(t), "-no-browser", "-json", "-scopes", "openid pid address name gender")
			wantFailure(t, r, "scope_not_granted", `client ID "agency" is not granted the scope(s) address gender (the provider said: invalid_scope`)
			if !strings.Contains(r.stderr, "granted: openid pid name") {
				t.Errorf("stderr does not name the granted scopes:\n%s", r.stderr)
			}
			if got := stringList(field(loginJSONOf(t, r), "scopes_not_granted")); !slices.Equal(got, []string{"address", "gender"}) {
				t.Errorf("scopes_not_granted = %q", got)
			}
		})
	}
	t.Run("unknown client ID", func(t *testing.T) {
		p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
		args := loginArgs(p, freeRedirect(t), "-json")
		args[slices.Index(args, mockprovider.DemoClientID)] = "nobody"
		r := refusedLogin(t, args...)
		wantFailure(t, r, "unknown_client", `the provider does not know the client ID "nobody" (the provider said: unauthorized_client`)
	})
	t.Run("redirect URL not registered, the sandbox's JSON answer", func(t *testing.T) {
		p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true, Clients: []mockprovider.RelyingParty{
			{ID: "agency", Secret: "s", RedirectURIs: []string{"http://127.0.0.1:1/registered"}}}})
		r := refusedLogin(t, "-issuer", p.Issuer(), "-client-id", "agency", "-client-secret", "s",
			"-redirect-url", freeRedirect(t), "-no-browser", "-json")
		wantFailure(t, r, "redirect_not_registered", "(HTTP 400 (the provider said: invalid_request: The redirect or callback url mismatch))")
	})
	t.Run("other refusal: the provider's own error", func(t *testing.T) {
		p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
		p.QueueFault(mockprovider.EndpointAuthorize, mockprovider.Fault{Status: http.StatusBadRequest, Error: "duplicate_request", Description: "try again later"})
		r := refusedLogin(t, loginArgs(p, freeRedirect(t), "-json")...)
		wantFailure(t, r, "provider_error", "the provider refused the authorization request: duplicate_request: try again later")
	})
	t.Run("provider error quoting a PID", func(t *testing.T) {
		p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
		p.QueueFault(mockprovider.EndpointAuthorize, mockprovider.Fault{Error: "invalid_request",
			Description: "citizen " + pidThanawat + " is not allowed"})
		r := refusedLogin(t, loginArgs(p, freeRedirect(t), "-json", "-show-pid")...)
		wantFailure(t, r, "provider_error", "citizen 1-5099-xxxxx-82-8 is not allowed")
	})
	t.Run("bad ID token signature", func(t *testing.T) {
		p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true, Alg: "RS256"})
		p.QueueTokenFault(mockprovider.TokenBadSignature)
		r := browseLogin(t, loginArgs(p, freeRedirect(t), "-json")...)
		wantFailure(t, r, "invalid_id_token", "did not verify")
		// the report still tells what came
		if got := field(loginJSONOf(t, r), "provider", "id_token_alg"); got != "RS256" {
			t.Errorf("provider.id_token_alg = %v", got)
		}
	})
	t.Run("profile cannot be written", func(t *testing.T) {
		p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
		r := browseLogin(t, loginArgs(p, freeRedirect(t), "-json", "-profile", "/nonexistent/dir/provider.json")...)
		wantFailure(t, r, "profile", "cannot write the profile")
	})
	t.Run("token endpoint down", func(t *testing.T) {
		p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
		p.QueueFault(mockprovider.EndpointToken, mockprovider.Fault{Status: http.StatusBadGateway})
		r := browseLogin(t, loginArgs(p, freeRedirect(t), "-json")...)
		wantFailure(t, r, "provider_unavailable", "unavailable")
	})
}

func wantFailure(t *testing.T, r cmdResult, reason, msg string) {
	t.Helper()
	if r.code != exitFail {
		t.Errorf("exit %d, want %d; stderr:\n%s", r.code, exitFail, r.stderr)
	}
	if !strings.Contains(r.stderr, msg) {
		t.Errorf("stderr lacks %q:\n%s", msg, r.stderr)
	}
	m := loginJSONOf(t, r)
	if field(m, "reason") != reason || field(m, "verified") != false {
		t.Errorf("reason %v verified %v, want %s false", field(m, "reason"), field(m, "verified"), reason)
	}
	noFullPID(t, "stdout", r.stdout)
	noFullPID(t, "stderr", r.stderr)
}

// TestLoginBadInput: a wrong command line gets a clear message and a non-zero
// exit, before anything listens or is sent.
func TestLoginBadInput(t *testing.T) {
	t.Setenv("THAID_CLIENT_SECRET", "")
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	ok := loginArgs(p, freeRedirect(t))
	with := func(name, value string) []string {
		args := slices.Clone(ok)
		i := slices.Index(args, name)
		if i < 0 {
			return append(args, name, value)
		}
		if value == "" {
			return slices.Delete(args, i, i+2)
		}
		args[i+1] = value
		return args
	}
	// a closed port: nothing answers there
	dead := freeRedirect(t)
	deadIssuer := strings.TrimSuffix(dead, "/callback")
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no issuer", with("-issuer", ""), exitUsage, "-issuer is required"},
		{"issuer not a URL", with("-issuer", "imauth.bora"), exitUsage, "neither production, sandbox nor an absolute http(s) URL"},
		{"wrong issuer: nothing there", with("-issuer", deadIssuer), exitFail, "cannot use the provider at " + deadIssuer},
		{"wrong issuer: no discovery", with("-issuer", p.Issuer()+"/other"), exitFail, "cannot use the provider at " + p.Issuer() + "/other"},
		{"no client ID", with("-client-id", ""), exitUsage, "-client-id is required"},
		{"missing secret", with("-client-secret", ""), exitUsage, "no client secret: set the environment variable THAID_CLIENT_SECRET"},
		{"no redirect URL", with("-redirect-url", ""), exitUsage, "-redirect-url is required"},
		{"non-loopback redirect", with("-redirect-url", "http://school.example.go.th/callback"), exitUsage, `host "school.example.go.th" is not loopback`},
		{"non-loopback IP", with("-redirect-url", "http://192.0.2.1:8080/callback"), exitUsage, "is not loopback"},
		{"https redirect", with("-redirect-url", "https://127.0.0.1:8443/callback"), exitUsage, "serves plain http"},
		{"relative redirect", with("-redirect-url", "/callback"), exitUsage, "not an absolute http URL"},
		{"bad auth style", with("-auth-style", "jwt"), exitUsage, `-auth-style "jwt"`},
		{"empty scopes", with("-scopes", " , "), exitUsage, "-scopes is empty"},
		{"zero timeout", with("-timeout", "0s"), exitUsage, "-timeout must be positive"},
		{"bad timeout", with("-timeout", "soon"), exitUsage, "invalid value"},
		{"unknown flag", append(slices.Clone(ok), "-verbose"), exitUsage, "flag provided but not defined"},
		{"stray argument", append(slices.Clone(ok), "extra"), exitUsage, "unexpected arguments"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runCmd(t, "", append([]string{"login"}, tc.args...)...)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", r.code, tc.code, r.stderr)
			}
			if !strings.Contains(r.stderr, tc.msg) {
				t.Errorf("stderr lacks %q:\n%s", tc.msg, r.stderr)
			}
			if strings.Contains(r.stderr, "open: ") {
				t.Errorf("printed an open: line:\n%s", r.stderr)
			}
		})
	}
}

// TestLoginPortInUse: the redirect URL's port is taken.
func TestLoginPortInUse(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	u, _ := url.Parse(p.Issuer()) // the mock's own port is busy
	r := runCmd(t, "", append([]string{"login"}, loginArgs(p, "http://"+u.Host+"/callback")...)...)
	if r.code != exitFail || !strings.Contains(r.stderr, "cannot listen on the redirect URL's address") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

func TestParseRedirectLoopbackHosts(t *testing.T) {
	for _, s := range []string{"http://127.0.0.1:8080/cb", "http://localhost:8080/cb", "http://LOCALHOST:1/", "http://[::1]:8080/cb", "http://127.1.2.3:9/x"} {
		if _, err := parseRedirect(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	for _, s := range []string{"http://localhost.example.com/cb", "http://0.0.0.0:8080/cb", "http://[::]:8080/", "http://10.0.0.1/"} {
		if _, err := parseRedirect(s); err == nil {
			t.Errorf("%s accepted", s)
		}
	}
}

// TestLoginLocalhost: a localhost redirect URL is served (on 127.0.0.1, and [::1] when available).
func TestLoginLocalhost(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	redirect := strings.Replace(freeRedirect(t), "127.0.0.1", "localhost", 1)
	l := startLogin(t, loginArgs(p, redirect, "-json")...)
	if code, _ := get(t, l.openURL); code != http.StatusOK {
		t.Errorf("callback page %d", code)
	}
	if r := l.wait(t); r.code != exitOK {
		t.Errorf("exit %d: %s", r.code, r.stderr)
	}
}

// TestLoginTextFlat: flat claims are said to be unverified, and openid is suggested.
func TestLoginTextFlat(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	r := browseLogin(t, loginArgs(p, freeRedirect(t), "-scopes", "pid name")...)
	if r.code != exitFail || !strings.Contains(r.stderr, `ask for the "openid" scope`) {
		t.Fatalf("exit %d, want %d with a hint to ask for openid; stderr: %s", r.code, exitFail, r.stderr)
	}
	for _, want := range []string{"claims NOT verified", "claims_source                flat", `// add "openid" for claims in a signed ID token`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	noFullPID(t, "stdout", r.stdout)
}
