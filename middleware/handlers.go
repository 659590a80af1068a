package middleware

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"golang.org/x/oauth2"

	"github.com/thaid-go/thaid-go/thaid"
)

// revokeTimeout bounds the best-effort token revocation at logout.
const revokeTimeout = 5 * time.Second

// Login returns the handler that starts a login: GET (or HEAD) with an optional
// ?return_to=/same-origin/path. It stores a pending login under a fresh state, binds it to this
// browser with the CookieName+"_login" cookie, and redirects the browser to ThaID.
func (a *Auth) Login() http.Handler {
	return http.HandlerFunc(a.serveLogin)
}

func (a *Auth) serveLogin(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	returnTo := r.URL.Query().Get("return_to")
	if !SafeReturnTo(returnTo) {
		returnTo = a.afterLogin
	}
	l, err := a.client.NewLogin()
	if err != nil {
		a.loginFailed(w, r, err)
		return
	}
	// One binding value per browser, reused while it lives, so that several tabs can log in at
	// once; a new one when there is none.
	binding, ok := cookieValue(r.Header, a.loginCookie)
	if !ok || !validID(binding) {
		if binding, err = newID(); err != nil {
			a.loginFailed(w, r, err)
			return
		}
	}
	now := a.now()
	p := &PendingLogin{Login: *l, ReturnTo: returnTo, BrowserHash: hashID(binding), CreatedAt: now}
	if err := a.store.SavePending(r.Context(), l.State, p, a.pendingTTL); err != nil {
		a.loginFailed(w, r, fmt.Errorf("%w: %w", ErrStore, err))
		return
	}
	var opts []oauth2.AuthCodeOption
	if a.authParams != nil {
		for k, vs := range a.authParams(r) {
			for _, v := range vs {
				opts = append(opts, oauth2.SetAuthURLParam(k, v))
			}
		}
	}
	a.setCookie(w, a.loginCookie, binding, a.pendingTTL)
	a.log.LogAttrs(r.Context(), slog.LevelInfo, "thaid login started", slog.String("return_to", thaid.MaskPID(returnTo)))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, a.client.AuthCodeURL(l, opts...), http.StatusFound)
}

// Callback returns the handler for the Client's RedirectURL. It takes the pending login named by
// the state (once only), checks that this browser started it, completes the ThaID flow, runs
// Config.OnLogin, then starts a session under a new ID and redirects to the saved return-to
// path. Failures go to the error handler and sign no one in.
func (a *Auth) Callback() http.Handler {
	return http.HandlerFunc(a.serveCallback)
}

func (a *Auth) serveCallback(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	ctx := r.Context()
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" || len(state) > 512 {
		a.loginFailed(w, r, ErrNoPendingLogin)
		return
	}
	p, err := a.store.TakePending(ctx, state)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			a.loginFailed(w, r, ErrNoPendingLogin)
		} else {
			a.loginFailed(w, r, fmt.Errorf("%w: %w", ErrStore, err))
		}
		return
	}
	binding, ok := cookieValue(r.Header, a.loginCookie)
	if !ok || !validID(binding) || !sameHash(hashID(binding), p.BrowserHash) {
		a.loginFailed(w, r, ErrOtherBrowser)
		return
	}
	now := a.now()
	if now.Sub(p.CreatedAt) > a.pendingTTL {
		a.loginFailed(w, r, fmt.Errorf("%w: pending login older than %s", thaid.ErrLoginExpired, a.pendingTTL))
		return
	}
	res, err := a.client.Exchange(ctx, &p.Login, q)
	if err != nil {
		a.loginFailed(w, r, err)
		return
	}
	if res == nil || res.Identity == nil {
		a.loginFailed(w, r, fmt.Errorf("%w: no identity in the token response", thaid.ErrMalformedResponse))
		return
	}
	var userID string
	if a.onLogin != nil {
		userID, err = a.onLogin(ctx, res.Identity)
		if err != nil {
			if !errors.Is(err, ErrLoginDenied) {
				err = &hookError{err: err}
			}
			a.log.LogAttrs(ctx, slog.LevelWarn, "thaid login refused by the application",
				slog.Any("pid", res.Identity.PID), slog.String("error", err.Error()))
			a.fail(w, r, err)
			a.revokeAll(res.Token, r)
			return
		}
	}
	// A new session ID at every login: a session ID planted before login is never promoted.
	if old, ok := cookieValue(r.Header, a.cookie); ok && validID(old) {
		if err := a.store.DeleteSession(ctx, old); err != nil {
			a.log.LogAttrs(ctx, slog.LevelError, "thaid session store failed", slog.String("error", err.Error()))
		}
	}
	id, err := newID()
	if err != nil {
		a.loginFailed(w, r, err)
		return
	}
	s := NewSession(userID, res.Identity, res.Token, now)
	s.id = id
	if err := a.store.SaveSession(ctx, id, s, a.sessionTTL(s, now)); err != nil {
		a.loginFailed(w, r, fmt.Errorf("%w: %w", ErrStore, err))
		return
	}
	a.setCookie(w, a.cookie, id, a.absolute)
	a.log.LogAttrs(ctx, slog.LevelInfo, "thaid login succeeded",
		slog.Any("pid", res.Identity.PID), slog.String("user_id", userID))
	returnTo := p.ReturnTo
	if !SafeReturnTo(returnTo) {
		returnTo = a.afterLogin
	}
	http.Redirect(w, r, returnTo, http.StatusSeeOther)
}

// Logout returns the handler that signs the user out: POST only, protected against cross-site
// requests (http.CrossOriginProtection). It deletes the session, revokes its ThaID tokens (best
// effort: a failure is logged, not shown), clears the cookie and redirects to AfterLogoutPath.
func (a *Auth) Logout() http.Handler {
	return a.logout
}

func (a *Auth) serveLogout(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	ctx := r.Context()
	id, ok := cookieValue(r.Header, a.cookie)
	if ok && validID(id) {
		s, err := a.store.GetSession(ctx, id)
		if err := a.store.DeleteSession(ctx, id); err != nil {
			a.fail(w, r, fmt.Errorf("%w: %w", ErrStore, err))
			return
		}
		if err == nil && s != nil {
			var pid thaid.PID
			if s.Identity != nil {
				pid = s.Identity.PID
			}
			a.log.LogAttrs(ctx, slog.LevelInfo, "thaid logout", slog.Any("pid", pid), slog.String("user_id", s.UserID))
			s.mu.Lock()
			tok := s.token
			s.mu.Unlock()
			a.revokeAll(tok, r)
		}
	}
	if ok {
		a.setCookie(w, a.cookie, "", 0)
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, a.afterLogout, http.StatusSeeOther)
}

// revokeAll revokes the refresh and access tokens, best effort: failures are logged.
func (a *Auth) revokeAll(tok *thaid.Token, r *http.Request) {
	if tok == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), revokeTimeout)
	defer cancel()
	for _, t := range []string{tok.RefreshToken, tok.AccessToken} {
		if t == "" {
			continue
		}
		if err := a.client.Revoke(ctx, t); err != nil {
			a.log.LogAttrs(ctx, slog.LevelWarn, "thaid token revocation failed", slog.String("error", err.Error()))
		}
	}
}

// CrossOriginProtect wraps h with Go's http.CrossOriginProtection: non-safe cross-origin
// browser requests (judged by Sec-Fetch-Site or Origin) are refused with an error wrapping
// ErrCrossOrigin passed to onDeny (nil = DefaultErrorHandler). Use it for the application's own
// state-changing forms too.
func CrossOriginProtect(h http.Handler, onDeny func(w http.ResponseWriter, r *http.Request, err error)) http.Handler {
	return crossOriginProtect(h, nil, onDeny)
}

// CrossOriginProtect is the package's CrossOriginProtect with Config.TrustedOrigins also
// trusted: the same rule as Logout, for the application's own forms.
func (a *Auth) CrossOriginProtect(h http.Handler, onDeny func(w http.ResponseWriter, r *http.Request, err error)) http.Handler {
	return crossOriginProtect(h, a.trustedOrigins, onDeny)
}

// crossOriginProtect wraps h in an http.CrossOriginProtection trusting the given origins (checked
// by New) and answering refusals through onDeny (nil = DefaultErrorHandler).
func crossOriginProtect(h http.Handler, trusted []string, onDeny func(w http.ResponseWriter, r *http.Request, err error)) http.Handler {
	if onDeny == nil {
		onDeny = DefaultErrorHandler(DefaultLoginPath)
	}
	cop := http.NewCrossOriginProtection()
	for _, o := range trusted {
		_ = cop.AddTrustedOrigin(o)
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		onDeny(w, r, ErrCrossOrigin)
	}))
	return cop.Handler(h)
}
