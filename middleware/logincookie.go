package middleware

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
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
	// maxLoginCookieBytes bounds what the login cookies of one browser add to its Cookie header
	// (name=value and the "; " between them). Four logins with short return-to paths take about
	// 1.3 KB; one with the longest return-to path (1,024 bytes) about 1.6 KB, so that two such fit
	// and a third drops the oldest. With the session cookie, the middleware's cookies stay under
	// 3.5 KB, well under the 8 KB that common proxies accept for the whole header.
	maxLoginCookieBytes = 3400
	// maxLoginScan bounds the login cookies that a request may make the middleware open.
	maxLoginScan = 32
)

// pendingLogin is what a login cookie seals: the login's secrets and where to go after it.
type pendingLogin struct {
	login    thaid.Login
	returnTo string
}

// encodeLogin writes a login cookie's plaintext: created (8 bytes, Unix ns) | state | nonce |
// PKCE verifier | return-to path.
func encodeLogin(l pendingLogin) []byte {
	e := encoder{b: make([]byte, 0, 16+len(l.login.State)+len(l.login.Nonce)+len(l.login.CodeVerifier)+len(l.returnTo))}
	e.int64(l.login.CreatedAt.UnixNano())
	e.string(l.login.State)
	e.string(l.login.Nonce)
	e.string(l.login.CodeVerifier)
	e.string(l.returnTo)
	return e.b
}

func decodeLogin(p []byte) (pendingLogin, error) {
	d := decoder{s: string(p)}
	var l pendingLogin
	l.login.CreatedAt = time.Unix(0, d.int64())
	l.login.State = d.string()
	l.login.Nonce = d.string()
	l.login.CodeVerifier = d.string()
	l.returnTo = d.string()
	if err := d.end(); err != nil {
		return pendingLogin{}, err
	}
	return l, nil
}

// loginCookieName returns the name of the cookie of the login with this state.
func (a *Auth) loginCookieName(state string) string {
	return a.loginCookie + state[:loginNameState]
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
// cookies (and any that do not open) so that at most maxLogins remain, taking at most
// maxLoginCookieBytes together. The new login is always kept.
func (a *Auth) setLoginCookie(w http.ResponseWriter, r *http.Request, p pendingLogin) {
	name := a.loginCookieName(p.login.State)
	value := a.keys.sealLogin(name, encodeLogin(p))
	type other struct {
		name    string
		size    int // in the Cookie header
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
		o := other{name: c.Name, size: cookieSize(c.Name, c.Value)}
		if l, err := a.openLogin(c.Name, c.Value); err == nil {
			o.started = l.login.CreatedAt
		}
		others = append(others, o)
	}
	slices.SortFunc(others, func(x, y other) int { return y.started.Compare(x.started) }) // newest first
	total, full := cookieSize(name, value), false
	for i, o := range others {
		full = full || i >= maxLogins-1 || total+o.size > maxLoginCookieBytes // older ones go too
		if full || o.started.IsZero() {
			a.setCookie(w, o.name, "", 0)
			continue
		}
		total += o.size
	}
	a.setCookie(w, name, value, a.pendingTTL)
}

// cookieSize is what a cookie adds to a Cookie header: "name=value; ".
func cookieSize(name, value string) int { return len(name) + 1 + len(value) + 2 }

// takeLogin finds, for a callback, the login that this browser started with the callback's
// state, and deletes its cookie. It tells apart a state that is not ours or was used
// (ErrNoPendingLogin), a login that has expired (thaid.ErrLoginExpired) and one that another
// browser started (ErrOtherBrowser).
func (a *Auth) takeLogin(ctx context.Context, w http.ResponseWriter, r *http.Request, state string, now time.Time) (pendingLogin, error) {
	if len(state) != stateLen { // checkState refuses it too
		return pendingLogin{}, ErrNoPendingLogin
	}
	name := a.loginCookieName(state)
	value, present := cookieValue(r.Header, name)
	started, ok := a.keys.checkState(state)
	if !ok {
		if present {
			if _, err := a.keys.openLogin(name, value); errors.Is(err, errUnsealed) {
				a.warnForeignLoginCookie(ctx, now)
			}
		}
		return pendingLogin{}, ErrNoPendingLogin
	}
	expired := func() error {
		return fmt.Errorf("%w: the login started more than %s ago", thaid.ErrLoginExpired, a.pendingTTL)
	}
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
		if errors.Is(err, errUnsealed) {
			a.warnForeignLoginCookie(ctx, now)
		}
		return pendingLogin{}, fmt.Errorf("%w: the login cookie does not open (%w)", ErrNoPendingLogin, err)
	}
	if subtle.ConstantTimeCompare([]byte(p.login.State), []byte(state)) != 1 {
		return pendingLogin{}, ErrOtherBrowser
	}
	if now.Sub(p.login.CreatedAt) > a.pendingTTL {
		return pendingLogin{returnTo: p.returnTo}, expired()
	}
	return p, nil
}

// foreignCookieWarnEvery is how often, at most, a login cookie that no key opens is logged.
const foreignCookieWarnEvery = time.Minute

// warnForeignLoginCookie logs, at most once per foreignCookieWarnEvery, that a login cookie came
// back that none of the CookieKeys opens: the citizen only sees "start again", and the log says
// why. It logs nothing of the cookie.
func (a *Auth) warnForeignLoginCookie(ctx context.Context, now time.Time) {
	for {
		last := a.foreignCookieWarned.Load()
		if last != 0 && now.Sub(time.Unix(0, last)) < foreignCookieWarnEvery {
			return
		}
		if a.foreignCookieWarned.CompareAndSwap(last, now.UnixNano()) {
			break
		}
	}
	a.log.LogAttrs(ctx, slog.LevelWarn, "thaid login cookie does not open with any of Config.CookieKeys",
		slog.String("likely_cause", "the login was started on an instance with other CookieKeys: give every instance the same CookieKeys (or a key was removed less than PendingTTL after it stopped sealing)"))
}

// markUsed records that login p completed, so that its callback cannot be used again while
// takeLogin would still accept it (until PendingTTL after its start). It reports false when it
// already was.
func (a *Auth) markUsed(ctx context.Context, p pendingLogin, now time.Time) (bool, error) {
	ttl := max(p.login.CreatedAt.Add(a.pendingTTL+time.Second).Sub(now), time.Second)
	return a.store.Add(ctx, usedKey(p.login.State), []byte{1}, ttl)
}
