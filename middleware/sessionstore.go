package middleware

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/thaid-go/thaid-go/thaid"
)

// The life of a sealed session record in the store: created at login, opened by every request,
// touched (last seen) at most every touchEvery, rewritten by a refresh, deleted at logout or
// expiry. Every write after the first is a compare-and-swap against the record as read, and a
// logout is a compare-and-delete, so that a request can neither bring back a session that a
// logout deleted, nor write back tokens that a refresh has replaced, nor delete tokens that it
// did not revoke.

// createSession seals a new session and stores it under a fresh cookie value, which it returns.
func (a *Auth) createSession(ctx context.Context, userID string, id *thaid.Identity, tok *thaid.Token, now time.Time) (string, error) {
	idBytes, err := encodeIdentity(id)
	if err != nil {
		return "", fmt.Errorf("middleware: encode identity: %w", err)
	}
	cookie := newID()
	hash, key, _ := sessionSecrets(cookie)
	aead, err := newAEAD(key[:])
	if err != nil {
		return "", err
	}
	sealed, err := sealRecord(aead, &hash, encodeHead(now, now, userID), encodeBody(idBytes, tok, now))
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

// openSession reads the session record of a cookie value and opens its head. It returns an
// error wrapping ErrNotFound when there is none (or it does not open), and a store error
// otherwise. Nothing is allocated for the session before the store has a record.
//
// This is every signed-in request's path, so it allocates four times: the Session (which has
// room for the head, and for the request that carries it on), AES and GCM for the cookie's key,
// and one string that holds both the store key and the user ID.
func (a *Auth) openSession(ctx context.Context, cookie string) (*Session, error) {
	hash, key, ok := sessionSecrets(cookie)
	if !ok {
		return nil, notFound(errUnsealed)
	}
	var b strings.Builder
	b.Grow(storeKeyLen + headInline - headSize)
	writeStoreKey(&b, prefixSession, &hash)
	storeKey := b.String()
	sealed, err := a.store.Get(ctx, storeKey)
	if err != nil {
		return nil, err
	}
	aead, err := newAEAD(key[:])
	if err != nil {
		return nil, err
	}
	s := &Session{hash: hash, key: storeKey, aead: aead}
	created, userID, err := s.showLocked(sealed, s.head[:0])
	if err != nil {
		return nil, err
	}
	s.CreatedAt = created
	if len(userID) > 0 {
		if b.Cap()-b.Len() >= len(userID) {
			b.Write(userID) // beside the store key, in the memory that b already has
			s.UserID = b.String()[len(storeKey):]
		} else {
			s.UserID = string(userID)
		}
	}
	return s, nil
}

// notFound wraps err, a record that does not open or decode, as ErrNotFound.
func notFound(err error) error { return fmt.Errorf("%w: %w", ErrNotFound, err) }

// reload reads s's record again from the store (another request or instance may have changed
// it) and makes s show it.
func (a *Auth) reload(ctx context.Context, s *Session) error {
	sealed, err := a.store.Get(ctx, s.key)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _, err = s.showLocked(sealed, nil)
	return err
}

// lookup returns the valid session named by the request's cookie, if any, and whether the
// request carried a session cookie at all. An expired session is deleted; a session last seen
// touchEvery ago or more has its last-seen time written through.
func (a *Auth) lookup(r *http.Request) (s *Session, present bool) {
	cookie, present := cookieValue(r.Header, a.cookie)
	if !present {
		return nil, false
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
// other writer's record stands: it is at least as recent). Only the head is sealed again.
func (a *Auth) touch(ctx context.Context, s *Session, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sealed, err := resealHead(s.aead, &s.hash, s.sealed, encodeHead(s.CreatedAt, now, s.UserID))
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
		s.sealed, s.lastSeen = sealed, now // the body, and what was decoded of it, are the same
	}
}

// endSession deletes the session of a cookie value, for a logout, and returns it (nil when there
// was none that opened) with the tokens of every version of it that it read: those to revoke.
//
// It deletes by compare-and-delete against the record it read. When that fails, the record has
// changed since: a last-seen update, or a refresh on another instance, whose new tokens the
// logout must revoke too. It then reads the record again and tries again, so that what a refresh
// running at the same moment produced is never left behind: either its compare-and-swap came
// first and the logout reads (and revokes) its tokens, or the logout's delete came first and the
// refresh, whose compare-and-swap then fails, revokes its own tokens (refreshLocked). A tombstone
// would do the same but leave a record per logout in the store until the absolute timeout.
func (a *Auth) endSession(ctx context.Context, cookie string) (*Session, []*thaid.Token, error) {
	s, err := a.openSession(ctx, cookie)
	if errors.Is(err, ErrNotFound) {
		// Nothing that opens: delete whatever is there (an altered record) all the same.
		return nil, nil, a.store.Delete(ctx, sessionKey(cookie))
	}
	if err != nil {
		return nil, nil, err
	}
	var toks []*thaid.Token
	for range rewriteTries {
		if tok, _ := s.currentToken(); tok != nil {
			toks = append(toks, tok)
		}
		s.mu.Lock()
		sealed := s.sealed
		s.mu.Unlock()
		deleted, err := a.store.CompareAndDelete(ctx, s.key, sealed)
		if err != nil || deleted {
			return s, toks, err
		}
		if err := a.reload(ctx, s); errors.Is(err, ErrNotFound) {
			return s, toks, a.store.Delete(ctx, s.key) // ended meanwhile (or replaced by what does not open)
		} else if err != nil {
			return s, toks, err
		}
	}
	return s, toks, fmt.Errorf("the session kept changing during the logout")
}

// sessionTTL is how long the store must keep a session created at created and written at now:
// until the idle timeout (with slack for the last-seen updates not written through) or the
// absolute end, whichever is first.
func (a *Auth) sessionTTL(created, now time.Time) time.Duration {
	return max(min(a.idle+a.touchEvery, created.Add(a.absolute).Sub(now)), time.Millisecond)
}

func (a *Auth) storeFailed(ctx context.Context, err error) {
	a.log.LogAttrs(ctx, slog.LevelError, "thaid session store failed", slog.String("error", err.Error()))
}
