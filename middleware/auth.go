package middleware

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
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
	// Store keeps the sealed sessions (see Store). nil = NewMemoryStore(), for a single
	// instance.
	Store Store
	// CookieKeys are the server's secrets (each at least 32 bytes, used as they are, not
	// decoded: for example the 44 characters that `openssl rand -base64 32` prints) that seal
	// the short-lived cookie of each login in progress and sign its state. The first seals;
	// every one opens, so that a key can be rotated (see the package documentation). nil = one
	// random key per process: enough for one instance, but behind a load balancer every instance
	// must share the same keys, or a login started on one fails on another. Sessions do not
	// depend on these keys: each is sealed under a key that only its own cookie carries.
	CookieKeys []thaid.Secret
	// CookieName names the session cookie; "" = "thaid_session". Give each app on one domain its
	// own. On HTTPS the "__Host-" prefix is added. The cookie of each login in progress is named
	// CookieName + "_login_" + the first 12 characters of its state.
	CookieName string
	// Secure marks cookies Secure. nil = true when the Client's RedirectURL is https.
	Secure *bool
	// IdleTimeout ends a session unused for this long; 0 = 30 min.
	IdleTimeout time.Duration
	// AbsoluteTimeout ends a session this long after login, used or not; 0 = 12 h.
	AbsoluteTimeout time.Duration
	// PendingTTL is how long a started login may take to come back, and the lifetime of its
	// cookie; 0 = 10 min.
	PendingTTL time.Duration
	// RefreshBefore is how long before its expiry AccessToken refreshes an access token: a call
	// that finds no more than this left of the token refreshes it first. 0 = a third of the
	// token's lifetime as it was received: 5 minutes of ThaID's 15, so that the refresh happens
	// while the refresh token (which ThaID also gives 15 minutes) is still valid, and a citizen
	// whose app calls AccessToken at least every 5 minutes keeps a working token (as long as
	// ThaID gives a new refresh token at each refresh). A larger margin tolerates longer pauses
	// and refreshes more often. A fixed value at or above the provider's token lifetime
	// refreshes at every call. Negative is refused.
	RefreshBefore time.Duration
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
	// Observe, when set, hears of every login started, login ended (with its outcome), token
	// refresh and logout, with the time each took: the hook for metrics and traces (module
	// github.com/thaid-go/thaid-go/middleware/otelthaid turns the events into OpenTelemetry
	// metrics and spans). It runs synchronously in the request, after the step and before the
	// response is written for it, so it must be quick and must not block. Events carry no
	// personal data. A panic in Observe is recovered and logged at error level ("thaid observer
	// panicked"), and the request goes on as if it had returned. nil = no events, and no cost.
	Observe func(ctx context.Context, e Event)
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
	keys        *keyring
	cookie      string // session cookie name, prefix included
	loginCookie string // prefix of the login cookies' names: cookie + "_login_"
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
	observer    func(ctx context.Context, e Event)
	logout      http.Handler

	trustedOrigins []string
	refreshes      flights
	refreshBefore  time.Duration // Config.RefreshBefore: 0 = a third of the token's lifetime
	// foreignCookieWarned is when (Unix ns on Config.Now) a login cookie that no key opens was
	// last logged.
	foreignCookieWarned atomic.Int64
}

// New validates cfg and returns an Auth. Errors wrap thaid.ErrInvalidConfig.
func New(cfg Config) (*Auth, error) {
	if cfg.Client == nil {
		return nil, fmt.Errorf("%w: middleware: Config.Client is required", thaid.ErrInvalidConfig)
	}
	a := &Auth{
		client:      cfg.Client,
		store:       cfg.Store,
		idle:        cmp.Or(cfg.IdleTimeout, DefaultIdleTimeout),
		absolute:    cmp.Or(cfg.AbsoluteTimeout, DefaultAbsoluteTimeout),
		pendingTTL:  cmp.Or(cfg.PendingTTL, DefaultPendingTTL),
		loginPath:   cmp.Or(cfg.LoginPath, DefaultLoginPath),
		afterLogin:  cmp.Or(cfg.AfterLoginPath, "/"),
		afterLogout: cmp.Or(cfg.AfterLogoutPath, "/"),
		onLogin:     cfg.OnLogin,
		errHandler:  cfg.ErrorHandler,
		authParams:  cfg.AuthParams,
		log:         cmp.Or(cfg.Logger, slog.Default()),
		now:         cfg.Now,
		observer:    cfg.Observe,

		refreshBefore: cfg.RefreshBefore,
	}
	if cfg.IdleTimeout < 0 || cfg.AbsoluteTimeout < 0 || cfg.PendingTTL < 0 || cfg.RefreshBefore < 0 {
		return nil, fmt.Errorf("%w: middleware: negative timeout", thaid.ErrInvalidConfig)
	}
	if a.store == nil {
		a.store = NewMemoryStore()
	}
	var err error
	if a.keys, err = newKeyring(cfg.CookieKeys); err != nil {
		return nil, err
	}
	if a.errHandler == nil {
		a.errHandler = DefaultErrorHandler(a.loginPath)
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
	name := cmp.Or(cfg.CookieName, DefaultCookieName)
	if !validCookieName(name) {
		return nil, fmt.Errorf("%w: middleware: CookieName %q is not a valid cookie name", thaid.ErrInvalidConfig, name)
	}
	name = strings.TrimPrefix(name, hostPrefix)
	if a.secure {
		name = hostPrefix + name
	}
	a.cookie, a.loginCookie = name, name+"_login_"
	a.touchEvery = min(a.idle/16, time.Minute)
	check := http.NewCrossOriginProtection()
	for _, o := range cfg.TrustedOrigins {
		if err := check.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("%w: middleware: TrustedOrigins: %w", thaid.ErrInvalidConfig, err)
		}
	}
	a.trustedOrigins = slices.Clone(cfg.TrustedOrigins)
	a.logout = a.CrossOriginProtect(http.HandlerFunc(a.serveLogout), func(w http.ResponseWriter, r *http.Request, err error) {
		a.observe(r.Context(), EventLogout, a.startTimer(), err)
		a.errHandler(w, r, err)
	})
	if _, memory := a.store.(*MemoryStore); !memory && len(cfg.CookieKeys) == 0 {
		a.log.Warn("thaid middleware: a shared Store without Config.CookieKeys: a login started on one instance fails on another; give every instance the same CookieKeys")
	}
	return a, nil
}

func validCookieName(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(c rune) bool {
		return c <= ' ' || c >= 0x7f || strings.ContainsRune(`()<>@,;:\"/[]?={}`, c)
	})
}

// CookieName returns the session cookie's name as sent (with the "__Host-" prefix on HTTPS).
func (a *Auth) CookieName() string { return a.cookie }

// loginFailed logs a failed login with a short reason, then answers through the error handler.
func (a *Auth) loginFailed(w http.ResponseWriter, r *http.Request, err error) {
	a.log.LogAttrs(r.Context(), slog.LevelWarn, "thaid login failed",
		slog.String("reason", Reason(err)), slog.String("error", err.Error()))
	a.errHandler(w, r, err)
}
