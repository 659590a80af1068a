package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/redis/go-redis/v9"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/redact"
	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/middleware/redisstore"
	"github.com/thaid-go/thaid-go/thaid"
)

// application holds what the handlers need; every handler is one of its
// methods.
type application struct {
	log       *slog.Logger
	views     *views
	store     *store.Store
	auth      *middleware.Auth
	metrics   *metrics                        // nil: no /metrics
	redisPing func(ctx context.Context) error // nil: no Redis
	mailOn    bool                            // decisions are mailed to the applicant
	outbox    *outbox                         // nil when mail is off
	proxies   trustedProxies                  // whose X-Forwarded-For names the client
	draining  atomic.Bool                     // stopping: /readyz answers 503
}

// decided counts a decision and wakes the outbox to send its mail.
func (app *application) decided(outcome string) {
	if app.metrics != nil {
		app.metrics.decisions.WithLabelValues(outcome).Inc()
	}
	if app.outbox != nil {
		app.outbox.wake()
	}
}

// newApplication connects to the session store and builds the ThaID client,
// the login middleware and the views. closeDeps releases what it opened.
func newApplication(ctx context.Context, cfg config, provider thaid.Provider, log *slog.Logger, st *store.Store) (*application, func(), error) {
	client, err := thaid.New(ctx, thaid.Config{
		ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: cfg.RedirectURL,
		Scopes: cfg.Scopes, Provider: provider, HTTPClient: cfg.httpClient,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("thaid: %w", err)
	}
	app := &application{log: log, store: st, metrics: newMetrics(st), mailOn: cfg.SMTP.enabled(), proxies: cfg.TrustedProxies}
	if app.mailOn {
		st.SetMailComposer(composeMail(cfg.BaseURL))
		app.outbox = newOutbox(st, cfg.SMTP, log.With("component", "outbox"))
		app.outbox.onSend = app.metrics.mailSent
		if cfg.mailRetry > 0 {
			app.outbox.pollEvery, app.outbox.retryBase = cfg.mailRetry, cfg.mailRetry
		}
	}
	closeDeps := func() {}
	var sessions middleware.Store
	if cfg.RedisURL != "" {
		opts, err := redisOptions(cfg.RedisURL)
		if err != nil {
			return nil, nil, err
		}
		rdb := redis.NewClient(opts)
		if err := rdb.Ping(ctx).Err(); err != nil {
			rdb.Close()
			shown, _ := redact.URL(cfg.RedisURL) // redisOptions checked that it parses
			return nil, nil, fmt.Errorf("redis: REDIS_URL %s: %w", shown, redact.Error(err, cfg.RedisURL))
		}
		sessions = redisstore.New(rdb, "school-registration:")
		closeDeps = func() { rdb.Close() }
		app.redisPing = func(ctx context.Context) error { return rdb.Ping(ctx).Err() }
	}
	// Cookies are Secure (and __Host-) when the redirect URL is https, which
	// checkRedirectOrigin made BASE_URL's scheme. BASE_URL's origin is trusted
	// for POSTs (logout and the app's forms) even behind a proxy that rewrites Host.
	auth, err := middleware.New(middleware.Config{
		Client:          client,
		Store:           sessions,
		CookieKeys:      cfg.CookieKeys,
		CookieName:      "schoolreg_session",
		TrustedOrigins:  []string{originOf(cfg.BaseURL)},
		AfterLoginPath:  "/start",
		AfterLogoutPath: "/?done=logged_out",
		AuthParams:      cfg.authParams,
		OnLogin:         app.recordAdminName,
		Logger:          log.With("component", "thaid"),
		Observe:         app.metrics.observe,
	})
	if err != nil {
		closeDeps()
		return nil, nil, err
	}
	if app.views, err = newViews(log); err != nil {
		closeDeps()
		return nil, nil, err
	}
	app.auth = auth
	return app, closeDeps, nil
}

// recordAdminName is the login hook: an admin's name, as their ThaID login
// sends it, is kept for the super-admin's page and the audit trail. It never
// refuses a login; a failure to keep the name is logged.
func (app *application) recordAdminName(ctx context.Context, id *thaid.Identity) (string, error) {
	if id == nil || id.PID.IsZero() {
		return "", nil
	}
	if _, err := app.store.RecordAdminName(ctx, id.PID.Digits(), citizenName(id)); err != nil {
		app.log.Error("admin name", "admin", id.PID.Masked(), "err", err)
	}
	return "", nil
}

// serverError logs err and renders the server error page; c may be nil.
func (app *application) serverError(w http.ResponseWriter, r *http.Request, c *citizen, err error) {
	app.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	var user *viewer
	if c != nil {
		user = c.view
	}
	app.views.renderError(w, r, http.StatusInternalServerError, "server", user)
}
