package main

import (
	"cmp"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/go-jose/go-jose/v4"
	"github.com/thaid-go/thaid-go/thaid"
)

const checkSynopsis = `thaid check -issuer production|sandbox|URL [-json]

Checks that a provider is usable by the thaid package: OpenID discovery (its
issuer must be the one asked for), the JWKS (keys, their algorithms and key IDs;
no symmetric key), and the endpoints. Exits 0 when the provider is usable, 1 with
the reasons when it is not.`

const checkExamples = `  thaid check -issuer sandbox
  thaid check -issuer http://127.0.0.1:9090 -json
`

// checkKey describes one key of the JWKS.
type checkKey struct {
	KeyID string `json:"kid,omitempty"`
	Type  string `json:"kty"`
	Alg   string `json:"alg,omitempty"`
	Use   string `json:"use,omitempty"`
	Curve string `json:"crv,omitempty"`
	Bits  int    `json:"bits,omitempty"`
	// Usable: the key can verify an ID token under an accepted algorithm.
	Usable bool `json:"usable"`
	// Private: the JWKS holds the private part of the key (it must not).
	Private bool   `json:"private,omitempty"`
	Note    string `json:"note,omitempty"`
}

// checkResult is the answer of thaid check (its -json output).
type checkResult struct {
	Usable    bool              `json:"usable"`
	Issuer    string            `json:"issuer"`
	Endpoints map[string]string `json:"endpoints,omitempty"`
	// AnnouncedAlgs are discovery's id_token_signing_alg_values_supported.
	AnnouncedAlgs []string `json:"announced_signing_algs,omitempty"`
	// AcceptedAlgs are the algorithms the thaid package will accept from this provider.
	AcceptedAlgs []string   `json:"accepted_signing_algs,omitempty"`
	Keys         []checkKey `json:"keys,omitempty"`
	Problems     []string   `json:"problems,omitempty"`
	Notes        []string   `json:"notes,omitempty"`
}

func runCheck(ctx context.Context, e env, args []string) int {
	fs := newFlagSet(e, "check", checkSynopsis, checkExamples)
	issuer := fs.String("issuer", "", issuerUsage+" (required)")
	asJSON := fs.Bool("json", false, "print one JSON object on stdout instead of text")
	if st := parseFlags(e, fs, args); st >= 0 {
		return st
	}
	if fs.NArg() > 0 {
		return fail(e, "check", exitUsage, "unexpected arguments %q", fs.Args())
	}
	iss, err := parseIssuer(*issuer)
	if err != nil {
		return fail(e, "check", exitUsage, "%v", err)
	}
	hc, _ := newHTTPClient()
	res := check(ctx, hc, iss)
	if *asJSON {
		writeJSON(e.stdout, res)
	} else {
		res.writeText(e.stdout)
	}
	if !res.Usable {
		fmt.Fprintf(e.stderr, "thaid check: %s is NOT usable: %s\n", iss.provider.Issuer, strings.Join(res.Problems, "; "))
		return exitFail
	}
	return exitOK
}

func check(ctx context.Context, hc *http.Client, iss issuerFlag) checkResult {
	res := checkResult{Issuer: iss.provider.Issuer}
	problem := func(format string, a ...any) { res.Problems = append(res.Problems, fmt.Sprintf(format, a...)) }
	p, err := thaid.Discover(ctx, iss.provider.Issuer, hc)
	switch {
	case errors.Is(err, thaid.ErrIssuerMismatch):
		problem("issuer mismatch: %v", err)
		return res
	case errors.Is(err, thaid.ErrProviderUnavailable):
		problem("unreachable: discovery at %s/.well-known/openid-configuration failed: %v", iss.provider.Issuer, err)
		return res
	case err != nil:
		problem("discovery at %s/.well-known/openid-configuration failed: %v", iss.provider.Issuer, err)
		return res
	}
	res.Endpoints = map[string]string{
		"authorization": p.AuthURL, "token": p.TokenURL, "introspection": p.IntrospectURL,
		"revocation": p.RevokeURL, "jwks": p.JWKSURL, "userinfo": p.UserInfoURL,
	}
	for name, u := range res.Endpoints {
		switch {
		case u == "":
			delete(res.Endpoints, name)
		case !strings.HasSuffix(u, "/"):
			res.Notes = append(res.Notes, fmt.Sprintf("the %s endpoint %s has no trailing slash, unlike ThaID's documented paths", name, u))
		}
	}
	if iss.preset != "" && p.AuthURL != iss.provider.AuthURL {
		res.Notes = append(res.Notes, fmt.Sprintf("discovery's authorization endpoint %s differs from the %s preset's %s",
			p.AuthURL, iss.preset, iss.provider.AuthURL))
	}
	slices.Sort(res.Notes)
	res.AnnouncedAlgs = p.SigningAlgs
	for _, a := range thaid.AllowedSigningAlgs() {
		if p.SigningAlgs == nil || slices.Contains(p.SigningAlgs, a) {
			res.AcceptedAlgs = append(res.AcceptedAlgs, a)
		}
	}
	if p.SigningAlgs == nil {
		res.Notes = append(res.Notes, "discovery announces no id_token_signing_alg_values_supported: thaid accepts its whole allow-list")
	}
	if len(res.AcceptedAlgs) == 0 {
		problem("no acceptable signing algorithm: discovery announces %q, thaid accepts only %q",
			p.SigningAlgs, thaid.AllowedSigningAlgs())
	}
	if p.JWKSURL == "" {
		problem("no keys: discovery has no jwks_uri")
		return res
	}
	keys, err := fetchKeys(ctx, hc, p.JWKSURL)
	if err != nil {
		problem("%v", err)
		return res
	}
	if len(keys) == 0 {
		problem("no keys: the JWKS at %s is empty", p.JWKSURL)
		return res
	}
	for _, raw := range keys {
		k := describeKey(raw, res.AcceptedAlgs)
		switch {
		case k.Type == "oct":
			problem("symmetric key (kty oct, kid %q) in the JWKS: a provider must never publish a shared secret", k.KeyID)
		case k.Private:
			problem("private key (kid %q) in the JWKS: the provider publishes its signing secret", k.KeyID)
		}
		res.Keys = append(res.Keys, k)
	}
	if len(res.AcceptedAlgs) > 0 && !slices.ContainsFunc(res.Keys, func(k checkKey) bool { return k.Usable }) {
		problem("no key in the JWKS can verify an ID token signed with %s", strings.Join(res.AcceptedAlgs, ", "))
	}
	res.Usable = len(res.Problems) == 0
	return res
}

// fetchKeys downloads a JWKS and returns its keys as raw JSON.
func fetchKeys(ctx context.Context, hc *http.Client, jwksURL string) ([]json.RawMessage, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, jwksURL, nil)
	if err != nil {
		return nil, fmt.Errorf("JWKS URL %q: %v", jwksURL, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("unreachable: JWKS at %s: %v", jwksURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("no keys: the JWKS at %s answered HTTP %d", jwksURL, resp.StatusCode)
	}
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(nil, resp.Body, maxRecorded)).Decode(&set); err != nil {
		return nil, fmt.Errorf("no keys: the JWKS at %s is not a JSON key set: %v", jwksURL, err)
	}
	return set.Keys, nil
}

// describeKey reads one JWK and tells whether it can verify one of algs.
func describeKey(raw json.RawMessage, algs []string) checkKey {
	var hdr struct {
		Kty string `json:"kty"`
		Kid string `json:"kid"`
		Alg string `json:"alg"`
		Use string `json:"use"`
	}
	if err := json.Unmarshal(raw, &hdr); err != nil {
		return checkKey{Type: "?", Note: "not a JSON object"}
	}
	k := checkKey{KeyID: hdr.Kid, Type: hdr.Kty, Alg: hdr.Alg, Use: hdr.Use}
	if hdr.Kty == "oct" {
		k.Note = "symmetric key: never acceptable"
		return k
	}
	var jwk jose.JSONWebKey
	if err := jwk.UnmarshalJSON(raw); err != nil {
		k.Note = "cannot be read: " + err.Error()
		return k
	}
	if !jwk.IsPublic() {
		k.Private = true
		k.Note = "private key: must not be published"
		return k
	}
	var fits func(alg string) bool
	switch pub := jwk.Key.(type) {
	case *ecdsa.PublicKey:
		k.Curve = pub.Curve.Params().Name
		want := map[string]string{"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}[k.Curve]
		fits = func(alg string) bool { return alg == want }
	case *rsa.PublicKey:
		k.Bits = pub.N.BitLen()
		fits = func(alg string) bool { return strings.HasPrefix(alg, "RS") || strings.HasPrefix(alg, "PS") }
	case ed25519.PublicKey:
		k.Curve = "Ed25519"
		fits = func(string) bool { return false }
	default:
		k.Note = fmt.Sprintf("a private or unknown key (%T): never acceptable", jwk.Key)
		return k
	}
	if hdr.Use != "" && hdr.Use != "sig" {
		k.Note = "use is " + hdr.Use + ", not sig"
		return k
	}
	for _, a := range algs {
		if fits(a) && (hdr.Alg == "" || hdr.Alg == a) {
			k.Usable = true
			return k
		}
	}
	k.Note = "fits none of the accepted algorithms"
	return k
}

func (r checkResult) writeText(w io.Writer) {
	fmt.Fprintf(w, "issuer         %s\n", r.Issuer)
	if r.Endpoints != nil {
		fmt.Fprintf(w, "endpoints\n")
		for _, name := range []string{"authorization", "token", "introspection", "revocation", "jwks", "userinfo"} {
			if u, ok := r.Endpoints[name]; ok {
				fmt.Fprintf(w, "  %-14s %s\n", name, u)
			}
		}
		ann := "(none announced)"
		if r.AnnouncedAlgs != nil {
			ann = strings.Join(r.AnnouncedAlgs, " ")
		}
		fmt.Fprintf(w, "signing algs   announced %s; accepted by thaid %s\n", ann, strings.Join(r.AcceptedAlgs, " "))
	}
	if len(r.Keys) > 0 {
		fmt.Fprintf(w, "keys (%d)\n", len(r.Keys))
	}
	for _, k := range r.Keys {
		shape := k.Curve
		if k.Bits > 0 {
			shape = fmt.Sprintf("%d bits", k.Bits)
		}
		verdict := "usable"
		if !k.Usable {
			verdict = "NOT usable: " + k.Note
		}
		fmt.Fprintf(w, "  kid %-20s %-3s %-9s alg %-5s use %-3s %s\n",
			cmp.Or(k.KeyID, "-"), k.Type, cmp.Or(shape, "-"), cmp.Or(k.Alg, "-"), cmp.Or(k.Use, "-"), verdict)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	if r.Usable {
		fmt.Fprintf(w, "usable: yes\n")
		return
	}
	fmt.Fprintf(w, "usable: NO\n")
	for _, p := range r.Problems {
		fmt.Fprintf(w, "  problem: %s\n", p)
	}
}
