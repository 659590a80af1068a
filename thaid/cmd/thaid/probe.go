package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/thaid-go/thaid-go/thaid"
)

// standardDiscovery are the members defined by OpenID Connect Discovery 1.0 (section 3), RFC
// 8414 (OAuth 2.0 Authorization Server Metadata) and the specifications they register
// (session and logout, PAR, mTLS, DPoP, CIBA, device flow, RFC 9207). A member outside this
// list is non-standard.
var standardDiscovery = []string{
	"issuer", "authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri", "registration_endpoint",
	"scopes_supported", "response_types_supported", "response_modes_supported", "grant_types_supported",
	"acr_values_supported", "subject_types_supported", "id_token_signing_alg_values_supported",
	"id_token_encryption_alg_values_supported", "id_token_encryption_enc_values_supported",
	"userinfo_signing_alg_values_supported", "userinfo_encryption_alg_values_supported",
	"userinfo_encryption_enc_values_supported", "request_object_signing_alg_values_supported",
	"request_object_encryption_alg_values_supported", "request_object_encryption_enc_values_supported",
	"token_endpoint_auth_methods_supported", "token_endpoint_auth_signing_alg_values_supported",
	"display_values_supported", "claim_types_supported", "claims_supported", "service_documentation",
	"claims_locales_supported", "ui_locales_supported", "claims_parameter_supported", "request_parameter_supported",
	"request_uri_parameter_supported", "require_request_uri_registration", "op_policy_uri", "op_tos_uri",
	"revocation_endpoint", "revocation_endpoint_auth_methods_supported", "revocation_endpoint_auth_signing_alg_values_supported",
	"introspection_endpoint", "introspection_endpoint_auth_methods_supported",
	"introspection_endpoint_auth_signing_alg_values_supported", "code_challenge_methods_supported",
	"check_session_iframe", "end_session_endpoint", "frontchannel_logout_supported", "frontchannel_logout_session_supported",
	"backchannel_logout_supported", "backchannel_logout_session_supported", "pushed_authorization_request_endpoint",
	"require_pushed_authorization_requests", "mtls_endpoint_aliases", "tls_client_certificate_bound_access_tokens",
	"dpop_signing_alg_values_supported", "authorization_response_iss_parameter_supported",
	"device_authorization_endpoint", "backchannel_authentication_endpoint", "backchannel_token_delivery_modes_supported",
	"backchannel_authentication_request_signing_alg_values_supported", "backchannel_user_code_parameter_supported",
	"introspection_signing_alg_values_supported", "introspection_encryption_alg_values_supported",
	"introspection_encryption_enc_values_supported", "authorization_signing_alg_values_supported",
	"authorization_encryption_alg_values_supported", "authorization_encryption_enc_values_supported",
	"signed_metadata", "prompt_values_supported",
}

// expectedDiscovery are the members a relying party looks for: REQUIRED and RECOMMENDED by
// OpenID Connect Discovery (registration_endpoint aside: ThaID clients register through
// DOPA), the endpoints the thaid package uses, and code_challenge_methods_supported, which
// tells whether PKCE is supported (RFC 8414). A missing one is reported.
var expectedDiscovery = []string{
	"issuer", "authorization_endpoint", "token_endpoint", "jwks_uri", "response_types_supported",
	"subject_types_supported", "id_token_signing_alg_values_supported", "userinfo_endpoint", "scopes_supported",
	"claims_supported", "introspection_endpoint", "revocation_endpoint", "code_challenge_methods_supported",
}

// readDiscovery returns the members of the provider's discovery document, in the provider's
// order, with their values: from the recorder when discovery ran, else fetched (the presets
// run no discovery). nil when there is none.
func readDiscovery(ctx context.Context, hc *http.Client, rec *recorder, issuer string) ([]string, map[string]json.RawMessage) {
	u := strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
	x, ok := rec.last(http.MethodGet, u)
	if !ok {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, nil
		}
		resp, err := hc.Do(req)
		if err != nil {
			return nil, nil
		}
		resp.Body.Close() // the recorder kept the body
		if x, ok = rec.last(http.MethodGet, u); !ok {
			return nil, nil
		}
	}
	if x.status != http.StatusOK {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(x.body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, nil
	}
	var names []string
	values := map[string]json.RawMessage{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, nil
		}
		name, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil
		}
		if _, dup := values[name]; !dup {
			names = append(names, name)
		}
		values[name] = v
	}
	return names, values
}

// addDiscovery fills the report's discovery members, the non-standard ones and the missing
// ones.
func (r *providerReport) addDiscovery(names []string, values map[string]json.RawMessage) {
	if names == nil {
		return
	}
	r.DiscoveryMembers = names
	r.discoveryValues = values
	for _, n := range names {
		if !slices.Contains(standardDiscovery, n) {
			r.DiscoveryNonstandard = append(r.DiscoveryNonstandard, n)
		}
	}
	for _, n := range expectedDiscovery {
		if !slices.Contains(names, n) {
			r.DiscoveryMissing = append(r.DiscoveryMissing, n)
		}
	}
}

// formName names the accepted forms.
func formName(bearer, bare bool) string {
	switch {
	case bearer && bare:
		return "either"
	case bearer:
		return "bearer"
	case bare:
		return "bare"
	}
	return "neither"
}

// probeTokenForms tries each token form at the introspection endpoint with the login's access
// token, then revokes the tokens in each form, checking the effect by introspection. It sets
// the report's IntrospectionTokenForm and RevocationTokenForm ("" when not probed: no
// endpoint, or, for revocation, no introspection form to check its effect with) and
// RefreshTokenSeconds (exp − iat of the refresh token's introspection, when the answer has
// both). The login's tokens are revoked at the end, when revocation works. cfg is the
// effective configuration of the login's client (explicit endpoints: no discovery again).
func (r *providerReport) probeTokenForms(ctx context.Context, cfg thaid.Config, tok *thaid.Token) {
	if tok == nil || tok.AccessToken == "" || cfg.Provider.IntrospectURL == "" {
		return
	}
	clients := map[thaid.TokenForm]*thaid.Client{}
	for _, f := range []thaid.TokenForm{thaid.TokenFormBearer, thaid.TokenFormBare} {
		c := cfg
		c.IntrospectTokenForm, c.RevokeTokenForm = f, f
		cl, err := thaid.New(ctx, c)
		if err != nil {
			return
		}
		clients[f] = cl
	}
	active := func(f thaid.TokenForm, token string) (*thaid.Introspection, bool) {
		in, err := clients[f].Introspect(ctx, token)
		return in, err == nil && in.Active
	}
	_, bearer := active(thaid.TokenFormBearer, tok.AccessToken)
	_, bare := active(thaid.TokenFormBare, tok.AccessToken)
	r.IntrospectionTokenForm = formName(bearer, bare)
	if !bearer && !bare {
		return
	}
	working := thaid.TokenFormBearer
	if !bearer {
		working = thaid.TokenFormBare
	}
	refreshLive := false
	if tok.RefreshToken != "" {
		var in *thaid.Introspection
		if in, refreshLive = active(working, tok.RefreshToken); refreshLive {
			r.RefreshTokenSeconds = lifetime(in.Raw)
		}
	}
	if cfg.Provider.RevokeURL == "" {
		return
	}
	revokes := func(f thaid.TokenForm, token string) bool {
		_ = clients[f].Revoke(ctx, token)
		_, still := active(working, token)
		return !still
	}
	bareRevokes := revokes(thaid.TokenFormBare, tok.AccessToken)
	bearerRevokes := false
	switch {
	case refreshLive:
		// The refresh token tells about the Bearer form. Revoking it may end the whole
		// login; that is the end anyway.
		bearerRevokes = revokes(thaid.TokenFormBearer, tok.RefreshToken)
	case !bareRevokes:
		bearerRevokes = revokes(thaid.TokenFormBearer, tok.AccessToken)
	}
	r.RevocationTokenForm = formName(bearerRevokes, bareRevokes)
	// Leave no token of the login alive.
	if bareRevokes || bearerRevokes {
		f := thaid.TokenFormBearer
		if bareRevokes {
			f = thaid.TokenFormBare
		}
		for _, t := range []string{tok.RefreshToken, tok.AccessToken} {
			if t != "" {
				_ = clients[f].Revoke(ctx, t)
			}
		}
	}
}

// lifetime returns exp − iat of an introspection answer, in seconds (0 without both).
func lifetime(raw map[string]any) int {
	exp, ok1 := raw["exp"].(float64)
	iat, ok2 := raw["iat"].(float64)
	if !ok1 || !ok2 || exp <= iat || exp-iat > 10*365*24*3600 {
		return 0
	}
	return int(exp - iat)
}

// accessSeconds is the access token's lifetime as the token answer tells it: the relative
// value, or the absolute time minus the time of the answer, rounded to whole minutes (the two
// clocks differ a little).
func accessSeconds(form string, v float64, answered time.Time) int {
	switch form {
	case "relative":
		if v > 0 && v < math.MaxInt32 {
			return int(v)
		}
	case "absolute":
		d := time.Unix(int64(v), 0).Sub(answered)
		if d > 0 && d < 10*365*24*time.Hour {
			return int(d.Round(time.Minute) / time.Second)
		}
	}
	return 0
}
