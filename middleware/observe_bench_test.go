package middleware

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// BenchmarkObserveLoginStart measures the Login handler (in process: a new login, its state and
// its sealed cookie, the redirect) without an observer and with one that only counts: the cost
// of the hook itself, two clock reads and the call. Without an observer the handler reads no
// clock for it.
//
// It also guards that cost: an observer that allocates nothing adds no allocation to the
// handler. The guard lives here, not in a test, because the race detector (go test -race) adds
// allocations of its own to the call; the benchmarks run without it.
func BenchmarkObserveLoginStart(b *testing.B) {
	var n atomic.Int64
	count := func(context.Context, Event) { n.Add(1) }
	unset, set := loginStartAllocs(b, nil), loginStartAllocs(b, count)
	if n.Load() == 0 {
		b.Fatal("the observer heard nothing")
	}
	if set > unset {
		b.Fatalf("an observer adds %v allocations to Login (%v without), want none", set-unset, unset)
	}
	for _, bc := range []struct {
		name    string
		observe func(context.Context, Event)
	}{
		{"Observe=nil", nil},
		{"Observe=count", count},
	} {
		b.Run(bc.name, func(b *testing.B) {
			h, r, w := loginStart(b, bc.observe)
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				h.ServeHTTP(w, r)
			}
		})
	}
}

// loginStart returns the Login handler of an Auth with the given observer, a request for it and
// a ResponseWriter that allocates nothing.
func loginStart(tb testing.TB, observe func(context.Context, Event)) (http.Handler, *http.Request, *nopWriter) {
	return newTestAuth(tb, Config{Observe: observe}).Login(), httptest.NewRequest("GET", "/login?return_to=/private", nil), &nopWriter{h: http.Header{}}
}

// loginStartAllocs returns the allocations of one Login request with the given observer.
func loginStartAllocs(tb testing.TB, observe func(context.Context, Event)) float64 {
	h, r, w := loginStart(tb, observe)
	return testing.AllocsPerRun(100, func() {
		clear(w.h)
		h.ServeHTTP(w, r)
	})
}

// BenchmarkObserveHook measures the hook alone, as each handler runs it around a step
// (startTimer, then observe): without an observer a nil check, with one two clock reads and
// the call.
func BenchmarkObserveHook(b *testing.B) {
	var n atomic.Int64
	for _, bc := range []struct {
		name    string
		observe func(context.Context, Event)
	}{
		{"Observe=nil", nil},
		{"Observe=count", func(context.Context, Event) { n.Add(1) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			a := newTestAuth(b, Config{Observe: bc.observe})
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				start := a.startTimer()
				a.observe(ctx, EventLogin, start, nil)
			}
		})
	}
	if n.Load() == 0 {
		b.Fatal("the observer heard nothing")
	}
}
