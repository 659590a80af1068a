package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/mockprovider"
)

// TestShutdownDrain: asked to stop with SHUTDOWN_DRAIN_SECONDS set, the app
// first answers /readyz with 503 "shutting down" while it still serves every
// other request, then stops; a bad value stops the start-up.
func TestShutdownDrain(t *testing.T) {
	mock := startMock(t)
	env := map[string]string{"ADDR": "127.0.0.1:0", "THAID_ISSUER": mock.Issuer(), "THAID_CLIENT_ID": mockprovider.DemoClientID,
		"THAID_CLIENT_SECRET": mockprovider.DemoClientSecret, "DATABASE_URL": filepath.Join(t.TempDir(), "drain.db"),
		"SHUTDOWN_DRAIN_SECONDS": "2"}
	cfg, err := configFromEnv(func(k string) string { return env[k] })
	if err != nil || cfg.ShutdownDrain != 2*time.Second {
		t.Fatalf("config: %v, drain %v", err, cfg.ShutdownDrain)
	}
	var log syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, &log, &log, func(u string) { ready <- u }) }()
	var base string
	select {
	case base = <-ready:
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	status := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s during the drain: %v", path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := status("/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz before the stop: %d", code)
	}
	cancel()
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, body := status("/readyz")
		if code == http.StatusServiceUnavailable && strings.Contains(body, "shutting down") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz after the stop: %d %q, want 503 shutting down", code, body)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, path := range []string{"/", "/healthz", "/schools/1031030001"} {
		if code, _ := status(path); code != http.StatusOK {
			t.Errorf("GET %s during the drain: %d, want 200", path, code)
		}
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve after the drain: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the app did not stop after the drain")
	}
	if !strings.Contains(log.String(), "draining") || !strings.Contains(log.String(), "shut down") {
		t.Errorf("log:\n%s", log.String())
	}

	for _, bad := range []string{"-1", "301", "five", "1.5"} {
		if _, err := configFromEnv(func(k string) string { return map[string]string{"SHUTDOWN_DRAIN_SECONDS": bad}[k] }); err == nil {
			t.Errorf("SHUTDOWN_DRAIN_SECONDS=%s accepted", bad)
		}
	}
}
