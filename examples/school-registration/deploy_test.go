package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/testdb"
	"github.com/thaid-go/thaid-go/mockprovider"
)

// needTool returns the path of the program name: $env, else name on PATH,
// else the first of paths that exists (Debian's /usr/sbin is not on a user's
// PATH). Without it the test skips, or fails under
// THAID_TEST_REQUIRE_SERVICES=1 (scripts/services.sh installs Debian's
// package); shown is how the skip message names the server.
func needTool(t *testing.T, name, env, shown string, paths ...string) string {
	t.Helper()
	if p := os.Getenv(env); p != "" {
		return p
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, p := range paths {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("THAID_TEST_REQUIRE_SERVICES") == "1" {
		t.Fatalf("%s is not installed (scripts/services.sh installs it) and THAID_TEST_REQUIRE_SERVICES=1", name)
	}
	t.Skipf("%s is not installed: skipping the test behind %s (scripts/services.sh installs it)", name, shown)
	return ""
}

// freeLoopbackPort returns a port on 127.0.0.1 that nothing listens on.
func freeLoopbackPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// instance is the app's real command running in a child process (the test
// binary running main, see TestMain).
type instance struct {
	name string
	addr string // 127.0.0.1:port
	cmd  *exec.Cmd
	log  *syncBuffer // stdout and stderr
	done chan struct{}
	err  error // of cmd.Wait, once done is closed
}

// startInstance runs main() in a child process with exactly env (plus PATH),
// and waits until it answers /readyz on addr.
func startInstance(t *testing.T, name, addr string, env map[string]string) *instance {
	t.Helper()
	in := &instance{name: name, addr: addr, log: &syncBuffer{}, done: make(chan struct{})}
	in.cmd = exec.Command(os.Args[0])
	in.cmd.Env = []string{runMainEnv + "=1", "PATH=" + os.Getenv("PATH"), "ADDR=" + addr}
	for k, v := range env {
		in.cmd.Env = append(in.cmd.Env, k+"="+v)
	}
	in.cmd.Stdout, in.cmd.Stderr = in.log, in.log
	if err := in.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { in.err = in.cmd.Wait(); close(in.done) }()
	t.Cleanup(func() {
		_ = in.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-in.done:
		case <-time.After(30 * time.Second):
			_ = in.cmd.Process.Kill()
			<-in.done
		}
		assertNoFullPID(t, name+"'s log", in.log.String())
	})
	waitForProcess(t, name+" answering /readyz", in.done, func() bool {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, in.log)
	return in
}

// waitForProcess polls ready (at most 60s) until it is true, failing the test when a
// process ends first (done closed) or the time is up, with the process's output.
func waitForProcess(t *testing.T, what string, done <-chan struct{}, ready func() bool, out *syncBuffer) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !ready() {
		select {
		case <-done:
			t.Fatalf("waiting for %s: the process ended\n%s", what, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: timed out\n%s", what, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// startCaddy runs deploy/Caddyfile with Caddy in the foreground, as this test's
// child: imported by a wrapper whose global options keep Caddy off the network
// and away from the system (internal CA only, nothing installed in the trust
// store, no admin endpoint, only loopback, Caddy's data in dir). It returns
// the pool of Caddy's root certificate, read from its data directory.
func startCaddy(t *testing.T, caddy, dir string, httpsPort int, upstreams []string) *x509.CertPool {
	t.Helper()
	site, err := filepath.Abs("deploy/Caddyfile")
	if err != nil {
		t.Fatal(err)
	}
	wrapper := filepath.Join(dir, "Caddyfile.test")
	global := fmt.Sprintf(`{
	admin off
	local_certs
	skip_install_trust
	auto_https disable_redirects
	default_bind 127.0.0.1
	http_port %d
}
import %s
`, freeLoopbackPort(t), site)
	if err := os.WriteFile(wrapper, []byte(global), 0o600); err != nil {
		t.Fatal(err)
	}
	out := &syncBuffer{}
	cmd := exec.Command(caddy, "run", "--config", wrapper, "--adapter", "caddyfile")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir,
		"XDG_DATA_HOME=" + filepath.Join(dir, "data"), "XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		fmt.Sprintf("SITE_ADDRESS=localhost:%d", httpsPort), "UPSTREAMS=" + strings.Join(upstreams, " ")}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("caddy's log:\n%s", out.String())
		}
	})
	root := filepath.Join(dir, "data", "caddy", "pki", "authorities", "local", "root.crt")
	pool := x509.NewCertPool()
	waitForProcess(t, "Caddy's root certificate and HTTPS", done, func() bool {
		pem, err := os.ReadFile(root)
		if err != nil || !pool.AppendCertsFromPEM(pem) {
			return false
		}
		hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 10 * time.Second}
		resp, err := hc.Get(fmt.Sprintf("https://localhost:%d/healthz", httpsPort))
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, out)
	return pool
}

// clientAddrForTest is the address the test's browser connects to the proxy
// (Caddy, nginx) from: not the proxy's own (127.0.0.1), so that the logs show
// whether the app took the client from the proxy's X-Forwarded-For.
const clientAddrForTest = "127.0.0.2"

// proxyBrowser is a browser that reaches the site only through the proxy,
// over HTTPS trusting the proxy's root only, from clientAddrForTest (the mock ThaID it
// reaches directly). It records every response's Set-Cookie headers, and
// follows no redirect unless asked.
type proxyBrowser struct {
	t     *testing.T
	base  string
	inner http.RoundTripper
	hc    *http.Client
	jar   *cookiejar.Jar

	mu        sync.Mutex
	setCookie []string
}

func (b *proxyBrowser) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := b.inner.RoundTrip(r)
	if err == nil {
		b.mu.Lock()
		b.setCookie = append(b.setCookie, resp.Header.Values("Set-Cookie")...)
		b.mu.Unlock()
	}
	return resp, err
}

func newProxyBrowser(t *testing.T, base string, roots *x509.CertPool) *proxyBrowser {
	t.Helper()
	site := strings.TrimPrefix(base, "https://")
	caddyAddr := "127.0.0.1" + site[strings.LastIndex(site, ":"):]
	fromClient := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(clientAddrForTest)}, Timeout: 10 * time.Second}
	var direct net.Dialer
	inner := &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: roots},
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if addr == site {
				return fromClient.DialContext(ctx, "tcp4", caddyAddr)
			}
			return direct.DialContext(ctx, network, addr) // the mock ThaID
		},
		ForceAttemptHTTP2: true,
	}
	t.Cleanup(inner.CloseIdleConnections)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &proxyBrowser{t: t, base: base, inner: inner, jar: jar}
	b.hc = &http.Client{Transport: b, Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return b
}

// do sends req; with follow, it follows redirects (the login).
func (b *proxyBrowser) do(req *http.Request, follow bool) (*http.Response, string, error) {
	hc := b.hc
	if follow {
		c := *b.hc
		c.CheckRedirect = nil
		hc = &c
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, string(body), err
}

// get requests path on the site (a path, or a URL of the site with odd
// escapes), without following redirects.
func (b *proxyBrowser) get(path string, header http.Header) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.base+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, body, err := b.do(req, false)
	if err != nil {
		b.t.Fatalf("GET %s: %v", path, err)
	}
	assertNoFullPID(b.t, path, body)
	return resp, body
}

// csrf returns the CSRF cookie's token, as the forms repeat it.
func (b *proxyBrowser) csrf() string {
	u, _ := url.Parse(b.base)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == "__Host-schoolreg_csrf" {
			return c.Value
		}
	}
	return ""
}

// logCursor reads an instance's log from where it last stopped.
type logCursor struct {
	buf *syncBuffer
	at  int
}

// next returns what was written since the last call.
func (c *logCursor) next() string {
	s := c.buf.String()
	part := s[c.at:]
	c.at = len(s)
	return part
}

// awaitRequests waits (at most 10s) until the logs of a and b, past their
// cursors, hold want request lines for each path in total (an instance logs
// a request after it answered, so its line may come after the answer), then
// moves both cursors past them and returns what each log held.
func awaitRequests(t *testing.T, a, b *logCursor, want int, paths ...string) (partA, partB string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		partA, partB = a.buf.String()[a.at:], b.buf.String()[b.at:]
		done := true
		for _, p := range paths {
			done = done && len(requestLines(partA, p))+len(requestLines(partB, p)) >= want
		}
		if done || time.Now().After(deadline) {
			a.at += len(partA)
			b.at += len(partB)
			return partA, partB
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// requestLines returns the request log lines of path in log.
func requestLines(log, path string) []string {
	var out []string
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "msg=request ") && strings.Contains(line, " path="+path+" ") {
			out = append(out, line)
		}
	}
	return out
}

// TestBehindCaddy runs the deployment of README's "Deploy it" on loopback:
// Debian's Caddy with deploy/Caddyfile (its internal CA, which the test
// trusts from Caddy's data directory) in front of two instances of the real
// command (child processes) sharing PostgreSQL and Redis, the mock ThaID as
// the provider. Through HTTPS: a login starts on one instance and completes
// on the other; every cookie is __Host-, Secure and HttpOnly; HSTS is sent;
// /metrics is not served, however its path is written; a client's forged
// X-Forwarded-For does not reach the logs as its address, which is the real
// one (TRUSTED_PROXIES). Then one instance is stopped with SIGTERM while four
// clients send a steady stream of requests in the session: no request fails,
// the session lives on.
func TestBehindCaddy(t *testing.T) {
	caddy := needTool(t, "caddy", "THAID_TEST_CADDY", "Caddy")
	redisAddr := testdb.Need(t, "THAID_TEST_REDIS_ADDR")
	dbURL := testdb.PostgresURL(t)
	began := time.Now()

	mock := startMock(t)
	httpsPort := freeLoopbackPort(t)
	base := fmt.Sprintf("https://localhost:%d", httpsPort)
	env := map[string]string{
		"BASE_URL":               base,
		"THAID_ISSUER":           mock.Issuer(),
		"THAID_CLIENT_ID":        mockprovider.DemoClientID,
		"THAID_CLIENT_SECRET":    mockprovider.DemoClientSecret,
		"DATABASE_URL":           dbURL,
		"REDIS_URL":              "redis://" + redisAddr + "/0",
		"THAID_COOKIE_KEYS":      "the same on both instances: 32 bytes or more",
		"TRUSTED_PROXIES":        "127.0.0.1",
		"ADMIN_PIDS":             adminBRM3.PID + ":" + areaBRM3,
		"SHUTDOWN_DRAIN_SECONDS": "5",
	}
	a := startInstance(t, "A", fmt.Sprintf("127.0.0.1:%d", freeLoopbackPort(t)), env)
	b := startInstance(t, "B", fmt.Sprintf("127.0.0.1:%d", freeLoopbackPort(t)), env)
	roots := startCaddy(t, caddy, t.TempDir(), httpsPort, []string{a.addr, b.addr})
	checkBehindProxy(t, "Caddy", base, roots, a, b, false)
	t.Logf("wall time of the test behind Caddy: %v", time.Since(began).Round(time.Millisecond))
}

// checkBehindProxy checks the deployment of two instances, a and b, behind
// a reverse proxy serving base over HTTPS with a certificate of roots (see
// TestBehindCaddy, TestBehindNginx): a login starts on one instance and
// completes on the other; every cookie is __Host-, Secure and HttpOnly; HSTS
// is sent; /metrics is not served, however its path is written; a client's
// forged X-Forwarded-For does not reach the logs as its address, which is the
// real one. Then a is stopped with SIGTERM while four clients send a steady
// stream of page reads and form posts in the session: no request fails, the
// session lives on. With postMayFail (a proxy without health checks, which
// never sends a POST twice), a form post the proxy answers itself with 502 is
// counted apart, and no more of them than there were clients (each has one
// request in flight at the instant a stops) may fail; every other request
// must still succeed.
func checkBehindProxy(t *testing.T, proxy, base string, roots *x509.CertPool, a, b *instance, postMayFail bool) {
	t.Helper()
	logA, logB := &logCursor{buf: a.log}, &logCursor{buf: b.log}
	logA.next()
	logB.next()

	// A login through HTTPS starts on one instance and completes on the other (the proxy picks one
	// of two idle instances at random: the test tries again when both steps went to the same one).
	var user *proxyBrowser
	for try := 1; ; try++ {
		user = newProxyBrowser(t, base, roots)
		req, _ := http.NewRequest(http.MethodGet, base+"/login?return_to=/start", nil)
		resp, body, err := user.do(req, true)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/register" || !strings.Contains(body, maskOf(applicant1)) {
			t.Fatalf("login through %s ended with %d at %s\n%s", proxy, resp.StatusCode, resp.Request.URL, snippet(body))
		}
		partA, partB := awaitRequests(t, logA, logB, 1, "/login", "/callback", "/register")
		startedA, startedB := len(requestLines(partA, "/login")), len(requestLines(partB, "/login"))
		doneA, doneB := len(requestLines(partA, "/callback")), len(requestLines(partB, "/callback"))
		if startedA+startedB != 1 || doneA+doneB != 1 {
			t.Fatalf("login %d: /login on A %d, B %d times; /callback on A %d, B %d times; want once each", try, startedA, startedB, doneA, doneB)
		}
		if startedA != doneA {
			t.Logf("login %d started on %s and completed on the other", try, map[bool]string{true: "A", false: "B"}[startedA == 1])
			break
		}
		if try == 20 {
			t.Fatal("in 20 logins, the login never started on one instance and completed on the other")
		}
	}

	// Every cookie the site set: __Host-, Secure, HttpOnly; the session cookie among them.
	sessionSet := false
	for _, line := range user.setCookie {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			t.Errorf("Set-Cookie %q: %v", line, err)
			continue
		}
		if !strings.HasPrefix(c.Name, "__Host-") || !c.Secure || !c.HttpOnly || c.Path != "/" || c.Domain != "" {
			t.Errorf("cookie %s: want __Host-, Secure, HttpOnly, Path=/ and no Domain: %q", c.Name, line)
		}
		if c.Name == "__Host-schoolreg_session" && c.Value != "" {
			sessionSet = true
		}
	}
	if !sessionSet {
		t.Errorf("no session cookie __Host-schoolreg_session was set: %q", user.setCookie)
	}

	// HSTS.
	resp, _ := user.get("/", nil)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Errorf("GET / through %s: %d, Strict-Transport-Security %q; want 200 and max-age", proxy, resp.StatusCode,
			resp.Header.Get("Strict-Transport-Security"))
	}

	// /metrics is served by each instance, not through the proxy, however the path is written.
	direct, err := http.Get("http://" + a.addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metricsBody, _ := io.ReadAll(direct.Body)
	direct.Body.Close()
	if !strings.Contains(string(metricsBody), "schoolreg_registrations") {
		t.Fatalf("instance A's own /metrics lacks schoolreg_registrations: the check below would prove nothing")
	}
	for _, path := range []string{"/metrics", "/metrics/", "/metrics?x=1", "/METRICS", "/Metrics", "/%6detrics", "/metric%73",
		"//metrics", "/./metrics", "/x/../metrics", "/metrics%2f", "/metrics;x"} {
		resp, body := user.get(path, nil)
		if resp.StatusCode == http.StatusOK || strings.Contains(body, "schoolreg_") || strings.Contains(body, "go_goroutines") {
			t.Errorf("GET %s through %s: %d, serves metrics", path, proxy, resp.StatusCode)
		}
		if path == "/metrics" && resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET /metrics through %s: %d, want 404", proxy, resp.StatusCode)
		}
	}

	// A forged X-Forwarded-For: the log names the real client, never the forged address.
	const forged = "203.0.113.66"
	user.get("/xff-probe", http.Header{"X-Forwarded-For": {forged}, "X-Real-Ip": {forged}, "Forwarded": {"for=" + forged}})
	partA, partB := awaitRequests(t, logA, logB, 1, "/xff-probe")
	probe := append(requestLines(partA, "/xff-probe"), requestLines(partB, "/xff-probe")...)
	if len(probe) != 1 || !strings.Contains(probe[0], " client="+clientAddrForTest) {
		t.Errorf("the request with a forged X-Forwarded-For is logged as %q, want once with client=%s", probe, clientAddrForTest)
	}
	for _, in := range []*instance{a, b} {
		if strings.Contains(in.log.String(), forged) {
			t.Errorf("instance %s's log holds the forged address %s", in.name, forged)
		}
	}

	// Instance A stops with SIGTERM amid a steady stream of requests in the session: reads and
	// form posts, from four clients sharing the session. None may fail, and none may find the
	// session gone (no redirect is followed: a lost session would answer 303 to /login).
	csrf := user.csrf()
	if csrf == "" {
		t.Fatal("no CSRF cookie after the login")
	}
	streamFromA, streamFromB := len(a.log.String()), len(b.log.String()) // where the stream starts in the logs
	const clients = 4
	var served, failed, postsRefused, postsAnswered atomic.Int64
	var failures sync.Map
	ticks := make(chan struct{})
	stop := make(chan struct{})
	var workers sync.WaitGroup
	for w := range clients {
		workers.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				read := (i+w)%2 == 0
				if err := streamRequest(user, csrf, read); postMayFail && errors.Is(err, errPostRefusedByProxy) {
					postsRefused.Add(1)
					continue
				} else if err != nil {
					failed.Add(1)
					failures.Store(err.Error(), true)
					continue
				}
				served.Add(1)
				if !read {
					postsAnswered.Add(1)
				}
				select {
				case ticks <- struct{}{}:
				default:
				}
			}
		})
	}
	awaitTicks := func(n int, what string) {
		t.Helper()
		timeout := time.After(90 * time.Second)
		for range n {
			select {
			case <-ticks:
			case <-timeout:
				close(stop)
				workers.Wait()
				t.Fatalf("%s: the stream did not get %d more answers in 90s (%d failed)", what, n, failed.Load())
			}
		}
	}
	awaitTicks(40, "before the stop")
	stoppedAt := time.Now()
	if err := a.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-a.done:
	case <-time.After(60 * time.Second):
		t.Fatal("instance A did not stop within 60s of SIGTERM")
	}
	stopTook := time.Since(stoppedAt)
	awaitTicks(40, "after the stop")
	close(stop)
	workers.Wait()

	if a.err != nil || !strings.Contains(a.log.String(), "shut down") {
		t.Errorf("instance A after SIGTERM: %v\n%s", a.err, a.log.String())
	}
	// Every form post the app handled was answered, once: none was handled and its answer lost,
	// none handled twice. (B logs a request as it answers, so its last lines may come after.)
	var streamA, streamB string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		streamA, streamB = a.log.String()[streamFromA:], b.log.String()[streamFromB:]
		if int64(len(requestLines(streamA+streamB, "/register/form"))) >= postsAnswered.Load() || time.Now().After(deadline) {
			break
		}
	}
	if handled := len(requestLines(streamA+streamB, "/register/form")); int64(handled) != postsAnswered.Load() {
		t.Errorf("the instances handled %d form posts of the stream, the clients got %d answers from them", handled, postsAnswered.Load())
	}
	byA := len(requestLines(streamA, "/register")) + len(requestLines(streamA, "/register/form"))
	byB := len(requestLines(streamB, "/register")) + len(requestLines(streamB, "/register/form"))
	if byA == 0 {
		t.Error("instance A answered none of the stream: its stop proved nothing")
	}
	if n := failed.Load(); n != 0 {
		var kinds []string
		failures.Range(func(k, _ any) bool { kinds = append(kinds, k.(string)); return true })
		t.Errorf("%d of %d requests failed while instance A stopped: %q", n, n+served.Load(), kinds)
		for _, in := range []*instance{a, b} {
			for _, line := range strings.Split(in.log.String(), "\n") {
				if strings.Contains(line, "level=WARN") || strings.Contains(line, "level=ERROR") {
					t.Logf("%s: %s", in.name, line)
				}
			}
		}
	}
	if n := postsRefused.Load(); n > clients {
		t.Errorf("%s answered %d form posts with 502 while instance A stopped: more than the %d requests in flight at the instant it stopped",
			proxy, n, clients)
	}
	t.Logf("stream: %d requests answered (%d by A, %d by B), %d failed, %d form posts answered 502 by %s; A stopped %v after SIGTERM",
		served.Load(), byA, byB, failed.Load(), postsRefused.Load(), proxy, stopTook.Round(time.Millisecond))

	// The session lives on, on B.
	resp, body := user.get("/register", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, maskOf(applicant1)) {
		t.Errorf("after A stopped, /register through %s: %d; want 200 and the signed-in citizen", proxy, resp.StatusCode)
	}
}

// errPostRefusedByProxy: the proxy answered a form post of the stream with
// 502 itself (streamRequest).
var errPostRefusedByProxy = errors.New("the proxy answered the form post with 502")

// streamRequest is one request of the stream in the signed-in session: a
// page (200, the citizen's masked PID on it), or a form post with an invalid
// phone number (422: through the CSRF check and the session, refused beside
// the field).
func streamRequest(b *proxyBrowser, csrf string, read bool) error {
	var req *http.Request
	want := http.StatusOK
	if read {
		req, _ = http.NewRequest(http.MethodGet, b.base+"/register", nil)
	} else {
		form := url.Values{"school": {kanLueang}, "phone": {"12"}, "email": {"teacher@example.ac.th"}, csrfField: {csrf}}
		req, _ = http.NewRequest(http.MethodPost, b.base+"/register/form", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		want = http.StatusUnprocessableEntity
	}
	resp, body, err := b.do(req, false)
	if err != nil {
		if inner := errors.Unwrap(err); inner != nil {
			err = inner // without the URL, which every failure would repeat
		}
		return fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
	}
	appPage := strings.Contains(body, maskOf(applicant1))
	if req.Method == http.MethodPost && resp.StatusCode == http.StatusBadGateway && !appPage {
		return fmt.Errorf("%w: %s", errPostRefusedByProxy, req.URL.Path)
	}
	if resp.StatusCode != want || !appPage {
		from := "the app's page: " + snippet(body)
		if !appPage {
			from = "not the app's page (the proxy's own answer?): " + snippet(body)
		}
		return fmt.Errorf("%s %s: %d (want %d), %s", req.Method, req.URL.Path, resp.StatusCode, want, from)
	}
	return nil
}
