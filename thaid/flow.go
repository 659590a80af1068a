package thaid

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"
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

// NewLogin starts a login attempt: a fresh state, nonce and PKCE verifier
// from crypto/rand (256 bits each), and the creation time.
func (c *Client) NewLogin() (*Login, error) {
	l := &Login{CreatedAt: c.cfg.Now()}
	for _, v := range []*string{&l.State, &l.Nonce, &l.CodeVerifier} {
		var b [32]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, fmt.Errorf("thaid: reading random bytes: %w", err)
		}
		*v = base64.RawURLEncoding.EncodeToString(b[:])
	}
	return l, nil
}

// AuthCodeURL returns the provider's authorization URL for l: response_type
// code, client_id, redirect_uri, scope, state, nonce and the PKCE S256
// challenge. extra adds parameters (for example login_hint with the mock
// provider). It cannot replace the parameters above: the flow's security rests
// on them, so extra's values for those names are ignored.
func (c *Client) AuthCodeURL(l *Login, extra url.Values) string {
	v := make(url.Values, len(extra)+8)
	for k, vs := range extra {
		// A parameter is sent once (RFC 6749 3.1): its last value.
		if !reservedAuthParams[k] && len(vs) > 0 {
			v.Set(k, vs[len(vs)-1])
		}
	}
	v.Set("response_type", "code")
	v.Set("client_id", c.cfg.ClientID)
	v.Set("redirect_uri", c.cfg.RedirectURL)
	v.Set("scope", strings.Join(c.cfg.Scopes, " "))
	if l.State != "" {
		v.Set("state", l.State)
	}
	if l.Nonce != "" {
		v.Set("nonce", l.Nonce)
	}
	if l.CodeVerifier != "" {
		sum := sha256.Sum256([]byte(l.CodeVerifier))
		v.Set("code_challenge", base64.RawURLEncoding.EncodeToString(sum[:]))
		v.Set("code_challenge_method", "S256")
	}
	sep := "?"
	if strings.Contains(c.cfg.Provider.AuthURL, "?") {
		sep = "&"
	}
	return c.cfg.Provider.AuthURL + sep + v.Encode()
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
// required when the openid scope was requested; a Login without Nonce is then
// refused with ErrNonceMismatch unless Config.NonceOptional is set), else from
// the flat claims of the token response (Identity.Verified false).
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
	if age := c.cfg.Now().Sub(l.CreatedAt); age > c.cfg.LoginTTL {
		return nil, wrapf(ErrLoginExpired, "login is %s old, limit %s", age.Round(time.Second), c.cfg.LoginTTL)
	}
	code := query.Get("code")
	if code == "" {
		return nil, ErrMissingCode
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {c.cfg.RedirectURL}}
	if l.CodeVerifier != "" {
		form.Set("code_verifier", l.CodeVerifier)
	}
	tr, err := c.tokenRequest(ctx, form)
	if err != nil {
		return nil, err
	}
	if !tr.hasScope {
		tr.token.Scopes = slices.Clone(c.cfg.Scopes)
	}
	res := &Result{Token: &tr.token}
	switch {
	case tr.token.IDToken != "" && l.Nonce == "" && !c.cfg.NonceOptional:
		// VerifyIDToken would take "" for a refresh and skip the nonce check.
		err = wrapf(ErrNonceMismatch, "the login has no nonce")
	case tr.token.IDToken != "":
		res.Identity, err = c.VerifyIDToken(ctx, tr.token.IDToken, tr.token.AccessToken, l.Nonce)
	case c.wantOpenID:
		err = wrapf(ErrInvalidToken, "openid was requested but the token response has no id_token")
	default:
		if tr.claims == nil {
			tr.claims = map[string]any{} // Identity.Raw is never nil
		}
		res.Identity, err = identityFromClaims(tr.claims, false)
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}
