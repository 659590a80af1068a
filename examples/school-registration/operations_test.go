package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
	"github.com/thaid-go/thaid-go/mockprovider"
)

// TestReadyz: /readyz fails, naming what, when the database or Redis does
// not answer; /healthz does not depend on them.
func TestReadyz(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "ready.db"))
	if err != nil {
		t.Fatal(err)
	}
	app := &application{log: slog.New(slog.DiscardHandler), store: st}
	get := func(h http.Handler) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		return w
	}
	if w := get(app.handleReady()); w.Code != http.StatusOK {
		t.Errorf("ready: %d", w.Code)
	}
	app.redisPing = func(context.Context) error { return errors.New("connection refused") }
	if w := get(app.handleReady()); w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "redis") {
		t.Errorf("Redis down: %d %q", w.Code, w.Body.String())
	}
	app.redisPing = nil
	st.Close()
	if w := get(app.handleReady()); w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "database") {
		t.Errorf("database closed: %d %q", w.Code, w.Body.String())
	}
	if w := get(app.handleHealth()); w.Code != http.StatusOK {
		t.Errorf("healthz with the database closed: %d", w.Code)
	}
}

// slowTokens delays the ThaID token request and says when one starts.
type slowTokens struct {
	started chan struct{}
	delay   time.Duration
}

func (s slowTokens) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, mockprovider.PathToken) {
		select {
		case s.started <- struct{}{}:
		default:
		}
		time.Sleep(s.delay)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestShutdownFinishesRequests: a login whose callback is in flight when the
// app is asked to stop completes; then the app stops.
func TestShutdownFinishesRequests(t *testing.T) {
	mock := startMock(t)
	slow := slowTokens{started: make(chan struct{}, 1), delay: 800 * time.Millisecond}
	app := startApp(t, mock, map[string]string{"DATABASE_URL": filepath.Join(t.TempDir(), "inflight.db")},
		func(c *config) { c.httpClient = &http.Client{Transport: slow} })
	// Walk the login by hand up to the callback, which runs during the shutdown.
	b := newBrowser(t, app.URL)
	hc := *b.hc
	hc.CheckRedirect = func(req *http.Request, _ []*http.Request) error {
		if req.URL.Path == "/callback" {
			return http.ErrUseLastResponse
		}
		req.Header.Set(hintHeader, applicant1.PID)
		return nil
	}
	req, _ := http.NewRequest(http.MethodGet, app.URL+"/login?return_to=/start", nil)
	req.Header.Set(hintHeader, applicant1.PID)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	callback := resp.Header.Get("Location")
	if !strings.Contains(callback, "/callback?") {
		t.Fatalf("login went to %q, want the callback", callback)
	}
	type result struct {
		status   int
		location string
		err      error
	}
	done := make(chan result, 1)
	go func() {
		hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := hc.Get(callback)
		if err != nil {
			done <- result{err: err}
			return
		}
		resp.Body.Close()
		done <- result{status: resp.StatusCode, location: resp.Header.Get("Location")}
	}()
	select {
	case <-slow.started:
	case <-time.After(15 * time.Second):
		t.Fatal("the callback did not reach the token endpoint")
	}
	stopped := make(chan struct{})
	go func() { app.Stop(); close(stopped) }()
	got := <-done
	if got.err != nil || got.status != http.StatusSeeOther || got.location != "/start" {
		t.Errorf("callback in flight during shutdown: %d to %q (%v), want 303 to /start", got.status, got.location, got.err)
	}
	select {
	case <-stopped:
	case <-time.After(15 * time.Second):
		t.Fatal("the app did not stop")
	}
	if !strings.Contains(app.Log.String(), "shut down") {
		t.Error("no shutdown in the log")
	}
}

// TestManageWriteOfVanishedNews: a news item deleted (by the school's other
// manager) between the check and the write gives 404, not a server error.
func TestManageWriteOfVanishedNews(t *testing.T) {
	views, err := newViews(slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	var log syncBuffer
	app := &application{log: slog.New(slog.NewTextHandler(&log, nil)), views: views}
	c := &citizen{view: &viewer{Name: store.PersonName{Given: "สมชาย", Family: "ใจดี"}, MaskedPID: "1-0000-xxxxx-00-1"}}
	w := httptest.NewRecorder()
	app.finishManageWrite(w, httptest.NewRequest(http.MethodPost, "/manage/news/x", nil), c, store.ErrNotFound, "news_saved")
	if w.Code != http.StatusNotFound || strings.Contains(log.String(), "request failed") {
		t.Errorf("status %d, log %q; want 404 and no server error", w.Code, log.String())
	}
}
