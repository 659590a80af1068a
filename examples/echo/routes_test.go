package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/thaid-go/thaid-go/internal/demo"
	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
)

// TestPanicRecovered: a panic in a handler answers 500, not a dropped connection.
func TestPanicRecovered(t *testing.T) {
	op := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	app := httptest.NewUnstartedServer(nil)
	auth, err := demo.NewAuth(context.Background(), op.Issuer(), "http://"+app.Listener.Addr().String(),
		middleware.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
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
