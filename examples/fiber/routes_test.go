package main

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"testing"

	"github.com/thaid-go/thaid-go/examples/fiber/thaidfiber"
	"github.com/thaid-go/thaid-go/internal/demo"
	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
)

// TestPanicRecovered: a panic in a handler, here one mounted through thaidfiber.Handler as the
// middleware's are, answers 500 and the app goes on serving (fasthttp alone would end the
// process).
func TestPanicRecovered(t *testing.T) {
	op := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	baseURL := "http://" + ln.Addr().String()
	auth, err := demo.NewAuth(context.Background(), op.Issuer(), baseURL, middleware.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		ln.Close()
		t.Fatal(err)
	}
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
