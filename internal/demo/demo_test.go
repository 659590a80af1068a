package demo_test

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/internal/demo"
	"github.com/thaid-go/thaid-go/internal/demo/demotest"
	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// TestRun serves a plain net/http app through Run, as the chi example does, and checks it with
// demotest.CheckRun: /me leads to the mock, the citizens are printed masked, and Run stops.
func TestRun(t *testing.T) {
	demotest.CheckRun(t, func(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
		return demo.Run(ctx, getenv, stdout, func(ctx context.Context, issuer, baseURL string) (demo.Server, error) {
			client, err := thaid.New(ctx, thaid.Config{
				ClientID:     mockprovider.DemoClientID,
				ClientSecret: mockprovider.DemoClientSecret,
				RedirectURL:  baseURL + "/auth/callback",
				Provider:     thaid.Provider{Issuer: issuer},
			})
			if err != nil {
				return nil, err
			}
			auth, err := middleware.New(middleware.Config{Client: client, LoginPath: "/auth/login"})
			if err != nil {
				return nil, err
			}
			mux := http.NewServeMux()
			mux.Handle("GET /auth/login", auth.Login())
			mux.Handle("GET /me", auth.Require(http.NotFoundHandler()))
			return &http.Server{Handler: mux, ReadHeaderTimeout: time.Second}, nil
		})
	})
}

// A port that cannot be bound is an error, not a hang.
func TestRunBadPort(t *testing.T) {
	err := demo.Run(context.Background(), func(string) string { return "not-a-port" }, io.Discard,
		func(context.Context, string, string) (demo.Server, error) {
			t.Fatal("the app was built although nothing listens")
			return nil, nil
		})
	if err == nil {
		t.Fatal("Run accepted PORT=not-a-port")
	}
}
