package otelthaid_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/middleware/otelthaid"
	"github.com/thaid-go/thaid-go/thaid"
)

// sdkObserver returns an Observer recording to the OpenTelemetry SDK: a meter provider with a
// manual reader and a tracer provider that samples every span and hands it to an exporter that
// drops it. With spans false, the tracer provider is a no-op: metrics only.
func sdkObserver(tb testing.TB, spans bool) *otelthaid.Observer {
	tb.Helper()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	var tp trace.TracerProvider = noop.NewTracerProvider()
	if spans {
		tp = sdktrace.NewTracerProvider(sdktrace.WithSyncer(tracetest.NewNoopExporter()))
	}
	obs, err := otelthaid.New(otelthaid.Config{MeterProvider: mp, TracerProvider: tp})
	if err != nil {
		tb.Fatal(err)
	}
	return obs
}

// BenchmarkObserve is the cost of one event recorded by the Observer into the SDK: a span, a
// counter increment and a histogram record; and without the span (a no-op TracerProvider).
func BenchmarkObserve(b *testing.B) {
	ctx := context.Background()
	ok := middleware.Event{Kind: middleware.EventLogin, Start: time.Now(), Duration: time.Millisecond}
	failed := middleware.Event{Kind: middleware.EventLogin, Start: time.Now(), Duration: time.Millisecond, Err: thaid.ErrUserDenied}
	for _, bc := range []struct {
		name  string
		spans bool
		e     middleware.Event
	}{
		{"ok", true, ok},
		{"failed", true, failed},
		{"ok,metrics-only", false, ok},
	} {
		b.Run(bc.name, func(b *testing.B) {
			obs := sdkObserver(b, bc.spans)
			b.ReportAllocs()
			for b.Loop() {
				obs.Observe(ctx, bc.e)
			}
		})
	}
}

// BenchmarkLogin is a whole login through the middleware against the mock over loopback HTTP
// (the protected page, the Login handler, the mock's authorize, the Callback with its token
// exchange, the protected page again), without an observer and with otelthaid into the SDK.
func BenchmarkLogin(b *testing.B) {
	for _, bc := range []struct {
		name    string
		observe func(context.Context, middleware.Event)
	}{
		{"Observe=nil", nil},
		{"Observe=otelthaid", sdkObserver(b, true).Observe},
	} {
		b.Run(bc.name, func(b *testing.B) {
			app := newApp(b, bc.observe, nil)
			b.ReportAllocs()
			for b.Loop() {
				app.browser.Jar, _ = cookiejar.New(nil)
				if status, _ := app.do(b, "GET", "/private", nil); status != http.StatusOK {
					b.Fatalf("login: status %d", status)
				}
			}
		})
	}
}
