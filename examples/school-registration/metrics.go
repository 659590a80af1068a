package main

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
	"github.com/thaid-go/thaid-go/middleware"
)

// metrics are the app's Prometheus metrics, on a registry of its own (so
// that several instances in one test process do not collide). No metric
// carries personal data.
type metrics struct {
	reg       *prometheus.Registry
	logins    *prometheus.CounterVec   // by outcome, from the SDK's observer
	decisions *prometheus.CounterVec   // approved, rejected, revoked
	mails     *prometheus.CounterVec   // sent, failed
	latency   *prometheus.HistogramVec // by method, route and status code
}

func newMetrics(st *store.Store) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "schoolreg_logins_total",
			Help: "ThaID logins ended, by outcome (ok, or the SDK's reason, e.g. user_denied)."}, []string{"outcome"}),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "schoolreg_decisions_total",
			Help: "Registrations decided by area admins, by decision."}, []string{"decision"}),
		mails: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "schoolreg_mail_attempts_total",
			Help: "Attempts to send a notification mail, by result (sent, failed)."}, []string{"result"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "schoolreg_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by method, route pattern and status code.",
			Buckets: prometheus.DefBuckets}, []string{"method", "route", "code"}),
	}
	m.reg.MustRegister(m.logins, m.decisions, m.mails, m.latency, registrationsCollector{st},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// observe is the SDK's Config.Observe: it counts ended logins by outcome.
func (m *metrics) observe(_ context.Context, e middleware.Event) {
	if e.Kind == middleware.EventLogin {
		m.logins.WithLabelValues(e.Outcome()).Inc()
	}
}

// mailSent counts a send attempt.
func (m *metrics) mailSent(ok bool) {
	if ok {
		m.mails.WithLabelValues("sent").Inc()
	} else {
		m.mails.WithLabelValues("failed").Inc()
	}
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// measure records the latency of each request under the route pattern that
// mux matched (not the path, which would make a label per registration).
func (m *metrics) measure(mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		_, route := mux.Handler(r)
		if route == "" {
			route = "other"
		}
		status := sw.status
		if status == 0 {
			status = http.StatusOK
		}
		m.latency.WithLabelValues(methodLabel(r.Method), route, strconv.Itoa(status)).Observe(time.Since(start).Seconds())
	})
}

// methodLabel is the method as a label value: the standard methods as they
// are, any other (a client may send any token) as "other", so that clients
// cannot grow the number of series without bound.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return "other"
}

// registrationsCollector reports the number of registrations in each state,
// read from the database at each scrape (so that every instance reports the
// same, true numbers).
type registrationsCollector struct{ st *store.Store }

var registrationsDesc = prometheus.NewDesc("schoolreg_registrations",
	"Registrations in the database, by state (pending, approved, rejected).", []string{"state"}, nil)

func (c registrationsCollector) Describe(ch chan<- *prometheus.Desc) { ch <- registrationsDesc }

func (c registrationsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	counts, err := c.st.CountRegistrations(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(registrationsDesc, err)
		return
	}
	for _, s := range []store.Status{store.StatusPending, store.StatusApproved, store.StatusRejected} {
		ch <- prometheus.MustNewConstMetric(registrationsDesc, prometheus.GaugeValue, float64(counts[s]), string(s))
	}
}
