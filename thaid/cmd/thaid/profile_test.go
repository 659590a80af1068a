package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// TestLoginReportsProviderForms: the report and -json say whether sub is the PID, how refused
// authorization requests are answered, the token forms introspection and revocation accept
// (probed), the token lifetimes, and the discovery members that are non-standard or missing.
func TestLoginReportsProviderForms(t *testing.T) {
	legacy, err := mockprovider.BuiltinProfile(mockprovider.LegacyProfileName)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		opts   mockprovider.Options
		scopes string
		want   map[string]any
		config map[string]any
	}{
		{"default: the recorded sandbox", mockprovider.Options{}, "", map[string]any{
			"sub_is_pid": "yes", "authorize_errors": "json", "introspection_token_form": "bearer", "revocation_token_form": "bare",
			"discovery_nonstandard": []string{"subject_type_supported"},
			"discovery_missing":     []string{"subject_types_supported", "claims_supported", "code_challenge_methods_supported"},
			"access_token_seconds":  900.0, "id_token_seconds": 900.0, "refresh_token_seconds": 900.0,
		}, map[string]any{"IntrospectTokenForm": "bearer", "RevokeTokenForm": "bare"}},
		{"without the pid scope", mockprovider.Options{}, "openid name", map[string]any{"sub_is_pid": "likely"}, nil},
		{"legacy mock", mockprovider.Options{Profile: legacy}, "", map[string]any{
			"sub_is_pid": "no", "authorize_errors": "redirect", "introspection_token_form": "either", "revocation_token_form": "either",
			"discovery_nonstandard": nil, "discovery_missing": nil, "refresh_token_seconds": 86400.0, "access_token_seconds": 900.0,
		}, map[string]any{"IntrospectTokenForm": "bearer", "RevokeTokenForm": "bare"}},
		{"the other token forms", mockprovider.Options{IntrospectTokenForm: mockprovider.TokenFormBare, RevokeTokenForm: mockprovider.TokenFormBearer},
			"", map[string]any{"introspection_token_form": "bare", "revocation_token_form": "bearer"},
			map[string]any{"IntrospectTokenForm": "bare", "RevokeTokenForm": "bearer"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			opts.AutoApprove = true
			p := mockprovider.Start(t, opts)
			var extra []string
			if tc.scopes != "" {
				extra = []string{"-scopes", tc.scopes}
			}
			r, m := loginAgainst(t, p, extra...)
			for k, want := range tc.want {
				got := field(m, "provider", k)
				if ws, ok := want.([]string); ok || want == nil {
					if gs := stringList(got); !slices.Equal(gs, ws) { // nil and empty are equal
						t.Errorf("provider.%s = %q, want %q", k, gs, ws)
					}
					continue
				}
				if got != want {
					t.Errorf("provider.%s = %v, want %v", k, got, want)
				}
			}
			for k, want := range tc.config {
				if got := field(m, "config", k); got != want {
					t.Errorf("config.%s = %v, want %v", k, got, want)
				}
			}
			noFullPID(t, "stdout", r.stdout)
			// The probe leaves no token of the login alive.
			if len(p.RequestsTo(mockprovider.EndpointRevoke)) == 0 {
				t.Error("no token was revoked")
			}
		})
	}
}

// TestLoginTextReportsProviderForms: the same facts in the text report, and the fitting config
// names a token form that differs from the SDK's default.
func TestLoginTextReportsProviderForms(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true, IntrospectTokenForm: mockprovider.TokenFormBare})
	r := approvedLogin(t, loginArgs(p, freeRedirect(t))...)
	for _, want := range []string{
		"sub is the PID               yes: sub equals the pid claim, so sub is personal data (masked here)",
		"discovery non-standard       subject_type_supported",
		"discovery missing            subject_types_supported claims_supported code_challenge_methods_supported",
		"authorize refusals           json (answered at once, never redirected)",
		"introspection takes          token=<t> (bare)",
		"revocation takes             token=<t> (bare)",
		"token lifetimes              access 15m0s, id 15m0s, refresh 15m0s",
		"expiry_field                 expires_in = ",
		"IntrospectTokenForm: thaid.TokenFormBare,",
		`claim sub                    "1-5099-xxxxx-82-8"`,
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	noFullPID(t, "stdout", r.stdout)
}

// roundTripProfile is a provider unlike the default in every member the login observes.
const roundTripProfile = `{
  "profile": "thaid-provider/1",
  "discovery": {
    "members": ["issuer", "authorization_endpoint", "token_endpoint", "introspection_endpoint", "revocation_endpoint",
                "jwks_uri", "response_types_supported", "subject_types_supported", "id_token_signing_alg_values_supported",
                "code_challenge_methods_supported", "scopes_supported", "frobnicate_supported"],
    "values": {"frobnicate_supported": {"x": [1, 2]}, "scopes_supported": ["openid", "pid", "name", "address", "ial"]}
  },
  "authorize": {"errors": "redirect"},
  "token": {"expiry": "expire_in-absolute", "access_token_seconds": 600, "refresh_token_seconds": 3600, "flat_claims_with_openid": true},
  "id_token": {"alg": "RS256", "seconds": 300, "nonce": "absent", "at_hash": "absent"},
  "claims": {"sub": "opaque", "address": "string", "ial": "number"},
  "introspection": {"token": "bare"},
  "revocation": {"token": "bearer"}
}`

// TestLoginProfileRoundTrip: log in to a mock configured one way and write the profile; start
// a mock from that file (as thaid-mock -profile does) and log in again: the two reports say the
// same of the provider, and the second mock behaves as the first.
func TestLoginProfileRoundTrip(t *testing.T) {
	for _, tc := range []struct{ name, profile string }{
		{"default", ""},
		{"every member differs", roundTripProfile},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var opts mockprovider.Options
			if tc.profile != "" {
				pr, err := mockprovider.LoadProfile(strings.NewReader(tc.profile))
				if err != nil {
					t.Fatal(err)
				}
				opts.Profile = pr
			}
			opts.AutoApprove = true
			first := mockprovider.Start(t, opts)
			file := filepath.Join(t.TempDir(), "provider.json")
			scopes := []string{"-scopes", "openid pid name address ial"}
			r1, m1 := loginAgainst(t, first, append(scopes, "-profile", file)...)
			if !strings.Contains(r1.stderr, "profile written to "+file) {
				t.Errorf("stderr:\n%s", r1.stderr)
			}
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			written, err := mockprovider.LoadProfile(f)
			f.Close()
			if err != nil {
				t.Fatalf("the written profile does not load: %v", err)
			}
			second := mockprovider.Start(t, mockprovider.Options{AutoApprove: true, Profile: written})
			_, m2 := loginAgainst(t, second, scopes...)

			p1, p2 := m1["provider"].(map[string]any), m2["provider"].(map[string]any)
			for _, k := range []string{"issuer", "id_token_kid", "expiry_value"} { // differ by run
				delete(p1, k)
				delete(p2, k)
			}
			if !reflect.DeepEqual(p1, p2) {
				a, _ := json.MarshalIndent(p1, "", " ")
				b, _ := json.MarshalIndent(p2, "", " ")
				t.Errorf("the provider sections differ:\nfirst  %s\nsecond %s", a, b)
			}
			// The replaying mock behaves as the first in everything a profile holds (the login
			// cannot observe rotation and the code error form; both are the default here).
			e1, e2 := first.Profile(), second.Profile()
			for _, e := range []*mockprovider.Profile{&e1, &e2} {
				e.Source, e.Notes, e.Discovery.Values = "", nil, nil
				slices.Sort(e.Discovery.Members) // the mock serves its members in its own order
			}
			if !reflect.DeepEqual(e1, e2) {
				t.Errorf("effective profiles differ:\nfirst  %+v\nsecond %+v", e1, e2)
			}
			if d1, d2 := discoveryOf(t, first), discoveryOf(t, second); !reflect.DeepEqual(d1, d2) {
				t.Errorf("discovery documents differ:\nfirst  %v\nsecond %v", d1, d2)
			}
		})
	}
}

// discoveryOf fetches p's discovery document with p's own URL replaced by "ISSUER".
func discoveryOf(t *testing.T, p *mockprovider.Server) map[string]any {
	t.Helper()
	_, body := get(t, p.URL(mockprovider.PathDiscovery))
	var d map[string]any
	if err := json.Unmarshal([]byte(strings.ReplaceAll(body, p.Issuer(), "ISSUER")), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// teeWriter keeps a copy of what a handler answers.
type teeWriter struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (w *teeWriter) Write(b []byte) (int, error) { w.body.Write(b); return w.ResponseWriter.Write(b) }

// TestLoginProfileHasNoPersonalData: the profile holds shapes and forms only. Every value the
// mock sent during the login (tokens, code, state, nonce, at_hash, sub, PID, names, address,
// card data, client ID), the client secret and the citizen's record are looked for in it.
func TestLoginProfileHasNoPersonalData(t *testing.T) {
	var (
		mu   sync.Mutex
		sent []string
	)
	srv := httptest.NewUnstartedServer(nil)
	p, err := mockprovider.New(mockprovider.Options{Issuer: "http://" + srv.Listener.Addr().String(), AutoApprove: true})
	if err != nil {
		t.Fatal(err)
	}
	// Protocol words, not values of the login: the issuer (the profile names it as its source),
	// token_type, scope, version, and the probes' error texts and revocation answers.
	exempt := []string{"iss", "token_type", "scope", "version", "error", "error_description", "status", "message"}
	var collect func(k string, v any)
	collect = func(k string, v any) {
		switch x := v.(type) {
		case string:
			if slices.Contains(exempt, k) || len(x) < 4 {
				return
			}
			sent = append(sent, x)
			if k == "id_token" {
				parts := strings.Split(x, ".")
				b, _ := base64.RawURLEncoding.DecodeString(parts[1])
				var cl map[string]any
				_ = json.Unmarshal(b, &cl)
				for ck, cv := range cl {
					collect(ck, cv)
				}
			}
		case map[string]any:
			for ck, cv := range x {
				collect(ck, cv)
			}
		}
	}
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tw := &teeWriter{ResponseWriter: w}
		p.ServeHTTP(tw, r)
		mu.Lock()
		defer mu.Unlock()
		if loc, err := url.Parse(w.Header().Get("Location")); err == nil {
			for k, vs := range loc.Query() {
				for _, v := range vs {
					collect(k, v)
				}
			}
		}
		if strings.HasPrefix(r.URL.Path, mockprovider.PathDiscovery) || strings.HasPrefix(r.URL.Path, mockprovider.PathJWKS) {
			return // public documents, which the profile describes
		}
		var m map[string]any
		if json.Unmarshal(tw.body.Bytes(), &m) == nil {
			collect("", m)
		}
	})
	srv.Start()
	t.Cleanup(srv.Close)

	file := filepath.Join(t.TempDir(), "provider.json")
	scopes := strings.Join([]string{thaid.ScopeOpenID, thaid.ScopePID, thaid.ScopeName, thaid.ScopeNameEN, thaid.ScopeTitle,
		thaid.ScopeTitleEN, thaid.ScopeGivenName, thaid.ScopeMiddleName, thaid.ScopeFamilyName, thaid.ScopeGivenNameEN,
		thaid.ScopeMiddleNameEN, thaid.ScopeFamilyNameEN, thaid.ScopeBirthdate, thaid.ScopeGender, thaid.ScopeAddress,
		thaid.ScopeSmartcardCode, thaid.ScopeDateOfIssuance, thaid.ScopeDateOfExpiry, thaid.ScopeIAL}, " ")
	loginAgainst(t, p, "-scopes", scopes, "-profile", file)
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	profile := string(b)
	c := mockprovider.DefaultCitizens()[0]
	record := []string{c.PID, c.Name(), c.NameEN(), c.GivenName, c.FamilyName, c.GivenNameEN, c.FamilyNameEN, c.Address,
		c.Birthdate, c.SmartcardCode, c.DateOfIssuance, c.DateOfExpiry, c.Password, thaid.MaskPID(c.PID),
		mockprovider.DemoClientSecret, mockprovider.DemoClientID}
	record = append(record, slices.Collect(maps.Values(c.AddressDetail))...)
	mu.Lock()
	values := append(slices.Clone(sent), record...)
	mu.Unlock()
	if len(sent) < 20 {
		t.Fatalf("only %d values recorded: the scan would prove little", len(sent))
	}
	for _, v := range values {
		if len(v) >= 4 && strings.Contains(profile, v) {
			t.Errorf("the profile contains %q", thaid.MaskPID(v))
		}
	}
	if _, err := mockprovider.LoadProfile(bytes.NewReader(b)); err != nil {
		t.Errorf("the profile does not load: %v", err)
	}
}
