package thaid

import (
	"context"
	"net/url"
	"slices"
)

// Refresh uses t.RefreshToken to obtain new tokens for the citizen of login: the identity of the
// login (Exchange's Result.Identity, or the one of the last Refresh that returned one; nil when
// there was none). It is the one place where a refresh is judged; package middleware relies on
// it.
//
// What the answer lacks is kept from t: the refresh token (Result.RefreshRotated is true when the
// provider issued a new one, which Result.Token then holds), the ID token and the scopes. A new
// ID token is verified again (without a nonce check: refreshed ID tokens need not repeat it) and
// gives Result.Identity. Without one, Result.Identity comes from the flat claims when the openid
// scope was not requested and login is not verified; otherwise it is nil, and the caller keeps
// login: claims that no signature covers never replace verified ones.
//
// The refreshed identity must name the citizen of login (OpenID Connect Core 12.2): the same sub
// and the same PID, none added, changed or dropped, and, when both were verified, the same
// issuer. Otherwise Refresh revokes the answer's tokens (best effort: revocation errors are not
// reported) and returns an error that matches both ErrInvalidToken and ErrInvalidClaim. A refused
// refresh token matches ErrInvalidGrant.
func (c *Client) Refresh(ctx context.Context, t *Token, login *Identity) (*Result, error) {
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
	if nt.IDToken == "" {
		nt.IDToken = t.IDToken
		if !c.wantOpenID && len(tr.claims) > 0 {
			res.Identity, err = identityFromClaims(tr.claims, false)
		}
	} else {
		res.Identity, err = c.VerifyIDToken(ctx, nt.IDToken, nt.AccessToken, "")
	}
	if err != nil {
		return nil, err
	}
	if res.Identity != nil {
		if err := sameCitizen(login, res.Identity); err != nil {
			c.revokeBestEffort(ctx, &nt)
			return nil, err
		}
		if !res.Identity.Verified && login != nil && login.Verified {
			res.Identity = nil
		}
	}
	return res, nil
}

// sameCitizen reports whether a refreshed identity names the citizen of the login's identity
// (nil: one that named nobody): the same sub and PID, and the same issuer when both identities
// were verified.
func sameCitizen(login, got *Identity) error {
	if login == nil {
		login = &Identity{}
	}
	if got.Subject != login.Subject || got.PID.Digits() != login.PID.Digits() ||
		got.Verified && login.Verified && !sameIssuer(got.Issuer, login.Issuer) {
		return wrapErr(ErrInvalidToken, wrapf(ErrInvalidClaim,
			"the refresh answer names another citizen than the login (sub, PID or issuer added, changed or dropped)"))
	}
	return nil
}

// revokeBestEffort revokes the refresh token and the access token of t, ignoring failures.
func (c *Client) revokeBestEffort(ctx context.Context, t *Token) {
	for _, tok := range []string{t.RefreshToken, t.AccessToken} {
		if tok != "" {
			_ = c.Revoke(ctx, tok)
		}
	}
}
