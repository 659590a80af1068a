package thaid

import (
	"context"
	"errors"
	"mime"
	"net/http"
	"strings"
)

// UserInfo asks Provider.UserInfoURL for the claims of the citizen an access
// token was issued for: a GET with "Authorization: Bearer <token>", as the
// integrations that call ThaID's userinfo endpoint do. The endpoint is not in
// DOPA's manual; discovery or Provider.UserInfoURL must name it (Production
// and Sandbox name /api/v2/oauth2/userinfo/).
//
// The claims come over TLS, not in a signed token: the Identity has Verified
// false, and claims of a verified ID token should be preferred. Its Subject is
// ThaID's sub, which is the citizen's PID; the PID field is filled only from a
// pid claim, never from sub, since the citizen may not have consented to the
// pid scope. OpenID Connect Core 5.3.2 asks a relying party to check that the
// answer's sub equals the ID token's: compare Identity.Subject with the login's.
//
// Errors: ErrInvalidConfig without Provider.UserInfoURL; ErrMissingAccessToken
// for an empty token; a refused token unwraps to *Error and matches
// ErrInvalidAccessToken (invalid_token, including a 401 that carries it only in
// WWW-Authenticate); ErrProviderUnavailable for network errors and 5xx;
// ErrMalformedResponse for an answer that is not a JSON object (a signed
// application/jwt answer is not supported); ErrInvalidClaim or ErrInvalidPID
// for a claim of the wrong type or an invalid pid, with the PID masked.
func (c *Client) UserInfo(ctx context.Context, accessToken string) (*Identity, error) {
	if c.cfg.Provider.UserInfoURL == "" {
		return nil, wrapf(ErrInvalidConfig, "Provider.UserInfoURL is not set")
	}
	if accessToken == "" {
		return nil, wrapf(ErrMissingAccessToken, "no access token to call userinfo with")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.cfg.Provider.UserInfoURL, nil)
	if err != nil {
		return nil, wrapErr(ErrInvalidConfig, err)
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	// c.hc follows no redirect: the access token goes to the configured URL only.
	resp, body, err := do(c.hc, req)
	if err != nil {
		var pe *Error
		if resp != nil && resp.StatusCode == http.StatusUnauthorized && (!errors.As(err, &pe) || pe.Code == "") {
			// RFC 6750 3: the error may come in WWW-Authenticate only.
			if code := bearerError(resp.Header.Get("WWW-Authenticate")); code != "" {
				return nil, &Error{Code: code, StatusCode: resp.StatusCode}
			}
		}
		return nil, err
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == "application/jwt" {
		return nil, wrapf(ErrMalformedResponse, "userinfo answered a signed JWT (application/jwt), which is not supported")
	}
	m, err := decodeObject(body)
	if err != nil {
		return nil, wrapf(ErrMalformedResponse, "userinfo answer is not a JSON object")
	}
	return identityFromClaims(m, false)
}

// bearerError returns the error parameter of a Bearer WWW-Authenticate
// challenge (RFC 6750 3), or "".
func bearerError(h string) string {
	scheme, params, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	for _, p := range strings.Split(params, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "error") {
			return strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	return ""
}
