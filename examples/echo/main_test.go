package main

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/thaid-go/thaid-go/examples/exampletest"
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
		return &http.Server{Handler: routes(auth)}
	})
}

// TestCopy copies the example's files, package thaidecho included and tests left out, into a
// module of its own, as a user does, and builds it (exampletest.CheckCopy): no file may import
// an internal package.
func TestCopy(t *testing.T) { exampletest.CheckCopy(t, ".") }

// TestPanicRecovered: a panic in a handler answers 500, not a dropped connection.
func TestPanicRecovered(t *testing.T) {
	op := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	app := httptest.NewUnstartedServer(nil)
	auth := exampletest.NewAuth(t, op.Issuer(), "http://"+app.Listener.Addr().String(),
		middleware.Config{Logger: slog.New(slog.DiscardHandler)})
	e := routes(auth)
	e.GET("/boom", func(echo.Context) error { panic("a bug") })
	app.Config.Handler = e
	app.Start()
	t.Cleanup(app.Close)
	if status := getStatus(t, app.URL+"/boom"); status != http.StatusInternalServerError {
		t.Fatalf("a panicking handler: %d, want 500", status)
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
