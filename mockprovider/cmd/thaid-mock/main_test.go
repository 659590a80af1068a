package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/mockprovider"
)

// startCmd runs the command in-process and returns its issuer, its stdout and stderr, and a
// stop func that ends it (as SIGINT does) and returns its exit status. The banner is printed
// once the provider listens. Both outputs are issuerLine (example_test.go): stdout hands over
// the issuer, stderr only keeps what is written.
func startCmd(t *testing.T, args ...string) (string, *issuerLine, *issuerLine, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	stdout := &issuerLine{issuer: ready}
	var stderr issuerLine
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), strings.NewReader(""), stdout, &stderr)
	}()
	select {
	case iss := <-ready:
		var once sync.Once
		code := -1
		stop := func() int {
			once.Do(func() { cancel(); code = <-done })
			return code
		}
		t.Cleanup(func() { _ = stop() })
		return iss, stdout, &stderr, stop
	case code := <-done:
		cancel()
		t.Fatalf("run: exit %d: %s", code, stderr.String())
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("server did not start")
	}
	return "", nil, nil, nil
}

// authorize opens the provider's authorization endpoint with q, without following a redirect,
// and returns the answer and its body.
func authorize(t *testing.T, iss string, q url.Values) (*http.Response, string) {
	t.Helper()
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(iss + mockprovider.PathAuthorize + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

// writeTemp writes text to a file of that name in a fresh temporary directory, and returns its path.
func writeTemp(t *testing.T, name, text string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

func TestDefaults(t *testing.T) {
	iss, stdout, stderr, stop := startCmd(t)
	resp, err := http.Get(iss + mockprovider.PathDiscovery)
	if err != nil {
		t.Fatal(err)
	}
	var d map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&d)
	resp.Body.Close()
	if d["issuer"] != iss {
		t.Fatalf("discovery issuer %v, want %s", d["issuer"], iss)
	}
	// The interactive QR page is the default.
	q := url.Values{"response_type": {"code"}, "client_id": {"thaid-demo"}, "redirect_uri": {"http://localhost:8080/cb"}, "scope": {"openid pid"}, "state": {"s"}}
	if _, page := authorize(t, iss, q); !strings.Contains(page, "หมายเลขอ้างอิง") {
		t.Fatal("no QR page")
	}
	if code := stop(); code != exitOK {
		t.Fatalf("graceful stop: exit %d, want %d", code, exitOK)
	}
	out := stdout.String()
	for _, want := range []string{iss, "WARNING", "ANY", "thaid-demo", "demo-secret", "1-5099-xxxxx-82-8", "24681357", "ธนวัฒน์"} {
		if !strings.Contains(out, want) {
			t.Errorf("banner lacks %q:\n%s", want, out)
		}
	}
	for _, c := range mockprovider.DefaultCitizens() {
		if strings.Contains(out+stderr.String(), c.PID) {
			t.Errorf("full PID printed")
		}
	}
	if !strings.Contains(stderr.String(), "endpoint=authorize") {
		t.Errorf("no request log:\n%s", stderr.String())
	}
}

func TestFlags(t *testing.T) {
	cs := mockprovider.DefaultCitizens()[2:3]
	b, _ := json.Marshal(cs)
	file := writeTemp(t, "citizens.json", string(b))
	iss, stdout, _, stop := startCmd(t, "-client-id", "school", "-client-secret", "s3cret", "-redirect-uri", "http://localhost:8080/cb",
		"-redirect-uri", "http://localhost:8080/cb2", "-citizens", file, "-auto-approve", "-alg", "RS256", "-issuer", "")
	defer stop()
	q := url.Values{"response_type": {"code"}, "client_id": {"school"}, "redirect_uri": {"http://localhost:8080/cb2"}, "scope": {"pid"}, "state": {"s"}}
	resp, _ := authorize(t, iss, q)
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || loc.Query().Get("code") == "" {
		t.Fatalf("auto-approve: %d %v", resp.StatusCode, loc)
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {"http://localhost:8080/cb2"},
		"client_id": {"school"}, "client_secret": {"s3cret"}}
	resp, err := http.PostForm(iss+mockprovider.PathToken, form)
	if err != nil {
		t.Fatal(err)
	}
	var tok map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if tok["pid"] != cs[0].PID {
		t.Fatalf("token %v", tok)
	}
	// An unregistered redirect URI is refused at once (400 invalid_request), never redirected to.
	q.Set("redirect_uri", "http://localhost:8080/other")
	resp, _ = authorize(t, iss, q)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unregistered redirect: %d", resp.StatusCode)
	}
	out := stdout.String()
	if strings.Contains(out, "WARNING") || strings.Contains(out, "s3cret") || !strings.Contains(out, "RS256") || !strings.Contains(out, "auto-approve") {
		t.Errorf("banner:\n%s", out)
	}
}

// TestExitStatus: 1 when the command failed, 2 for a wrong command line, 0 for -h (with the
// flags on stdout); a graceful shutdown's 0 is checked by TestDefaults.
func TestExitStatus(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		{"unknown flag", []string{"-nope"}, exitUsage, "flag provided but not defined: -nope"},
		{"missing value", []string{"-addr"}, exitUsage, "flag needs an argument"},
		{"extra args", []string{"serve"}, exitUsage, `unexpected arguments: ["serve"]`},
		{"bad alg", []string{"-addr", "127.0.0.1:0", "-alg", "HS256"}, exitUsage, "HS256"},
		{"bad redirect", []string{"-addr", "127.0.0.1:0", "-redirect-uri", "/relative"}, exitUsage, "/relative"},
		{"unknown scope", []string{"-addr", "127.0.0.1:0", "-scopes", "openid email"}, exitUsage, `unknown scope "email"`},
		{"empty client ID", []string{"-addr", "127.0.0.1:0", "-client-id", ""}, exitUsage, "no ID"},
		{"missing citizens file", []string{"-addr", "127.0.0.1:0", "-citizens", "/nonexistent/c.json"}, exitFail, "/nonexistent/c.json"},
		{"unknown profile", []string{"-addr", "127.0.0.1:0", "-profile", "sandbox-2027"}, exitFail, "neither a built-in profile"},
		{"address in use", []string{"-addr", busy.Addr().String()}, exitFail, "address already in use"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.args, strings.NewReader(""), &stdout, &stderr)
			if code != tc.code || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("exit %d, want %d with %q; stderr:\n%s", code, tc.code, tc.want, stderr.String())
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout: %s", stdout.String())
			}
		})
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, strings.NewReader(""), &stdout, &stderr); code != exitOK ||
		!strings.Contains(stdout.String(), "Usage: thaid-mock") || !strings.Contains(stdout.String(), "-auto-approve") || stderr.Len() != 0 {
		t.Errorf("-h: exit %d, stdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
}

// TestProfileFlag: -profile takes a built-in profile or a file, and refuses a file with a typo.
func TestProfileFlag(t *testing.T) {
	q := url.Values{"response_type": {"code"}, "client_id": {"ghost"}, "redirect_uri": {"http://localhost:8080/cb"}, "scope": {"openid"}, "state": {"s"}}

	t.Run("default: the recorded sandbox", func(t *testing.T) {
		iss, stdout, _, _ := startCmd(t)
		resp, body := authorize(t, iss, q)
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `"unauthorized_client"`) {
			t.Errorf("unknown client: %d %s", resp.StatusCode, body)
		}
		if out := stdout.String(); !strings.Contains(out, "sandbox-2026-08") || !strings.Contains(out, "token form bearer") {
			t.Errorf("banner does not name the profile:\n%s", out)
		}
	})
	t.Run("built-in legacy-mock", func(t *testing.T) {
		iss, stdout, _, _ := startCmd(t, "-profile", "legacy-mock")
		resp, body := authorize(t, iss, q)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Bad data request") {
			t.Errorf("unknown client: %d %.200s", resp.StatusCode, body)
		}
		if out := stdout.String(); !strings.Contains(out, "legacy-mock") || !strings.Contains(out, "expires_in-relative") {
			t.Errorf("banner:\n%s", out)
		}
	})
	t.Run("file", func(t *testing.T) {
		file := writeTemp(t, "p.json", `{"profile": "thaid-provider/1", "source": "a file", "id_token": {"alg": "RS256"}, "authorize": {"errors": "redirect"}}`)
		iss, stdout, _, _ := startCmd(t, "-profile", file)
		resp, _ := authorize(t, iss, url.Values{"response_type": {"token"}, "client_id": {"thaid-demo"}, "redirect_uri": {"http://localhost:8080/cb"}, "scope": {"openid"}, "state": {"s"}})
		if resp.StatusCode != http.StatusFound || !strings.Contains(resp.Header.Get("Location"), "error=unsupported_response_type") {
			t.Errorf("authorize error: %d %q, want a redirect", resp.StatusCode, resp.Header.Get("Location"))
		}
		if out := stdout.String(); !strings.Contains(out, "RS256") || !strings.Contains(out, "a file") {
			t.Errorf("banner:\n%s", out)
		}
	})
	t.Run("file with a typo", func(t *testing.T) {
		file := writeTemp(t, "p.json", `{"profile": "thaid-provider/1", "claims": {"subb": "opaque"}}`)
		var stderr bytes.Buffer
		code := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-profile", file}, strings.NewReader(""), io.Discard, &stderr)
		if code != exitFail || !strings.Contains(stderr.String(), "invalid profile") || !strings.Contains(stderr.String(), `"subb"`) {
			t.Errorf("exit %d, want %d naming the member; stderr: %s", code, exitFail, stderr.String())
		}
	})
}

// TestScopesFlag: -scopes grants the client those scopes only; others are refused at once.
func TestScopesFlag(t *testing.T) {
	iss, stdout, _, _ := startCmd(t, "-scopes", "openid, pid name", "-auto-approve")
	for _, tc := range []struct {
		scope  string
		status int
	}{{"openid pid", http.StatusFound}, {"openid pid address", http.StatusBadRequest}} {
		q := url.Values{"response_type": {"code"}, "client_id": {"thaid-demo"}, "redirect_uri": {"http://localhost:8080/cb"}, "scope": {tc.scope}, "state": {"s"}}
		resp, body := authorize(t, iss, q)
		var e map[string]any
		_ = json.Unmarshal([]byte(body), &e)
		if resp.StatusCode != tc.status || tc.status == http.StatusBadRequest && e["error"] != "invalid_scope" {
			t.Errorf("scope %q: %d %v, want %d", tc.scope, resp.StatusCode, e, tc.status)
		}
	}
	if !strings.Contains(stdout.String(), "openid pid name (granted") {
		t.Errorf("banner:\n%s", stdout.String())
	}
}
