package middleware

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/thaid-go/thaid-go/thaid"
)

// A login in progress lives in the browser that started it: in a cookie of its own, named after
// its state (so that several tabs can log in at once), sealed under the server's CookieKeys, and
// living PendingTTL. Nothing is stored on the server until ThaID has identified a citizen, so a
// flood of anonymous logins costs the server no memory. The cookie is the browser binding: a
// callback link that reaches another browser finds no cookie and signs no one in. A callback is
// used once: the cookie is deleted by the answer, and a login that completes leaves a mark in
// the store (under a hash of its state, for the rest of its PendingTTL) that refuses a replay.

const (
	// loginNameState is how many characters of the state name a login cookie.
	loginNameState = 12
	// maxLogins is how many logins one browser may have in progress; starting one more drops the
	// oldest, so that the Cookie header stays small.
	maxLogins = 4
	// maxLoginScan bounds the login cookies that a request may make the middleware open.
	maxLoginScan = 32
)

// loginCookieName returns the name of the cookie of the login with this state.
func (a *Auth) loginCookieName(state string) string {
	return a.loginCookie + state[:loginNameState]
}

// usedKey returns the store key of the mark left by a completed login with this state.
func usedKey(state string) string {
	h := labelHash("thaid-go used state\x00", state)
	return storeKey(prefixUsed, &h)
}

// openLogin returns the login sealed in the cookie named name, with value value.
func (a *Auth) openLogin(name, value string) (pendingLogin, error) {
	p, err := a.keys.openLogin(name, value)
	if err != nil {
		return pendingLogin{}, err
	}
	return decodeLogin(p)
}

// setLoginCookie starts the cookie of login l, and drops the oldest of the browser's other login
// cookies (and any that do not open) so that at most maxLogins remain.
func (a *Auth) setLoginCookie(w http.ResponseWriter, r *http.Request, p pendingLogin) error {
	name := a.loginCookieName(p.login.State)
	value, err := a.keys.sealLogin(name, encodeLogin(p))
	if err != nil {
		return err
	}
	type other struct {
		name    string
		started time.Time
	}
	var others []other
	for _, c := range r.Cookies() {
		if !strings.HasPrefix(c.Name, a.loginCookie) || c.Name == name {
			continue
		}
		if len(others) == maxLoginScan {
			a.setCookie(w, c.Name, "", 0)
			continue
		}
		o := other{name: c.Name}
		if l, err := a.openLogin(c.Name, c.Value); err == nil {
			o.started = l.login.CreatedAt
		}
		others = append(others, o)
	}
	slices.SortFunc(others, func(x, y other) int { return y.started.Compare(x.started) }) // newest first
	for i, o := range others {
		if i >= maxLogins-1 || o.started.IsZero() {
			a.setCookie(w, o.name, "", 0)
		}
	}
	a.setCookie(w, name, value, a.pendingTTL)
	return nil
}

// takeLogin finds, for a callback, the login that this browser started with the callback's
// state, and deletes its cookie. It tells apart a state that is not ours or was used
// (ErrNoPendingLogin), a login that has expired (thaid.ErrLoginExpired) and one that another
// browser started (ErrOtherBrowser).
func (a *Auth) takeLogin(ctx context.Context, w http.ResponseWriter, r *http.Request, state string, now time.Time) (pendingLogin, error) {
	started, ok := a.keys.checkState(state)
	if !ok {
		return pendingLogin{}, ErrNoPendingLogin
	}
	expired := func() error {
		return fmt.Errorf("%w: the login started more than %s ago", thaid.ErrLoginExpired, a.pendingTTL)
	}
	name := a.loginCookieName(state)
	value, present := cookieValue(r.Header, name)
	if !present {
		if now.Sub(started) > a.pendingTTL {
			return pendingLogin{}, expired()
		}
		switch _, err := a.store.Get(ctx, usedKey(state)); {
		case err == nil:
			return pendingLogin{}, ErrNoPendingLogin
		case !errors.Is(err, ErrNotFound):
			return pendingLogin{}, fmt.Errorf("%w: %w", ErrStore, err)
		}
		return pendingLogin{}, ErrOtherBrowser
	}
	a.setCookie(w, name, "", 0)
	p, err := a.openLogin(name, value)
	if err != nil {
		return pendingLogin{}, fmt.Errorf("%w: the login cookie does not open (%w)", ErrNoPendingLogin, err)
	}
	if subtle.ConstantTimeCompare([]byte(p.login.State), []byte(state)) != 1 {
		return pendingLogin{}, ErrOtherBrowser
	}
	if now.Sub(p.login.CreatedAt) > a.pendingTTL {
		return pendingLogin{}, expired()
	}
	return p, nil
}

// markUsed records that login p completed, so that its callback cannot be used again while
// takeLogin would still accept it (until PendingTTL after its start). It reports false when it
// already was.
func (a *Auth) markUsed(ctx context.Context, p pendingLogin, now time.Time) (bool, error) {
	ttl := max(p.login.CreatedAt.Add(a.pendingTTL+time.Second).Sub(now), time.Second)
	return a.store.Add(ctx, usedKey(p.login.State), []byte{1}, ttl)
}
