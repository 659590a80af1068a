package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// thaid-rpcheck checks a relying party from the outside: it serves a mock ThaID, logs in to the
// application like a browser, and sends one defective answer per case. Here the application is
// this SDK's middleware, served in-process, and the check runs the redirect cases only:
//
//	thaid-rpcheck -addr 127.0.0.1:9099 -login http://127.0.0.1:8080/login -probe http://127.0.0.1:8080/me \
//	    -redirect-uri http://127.0.0.1:8080/callback -only '^redirect/'
//
// The application is configured for the provider the command starts (issuer http:// + -addr,
// client thaid-demo / demo-secret), and built on its first request, once that provider answers,
// as an application started before the check would retry discovery (lazyRP).
func Example() {
	provider := freeAddr() // -addr
	app := &lazyRP{}
	srv := httptest.NewServer(app)
	defer srv.Close()
	app.build = func() (http.Handler, error) { return exampleApp("http://"+provider, srv.URL) }

	code := run(context.Background(), []string{"-addr", provider,
		"-login", srv.URL + "/login", "-probe", srv.URL + "/me", "-redirect-uri", srv.URL + "/callback",
		"-only", "^redirect/"}, nil, os.Stdout, io.Discard)
	fmt.Println("exit status", code)
	// Output:
	// PASS redirect/state-wrong
	// PASS redirect/replay
	// PASS redirect/replay-other-browser
	// PASS redirect/login-csrf
	// PASS redirect/access-denied
	// 5/5 cases passed
	// exit status 0
}

// exampleApp is an application with "login with ThaID" on the middleware, at base, logging in at
// the provider whose issuer is given.
func exampleApp(issuer, base string) (http.Handler, error) {
	client, err := thaid.New(context.Background(), thaid.Config{
		ClientID:     mockprovider.DemoClientID,
		ClientSecret: mockprovider.DemoClientSecret,
		RedirectURL:  base + "/callback",
		Provider:     thaid.Provider{Issuer: issuer},
		HTTPClient:   &http.Client{Timeout: rpTimeout},
	})
	if err != nil {
		return nil, err
	}
	auth, err := middleware.New(middleware.Config{Client: client, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /login", auth.Login())
	mux.Handle("GET /callback", auth.Callback())
	mux.Handle("GET /me", auth.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "signed in")
	})))
	return mux, nil
}

// freeAddr returns a loopback address that was free a moment ago.
func freeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
