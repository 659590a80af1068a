package thaid

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"
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
	old := &oauth2.Token{RefreshToken: t.RefreshToken, Expiry: time.Unix(1, 0)}
	tr, err := c.tokenRequest(ctx, func(ctx context.Context) error {
		_, err := c.oauth.TokenSource(ctx, old).Token()
		return err
	})
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

// Revoke revokes an access or refresh token at Provider.RevokeURL
// ("token=<token>", or "token=Bearer <token>" with
// Config.RevokeWithBearerPrefix), authenticating like the token request.
func (c *Client) Revoke(ctx context.Context, token string) error {
	if c.cfg.Provider.RevokeURL == "" {
		return wrapf(ErrInvalidConfig, "Provider.RevokeURL is not set")
	}
	status, ct, body, err := c.postToken(ctx, c.cfg.Provider.RevokeURL, token)
	if err != nil {
		return err
	}
	if status < 200 || status > 299 {
		return httpStatusError(status, ct, body)
	}
	// {"status":"OK","message":"revoked"}; an error member on 200 is an error too.
	var e Error
	if json.Unmarshal(body, &e) == nil && e.Code != "" {
		e.StatusCode = status
		return &e
	}
	return nil
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
	old, err := decodeJSONObject(payload)
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

// Introspection is the provider's view of a token (RFC 7662).
type Introspection struct {
	Active  bool           `json:"active"`
	Subject string         `json:"sub,omitempty"`
	Scopes  []string       `json:"scopes,omitempty"`
	Expiry  time.Time      `json:"expiry,omitzero"`
	Raw     map[string]any `json:"raw,omitempty"` // every member of the answer
}

// String returns a summary safe to log: the subject masked when it looks like a PID (ThaID's
// introspection answers carry the PID as sub), and Raw left out.
func (in Introspection) String() string {
	return fmt.Sprintf("thaid.Introspection{Active: %t, Subject: %q, Scopes: %q, Expiry: %s, Members: %d}",
		in.Active, MaskPID(in.Subject), in.Scopes, in.Expiry.UTC().Format(time.RFC3339), len(in.Raw))
}

// GoString returns the safe summary (for %#v).
func (in Introspection) GoString() string { return in.String() }

// Format prints the safe summary for every fmt verb.
func (in Introspection) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(in.String())) }

// LogValue implements slog.LogValuer with the subject masked and Raw left out.
func (in Introspection) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Bool("active", in.Active),
		slog.String("sub", MaskPID(in.Subject)),
		slog.String("scope", strings.Join(in.Scopes, " ")),
		slog.Time("expiry", in.Expiry),
	)
}

// Introspect asks Provider.IntrospectURL about a token ("token=<token>", or
// "token=Bearer <token>" with Config.RevokeWithBearerPrefix).
func (c *Client) Introspect(ctx context.Context, token string) (*Introspection, error) {
	if c.cfg.Provider.IntrospectURL == "" {
		return nil, wrapf(ErrInvalidConfig, "Provider.IntrospectURL is not set")
	}
	status, ct, body, err := c.postToken(ctx, c.cfg.Provider.IntrospectURL, token)
	if err != nil {
		return nil, err
	}
	if status < 200 || status > 299 {
		return nil, httpStatusError(status, ct, body)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil || m == nil {
		return nil, wrapf(ErrMalformedResponse, "introspection answer is not a JSON object")
	}
	if code, _ := m["error"].(string); code != "" {
		e := &Error{Code: code, StatusCode: status}
		e.Description, _ = m["error_description"].(string)
		return nil, e
	}
	in := &Introspection{Raw: m}
	switch v := m["active"].(type) {
	case bool:
		in.Active = v
	case string:
		in.Active = strings.EqualFold(v, "true")
	case nil:
	default:
		return nil, wrapf(ErrMalformedResponse, "active is a %s", jsonType(v))
	}
	if in.Subject, err = stringMember(m, "sub"); err != nil {
		return nil, err
	}
	scope, err := stringMember(m, "scope")
	if err != nil {
		return nil, err
	}
	in.Scopes = strings.Fields(scope)
	if v, ok := m["exp"]; ok && v != nil {
		t, err := unixClaim("exp", v)
		if err != nil {
			return nil, wrapErr(ErrMalformedResponse, err)
		}
		in.Expiry = t
	}
	return in, nil
}

// postToken posts token=... with client authentication to endpoint.
func (c *Client) postToken(ctx context.Context, endpoint, token string) (status int, contentType string, body []byte, err error) {
	if c.cfg.RevokeWithBearerPrefix {
		token = "Bearer " + token
	}
	form := url.Values{"token": {token}}
	if c.cfg.AuthStyle == AuthStylePost {
		form.Set("client_id", c.cfg.ClientID)
		form.Set("client_secret", c.cfg.ClientSecret.Reveal())
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, "", nil, wrapErr(ErrInvalidConfig, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if c.cfg.AuthStyle == AuthStyleBasic {
		req.SetBasicAuth(url.QueryEscape(c.cfg.ClientID), url.QueryEscape(c.cfg.ClientSecret.Reveal()))
	}
	return send(c.hc, req)
}
