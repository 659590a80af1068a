package middleware

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/thaid-go/thaid-go/thaid"
)

// When to refresh. ThaID's refresh token lives 15 minutes, as long as its access token, so a
// refresh after the access token has expired could never succeed against it. AccessToken
// therefore refreshes ahead: once no more than Config.RefreshBefore is left of the access token
// (by default a third of its lifetime as received, which the session record keeps), the call
// refreshes it, and the refresh token is used while it is still valid.
//
// One refresh per session. ThaID may rotate refresh tokens, so two refreshes of one session would
// leave one of them with a spent token. Within an instance, the requests of a session that find
// its access token due for a refresh share one refresh (flights). Across instances, the refresh is
// done under a lock in the store (Add of a key made from the session's hash, with a TTL): the
// holder reads the record again, refreshes, writes the new tokens by compare-and-swap and
// releases the lock; the others poll the record until it holds another access token, or one that
// is not due.
const (
	// refreshLockTTL is how long a refresh lock lives if its holder dies. It outlasts
	// refreshTimeout, so that a live holder never loses its lock.
	refreshLockTTL = 30 * time.Second
	// refreshTimeout bounds one refresh at the provider, and a wait for another instance's.
	refreshTimeout = 15 * time.Second
	// refreshPoll is the first wait between looks at a record that another instance refreshes;
	// it doubles up to refreshPollMax.
	refreshPoll    = 10 * time.Millisecond
	refreshPollMax = 200 * time.Millisecond
	// rewriteTries bounds the compare-and-swap retries of a refreshed record (each retry follows
	// a last-seen update that slipped in between).
	rewriteTries = 8
	// unknownLifetimeMargin is the refresh margin of a token whose reception time the record
	// does not hold (records written before December 2026): a third of ThaID's 15 minutes.
	unknownLifetimeMargin = 5 * time.Minute
)

// AccessToken returns a valid ThaID access token of the user signed in on r, for calling APIs on
// their behalf. When no more than Config.RefreshBefore is left of the stored token (by default a
// third of its lifetime: 5 of ThaID's 15 minutes), or it has expired, and ThaID issued a refresh
// token, it is refreshed first and the new tokens (a rotated refresh token included) are stored.
// Refreshing ahead matters with ThaID, whose refresh token expires with the access token: a
// refresh after expiry would be refused. Without a session it returns ErrNotSignedIn; with an
// expired token and no refresh token, thaid.ErrTokenExpired (a token that is merely due, without
// a refresh token, is returned as it is).
//
// When the refresh is refused, the error matches thaid.ErrInvalidGrant (Reason "invalid_grant"):
// the refresh token has expired (after a silence longer than its lifetime, or, with a provider
// that gives no new refresh token at a refresh, once the login's own has) or was revoked, and the
// citizen must log in again to get ThaID tokens; the session itself stays.
// When the provider cannot be reached (thaid.ErrProviderUnavailable) for a token that is due but
// not expired, AccessToken returns that token, still valid, and the next call tries again. Every
// other failure is returned.
//
// A session is refreshed once, however many requests find its token due at the same moment, on
// one instance or on several sharing a store: one request refreshes, the others wait for its
// result (at most about 15 s) and get the new access token. The refresh itself is
// thaid.Client.Refresh: an answer whose identity names another citizen than the session's (a sub
// or PID added, changed or dropped) is refused with an error matching thaid.ErrInvalidClaim and
// its tokens revoked, and claims that no signature covers never replace a verified identity.
func (a *Auth) AccessToken(r *http.Request) (string, error) {
	s, ok := SessionFrom(r.Context())
	if !ok {
		if s, _ = a.lookup(r); s == nil {
			return "", ErrNotSignedIn
		}
	}
	tok, received := s.currentToken()
	if tok == nil || tok.AccessToken == "" {
		return "", fmt.Errorf("%w: %w", ErrNotSignedIn, thaid.ErrMissingAccessToken)
	}
	now := a.now()
	if !a.refreshDue(tok, received, now) {
		return tok.AccessToken, nil
	}
	if tok.RefreshToken == "" {
		if !tok.Expired(now) {
			return tok.AccessToken, nil
		}
		return "", thaid.ErrTokenExpired
	}
	f, leader := a.refreshes.join(s.key)
	if leader {
		start := a.startTimer()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), refreshTimeout)
		f.tok, f.err = a.refresh(ctx, s, tok.AccessToken)
		cancel()
		a.observe(r.Context(), EventRefresh, start, f.err)
		a.refreshes.leave(s.key, f)
	} else {
		select {
		case <-f.done:
		case <-r.Context().Done():
			return "", r.Context().Err()
		}
		if f.err == nil {
			_ = a.reload(r.Context(), s) // show this request's session the refreshed record too
		}
	}
	if f.err != nil {
		if errors.Is(f.err, thaid.ErrProviderUnavailable) && !tok.Expired(a.now()) {
			return tok.AccessToken, nil // refreshed ahead of time: the token still serves
		}
		return "", f.err
	}
	return f.tok.AccessToken, nil
}

// refreshDue reports whether AccessToken refreshes tok, received at received (zero: unknown), at
// now: once it has expired, or once no more than the refresh margin is left of it. A token
// without an expiry is never due.
func (a *Auth) refreshDue(tok *thaid.Token, received, now time.Time) bool {
	if tok.Expired(now) {
		return true
	}
	if tok.Expiry.IsZero() {
		return false
	}
	margin := a.refreshBefore
	if margin == 0 {
		margin = unknownLifetimeMargin
		if !received.IsZero() {
			margin = tok.Expiry.Sub(received) / 3
		}
	}
	return !now.Before(tok.Expiry.Add(-margin))
}

// refresh refreshes s's tokens once across instances (see the top of this file) and returns the
// valid token that s's record then holds; seen is the access token that was found due.
func (a *Auth) refresh(ctx context.Context, s *Session, seen string) (*thaid.Token, error) {
	lockKey := storeKey(prefixLock, &s.hash)
	var lock [16]byte
	rand.Read(lock[:]) // never fails (see newID)
	wait := refreshPoll
	for {
		tok, fresh, err := a.storedToken(ctx, s, seen)
		if err != nil || fresh { // fresh: another instance has refreshed
			return tok, err
		}
		took, err := a.store.Add(ctx, lockKey, lock[:], refreshLockTTL)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrStore, err)
		}
		if took {
			tok, err := a.refreshLocked(ctx, s, seen)
			if _, uerr := a.store.CompareAndDelete(context.WithoutCancel(ctx), lockKey, lock[:]); uerr != nil {
				a.storeFailed(ctx, uerr)
			}
			return tok, err
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil, fmt.Errorf("%w: waiting for another instance's refresh: %w", thaid.ErrProviderUnavailable, ctx.Err())
		}
		wait = min(2*wait, refreshPollMax)
	}
}

// refreshLocked refreshes s's tokens at the provider and writes them, holding the session's
// refresh lock. Judging the answer (fallbacks, same citizen) is thaid.Client.Refresh's.
func (a *Auth) refreshLocked(ctx context.Context, s *Session, seen string) (*thaid.Token, error) {
	// Read again under the lock: another instance may have refreshed just before we took it.
	old, fresh, err := a.storedToken(ctx, s, seen)
	if err != nil || fresh {
		return old, err
	}
	res, err := a.client.Refresh(ctx, old, s.Identity())
	received := a.now()
	if err != nil {
		a.log.LogAttrs(ctx, slog.LevelWarn, "thaid token refresh failed", slog.String("reason", Reason(err)), slog.String("error", err.Error()))
		return nil, err
	}
	idBytes, err := encodeIdentity(res.Identity)
	if err != nil {
		return nil, fmt.Errorf("middleware: encode identity: %w", err)
	}
	for range rewriteTries {
		s.mu.Lock()
		cur, created, lastSeen := s.sealed, s.CreatedAt, s.lastSeen
		keep := idBytes
		if res.Identity == nil { // the stored identity stays
			enc, _, _ := decodeBody(s.bodyLocked())
			keep = []byte(enc)
		}
		s.mu.Unlock()
		body := encodeBody(keep, res.Token, received)
		sealed, err := sealRecord(s.aead, &s.hash, encodeHead(created, lastSeen, s.UserID), body)
		if err != nil {
			return nil, err
		}
		swapped, err := a.store.CompareAndSwap(ctx, s.key, cur, sealed, a.sessionTTL(created, a.now()))
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrStore, err)
		}
		if swapped {
			s.adopt(sealed, string(body), res.Identity, res.Token, received)
			a.log.LogAttrs(ctx, slog.LevelInfo, "thaid token refreshed", slog.Bool("refresh_rotated", res.RefreshRotated))
			return res.Token, nil
		}
		// A last-seen update slipped in, or the session was deleted (a logout): then these
		// tokens are nobody's, and are revoked.
		if err := a.reload(ctx, s); err != nil {
			a.revokeAll(ctx, res.Token)
			return nil, a.refreshStoreError(err)
		}
	}
	a.revokeAll(ctx, res.Token) // written nowhere: nobody's
	return nil, fmt.Errorf("%w: the refreshed session could not be written", ErrStore)
}

// storedToken reads s's record again (s then shows it) and returns its token, and whether that
// needs no refresh: another instance has refreshed it (its access token is no longer seen, the
// one found due, and has not expired), or it is not due.
func (a *Auth) storedToken(ctx context.Context, s *Session, seen string) (tok *thaid.Token, fresh bool, err error) {
	if err := a.reload(ctx, s); err != nil {
		return nil, false, a.refreshStoreError(err)
	}
	tok, received := s.currentToken()
	if tok == nil {
		return nil, false, fmt.Errorf("%w: %w", ErrNotSignedIn, thaid.ErrMissingAccessToken)
	}
	now := a.now()
	fresh = tok.AccessToken != seen && !tok.Expired(now) || !a.refreshDue(tok, received, now)
	return tok, fresh, nil
}

// refreshStoreError maps a failure to read a session during a refresh: a session that is gone
// (logged out meanwhile) means the user is no longer signed in.
func (a *Auth) refreshStoreError(err error) error {
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("%w: the session ended during the refresh", ErrNotSignedIn)
	}
	return fmt.Errorf("%w: %w", ErrStore, err)
}

// flights lets the requests of one session on this instance share one refresh.
type flights struct {
	mu sync.Mutex
	m  map[string]*flight
}

// flight is one refresh in progress; done is closed when tok and err are set.
type flight struct {
	done chan struct{}
	tok  *thaid.Token
	err  error
}

// join returns the refresh in progress for key, or starts one and returns leader true: the
// leader does the work, then calls leave.
func (fs *flights) join(key string) (f *flight, leader bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if f, ok := fs.m[key]; ok {
		return f, false
	}
	if fs.m == nil {
		fs.m = make(map[string]*flight)
	}
	f = &flight{done: make(chan struct{})}
	fs.m[key] = f
	return f, true
}

// leave ends the leader's flight and wakes the others.
func (fs *flights) leave(key string, f *flight) {
	fs.mu.Lock()
	delete(fs.m, key)
	fs.mu.Unlock()
	close(f.done)
}
