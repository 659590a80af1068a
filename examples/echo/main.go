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
	"net/http"
	"time"

	"github.com/thaid-go/thaid-go/internal/demo"
	"github.com/thaid-go/thaid-go/middleware"
)

func main() { demo.Main("echo example", server) }

// server serves the app's routes around the middleware.
func server(auth *middleware.Auth) demo.Server {
	return &http.Server{Handler: routes(auth), ReadHeaderTimeout: 10 * time.Second}
}
