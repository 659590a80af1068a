// Command echo shows "login with ThaID" in a github.com/labstack/echo/v4 app: echo.WrapHandler
// mounts the middleware's login, callback and logout handlers, echo.WrapMiddleware(auth.Require)
// protects a route, and a handler reads the citizen with thaidecho.Identity(c).
//
// go run . serves the app on http://127.0.0.1:8080 (PORT changes the port), with a mock ThaID
// of its own on another loopback port. Open /me: the mock's page shows a QR code, and its link
// "เปิดแอป ThaID บนอุปกรณ์นี้" (open the ThaID app on this device) leads to its phone page, where
// you pick a demo citizen, consent, and type the app password printed at start. It is a module of
// its own so that Echo never becomes a dependency of the SDK.
package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
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

// run serves the app on 127.0.0.1:$PORT (8080 when unset; 0 picks a free port) and an embedded
// mock ThaID on another loopback port, until ctx ends. Both stay on loopback: the mock lets
// anybody who reaches it log in as any demo citizen.
func run(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	log := slog.New(slog.NewTextHandler(stdout, nil))
	appLn, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", cmp.Or(getenv("PORT"), "8080")))
	if err != nil {
		return err
	}
	defer appLn.Close()
	mockLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	mock, err := mockprovider.New(mockprovider.Options{Issuer: "http://" + mockLn.Addr().String()})
	if err != nil {
		mockLn.Close()
		return err
	}
	mockSrv := &http.Server{Handler: mock, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = mockSrv.Serve(mockLn) }()
	defer mockSrv.Close()

	baseURL := "http://" + appLn.Addr().String()
	auth, err := newAuth(ctx, mock.Issuer(), baseURL, log)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: routes(auth), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(appLn) }()
	fmt.Fprintf(stdout, "open %s/me (mock ThaID at %s)\n", baseURL, mock.Issuer())
	fmt.Fprintln(stdout, "demo citizens for the mock's phone page (fictional; PID masked, app password):")
	for _, c := range mock.Citizens() {
		fmt.Fprintf(stdout, "  %s  %s  %s\n", thaid.MaskPID(c.PID), c.Password, c.Name())
	}

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
