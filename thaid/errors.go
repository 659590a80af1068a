package thaid

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned by this package matches one of them
// with errors.Is (provider errors additionally unwrap to *Error with errors.As).
// Callers should never match on error text.
var (
	// ErrInvalidConfig reports a Config that New refuses.
	ErrInvalidConfig = errors.New("thaid: invalid config")
	// ErrUserDenied reports that the citizen refused consent (access_denied or user_denied).
	ErrUserDenied = errors.New("thaid: user denied the request")
	// ErrStateMismatch reports a callback whose state does not belong to the login.
	ErrStateMismatch = errors.New("thaid: state mismatch")
	// ErrLoginExpired reports a callback for a login older than Config.LoginTTL.
	ErrLoginExpired = errors.New("thaid: login expired")
	// ErrMissingCode reports a callback without an authorization code.
	ErrMissingCode = errors.New("thaid: callback without code")
	// ErrNonceMismatch reports an ID token whose nonce is missing (when required) or wrong.
	ErrNonceMismatch = errors.New("thaid: nonce mismatch")
	// ErrTokenExpired reports an ID token whose exp lies in the past (beyond the leeway).
	ErrTokenExpired = errors.New("thaid: token expired")
	// ErrTokenNotYetValid reports an ID token whose nbf lies in the future (beyond the leeway).
	ErrTokenNotYetValid = errors.New("thaid: token not yet valid")
	// ErrIssuedInFuture reports an ID token whose iat lies in the future (beyond the leeway).
	ErrIssuedInFuture = errors.New("thaid: token issued in the future")
	// ErrBadSignature reports an ID token whose signature does not verify against any
	// published key, including a key ID that is not published even after a refetch.
	ErrBadSignature = errors.New("thaid: bad token signature")
	// ErrUnsupportedAlg reports an ID token signed with an algorithm outside the
	// allow-list (for example none or HS256).
	ErrUnsupportedAlg = errors.New("thaid: unsupported signing algorithm")
	// ErrIssuerMismatch reports an ID token (or discovery document) from another issuer.
	ErrIssuerMismatch = errors.New("thaid: issuer mismatch")
	// ErrAudienceMismatch reports an ID token not meant for this client (aud or azp).
	ErrAudienceMismatch = errors.New("thaid: audience mismatch")
	// ErrAtHashMismatch reports an ID token whose at_hash does not match the access token.
	ErrAtHashMismatch = errors.New("thaid: at_hash mismatch")
	// ErrInvalidToken reports a malformed token or a token missing required claims.
	ErrInvalidToken = errors.New("thaid: invalid token")
	// ErrInvalidPID reports a string that is not a valid 13-digit citizen ID.
	ErrInvalidPID = errors.New("thaid: invalid PID")
	// ErrProviderUnavailable reports a network error, a timeout, or a 5xx answer.
	ErrProviderUnavailable = errors.New("thaid: provider unavailable")
	// ErrMalformedResponse reports a provider answer that cannot be decoded.
	ErrMalformedResponse = errors.New("thaid: malformed provider response")
	// ErrMissingAccessToken reports a token response without access_token.
	ErrMissingAccessToken = errors.New("thaid: token response without access_token")
	// ErrInvalidClient reports that the provider refused the client credentials.
	ErrInvalidClient = errors.New("thaid: invalid client")
	// ErrInvalidGrant reports that the provider refused the code or refresh token
	// (expired, replayed, or revoked).
	ErrInvalidGrant = errors.New("thaid: invalid grant")
	// ErrInvalidAccessToken reports that the provider refused an access token
	// (invalid_token: expired, revoked or unknown), for example at userinfo.
	ErrInvalidAccessToken = errors.New("thaid: access token refused")
	// ErrInvalidClaim reports a claim whose value has the wrong type or format
	// (for example a birthdate that is not a date).
	ErrInvalidClaim = errors.New("thaid: invalid claim")
)

// Error is an error reported by the provider, either as error parameters on the
// redirect back to the relying party or as a JSON error body of the token,
// introspection or revocation endpoint. StatusCode is 0 for redirect errors.
//
// errors.Is maps well-known codes onto the sentinels: access_denied and
// user_denied match ErrUserDenied; invalid_client and unauthorized_client match
// ErrInvalidClient; invalid_grant and invalid_refresh_token match
// ErrInvalidGrant; invalid_token matches ErrInvalidAccessToken; server_error,
// temporarily_unavailable and any StatusCode of 500 or more match
// ErrProviderUnavailable.
type Error struct {
	Code        string `json:"error"`
	Description string `json:"error_description,omitempty"`
	URI         string `json:"error_uri,omitempty"`
	StatusCode  int    `json:"-"`
}

// Error implements the error interface.
func (e *Error) Error() string {
	s := "thaid: provider error"
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Description != "" {
		s += fmt.Sprintf(" (%s)", e.Description)
	}
	if e.StatusCode != 0 {
		s += fmt.Sprintf(" [HTTP %d]", e.StatusCode)
	}
	return s
}

// Is reports whether the provider error corresponds to target (see Error).
func (e *Error) Is(target error) bool {
	switch target {
	case ErrUserDenied:
		return e.Code == "access_denied" || e.Code == "user_denied"
	case ErrInvalidClient:
		return e.Code == "invalid_client" || e.Code == "unauthorized_client"
	case ErrInvalidGrant:
		return e.Code == "invalid_grant" || e.Code == "invalid_refresh_token"
	case ErrInvalidAccessToken:
		return e.Code == "invalid_token"
	case ErrProviderUnavailable:
		return e.Code == "server_error" || e.Code == "temporarily_unavailable" || e.StatusCode >= 500
	}
	return false
}

// wrapf returns an error matching sentinel with errors.Is, with a detail message.
func wrapf(sentinel error, format string, args ...any) error {
	return &detailError{sentinel: sentinel, msg: fmt.Sprintf(format, args...)}
}

// truncate shortens a value received from outside to n bytes, for quoting it
// in an error message.
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// wrapErr returns an error matching both sentinel and cause (never nil) with errors.Is.
func wrapErr(sentinel error, cause error) error {
	return &detailError{sentinel: sentinel, msg: cause.Error(), cause: cause}
}

type detailError struct {
	sentinel error
	msg      string
	cause    error
}

// Error implements the error interface: the sentinel text and the detail.
func (e *detailError) Error() string {
	if e.msg == "" {
		return e.sentinel.Error()
	}
	return e.sentinel.Error() + ": " + e.msg
}

// Unwrap exposes the sentinel and the cause to errors.Is and errors.As.
func (e *detailError) Unwrap() []error {
	if e.cause != nil {
		return []error{e.sentinel, e.cause}
	}
	return []error{e.sentinel}
}
