package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

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
	preset        string         // "thaid.Sandbox", "thaid.Production" or ""
}

// buildReport reads the recorded token answer of a login. seen is false when the
// token endpoint was never reached.
func buildReport(rec *recorder, cfg thaid.Config, iss issuerFlag, requested []string, nonce string) (r providerReport, seen bool) {
	r = providerReport{
		Issuer:          cfg.Provider.Issuer,
		Endpoints:       "discovery",
		ScopesRequested: requested,
		ClientAuth:      cfg.AuthStyle.String(),
		ExpiryField:     "none",
	}
	if iss.name != "" {
		r.Endpoints = presetName(iss)
	} else {
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
	if s, _ := m["refresh_token"].(string); s != "" {
		r.RefreshToken = true
	}
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
		}
	}
	r.ScopesGranted = requested
	if s, ok := m["scope"].(string); ok {
		r.ScopesGranted, r.ScopeInResponse = strings.Fields(s), true
	}
	flat := map[string]any{}
	for k, v := range m {
		switch k {
		case "access_token", "token_type", "refresh_token", "id_token", "expires_in", "expire_in", "scope":
		default:
			flat[k] = v
		}
	}
	claims := flat
	r.ClaimsSource = "flat"
	if raw, _ := m["id_token"].(string); raw != "" {
		r.ClaimsSource = "id_token"
		r.FlatClaimsBesideIDToken = len(flat) > 0
		if t, err := parseJWT(raw); err == nil {
			r.IDTokenAlg, r.IDTokenKeyID = t.alg(), t.kid()
			claims = t.claims
			got, has := t.claims["nonce"].(string)
			echoed := has && got == nonce
			r.NonceEchoed = &echoed
			_, hasAtHash := t.claims["at_hash"]
			r.AtHash = &hasAtHash
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
		r.ClaimNames = append(r.ClaimNames, k)
	}
	sort.Strings(r.ClaimNames)
	return r, true
}

func presetName(iss issuerFlag) string {
	switch iss.name {
	case "production":
		return "thaid.Production"
	case "sandbox":
		return "thaid.Sandbox"
	}
	return ""
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
		preset:        presetName(iss),
	}
	if r.IDTokenAlg != "" && slices.Contains(thaid.AllowedSigningAlgs(), r.IDTokenAlg) {
		c.Provider.SigningAlgs = []string{r.IDTokenAlg}
	}
	return c
}

// writeGo prints c as Go source for thaid.New.
func (c configReport) writeGo(w io.Writer) {
	q := strconv.Quote
	list := func(xs []string) string {
		qs := make([]string, len(xs))
		for i, x := range xs {
			qs[i] = q(x)
		}
		return "[]string{" + strings.Join(qs, ", ") + "}"
	}
	provider, comment := "provider", ""
	switch {
	case c.preset != "" && c.Provider.SigningAlgs != nil:
		fmt.Fprintf(w, "\tprovider := %s\n\tprovider.SigningAlgs = %s\n", c.preset, list(c.Provider.SigningAlgs))
	case c.preset != "":
		provider = c.preset
	case c.Provider.SigningAlgs != nil:
		provider = fmt.Sprintf("thaid.Provider{Issuer: %s, SigningAlgs: %s}", q(c.Provider.Issuer), list(c.Provider.SigningAlgs))
		comment = " // endpoints by discovery"
	default:
		provider, comment = fmt.Sprintf("thaid.Provider{Issuer: %s}", q(c.Provider.Issuer)), " // endpoints by discovery"
	}
	fmt.Fprintf(w, "\tclient, err := thaid.New(ctx, thaid.Config{\n")
	fmt.Fprintf(w, "\t\tClientID:     %s,\n", q(c.ClientID))
	fmt.Fprintf(w, "\t\tClientSecret: thaid.Secret(os.Getenv(\"THAID_CLIENT_SECRET\")),\n")
	fmt.Fprintf(w, "\t\tRedirectURL:  %s, // your app's registered redirect URL in production\n", q(c.RedirectURL))
	if slices.Contains(c.Scopes, thaid.ScopeOpenID) {
		fmt.Fprintf(w, "\t\tScopes:       %s,\n", list(c.Scopes))
	} else {
		fmt.Fprintf(w, "\t\tScopes:       %s, // add \"openid\" for claims in a signed ID token\n", list(c.Scopes))
	}
	fmt.Fprintf(w, "\t\tProvider:     %s,%s\n", provider, comment)
	if c.AuthStyle == thaid.AuthStylePost.String() {
		fmt.Fprintf(w, "\t\tAuthStyle:    thaid.AuthStylePost,\n")
	}
	if c.NonceOptional {
		fmt.Fprintf(w, "\t\tNonceOptional: true, // this provider's ID token carried no nonce\n")
	}
	fmt.Fprintf(w, "\t})\n")
}

// writeText prints the report for a person.
func (r providerReport) writeText(w io.Writer) {
	row := func(k, format string, a ...any) { fmt.Fprintf(w, "  %-28s %s\n", k, fmt.Sprintf(format, a...)) }
	yesNo := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	row("issuer", "%s", r.Issuer)
	row("endpoints", "%s", r.Endpoints)
	if len(r.DiscoverySigningAlgs) > 0 {
		row("discovery signing algs", "%s", strings.Join(r.DiscoverySigningAlgs, " "))
	}
	row("token endpoint answer", "HTTP %d", r.TokenStatus)
	if r.IDTokenAlg != "" {
		row("id_token_alg", "%s (kid %s)", r.IDTokenAlg, orDash(r.IDTokenKeyID))
	} else {
		row("id_token_alg", "- (no ID token)")
	}
	switch r.ExpiryForm {
	case "":
		row("expiry_field", "%s", r.ExpiryField)
	default:
		row("expiry_field", "%s = %v (%s)", r.ExpiryField, r.ExpiryValue, r.ExpiryForm)
	}
	row("claims_source", "%s", r.ClaimsSource)
	if r.ClaimsSource == "id_token" {
		row("flat claims beside id_token", "%s", yesNo(r.FlatClaimsBesideIDToken))
	}
	row("scopes requested", "%s", strings.Join(r.ScopesRequested, " "))
	if r.ScopeInResponse {
		row("scopes_granted", "%s", strings.Join(r.ScopesGranted, " "))
	} else {
		row("scopes_granted", "%s (no scope in the answer: taken as requested)", strings.Join(r.ScopesGranted, " "))
	}
	if r.NonceEchoed != nil {
		row("nonce echoed in id_token", "%s", yesNo(*r.NonceEchoed))
	}
	if r.AtHash != nil {
		row("at_hash in id_token", "%s", yesNo(*r.AtHash))
	}
	row("refresh_token", "%s", yesNo(r.RefreshToken))
	row("token_type", "%s", orDash(r.TokenType))
	if r.TokenStatus == http.StatusOK {
		row("client authentication", "%s (accepted)", r.ClientAuth)
	} else {
		row("client authentication", "%s", r.ClientAuth)
	}
	if r.AddressForm != "" {
		row("address form", "%s", r.AddressForm)
	}
	if r.IALType != "" {
		row("ial type", "%s", r.IALType)
	}
	row("claims", "%s", strings.Join(r.ClaimNames, " "))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
