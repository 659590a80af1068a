// Package demo runs the framework examples under examples/: the example's app on
// 127.0.0.1:$PORT beside a mock ThaID of its own on another loopback port. It is the scaffolding
// that every example shares and that no real app needs; what an example shows lives in its own
// routes.go and glue package.
package demo

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

// Server is what serves the example's app: an *http.Server, or an adapter for a framework that
// is not net/http (Fiber).
type Server interface {
	Serve(ln net.Listener) error
	Shutdown(ctx context.Context) error
}

// Main is an example command's main: it runs Run with the process's environment and output until
// SIGINT or SIGTERM, and exits 1 with the error, prefixed with name, if Run fails.
func Main(name string, newApp func(*middleware.Auth) Server) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := Run(ctx, os.Getenv, os.Stdout, newApp); err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		stop()
		os.Exit(1)
	}
}

// Run listens on 127.0.0.1:$PORT (8080 when unset; 0 picks a free port), starts a mock ThaID on
// another loopback port, serves the app that newApp builds around the middleware (NewAuth, for
// the mock), prints where to open it and
// the mock's demo citizens (PIDs masked, with their app passwords), and serves until ctx ends;
// then it shuts the app down, giving requests in flight 5 s. Both stay on loopback: the mock lets
// anybody who reaches it log in as any demo citizen.
func Run(ctx context.Context, getenv func(string) string, stdout io.Writer, newApp func(*middleware.Auth) Server) error {
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
	auth, err := NewAuth(ctx, mock.Issuer(), baseURL, middleware.Config{Logger: slog.New(slog.NewTextHandler(stdout, nil))})
	if err != nil {
		return err
	}
	app := newApp(auth)
	served := make(chan error, 1)
	go func() { served <- app.Serve(appLn) }()
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
	if err := app.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// NewAuth builds the ThaID client and the middleware for an example served at baseURL, logging in
// at the provider whose issuer URL is given with the mock's demo client, and its login handler at
// /auth/login; cfg gives the middleware's other settings (its Client and LoginPath are set here).
// A real app takes its client ID and secret from its configuration, uses
// thaid.Production, and sets CookieKeys when it runs on several instances.
func NewAuth(ctx context.Context, issuer, baseURL string, cfg middleware.Config) (*middleware.Auth, error) {
	client, err := thaid.New(ctx, thaid.Config{
		ClientID:     mockprovider.DemoClientID,
		ClientSecret: mockprovider.DemoClientSecret,
		RedirectURL:  baseURL + "/auth/callback",
		Provider:     thaid.Provider{Issuer: issuer},
	})
	if err != nil {
		return nil, err
	}
	cfg.Client, cfg.LoginPath = client, "/auth/login"
	return middleware.New(cfg)
}
