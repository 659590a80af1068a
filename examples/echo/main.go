// Command echo shows "login with ThaID" in a github.com/labstack/echo/v4 app: echo.WrapHandler
// mounts the middleware's login, callback and logout handlers, echo.WrapMiddleware(auth.Require)
// protects a route, and a handler reads the citizen with thaidecho.Identity(c).
//
// Copy this directory into your own module, package thaidecho with it (then change its import
// path below to your module's): it imports the SDK and Echo, nothing else of this repository.
// This file is the app: a ThaID client configured from the environment, the middleware around
// it, the routes, the handler that reads the citizen, and a graceful shutdown. demomock.go serves
// a mock ThaID for the demo only; leave it out of your app. The example is a module of its own so
// that Echo never becomes a dependency of the SDK.
//
// The environment:
//
//	THAID_ISSUER         production or sandbox (DOPA's ThaID), or an issuer URL (endpoints found
//	                     by OpenID discovery); unset: a mock ThaID for the demo (demomock.go)
//	THAID_CLIENT_ID      the client ID registered at DOPA (required with THAID_ISSUER)
//	THAID_CLIENT_SECRET  its secret
//	THAID_REDIRECT_URL   the redirect URI exactly as registered at DOPA;
//	                     default http://127.0.0.1:$PORT/auth/callback
//	PORT                 the port to listen on, on 127.0.0.1; default 8080 (0: any free port)
//
// go run . without THAID_ISSUER serves the app on http://127.0.0.1:8080 with a mock ThaID of its
// own on another loopback port. Open /me: the mock's page shows a QR code, and its link
// "เปิดแอป ThaID บนอุปกรณ์นี้" (open the ThaID app on this device) leads to its phone page, where
// you pick a demo citizen, consent, and type the app password printed at start.
package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/labstack/echo/v4"
	echomw "github.com/labstack/echo/v4/middleware"

	"github.com/thaid-go/thaid-go/examples/echo/thaidecho" // copied along: <your module>/thaidecho
	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/thaid"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "echo example:", err)
		os.Exit(1)
	}
}

// run serves the app on 127.0.0.1:$PORT until ctx ends, then shuts it down, giving requests in
// flight 5 s. Logs and the address to open go to stdout.
func run(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", cmp.Or(getenv("PORT"), "8080")))
	if err != nil {
		return err
	}
	defer ln.Close()
	baseURL := "http://" + ln.Addr().String()

	issuer := getenv("THAID_ISSUER")
	cfg := thaid.Config{
		ClientID:     getenv("THAID_CLIENT_ID"),
		ClientSecret: thaid.Secret(getenv("THAID_CLIENT_SECRET")),
		RedirectURL:  cmp.Or(getenv("THAID_REDIRECT_URL"), baseURL+"/auth/callback"),
		Provider:     provider(issuer),
	}
	if issuer == "" {
		// DEMO ONLY (leave this block and demomock.go out of your app): no ThaID is configured,
		// so a mock ThaID in this process logs in made-up citizens. A client ID without
		// THAID_ISSUER is a forgotten issuer, not a demo.
		if cfg.ClientID != "" || cfg.ClientSecret != "" {
			return fmt.Errorf("%w: THAID_CLIENT_ID or THAID_CLIENT_SECRET is set but THAID_ISSUER is not: "+
				"set THAID_ISSUER (production, sandbox or an issuer URL), or unset both for the demo mock", thaid.ErrInvalidConfig)
		}
		stopMock, err := startDemoMock(&cfg, stdout)
		if err != nil {
			return err
		}
		defer stopMock()
	}
	client, err := thaid.New(ctx, cfg)
	if err != nil {
		return err
	}
	// One instance: sessions in memory and a random cookie key per process. For several
	// instances set middleware.Config's Store (middleware/redisstore) and CookieKeys.
	auth, err := middleware.New(middleware.Config{
		Client:    client,
		LoginPath: "/auth/login", // where Require sends browsers that are not signed in
		Logger:    slog.New(slog.NewTextHandler(stdout, nil)),
	})
	if err != nil {
		return err
	}

	srv := &http.Server{Handler: routes(auth), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "open %s/me\n", baseURL)
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// provider returns the ThaID provider that THAID_ISSUER names: DOPA's production or sandbox
// endpoints, or an issuer URL whose endpoints thaid.New discovers.
func provider(issuer string) thaid.Provider {
	switch issuer {
	case "production":
		return thaid.Production
	case "sandbox":
		return thaid.Sandbox
	}
	return thaid.Provider{Issuer: issuer}
}

var pages = template.Must(template.New("home").Parse(`<!doctype html><meta charset="utf-8"><title>thaid-go + echo</title>
<p><a href="/auth/login?return_to=/me">เข้าสู่ระบบด้วย ThaID / Log in with ThaID</a></p>
{{define "me"}}<!doctype html><meta charset="utf-8"><title>thaid-go + echo</title>
<p>สวัสดี {{.DisplayName}} ({{.PID}})</p>
<form method="post" action="/auth/logout"><button>ออกจากระบบ / Log out</button></form>
{{end}}`))

// renderer is Echo's view of the html/template set.
type renderer struct{ t *template.Template }

func (r renderer) Render(w io.Writer, name string, data any, _ echo.Context) error {
	return r.t.ExecuteTemplate(w, name, data)
}

// routes lists every route of the app: ThaID's login, callback and logout, a public home page
// and the signed-in citizen's page.
func routes(auth *middleware.Auth) *echo.Echo {
	e := echo.New()
	e.Use(echomw.Recover()) // a panic answers 500 (net/http alone drops the connection)
	e.Renderer = renderer{pages}
	getHead := []string{http.MethodGet, http.MethodHead} // Echo answers HEAD with 405 unless routed
	e.Match(getHead, "/auth/login", echo.WrapHandler(auth.Login()))
	e.Match(getHead, "/auth/callback", echo.WrapHandler(auth.Callback()))
	e.POST("/auth/logout", echo.WrapHandler(auth.Logout()))
	e.GET("/", func(c echo.Context) error { return c.Render(http.StatusOK, "home", nil) })

	// Signed-in citizens only; others go to /auth/login. (Route middleware: a Group with
	// middleware would also catch every unknown path, to answer it with the login.)
	requireLogin := echo.WrapMiddleware(auth.Require)
	e.Match(getHead, "/me", me, requireLogin)
	return e
}

// me shows the signed-in citizen; the PID prints masked (1-1017-xxxxx-70-8).
func me(c echo.Context) error {
	id, ok := thaidecho.Identity(c)
	if !ok {
		return echo.NewHTTPError(http.StatusInternalServerError, "no identity")
	}
	return c.Render(http.StatusOK, "me", id)
}
