package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/thaid-go/thaid-go/thaid"
)

// providerReport is what the provider sent during one login, as the recorder saw
// it on the wire (before the thaid package interpreted it).
type providerReport struct {
	Issuer string `json:"issuer"`
	// Endpoints tells where the endpoints came from: "discovery", or the preset
	// "thaid.Production" / "thaid.Sandbox".
	Endpoints            string   `json:"endpoints"`
	DiscoverySigningAlgs []string `json:"discovery_signing_algs,omitempty"`
	// TokenStatus is the HTTP status of the token endpoint's answer (0: not reached).
	TokenStatus int `json:"token_status"`
	// IDTokenAlg is the alg of the ID token's header ("" without an ID token).
	IDTokenAlg   string `json:"id_token_alg"`
	IDTokenKeyID string `json:"id_token_kid,omitempty"`
	// ExpiryField is "expire_in", "expires_in", "both" or "none".
	ExpiryField string `json:"expiry_field"`
	// ExpiryForm is "absolute" (a Unix time above 10^9) or "relative" (seconds).
	ExpiryForm  string `json:"expiry_form,omitempty"`
	ExpiryValue any    `json:"expiry_value,omitempty"`
	// ClaimsSource is "id_token" or "flat" (beside the tokens in the token response).
	ClaimsSource            string   `json:"claims_source"`
	FlatClaimsBesideIDToken bool     `json:"flat_claims_beside_id_token"`
	ScopesRequested         []string `json:"scopes_requested"`
	// ScopesGranted are the answer's scope; when it has none (ScopeInResponse
	// false), the scopes requested, as the thaid package then assumes.
	ScopesGranted   []string `json:"scopes_granted"`
	ScopeInResponse bool     `json:"scope_in_response"`
	NonceEchoed     *bool    `json:"nonce_echoed,omitempty"`
	AtHash          *bool    `json:"at_hash,omitempty"`
	RefreshToken    bool     `json:"refresh_token"`
	TokenType       string   `json:"token_type,omitempty"`
	ClientAuth      string   `json:"client_auth"`
	AddressForm     string   `json:"address_form,omitempty"`
	IALType         string   `json:"ial_type,omitempty"`
	ClaimNames      []string `json:"claim_names,omitempty"`

	// SubIsPID tells whether sub is the citizen's PID: "yes" (it equals the pid claim),
	// "likely" (no pid claim to compare, but sub is 13 digits with a valid check digit), "no";
	// "" without a sub. When it is, sub is personal data (this report masks it).
	SubIsPID string `json:"sub_is_pid,omitempty"`
	// AccessTokenSeconds is the access token's lifetime by the token answer (absolute forms
	// rounded to whole minutes); IDTokenSeconds is the ID token's exp − iat;
	// RefreshTokenSeconds is exp − iat of the refresh token's introspection, when it has both.
	AccessTokenSeconds  int `json:"access_token_seconds,omitempty"`
	IDTokenSeconds      int `json:"id_token_seconds,omitempty"`
	RefreshTokenSeconds int `json:"refresh_token_seconds,omitempty"`
	// DiscoveryMembers are the members of the discovery document; DiscoveryNonstandard those
	// no OpenID or OAuth specification defines; DiscoveryMissing the expected ones it lacks.
	DiscoveryMembers     []string `json:"discovery_members,omitempty"`
	DiscoveryNonstandard []string `json:"discovery_nonstandard,omitempty"`
	DiscoveryMissing     []string `json:"discovery_missing,omitempty"`
	// AuthorizeErrors is how a refused authorization request is answered (probed with an
	// unknown response_type): "json" (at once), "redirect" (back to the redirect URL),
	// "page" (an HTML page), "accepted" (not refused).
	AuthorizeErrors string `json:"authorize_errors,omitempty"`
	// IntrospectionTokenForm and RevocationTokenForm are the token forms each endpoint
	// accepts, found by trying both with the login's tokens: "bearer" (token=Bearer <t>),
	// "bare" (token=<t>), "either", "neither". The login's tokens are revoked by the probe.
	IntrospectionTokenForm string `json:"introspection_token_form,omitempty"`
	RevocationTokenForm    string `json:"revocation_token_form,omitempty"`

	discoveryValues map[string]json.RawMessage // for a profile; not printed
}

// configReport is the thaid.Config that fits the provider, with the field names
// of thaid.Config. The client secret is never included.
type configReport struct {
	ClientID      string         `json:"ClientID"`
	RedirectURL   string         `json:"RedirectURL"`
	Scopes        []string       `json:"Scopes"`
	Provider      thaid.Provider `json:"Provider"`
	AuthStyle     string         `json:"AuthStyle"`
	NonceOptional bool           `json:"NonceOptional"`
	// IntrospectTokenForm and RevokeTokenForm are the forms the probe found to work
	// ("bearer" or "bare"; the SDK's defaults when both work or the probe did not run).
	IntrospectTokenForm string `json:"IntrospectTokenForm"`
	RevokeTokenForm     string `json:"RevokeTokenForm"`
	preset              string // "thaid.Sandbox", "thaid.Production" or ""
}

// buildReport reads the recorded token answer of a login. seen is false when the
// token endpoint was never reached.
func buildReport(rec *recorder, cfg thaid.Config, iss issuerFlag, nonce string) (r providerReport, seen bool) {
	r = providerReport{
		Issuer:          cfg.Provider.Issuer,
		Endpoints:       cmp.Or(iss.preset, "discovery"),
		ScopesRequested: cfg.Scopes,
		ClientAuth:      cfg.AuthStyle.String(),
		ExpiryField:     "none",
	}
	if iss.preset == "" {
		r.DiscoverySigningAlgs = cfg.Provider.SigningAlgs
	}
	x, ok := rec.last(http.MethodPost, cfg.Provider.TokenURL)
	if !ok {
		return r, false
	}
	r.TokenStatus = x.status
	m, err := decodeObject(x.body)
	if err != nil || x.status != http.StatusOK {
		return r, true
	}
	r.TokenType, _ = m["token_type"].(string)
	refresh, _ := m["refresh_token"].(string)
	r.RefreshToken = refresh != ""
	_, rel := m["expires_in"]
	_, abs := m["expire_in"]
	var ev any
	switch {
	case rel && abs:
		r.ExpiryField, ev = "both", m["expires_in"]
	case rel:
		r.ExpiryField, ev = "expires_in", m["expires_in"]
	case abs:
		r.ExpiryField, ev = "expire_in", m["expire_in"]
	}
	if ev != nil {
		r.ExpiryValue = ev
		if n, err := strconv.ParseFloat(strings.TrimSpace(fmt.Sprint(ev)), 64); err == nil {
			r.ExpiryForm = "relative"
			if n > 1e9 {
				r.ExpiryForm = "absolute"
			}
			r.AccessTokenSeconds = accessSeconds(r.ExpiryForm, n, x.at)
		}
	}
	r.ScopesGranted = cfg.Scopes
	if s, ok := m["scope"].(string); ok {
		r.ScopesGranted, r.ScopeInResponse = strings.Fields(s), true
	}
	flat := maps.Clone(m)
	for _, k := range []string{"access_token", "token_type", "refresh_token", "id_token", "expires_in", "expire_in", "scope"} {
		delete(flat, k)
	}
	claims := flat
	r.ClaimsSource = "flat"
	if raw, _ := m["id_token"].(string); raw != "" {
		r.ClaimsSource = "id_token"
		r.FlatClaimsBesideIDToken = len(flat) > 0
		if t, err := parseJWT(raw); err == nil {
			r.IDTokenAlg, r.IDTokenKeyID = thaid.MaskPID(t.alg()), thaid.MaskPID(t.kid())
			claims = t.claims
			got, has := t.claims["nonce"].(string)
			echoed := has && got == nonce
			r.NonceEchoed = &echoed
			_, hasAtHash := t.claims["at_hash"]
			r.AtHash = &hasAtHash
			exp, err1 := numberClaim(t.claims["exp"])
			iat, err2 := numberClaim(t.claims["iat"])
			if err1 == nil && err2 == nil && exp > iat {
				r.IDTokenSeconds = int(exp - iat)
			}
		} else {
			r.IDTokenAlg = "(undecodable)"
		}
	}
	switch claims["address"].(type) {
	case string:
		r.AddressForm = "string"
	case map[string]any:
		r.AddressForm = "object"
	}
	switch claims["ial"].(type) {
	case string:
		r.IALType = "string"
	case json.Number:
		r.IALType = "number"
	}
	for k := range claims {
		r.ClaimNames = append(r.ClaimNames, thaid.MaskPID(k)) // a claim may be named by a PID
	}
	if sub, _ := claims["sub"].(string); sub != "" {
		pid, _ := claims["pid"].(string)
		_, err := thaid.ParsePID(sub)
		switch {
		case pid != "" && sub == pid:
			r.SubIsPID = "yes"
		case pid == "" && err == nil:
			r.SubIsPID = "likely"
		default:
			r.SubIsPID = "no"
		}
	}
	sort.Strings(r.ClaimNames)
	return r, true
}

// numberClaim reads a JSON number claim (decoded as json.Number).
func numberClaim(v any) (float64, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("not a number")
	}
	return n.Float64()
}

// fittingConfig returns the thaid.Config fields that fit what the provider sent.
func fittingConfig(cfg thaid.Config, iss issuerFlag, r providerReport) configReport {
	c := configReport{
		ClientID:      cfg.ClientID,
		RedirectURL:   cfg.RedirectURL,
		Scopes:        slices.Clone(cfg.Scopes),
		Provider:      cfg.Provider,
		AuthStyle:     cfg.AuthStyle.String(),
		NonceOptional: r.NonceEchoed != nil && !*r.NonceEchoed,
		preset:        iss.preset,
		// The SDK's defaults, unless the probe found that only the other form works.
		IntrospectTokenForm: thaid.TokenFormBearer.String(),
		RevokeTokenForm:     thaid.TokenFormBare.String(),
	}
	if r.IntrospectionTokenForm == "bare" {
		c.IntrospectTokenForm = thaid.TokenFormBare.String()
	}
	if r.RevocationTokenForm == "bearer" {
		c.RevokeTokenForm = thaid.TokenFormBearer.String()
	}
	if r.IDTokenAlg != "" && slices.Contains(thaid.AllowedSigningAlgs(), r.IDTokenAlg) {
		c.Provider.SigningAlgs = []string{r.IDTokenAlg}
	}
	return c
}

// writeGo prints c as Go source for thaid.New.
func (c configReport) writeGo(w io.Writer) {
	// %q and %#v write strings and string lists as Go source: "x", []string{"a", "b"} (the
	// lists printed here are never nil).
	provider, comment := "provider", ""
	switch {
	case c.preset != "" && c.Provider.SigningAlgs != nil:
		fmt.Fprintf(w, "\tprovider := %s\n\tprovider.SigningAlgs = %#v\n", c.preset, c.Provider.SigningAlgs)
	case c.preset != "":
		provider = c.preset
	case c.Provider.SigningAlgs != nil:
		provider = fmt.Sprintf("thaid.Provider{Issuer: %q, SigningAlgs: %#v}", c.Provider.Issuer, c.Provider.SigningAlgs)
		comment = " // endpoints by discovery"
	default:
		provider, comment = fmt.Sprintf("thaid.Provider{Issuer: %q}", c.Provider.Issuer), " // endpoints by discovery"
	}
	fmt.Fprintf(w, "\tclient, err := thaid.New(ctx, thaid.Config{\n")
	fmt.Fprintf(w, "\t\tClientID:     %q,\n", c.ClientID)
	fmt.Fprintf(w, "\t\tClientSecret: thaid.Secret(os.Getenv(\"THAID_CLIENT_SECRET\")),\n")
	fmt.Fprintf(w, "\t\tRedirectURL:  %q, // your app's registered redirect URL in production\n", c.RedirectURL)
	if slices.Contains(c.Scopes, thaid.ScopeOpenID) {
		fmt.Fprintf(w, "\t\tScopes:       %#v,\n", c.Scopes)
	} else {
		fmt.Fprintf(w, "\t\tScopes:       %#v, // add \"openid\" for claims in a signed ID token\n", c.Scopes)
	}
	fmt.Fprintf(w, "\t\tProvider:     %s,%s\n", provider, comment)
	if c.AuthStyle == thaid.AuthStylePost.String() {
		fmt.Fprintf(w, "\t\tAuthStyle:    thaid.AuthStylePost,\n")
	}
	if c.NonceOptional {
		fmt.Fprintf(w, "\t\tNonceOptional: true, // this provider's ID token carried no nonce\n")
	}
	if c.IntrospectTokenForm == thaid.TokenFormBare.String() {
		fmt.Fprintf(w, "\t\tIntrospectTokenForm: thaid.TokenFormBare, // this provider's introspection takes the bare token only\n")
	}
	if c.RevokeTokenForm == thaid.TokenFormBearer.String() {
		fmt.Fprintf(w, "\t\tRevokeTokenForm: thaid.TokenFormBearer, // this provider's revocation takes token=Bearer <t> only\n")
	}
	fmt.Fprintf(w, "\t})\n")
}

// writeText prints the report for a person.
func (r providerReport) writeText(w io.Writer) {
	row := func(k, format string, a ...any) { fmt.Fprintf(w, "  %-28s %s\n", k, fmt.Sprintf(format, a...)) }
	optional := func(k, v string) { // a row only for what the login observed
		if v != "" {
			row(k, "%s", v)
		}
	}
	yesNo := map[bool]string{true: "yes", false: "no"}
	row("issuer", "%s", r.Issuer)
	row("endpoints", "%s", r.Endpoints)
	if len(r.DiscoverySigningAlgs) > 0 {
		row("discovery signing algs", "%s", strings.Join(r.DiscoverySigningAlgs, " "))
	}
	row("token endpoint answer", "HTTP %d", r.TokenStatus)
	if r.IDTokenAlg != "" {
		row("id_token_alg", "%s (kid %s)", r.IDTokenAlg, cmp.Or(r.IDTokenKeyID, "-"))
	} else {
		row("id_token_alg", "- (no ID token)")
	}
	if r.ExpiryForm == "" {
		row("expiry_field", "%s", r.ExpiryField)
	} else {
		row("expiry_field", "%s = %v (%s)", r.ExpiryField, r.ExpiryValue, r.ExpiryForm)
	}
	lifetimes := []string{}
	for _, l := range []struct {
		name string
		s    int
	}{{"access", r.AccessTokenSeconds}, {"id", r.IDTokenSeconds}, {"refresh", r.RefreshTokenSeconds}} {
		if l.s > 0 {
			lifetimes = append(lifetimes, fmt.Sprintf("%s %s", l.name, time.Duration(l.s)*time.Second))
		}
	}
	optional("token lifetimes", strings.Join(lifetimes, ", "))
	row("claims_source", "%s", r.ClaimsSource)
	if r.ClaimsSource == "id_token" {
		row("flat claims beside id_token", "%s", yesNo[r.FlatClaimsBesideIDToken])
	}
	row("scopes requested", "%s", strings.Join(r.ScopesRequested, " "))
	if r.ScopeInResponse {
		row("scopes_granted", "%s", strings.Join(r.ScopesGranted, " "))
	} else {
		row("scopes_granted", "%s (no scope in the answer: taken as requested)", strings.Join(r.ScopesGranted, " "))
	}
	if r.NonceEchoed != nil {
		row("nonce echoed in id_token", "%s", yesNo[*r.NonceEchoed])
	}
	if r.AtHash != nil {
		row("at_hash in id_token", "%s", yesNo[*r.AtHash])
	}
	row("refresh_token", "%s", yesNo[r.RefreshToken])
	row("token_type", "%s", cmp.Or(r.TokenType, "-"))
	if r.TokenStatus == http.StatusOK {
		row("client authentication", "%s (accepted)", r.ClientAuth)
	} else {
		row("client authentication", "%s", r.ClientAuth)
	}
	optional("address form", r.AddressForm)
	optional("ial type", r.IALType)
	row("claims", "%s", strings.Join(r.ClaimNames, " "))
	optional("sub is the PID", map[string]string{
		"yes":    "yes: sub equals the pid claim, so sub is personal data (masked here)",
		"likely": "likely: sub is 13 digits with a valid check digit (no pid claim to compare); treat it as personal data",
		"no":     "no",
	}[r.SubIsPID])
	if r.DiscoveryMembers != nil {
		row("discovery non-standard", "%s", cmp.Or(strings.Join(r.DiscoveryNonstandard, " "), "-"))
		row("discovery missing", "%s", cmp.Or(strings.Join(r.DiscoveryMissing, " "), "-"))
	}
	optional("authorize refusals", map[string]string{
		"json": "json (answered at once, never redirected)", "redirect": "redirect (back to the redirect URL with error=...)",
		"page": "page (an HTML page, no JSON error)", "accepted": "accepted (an unknown response_type was not refused)",
	}[r.AuthorizeErrors])
	forms := map[string]string{"bearer": "token=Bearer <t>", "bare": "token=<t> (bare)", "either": "either form", "neither": "neither form"}
	optional("introspection takes", forms[r.IntrospectionTokenForm])
	optional("revocation takes", forms[r.RevocationTokenForm])
}
