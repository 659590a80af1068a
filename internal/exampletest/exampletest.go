// Package exampletest checks the framework examples under examples/ (chi, Gin, Echo, Fiber) from
// their tests:
//
//   - CheckRun runs an example's command (its run function, as main calls it): with the demo
//     mock, with a provider given by THAID_ISSUER through a whole login, with DOPA's sandbox
//     endpoints, and misconfigured;
//   - CheckFlow walks a login through the example's router header by header;
//   - CheckCopy copies the example into a module of its own, as a user does, and builds it.
//
// It is imported from the examples' _test.go files only: an example copied into another module
// must not need it (CheckCopy checks that no file of the copy imports an internal package).
package exampletest

import (
	"context"
	"net"
	"testing"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// Server serves an example's app on a listener and shuts it down: an *http.Server, or an adapter
// for a framework that listens itself (Fiber).
type Server interface {
	Serve(ln net.Listener) error
	Shutdown(ctx context.Context) error
}

// NewAuth builds the ThaID client and the middleware as the examples' run does for an app served
// at baseURL, logging in at the provider whose issuer URL is given with the mock's demo client,
// with the login handler at /auth/login and the callback at /auth/callback. cfg gives the
// middleware's other settings (its Client and LoginPath are set here). It fails the test on error.
func NewAuth(t testing.TB, issuer, baseURL string, cfg middleware.Config) *middleware.Auth {
	t.Helper()
	client, err := thaid.New(context.Background(), thaid.Config{
		ClientID:     mockprovider.DemoClientID,
		ClientSecret: mockprovider.DemoClientSecret,
		RedirectURL:  baseURL + "/auth/callback",
		Provider:     thaid.Provider{Issuer: issuer},
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Client, cfg.LoginPath = client, "/auth/login"
	auth, err := middleware.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return auth
}
