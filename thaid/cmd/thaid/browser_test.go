//go:build linux

package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/mockprovider"
)

// TestLoginOpensBrowser (Linux only: a shell script stands in for xdg-open;
// browserCommand is tested for every system): without -no-browser, login runs xdg-open with the
// authorization URL. A stand-in xdg-open on PATH records its argument; the test
// then plays the browser with it.
func TestLoginOpensBrowser(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "opened")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\nprintf '%s' \"$1\" > " + fifo + "\n"
	if err := os.WriteFile(filepath.Join(dir, "xdg-open"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	openedc := make(chan []byte, 1)
	go func() {
		b, _ := os.ReadFile(fifo) // blocks until xdg-open writes
		openedc <- b
	}()

	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	l := startLogin(t, "-issuer", p.Issuer(), "-client-id", mockprovider.DemoClientID,
		"-client-secret", mockprovider.DemoClientSecret, "-redirect-url", freeRedirect(t), "-timeout", "15s", "-json")
	var opened []byte
	select {
	case opened = <-openedc:
	case <-time.After(10 * time.Second):
		t.Fatal("xdg-open was not run within 10 s")
	}
	if string(opened) != l.openURL {
		t.Fatalf("xdg-open got %q, want the open: URL %q", opened, l.openURL)
	}
	if code, _ := get(t, string(opened)); code != http.StatusOK {
		t.Errorf("callback page %d", code)
	}
	if r := l.wait(t); r.code != exitOK || !strings.Contains(r.stdout, `"verified": true`) {
		t.Errorf("exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
}
