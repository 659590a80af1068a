// Package demotest checks an example command built on package demo.
package demotest

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/internal/demo"
	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// CheckRun starts an example command's app through demo.Run as its main does (on a free port), follows /me to the
// embedded mock's QR page, stops it, and checks that it printed the demo citizens with masked
// PIDs only.
func CheckRun(t *testing.T, newApp func(*middleware.Auth) demo.Server) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- demo.Run(ctx, func(k string) string {
			if k == "PORT" {
				return "0"
			}
			return ""
		}, w, newApp)
		w.Close()
	}()
	var (
		mu    sync.Mutex
		lines []string
	)
	opened := make(chan string, 1)
	read := make(chan struct{})
	go func() {
		defer close(read)
		s := bufio.NewScanner(out)
		for s.Scan() {
			mu.Lock()
			lines = append(lines, s.Text())
			mu.Unlock()
			if rest, ok := strings.CutPrefix(s.Text(), "open "); ok {
				u, _, _ := strings.Cut(rest, " ")
				opened <- u
			}
		}
	}()
	var open string
	select {
	case open = <-opened:
	case err := <-done:
		t.Fatalf("run ended before printing its address: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("run printed no address")
	}

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
	<-read
	printed := strings.Join(lines, "\n")
	for _, c := range mockprovider.DefaultCitizens() {
		if strings.Contains(printed, c.PID) || !strings.Contains(printed, thaid.MaskPID(c.PID)+"  "+c.Password) {
			t.Fatalf("run should print each demo citizen's masked PID and app password, never the PID:\n%s", printed)
		}
	}
}
