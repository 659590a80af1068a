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

// Defaults for the zero values of Config.
const (
	DefaultCookieName      = "thaid_session"
	DefaultIdleTimeout     = 30 * time.Minute
	DefaultAbsoluteTimeout = 12 * time.Hour
	DefaultPendingTTL      = 10 * time.Minute
	DefaultLoginPath       = "/login"
)

// hostPrefix is the cookie-name prefix that pins a cookie to this host, Path=/ and Secure.
const hostPrefix = "__Host-"

// Config configures Auth. Only Client is required; every other zero value has a safe default.
type Config struct {
	// Client is the ThaID relying-party client (required). Its RedirectURL must point to the
	// handler returned by Auth.Callback.
	Client *thaid.Client
	// Store keeps sessions and pending logins. nil = NewMemoryStore(), for a single instance.
	Store Store
	// CookieName names the session cookie; "" = "thaid_session". Give each app on one domain its
	// own. On HTTPS the "__Host-" prefix is added. The browser-binding cookie of pending logins
	// is named CookieName + "_login".
	CookieName string
	// Secure marks cookies Secure. nil = true when the Client's RedirectURL is https.
	Secure *bool
	// IdleTimeout ends a session unused for this long; 0 = 30 min.
	IdleTimeout time.Duration
	// AbsoluteTimeout ends a session this long after login, used or not; 0 = 12 h.
	AbsoluteTimeout time.Duration
	// PendingTTL is how long a started login may take to come back; 0 = 10 min.
	PendingTTL time.Duration
	// LoginPath is where Require sends browsers (the path of the Login handler); "" = "/login".
	LoginPath string
	// AfterLoginPath is where the callback goes when no valid return-to was given; "" = "/".
	AfterLoginPath string
	// AfterLogoutPath is where Logout redirects; "" = "/".
	AfterLogoutPath string
	// OnLogin, when set, runs after ThaID has identified the citizen and before the session is
	// created. It maps the citizen to the application's user ID, or refuses the login by
	// returning an error: wrap ErrLoginDenied, or return a *DeniedError to show the user a
	// message. Any other error aborts the login with a generic error page.
	OnLogin func(ctx context.Context, id *thaid.Identity) (userID string, err error)
	// ErrorHandler answers failed logins, callbacks and logouts. nil = DefaultErrorHandler, a
	// short page in Thai and English. Use ErrorStatus and errors.Is to tell errors apart.
	ErrorHandler func(w http.ResponseWriter, r *http.Request, err error)
	// AuthParams, when set, returns extra authorize-request parameters for a login request
	// (for example login_hint in tests).
	AuthParams func(r *http.Request) url.Values
	// Logger receives login started/succeeded/failed and logout events. PIDs are masked and
	// tokens never logged. nil = slog.Default().
	Logger *slog.Logger
	// Now is the clock; nil = time.Now.
	Now func() time.Time
	// TrustedOrigins are origins ("https://school.example.go.th") whose cross-origin POSTs
	// Logout and Auth.CrossOriginProtect accept, for example the app's public origin behind a
	// proxy that rewrites Host. nil = same-origin requests only.
	TrustedOrigins []string
}

// Auth is the ThaID login middleware: build it once with New and mount its handlers. It is safe
// for concurrent use.
type Auth struct {
	client      *thaid.Client
	store       Store
	cookie      string // session cookie name, prefix included
	loginCookie string // browser-binding cookie name
	secure      bool
	idle        time.Duration
	absolute    time.Duration
	pendingTTL  time.Duration
	touchEvery  time.Duration // write last-seen through to the store at most this often
	loginPath   string
	afterLogin  string
	afterLogout string
	onLogin     func(ctx context.Context, id *thaid.Identity) (string, error)
	errHandler  func(w http.ResponseWriter, r *http.Request, err error)
	authParams  func(r *http.Request) url.Values
	log         *slog.Logger
	now         func() time.Time
	logout      http.Handler

	trustedOrigins []string
}

// New validates cfg and returns an Auth. Errors wrap thaid.ErrInvalidConfig.
func New(cfg Config) (*Auth, error) {
	if cfg.Client == nil {
		return nil, fmt.Errorf("%w: middleware: Config.Client is required", thaid.ErrInvalidConfig)
	}
	a := &Auth{
		client:      cfg.Client,
		store:       cfg.Store,
		idle:        orDur(cfg.IdleTimeout, DefaultIdleTimeout),
		absolute:    orDur(cfg.AbsoluteTimeout, DefaultAbsoluteTimeout),
		pendingTTL:  orDur(cfg.PendingTTL, DefaultPendingTTL),
		loginPath:   orStr(cfg.LoginPath, DefaultLoginPath),
		afterLogin:  orStr(cfg.AfterLoginPath, "/"),
		afterLogout: orStr(cfg.AfterLogoutPath, "/"),
		onLogin:     cfg.OnLogin,
		errHandler:  cfg.ErrorHandler,
		authParams:  cfg.AuthParams,
		log:         cfg.Logger,
		now:         cfg.Now,
	}
	if cfg.IdleTimeout < 0 || cfg.AbsoluteTimeout < 0 || cfg.PendingTTL < 0 {
		return nil, fmt.Errorf("%w: middleware: negative timeout", thaid.ErrInvalidConfig)
	}
	if a.store == nil {
		a.store = NewMemoryStore()
	}
	if a.errHandler == nil {
		a.errHandler = DefaultErrorHandler(a.loginPath)
	}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.now == nil {
		a.now = time.Now
	}
	for name, p := range map[string]string{"LoginPath": a.loginPath, "AfterLoginPath": a.afterLogin, "AfterLogoutPath": a.afterLogout} {
		if !SafeReturnTo(p) {
			return nil, fmt.Errorf("%w: middleware: %s %q is not a same-origin path", thaid.ErrInvalidConfig, name, p)
		}
	}
	if cfg.Secure != nil {
		a.secure = *cfg.Secure
	} else if u, err := url.Parse(cfg.Client.Config().RedirectURL); err == nil && strings.EqualFold(u.Scheme, "https") {
		a.secure = true
	}
	name := orStr(cfg.CookieName, DefaultCookieName)
	if !validCookieName(name) {
		return nil, fmt.Errorf("%w: middleware: CookieName %q is not a valid cookie name", thaid.ErrInvalidConfig, name)
	}
	name = strings.TrimPrefix(name, hostPrefix)
	if a.secure {
		name = hostPrefix + name
	}
	a.cookie, a.loginCookie = name, name+"_login"
	a.touchEvery = a.idle / 16
	if a.touchEvery > time.Minute {
		a.touchEvery = time.Minute
	}
	check := http.NewCrossOriginProtection()
	for _, o := range cfg.TrustedOrigins {
		if err := check.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("%w: middleware: TrustedOrigins: %w", thaid.ErrInvalidConfig, err)
		}
	}
	a.trustedOrigins = slices.Clone(cfg.TrustedOrigins)
	a.logout = a.CrossOriginProtect(http.HandlerFunc(a.serveLogout), a.fail)
	return a, nil
}

func validCookieName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("()<>@,;:\\\"/[]?={}", c) >= 0 {
			return false
		}
	}
	return true
}

func orDur(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

func orStr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// CookieName returns the session cookie's name as sent (with the "__Host-" prefix on HTTPS).
func (a *Auth) CookieName() string { return a.cookie }

// fail hands err to the error handler (loginFailed also logs it).
func (a *Auth) fail(w http.ResponseWriter, r *http.Request, err error) {
	a.errHandler(w, r, err)
}

// loginFailed logs a failed login with a short reason, then answers through the error handler.
func (a *Auth) loginFailed(w http.ResponseWriter, r *http.Request, err error) {
	a.log.LogAttrs(r.Context(), slog.LevelWarn, "thaid login failed",
		slog.String("reason", Reason(err)), slog.String("error", err.Error()))
	a.fail(w, r, err)
}

// lookup returns the valid session named by the request's cookie, if any. On the fast path
// (memory store, session in use) it does not allocate.
func (a *Auth) lookup(r *http.Request) (s *Session, id string, present bool) {
	id, present = cookieValue(r.Header, a.cookie)
	if !present || !validID(id) {
		return nil, id, present
	}
	s, err := a.store.GetSession(r.Context(), id)
	if err != nil || s == nil {
		if err != nil && !errors.Is(err, ErrNotFound) {
			a.log.LogAttrs(r.Context(), slog.LevelError, "thaid session store failed", slog.String("error", err.Error()))
		}
		return nil, id, true
	}
	if s.id != id {
		s.id = id
	}
	now := a.now()
	nowNano := now.UnixNano()
	if now.Sub(s.CreatedAt) >= a.absolute || nowNano-s.lastSeen.Load() >= int64(a.idle) || nowNano < s.CreatedAt.UnixNano()-int64(time.Minute) {
		if err := a.store.DeleteSession(r.Context(), id); err != nil {
			a.log.LogAttrs(r.Context(), slog.LevelError, "thaid session store failed", slog.String("error", err.Error()))
		}
		return nil, id, true
	}
	s.lastSeen.Store(nowNano)
	if last := s.lastSaved.Load(); nowNano-last >= int64(a.touchEvery) && s.lastSaved.CompareAndSwap(last, nowNano) {
		if err := a.touch(r.Context(), id, s, a.sessionTTL(s, now)); err != nil {
			a.log.LogAttrs(r.Context(), slog.LevelError, "thaid session store failed", slog.String("error", err.Error()))
		}
	}
	return s, id, true
}

// touch rewrites an existing session without recreating a deleted one, when the store can.
func (a *Auth) touch(ctx context.Context, id string, s *Session, ttl time.Duration) error {
	if t, ok := a.store.(SessionToucher); ok {
		return t.TouchSession(ctx, id, s, ttl)
	}
	return a.store.SaveSession(ctx, id, s, ttl)
}

// sessionTTL is how long the store must keep s when written at now: until the idle timeout
// (with slack for the last-seen updates not written through) or the absolute end, whichever is
// first.
func (a *Auth) sessionTTL(s *Session, now time.Time) time.Duration {
	ttl := a.idle + a.touchEvery
	if rest := s.CreatedAt.Add(a.absolute).Sub(now); rest < ttl {
		ttl = rest
	}
	return ttl
}
