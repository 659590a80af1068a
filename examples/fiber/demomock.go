package main

// DEMO ONLY: this file serves a mock ThaID when THAID_ISSUER is unset, so that the example runs
// without DOPA credentials. Leave it out of your app.

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// startDemoMock serves a mock ThaID (package mockprovider, with its QR and phone pages) on a free
// loopback port, points cfg at it with the mock's demo client, and prints its made-up citizens
// (PID masked) with their app passwords. It stays on loopback: the mock lets anybody who reaches
// it log in as any of its citizens. stop ends it.
func startDemoMock(cfg *thaid.Config, stdout io.Writer) (stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	mock, err := mockprovider.New(mockprovider.Options{Issuer: "http://" + ln.Addr().String()})
	if err != nil {
		ln.Close()
		return nil, err
	}
	srv := &http.Server{Handler: mock, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()

	cfg.ClientID, cfg.ClientSecret = mockprovider.DemoClientID, mockprovider.DemoClientSecret
	cfg.Provider = thaid.Provider{Issuer: mock.Issuer()}
	fmt.Fprintf(stdout, "DEMO ONLY: mock ThaID at %s (set THAID_ISSUER for the real one)\n", mock.Issuer())
	fmt.Fprintln(stdout, "demo citizens for the mock's phone page (made up; PID masked, app password):")
	for _, c := range mock.Citizens() {
		fmt.Fprintf(stdout, "  %s  %s  %s\n", c.MaskedPID(), c.Password, c.Name())
	}
	return func() { _ = srv.Close() }, nil
}
