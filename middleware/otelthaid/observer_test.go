package otelthaid_test

import (
	"context"
	"fmt"
	"maps"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/middleware/otelthaid"
	"github.com/thaid-go/thaid-go/mockprovider"
)

// heard keeps the events that the middleware reported, beside what the Observer recorded of
// them, so that the spans' times can be compared with the events'.
type heard struct {
	mu  sync.Mutex
	all []middleware.Event
}

func (h *heard) tee(next func(context.Context, middleware.Event)) func(context.Context, middleware.Event) {
	return func(ctx context.Context, e middleware.Event) {
		h.mu.Lock()
		h.all = append(h.all, e)
		h.mu.Unlock()
		next(ctx, e)
	}
}

// TestObserver runs real logins, a refresh and logouts through the middleware against the mock,
// then reads back what the OpenTelemetry SDK recorded: the counter and histogram with a manual
// reader, the spans with an in-memory exporter.
func TestObserver(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	obs, err := otelthaid.New(otelthaid.Config{MeterProvider: mp, TracerProvider: tp})
	if err != nil {
		t.Fatal(err)
	}
	// The application's requests get a server span, as with otelhttp: thaid's spans are its
	// children.
	serverSpans := tp.Tracer("test")
	wrap := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, span := serverSpans.Start(r.Context(), r.Method+" "+r.URL.Path, trace.WithSpanKind(trace.SpanKindServer))
			defer span.End()
			h.ServeHTTP(w, r.WithContext(ctx))
		})
	}
	var events heard
	app := newApp(t, events.tee(obs.Observe), wrap)

	// A login, a refresh of its expired access token, a logout, a cross-site logout refused, and
	// a login cancelled on the phone.
	if status, body := app.do(t, "GET", "/private", nil); status != http.StatusOK || body != "private" {
		t.Fatalf("login: %d %q", status, body)
	}
	app.do(t, "GET", "/token", nil) // a fresh token: no refresh, no event
	app.clock.Advance(mockprovider.DefaultAccessTokenTTL + time.Minute)
	if status, body := app.do(t, "GET", "/token", nil); status != http.StatusOK {
		t.Fatalf("/token after expiry: %d %q", status, body)
	}
	app.do(t, "POST", "/logout", nil)
	if status, _ := app.do(t, "POST", "/logout", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}); status != http.StatusForbidden {
		t.Errorf("cross-site logout: status %d, want 403", status)
	}
	app.p.QueueFault(mockprovider.EndpointAuthorize, mockprovider.Fault{Error: "access_denied"})
	if status, _ := app.do(t, "GET", "/private", nil); status != http.StatusForbidden {
		t.Errorf("login denied on the phone: status %d, want 403", status)
	}

	events.mu.Lock()
	evs := slices.Clone(events.all)
	events.mu.Unlock()
	var got []string
	for _, e := range evs {
		got = append(got, string(e.Kind)+"/"+e.Outcome())
	}
	want := []string{"login_started/ok", "login/ok", "refresh/ok", "logout/ok", "logout/cross_origin", "login_started/ok", "login/user_denied"}
	if !slices.Equal(got, want) {
		t.Fatalf("the middleware reported %v, want %v", got, want)
	}

	t.Run("metrics", func(t *testing.T) {
		var rm metricdata.ResourceMetrics
		if err := reader.Collect(context.Background(), &rm); err != nil {
			t.Fatal(err)
		}
		ms := scopeMetrics(t, rm)
		wantCounts := map[string]int64{}
		wantSums := map[string]float64{}
		for _, e := range evs {
			wantCounts[string(e.Kind)+"/"+e.Outcome()]++
			wantSums[string(e.Kind)+"/"+e.Outcome()] += e.Duration.Seconds()
		}

		counter, ok := ms["thaid.events"]
		if !ok {
			t.Fatalf("no thaid.events among %v", slices.Sorted(maps.Keys(ms)))
		}
		if counter.Unit != "{event}" {
			t.Errorf("thaid.events unit %q", counter.Unit)
		}
		sum, ok := counter.Data.(metricdata.Sum[int64])
		if !ok || !sum.IsMonotonic || sum.Temporality != metricdata.CumulativeTemporality {
			t.Fatalf("thaid.events is %T %+v, want a cumulative monotonic Sum[int64]", counter.Data, counter.Data)
		}
		gotCounts := map[string]int64{}
		for _, dp := range sum.DataPoints {
			gotCounts[labelOf(t, dp.Attributes)] = dp.Value
		}
		if fmt.Sprint(gotCounts) != fmt.Sprint(wantCounts) {
			t.Errorf("thaid.events = %v, want %v", gotCounts, wantCounts)
		}

		hist, ok := ms["thaid.event.duration"]
		if !ok {
			t.Fatalf("no thaid.event.duration among %v", slices.Sorted(maps.Keys(ms)))
		}
		if hist.Unit != "s" {
			t.Errorf("thaid.event.duration unit %q, want s", hist.Unit)
		}
		h, ok := hist.Data.(metricdata.Histogram[float64])
		if !ok {
			t.Fatalf("thaid.event.duration is %T, want Histogram[float64]", hist.Data)
		}
		if len(h.DataPoints) != len(wantCounts) {
			t.Errorf("thaid.event.duration has %d series, want %d", len(h.DataPoints), len(wantCounts))
		}
		for _, dp := range h.DataPoints {
			l := labelOf(t, dp.Attributes)
			if int64(dp.Count) != wantCounts[l] {
				t.Errorf("%s: %d durations, want %d", l, dp.Count, wantCounts[l])
			}
			if math.Abs(dp.Sum-wantSums[l]) > 1e-9 || dp.Sum <= 0 {
				t.Errorf("%s: durations add up to %v s, the events to %v s", l, dp.Sum, wantSums[l])
			}
			if dp.Bounds[0] != 0.005 || dp.Bounds[len(dp.Bounds)-1] != 10 {
				t.Errorf("%s: buckets %v, want 5 ms to 10 s", l, dp.Bounds)
			}
		}
	})

	t.Run("spans", func(t *testing.T) {
		all := spans.GetSpans()
		servers := map[trace.SpanID]string{}
		var thaidSpans []tracetest.SpanStub
		for _, s := range all {
			if s.SpanKind == trace.SpanKindServer {
				servers[s.SpanContext.SpanID()] = s.Name
			} else {
				thaidSpans = append(thaidSpans, s)
			}
		}
		if len(thaidSpans) != len(evs) {
			t.Fatalf("%d thaid spans, want one per event (%d)", len(thaidSpans), len(evs))
		}
		wantParent := []string{"GET /login", "GET /callback", "GET /token", "POST /logout", "POST /logout", "GET /login", "GET /callback"}
		for i, s := range thaidSpans {
			e := evs[i]
			if want := "thaid." + string(e.Kind); s.Name != want {
				t.Errorf("span %d: name %q, want %q", i, s.Name, want)
			}
			if s.SpanKind != trace.SpanKindInternal {
				t.Errorf("%s: kind %v, want internal", s.Name, s.SpanKind)
			}
			if !s.StartTime.Equal(e.Start) || !s.EndTime.Equal(e.Start.Add(e.Duration)) {
				t.Errorf("%s: span %v..%v, the event %v+%v", s.Name, s.StartTime, s.EndTime, e.Start, e.Duration)
			}
			if got := servers[s.Parent.SpanID()]; got != wantParent[i] || s.Parent.TraceID() != s.SpanContext.TraceID() {
				t.Errorf("%s: parent %q, want the server span of %q in the same trace", s.Name, got, wantParent[i])
			}
			attrs := map[attribute.Key]string{}
			for _, kv := range s.Attributes {
				attrs[kv.Key] = kv.Value.AsString()
			}
			wantAttrs := map[attribute.Key]string{"thaid.event.kind": string(e.Kind), "thaid.event.outcome": e.Outcome()}
			if e.Err == nil {
				if s.Status.Code != codes.Unset {
					t.Errorf("%s: status %v, want unset", s.Name, s.Status)
				}
			} else {
				wantAttrs["error.type"] = e.Outcome()
				if s.Status.Code != codes.Error || s.Status.Description != e.Outcome() {
					t.Errorf("%s: status %+v, want Error %q", s.Name, s.Status, e.Outcome())
				}
			}
			if fmt.Sprint(attrs) != fmt.Sprint(wantAttrs) {
				t.Errorf("%s: attributes %v, want %v", s.Name, attrs, wantAttrs)
			}
			if len(s.Events) != 0 {
				t.Errorf("%s: span events %v, want none (no error text)", s.Name, s.Events)
			}
		}
	})

	// Nothing recorded names the citizen: no PID (in any form), no name.
	t.Run("no personal data", func(t *testing.T) {
		var rm metricdata.ResourceMetrics
		if err := reader.Collect(context.Background(), &rm); err != nil {
			t.Fatal(err)
		}
		var recorded strings.Builder
		fmt.Fprintf(&recorded, "%+v\n", rm)
		for _, s := range spans.GetSpans() {
			fmt.Fprintf(&recorded, "%s %+v %+v %+v\n", s.Name, s.Attributes, s.Status, s.Events)
		}
		c := app.p.Citizens()[0] // AutoApprove logs in the first citizen
		for _, secret := range []string{c.PID, c.PID[:5], c.PID[len(c.PID)-5:], c.GivenName, c.FamilyName, c.GivenNameEN} {
			if secret != "" && strings.Contains(recorded.String(), secret) {
				t.Errorf("the recorded metrics or spans contain %q", secret)
			}
		}
	})
}

// scopeMetrics returns the metrics of otelthaid's instrumentation scope, by name.
func scopeMetrics(t *testing.T, rm metricdata.ResourceMetrics) map[string]metricdata.Metrics {
	t.Helper()
	out := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != "github.com/thaid-go/thaid-go/middleware/otelthaid" {
			t.Errorf("metrics under the scope %q", sm.Scope.Name)
			continue
		}
		for _, m := range sm.Metrics {
			out[m.Name] = m
		}
	}
	return out
}

// labelOf returns "kind/outcome" of a data point, and fails on any other attribute.
func labelOf(t *testing.T, set attribute.Set) string {
	t.Helper()
	if set.Len() != 2 {
		t.Errorf("attributes %v, want only thaid.event.kind and thaid.event.outcome", set.ToSlice())
	}
	kind, _ := set.Value("thaid.event.kind")
	outcome, _ := set.Value("thaid.event.outcome")
	return kind.AsString() + "/" + outcome.AsString()
}

// TestObserverGlobalProviders: with the zero Config the Observer records to the global providers,
// also when the application sets them after New.
func TestObserverGlobalProviders(t *testing.T) {
	obs, err := otelthaid.New(otelthaid.Config{})
	if err != nil {
		t.Fatal(err)
	}
	reader := sdkmetric.NewManualReader()
	spans := tracetest.NewInMemoryExporter()
	otel.SetMeterProvider(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)))
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans)))
	t.Cleanup(func() {
		otel.SetMeterProvider(metricnoop.NewMeterProvider())
		otel.SetTracerProvider(tracenoop.NewTracerProvider())
	})

	app := newApp(t, obs.Observe, nil)
	if status, body := app.do(t, "GET", "/private", nil); status != http.StatusOK || body != "private" {
		t.Fatalf("login: %d %q", status, body)
	}
	var names []string
	for _, s := range spans.GetSpans() {
		names = append(names, s.Name)
	}
	if got, want := strings.Join(names, " "), "thaid.login_started thaid.login"; got != want {
		t.Errorf("spans %q, want %q", got, want)
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	ms := scopeMetrics(t, rm)
	sum, _ := ms["thaid.events"].Data.(metricdata.Sum[int64])
	var total int64
	for _, dp := range sum.DataPoints {
		total += dp.Value
	}
	if total != 2 {
		t.Errorf("thaid.events adds up to %d, want 2 (login_started, login)", total)
	}
}
