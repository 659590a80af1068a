package main

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/thaid-go/thaid-go/examples/exampletest"
	"github.com/thaid-go/thaid-go/examples/fiber/thaidfiber"
	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
)

// TestRun runs the command as main does (exampletest.CheckRun): with the demo mock, with a
// provider given by THAID_ISSUER through a whole login, with DOPA's endpoints named, and
// misconfigured; a PID is never printed in full.
func TestRun(t *testing.T) { exampletest.CheckRun(t, run) }

// TestFlow walks a login through the app's router header by header (exampletest.CheckFlow):
// HEAD, scripts' 401, return_to, every Set-Cookie with its attributes (also __Host- for HTTPS),
// Cache-Control, the cross-site logout refused and the logout.
func TestFlow(t *testing.T) {
	exampletest.CheckFlow(t, func(auth *middleware.Auth) exampletest.Server {
		return fiberServer{routes(auth)}
	})
}

// fiberServer serves a Fiber app as exampletest.Server: Fiber listens on a net.Listener itself.
type fiberServer struct{ app *fiber.App }

func (f fiberServer) Serve(ln net.Listener) error        { return f.app.Listener(ln) }
func (f fiberServer) Shutdown(ctx context.Context) error { return f.app.ShutdownWithContext(ctx) }

// TestCopy copies the example's files, package thaidfiber included and tests left out, into a
// module of its own, as a user does, and builds it (exampletest.CheckCopy): no file may import
// an internal package.
func TestCopy(t *testing.T) { exampletest.CheckCopy(t, ".") }

// TestPanicRecovered: a panic in a handler, here one mounted through thaidfiber.Handler as the
// middleware's are, answers 500 and the app goes on serving (fasthttp alone would end the
// process).
func TestPanicRecovered(t *testing.T) {
	op := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	baseURL := "http://" + ln.Addr().String()
	auth := exampletest.NewAuth(t, op.Issuer(), baseURL, middleware.Config{Logger: slog.New(slog.DiscardHandler)})
	app := routes(auth)
	app.Get("/boom", thaidfiber.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("a bug") })))
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	if status := getStatus(t, baseURL+"/boom"); status != http.StatusInternalServerError {
		t.Fatalf("a panicking handler: %d, want 500", status)
	}
	if status := getStatus(t, baseURL+"/"); status != http.StatusOK {
		t.Fatalf("after a panic, /: %d, want 200", status)
	}
}

// getStatus GETs url and returns the answer's status.
func getStatus(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
