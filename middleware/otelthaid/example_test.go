package otelthaid_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/middleware/otelthaid"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// Record the middleware's events with the global providers, which the application sets up
// (otel.SetMeterProvider, otel.SetTracerProvider) with the exporters it uses.
func Example() {
	ctx := context.Background()
	client, err := thaid.New(ctx, thaid.Config{
		ClientID:     os.Getenv("THAID_CLIENT_ID"),
		ClientSecret: thaid.Secret(os.Getenv("THAID_CLIENT_SECRET")),
		RedirectURL:  "https://school.example.go.th/auth/callback",
		Provider:     thaid.Production,
	})
	if err != nil {
		log.Fatal(err)
	}
	obs, err := otelthaid.New(otelthaid.Config{}) // the global MeterProvider and TracerProvider
	if err != nil {
		log.Fatal(err)
	}
	auth, err := middleware.New(middleware.Config{Client: client, LoginPath: "/auth/login", Observe: obs.Observe})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /auth/login", auth.Login())
	mux.Handle("GET /auth/callback", auth.Callback())
	mux.Handle("POST /auth/logout", auth.Logout())
	log.Fatal(http.ListenAndServe(":8080", mux))
}

// Serve the metrics to Prometheus: the OpenTelemetry Prometheus exporter registers them in a
// Prometheus registry, and promhttp serves that registry at /metrics. Here a browser logs in
// against an in-process mock ThaID, then Prometheus's scrape is shown.
func Example_prometheus() {
	registry := prometheus.NewRegistry()
	// WithoutScopeInfo leaves out the otel_scope_* labels, to keep the lines below short.
	exporter, err := otelprom.New(otelprom.WithRegisterer(registry), otelprom.WithoutScopeInfo())
	if err != nil {
		log.Fatal(err)
	}
	obs, err := otelthaid.New(otelthaid.Config{
		MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter)),
	})
	if err != nil {
		log.Fatal(err)
	}

	// A mock ThaID that approves every login at once.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	provider, err := mockprovider.New(mockprovider.Options{Issuer: "http://" + ln.Addr().String(), AutoApprove: true, Logger: quiet})
	if err != nil {
		log.Fatal(err)
	}
	op := &httptest.Server{Listener: ln, Config: &http.Server{Handler: provider}}
	op.Start()
	defer op.Close()

	// The application, with its login and /metrics.
	mux := http.NewServeMux()
	app := httptest.NewServer(mux)
	defer app.Close()
	client, err := thaid.New(context.Background(), thaid.Config{
		ClientID:     mockprovider.DemoClientID,
		ClientSecret: mockprovider.DemoClientSecret,
		RedirectURL:  app.URL + "/callback",
		Provider:     thaid.Provider{Issuer: provider.Issuer()},
	})
	if err != nil {
		log.Fatal(err)
	}
	auth, err := middleware.New(middleware.Config{Client: client, Observe: obs.Observe, Logger: quiet})
	if err != nil {
		log.Fatal(err)
	}
	mux.Handle("GET /login", auth.Login())
	mux.Handle("GET /callback", auth.Callback())
	mux.Handle("GET /me", auth.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))
	mux.Handle("GET /metrics", promhttp.HandlerFor(registry, promhttp.HandlerOpts{}))

	// A browser logs in.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	resp, err := browser.Get(app.URL + "/me")
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()

	// Prometheus scrapes /metrics.
	resp, err = http.Get(app.URL + "/metrics")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, "# TYPE thaid_") || strings.HasPrefix(line, "thaid_events_total") ||
			strings.HasPrefix(line, "thaid_event_duration_seconds_count") {
			fmt.Println(line)
		}
	}
	// Output:
	// # TYPE thaid_event_duration_seconds histogram
	// thaid_event_duration_seconds_count{thaid_event_kind="login",thaid_event_outcome="ok"} 1
	// thaid_event_duration_seconds_count{thaid_event_kind="login_started",thaid_event_outcome="ok"} 1
	// # TYPE thaid_events_total counter
	// thaid_events_total{thaid_event_kind="login",thaid_event_outcome="ok"} 1
	// thaid_events_total{thaid_event_kind="login_started",thaid_event_outcome="ok"} 1
}
