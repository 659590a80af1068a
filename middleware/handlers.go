package middleware

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/thaid-go/thaid-go/thaid"
)

// revokeTimeout bounds the best-effort token revocation at logout.
const revokeTimeout = 5 * time.Second

// Login returns the handler that starts a login: GET (or HEAD) with an optional
// ?return_to=/same-origin/path. It seals the login's state, nonce, PKCE verifier and return-to
// path into a cookie of this browser's, stores nothing on the server, and redirects the browser
// to ThaID.
func (a *Auth) Login() http.Handler {
	return http.HandlerFunc(a.serveLogin)
}

func (a *Auth) serveLogin(w http.ResponseWriter, r *http.Request) {
	if !allowMethods(w, r, http.MethodGet, http.MethodHead) {
		return
	}
	start := a.startTimer()
	returnTo := r.URL.Query().Get("return_to")
	if !SafeReturnTo(returnTo) {
		returnTo = a.afterLogin
	}
	l, err := a.client.NewLogin()
	if err == nil {
		l.State = a.keys.newState(a.now())
		a.setLoginCookie(w, r, pendingLogin{login: *l, returnTo: returnTo})
	}
	a.observe(r.Context(), EventLoginStarted, start, err)
	if err != nil {
		a.loginFailed(w, a.withReturnTo(r, returnTo), err)
		return
	}
	var extra url.Values
	if a.authParams != nil {
		extra = a.authParams(r)
	}
	// Debug, not Info: anybody can start logins, and a flood of them must not flood the log.
	a.log.LogAttrs(r.Context(), slog.LevelDebug, "thaid login started", slog.String("return_to", thaid.MaskPID(returnTo)))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, a.client.AuthCodeURL(l, extra), http.StatusFound)
}

// Callback returns the handler for the Client's RedirectURL. It takes the login that this
// browser started with the callback's state (once only), completes the ThaID flow, runs
// Config.OnLogin, then starts a session under a new ID and redirects to the saved return-to
// path. Failures go to the error handler and sign no one in.
func (a *Auth) Callback() http.Handler {
	return http.HandlerFunc(a.serveCallback)
}

func (a *Auth) serveCallback(w http.ResponseWriter, r *http.Request) {
	if !allowMethods(w, r, http.MethodGet, http.MethodHead) {
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	start := a.startTimer()
	returnTo, err := a.completeLogin(w, r)
	a.observe(r.Context(), EventLogin, start, err)
	var refused *refusedError
	switch {
	case errors.As(err, &refused):
		a.errHandler(w, a.withReturnTo(r, returnTo), refused.err)
	case err != nil:
		a.loginFailed(w, a.withReturnTo(r, returnTo), err)
	default:
		http.Redirect(w, r, returnTo, http.StatusSeeOther)
	}
}

// refusedError marks a login that ThaID completed and the application's OnLogin refused: it is
// logged where it happens, with the masked PID.
type refusedError struct{ err error }

func (e *refusedError) Error() string { return e.err.Error() }
func (e *refusedError) Unwrap() error { return e.err }

// completeLogin does the work of the callback and returns where to go next (also on failure,
// once the login is known, for the error page's "try again" link). Once ThaID has returned
// tokens, every failure revokes them.
func (a *Auth) completeLogin(w http.ResponseWriter, r *http.Request) (returnTo string, err error) {
	ctx := r.Context()
	q := r.URL.Query()
	now := a.now()
	p, err := a.takeLogin(ctx, w, r, q.Get("state"), now)
	if err != nil {
		return p.returnTo, err
	}
	if !SafeReturnTo(p.returnTo) {
		p.returnTo = a.afterLogin
	}
	returnTo = p.returnTo
	res, err := a.client.Exchange(ctx, &p.login, q)
	if err != nil {
		return returnTo, err
	}
	if res == nil || res.Identity == nil {
		return returnTo, fmt.Errorf("%w: no identity in the token response", thaid.ErrMalformedResponse)
	}
	defer func() {
		if err != nil {
			a.revokeAll(ctx, res.Token)
		}
	}()
	first, err := a.markUsed(ctx, p, now)
	if err != nil {
		return returnTo, fmt.Errorf("%w: %w", ErrStore, err)
	}
	if !first {
		return returnTo, fmt.Errorf("%w: the callback was already used", ErrNoPendingLogin)
	}
	var userID string
	if a.onLogin != nil {
		if userID, err = a.onLogin(ctx, res.Identity); err != nil {
			if !errors.Is(err, ErrLoginDenied) {
				err = &hookError{err: err}
			}
			a.log.LogAttrs(ctx, slog.LevelWarn, "thaid login refused by the application",
				slog.Any("pid", res.Identity.PID), slog.String("error", err.Error()))
			return returnTo, &refusedError{err: err}
		}
	}
	// A new session at every login: a session ID planted before login is never promoted.
	if old, ok := cookieValue(r.Header, a.cookie); ok && validID(old) {
		if err := a.store.Delete(ctx, sessionKey(old)); err != nil {
			a.storeFailed(ctx, err)
		}
	}
	cookie, err := a.createSession(ctx, userID, res.Identity, res.Token, now)
	if err != nil {
		return returnTo, err
	}
	a.setCookie(w, a.cookie, cookie, a.absolute)
	a.log.LogAttrs(ctx, slog.LevelInfo, "thaid login succeeded",
		slog.Any("pid", res.Identity.PID), slog.String("user_id", userID))
	return returnTo, nil
}

// Logout returns the handler that signs the user out: POST only, protected against cross-site
// requests (http.CrossOriginProtection). It deletes the session, revokes its ThaID tokens (best
// effort: a failure is logged, not shown), those of a refresh that another instance ran at the
// same moment included, clears the cookie and redirects to AfterLogoutPath.
func (a *Auth) Logout() http.Handler {
	return a.logout
}

func (a *Auth) serveLogout(w http.ResponseWriter, r *http.Request) {
	if !allowMethods(w, r, http.MethodPost) {
		return
	}
	start := a.startTimer()
	ctx := r.Context()
	cookie, ok := cookieValue(r.Header, a.cookie)
	if ok && validID(cookie) {
		s, toks, err := a.endSession(ctx, cookie)
		if err != nil {
			err = fmt.Errorf("%w: %w", ErrStore, err)
			a.observe(ctx, EventLogout, start, err)
			a.errHandler(w, r, err)
			return
		}
		if s != nil {
			var pid thaid.PID
			if id := s.Identity(); id != nil {
				pid = id.PID
			}
			a.log.LogAttrs(ctx, slog.LevelInfo, "thaid logout", slog.Any("pid", pid), slog.String("user_id", s.UserID))
			a.revokeAll(ctx, toks...)
		}
	}
	if ok {
		a.setCookie(w, a.cookie, "", 0)
	}
	a.observe(ctx, EventLogout, start, nil)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, a.afterLogout, http.StatusSeeOther)
}

// allowMethods answers 405 and returns false when r's method is not one of methods.
func allowMethods(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	if slices.Contains(methods, r.Method) {
		return true
	}
	w.Header().Set("Allow", strings.Join(methods, ", "))
	http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
	return false
}

// revokeAll revokes the refresh and access tokens of toks (each once, refresh tokens first),
// best effort: failures are logged.
func (a *Auth) revokeAll(ctx context.Context, toks ...*thaid.Token) {
	var refresh, access []string
	for _, tok := range toks {
		if tok != nil {
			refresh, access = append(refresh, tok.RefreshToken), append(access, tok.AccessToken)
		}
	}
	all := append(refresh, access...)
	if len(all) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), revokeTimeout)
	defer cancel()
	for i, t := range all {
		if t == "" || slices.Contains(all[:i], t) {
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
