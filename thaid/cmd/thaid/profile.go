package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

// The provider profile that "thaid login -profile FILE" writes: what the provider did during
// the login, as shapes and forms only (no secret, token, PID, name or other personal value).
// The format is mockprovider's "thaid-provider/1" (see mockprovider.Profile), written here with
// types of its own: the thaid packages import nothing of the mock, which is an independent
// implementation of the protocol. A member the login could not observe is left out, and the
// mock takes its default for it; the notes say which.

// profileFormat is the format name and version written.
const profileFormat = "thaid-provider/1"

type profileDoc struct {
	Format        string            `json:"profile"`
	Source        string            `json:"source"`
	Notes         []string          `json:"notes,omitempty"`
	Discovery     *profileDiscovery `json:"discovery,omitempty"`
	Authorize     *profileAuthorize `json:"authorize,omitempty"`
	Token         profileToken      `json:"token"`
	IDToken       *profileIDToken   `json:"id_token,omitempty"`
	Claims        *profileClaims    `json:"claims,omitempty"`
	Introspection *profileForm      `json:"introspection,omitempty"`
	Revocation    *profileForm      `json:"revocation,omitempty"`
}

type profileDiscovery struct {
	Members []string                   `json:"members"`
	Values  map[string]json.RawMessage `json:"values,omitempty"`
}

type profileAuthorize struct {
	Errors string `json:"errors"`
}

type profileToken struct {
	Expiry               string `json:"expiry,omitempty"`
	AccessTokenSeconds   int    `json:"access_token_seconds,omitempty"`
	RefreshTokenSeconds  int    `json:"refresh_token_seconds,omitempty"`
	FlatClaimsWithOpenID bool   `json:"flat_claims_with_openid,omitempty"`
}

type profileIDToken struct {
	Alg     string `json:"alg,omitempty"`
	Seconds int    `json:"seconds,omitempty"`
	Nonce   string `json:"nonce,omitempty"`
	AtHash  string `json:"at_hash,omitempty"`
}

type profileClaims struct {
	Sub     string `json:"sub,omitempty"`
	Address string `json:"address,omitempty"`
	IAL     string `json:"ial,omitempty"`
}

type profileForm struct {
	Token string `json:"token"`
}

// discoveryOwnValue reports whether a discovery member's value is the provider's own URL or
// algorithm list, which a replaying mock replaces by its own: its value is not written.
func discoveryOwnValue(name string) bool {
	return name == "issuer" || name == "id_token_signing_alg_values_supported" ||
		strings.HasSuffix(name, "_endpoint") || strings.HasSuffix(name, "_uri")
}

// buildProfile turns a login's report into a profile. now dates its source.
func buildProfile(r providerReport, now time.Time) profileDoc {
	p := profileDoc{Format: profileFormat,
		Source: fmt.Sprintf("thaid login against %s on %s", r.Issuer, now.UTC().Format("2006-01-02"))}
	var unseen []string
	if r.DiscoveryMembers != nil {
		d := &profileDiscovery{Members: r.DiscoveryMembers, Values: map[string]json.RawMessage{}} // empty: left out
		for _, m := range r.DiscoveryMembers {
			if v, ok := r.discoveryValues[m]; ok && !discoveryOwnValue(m) {
				var b bytes.Buffer
				if json.Compact(&b, v) == nil {
					d.Values[m] = b.Bytes()
				}
			}
		}
		p.Discovery = d
	} else {
		unseen = append(unseen, "discovery")
	}
	switch r.AuthorizeErrors {
	case "json", "redirect":
		p.Authorize = &profileAuthorize{Errors: r.AuthorizeErrors}
	default:
		unseen = append(unseen, "authorize.errors ("+cmp.Or(r.AuthorizeErrors, "-")+")")
	}
	switch e := r.ExpiryField + "-" + r.ExpiryForm; e {
	case "expires_in-absolute", "expires_in-relative", "expire_in-absolute":
		p.Token.Expiry = e
	default:
		unseen = append(unseen, "token.expiry ("+r.ExpiryField+" "+cmp.Or(r.ExpiryForm, "-")+")")
	}
	p.Token.AccessTokenSeconds = r.AccessTokenSeconds
	p.Token.RefreshTokenSeconds = r.RefreshTokenSeconds
	if r.RefreshTokenSeconds == 0 {
		unseen = append(unseen, "token.refresh_token_seconds")
	}
	p.Token.FlatClaimsWithOpenID = r.ClaimsSource == "id_token" && r.FlatClaimsBesideIDToken
	unseen = append(unseen, "token.rotate_refresh_tokens", "token.code_error")
	if r.ClaimsSource == "id_token" && r.IDTokenAlg != "" {
		idt := &profileIDToken{Seconds: r.IDTokenSeconds}
		if r.IDTokenAlg == "ES256" || r.IDTokenAlg == "RS256" {
			idt.Alg = r.IDTokenAlg
		} else {
			unseen = append(unseen, "id_token.alg ("+r.IDTokenAlg+", which the mock cannot sign with)")
		}
		if r.NonceEchoed != nil {
			idt.Nonce = map[bool]string{true: "echoed", false: "absent"}[*r.NonceEchoed]
		}
		if r.AtHash != nil {
			idt.AtHash = map[bool]string{true: "present", false: "absent"}[*r.AtHash]
		}
		p.IDToken = idt
	} else {
		unseen = append(unseen, "id_token")
	}
	c := &profileClaims{Address: r.AddressForm, IAL: r.IALType}
	switch r.SubIsPID {
	case "yes", "likely":
		c.Sub = "pid"
	case "no":
		c.Sub = "opaque"
	}
	for name, v := range map[string]string{"claims.sub": c.Sub, "claims.address": c.Address, "claims.ial": c.IAL} {
		if v == "" {
			unseen = append(unseen, name)
		}
	}
	if *c != (profileClaims{}) {
		p.Claims = c
	}
	for _, f := range []struct {
		name, form string
		dst        **profileForm
	}{{"introspection.token", r.IntrospectionTokenForm, &p.Introspection}, {"revocation.token", r.RevocationTokenForm, &p.Revocation}} {
		switch f.form {
		case "bearer", "bare", "either":
			*f.dst = &profileForm{Token: f.form}
		default:
			unseen = append(unseen, f.name+" ("+cmp.Or(f.form, "-")+")")
		}
	}
	if len(unseen) > 0 {
		slices.Sort(unseen)
		p.Notes = append(p.Notes, "not observed by this login, so a replaying mock takes its default: "+strings.Join(unseen, ", "))
	}
	return p
}

// writeProfile writes the profile of a login's report to path.
func writeProfile(path string, r providerReport, now time.Time) error {
	var b bytes.Buffer
	if err := writeJSON(&b, buildProfile(r, now)); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}
