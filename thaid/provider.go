package thaid

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// Provider lists the endpoints of a ThaID (or ThaID-compatible) OpenID provider.
//
// Use Production or Sandbox, a Provider{Issuer: url} to run OpenID discovery
// in New, or fill every endpoint by hand. When AuthURL and TokenURL are both
// empty, New runs discovery on Issuer; otherwise the Provider is used as is,
// without network access.
type Provider struct {
	Issuer        string // expected "iss" of ID tokens; required with the openid scope and to verify any ID token
	AuthURL       string // authorization endpoint
	TokenURL      string // token endpoint
	IntrospectURL string // token introspection endpoint (optional)
	RevokeURL     string // token revocation endpoint (optional)
	JWKSURL       string // JSON Web Key Set; required with the openid scope
	UserInfoURL   string // userinfo endpoint (optional, not in the ThaID manual)

	// SigningAlgs restricts the ID-token signing algorithms. nil means the
	// allow-list ES256 ES384 RS256 RS384 RS512 PS256. Whatever is listed, only
	// algorithms of that allow-list are ever accepted: never none, never HMAC.
	SigningAlgs []string
}

// allowedAlgs is the one allow-list of asymmetric ID-token signing algorithms.
var allowedAlgs = [...]string{"ES256", "ES384", "RS256", "RS384", "RS512", "PS256"}

// AllowedSigningAlgs is the allow-list of asymmetric ID-token signing algorithms.
// It is a copy; changing it has no effect.
func AllowedSigningAlgs() []string { return slices.Clone(allowedAlgs[:]) }

func providerAt(base string) Provider {
	return Provider{
		Issuer:        base,
		AuthURL:       base + "/api/v2/oauth2/auth/",
		TokenURL:      base + "/api/v2/oauth2/token/",
		IntrospectURL: base + "/api/v2/oauth2/introspect/",
		RevokeURL:     base + "/api/v2/oauth2/revoke/",
		JWKSURL:       base + "/jwks/",
		UserInfoURL:   base + "/api/v2/oauth2/userinfo/",
	}
}

// Production is DOPA's production ThaID provider (imauth.bora.dopa.go.th),
// API v2. Its issuer is the host URL; if ThaID ever announces another one,
// copy Production and set Issuer, or use Provider{Issuer: ...} for discovery.
var Production = providerAt("https://imauth.bora.dopa.go.th")

// Sandbox is DOPA's ThaID sandbox (imauthsbx.bora.dopa.go.th), API v2.
var Sandbox = providerAt("https://imauthsbx.bora.dopa.go.th")

// discoveryDoc is the part of the OpenID discovery document that thaid reads.
type discoveryDoc struct {
	Issuer        string   `json:"issuer"`
	AuthURL       string   `json:"authorization_endpoint"`
	TokenURL      string   `json:"token_endpoint"`
	IntrospectURL string   `json:"introspection_endpoint"`
	RevokeURL     string   `json:"revocation_endpoint"`
	JWKSURL       string   `json:"jwks_uri"`
	UserInfoURL   string   `json:"userinfo_endpoint"`
	SigningAlgs   []string `json:"id_token_signing_alg_values_supported"`
}

// Discover fetches issuer + "/.well-known/openid-configuration" and returns
// the endpoints it lists. The document's issuer must equal issuer (a trailing
// slash aside), else the error matches ErrIssuerMismatch. A nil hc uses a
// client with a 10 s timeout. Network errors and 5xx answers match
// ErrProviderUnavailable; undecodable documents match ErrMalformedResponse.
func Discover(ctx context.Context, issuer string, hc *http.Client) (Provider, error) {
	if hc == nil {
		hc = defaultHTTPClient()
	}
	body, err := getJSON(ctx, hc, strings.TrimSuffix(issuer, "/")+"/.well-known/openid-configuration")
	if err != nil {
		return Provider{}, err
	}
	var doc discoveryDoc
	if err := json.Unmarshal(body, &doc); err != nil {
		return Provider{}, wrapf(ErrMalformedResponse, "discovery document: %v", err)
	}
	doc.Issuer = cmp.Or(doc.Issuer, issuer)
	if !sameIssuer(doc.Issuer, issuer) {
		return Provider{}, wrapf(ErrIssuerMismatch, "discovery at %q announces issuer %q", issuer, doc.Issuer)
	}
	if doc.AuthURL == "" || doc.TokenURL == "" {
		return Provider{}, wrapf(ErrMalformedResponse, "discovery document lacks authorization or token endpoint")
	}
	return Provider(doc), nil
}

// sameIssuer compares issuers, ignoring one trailing slash (ThaID's issuer
// spelling is not documented).
func sameIssuer(a, b string) bool {
	return strings.TrimSuffix(a, "/") == strings.TrimSuffix(b, "/")
}
