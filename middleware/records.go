package middleware

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/thaid-go/thaid-go/thaid"
)

// The life of a sealed session record in the store: created at login, opened by every request,
// touched (last seen) at most every touchEvery, rewritten by a refresh, deleted at logout or
// expiry. Every write after the first is a compare-and-swap against the record as read, so that
// a request can neither bring back a session that a logout deleted nor write back tokens that a
// refresh has replaced.

// createSession seals a new session and stores it under a fresh cookie value, which it returns.
func (a *Auth) createSession(ctx context.Context, userID string, id *thaid.Identity, tok *thaid.Token, now time.Time) (string, error) {
	var idBytes []byte
	if id != nil {
		var err error
		if idBytes, err = encodeIdentity(id); err != nil {
			return "", fmt.Errorf("middleware: encode identity: %w", err)
		}
	}
	cookie, err := newID()
	if err != nil {
		return "", err
	}
	hash, key := sessionSecrets(cookie)
	aead, err := newAEAD(key[:])
	if err != nil {
		return "", err
	}
	sealed, err := seal(aead, kindSession, "", encodeSession(now, now, userID, idBytes, tok))
	if err != nil {
		return "", err
	}
	added, err := a.store.Add(ctx, storeKey(prefixSession, &hash), sealed, a.sessionTTL(now, now))
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrStore, err)
	}
	if !added { // two equal 256-bit random values: not expected in the life of the universe
		return "", fmt.Errorf("%w: session key taken", ErrStore)
	}
	return cookie, nil
}

// openSession reads and opens the session record of a cookie value. It returns an error wrapping
// ErrNotFound when there is none (or it does not open), and a store error otherwise. Nothing is
// allocated for the session before the store has a record.
func (a *Auth) openSession(ctx context.Context, cookie string) (*Session, error) {
	hash, key := sessionSecrets(cookie)
	storeKey := storeKey(prefixSession, &hash)
	sealed, err := a.store.Get(ctx, storeKey)
	if err != nil {
		return nil, err
	}
	aead, err := newAEAD(key[:])
	if err != nil {
		return nil, err
	}
	s := &Session{hash: hash, key: storeKey, aead: aead}
	parts, err := a.show(s, sealed)
	if err != nil {
		return nil, err
	}
	s.UserID, s.CreatedAt = parts.userID, parts.created
	return s, nil
}

// show opens a record of s and makes s show it. A record that does not open under the cookie's
// key (altered in the store) counts as missing.
func (a *Auth) show(s *Session, sealed []byte) (sessionParts, error) {
	var dst []byte
	if s.plain == nil {
		dst = s.buf[:0] // the first record of a request: into the Session itself, one allocation less
	}
	plain, err := open(dst, s.aead, kindSession, "", sealed)
	if err != nil {
		return sessionParts{}, fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	parts, err := decodeSession(plain)
	if err != nil {
		return sessionParts{}, fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	s.adopt(sealed, plain, parts, nil)
	return parts, nil
}

// reload reads s's record again from the store (another request or instance may have changed
// it) and makes s show it.
func (a *Auth) reload(ctx context.Context, s *Session) (sealed []byte, parts sessionParts, err error) {
	if sealed, err = a.store.Get(ctx, s.key); err != nil {
		return nil, sessionParts{}, err
	}
	parts, err = a.show(s, sealed)
	return sealed, parts, err
}

// lookup returns the valid session named by the request's cookie, if any, and whether the
// request carried a session cookie at all. An expired session is deleted; a session last seen
// touchEvery ago or more has its last-seen time written through.
func (a *Auth) lookup(r *http.Request) (s *Session, present bool) {
	cookie, present := cookieValue(r.Header, a.cookie)
	if !present || !validID(cookie) {
		return nil, present
	}
	ctx := r.Context()
	s, err := a.openSession(ctx, cookie)
	if err != nil {
		if !errors.Is(err, ErrNotFound) {
			a.storeFailed(ctx, err)
		}
		return nil, true
	}
	now := a.now()
	if now.Sub(s.CreatedAt) >= a.absolute || now.Sub(s.lastSeen) >= a.idle || s.CreatedAt.After(now.Add(time.Minute)) {
		if err := a.store.Delete(ctx, s.key); err != nil {
			a.storeFailed(ctx, err)
		}
		return nil, true
	}
	if now.Sub(s.lastSeen) >= a.touchEvery {
		a.touch(ctx, s, now)
	}
	return s, true
}

// touch writes now as s's last-seen time, unless the record changed since it was read (then the
// other writer's record stands: it is at least as recent).
func (a *Auth) touch(ctx context.Context, s *Session, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	plain := append([]byte(nil), s.plain...)
	putUnixNano(plain[lastSeenOffset:], now)
	sealed, err := seal(s.aead, kindSession, "", plain)
	if err != nil {
		a.storeFailed(ctx, err)
		return
	}
	swapped, err := a.store.CompareAndSwap(ctx, s.key, s.sealed, sealed, a.sessionTTL(s.CreatedAt, now))
	if err != nil {
		a.storeFailed(ctx, err)
		return
	}
	if swapped {
		s.sealed, s.plain, s.lastSeen = sealed, plain, now
		// idBytes and tokBytes still point into the old plaintext, which is unchanged.
	}
}

// sessionTTL is how long the store must keep a session created at created and written at now:
// until the idle timeout (with slack for the last-seen updates not written through) or the
// absolute end, whichever is first.
func (a *Auth) sessionTTL(created, now time.Time) time.Duration {
	ttl := a.idle + a.touchEvery
	if rest := created.Add(a.absolute).Sub(now); rest < ttl {
		ttl = rest
	}
	if ttl < time.Millisecond {
		ttl = time.Millisecond
	}
	return ttl
}

func (a *Auth) storeFailed(ctx context.Context, err error) {
	a.log.LogAttrs(ctx, slog.LevelError, "thaid session store failed", slog.String("error", err.Error()))
}
