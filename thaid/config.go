package thaid

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// ThaID scopes. Each scope releases the claim of the same name (ScopeOpenID
// releases the ID token itself).
const (
	ScopeOpenID         = "openid"           // return a signed ID token
	ScopePID            = "pid"              // 13-digit citizen ID
	ScopeName           = "name"             // full name in Thai
	ScopeNameEN         = "name_en"          // full name in English
	ScopeTitle          = "title"            // title in Thai (นาย, นาง, ...)
	ScopeTitleEN        = "title_en"         // title in English (Mr., Mrs., ...)
	ScopeGivenName      = "given_name"       // given name in Thai
	ScopeMiddleName     = "middle_name"      // middle name in Thai
	ScopeFamilyName     = "family_name"      // family name in Thai
	ScopeGivenNameEN    = "given_name_en"    // given name in English
	ScopeMiddleNameEN   = "middle_name_en"   // middle name in English
	ScopeFamilyNameEN   = "family_name_en"   // family name in English
	ScopeBirthdate      = "birthdate"        // date of birth
	ScopeGender         = "gender"           // gender
	ScopeAddress        = "address"          // registered address (string or object)
	ScopeSmartcardCode  = "smartcard_code"   // laser code of the ID card
	ScopeDateOfIssuance = "date_of_issuance" // ID card issue date
	ScopeDateOfExpiry   = "date_of_expiry"   // ID card expiry date
	ScopeIAL            = "ial"              // identity assurance level
)

// DefaultScopes are requested when Config.Scopes is nil: a signed ID token
// carrying the citizen ID and the Thai full name.
var DefaultScopes = []string{ScopeOpenID, ScopePID, ScopeName}

// AuthStyle is how the client authenticates to the token endpoint. It is never
// auto-detected.
type AuthStyle int

const (
	// AuthStyleBasic sends client_id and client_secret with HTTP Basic
	// authentication, as ThaID's manual says. It is the default.
	AuthStyleBasic AuthStyle = iota
	// AuthStylePost sends client_id and client_secret in the form body.
	AuthStylePost
)

// String returns "basic" or "post".
func (s AuthStyle) String() string {
	switch s {
	case AuthStyleBasic:
		return "basic"
	case AuthStylePost:
		return "post"
	}
	return "invalid"
}

// TokenForm is how the token is sent to the introspection or revocation
// endpoint, in the form parameter token.
type TokenForm int

const (
	// TokenFormDefault is each endpoint's default: TokenFormBearer for
	// introspection, TokenFormBare for revocation, as both of DOPA's official
	// samples (PHP, C#) send them.
	TokenFormDefault TokenForm = iota
	// TokenFormBearer sends "token=Bearer <token>", as DOPA's manual shows it.
	TokenFormBearer
	// TokenFormBare sends "token=<token>" (RFC 7009, RFC 7662).
	TokenFormBare
)

// String returns "default", "bearer" or "bare".
func (f TokenForm) String() string {
	switch f {
	case TokenFormDefault:
		return "default"
	case TokenFormBearer:
		return "bearer"
	case TokenFormBare:
		return "bare"
	}
	return "invalid"
}

// DefaultAPIKeyHeader is the header that carries Config.APIKey when
// Config.APIKeyHeader is empty.
const DefaultAPIKeyHeader = "x-imauth-apikey"

// Defaults applied by New for zero Config fields.
const (
	DefaultLeeway              = 30 * time.Second
	MaxLeeway                  = 60 * time.Second
	DefaultLoginTTL            = 10 * time.Minute
	DefaultJWKSRefreshInterval = time.Minute
	DefaultJWKSCacheTTL        = time.Hour
	DefaultHTTPTimeout         = 10 * time.Second
)

// Config configures a Client. Zero values of optional fields have documented
// defaults; New validates the rest. Config is safe to log: secrets are of type
// Secret.
type Config struct {
	ClientID     string   // required: the client ID registered at DOPA's RP Admin
	ClientSecret Secret   // required: the client secret
	RedirectURL  string   // required: absolute, exactly as registered
	Scopes       []string // nil = DefaultScopes
	Provider     Provider // required: Production, Sandbox, Provider{Issuer: url} or explicit

	HTTPClient *http.Client     // nil = an http.Client with a 10 s timeout
	Now        func() time.Time // nil = time.Now
	Leeway     time.Duration    // clock skew allowed on exp/nbf/iat; 0 = 30 s; above 60 s is refused
	AuthStyle  AuthStyle        // AuthStyleBasic by default; never auto-detected
	APIKey     Secret           // when set, sent in the APIKeyHeader header on token, introspect and revoke
	// APIKeyHeader names the header that carries APIKey: "" = DefaultAPIKeyHeader
	// (x-imauth-apikey); working integrations also send x-api-key. It must be a
	// valid HTTP header name.
	APIKeyHeader string

	// NonceOptional relaxes the nonce check: when false (the default), the ID
	// token of a login must carry the login's nonce; when true, the nonce is
	// checked only if the token carries one.
	NonceOptional bool
	// IntrospectTokenForm is how Introspect sends the token. The zero value,
	// TokenFormDefault, sends "token=Bearer <token>", as both official samples
	// introspect; the bare form was reported refused there.
	IntrospectTokenForm TokenForm
	// RevokeTokenForm is how Revoke sends the token. The zero value,
	// TokenFormDefault, sends the bare token, as both official samples revoke.
	RevokeTokenForm TokenForm
	// RevokeWithBearerPrefix sends "token=Bearer <token>" to both the
	// revocation and the introspection endpoint, unless RevokeTokenForm or
	// IntrospectTokenForm says otherwise.
	//
	// Deprecated: one switch for both endpoints cannot match the official
	// samples, which introspect with the Bearer form and revoke with the bare
	// token, the SDK's defaults since December 2026. Set RevokeTokenForm (and,
	// if needed, IntrospectTokenForm) instead; RevokeWithBearerPrefix: true is
	// RevokeTokenForm: TokenFormBearer.
	RevokeWithBearerPrefix bool

	LoginTTL            time.Duration // 0 = 10 min: an older Login is refused on callback
	JWKSRefreshInterval time.Duration // 0 = 1 min: at most one unknown-kid JWKS refetch per interval
	JWKSCacheTTL        time.Duration // 0 = 1 h: the JWKS is refetched when older than this
}

// Client is a ThaID relying-party client. It is safe for concurrent use; create
// one per application and reuse it, so that the JWKS cache is shared.
type Client struct {
	cfg        Config
	hc         *http.Client // cfg.HTTPClient without redirects, for token/introspect/revoke
	wantOpenID bool
	keys       *keySet // nil without Provider.JWKSURL
}

func defaultHTTPClient() *http.Client { return &http.Client{Timeout: DefaultHTTPTimeout} }

// New validates cfg, fills in defaults, runs OpenID discovery when the
// Provider has neither AuthURL nor TokenURL, and returns a Client. Errors match
// ErrInvalidConfig (and, for failed discovery, also the cause, such as
// ErrProviderUnavailable).
func New(ctx context.Context, cfg Config) (*Client, error) {
	if err := validateStatic(&cfg); err != nil {
		return nil, err
	}
	if cfg.Provider.AuthURL == "" && cfg.Provider.TokenURL == "" {
		if cfg.Provider.Issuer == "" {
			return nil, wrapf(ErrInvalidConfig, "Provider needs an Issuer (for discovery) or explicit endpoints")
		}
		p, err := Discover(ctx, cfg.Provider.Issuer, cfg.HTTPClient)
		if err != nil {
			return nil, wrapErr(ErrInvalidConfig, err)
		}
		if cfg.Provider.SigningAlgs != nil {
			p.SigningAlgs = cfg.Provider.SigningAlgs
		}
		cfg.Provider = p
	}
	if err := validateProvider(&cfg); err != nil {
		return nil, err
	}

	algs := intersectAlgs(cfg.Provider.SigningAlgs)
	if len(algs) == 0 {
		return nil, wrapf(ErrInvalidConfig, "Provider.SigningAlgs %q has no algorithm of the allow-list %q",
			cfg.Provider.SigningAlgs, AllowedSigningAlgs())
	}
	c := &Client{
		cfg:        cfg,
		wantOpenID: slices.Contains(cfg.Scopes, ScopeOpenID),
		hc:         noRedirects(cfg.HTTPClient),
	}
	if cfg.Provider.JWKSURL != "" {
		c.keys = &keySet{url: cfg.Provider.JWKSURL, hc: cfg.HTTPClient, now: cfg.Now, algs: algs,
			ttl: cfg.JWKSCacheTTL, refreshInterval: cfg.JWKSRefreshInterval, fetchTimeout: DefaultHTTPTimeout}
	}
	return c, nil
}

// validateStatic checks the fields that need no provider and fills defaults.
func validateStatic(cfg *Config) error {
	if strings.TrimSpace(cfg.ClientID) == "" {
		return wrapf(ErrInvalidConfig, "ClientID is required")
	}
	if cfg.ClientSecret == "" {
		return wrapf(ErrInvalidConfig, "ClientSecret is required")
	}
	if err := checkURL("RedirectURL", cfg.RedirectURL, true); err != nil {
		return err
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = DefaultScopes
	}
	cfg.Scopes = slices.Clone(cfg.Scopes)
	for _, s := range cfg.Scopes {
		if s == "" || strings.ContainsAny(s, " \t\r\n\"\\") {
			return wrapf(ErrInvalidConfig, "invalid scope %q", s)
		}
	}
	switch {
	case cfg.Leeway < 0:
		return wrapf(ErrInvalidConfig, "Leeway %v is negative", cfg.Leeway)
	case cfg.Leeway > MaxLeeway:
		return wrapf(ErrInvalidConfig, "Leeway %v is above the maximum %v", cfg.Leeway, MaxLeeway)
	case cfg.Leeway == 0:
		cfg.Leeway = DefaultLeeway
	}
	if cfg.AuthStyle != AuthStyleBasic && cfg.AuthStyle != AuthStylePost {
		return wrapf(ErrInvalidConfig, "unknown AuthStyle %d", int(cfg.AuthStyle))
	}
	for _, f := range []struct {
		name string
		v    *TokenForm
		def  TokenForm
	}{
		{"IntrospectTokenForm", &cfg.IntrospectTokenForm, TokenFormBearer},
		{"RevokeTokenForm", &cfg.RevokeTokenForm, TokenFormBare},
	} {
		switch *f.v {
		case TokenFormDefault:
			*f.v = f.def
			if cfg.RevokeWithBearerPrefix {
				*f.v = TokenFormBearer
			}
		case TokenFormBearer, TokenFormBare:
		default:
			return wrapf(ErrInvalidConfig, "unknown %s %d", f.name, int(*f.v))
		}
	}
	if cfg.APIKeyHeader == "" {
		cfg.APIKeyHeader = DefaultAPIKeyHeader
	} else if !validHeaderName(cfg.APIKeyHeader) {
		return wrapf(ErrInvalidConfig, "APIKeyHeader %q is not a valid HTTP header name", truncate(cfg.APIKeyHeader, 64))
	}
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"LoginTTL", &cfg.LoginTTL, DefaultLoginTTL},
		{"JWKSRefreshInterval", &cfg.JWKSRefreshInterval, DefaultJWKSRefreshInterval},
		{"JWKSCacheTTL", &cfg.JWKSCacheTTL, DefaultJWKSCacheTTL},
	} {
		if *d.v < 0 {
			return wrapf(ErrInvalidConfig, "%s %v is negative", d.name, *d.v)
		}
		*d.v = cmp.Or(*d.v, d.def)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = defaultHTTPClient()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Provider.SigningAlgs = slices.Clone(cfg.Provider.SigningAlgs)
	return nil
}

func validateProvider(cfg *Config) error {
	p := &cfg.Provider
	for _, u := range []struct {
		name, v  string
		required bool
	}{
		{"Provider.AuthURL", p.AuthURL, true},
		{"Provider.TokenURL", p.TokenURL, true},
		{"Provider.IntrospectURL", p.IntrospectURL, false},
		{"Provider.RevokeURL", p.RevokeURL, false},
		{"Provider.JWKSURL", p.JWKSURL, false},
		{"Provider.UserInfoURL", p.UserInfoURL, false},
	} {
		if err := checkURL(u.name, u.v, u.required); err != nil {
			return err
		}
	}
	if slices.Contains(cfg.Scopes, ScopeOpenID) {
		if p.Issuer == "" {
			return wrapf(ErrInvalidConfig, "Provider.Issuer is required with the openid scope")
		}
		if p.JWKSURL == "" {
			return wrapf(ErrInvalidConfig, "Provider.JWKSURL is required with the openid scope")
		}
	}
	return nil
}

// tokenChars are the characters of an RFC 9110 token.
const tokenChars = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// validHeaderName reports whether s is an HTTP header field name (an RFC 9110
// token): not empty, and nothing left once its token characters are trimmed.
func validHeaderName(s string) bool {
	return s != "" && strings.TrimLeft(s, tokenChars) == ""
}

func checkURL(name, v string, required bool) error {
	if v == "" {
		if required {
			return wrapf(ErrInvalidConfig, "%s is required", name)
		}
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return wrapf(ErrInvalidConfig, "%s %q is not an absolute http(s) URL", name, v)
	}
	return nil
}

// intersectAlgs returns the allow-list restricted to want (nil = all), as the
// algorithms that the key set parses ID tokens with.
func intersectAlgs(want []string) []jose.SignatureAlgorithm {
	var out []jose.SignatureAlgorithm
	for _, a := range allowedAlgs {
		if want == nil || slices.Contains(want, a) {
			out = append(out, jose.SignatureAlgorithm(a))
		}
	}
	return out
}

// Config returns a copy of the effective configuration: defaults filled in
// (IntrospectTokenForm and RevokeTokenForm are never TokenFormDefault there,
// APIKeyHeader never "") and, when discovery ran, the discovered Provider.
func (c *Client) Config() Config {
	cfg := c.cfg
	cfg.Scopes = slices.Clone(cfg.Scopes)
	cfg.Provider.SigningAlgs = slices.Clone(cfg.Provider.SigningAlgs)
	return cfg
}
