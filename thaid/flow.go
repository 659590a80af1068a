package thaid

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"time"

	"golang.org/x/oauth2"
)

// Login is one login attempt: the values that tie the callback to the
// authorization request. Keep it server-side (any store: it serialises to
// JSON), keyed by State, between AuthCodeURL and Exchange. String, Format and
// LogValue hide the nonce and the PKCE verifier.
type Login struct {
	State        string    `json:"state"`         // echoed back by the provider; 256 random bits
	Nonce        string    `json:"nonce"`         // must come back inside the ID token; 256 random bits
	CodeVerifier string    `json:"code_verifier"` // PKCE verifier (S256); 256 random bits
	CreatedAt    time.Time `json:"created_at"`    // on Config.Now; older than Config.LoginTTL is refused
}

// String returns a description with the nonce and verifier redacted.
func (l Login) String() string {
	return fmt.Sprintf("thaid.Login{State: %q, Nonce: %s, CodeVerifier: %s, CreatedAt: %s}",
		l.State, presence(l.Nonce), presence(l.CodeVerifier), l.CreatedAt.Format(time.RFC3339))
}

// GoString returns the redacted description (for %#v).
func (l Login) GoString() string { return l.String() }

// Format prints the redacted description for every fmt verb.
func (l Login) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(l.String())) }

// LogValue implements slog.LogValuer with the nonce and verifier redacted.
func (l Login) LogValue() slog.Value {
	return slog.GroupValue(slog.String("state", l.State), slog.Time("created_at", l.CreatedAt))
}

// Result is the outcome of Exchange or Refresh.
type Result struct {
	// Identity is the citizen. It is nil only after Refresh when the answer
	// carried neither an ID token nor flat claims.
	Identity *Identity
	// Token holds the tokens; keep it to refresh or revoke later.
	Token *Token
	// RefreshRotated is set by Refresh when the provider issued a new
	// refresh token, which replaces the old one in Token.
	RefreshRotated bool
}

func randomString() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// NewLogin starts a login attempt: a fresh state, nonce and PKCE verifier
// from crypto/rand (256 bits each), and the creation time.
func (c *Client) NewLogin() (*Login, error) {
	state, err := randomString()
	if err != nil {
		return nil, fmt.Errorf("thaid: reading random bytes: %w", err)
	}
	nonce, err := randomString()
	if err != nil {
		return nil, fmt.Errorf("thaid: reading random bytes: %w", err)
	}
	return &Login{
		State:        state,
		Nonce:        nonce,
		CodeVerifier: oauth2.GenerateVerifier(),
		CreatedAt:    c.now(),
	}, nil
}

// AuthCodeURL returns the provider's authorization URL for l: response_type
// code, client_id, redirect_uri, scope, state, nonce and the PKCE S256
// challenge. extra adds parameters (for example login_hint with the mock
// provider). It cannot replace the parameters above: the flow's security rests
// on them, so extra's values for those names are ignored.
func (c *Client) AuthCodeURL(l *Login, extra url.Values) string {
	opts := make([]oauth2.AuthCodeOption, 0, 2+len(extra))
	for k, vs := range extra {
		if reservedAuthParams[k] {
			continue
		}
		for _, v := range vs {
			opts = append(opts, oauth2.SetAuthURLParam(k, v))
		}
	}
	if l.Nonce != "" {
		opts = append(opts, oauth2.SetAuthURLParam("nonce", l.Nonce))
	}
	if l.CodeVerifier != "" {
		opts = append(opts, oauth2.S256ChallengeOption(l.CodeVerifier))
	}
	return c.oauth.AuthCodeURL(l.State, opts...)
}

// reservedAuthParams are the authorization parameters that AuthCodeURL sets
// itself and that extra parameters never replace.
var reservedAuthParams = map[string]bool{
	"response_type": true, "client_id": true, "redirect_uri": true, "scope": true, "state": true,
	"nonce": true, "code_challenge": true, "code_challenge_method": true,
}

// Exchange completes a login from the callback's query (r.URL.Query()). It
// checks, in order: the state against l in constant time (ErrStateMismatch;
// also for a nil l), provider error parameters (*Error; access_denied and
// user_denied match ErrUserDenied), the login's age (ErrLoginExpired) and the
// code (ErrMissingCode). It then exchanges the code with the PKCE verifier and
// returns the identity: from the verified ID token when one came back (it is
// required when the openid scope was requested), else from the flat claims of
// the token response (Identity.Verified false).
func (c *Client) Exchange(ctx context.Context, l *Login, query url.Values) (*Result, error) {
	if l == nil || l.State == "" {
		return nil, wrapf(ErrStateMismatch, "no login for this callback")
	}
	if subtle.ConstantTimeCompare([]byte(query.Get("state")), []byte(l.State)) != 1 {
		return nil, wrapf(ErrStateMismatch, "callback state does not belong to the login")
	}
	if code := query.Get("error"); code != "" {
		return nil, &Error{Code: code, Description: query.Get("error_description"), URI: query.Get("error_uri")}
	}
	if age := c.now().Sub(l.CreatedAt); age > c.cfg.LoginTTL {
		return nil, wrapf(ErrLoginExpired, "login is %s old, limit %s", age.Round(time.Second), c.cfg.LoginTTL)
	}
	code := query.Get("code")
	if code == "" {
		return nil, ErrMissingCode
	}
	var opts []oauth2.AuthCodeOption
	if l.CodeVerifier != "" {
		opts = append(opts, oauth2.VerifierOption(l.CodeVerifier))
	}
	tr, err := c.tokenRequest(ctx, func(ctx context.Context) error {
		_, err := c.oauth.Exchange(ctx, code, opts...)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !tr.hasScope {
		tr.token.Scopes = slices.Clone(c.cfg.Scopes)
	}
	res := &Result{Token: &tr.token}
	switch {
	case tr.token.IDToken != "":
		res.Identity, err = c.VerifyIDToken(ctx, tr.token.IDToken, tr.token.AccessToken, l.Nonce)
	case c.wantOpenID:
		err = wrapf(ErrInvalidToken, "openid was requested but the token response has no id_token")
	default:
		res.Identity, err = identityFromClaims(orEmpty(tr.claims), false)
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// tokenRequest runs one token-endpoint call through oauth2 and decodes the raw
// answer itself. oauth2.RetrieveError becomes *Error (or ErrMalformedResponse
// for non-JSON error bodies); network errors and timeouts match
// ErrProviderUnavailable.
func (c *Client) tokenRequest(ctx context.Context, call func(ctx context.Context) error) (*tokenResponse, error) {
	cp := &capture{}
	cctx := context.WithValue(ctx, oauth2.HTTPClient, c.hc)
	cctx = context.WithValue(cctx, captureKey{}, cp)
	err := call(cctx)
	if err != nil {
		var re *oauth2.RetrieveError
		switch {
		case errors.As(err, &re):
			status, ct := 0, ""
			if re.Response != nil {
				status, ct = re.Response.StatusCode, re.Response.Header.Get("Content-Type")
			}
			return nil, httpStatusError(status, ct, re.Body)
		case ctx.Err() != nil || cp.status == 0:
			return nil, wrapErr(ErrProviderUnavailable, err)
		}
		// A 2xx answer that oauth2 could not use (no access_token, a
		// content type it misreads, ...): thaid's decoder decides below.
	}
	if cp.status < 200 || cp.status > 299 {
		return nil, httpStatusError(cp.status, cp.contentType, cp.body)
	}
	return decodeTokenResponse(cp.body, c.now())
}
