package thaid

import (
	"context"
	"encoding/base64"
	"net/url"
	"slices"
	"strings"
)

// Refresh uses t.RefreshToken to obtain new tokens. A new ID token is verified
// again (without a nonce check: refreshed ID tokens need not repeat it), and
// must name the same subject and issuer as t.IDToken (ErrInvalidToken). When
// the provider returns no refresh token the old one is kept; when it returns a
// new one, Result.RefreshRotated is true and Result.Token holds it. Without a
// new ID token, the ID token and scopes of t are kept and Identity comes from
// flat claims when the openid scope was not requested, else it is nil.
// A refused refresh token matches ErrInvalidGrant.
func (c *Client) Refresh(ctx context.Context, t *Token) (*Result, error) {
	if t == nil || t.RefreshToken == "" {
		return nil, wrapf(ErrInvalidGrant, "no refresh token")
	}
	tr, err := c.tokenRequest(ctx, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {t.RefreshToken}})
	if err != nil {
		return nil, err
	}
	nt := tr.token
	res := &Result{Token: &nt}
	if nt.RefreshToken == "" {
		nt.RefreshToken = t.RefreshToken
	} else if nt.RefreshToken != t.RefreshToken {
		res.RefreshRotated = true
	}
	if !tr.hasScope {
		nt.Scopes = slices.Clone(t.Scopes)
	}
	switch {
	case nt.IDToken != "":
		res.Identity, err = c.VerifyIDToken(ctx, nt.IDToken, nt.AccessToken, "")
		if err != nil {
			return nil, err
		}
		if err := sameSubject(t.IDToken, res.Identity); err != nil {
			return nil, err
		}
	case !c.wantOpenID && len(tr.claims) > 0:
		nt.IDToken = t.IDToken
		res.Identity, err = identityFromClaims(tr.claims, false)
		if err != nil {
			return nil, err
		}
	default:
		nt.IDToken = t.IDToken
	}
	return res, nil
}

// sameSubject applies OpenID Connect Core 12.2 to a refreshed ID token: it must name the same
// subject and issuer as the ID token of the login (oldRaw, verified when it was received; ""
// when the login had none).
func sameSubject(oldRaw string, id *Identity) error {
	if oldRaw == "" {
		return nil
	}
	parts := strings.Split(oldRaw, ".")
	if len(parts) != 3 {
		return wrapf(ErrInvalidToken, "the stored ID token is not a compact JWS")
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return wrapf(ErrInvalidToken, "the stored ID token's payload is not base64url")
	}
	old, err := decodeObject(payload)
	if err != nil {
		return wrapf(ErrInvalidToken, "the stored ID token's payload is not a JSON object")
	}
	sub, _ := old["sub"].(string)
	iss, _ := old["iss"].(string)
	if sub != id.Subject || !sameIssuer(iss, id.Issuer) {
		return wrapf(ErrInvalidToken, "the refreshed ID token names another subject or issuer than the login's")
	}
	return nil
}
