// Command fiber shows "login with ThaID" in a github.com/gofiber/fiber/v2 app. Fiber is built on
// fasthttp, not net/http: thaidfiber.Handler mounts the middleware's login, callback and logout
// handlers through Fiber's adaptor (converting each request), thaidfiber.Require protects a
// route, and a handler reads the citizen from c.Locals with thaidfiber.Identity(c).
//
// Copy this directory into your own module, package thaidfiber with it (then change its import
// path below to your module's): it imports the SDK, Fiber and fasthttp, nothing else of this
// repository. This file is the app: a ThaID client configured from the environment, the
// middleware around it, the routes, the handler that reads the citizen, and a graceful shutdown.
// demomock.go serves a mock ThaID for the demo only; leave it out of your app. The example is a
// module of its own so that Fiber never becomes a dependency of the SDK.
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
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"github.com/thaid-go/thaid-go/examples/fiber/thaidfiber" // copied along: <your module>/thaidfiber
	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/thaid"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "fiber example:", err)
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

	app := routes(auth)
	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()
	fmt.Fprintf(stdout, "open %s/me\n", baseURL)
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return app.ShutdownWithContext(sctx)
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

var pages = template.Must(template.New("home").Parse(`<!doctype html><meta charset="utf-8"><title>thaid-go + fiber</title>
<p><a href="/auth/login?return_to=/me">เข้าสู่ระบบด้วย ThaID / Log in with ThaID</a></p>
{{define "me"}}<!doctype html><meta charset="utf-8"><title>thaid-go + fiber</title>
<p>สวัสดี {{.DisplayName}} ({{.PID}})</p>
<form method="post" action="/auth/logout"><button>ออกจากระบบ / Log out</button></form>
{{end}}`))

// routes lists every route of the app: ThaID's login, callback and logout, a public home page
// and the signed-in citizen's page.
func routes(auth *middleware.Auth) *fiber.App {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	// fasthttp does not recover panics: without this, a panic in any handler (the middleware's
	// OnLogin hook included) ends the whole process. With it, the request gets a 500.
	app.Use(recover.New())
	app.Get("/auth/login", thaidfiber.Handler(auth.Login()))
	app.Get("/auth/callback", thaidfiber.Handler(auth.Callback()))
	app.Post("/auth/logout", thaidfiber.Handler(auth.Logout()))
	app.Get("/", func(c *fiber.Ctx) error { return render(c, "home", nil) })
	app.Get("/me", thaidfiber.Require(auth), me) // signed-in citizens only; others go to /auth/login
	return app
}

// me shows the signed-in citizen; the PID prints masked (1-1017-xxxxx-70-8).
func me(c *fiber.Ctx) error {
	id, ok := thaidfiber.Identity(c)
	if !ok {
		return fiber.NewError(fiber.StatusInternalServerError, "no identity")
	}
	return render(c, "me", id)
}

// render writes the named template as the HTML response.
func render(c *fiber.Ctx, name string, data any) error {
	c.Type("html", "utf-8")
	return pages.ExecuteTemplate(c, name, data)
}
