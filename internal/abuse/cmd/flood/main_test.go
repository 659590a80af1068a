package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestExitStatus: 0 when the flood was sent (whatever the statuses) and for -h, 1 when it was
// interrupted, 2 for a wrong command line.
func TestExitStatus(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	}))
	defer srv.Close()
	interrupted, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name   string
		ctx    context.Context
		args   []string
		code   int
		stdout string // a line of stdout, or "" for none
		stderr string
	}{
		{"sent", context.Background(), []string{"-url", srv.URL, "-n", "5", "-c", "2", "-mark", "3"}, exitOK,
			"result requests=5 ", ""},
		{"help", context.Background(), []string{"-h"}, exitOK, "Usage: flood -url URL", ""},
		{"interrupted", interrupted, []string{"-url", srv.URL, "-n", "5"}, exitFail, "", "flood: interrupted"},
		{"unknown flag", context.Background(), []string{"-nope"}, exitUsage, "", "flag provided but not defined: -nope"},
		{"no URL", context.Background(), nil, exitUsage, "", "-url is required"},
		{"relative URL", context.Background(), []string{"-url", "/login"}, exitUsage, "", "not an absolute http(s) URL"},
		{"no connection", context.Background(), []string{"-url", srv.URL, "-c", "0"}, exitUsage, "", "-c at least 1"},
		{"argument", context.Background(), []string{"-url", srv.URL, "more"}, exitUsage, "", "unexpected arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tc.ctx, tc.args, strings.NewReader(""), &stdout, &stderr)
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

// TestFloodCounts: the result line counts redirects and others, and "mark" comes once.
func TestFloodCounts(t *testing.T) {
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++ // one connection: no race
		if n%2 == 0 {
			http.Error(w, "no", http.StatusTooManyRequests)
			return
		}
		http.Redirect(w, r, "/elsewhere", http.StatusSeeOther)
	}))
	defer srv.Close()
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"-url", srv.URL, "-n", "4", "-c", "1", "-mark", "2"}, strings.NewReader(""), &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 2 || lines[0] != "mark" || !strings.HasPrefix(lines[1], "result requests=4 ") ||
		!strings.HasSuffix(lines[1], " redirects=2 others=2 statuses=303:2,429:2") {
		t.Errorf("stdout:\n%s", stdout.String())
	}
}
