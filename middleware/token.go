package middleware

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/thaid-go/thaid-go/thaid"
)

// AccessToken returns a valid ThaID access token of the user signed in on r, for calling APIs on
// their behalf. When the stored token has expired and ThaID issued a refresh token, it is
// refreshed first and the new tokens (a rotated refresh token included) are stored. Without a
// session it returns ErrNotSignedIn; with an expired token and no refresh token,
// thaid.ErrTokenExpired.
//
// Concurrent calls for one session on one instance refresh once: the session is locked while
// refreshing. Instances sharing a Redis store do not coordinate: when ThaID rotates refresh
// tokens, two instances refreshing the same session at the same moment race, and the loser gets
// an error matching thaid.ErrInvalidGrant. Treat that error as "log in again".
func (a *Auth) AccessToken(r *http.Request) (string, error) {
	s, ok := SessionFrom(r.Context())
	if !ok {
		if s, _, _ = a.lookup(r); s == nil {
			return "", ErrNotSignedIn
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tok := s.token
	if tok == nil || tok.AccessToken == "" {
		return "", fmt.Errorf("%w: %w", ErrNotSignedIn, thaid.ErrMissingAccessToken)
	}
	now := a.now()
	if !tok.Expired(now) {
		return tok.AccessToken, nil
	}
	if tok.RefreshToken == "" {
		return "", thaid.ErrTokenExpired
	}
	res, err := a.client.Refresh(r.Context(), tok)
	if err != nil {
		a.log.LogAttrs(r.Context(), slog.LevelWarn, "thaid token refresh failed", slog.String("reason", Reason(err)), slog.String("error", err.Error()))
		return "", err
	}
	if res == nil || res.Token == nil || res.Token.AccessToken == "" {
		return "", fmt.Errorf("%w: refresh returned no access token", thaid.ErrMalformedResponse)
	}
	nt := *res.Token
	if nt.RefreshToken == "" {
		nt.RefreshToken = tok.RefreshToken
	}
	if nt.IDToken == "" {
		nt.IDToken = tok.IDToken
	}
	s.token = &nt
	if s.id != "" {
		// s.mu is held: MarshalJSON in a store would deadlock on it, so save a copy.
		cp := NewSession(s.UserID, s.Identity, &nt, s.CreatedAt)
		cp.id = s.id
		cp.lastSeen.Store(s.lastSeen.Load())
		cp.lastSaved.Store(now.UnixNano())
		if err := a.touch(r.Context(), s.id, cp, a.sessionTTL(s, now)); err != nil {
			return "", fmt.Errorf("%w: %w", ErrStore, err)
		}
	}
	a.log.LogAttrs(r.Context(), slog.LevelInfo, "thaid token refreshed", slog.Bool("refresh_rotated", res.RefreshRotated))
	return nt.AccessToken, nil
}
