package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/mockprovider"
)

// cmdResult is the outcome of one in-process run of the command.
type cmdResult struct {
	code           int
	stdout, stderr string
}

// runCmd runs the command in-process with stdin and args.
func runCmd(t *testing.T, stdin string, args ...string) cmdResult {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return cmdResult{code: code, stdout: out.String(), stderr: errb.String()}
}

// openWatcher is the command's stderr: it keeps everything written and hands
// over the URL of the first "open: " line.
type openWatcher struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	sent bool
	ch   chan string
}

func (w *openWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if !w.sent {
		lines := strings.Split(w.buf.String(), "\n")
		for _, line := range lines[:len(lines)-1] { // complete lines only
			if u, ok := strings.CutPrefix(line, "open: "); ok {
				w.sent = true
				w.ch <- u
				break
			}
		}
	}
	return len(p), nil
}

func (w *openWatcher) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// loginRun is a `thaid login` running in the background.
type loginRun struct {
	openURL string // "" when the command ended before printing it
	done    chan cmdResult
}

// wait returns the command's result, failing the test after 20 s.
func (l *loginRun) wait(t *testing.T) cmdResult {
	t.Helper()
	select {
	case r := <-l.done:
		return r
	case <-time.After(20 * time.Second):
		t.Fatal("thaid login did not end within 20 s")
		return cmdResult{}
	}
}

// startLogin starts `thaid login args...` and waits until it prints its open: line
// (or ends before that).
func startLogin(t *testing.T, args ...string) *loginRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	w := &openWatcher{ch: make(chan string, 1)}
	var out bytes.Buffer
	l := &loginRun{done: make(chan cmdResult, 1)}
	ended := make(chan struct{})
	go func() {
		code := run(ctx, append([]string{"login"}, args...), strings.NewReader(""), &out, w)
		close(ended)
		l.done <- cmdResult{code: code, stdout: out.String(), stderr: w.String()}
	}()
	select {
	case l.openURL = <-w.ch:
	case <-ended:
	case <-time.After(20 * time.Second):
		t.Fatal("thaid login printed no open: line within 20 s")
	}
	return l
}

// browseLogin runs `thaid login args...` against a provider that approves at once: it plays
// the browser on the open: URL and returns the result once the command ends.
func browseLogin(t *testing.T, args ...string) cmdResult {
	t.Helper()
	l := startLogin(t, args...)
	if l.openURL == "" {
		r := l.wait(t)
		t.Fatalf("no open: line; exit %d, stderr:\n%s", r.code, r.stderr)
	}
	get(t, l.openURL)
	return l.wait(t)
}

// refusedLogin runs `thaid login args...` against a provider that refuses the authorization
// request at once, and returns its result: the command must end without an open: line.
func refusedLogin(t *testing.T, args ...string) cmdResult {
	t.Helper()
	l := startLogin(t, args...)
	if l.openURL != "" {
		t.Errorf("printed open: %s although the provider refused the authorization request", l.openURL)
	}
	return l.wait(t)
}

// approvedLogin is browseLogin for a login that must succeed: it fails the test unless the
// command exits 0.
func approvedLogin(t *testing.T, args ...string) cmdResult {
	t.Helper()
	r := browseLogin(t, args...)
	if r.code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
	}
	return r
}

// loginAgainst runs a login (auto-approve) against p with extra flags and returns its -json output.
func loginAgainst(t *testing.T, p *mockprovider.Server, extra ...string) (cmdResult, map[string]any) {
	t.Helper()
	r := approvedLogin(t, loginArgs(p, freeRedirect(t), append([]string{"-json"}, extra...)...)...)
	return r, loginJSONOf(t, r)
}

// freeRedirect returns a loopback redirect URL on a port that was free a moment ago.
func freeRedirect(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return "http://127.0.0.1:" + strconv.Itoa(port) + "/callback"
}

// loginArgs are the flags of a login against p as the demo client.
func loginArgs(p *mockprovider.Server, redirect string, extra ...string) []string {
	return append([]string{"-issuer", p.Issuer(), "-client-id", mockprovider.DemoClientID,
		"-client-secret", mockprovider.DemoClientSecret, "-redirect-url", redirect, "-no-browser", "-timeout", "15s"}, extra...)
}

// browser is the test's browser: it follows redirects and has a deadline.
var browser = &http.Client{Timeout: 10 * time.Second}

// get fetches u as the browser and returns the final status and body.
func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := browser.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var refRE = regexp.MustCompile(`<code id="ref">([^<]+)</code>`)

// qrDecide plays the browser on the QR page of openURL while the phone (decide)
// approves or denies its reference, then follows the status to the callback and
// returns the callback page's status.
func qrDecide(t *testing.T, p *mockprovider.Server, openURL string, decide func(ref string) error) int {
	t.Helper()
	_, page := get(t, openURL)
	m := refRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no reference code on the QR page:\n%s", page)
	}
	if err := decide(m[1]); err != nil {
		t.Fatalf("decide %s: %v", m[1], err)
	}
	_, body := get(t, p.URL(mockprovider.PathQR+"status/"+url.PathEscape(m[1])))
	var st mockprovider.QRStatus
	if err := json.Unmarshal([]byte(body), &st); err != nil || st.Redirect == "" {
		t.Fatalf("status %q: %v", body, err)
	}
	code, _ := get(t, st.Redirect)
	return code
}

// loginJSONOf decodes the -json output of a login.
func loginJSONOf(t *testing.T, r cmdResult) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s\nstderr: %s", err, r.stdout, r.stderr)
	}
	return m
}

// field returns a member of nested JSON objects, by path.
func field(m map[string]any, path ...string) any {
	var v any = m
	for _, k := range path {
		o, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = o[k]
	}
	return v
}

// strings of a JSON array.
func stringList(v any) []string {
	xs, _ := v.([]any)
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// b64 is s in base64url without padding, as a JWT's parts are.
func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// Full PIDs of the mock's default citizens (fictional), which must never be printed unless asked.
const (
	pidThanawat  = "1509900314828"
	pidPimchanok = "2100500987322"
)

// noFullPID fails when any of the mock's full PIDs appears in s.
func noFullPID(t *testing.T, where, s string) {
	t.Helper()
	for _, c := range mockprovider.DefaultCitizens() {
		if strings.Contains(s, c.PID) {
			t.Errorf("%s shows the full PID %s:\n%s", where, c.MaskedPID(), s)
		}
	}
}
