package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

func TestMain(m *testing.M) {
	// The RPs of these tests give up on the token endpoint after 1 s.
	tokenStall = 3 * time.Second
	os.Exit(m.Run())
}

// freeAddr returns a loopback address that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// lazyRP serves an RP that is built on its first request, once the provider answers (as an RP
// started before thaid-rpcheck would retry discovery). Until then it answers 503.
type lazyRP struct {
	mu    sync.Mutex
	build func() (http.Handler, error)
	h     http.Handler
}

func (l *lazyRP) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	if l.h == nil {
		h, err := l.build()
		if err != nil {
			l.mu.Unlock()
			http.Error(w, "provider not reachable yet", http.StatusServiceUnavailable)
			return
		}
		l.h = h
	}
	h := l.h
	l.mu.Unlock()
	h.ServeHTTP(w, r)
}

// startRP serves build's handler (built lazily) and returns its base URL.
func startRP(t *testing.T, build func(app string) (http.Handler, error)) string {
	t.Helper()
	l := &lazyRP{}
	srv := httptest.NewServer(l)
	t.Cleanup(srv.Close)
	l.build = func() (http.Handler, error) { return build(srv.URL) }
	return srv.URL
}

// middlewareRP is the project's own middleware with thaid, as an application uses it.
func middlewareRP(issuer string) func(app string) (http.Handler, error) {
	return func(app string) (http.Handler, error) {
		client, err := thaid.New(context.Background(), thaid.Config{
			ClientID:     mockprovider.DemoClientID,
			ClientSecret: mockprovider.DemoClientSecret,
			RedirectURL:  app + "/callback",
			Provider:     thaid.Provider{Issuer: issuer},
			HTTPClient:   &http.Client{Timeout: time.Second},
		})
		if err != nil {
			return nil, err
		}
		auth, err := middleware.New(middleware.Config{Client: client, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			return nil, err
		}
		mux := http.NewServeMux()
		mux.Handle("GET /login", auth.Login())
		mux.Handle("GET /callback", auth.Callback())
		mux.Handle("GET /me", auth.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "signed in")
		})))
		return mux, nil
	}
}

// check runs the command in-process against the RP at app, with the provider at addr.
func check(t *testing.T, addr, app string, extra ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	args := append([]string{"-addr", addr, "-login", app + "/login", "-probe", app + "/me",
		"-redirect-uri", app + "/callback", "-wait", "10s"}, extra...)
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// failing returns the names of the FAIL lines, and checks the output's shape on the way.
func failing(t *testing.T, out string) []string {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	var fails []string
	for _, l := range lines[:len(lines)-1] {
		switch {
		case strings.HasPrefix(l, "PASS "):
		case strings.HasPrefix(l, "FAIL "):
			name, _, ok := strings.Cut(strings.TrimPrefix(l, "FAIL "), ": ")
			if !ok {
				t.Errorf("FAIL line without a reason: %q", l)
			}
			fails = append(fails, name)
		default:
			t.Errorf("unexpected line %q", l)
		}
	}
	return fails
}

func allCases() []string {
	var names []string
	for _, tc := range plan {
		names = append(names, tc.name)
	}
	return names
}

func TestMiddlewarePassesEveryCase(t *testing.T) {
	addr := freeAddr(t)
	app := startRP(t, middlewareRP("http://"+addr))
	dir := t.TempDir()
	jsonFile, junitFile := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.xml")
	code, out, errOut := check(t, addr, app, "-json", jsonFile, "-junit", junitFile)
	t.Logf("output:\n%s", out)
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	if f := failing(t, out); len(f) != 0 {
		t.Fatalf("failing: %v", f)
	}
	want := len(plan)
	if !strings.HasSuffix(out, "\n"+itoa(want)+"/"+itoa(want)+" cases passed\n") {
		t.Fatalf("last line of %q", out)
	}
	var rep jsonReport
	readJSON(t, jsonFile, &rep)
	if rep.Passed != want || rep.Total != want || len(rep.Cases) != want {
		t.Fatalf("json: %d/%d, %d cases", rep.Passed, rep.Total, len(rep.Cases))
	}
	for i, c := range rep.Cases {
		if c.Name != plan[i].name || !c.Passed || c.Sends == "" || c.Expect == "" || c.Reference == "" {
			t.Errorf("json case %d: %+v", i, c)
		}
	}
	suites := readJUnit(t, junitFile)
	if suites.Tests != want || suites.Failures != 0 {
		t.Fatalf("junit: %d tests, %d failures", suites.Tests, suites.Failures)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func readJUnit(t *testing.T, name string) junitSuites {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var s junitSuites
	if err := xml.Unmarshal(b, &s); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	n := 0
	for _, suite := range s.Suites {
		n += len(suite.Cases)
	}
	if n != s.Tests {
		t.Fatalf("junit: %d testcases, tests=%d", n, s.Tests)
	}
	return s
}

func TestCarelessRPs(t *testing.T) {
	for _, tc := range []struct {
		name string
		rp   carelessness
		want []string
	}{
		{"no signature check", carelessness{skipSignature: true}, []string{
			"signature/tampered", "signature/alg-none", "signature/hs256-public-key", "signature/unknown-kid",
			"signature/unpublished-key-published-kid", "signature/no-kid-several-keys",
		}},
		{"no nonce check", carelessness{skipNonce: true}, []string{"claims/nonce-wrong", "claims/nonce-missing"}},
		{"ignores state", carelessness{ignoreState: true}, []string{"redirect/state-wrong"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := freeAddr(t)
			app := startRP(t, carelessRP("http://"+addr, tc.rp))
			code, out, errOut := check(t, addr, app)
			got := failing(t, out)
			if code != 1 {
				t.Errorf("exit %d, want 1 (stderr %s)", code, errOut)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("failing cases\n got %v\nwant %v\noutput:\n%s", got, tc.want, out)
			}
		})
	}
}
