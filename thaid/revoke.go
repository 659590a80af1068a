package thaid

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
)

// Revocation (RFC 7009) and introspection (RFC 7662): the two endpoints that
// take a token and answer about it.

// Revoke revokes an access or refresh token at Provider.RevokeURL, sending it
// as Config.RevokeTokenForm says ("token=<token>" by default) and
// authenticating like the token request. A provider may answer OK for a token
// it does not know, so a token sent in a form it does not take can be left
// unrevoked without an error: Introspect tells.
func (c *Client) Revoke(ctx context.Context, token string) error {
	if c.cfg.Provider.RevokeURL == "" {
		return wrapf(ErrInvalidConfig, "Provider.RevokeURL is not set")
	}
	// The answer, {"status":"OK","message":"revoked"}, says nothing more.
	_, err := c.post(ctx, c.cfg.Provider.RevokeURL, tokenForm(token, c.cfg.RevokeTokenForm))
	return err
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

// Introspect asks Provider.IntrospectURL about a token, sending it as
// Config.IntrospectTokenForm says ("token=Bearer <token>" by default). The
// answer's sub is ThaID's subject, which is the citizen's PID: Introspection
// masks it when printed or logged.
func (c *Client) Introspect(ctx context.Context, token string) (*Introspection, error) {
	if c.cfg.Provider.IntrospectURL == "" {
		return nil, wrapf(ErrInvalidConfig, "Provider.IntrospectURL is not set")
	}
	body, err := c.post(ctx, c.cfg.Provider.IntrospectURL, tokenForm(token, c.cfg.IntrospectTokenForm))
	if err != nil {
		return nil, err
	}
	m, err := decodeObject(body)
	if err != nil {
		return nil, wrapf(ErrMalformedResponse, "introspection answer is not a JSON object")
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
	if in.Subject, err = stringMember(m, "sub", ErrMalformedResponse); err != nil {
		return nil, err
	}
	scope, err := stringMember(m, "scope", ErrMalformedResponse)
	if err != nil {
		return nil, err
	}
	in.Scopes = strings.Fields(scope)
	if in.Expiry, err = timeMember(m, "exp"); err != nil {
		return nil, wrapErr(ErrMalformedResponse, err)
	}
	return in, nil
}

// tokenForm is the form of a revocation or introspection request.
func tokenForm(token string, f TokenForm) url.Values {
	if f == TokenFormBearer {
		token = "Bearer " + token
	}
	return url.Values{"token": {token}}
}
