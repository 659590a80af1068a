package main

import (
	"strings"
	"testing"
)

func TestUsage(t *testing.T) {
	if r := runCmd(t, ""); r.code != exitUsage || !strings.Contains(r.stderr, "Commands:") {
		t.Errorf("no arguments: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := runCmd(t, "", "-h"); r.code != exitOK || !strings.Contains(r.stdout, "login") {
		t.Errorf("-h: exit %d, stdout %q", r.code, r.stdout)
	}
	if r := runCmd(t, "", "logout"); r.code != exitUsage || !strings.Contains(r.stderr, `unknown command "logout"`) {
		t.Errorf("unknown command: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestExitStatus: every subcommand exits 0 when done, 1 when it failed or the answer is no,
// 2 for a wrong command line.
func TestExitStatus(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"-h"}, exitOK},
		{[]string{"pid", "check", pidThanawat}, exitOK},
		{[]string{"pid", "generate", "-n", "2"}, exitOK},
		{[]string{"pid", "check", "1509900314829"}, exitFail}, // a wrong check digit
		{[]string{"check", "-issuer", "http://127.0.0.1:1"}, exitFail},
		{[]string{"decode", "not-a-token"}, exitFail},
		{[]string{"nope"}, exitUsage},
		{[]string{"pid", "check", "-nope", pidThanawat}, exitUsage},
		{[]string{"pid", "generate", "-n"}, exitUsage},
		{[]string{"check"}, exitUsage},
		{[]string{"decode"}, exitUsage},
		{[]string{"login", "-issuer", "sandbox", "-nope"}, exitUsage},
	} {
		if r := runCmd(t, "", tc.args...); r.code != tc.code {
			t.Errorf("%q: exit %d, want %d; stderr:\n%s", tc.args, r.code, tc.code, r.stderr)
		}
	}
}

// TestHelpEverywhere: every subcommand answers -h with its usage and an example, on stdout, exit 0.
func TestHelpEverywhere(t *testing.T) {
	for _, args := range [][]string{
		{"login", "-h"}, {"check", "-h"}, {"decode", "-h"}, {"pid", "-h"},
		{"pid", "check", "-h"}, {"pid", "mask", "-h"}, {"pid", "generate", "-h"},
		{"login", "-issuer", "sandbox", "-h"},
	} {
		r := runCmd(t, "", args...)
		if r.code != exitOK || !strings.Contains(r.stdout, "Usage: thaid "+args[0]) ||
			!strings.Contains(r.stdout, "Examples:\n") || !strings.Contains(r.stdout, "\n  thaid "+args[0]) {
			t.Errorf("%q: exit %d, stdout:\n%s\nstderr:\n%s", args, r.code, r.stdout, r.stderr)
		}
	}
}

func TestBrowserCommand(t *testing.T) {
	const u = "http://127.0.0.1:9090/api/v2/oauth2/auth/?a=1&b=2"
	for goos, want := range map[string]string{
		"linux":   "xdg-open " + u,
		"freebsd": "xdg-open " + u,
		"darwin":  "open " + u,
		"windows": "rundll32 url.dll,FileProtocolHandler " + u,
	} {
		name, args := browserCommand(goos, u)
		if got := name + " " + strings.Join(args, " "); got != want {
			t.Errorf("%s: %q, want %q", goos, got, want)
		}
	}
}

// TestNoFullPIDInErrors: a PID that ends up in an error message (a stray argument) is masked.
func TestNoFullPIDInErrors(t *testing.T) {
	for _, args := range [][]string{
		{"check", "-issuer", "sandbox", pidThanawat},
		{"pid", "generate", pidThanawat},
		{"login", "-issuer", "sandbox", "-client-id", "x", "-client-secret", "s", "-redirect-url", "http://127.0.0.1:1/cb", pidThanawat},
	} {
		r := runCmd(t, "", args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, "1-5099-xxxxx-82-8") {
			t.Errorf("%q: exit %d, want %d with the PID masked; stderr:\n%s", args, r.code, exitUsage, r.stderr)
		}
		noFullPID(t, strings.Join(args[:1], " ")+" stderr", r.stderr)
	}
}
