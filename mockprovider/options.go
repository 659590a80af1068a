package mockprovider

import (
	"fmt"
	"log/slog"
	"net/url"
	"time"
)

// DemoClientID and DemoClientSecret are the credentials of the demo client that New registers
// when Options.Clients is nil. The demo client accepts any redirect URI.
const (
	DemoClientID     = "thaid-demo"
	DemoClientSecret = "demo-secret"
)

// Default lifetimes used when the matching Options field is zero.
const (
	DefaultCodeTTL         = 60 * time.Second
	DefaultAccessTokenTTL  = 15 * time.Minute
	DefaultIDTokenTTL      = 15 * time.Minute
	DefaultQRTTL           = 5 * time.Minute
	DefaultRefreshTokenTTL = 24 * time.Hour
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
	// AllowAnyRedirectURI accepts any absolute http(s) redirect URI. Only for demos and tests:
	// the real ThaID never does this.
	AllowAnyRedirectURI bool
	// Scopes are the scopes this client may request. nil means every ThaID scope (allScopes).
	// Requesting any other scope gives error=invalid_scope.
	Scopes []string
	// APIKey, when set, must be sent in the x-imauth-apikey header to the token, introspect and
	// revoke endpoints (an old ThaID habit, off by default).
	APIKey string
	// Name is the service name shown to the citizen on the consent page. "" = ID.
	Name string
}

// ExpiryStyle selects how the token response tells the access token's lifetime.
type ExpiryStyle int

const (
	// ExpiryRelative sends "expires_in": seconds from now (as the official samples read it).
	ExpiryRelative ExpiryStyle = iota
	// ExpiryAbsolute sends "expire_in": an absolute Unix time (as DOPA's manual shows it).
	ExpiryAbsolute
)

// AddressStyle selects how the address claim is encoded.
type AddressStyle int

const (
	// AddressString sends the address as one string.
	AddressString AddressStyle = iota
	// AddressObject sends {"formatted": "...", ...Citizen.AddressDetail}.
	AddressObject
)

// Options configure a Server. The zero value of every field has a documented default.
type Options struct {
	// Issuer is the public base URL, without trailing slash, e.g. "http://127.0.0.1:9090".
	// Required by New; Start and StartTLS set it to the test server's URL.
	Issuer string
	// Clients are the registered relying parties. nil = one demo client
	// (DemoClientID/DemoClientSecret, AllowAnyRedirectURI).
	Clients []RelyingParty
	// Citizens who can log in. nil = DefaultCitizens().
	Citizens []Citizen
	// Alg is the ID token signing algorithm of the first key: "ES256" (default) or "RS256".
	Alg string
	// AutoApprove makes the authorize endpoint redirect at once with a code, as the citizen whose
	// PID is in login_hint, else as the first citizen. false = the interactive QR page.
	AutoApprove bool
	// ExpiryStyle of the token response (default ExpiryRelative).
	ExpiryStyle ExpiryStyle
	// AddressStyle of the address claim (default AddressString).
	AddressStyle AddressStyle
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
	// AccessTokenTTL is the access token lifetime (0 = 15 min).
	AccessTokenTTL time.Duration
	// IDTokenTTL is the ID token lifetime (0 = 15 min).
	IDTokenTTL time.Duration
	// QRTTL is how long a QR code (reference) can be approved (0 = 5 min).
	QRTTL time.Duration
	// RefreshTokenTTL is the refresh token lifetime (0 = 24 h).
	RefreshTokenTTL time.Duration
	// Now is the clock (nil = time.Now). SetNow changes it later.
	Now func() time.Time
	// Logger receives one line per request and per login. nil = no logs. PIDs in messages and
	// string attributes are masked (1-1017-xxxxx-70-8); tokens and secrets are never logged.
	Logger *slog.Logger
}

func (o *Options) setDefaults() {
	if o.Alg == "" {
		o.Alg = "ES256"
	}
	if o.CodeTTL == 0 {
		o.CodeTTL = DefaultCodeTTL
	}
	if o.AccessTokenTTL == 0 {
		o.AccessTokenTTL = DefaultAccessTokenTTL
	}
	if o.IDTokenTTL == 0 {
		o.IDTokenTTL = DefaultIDTokenTTL
	}
	if o.QRTTL == 0 {
		o.QRTTL = DefaultQRTTL
	}
	if o.RefreshTokenTTL == 0 {
		o.RefreshTokenTTL = DefaultRefreshTokenTTL
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Clients == nil {
		o.Clients = []RelyingParty{{ID: DemoClientID, Secret: DemoClientSecret, AllowAnyRedirectURI: true}}
	}
	if o.Citizens == nil {
		o.Citizens = DefaultCitizens()
	}
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
	if o.ExpiryStyle != ExpiryRelative && o.ExpiryStyle != ExpiryAbsolute {
		return fmt.Errorf("%w: unknown ExpiryStyle %d", ErrInvalidOptions, o.ExpiryStyle)
	}
	if o.AddressStyle != AddressString && o.AddressStyle != AddressObject {
		return fmt.Errorf("%w: unknown AddressStyle %d", ErrInvalidOptions, o.AddressStyle)
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
