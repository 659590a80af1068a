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
	"net"

	"github.com/gofiber/fiber/v2"
	"github.com/thaid-go/thaid-go/internal/demo"
	"github.com/thaid-go/thaid-go/middleware"
)

func main() { demo.Main("fiber example", server) }

// server serves the app's routes around the middleware.
func server(auth *middleware.Auth) demo.Server { return fiberServer{routes(auth)} }

// fiberServer serves a Fiber app as demo.Run expects: Fiber listens on a net.Listener itself.
type fiberServer struct{ app *fiber.App }

func (f fiberServer) Serve(ln net.Listener) error        { return f.app.Listener(ln) }
func (f fiberServer) Shutdown(ctx context.Context) error { return f.app.ShutdownWithContext(ctx) }
