package thaid

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"hash"
	"strings"
	"time"
)

// VerifyIDToken verifies a raw ID token and returns the identity it carries
// (Verified is true). It checks, in this order: the signing algorithm against
// the allow-list, the signature against the provider's JWKS (cached; an
// unknown kid refetches at most once per Config.JWKSRefreshInterval), iss, aud
// (and azp when there are several audiences, or whenever azp is present), exp,
// nbf and iat within Config.Leeway on Config.Now, the nonce, and at_hash when
// present and accessToken is not "".
//
// nonce is the nonce of the login. When it is "" (a refreshed ID token), the
// token's nonce is not checked. Otherwise a token without nonce is refused
// unless Config.NonceOptional is set, and a different nonce is always refused.
//
// Every failure matches one sentinel with errors.Is: ErrUnsupportedAlg,
// ErrBadSignature, ErrIssuerMismatch, ErrAudienceMismatch, ErrTokenExpired,
// ErrTokenNotYetValid, ErrIssuedInFuture, ErrNonceMismatch,
// ErrAtHashMismatch, ErrInvalidToken, ErrInvalidPID, ErrInvalidClaim or
// ErrProviderUnavailable (JWKS unreachable).
func (c *Client) VerifyIDToken(ctx context.Context, rawIDToken, accessToken, nonce string) (*Identity, error) {
	if c.verifier == nil {
		return nil, wrapf(ErrInvalidConfig, "Provider.JWKSURL is not set: cannot verify ID tokens")
	}
	vc := &verifyCall{}
	_, oidcErr := c.verifier.Verify(context.WithValue(ctx, verifyCallKey{}, vc), rawIDToken)
	if vc.payload == nil {
		if vc.err != nil {
			return nil, vc.err
		}
		return nil, c.classifyUnverified(rawIDToken, oidcErr)
	}
	claims, err := decodeJSONObject(vc.payload)
	if err != nil {
		return nil, wrapf(ErrInvalidToken, "claims are not a JSON object")
	}
	if err := c.checkClaims(claims, vc.alg, accessToken, nonce); err != nil {
		return nil, err
	}
	if oidcErr != nil {
		// go-oidc refused the token for a reason thaid's checks did not name.
		return nil, wrapErr(ErrInvalidToken, oidcErr)
	}
	return identityFromClaims(claims, true)
}

// classifyUnverified names the error of a token that did not reach the
// signature check (go-oidc's parse errors are strings).
func (c *Client) classifyUnverified(raw string, cause error) error {
	header, _, ok := strings.Cut(raw, ".")
	if !ok {
		return wrapf(ErrInvalidToken, "not a compact JWS")
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(header, "="))
	if err != nil {
		return wrapf(ErrInvalidToken, "header is not base64url")
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if err := json.Unmarshal(b, &h); err != nil {
		return wrapf(ErrInvalidToken, "header is not JSON")
	}
	allowed := false
	for _, a := range c.algs {
		if a == h.Alg {
			allowed = true
		}
	}
	if !allowed {
		return wrapf(ErrUnsupportedAlg, "alg %q is not in %q", truncate(h.Alg, 16), c.algs)
	}
	return wrapErr(ErrInvalidToken, cause)
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
	now := c.now()
	leeway := c.cfg.Leeway
	expV, ok := m["exp"]
	if !ok {
		return wrapf(ErrInvalidToken, "exp is missing")
	}
	exp, err := unixClaim("exp", expV)
	if err != nil {
		return err
	}
	if now.After(exp.Add(leeway)) {
		return wrapf(ErrTokenExpired, "expired at %s, now %s", exp.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if v, ok := m["nbf"]; ok && v != nil {
		nbf, err := unixClaim("nbf", v)
		if err != nil {
			return err
		}
		if now.Add(leeway).Before(nbf) {
			return wrapf(ErrTokenNotYetValid, "valid from %s, now %s", nbf.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
		}
	}
	if v, ok := m["iat"]; ok && v != nil {
		iat, err := unixClaim("iat", v)
		if err != nil {
			return err
		}
		if now.Add(leeway).Before(iat) {
			return wrapf(ErrIssuedInFuture, "issued at %s, now %s", iat.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
		}
	}
	if nonce != "" {
		got, isString := m["nonce"].(string)
		switch {
		case m["nonce"] != nil && !isString:
			return wrapf(ErrNonceMismatch, "nonce is not a string")
		case got == "" && !c.cfg.NonceOptional:
			return wrapf(ErrNonceMismatch, "ID token carries no nonce")
		case got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(nonce)) != 1:
			return wrapf(ErrNonceMismatch, "ID token nonce differs from the login's")
		}
	}
	if v, ok := m["at_hash"]; ok && v != nil && accessToken != "" {
		atHash, ok := v.(string)
		if !ok {
			return wrapf(ErrAtHashMismatch, "at_hash is not a string")
		}
		if !checkAtHash(alg, accessToken, atHash) {
			return wrapf(ErrAtHashMismatch, "at_hash does not match the access token")
		}
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
	found := false
	for _, a := range aud {
		if a == c.cfg.ClientID {
			found = true
		}
	}
	if !found {
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
