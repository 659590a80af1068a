package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/thaid-go/thaid-go/thaid"
)

// loginFailure is a failed login, with a short machine-readable reason.
type loginFailure struct {
	reason string // denied, timeout, invalid_client, redirect_not_registered, ...
	msg    string
	scopes []string // scope_not_granted: the scopes the client is not granted
}

func (f *loginFailure) Error() string { return f.msg }

// classify turns an error of the login into a reason and a message for people.
func classify(err error) *loginFailure {
	var f *loginFailure
	if errors.As(err, &f) {
		// its message may quote the provider (an error_description): mask it too
		return &loginFailure{reason: f.reason, msg: thaid.MaskPID(f.msg), scopes: f.scopes}
	}
	msg := thaid.MaskPID(err.Error())
	var pe *thaid.Error
	errors.As(err, &pe)
	switch {
	case errors.Is(err, thaid.ErrUserDenied):
		return &loginFailure{reason: "denied", msg: "the citizen refused the request in the ThaID app (" + msg + ")"}
	case errors.Is(err, thaid.ErrInvalidClient):
		return &loginFailure{reason: "invalid_client", msg: "bad client credentials: the token endpoint refused the client ID or secret (" + msg + "); check -client-id, the secret and -auth-style"}
	case errors.Is(err, thaid.ErrInvalidGrant), pe != nil && pe.Code == "invalid_request":
		return &loginFailure{reason: "invalid_grant", msg: "the token endpoint refused the code (" + msg + ")"}
	case errors.Is(err, thaid.ErrProviderUnavailable):
		return &loginFailure{reason: "provider_unavailable", msg: "the provider is unavailable (" + msg + ")"}
	case errors.Is(err, thaid.ErrUnsupportedAlg), errors.Is(err, thaid.ErrBadSignature),
		errors.Is(err, thaid.ErrIssuerMismatch), errors.Is(err, thaid.ErrAudienceMismatch),
		errors.Is(err, thaid.ErrTokenExpired), errors.Is(err, thaid.ErrTokenNotYetValid),
		errors.Is(err, thaid.ErrIssuedInFuture), errors.Is(err, thaid.ErrNonceMismatch),
		errors.Is(err, thaid.ErrAtHashMismatch), errors.Is(err, thaid.ErrInvalidToken):
		return &loginFailure{reason: "invalid_id_token", msg: "the ID token did not verify (" + msg + ")"}
	case pe != nil:
		return &loginFailure{reason: "provider_error", msg: "the provider answered with an error (" + msg + ")"}
	}
	return &loginFailure{reason: "error", msg: msg}
}

// loginJSON is the -json output of thaid login.
type loginJSON struct {
	Verified bool            `json:"verified"`
	PID      *string         `json:"pid,omitempty"` // on every completed login, "" when no pid came
	Subject  string          `json:"subject,omitempty"`
	Name     string          `json:"name,omitempty"`
	Claims   map[string]any  `json:"claims,omitempty"`
	Provider *providerReport `json:"provider,omitempty"`
	Config   *configReport   `json:"config,omitempty"`
	Error    string          `json:"error,omitempty"`
	Reason   string          `json:"reason,omitempty"`
	// ScopesNotGranted names, with reason scope_not_granted, the scopes the client is not
	// granted (each was asked for alone).
	ScopesNotGranted []string `json:"scopes_not_granted,omitempty"`
}

func loginFailed(e env, o loginOptions, r *providerReport, err error) int {
	f := classify(err)
	if o.json {
		writeJSON(e.stdout, loginJSON{Provider: r, Error: f.msg, Reason: f.reason, ScopesNotGranted: f.scopes})
	} else if r != nil {
		fmt.Fprintf(e.stdout, "What the provider sent\n")
		r.writeText(e.stdout)
	}
	fmt.Fprintf(e.stderr, "thaid login: %s\n", f.msg)
	return exitFail
}

func loginSucceeded(e env, o loginOptions, res *thaid.Result, r providerReport, c configReport) int {
	id := res.Identity
	pid, sub := id.PID.Masked(), thaid.MaskPID(id.Subject)
	if o.showPID {
		pid, sub = id.PID.Digits(), id.Subject
	}
	claims := maskClaims(id.Raw, o.showPID)
	if o.json {
		out := loginJSON{Verified: id.Verified, PID: &pid, Subject: sub, Name: id.DisplayName(),
			Claims: claims, Provider: &r, Config: &c}
		if !id.Verified {
			out.Error, out.Reason = notVerified, "not_verified"
		}
		writeJSON(e.stdout, out)
		return verifiedExit(e, id)
	}
	w := e.stdout
	switch {
	case id.Verified && r.NonceEchoed != nil && !*r.NonceEchoed:
		fmt.Fprintf(w, "Login verified: the claims come from an ID token whose signature, issuer, audience and expiry checked out; it carried no nonce.\n\n")
	case id.Verified:
		fmt.Fprintf(w, "Login verified: the claims come from an ID token whose signature, issuer, audience, expiry and nonce checked out.\n\n")
	default:
		fmt.Fprintf(w, "Login completed, claims NOT verified: they came flat in the token response (no openid scope), resting on the connection (TLS) alone, not on a signature.\n\n")
	}
	fmt.Fprintf(w, "Citizen\n")
	if pid != "" {
		if o.showPID {
			fmt.Fprintf(w, "  %-28s %s\n", "pid", pid)
		} else {
			fmt.Fprintf(w, "  %-28s %s (masked; -show-pid prints it in full)\n", "pid", pid)
		}
	}
	if n := id.DisplayName(); n != "" {
		fmt.Fprintf(w, "  %-28s %s\n", "name", n)
	}
	for _, k := range sortedKeys(claims) {
		b, _ := json.Marshal(claims[k])
		fmt.Fprintf(w, "  %-28s %s\n", "claim "+k, b)
	}
	fmt.Fprintf(w, "\nWhat the provider sent\n")
	r.writeText(w)
	fmt.Fprintf(w, "\nThe thaid.Config that fits this provider\n\n")
	c.writeGo(w)
	return verifiedExit(e, id)
}

const notVerified = `the claims came flat in the token response, not in a signed ID token: ask for the "openid" scope`

// verifiedExit is exitOK for a verified login. Claims that no signature covers make the
// command fail (exit 1), so that a script never takes an unverified login for a good one.
func verifiedExit(e env, id *thaid.Identity) int {
	if id.Verified {
		return exitOK
	}
	fmt.Fprintf(e.stderr, "thaid login: %s\n", notVerified)
	return exitFail
}
