package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/mockprovider"
)

// TestServesAndStops: the target serves the login and exits 0 when ctx ends (SIGINT).
func TestServesAndStops(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout, stdoutW := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-issuer", p.Issuer()}, strings.NewReader(""), stdoutW, &stderr)
		stdoutW.Close()
	}()
	// The base URL of the line "listening URL", once that line is complete.
	base := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			base <- strings.TrimPrefix(sc.Text(), "listening ")
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	var u string
	select {
	case u = <-base:
	case code := <-done:
		t.Fatalf("exit %d before serving: %s", code, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("no listening line within 10 s")
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(u + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound && resp.StatusCode != http.StatusSeeOther {
		t.Errorf("GET /login: %d, want a redirect to the provider", resp.StatusCode)
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit %d after a graceful shutdown, want %d: %s", code, exitOK, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop within 10 s")
	}
}

// TestExitStatus: 1 when it cannot start, 2 for a wrong command line, 0 for -h.
func TestExitStatus(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"help", []string{"-h"}, exitOK, "Usage: floodtarget -issuer URL", ""},
		{"no provider there", []string{"-issuer", "http://127.0.0.1:1"}, exitFail, "", "floodtarget: "},
		{"no Redis there", []string{"-issuer", "http://127.0.0.1:1", "-store", "redis", "-redis", "127.0.0.1:1"}, exitFail, "", "redis at 127.0.0.1:1"},
		{"address cannot be listened on", []string{"-issuer", "http://127.0.0.1:1", "-addr", "256.0.0.1:0"}, exitFail, "", "floodtarget: "},
		{"unknown flag", []string{"-nope"}, exitUsage, "", "flag provided but not defined: -nope"},
		{"no issuer", nil, exitUsage, "", "-issuer is required"},
		{"unknown store", []string{"-issuer", "http://x", "-store", "disk"}, exitUsage, "", `-store "disk"`},
		{"redis without address", []string{"-issuer", "http://x", "-store", "redis"}, exitUsage, "", "needs -redis ADDR"},
		{"argument", []string{"-issuer", "http://x", "serve"}, exitUsage, "", "unexpected arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.args, strings.NewReader(""), &stdout, &stderr)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr.String())
			}
			if tc.stdout == "" && stdout.Len() > 0 || !strings.Contains(stdout.String(), tc.stdout) {
				t.Errorf("stdout %q, want %q", stdout.String(), tc.stdout)
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr %q, want %q", stderr.String(), tc.stderr)
			}
		})
	}
}
