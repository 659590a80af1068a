package thaid

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Token holds the tokens of a login. It JSON round-trips in full, so that a
// session store can keep it; String, GoString, Format and LogValue redact the
// token values.
type Token struct {
	AccessToken  string    `json:"access_token"`
	TokenType    string    `json:"token_type"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	IDToken      string    `json:"id_token,omitempty"`
	Expiry       time.Time `json:"expiry"`
	Scopes       []string  `json:"scopes,omitempty"`
}

// Expired reports whether the access token has expired at now. A token without
// a known expiry never expires; a nil token or one without an access token has.
func (t *Token) Expired(now time.Time) bool {
	if t == nil || t.AccessToken == "" {
		return true
	}
	return !t.Expiry.IsZero() && !now.Before(t.Expiry)
}

func presence(s string) string {
	if s == "" {
		return "none"
	}
	return redacted
}

// String returns a redacted description of the token.
func (t Token) String() string {
	return fmt.Sprintf("thaid.Token{TokenType: %q, Expiry: %s, Scopes: %q, AccessToken: %s, RefreshToken: %s, IDToken: %s}",
		t.TokenType, t.Expiry.Format(time.RFC3339), t.Scopes,
		presence(t.AccessToken), presence(t.RefreshToken), presence(t.IDToken))
}

// GoString returns the redacted description (for %#v).
func (t Token) GoString() string { return t.String() }

// Format prints the redacted description for every fmt verb.
func (t Token) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(t.String())) }

// LogValue implements slog.LogValuer with the token values redacted.
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("token_type", t.TokenType),
		slog.Time("expiry", t.Expiry),
		slog.String("scopes", strings.Join(t.Scopes, " ")),
		slog.String("access_token", presence(t.AccessToken)),
		slog.String("refresh_token", presence(t.RefreshToken)),
		slog.String("id_token", presence(t.IDToken)),
	)
}

// tokenRequest posts form to the token endpoint and decodes the answer.
func (c *Client) tokenRequest(ctx context.Context, form url.Values) (*tokenResponse, error) {
	body, err := c.post(ctx, c.cfg.Provider.TokenURL, form)
	if err != nil {
		return nil, err
	}
	return decodeTokenResponse(body, c.cfg.Now())
}

// tokenResponse is a decoded token-endpoint answer.
type tokenResponse struct {
	token    Token
	hasScope bool
	// claims are the members that are not token fields: ThaID's flat claims
	// (pid, name, ...) when the openid scope was not requested.
	claims map[string]any
}

// tokenFields are the token-response members that are not identity claims.
var tokenFields = map[string]bool{
	"access_token": true, "token_type": true, "refresh_token": true, "id_token": true,
	"expires_in": true, "expire_in": true, "scope": true,
	"error": true, "error_description": true, "error_uri": true,
}

// absoluteExpiryThreshold: an expiry value above it is a Unix time, not seconds.
const absoluteExpiryThreshold = 1_000_000_000

// decodeTokenResponse decodes a token-endpoint JSON answer. It accepts both
// "expires_in" and ThaID's "expire_in", each either relative seconds or an
// absolute Unix time (above 10^9), as a number or a numeric string. now is
// used for relative expiries. An answer with an error code never gets here:
// errorFromBody has made it an *Error.
func decodeTokenResponse(body []byte, now time.Time) (*tokenResponse, error) {
	m, err := decodeObject(body)
	if err != nil {
		return nil, wrapf(ErrMalformedResponse, "token response is not a JSON object: %v", err)
	}
	tr := &tokenResponse{}
	t := &tr.token
	for _, f := range []struct {
		name string
		dst  *string
	}{
		{"access_token", &t.AccessToken},
		{"token_type", &t.TokenType},
		{"refresh_token", &t.RefreshToken},
		{"id_token", &t.IDToken},
	} {
		if *f.dst, err = stringMember(m, f.name, ErrMalformedResponse); err != nil {
			return nil, err
		}
	}
	if t.AccessToken == "" {
		return nil, ErrMissingAccessToken
	}
	if v, ok := m["scope"]; ok && v != nil {
		switch s := v.(type) {
		case string:
			t.Scopes = strings.Fields(s)
		case []any:
			for _, x := range s {
				xs, ok := x.(string)
				if !ok {
					return nil, wrapf(ErrMalformedResponse, "scope list holds a %T", x)
				}
				t.Scopes = append(t.Scopes, xs)
			}
		default:
			return nil, wrapf(ErrMalformedResponse, "scope is a %T", v)
		}
		tr.hasScope = true
	}
	for _, name := range []string{"expires_in", "expire_in"} {
		v, ok := m[name]
		if !ok || v == nil {
			continue
		}
		if t.Expiry, err = expiryFrom(name, v, now); err != nil {
			return nil, err
		}
		break
	}
	for k, v := range m {
		if tokenFields[k] {
			continue
		}
		if tr.claims == nil {
			tr.claims = make(map[string]any, len(m))
		}
		tr.claims[k] = v
	}
	return tr, nil
}

// expiryFrom interprets an expires_in/expire_in value.
func expiryFrom(name string, v any, now time.Time) (time.Time, error) {
	var n float64
	switch x := v.(type) {
	case float64:
		n = x
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return time.Time{}, wrapf(ErrMalformedResponse, "%s %q is not a number", name, truncate(x, 32))
		}
		n = f
	default:
		return time.Time{}, wrapf(ErrMalformedResponse, "%s is a %s, not a number", name, jsonType(v))
	}
	switch {
	case !validUnix(n):
		return time.Time{}, wrapf(ErrMalformedResponse, "%s %v is out of range", name, n)
	case n == 0:
		return time.Time{}, nil
	case n > absoluteExpiryThreshold:
		return time.Unix(int64(n), 0).UTC(), nil
	default:
		return now.Add(time.Duration(n * float64(time.Second))), nil
	}
}
