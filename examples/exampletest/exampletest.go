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
