package mockprovider_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/mockprovider"
)

// TestDefaultProfileIsTheRecordedSandbox: the zero Options replay the embedded sandbox profile,
// and the exported default lifetimes are that profile's.
func TestDefaultProfileIsTheRecordedSandbox(t *testing.T) {
	def := mockprovider.DefaultProfile()
	want := mockprovider.Profile{
		Format:    mockprovider.ProfileFormat,
		Authorize: mockprovider.AuthorizeProfile{Errors: mockprovider.AuthorizeErrorsJSON},
		Token: mockprovider.TokenProfile{Expiry: mockprovider.ExpiresInAbsolute, AccessTokenSeconds: 900,
			RefreshTokenSeconds: 900, CodeError: "invalid_request"},
		IDToken:       mockprovider.IDTokenProfile{Alg: "ES256", Seconds: 900, Nonce: "echoed", AtHash: "present"},
		Claims:        mockprovider.ClaimsProfile{Sub: mockprovider.SubPID, Address: mockprovider.AddressObject, IAL: "string"},
		Introspection: mockprovider.TokenEndpointProfile{Token: mockprovider.TokenFormBearer},
		Revocation:    mockprovider.TokenEndpointProfile{Token: mockprovider.TokenFormBare},
	}
	got := *def
	got.Source, got.Notes, got.Discovery = "", nil, mockprovider.DiscoveryProfile{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("default profile\n%+v\nwant\n%+v", got, want)
	}
	if def.Source == "" || len(def.Notes) == 0 {
		t.Error("the default profile does not say where its facts come from")
	}
	for _, m := range []string{"subject_type_supported", "scopes_supported", "grant_types_supported"} {
		if !slices.Contains(def.Discovery.Members, m) {
			t.Errorf("discovery lacks %s", m)
		}
	}
	for _, m := range []string{"code_challenge_methods_supported", "claims_supported", "subject_types_supported"} {
		if slices.Contains(def.Discovery.Members, m) {
			t.Errorf("discovery has %s, which the sandbox does not", m)
		}
	}
	if d := time.Duration(def.Token.RefreshTokenSeconds) * time.Second; d != mockprovider.DefaultRefreshTokenTTL {
		t.Errorf("DefaultRefreshTokenTTL %v, profile %v", mockprovider.DefaultRefreshTokenTTL, d)
	}
	if d := time.Duration(def.Token.AccessTokenSeconds) * time.Second; d != mockprovider.DefaultAccessTokenTTL {
		t.Errorf("DefaultAccessTokenTTL %v, profile %v", mockprovider.DefaultAccessTokenTTL, d)
	}
	if d := time.Duration(def.IDToken.Seconds) * time.Second; d != mockprovider.DefaultIDTokenTTL {
		t.Errorf("DefaultIDTokenTTL %v, profile %v", mockprovider.DefaultIDTokenTTL, d)
	}
	p, err := mockprovider.New(mockprovider.Options{Issuer: "http://127.0.0.1:9"})
	if err != nil {
		t.Fatal(err)
	}
	if eff := p.Profile(); !reflect.DeepEqual(eff, *def) {
		t.Errorf("effective profile of zero Options\n%+v\nwant the default\n%+v", eff, *def)
	}
	if names := mockprovider.BuiltinProfileNames(); !slices.Equal(names, []string{mockprovider.LegacyProfileName, mockprovider.DefaultProfileName}) {
		t.Errorf("built-in profiles %q", names)
	}
}

// TestLoadProfileRefuses: a profile that is not exactly right is refused, with a message that
// names what is wrong; a typo never falls back to the default.
func TestLoadProfileRefuses(t *testing.T) {
	for _, tc := range []struct{ name, doc, msg string }{
		{"not JSON", `{`, "unexpected EOF"},
		{"no format", `{}`, `"profile" is ""`},
		{"other format", `{"profile": "thaid-provider/2"}`, `want "thaid-provider/1"`},
		{"typo in a member", `{"profile": "thaid-provider/1", "token": {"expirey": "expires_in-relative"}}`, `unknown field "expirey"`},
		{"unknown section", `{"profile": "thaid-provider/1", "userinfo": {}}`, `unknown field "userinfo"`},
		{"bad expiry", `{"profile": "thaid-provider/1", "token": {"expiry": "expires_in"}}`, "token.expiry is \"expires_in\""},
		{"bad sub", `{"profile": "thaid-provider/1", "claims": {"sub": "PID"}}`, "claims.sub"},
		{"bad alg", `{"profile": "thaid-provider/1", "id_token": {"alg": "HS256"}}`, "id_token.alg"},
		{"bad nonce", `{"profile": "thaid-provider/1", "id_token": {"nonce": "sometimes"}}`, "id_token.nonce"},
		{"bad token form", `{"profile": "thaid-provider/1", "introspection": {"token": "Bearer"}}`, "introspection.token"},
		{"bad authorize errors", `{"profile": "thaid-provider/1", "authorize": {"errors": "page"}}`, "authorize.errors"},
		{"bad code error", `{"profile": "thaid-provider/1", "token": {"code_error": "invalid_code"}}`, "token.code_error"},
		{"negative seconds", `{"profile": "thaid-provider/1", "token": {"refresh_token_seconds": -1}}`, "negative"},
		{"unknown member without value", `{"profile": "thaid-provider/1", "discovery": {"members": ["issuer", "frobnicate_supported"]}}`, "frobnicate_supported"},
		{"no members", `{"profile": "thaid-provider/1", "discovery": {"members": []}}`, "discovery.members is empty"},
		{"repeated member", `{"profile": "thaid-provider/1", "discovery": {"members": ["issuer", "issuer"]}}`, "repeated"},
		{"value not in members", `{"profile": "thaid-provider/1", "discovery": {"members": ["issuer"], "values": {"scopes_supported": []}}}`, "not in discovery.members"},
		{"value for a URL member", `{"profile": "thaid-provider/1", "discovery": {"members": ["token_endpoint"], "values": {"token_endpoint": "https://x"}}}`, "the mock's own value"},
		{"value for the algorithms", `{"profile": "thaid-provider/1", "discovery": {"members": ["id_token_signing_alg_values_supported"], "values": {"id_token_signing_alg_values_supported": ["HS256"]}}}`, "the mock's own value"},
		{"data after the object", `{"profile": "thaid-provider/1"} {}`, "data after the profile"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := mockprovider.LoadProfile(strings.NewReader(tc.doc))
			if !errors.Is(err, mockprovider.ErrInvalidProfile) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err %v, want ErrInvalidProfile saying %q", err, tc.msg)
			}
			// New refuses the same profile given in Options (when it decodes at all).
			var pr mockprovider.Profile
			if json.Unmarshal([]byte(tc.doc), &pr) == nil && !strings.Contains(tc.name, "typo") && !strings.Contains(tc.name, "section") && tc.name != "data after the object" {
				if _, err := mockprovider.New(mockprovider.Options{Issuer: "http://127.0.0.1:9", Profile: &pr}); !errors.Is(err, mockprovider.ErrInvalidProfile) {
					t.Errorf("New: %v, want ErrInvalidProfile", err)
				}
			}
		})
	}
	if _, err := mockprovider.BuiltinProfile("sandbox"); !errors.Is(err, mockprovider.ErrInvalidProfile) || !strings.Contains(err.Error(), mockprovider.DefaultProfileName) {
		t.Errorf("unknown built-in name: %v", err)
	}
}

// replayed is a profile in which every member differs from the default.
const replayed = `{
  "profile": "thaid-provider/1",
  "source": "a test",
  "discovery": {
    "members": ["issuer", "authorization_endpoint", "token_endpoint", "jwks_uri", "revocation_endpoint",
                "scopes_supported", "id_token_signing_alg_values_supported", "frobnicate_supported", "end_session_endpoint"],
    "values": {"scopes_supported": ["openid", "pid"], "frobnicate_supported": {"deep": [1, 2]}}
  },
  "authorize": {"errors": "redirect"},
  "token": {"expiry": "expire_in-absolute", "access_token_seconds": 600, "refresh_token_seconds": 3600,
            "rotate_refresh_tokens": true, "flat_claims_with_openid": true, "code_error": "invalid_grant"},
  "id_token": {"alg": "RS256", "seconds": 300, "nonce": "absent", "at_hash": "absent"},
  "claims": {"sub": "opaque", "address": "string", "ial": "number"},
  "introspection": {"token": "either"},
  "revocation": {"token": "bearer"}
}`

// TestProfileReplay: a server started from a profile does what each of its members says.
func TestProfileReplay(t *testing.T) {
	pr, err := mockprovider.LoadProfile(strings.NewReader(replayed))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 8, 16, 10, 0, 0, 0, time.UTC)
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true, Profile: pr, Now: func() time.Time { return now }})
	first := mockprovider.DefaultCitizens()[0]

	d := discovery(t, p)
	if len(d) != 9 || d["frobnicate_supported"] == nil || !slices.Equal(strs(d["scopes_supported"]), []string{"openid", "pid"}) ||
		!slices.Equal(strs(d["id_token_signing_alg_values_supported"]), []string{"RS256"}) || d["userinfo_endpoint"] != nil {
		t.Errorf("discovery %v", d)
	}
	if u, _ := d["end_session_endpoint"].(string); !strings.HasPrefix(u, p.Issuer()) {
		t.Errorf("end_session_endpoint %v", d["end_session_endpoint"])
	} else if st, _, _ := get(t, p, strings.TrimPrefix(u, p.Issuer())); st != http.StatusNotFound {
		t.Errorf("the announced end_session_endpoint answers %d, want 404", st)
	}
	if st, loc, _ := get(t, p, mockprovider.PathAuthorize+"?"+authParams(url.Values{"response_type": {"nonsense"}}).Encode()); st != http.StatusFound || !strings.Contains(loc, "error=unsupported_response_type") {
		t.Errorf("authorize errors: %d %q, want a redirect", st, loc)
	}
	tok := exchange(t, p, url.Values{"scope": {"openid pid address ial"}})
	if tok["expire_in"] != float64(now.Add(10*time.Minute).Unix()) || tok["expires_in"] != nil {
		t.Errorf("expiry: %v", tok)
	}
	if tok["pid"] != first.PID || tok["address"] != first.Address || tok["ial"] != 2.3 {
		t.Errorf("flat claims beside the id_token: pid %v address %v ial %v", tok["pid"], tok["address"], tok["ial"])
	}
	hdr, cl := decodeClaims(t, tok["id_token"].(string))
	if hdr["alg"] != "RS256" || cl["nonce"] != nil || cl["at_hash"] != nil ||
		cl["exp"].(float64)-cl["iat"].(float64) != 300 || cl["sub"] == first.PID || len(cl["sub"].(string)) != 13 {
		t.Errorf("id_token header %v claims %v", hdr, cl)
	}
	at, rt := tok["access_token"].(string), tok["refresh_token"].(string)
	for _, form := range []string{at, "Bearer " + at} {
		if st, in := post(t, p, mockprovider.PathIntrospect, url.Values{"token": {form}}, authBasic); st != 200 || in["active"] != true {
			t.Errorf("introspect %q: %d %v", form[:6], st, in)
		}
	}
	if st, in := post(t, p, mockprovider.PathIntrospect, url.Values{"token": {"Bearer " + rt}}, authBasic); in["exp"].(float64)-in["iat"].(float64) != 3600 {
		t.Errorf("refresh token lifetime: %d %v", st, in)
	}
	if st, rv := post(t, p, mockprovider.PathRevoke, url.Values{"token": {at}}, authBasic); st != 400 || rv["error"] != "invalid_request" {
		t.Errorf("revoke with a bare token: %d %v, want refused", st, rv)
	}
	// rotation, and the code error form
	st, nt := post(t, p, mockprovider.PathToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}, authBasic)
	if st != 200 || nt["refresh_token"] == nil || nt["refresh_token"] == rt {
		t.Errorf("refresh: %d %v, want a rotated refresh token", st, nt)
	}
	if st, e := post(t, p, mockprovider.PathToken, url.Values{"grant_type": {"authorization_code"}, "code": {"nope"},
		"redirect_uri": {testRedirect}}, authBasic); st != 400 || e["error"] != "invalid_grant" {
		t.Errorf("bad code: %d %v", st, e)
	}
}

// TestOptionsOverrideProfile: an Options field that is set wins over the profile.
func TestOptionsOverrideProfile(t *testing.T) {
	pr, err := mockprovider.LoadProfile(strings.NewReader(replayed))
	if err != nil {
		t.Fatal(err)
	}
	p, err := mockprovider.New(mockprovider.Options{Issuer: "http://127.0.0.1:9", Profile: pr,
		ExpiryStyle: mockprovider.ExpiryRelative, SubStyle: mockprovider.SubPID, Alg: "ES256",
		RevokeTokenForm: mockprovider.TokenFormBare, RefreshTokenTTL: time.Hour * 2})
	if err != nil {
		t.Fatal(err)
	}
	eff := p.Profile()
	if eff.Token.Expiry != mockprovider.ExpiryRelative || eff.Claims.Sub != mockprovider.SubPID || eff.IDToken.Alg != "ES256" ||
		eff.Revocation.Token != mockprovider.TokenFormBare || eff.Token.RefreshTokenSeconds != 7200 {
		t.Errorf("overrides not applied: %+v", eff)
	}
	// the rest is the profile's
	if eff.Claims.Address != mockprovider.AddressString || eff.IDToken.Nonce != "absent" || eff.Introspection.Token != mockprovider.TokenFormEither {
		t.Errorf("profile members lost: %+v", eff)
	}
	for _, o := range []mockprovider.Options{{ExpiryStyle: "expires_in"}, {SubStyle: "none"}, {AuthorizeErrors: "html"},
		{IntrospectTokenForm: "Bearer"}, {RevokeTokenForm: "x"}, {AddressStyle: "list"}} {
		o.Issuer = "http://127.0.0.1:9"
		if _, err := mockprovider.New(o); !errors.Is(err, mockprovider.ErrInvalidOptions) {
			t.Errorf("%+v: %v, want ErrInvalidOptions", o, err)
		}
	}
}

// TestEffectiveProfileRoundTrips: the effective profile of a server, written as JSON and
// loaded again, starts a server with the same effective profile.
func TestEffectiveProfileRoundTrips(t *testing.T) {
	pr, err := mockprovider.LoadProfile(strings.NewReader(replayed))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []mockprovider.Options{{}, {Profile: pr}, {ExpiryStyle: mockprovider.ExpiryAbsolute, IALAsNumber: true, SubStyle: mockprovider.SubOpaque}} {
		o.Issuer = "http://127.0.0.1:9"
		a, err := mockprovider.New(o)
		if err != nil {
			t.Fatal(err)
		}
		checkRoundTrip(t, a)
	}
}

// checkRoundTrip writes the effective profile of p as JSON, loads it again and starts a server
// with it, whose effective profile must be the same.
func checkRoundTrip(t *testing.T, p *mockprovider.Server) {
	t.Helper()
	b, err := json.Marshal(p.Profile())
	if err != nil {
		t.Fatal(err)
	}
	again, err := mockprovider.LoadProfile(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the effective profile does not load: %v\n%s", err, b)
	}
	q, err := mockprovider.New(mockprovider.Options{Issuer: p.Issuer(), Profile: again})
	if err != nil || !reflect.DeepEqual(p.Profile(), q.Profile()) {
		t.Fatalf("round trip changed the profile: %v\n%+v\n%+v", err, p.Profile(), q.Profile())
	}
}

// TestLegacyProfile: the built-in legacy profile gives the mock's older defaults back.
func TestLegacyProfile(t *testing.T) {
	pr, err := mockprovider.BuiltinProfile(mockprovider.LegacyProfileName)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := now
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true, Profile: pr, Now: func() time.Time { return clock }})
	first := mockprovider.DefaultCitizens()[0]
	tok := exchange(t, p, url.Values{"scope": {"openid pid address"}})
	if tok["expires_in"] != float64(900) {
		t.Errorf("expires_in %v, want 900 (relative)", tok["expires_in"])
	}
	_, cl := decodeClaims(t, tok["id_token"].(string))
	if sub, _ := cl["sub"].(string); len(sub) != 13 || sub == first.PID || cl["address"] != first.Address {
		t.Errorf("sub %v address %v: want an opaque sub and a string address", cl["sub"], cl["address"])
	}
	for _, form := range []string{tok["access_token"].(string), "Bearer " + tok["access_token"].(string)} {
		if _, in := post(t, p, mockprovider.PathIntrospect, url.Values{"token": {form}}, authBasic); in["active"] != true {
			t.Errorf("introspection refused a form: %v", in)
		}
	}
	// refresh tokens live 24 h
	clock = now.Add(23 * time.Hour)
	if st, body := post(t, p, mockprovider.PathToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}}, authBasic); st != 200 {
		t.Errorf("refresh after 23 h: %d %v", st, body)
	}
}

// TestRefreshTokenLifetime: by default a refresh token lives 15 minutes.
func TestRefreshTokenLifetime(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := now
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true, Now: func() time.Time { return clock }})
	rt := exchange(t, p, nil)["refresh_token"].(string)
	refresh := func() int {
		st, _ := post(t, p, mockprovider.PathToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}, authBasic)
		return st
	}
	clock = now.Add(15*time.Minute - time.Second)
	if st := refresh(); st != 200 {
		t.Fatalf("refresh at 14:59: %d", st)
	}
	clock = now.Add(15 * time.Minute)
	if st := refresh(); st != 401 {
		t.Fatalf("refresh at 15:00: %d, want 401", st)
	}
}

// TestSubStyles: sub is the PID by default; SubOpaque gives the older derived number; a
// citizen's own Sub wins over both. Userinfo and introspection say the same sub.
func TestSubStyles(t *testing.T) {
	for _, tc := range []struct {
		style   mockprovider.SubStyle
		own     string
		wantPID bool
	}{{"", "", true}, {mockprovider.SubPID, "", true}, {mockprovider.SubOpaque, "", false}, {mockprovider.SubPID, "custom-sub", false}} {
		t.Run(string(tc.style)+" "+tc.own, func(t *testing.T) {
			cs := mockprovider.DefaultCitizens()
			cs[0].Sub = tc.own
			p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true, SubStyle: tc.style, Citizens: cs})
			tok := exchange(t, p, url.Values{"scope": {"openid name"}})
			_, cl := decodeClaims(t, tok["id_token"].(string))
			sub, _ := cl["sub"].(string)
			switch {
			case tc.own != "" && sub != tc.own, tc.wantPID && sub != cs[0].PID, !tc.wantPID && tc.own == "" && (sub == cs[0].PID || len(sub) != 13):
				t.Fatalf("sub %q", mockprovider.MaskPID(sub))
			}
			if cl["pid"] != nil {
				t.Errorf("pid claim without the pid scope")
			}
			_, in := post(t, p, mockprovider.PathIntrospect, url.Values{"token": {"Bearer " + tok["access_token"].(string)}}, authBasic)
			if in["sub"] != sub {
				t.Errorf("introspection sub differs")
			}
		})
	}
}
