package otelthaid

import (
	"cmp"
	"context"
	"fmt"
	"sync"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/thaid-go/thaid-go/middleware"
)

// scope is the instrumentation scope of the meter and the tracer.
const scope = "github.com/thaid-go/thaid-go/middleware/otelthaid"

// Names of the instruments and attributes (see the package documentation).
const (
	eventsName   = "thaid.events"
	durationName = "thaid.event.duration"
	kindKey      = attribute.Key("thaid.event.kind")
	outcomeKey   = attribute.Key("thaid.event.outcome")
	errorTypeKey = attribute.Key("error.type") // OpenTelemetry semantic conventions
)

// durationBuckets are the histogram's bucket boundaries in seconds: those the OpenTelemetry
// semantic conventions advise for HTTP request durations.
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

// Config configures an Observer. The zero value uses the global providers.
type Config struct {
	// MeterProvider records the metrics. nil = otel.GetMeterProvider(), the global one (a no-op
	// until the application sets one).
	MeterProvider metric.MeterProvider
	// TracerProvider records the spans. nil = otel.GetTracerProvider(), the global one.
	TracerProvider trace.TracerProvider
}

// Observer records the middleware's events as metrics and spans. Build it with New and set its
// Observe method as middleware.Config.Observe. It is safe for concurrent use.
type Observer struct {
	tracer   trace.Tracer
	events   metric.Int64Counter
	duration metric.Float64Histogram

	// attrs caches the span name and options of each (kind, outcome) met so far: both come from
	// short fixed lists, and cached options cost no allocation per event.
	attrs sync.Map // label -> *labelAttrs
}

// label is a (kind, outcome) pair.
type label struct {
	kind    middleware.EventKind
	outcome string
}

// labelAttrs are the precomputed span name and options of one label (precomputed slices: a
// variadic call with a new slice would allocate it at every event).
type labelAttrs struct {
	spanName  string
	outcome   string
	spanAttrs trace.SpanStartEventOption
	add       []metric.AddOption
	record    []metric.RecordOption
	failed    bool
}

// internal is the span kind of every span.
var internal = trace.WithSpanKind(trace.SpanKindInternal)

// New returns an Observer that records to cfg's providers. It fails only when an instrument
// cannot be created.
func New(cfg Config) (*Observer, error) {
	mp := cmp.Or(cfg.MeterProvider, otel.GetMeterProvider())
	tp := cmp.Or(cfg.TracerProvider, otel.GetTracerProvider())
	meter := mp.Meter(scope)
	events, err := meter.Int64Counter(eventsName,
		metric.WithUnit("{event}"),
		metric.WithDescription("Steps of the ThaID login flow (login_started, login, refresh, logout), by kind and outcome."))
	if err != nil {
		return nil, fmt.Errorf("otelthaid: %s: %w", eventsName, err)
	}
	duration, err := meter.Float64Histogram(durationName,
		metric.WithUnit("s"),
		metric.WithDescription("Time each step of the ThaID login flow took in this server, by kind and outcome."),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	if err != nil {
		return nil, fmt.Errorf("otelthaid: %s: %w", durationName, err)
	}
	return &Observer{tracer: tp.Tracer(scope), events: events, duration: duration}, nil
}

// Observe records e: a span from e.Start to e.Start+e.Duration, child of the span in ctx, and
// the counter and histogram, with the span's context (so that exemplars point to it). Use it as
// middleware.Config.Observe.
func (o *Observer) Observe(ctx context.Context, e middleware.Event) {
	la := o.labelAttrs(e)
	ctx, span := o.tracer.Start(ctx, la.spanName, trace.WithTimestamp(e.Start), internal, la.spanAttrs)
	if la.failed {
		span.SetStatus(codes.Error, la.outcome)
	}
	o.events.Add(ctx, 1, la.add...)
	o.duration.Record(ctx, e.Duration.Seconds(), la.record...)
	span.End(trace.WithTimestamp(e.Start.Add(e.Duration)))
}

// labelAttrs returns the cached options of e's kind and outcome.
func (o *Observer) labelAttrs(e middleware.Event) *labelAttrs {
	l := label{kind: e.Kind, outcome: e.Outcome()}
	if la, ok := o.attrs.Load(l); ok {
		return la.(*labelAttrs)
	}
	kv := []attribute.KeyValue{kindKey.String(string(l.kind)), outcomeKey.String(l.outcome)}
	set := metric.WithAttributeSet(attribute.NewSet(kv...))
	la := &labelAttrs{spanName: "thaid." + string(l.kind), outcome: l.outcome, add: []metric.AddOption{set}, record: []metric.RecordOption{set}, failed: e.Err != nil}
	if la.failed {
		kv = append(kv, errorTypeKey.String(l.outcome))
	}
	la.spanAttrs = trace.WithAttributes(kv...)
	actual, _ := o.attrs.LoadOrStore(l, la)
	return actual.(*labelAttrs)
}
