package thaid

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"hash"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// VerifyIDToken verifies a raw ID token and returns the identity it carries
// (Verified is true). It reads top to bottom, each check made once, here:
//
//  1. parse: a compact JWS whose algorithm is in the allow-list and the
//     provider's announced algorithms, using no JWS extension (parseIDToken);
//  2. signature: against the provider's JWKS only (cached; an unknown kid
//     refetches at most once per Config.JWKSRefreshInterval), never a key
//     named in the token (keySet.verify);
//  3. claims: iss, aud (and azp when there are several audiences, or whenever
//     azp is present), exp, nbf and iat within Config.Leeway on Config.Now
//     (present as null, they are refused), the nonce, at_hash when present and
//     accessToken is not "" (a nonce or at_hash that is not a string is
//     refused even when there is nothing to compare it with), and no member
//     named like a checked claim under case folding, ASCII or Unicode ("AUD",
//     "iſs"), as other JSON readers match names (checkClaims);
//  4. typing: the claims become the Identity (identityFromClaims).
//
// No other library re-checks the token: go-oidc, which thaid used before,
// serves as the baseline of the verification benchmark and, in the tests, as
// an independent reference that must accept every token thaid accepts.
//
// nonce is the nonce of the login. When it is "" (a refreshed ID token), the
// token's nonce is not checked. Otherwise a token without nonce is refused
// unless Config.NonceOptional is set, and a different nonce is always refused.
//
// Every failure matches one sentinel with errors.Is: ErrUnsupportedAlg,
// ErrBadSignature, ErrIssuerMismatch, ErrAudienceMismatch, ErrTokenExpired,
// ErrTokenNotYetValid, ErrIssuedInFuture, ErrNonceMismatch,
// ErrAtHashMismatch, ErrInvalidToken, ErrInvalidPID, ErrInvalidClaim or
// ErrProviderUnavailable (JWKS unreachable); without Provider.JWKSURL or
// Provider.Issuer, ErrInvalidConfig.
func (c *Client) VerifyIDToken(ctx context.Context, rawIDToken, accessToken, nonce string) (*Identity, error) {
	if c.keys == nil {
		return nil, wrapf(ErrInvalidConfig, "Provider.JWKSURL is not set: cannot verify ID tokens")
	}
	if c.cfg.Provider.Issuer == "" {
		// New requires it only with the openid scope; without it, a token
		// without iss would pass the issuer check.
		return nil, wrapf(ErrInvalidConfig, "Provider.Issuer is not set: cannot verify ID tokens")
	}
	jws, err := parseIDToken(rawIDToken, c.keys.algs)
	if err != nil {
		return nil, err
	}
	payload, err := c.keys.verify(ctx, jws)
	if err != nil {
		return nil, err
	}
	claims, err := decodeObject(payload)
	if err != nil {
		return nil, wrapf(ErrInvalidToken, "claims are not a JSON object")
	}
	if err := c.checkClaims(claims, jws.Signatures[0].Header.Algorithm, accessToken, nonce); err != nil {
		return nil, err
	}
	return identityFromClaims(claims, true)
}

// parseIDToken parses a compact JWS signed with one of algs. A token whose
// header names another algorithm (none, HS256, ...) is refused with
// ErrUnsupportedAlg; anything else that does not parse, or whose header has
// crit or b64, with ErrInvalidToken. Header keys and URLs (jwk, jku, x5u,
// x5c) are never used: keys come from the provider's JWKS only.
func parseIDToken(raw string, algs []jose.SignatureAlgorithm) (*jose.JSONWebSignature, error) {
	jws, err := jose.ParseSignedCompact(raw, algs)
	if err == nil {
		// ID tokens use no JWS extension: a token that asks for one (crit,
		// or b64 for an unencoded payload) is not an ID token.
		for _, name := range []jose.HeaderKey{"crit", "b64"} {
			if _, ok := jws.Signatures[0].Header.ExtraHeaders[name]; ok {
				return nil, wrapf(ErrInvalidToken, "header parameter %q: ID tokens use no JWS extension", name)
			}
		}
		return jws, nil
	}
	// go-jose tells an algorithm outside algs only in its error text: read
	// the header to tell that case apart.
	var hdr struct {
		Alg string `json:"alg"`
	}
	if b64, _, ok := strings.Cut(raw, "."); ok {
		b, derr := base64.RawURLEncoding.DecodeString(strings.TrimRight(b64, "="))
		if derr == nil && json.Unmarshal(b, &hdr) == nil && !slices.Contains(algs, jose.SignatureAlgorithm(hdr.Alg)) {
			return nil, wrapf(ErrUnsupportedAlg, "alg %q is not in %q", truncate(hdr.Alg, 16), algs)
		}
	}
	return nil, wrapErr(ErrInvalidToken, err)
}

// checkedClaims are the claims that checkClaims reads.
var checkedClaims = []string{"iss", "aud", "azp", "exp", "nbf", "iat", "nonce", "at_hash", "sub"}

// ambiguousClaim returns a member of m whose name is one of checkedClaims in
// another case, if any: "AUD", or "iſs" (U+017F, a long s, folds to s).
// Libraries that match member names without regard to case, with Unicode's
// simple case folding as encoding/json does (go-oidc among them), would read
// it as that claim, so a token that carries one means different things to
// different readers. A folded name is at least as long as the claim's name,
// and at most three times (each ASCII letter becomes at most three bytes).
func ambiguousClaim(m map[string]any) string {
	for name := range m {
		for _, c := range checkedClaims {
			if name != c && len(name) >= len(c) && len(name) <= 3*len(c) && strings.EqualFold(name, c) {
				return name
			}
		}
	}
	return ""
}

// checkClaims runs the claim checks on a token whose signature verified.
func (c *Client) checkClaims(m map[string]any, alg, accessToken, nonce string) error {
	iss, _ := m["iss"].(string)
	if !sameIssuer(iss, c.cfg.Provider.Issuer) {
		return wrapf(ErrIssuerMismatch, "iss %q, want %q", truncate(iss, 128), c.cfg.Provider.Issuer)
	}
	if err := c.checkAudience(m); err != nil {
		return err
	}
	now := c.cfg.Now()
	leeway := c.cfg.Leeway
	for _, name := range []string{"exp", "nbf", "iat"} {
		if v, ok := m[name]; ok && v == nil {
			return wrapf(ErrInvalidToken, "%s is null, not a NumericDate", name)
		}
	}
	exp, err := timeMember(m, "exp")
	if err != nil {
		return err
	}
	if exp.IsZero() {
		return wrapf(ErrInvalidToken, "exp is missing")
	}
	if now.After(exp.Add(leeway)) {
		return wrapf(ErrTokenExpired, "expired at %s, now %s", exp.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	nbf, err := timeMember(m, "nbf")
	if err != nil {
		return err
	}
	if now.Add(leeway).Before(nbf) {
		return wrapf(ErrTokenNotYetValid, "valid from %s, now %s", nbf.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	iat, err := timeMember(m, "iat")
	if err != nil {
		return err
	}
	if now.Add(leeway).Before(iat) {
		return wrapf(ErrIssuedInFuture, "issued at %s, now %s", iat.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	got, isString := m["nonce"].(string)
	if m["nonce"] != nil && !isString {
		return wrapf(ErrNonceMismatch, "nonce is not a string")
	}
	if nonce != "" {
		switch {
		case got == "" && !c.cfg.NonceOptional:
			return wrapf(ErrNonceMismatch, "ID token carries no nonce")
		case got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(nonce)) != 1:
			return wrapf(ErrNonceMismatch, "ID token nonce differs from the login's")
		}
	}
	if v, ok := m["at_hash"]; ok && v != nil {
		atHash, ok := v.(string)
		if !ok {
			return wrapf(ErrAtHashMismatch, "at_hash is not a string")
		}
		if accessToken != "" && !checkAtHash(alg, accessToken, atHash) {
			return wrapf(ErrAtHashMismatch, "at_hash does not match the access token")
		}
	}
	if name := ambiguousClaim(m); name != "" {
		return wrapf(ErrInvalidToken, "claim %q differs from a checked claim only in case", truncate(name, 16))
	}
	return nil
}

func (c *Client) checkAudience(m map[string]any) error {
	var aud []string
	switch v := m["aud"].(type) {
	case string:
		aud = []string{v}
	case []any:
		for _, a := range v {
			s, ok := a.(string)
			if !ok {
				return wrapf(ErrAudienceMismatch, "aud holds a %s", jsonType(a))
			}
			aud = append(aud, s)
		}
	default:
		return wrapf(ErrAudienceMismatch, "aud is a %s", jsonType(v))
	}
	if !slices.Contains(aud, c.cfg.ClientID) {
		return wrapf(ErrAudienceMismatch, "aud %q does not contain %q", aud, c.cfg.ClientID)
	}
	var azp string
	if v, ok := m["azp"]; ok && v != nil {
		if azp, ok = v.(string); !ok {
			return wrapf(ErrAudienceMismatch, "azp is a %s", jsonType(v))
		}
	}
	if len(aud) > 1 && azp == "" {
		return wrapf(ErrAudienceMismatch, "several audiences and no azp")
	}
	if azp != "" && azp != c.cfg.ClientID {
		return wrapf(ErrAudienceMismatch, "azp %q is not %q", truncate(azp, 128), c.cfg.ClientID)
	}
	return nil
}

// checkAtHash checks OpenID Connect's at_hash: the left half of the hash of the
// access token, base64url without padding; the hash follows the signing alg.
func checkAtHash(alg, accessToken, atHash string) bool {
	var h hash.Hash
	switch alg {
	case "ES256", "RS256", "PS256":
		h = sha256.New()
	case "ES384", "RS384":
		h = sha512.New384()
	case "RS512":
		h = sha512.New()
	default:
		return false
	}
	h.Write([]byte(accessToken))
	sum := h.Sum(nil)
	want := base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
	return subtle.ConstantTimeCompare([]byte(want), []byte(strings.TrimRight(atHash, "="))) == 1
}
