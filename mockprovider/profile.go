package mockprovider

import (
	"bytes"
	"cmp"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// ProfileFormat is the format name and version of a provider profile, the value of its
// "profile" member. A profile of another format is refused.
const ProfileFormat = "thaid-provider/1"

// DefaultProfileName is the built-in profile that New uses when Options.Profile is nil: DOPA's
// ThaID sandbox as a public integration recorded it in August 2026.
const DefaultProfileName = "sandbox-2026-08"

// LegacyProfileName is the built-in profile of this mock's own defaults before it followed the
// recorded sandbox (until thaid-go's December 2026 release): opaque sub, relative expires_in,
// the address as a string, refresh tokens for 24 h, the full standard discovery document,
// authorize errors as a "Bad data request" page or a redirect, either token form accepted by
// introspection and revocation. Existing test suites that relied on those can pin it.
const LegacyProfileName = "legacy-mock"

//go:embed profiles/*.json
var builtinProfiles embed.FS

// Profile is what a provider does, as data: the members of its discovery document, the shape of
// its token answers, the forms of its claims, how it answers refused authorization requests and
// which token form its introspection and revocation endpoints take. It is a versioned JSON
// document (ProfileFormat); LoadProfile reads one, and Options.Profile makes a Server replay it.
//
// The built-in profiles are DefaultProfileName (the default) and LegacyProfileName. The thaid
// command's "thaid login -profile FILE" writes the profile of the provider it just logged in to,
// so that an agency can attach one file to an issue and every test suite can run against that
// provider's behaviour. A profile holds shapes and forms only: no secret, token, PID, name or
// other personal value.
//
// A zero (omitted) member means "as the default profile": New fills it from DefaultProfileName.
// Every string member has a fixed set of values, and LoadProfile refuses unknown members, so
// that a typo is an error instead of a silent fall-back to the default.
//
//	{
//	  "profile": "thaid-provider/1",
//	  "source": "where and when it was observed",
//	  "notes": ["free text"],
//	  "discovery": {"members": ["issuer", "authorization_endpoint", ...], "values": {"scopes_supported": [...]}},
//	  "authorize": {"errors": "json"},
//	  "token": {"expiry": "expires_in-absolute", "access_token_seconds": 900, "refresh_token_seconds": 900,
//	            "rotate_refresh_tokens": false, "flat_claims_with_openid": false, "code_error": "invalid_request"},
//	  "id_token": {"alg": "ES256", "seconds": 900, "nonce": "echoed", "at_hash": "present"},
//	  "claims": {"sub": "pid", "address": "object", "ial": "string"},
//	  "introspection": {"token": "bearer"},
//	  "revocation": {"token": "bare"}
//	}
type Profile struct {
	// Format must be ProfileFormat.
	Format string `json:"profile"`
	// Source says where and when the behaviour was observed (free text).
	Source string `json:"source,omitempty"`
	// Notes are remarks for people (free text), e.g. what is assumed rather than observed.
	Notes []string `json:"notes,omitempty"`

	Discovery     DiscoveryProfile     `json:"discovery,omitzero"`
	Authorize     AuthorizeProfile     `json:"authorize,omitzero"`
	Token         TokenProfile         `json:"token,omitzero"`
	IDToken       IDTokenProfile       `json:"id_token,omitzero"`
	Claims        ClaimsProfile        `json:"claims,omitzero"`
	Introspection TokenEndpointProfile `json:"introspection,omitzero"`
	Revocation    TokenEndpointProfile `json:"revocation,omitzero"`
}

// DiscoveryProfile lists the members of the discovery document.
type DiscoveryProfile struct {
	// Members are the member names served, in any order. nil = the default profile's; an
	// empty list is refused. The
	// issuer, the endpoint URLs (names ending in _endpoint or _uri) and
	// id_token_signing_alg_values_supported are always the mock's own values; a URL member the
	// mock does not know points to a path it answers 404. Any other member needs a value: the
	// mock's own (see DiscoveryMemberNames) or one in Values.
	Members []string `json:"members,omitempty"`
	// Values are the values of members other than the URLs and the signing algorithms, as the
	// provider sent them (scopes_supported, grant_types_supported, ...). Each must be listed in
	// Members. A member without a value here gets the mock's own.
	Values map[string]json.RawMessage `json:"values,omitempty"`
}

// AuthorizeProfile is how the authorization endpoint answers a request it refuses.
type AuthorizeProfile struct {
	// Errors is AuthorizeErrorsJSON or AuthorizeErrorsRedirect ("" = the default profile's).
	Errors AuthorizeErrorStyle `json:"errors,omitempty"`
}

// TokenProfile is the shape of the token endpoint's answers.
type TokenProfile struct {
	// Expiry is the member and form of the access token's expiry ("" = the default profile's).
	Expiry ExpiryStyle `json:"expiry,omitempty"`
	// AccessTokenSeconds is the access token's lifetime (0 = the default profile's).
	AccessTokenSeconds int `json:"access_token_seconds,omitempty"`
	// RefreshTokenSeconds is the refresh token's lifetime (0 = the default profile's).
	RefreshTokenSeconds int `json:"refresh_token_seconds,omitempty"`
	// RotateRefreshTokens: a refresh returns a new refresh token and ends the old one.
	RotateRefreshTokens bool `json:"rotate_refresh_tokens,omitempty"`
	// FlatClaimsWithOpenID: the claims also come flat beside the id_token.
	FlatClaimsWithOpenID bool `json:"flat_claims_with_openid,omitempty"`
	// CodeError is the error for a bad code or redirect_uri at the token endpoint:
	// "invalid_request" (the manual) or "invalid_grant" (RFC 6749). "" = the default profile's.
	CodeError string `json:"code_error,omitempty"`
}

// IDTokenProfile is the shape of the ID token.
type IDTokenProfile struct {
	// Alg is the signing algorithm, "ES256" or "RS256" ("" = the default profile's).
	Alg string `json:"alg,omitempty"`
	// Seconds is the ID token's lifetime, exp − iat (0 = the default profile's).
	Seconds int `json:"seconds,omitempty"`
	// Nonce is "echoed" (the nonce of the authorization request comes back in the ID token) or
	// "absent" (it never does). "" = the default profile's.
	Nonce string `json:"nonce,omitempty"`
	// AtHash is "present" or "absent" ("" = the default profile's).
	AtHash string `json:"at_hash,omitempty"`
}

// ClaimsProfile is the form of the claims.
type ClaimsProfile struct {
	// Sub is SubPID or SubOpaque ("" = the default profile's).
	Sub SubStyle `json:"sub,omitempty"`
	// Address is AddressObject or AddressString ("" = the default profile's).
	Address AddressStyle `json:"address,omitempty"`
	// IAL is "string" or "number" ("" = the default profile's).
	IAL string `json:"ial,omitempty"`
}

// TokenEndpointProfile is the token form taken by the introspection or revocation endpoint.
type TokenEndpointProfile struct {
	// Token is TokenFormBearer, TokenFormBare or TokenFormEither ("" = the default profile's).
	Token TokenForm `json:"token,omitempty"`
}

// ExpiryStyle is how the token answer tells the access token's lifetime.
type ExpiryStyle string

const (
	// ExpiresInAbsolute sends "expires_in" as an absolute Unix time, as DOPA's official
	// samples read it. It is the default.
	ExpiresInAbsolute ExpiryStyle = "expires_in-absolute"
	// ExpiryRelative sends "expires_in" as seconds from now (standard OAuth; the mock's
	// default before the recorded sandbox).
	ExpiryRelative ExpiryStyle = "expires_in-relative"
	// ExpiryAbsolute sends "expire_in" as an absolute Unix time, as DOPA's manual shows it.
	ExpiryAbsolute ExpiryStyle = "expire_in-absolute"
)

// AddressStyle is how the address claim is encoded.
type AddressStyle string

const (
	// AddressObject sends {"formatted": "...", ...Citizen.AddressDetail}, as production
	// relying parties read it (address.formatted). It is the default.
	AddressObject AddressStyle = "object"
	// AddressString sends the address as one string.
	AddressString AddressStyle = "string"
)

// SubStyle is what the sub claim holds.
type SubStyle string

const (
	// SubPID: sub is the citizen's 13-digit PID, as recorded on the real sandbox. It is the
	// default. A relying party then learns the PID through sub even without the pid scope.
	SubPID SubStyle = "pid"
	// SubOpaque: sub is a stable 13-digit number derived from the PID, not the PID (the
	// mock's default before the recorded sandbox).
	SubOpaque SubStyle = "opaque"
)

// AuthorizeErrorStyle is how the authorization endpoint answers a request it refuses.
type AuthorizeErrorStyle string

const (
	// AuthorizeErrorsJSON answers at once, never redirecting, with a JSON error body: 401
	// unauthorized_client for an unknown client_id; 400 invalid_request "The redirect or
	// callback url mismatch" for a redirect_uri that is not registered; 400 invalid_scope,
	// unsupported_response_type or invalid_request for the rest. As recorded on the sandbox;
	// the default.
	AuthorizeErrorsJSON AuthorizeErrorStyle = "json"
	// AuthorizeErrorsRedirect answers an unknown client_id or a redirect_uri mismatch with the
	// HTML "Bad data request" page (400) of DOPA's manual, and redirects the other refusals to
	// redirect_uri with error, error_description and state (RFC 6749 4.1.2.1).
	AuthorizeErrorsRedirect AuthorizeErrorStyle = "redirect"
)

// TokenForm is the form of the token parameter that an introspection or revocation endpoint
// takes.
type TokenForm string

const (
	// TokenFormBearer takes "token=Bearer <t>" and refuses a bare token with 400
	// invalid_request. The default for introspection, as both official samples introspect
	// and as the bare form was reported refused (the real refusal's shape is not recorded).
	TokenFormBearer TokenForm = "bearer"
	// TokenFormBare takes "token=<t>". A "Bearer <t>" value is taken as it is, so it names no
	// token: introspection answers {"active":false}, revocation answers OK and revokes nothing.
	// The default for revocation, as both official samples revoke.
	TokenFormBare TokenForm = "bare"
	// TokenFormEither takes both forms (the mock's behaviour before the recorded sandbox).
	TokenFormEither TokenForm = "either"
)

// The values of each style and form, in the order error messages list them (Profile.Validate,
// Options.validate).
var (
	expiryStyles         = []string{string(ExpiresInAbsolute), string(ExpiryRelative), string(ExpiryAbsolute)}
	addressStyles        = []string{string(AddressObject), string(AddressString)}
	subStyles            = []string{string(SubPID), string(SubOpaque)}
	authorizeErrorStyles = []string{string(AuthorizeErrorsJSON), string(AuthorizeErrorsRedirect)}
	tokenForms           = []string{string(TokenFormBearer), string(TokenFormBare), string(TokenFormEither)}
)

// discoveryComputed are the members whose value is always the mock's own: a value for them in a
// profile is refused.
func discoveryComputed(name string) bool {
	return name == "issuer" || name == "id_token_signing_alg_values_supported" ||
		strings.HasSuffix(name, "_endpoint") || strings.HasSuffix(name, "_uri")
}

// BuiltinProfileNames lists the names BuiltinProfile knows, sorted.
func BuiltinProfileNames() []string {
	ents, _ := builtinProfiles.ReadDir("profiles")
	var out []string
	for _, e := range ents {
		out = append(out, strings.TrimSuffix(e.Name(), ".json"))
	}
	slices.Sort(out)
	return out
}

// BuiltinProfile returns a fresh copy of a built-in profile (see BuiltinProfileNames). The
// error wraps ErrInvalidProfile for an unknown name.
func BuiltinProfile(name string) (*Profile, error) {
	b, err := builtinProfiles.ReadFile("profiles/" + name + ".json")
	if err != nil {
		return nil, fmt.Errorf("%w: no built-in profile %q (built in: %s)", ErrInvalidProfile, name,
			strings.Join(BuiltinProfileNames(), ", "))
	}
	return LoadProfile(bytes.NewReader(b))
}

// DefaultProfile returns a fresh copy of the default profile, DefaultProfileName: DOPA's ThaID
// sandbox as a public integration recorded it in August 2026 (see its source and notes).
func DefaultProfile() *Profile {
	p, err := BuiltinProfile(DefaultProfileName)
	if err != nil {
		panic("mockprovider: the embedded default profile is invalid: " + err.Error())
	}
	return p
}

// LoadProfile reads one JSON profile and validates it. Unknown members, a format other than
// ProfileFormat, values outside each member's set, and anything after the object are refused
// with an error that wraps ErrInvalidProfile. Omitted members stay zero (New takes them from
// the default profile).
func LoadProfile(r io.Reader) (*Profile, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var p Profile
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidProfile, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: data after the profile object", ErrInvalidProfile)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// Validate checks the format and every member's value. Errors wrap ErrInvalidProfile.
func (p *Profile) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidProfile, fmt.Sprintf(format, a...))
	}
	if p.Format != ProfileFormat {
		return bad("\"profile\" is %q, want %q", p.Format, ProfileFormat)
	}
	if p.Discovery.Members != nil && len(p.Discovery.Members) == 0 {
		return bad("discovery.members is empty (leave it out for the default members)")
	}
	seen := map[string]bool{}
	for _, m := range p.Discovery.Members {
		if m == "" || seen[m] {
			return bad("discovery.members: empty or repeated member %q", m)
		}
		seen[m] = true
		_, known := discoveryDefaults[m]
		_, valued := p.Discovery.Values[m]
		if !known && !valued && !discoveryComputed(m) {
			return bad("discovery.members: %q is not a member the mock knows (%s) and has no value in discovery.values",
				m, strings.Join(DiscoveryMemberNames(), " "))
		}
	}
	for name, v := range p.Discovery.Values {
		switch {
		case !seen[name]:
			return bad("discovery.values: %q is not in discovery.members", name)
		case discoveryComputed(name):
			return bad("discovery.values: %q is always the mock's own value", name)
		case !json.Valid(v):
			return bad("discovery.values: %q is not valid JSON", name)
		}
	}
	for _, c := range []struct {
		name, v string
		ok      []string
	}{
		{"authorize.errors", string(p.Authorize.Errors), authorizeErrorStyles},
		{"token.expiry", string(p.Token.Expiry), expiryStyles},
		{"token.code_error", p.Token.CodeError, []string{"invalid_request", "invalid_grant"}},
		{"id_token.alg", p.IDToken.Alg, []string{"ES256", "RS256"}},
		{"id_token.nonce", p.IDToken.Nonce, []string{"echoed", "absent"}},
		{"id_token.at_hash", p.IDToken.AtHash, []string{"present", "absent"}},
		{"claims.sub", string(p.Claims.Sub), subStyles},
		{"claims.address", string(p.Claims.Address), addressStyles},
		{"claims.ial", p.Claims.IAL, []string{"string", "number"}},
		{"introspection.token", string(p.Introspection.Token), tokenForms},
		{"revocation.token", string(p.Revocation.Token), tokenForms},
	} {
		if c.v != "" && !slices.Contains(c.ok, c.v) {
			return bad("%s is %q, want one of %s", c.name, c.v, strings.Join(c.ok, ", "))
		}
	}
	for name, n := range map[string]int{"token.access_token_seconds": p.Token.AccessTokenSeconds,
		"token.refresh_token_seconds": p.Token.RefreshTokenSeconds, "id_token.seconds": p.IDToken.Seconds} {
		if n < 0 {
			return bad("%s is negative", name)
		}
	}
	return nil
}

// withDefaults returns p with every zero member taken from def. p must be valid: without
// discovery members it has no discovery values either (Validate), so both are def's.
func (p Profile) withDefaults(def *Profile) Profile {
	if p.Discovery.Members == nil {
		p.Discovery.Members = slices.Clone(def.Discovery.Members)
		p.Discovery.Values = def.Discovery.Values
	}
	p.Authorize.Errors = cmp.Or(p.Authorize.Errors, def.Authorize.Errors)
	p.Token.Expiry = cmp.Or(p.Token.Expiry, def.Token.Expiry)
	p.Token.AccessTokenSeconds = cmp.Or(p.Token.AccessTokenSeconds, def.Token.AccessTokenSeconds)
	p.Token.RefreshTokenSeconds = cmp.Or(p.Token.RefreshTokenSeconds, def.Token.RefreshTokenSeconds)
	p.Token.CodeError = cmp.Or(p.Token.CodeError, def.Token.CodeError)
	p.IDToken.Alg = cmp.Or(p.IDToken.Alg, def.IDToken.Alg)
	p.IDToken.Seconds = cmp.Or(p.IDToken.Seconds, def.IDToken.Seconds)
	p.IDToken.Nonce = cmp.Or(p.IDToken.Nonce, def.IDToken.Nonce)
	p.IDToken.AtHash = cmp.Or(p.IDToken.AtHash, def.IDToken.AtHash)
	p.Claims.Sub = cmp.Or(p.Claims.Sub, def.Claims.Sub)
	p.Claims.Address = cmp.Or(p.Claims.Address, def.Claims.Address)
	p.Claims.IAL = cmp.Or(p.Claims.IAL, def.Claims.IAL)
	p.Introspection.Token = cmp.Or(p.Introspection.Token, def.Introspection.Token)
	p.Revocation.Token = cmp.Or(p.Revocation.Token, def.Revocation.Token)
	return p
}
