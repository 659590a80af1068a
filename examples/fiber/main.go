// Command fiber shows "login with ThaID" in a github.com/gofiber/fiber/v2 app. Fiber is built on
// fasthttp, not net/http: Fiber's adaptor package mounts the middleware's login, callback and
// logout handlers (converting each request), thaidfiber.Require protects a route, and a handler
// reads the citizen from c.Locals with thaidfiber.Identity(c).
//
// go run . serves the app on http://127.0.0.1:8080 (PORT changes the port), with a mock ThaID
// of its own on another loopback port. Open /me: the mock's page shows a QR code, and its link
// "เปิดแอป ThaID บนอุปกรณ์นี้" (open the ThaID app on this device) leads to its phone page, where
// you pick a demo citizen, consent, and type the app password printed at start. It is a module of
// its own so that Fiber never becomes a dependency of the SDK.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/gofiber/fiber/v2"
	"github.com/thaid-go/thaid-go/internal/demo"
	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
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

// run serves the app on 127.0.0.1:$PORT (8080 when unset; 0 picks a free port) beside a mock
// ThaID of its own on another loopback port, until ctx ends (see internal/demo: the scaffolding
// that every example shares).
func run(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	log := slog.New(slog.NewTextHandler(stdout, nil))
	return demo.Run(ctx, getenv, stdout, func(ctx context.Context, issuer, baseURL string) (demo.Server, error) {
		auth, err := newAuth(ctx, issuer, baseURL, log)
		if err != nil {
			return nil, err
		}
		return fiberServer{routes(auth)}, nil
	})
}

// fiberServer serves a Fiber app as demo.Run expects: Fiber listens on a net.Listener itself.
type fiberServer struct{ app *fiber.App }

func (f fiberServer) Serve(ln net.Listener) error        { return f.app.Listener(ln) }
func (f fiberServer) Shutdown(ctx context.Context) error { return f.app.ShutdownWithContext(ctx) }

// newAuth builds the ThaID client and the middleware for an app served at baseURL, logging in
// at the provider whose issuer URL is given: here the mock and its demo client. A real app
// takes its client ID and secret from its configuration and uses thaid.Production.
func newAuth(ctx context.Context, issuer, baseURL string, log *slog.Logger) (*middleware.Auth, error) {
	client, err := thaid.New(ctx, thaid.Config{
		ClientID:     mockprovider.DemoClientID,
		ClientSecret: mockprovider.DemoClientSecret,
		RedirectURL:  baseURL + "/auth/callback",
		Provider:     thaid.Provider{Issuer: issuer},
	})
	if err != nil {
		return nil, err
	}
	return middleware.New(middleware.Config{Client: client, LoginPath: "/auth/login", Logger: log})
}
