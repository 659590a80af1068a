package mockprovider

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"
)

// DemoClientID and DemoClientSecret are the credentials of the demo client that New registers
// when Options.Clients is nil. The demo client accepts any redirect URI and is granted every
// scope, as DOPA's sandbox demo client is.
const (
	DemoClientID     = "thaid-demo"
	DemoClientSecret = "demo-secret"
)

// Default lifetimes used when neither the matching Options field nor Options.Profile sets one.
// They are the default profile's (DefaultProfileName).
const (
	DefaultCodeTTL         = 60 * time.Second
	DefaultAccessTokenTTL  = 15 * time.Minute
	DefaultIDTokenTTL      = 15 * time.Minute
	DefaultQRTTL           = 5 * time.Minute
	DefaultRefreshTokenTTL = 15 * time.Minute
)

// RelyingParty is a relying party registered at the mock, as an agency registers its service at
// DOPA's "RP Admin" site.
type RelyingParty struct {
	// ID is the client_id. Required and unique.
	ID string
	// Secret is the client_secret, checked with constant-time comparison.
	Secret string
	// RedirectURIs are the registered redirect URIs. The redirect_uri of an authorization
	// request must equal one of them exactly.
	RedirectURIs []string
	// AllowAnyRedirectURI accepts any absolute http(s) redirect URI, as DOPA's sandbox demo
	// client does. Only for demos and tests: a production client has exact redirect URIs.
	AllowAnyRedirectURI bool
	// Scopes are the scopes this client is granted, as DOPA grants them per client. nil means
	// every ThaID scope (allScopes). An authorization request for any other scope is refused
	// with invalid_scope.
	Scopes []string
	// APIKey, when set, must be sent in the x-imauth-apikey header to the token, introspect and
	// revoke endpoints (an old ThaID habit, off by default).
	APIKey string
	// Name is the service name shown to the citizen on the consent page. "" = ID.
	Name string
}

// Options configure a Server. The zero value of every field has a documented default.
//
// What the provider does (discovery members, token answer, claim forms, authorize errors, token
// forms, lifetimes) comes from Profile, by default DOPA's sandbox as recorded in August 2026
// (DefaultProfileName). The fields ExpiryStyle, AddressStyle, SubStyle, AuthorizeErrors,
// IntrospectTokenForm, RevokeTokenForm, Alg, the TTLs and the booleans below override the
// profile when they are set (non-zero, or true).
type Options struct {
	// Issuer is the public base URL, without trailing slash, e.g. "http://127.0.0.1:9090".
	// Required by New; Start and StartTLS set it to the test server's URL.
	Issuer string
	// Clients are the registered relying parties. nil = one demo client
	// (DemoClientID/DemoClientSecret, AllowAnyRedirectURI, every scope granted).
	Clients []RelyingParty
	// Citizens who can log in. nil = DefaultCitizens().
	Citizens []Citizen
	// Profile is the provider's behaviour to replay (see Profile; LoadProfile reads a file).
	// nil = DefaultProfile(). Members it leaves zero are the default profile's.
	Profile *Profile
	// Alg is the ID token signing algorithm of the first key: "ES256" or "RS256"
	// ("" = the profile's, ES256 by default).
	Alg string
	// AutoApprove makes the authorize endpoint redirect at once with a code, as the citizen whose
	// PID is in login_hint, else as the first citizen. false = the interactive QR page.
	AutoApprove bool
	// ExpiryStyle of the token response ("" = the profile's, ExpiresInAbsolute by default).
	ExpiryStyle ExpiryStyle
	// AddressStyle of the address claim ("" = the profile's, AddressObject by default).
	AddressStyle AddressStyle
	// SubStyle: what the sub claim holds ("" = the profile's, SubPID by default).
	// Citizen.Sub, when set, wins over both.
	SubStyle SubStyle
	// AuthorizeErrors: how refused authorization requests are answered ("" = the profile's,
	// AuthorizeErrorsJSON by default).
	AuthorizeErrors AuthorizeErrorStyle
	// IntrospectTokenForm: the token form introspection takes ("" = the profile's,
	// TokenFormBearer by default).
	IntrospectTokenForm TokenForm
	// RevokeTokenForm: the token form revocation takes ("" = the profile's, TokenFormBare by
	// default).
	RevokeTokenForm TokenForm
	// IALAsNumber sends the ial claim as a JSON number (2.3) instead of a string ("2.3").
	IALAsNumber bool
	// FlatClaimsWithOpenID also puts the flat claims beside the id_token when openid was
	// requested. Without openid they are always flat.
	FlatClaimsWithOpenID bool
	// RFCGrantErrors answers a bad authorization code (unknown, expired, reused, of another
	// client) or a redirect_uri that differs from the authorize request with 400 invalid_grant,
	// as RFC 6749 says. false (default) = 400 invalid_request, as the ThaID manual lists these
	// cases. PKCE failures are invalid_grant either way (RFC 7636; PKCE is not in the manual).
	RFCGrantErrors bool
	// RotateRefreshTokens issues a new refresh token on every refresh and invalidates the old
	// one. false = the same refresh token stays valid and none is returned on refresh.
	RotateRefreshTokens bool
	// CodeTTL is the authorization code lifetime (0 = 60 s).
	CodeTTL time.Duration
	// AccessTokenTTL is the access token lifetime (0 = the profile's, 15 min by default).
	AccessTokenTTL time.Duration
	// IDTokenTTL is the ID token lifetime (0 = the profile's, 15 min by default).
	IDTokenTTL time.Duration
	// QRTTL is how long a QR code (reference) can be approved (0 = 5 min).
	QRTTL time.Duration
	// RefreshTokenTTL is the refresh token lifetime (0 = the profile's, 15 min by default, as
	// DOPA's C# sample documents it).
	RefreshTokenTTL time.Duration
	// Now is the clock (nil = time.Now). SetNow changes it later.
	Now func() time.Time
	// Logger receives one line per request and per login. nil = no logs. PIDs in messages and
	// string attributes are masked (1-1017-xxxxx-70-8); tokens and secrets are never logged.
	Logger *slog.Logger
}

// setDefaults applies the profile and the fixed defaults, and returns the effective profile:
// what the Server will do, Options overrides included.
func (o *Options) setDefaults() (Profile, error) {
	def := DefaultProfile()
	pr := *def
	if o.Profile != nil {
		if err := o.Profile.Validate(); err != nil {
			return Profile{}, err
		}
		pr = o.Profile.withDefaults(def)
	}
	o.Alg = cmp.Or(o.Alg, pr.IDToken.Alg)
	o.ExpiryStyle = cmp.Or(o.ExpiryStyle, pr.Token.Expiry)
	o.AddressStyle = cmp.Or(o.AddressStyle, pr.Claims.Address)
	o.SubStyle = cmp.Or(o.SubStyle, pr.Claims.Sub)
	o.AuthorizeErrors = cmp.Or(o.AuthorizeErrors, pr.Authorize.Errors)
	o.IntrospectTokenForm = cmp.Or(o.IntrospectTokenForm, pr.Introspection.Token)
	o.RevokeTokenForm = cmp.Or(o.RevokeTokenForm, pr.Revocation.Token)
	o.IALAsNumber = o.IALAsNumber || pr.Claims.IAL == "number"
	o.FlatClaimsWithOpenID = o.FlatClaimsWithOpenID || pr.Token.FlatClaimsWithOpenID
	o.RFCGrantErrors = o.RFCGrantErrors || pr.Token.CodeError == "invalid_grant"
	o.RotateRefreshTokens = o.RotateRefreshTokens || pr.Token.RotateRefreshTokens
	o.AccessTokenTTL = cmp.Or(o.AccessTokenTTL, time.Duration(pr.Token.AccessTokenSeconds)*time.Second)
	o.IDTokenTTL = cmp.Or(o.IDTokenTTL, time.Duration(pr.IDToken.Seconds)*time.Second)
	o.RefreshTokenTTL = cmp.Or(o.RefreshTokenTTL, time.Duration(pr.Token.RefreshTokenSeconds)*time.Second)
	o.CodeTTL = cmp.Or(o.CodeTTL, DefaultCodeTTL)
	o.QRTTL = cmp.Or(o.QRTTL, DefaultQRTTL)
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Clients == nil {
		o.Clients = []RelyingParty{{ID: DemoClientID, Secret: DemoClientSecret, AllowAnyRedirectURI: true}}
	}
	if o.Citizens == nil {
		o.Citizens = DefaultCitizens()
	}

	// The effective profile, Options overrides written back.
	pr.IDToken.Alg = o.Alg
	pr.Token.Expiry = o.ExpiryStyle
	pr.Claims.Address = o.AddressStyle
	pr.Claims.Sub = o.SubStyle
	pr.Authorize.Errors = o.AuthorizeErrors
	pr.Introspection.Token = o.IntrospectTokenForm
	pr.Revocation.Token = o.RevokeTokenForm
	pr.Claims.IAL = map[bool]string{true: "number", false: "string"}[o.IALAsNumber]
	pr.Token.FlatClaimsWithOpenID = o.FlatClaimsWithOpenID
	pr.Token.CodeError = map[bool]string{true: "invalid_grant", false: "invalid_request"}[o.RFCGrantErrors]
	pr.Token.RotateRefreshTokens = o.RotateRefreshTokens
	pr.Token.AccessTokenSeconds = int(o.AccessTokenTTL / time.Second)
	pr.Token.RefreshTokenSeconds = int(o.RefreshTokenTTL / time.Second)
	pr.IDToken.Seconds = int(o.IDTokenTTL / time.Second)
	pr.Discovery.Members = slices.Clone(pr.Discovery.Members)
	if len(pr.Discovery.Values) == 0 {
		pr.Discovery.Values = nil
	} else {
		vals := make(map[string]json.RawMessage, len(pr.Discovery.Values))
		for k, v := range pr.Discovery.Values {
			var b bytes.Buffer
			_ = json.Compact(&b, v) // cannot fail: Validate checked every value with json.Valid
			vals[k] = b.Bytes()
		}
		pr.Discovery.Values = vals
	}
	pr.Notes = slices.Clone(pr.Notes)
	return pr, nil
}

func (o *Options) validate() error {
	if o.Issuer == "" {
		return fmt.Errorf("%w: Issuer is required", ErrInvalidOptions)
	}
	u, err := url.Parse(o.Issuer)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%w: Issuer %q is not an absolute http(s) URL", ErrInvalidOptions, o.Issuer)
	}
	if !validAlg(o.Alg) {
		return fmt.Errorf("%w: Alg %q (want ES256 or RS256)", ErrInvalidOptions, o.Alg)
	}
	for name, d := range map[string]time.Duration{"CodeTTL": o.CodeTTL, "AccessTokenTTL": o.AccessTokenTTL,
		"IDTokenTTL": o.IDTokenTTL, "QRTTL": o.QRTTL, "RefreshTokenTTL": o.RefreshTokenTTL} {
		if d < 0 {
			return fmt.Errorf("%w: %s is negative", ErrInvalidOptions, name)
		}
	}
	for _, e := range []struct {
		name, v string
		ok      []string
	}{
		{"ExpiryStyle", string(o.ExpiryStyle), expiryStyles},
		{"AddressStyle", string(o.AddressStyle), addressStyles},
		{"SubStyle", string(o.SubStyle), subStyles},
		{"AuthorizeErrors", string(o.AuthorizeErrors), authorizeErrorStyles},
		{"IntrospectTokenForm", string(o.IntrospectTokenForm), tokenForms},
		{"RevokeTokenForm", string(o.RevokeTokenForm), tokenForms},
	} {
		if !slices.Contains(e.ok, e.v) {
			return fmt.Errorf("%w: unknown %s %q (want one of %s)", ErrInvalidOptions, e.name, e.v, strings.Join(e.ok, ", "))
		}
	}
	if len(o.Clients) == 0 {
		return fmt.Errorf("%w: no clients", ErrInvalidOptions)
	}
	seen := map[string]bool{}
	for i, c := range o.Clients {
		if c.ID == "" {
			return fmt.Errorf("%w: client %d has no ID", ErrInvalidOptions, i)
		}
		if seen[c.ID] {
			return fmt.Errorf("%w: duplicate client ID %q", ErrInvalidOptions, c.ID)
		}
		seen[c.ID] = true
		if len(c.RedirectURIs) == 0 && !c.AllowAnyRedirectURI {
			return fmt.Errorf("%w: client %q has no redirect URI (set RedirectURIs or AllowAnyRedirectURI)", ErrInvalidOptions, c.ID)
		}
		for _, r := range c.RedirectURIs {
			if !absoluteHTTPURL(r) {
				return fmt.Errorf("%w: client %q: redirect URI %q is not an absolute http(s) URL without fragment", ErrInvalidOptions, c.ID, r)
			}
		}
		for _, s := range c.Scopes {
			if _, ok := scopeLabels[s]; !ok {
				return fmt.Errorf("%w: client %q: unknown scope %q", ErrInvalidOptions, c.ID, s)
			}
		}
	}
	if len(o.Citizens) == 0 {
		return fmt.Errorf("%w: no citizens", ErrInvalidOptions)
	}
	return ValidateCitizens(o.Citizens)
}

func absoluteHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.Fragment == ""
}
