// Command gin shows "login with ThaID" in a github.com/gin-gonic/gin app: gin.WrapH mounts the
// middleware's login, callback and logout handlers, thaidgin.Require protects a route group, and
// a handler reads the citizen with thaidgin.Identity(c).
//
// go run . serves the app on http://127.0.0.1:8080 (PORT changes the port), with a mock ThaID
// of its own on another loopback port. Open /me: the mock's page shows a QR code, and its link
// "เปิดแอป ThaID บนอุปกรณ์นี้" (open the ThaID app on this device) leads to its phone page, where
// you pick a demo citizen, consent, and type the app password printed at start. It is a module of
// its own so that gin never becomes a dependency of the SDK.
package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/thaid-go/thaid-go/internal/demo"
	"github.com/thaid-go/thaid-go/middleware"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gin example:", err)
		os.Exit(1)
	}
}

// run serves the app on 127.0.0.1:$PORT (8080 when unset; 0 picks a free port) beside a mock
// ThaID of its own on another loopback port, until ctx ends (see internal/demo: the scaffolding
// that every example shares).
func run(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	return demo.Run(ctx, getenv, stdout, server)
}

// server serves the app's routes around the middleware.
func server(auth *middleware.Auth) demo.Server {
	return &http.Server{Handler: routes(auth), ReadHeaderTimeout: 10 * time.Second}
}
