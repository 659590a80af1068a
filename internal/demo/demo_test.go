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
)

// TestRun serves a plain net/http app through Run, as the chi example does, and checks it with
// demotest.CheckRun: /me leads to the mock, the citizens are printed masked, and Run stops.
func TestRun(t *testing.T) {
	demotest.CheckRun(t, func(auth *middleware.Auth) demo.Server {
		mux := http.NewServeMux()
		mux.Handle("GET /auth/login", auth.Login())
		mux.Handle("GET /me", auth.Require(http.NotFoundHandler()))
		return &http.Server{Handler: mux, ReadHeaderTimeout: time.Second}
	})
}

// A port that cannot be bound is an error, not a hang.
func TestRunBadPort(t *testing.T) {
	err := demo.Run(context.Background(), func(string) string { return "not-a-port" }, io.Discard,
		func(*middleware.Auth) demo.Server {
			t.Fatal("the app was built although nothing listens")
			return nil
		})
	if err == nil {
		t.Fatal("Run accepted PORT=not-a-port")
	}
}
