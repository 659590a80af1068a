package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/mockprovider"
)

// TestRun starts the command as main does (on a free port) and follows /me to the embedded
// mock's QR page, then stops it.
func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, func(k string) string {
			if k == "PORT" {
				return "0"
			}
			return ""
		}, w)
		w.Close()
	}()
	lines := bufio.NewScanner(out)
	var open string
	for open == "" && lines.Scan() {
		if rest, ok := strings.CutPrefix(lines.Text(), "open "); ok {
			open, _, _ = strings.Cut(rest, " ")
		}
	}
	if open == "" {
		t.Fatalf("run printed no address: %v", <-done)
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()

	resp, err := http.Get(open)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	app, _ := url.Parse(open)
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Host == app.Host || !strings.HasSuffix(resp.Request.URL.Path, mockprovider.PathAuthorize) {
		t.Fatalf("/me led to %s (%d), want the mock's authorize page", resp.Request.URL, resp.StatusCode)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
}
