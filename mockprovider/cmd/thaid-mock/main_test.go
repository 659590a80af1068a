package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
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

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// startCmd runs the command in-process and returns its issuer and a stop func.
func startCmd(t *testing.T, args ...string) (string, *syncBuffer, *syncBuffer, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), &stdout, &stderr, func(iss string) { ready <- iss })
	}()
	select {
	case iss := <-ready:
		var once sync.Once
		var stopErr error
		stop := func() error {
			once.Do(func() { cancel(); stopErr = <-done })
			return stopErr
		}
		t.Cleanup(func() { _ = stop() })
		return iss, &stdout, &stderr, stop
	case err := <-done:
		cancel()
		t.Fatalf("run: %v", err)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("server did not start")
	}
	return "", nil, nil, nil
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
	resp, err = http.Get(iss + mockprovider.PathAuthorize + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "หมายเลขอ้างอิง") {
		t.Fatal("no QR page")
	}
	if err := stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
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
	dir := t.TempDir()
	file := filepath.Join(dir, "citizens.json")
	cs := mockprovider.DefaultCitizens()[2:3]
	b, _ := json.Marshal(cs)
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	iss, stdout, _, stop := startCmd(t, "-client-id", "school", "-client-secret", "s3cret", "-redirect-uri", "http://localhost:8080/cb",
		"-redirect-uri", "http://localhost:8080/cb2", "-citizens", file, "-auto-approve", "-alg", "RS256", "-issuer", "")
	defer stop()
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	q := url.Values{"response_type": {"code"}, "client_id": {"school"}, "redirect_uri": {"http://localhost:8080/cb2"}, "scope": {"pid"}, "state": {"s"}}
	resp, err := hc.Get(iss + mockprovider.PathAuthorize + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || loc.Query().Get("code") == "" {
		t.Fatalf("auto-approve: %d %v", resp.StatusCode, loc)
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {"http://localhost:8080/cb2"},
		"client_id": {"school"}, "client_secret": {"s3cret"}}
	resp, err = http.PostForm(iss+mockprovider.PathToken, form)
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
	resp, _ = hc.Get(iss + mockprovider.PathAuthorize + "?" + q.Encode())
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unregistered redirect: %d", resp.StatusCode)
	}
	out := stdout.String()
	if strings.Contains(out, "WARNING") || strings.Contains(out, "s3cret") || !strings.Contains(out, "RS256") || !strings.Contains(out, "auto-approve") {
		t.Errorf("banner:\n%s", out)
	}
}

func TestBadFlags(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"unknown flag", []string{"-nope"}},
		{"bad alg", []string{"-addr", "127.0.0.1:0", "-alg", "HS256"}},
		{"missing citizens file", []string{"-addr", "127.0.0.1:0", "-citizens", "/nonexistent/c.json"}},
		{"bad redirect", []string{"-addr", "127.0.0.1:0", "-redirect-uri", "/relative"}},
		{"extra args", []string{"serve"}},
		{"unknown profile", []string{"-addr", "127.0.0.1:0", "-profile", "sandbox-2027"}},
		{"unknown scope", []string{"-addr", "127.0.0.1:0", "-scopes", "openid email"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := run(context.Background(), tc.args, io.Discard, io.Discard, nil)
			if err == nil {
				t.Fatal("want an error")
			}
		})
	}
	if err := run(context.Background(), []string{"-h"}, io.Discard, io.Discard, nil); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
}

// TestProfileFlag: -profile takes a built-in profile or a file, and refuses a file with a typo.
func TestProfileFlag(t *testing.T) {
	authorize := func(iss string, q url.Values) (*http.Response, string) {
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
	q := url.Values{"response_type": {"code"}, "client_id": {"ghost"}, "redirect_uri": {"http://localhost:8080/cb"}, "scope": {"openid"}, "state": {"s"}}

	t.Run("default: the recorded sandbox", func(t *testing.T) {
		iss, stdout, _, _ := startCmd(t)
		resp, body := authorize(iss, q)
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `"unauthorized_client"`) {
			t.Errorf("unknown client: %d %s", resp.StatusCode, body)
		}
		if out := stdout.String(); !strings.Contains(out, "sandbox-2026-08") || !strings.Contains(out, "token form bearer") {
			t.Errorf("banner does not name the profile:\n%s", out)
		}
	})
	t.Run("built-in legacy-mock", func(t *testing.T) {
		iss, stdout, _, _ := startCmd(t, "-profile", "legacy-mock")
		resp, body := authorize(iss, q)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Bad data request") {
			t.Errorf("unknown client: %d %.200s", resp.StatusCode, body)
		}
		if out := stdout.String(); !strings.Contains(out, "legacy-mock") || !strings.Contains(out, "expires_in-relative") {
			t.Errorf("banner:\n%s", out)
		}
	})
	t.Run("file", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "p.json")
		doc := `{"profile": "thaid-provider/1", "source": "a file", "id_token": {"alg": "RS256"}, "authorize": {"errors": "redirect"}}`
		if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		iss, stdout, _, _ := startCmd(t, "-profile", file)
		resp, _ := authorize(iss, url.Values{"response_type": {"token"}, "client_id": {"thaid-demo"}, "redirect_uri": {"http://localhost:8080/cb"}, "scope": {"openid"}, "state": {"s"}})
		if resp.StatusCode != http.StatusFound || !strings.Contains(resp.Header.Get("Location"), "error=unsupported_response_type") {
			t.Errorf("authorize error: %d %q, want a redirect", resp.StatusCode, resp.Header.Get("Location"))
		}
		if out := stdout.String(); !strings.Contains(out, "RS256") || !strings.Contains(out, "a file") {
			t.Errorf("banner:\n%s", out)
		}
	})
	t.Run("file with a typo", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "p.json")
		if err := os.WriteFile(file, []byte(`{"profile": "thaid-provider/1", "claims": {"subb": "opaque"}}`), 0o600); err != nil {
			t.Fatal(err)
		}
		err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-profile", file}, io.Discard, io.Discard, nil)
		if !errors.Is(err, mockprovider.ErrInvalidProfile) || !strings.Contains(err.Error(), `"subb"`) {
			t.Errorf("err %v, want ErrInvalidProfile naming the member", err)
		}
	})
}

// TestScopesFlag: -scopes grants the client those scopes only; others are refused at once.
func TestScopesFlag(t *testing.T) {
	iss, stdout, _, _ := startCmd(t, "-scopes", "openid, pid name", "-auto-approve")
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tc := range []struct {
		scope  string
		status int
	}{{"openid pid", http.StatusFound}, {"openid pid address", http.StatusBadRequest}} {
		q := url.Values{"response_type": {"code"}, "client_id": {"thaid-demo"}, "redirect_uri": {"http://localhost:8080/cb"}, "scope": {tc.scope}, "state": {"s"}}
		resp, err := hc.Get(iss + mockprovider.PathAuthorize + "?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		var e map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != tc.status || tc.status == http.StatusBadRequest && e["error"] != "invalid_scope" {
			t.Errorf("scope %q: %d %v, want %d", tc.scope, resp.StatusCode, e, tc.status)
		}
	}
	if !strings.Contains(stdout.String(), "openid pid name (granted") {
		t.Errorf("banner:\n%s", stdout.String())
	}
}
