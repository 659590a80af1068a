package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/testdb"
	"github.com/thaid-go/thaid-go/mockprovider"
)

// testCertificate writes a self-signed certificate for localhost and its key
// to dir, as an office's certificate and key, and returns their paths and
// the pool that trusts it.
func testCertificate(t *testing.T, dir string) (certFile, keyFile string, roots *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "localhost"},
		DNSNames:     []string{"localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "fullchain.pem"), filepath.Join(dir, "privkey.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	roots = x509.NewCertPool()
	roots.AddCert(cert)
	return certFile, keyFile, roots
}

// nginxSite is deploy/school-registration.nginx.conf with the lines its
// header marks EDIT filled in as a deployer would, for this test: the host
// name localhost, the test's certificate, the addresses of upstreams, and
// loopback ports instead of 443 and 80 (IPv4, and IPv6 when ::1 works here).
func nginxSite(t *testing.T, httpsPort, httpPort int, certFile, keyFile string, upstreams []string) string {
	t.Helper()
	src, err := os.ReadFile("deploy/school-registration.nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	// The instances: the file's two server lines become one per upstream, with their parameters.
	const serverLine = "\tserver 127.0.0.1:8081 max_fails=1 fail_timeout=10s;\n"
	if strings.Count(text, serverLine) != 1 || strings.Count(text, "\tserver 127.0.0.1:8082 max_fails=1 fail_timeout=10s;\n") != 1 {
		t.Fatalf("deploy/school-registration.nginx.conf: want the upstream lines %q and the same for 127.0.0.1:8082", serverLine)
	}
	var servers strings.Builder
	for _, u := range upstreams {
		servers.WriteString(strings.Replace(serverLine, "127.0.0.1:8081", u, 1))
	}
	text = strings.Replace(text, serverLine, servers.String(), 1)
	text = strings.Replace(text, "\tserver 127.0.0.1:8082 max_fails=1 fail_timeout=10s;\n", "", 1)

	ipv6 := "[::1]"
	if ln, err := net.Listen("tcp6", "[::1]:0"); err != nil {
		ipv6 = "" // no IPv6 loopback here: the IPv6 listen lines are left out
	} else {
		ln.Close()
	}
	listen := func(addr string, port int) string {
		if addr == "" {
			return "# (no IPv6 here)"
		}
		return fmt.Sprintf("listen %s:%d", addr, port)
	}
	for _, r := range []struct{ old, new string }{
		{"listen 443 ssl", listen("127.0.0.1", httpsPort) + " ssl"},
		{"listen [::]:443 ssl", listen(ipv6, httpsPort) + " ssl"},
		{"listen 80;", listen("127.0.0.1", httpPort) + ";"},
		{"listen [::]:80;", listen(ipv6, httpPort) + ";"},
		{"server_name school.example.go.th;", "server_name localhost;"},
		{"/etc/ssl/school-registration/fullchain.pem", certFile},
		{"/etc/ssl/school-registration/privkey.pem", keyFile},
	} {
		if !strings.Contains(text, r.old) {
			t.Fatalf("deploy/school-registration.nginx.conf lacks %q, which the test fills in", r.old)
		}
		text = strings.ReplaceAll(text, r.old, r.new)
	}
	// The directives (comments aside) hold none of the deployment's own values.
	var directives strings.Builder
	for _, line := range strings.Split(text, "\n") {
		line, _, _ = strings.Cut(line, "#")
		directives.WriteString(line + "\n")
	}
	for _, left := range []string{"school.example.go.th", "127.0.0.1:8081", "127.0.0.1:8082", "listen 443", "[::]:443", "listen 80;", "[::]:80;", "/etc/ssl"} {
		if strings.Contains(directives.String(), left) {
			t.Fatalf("the site file filled in for the test still holds %q:\n%s", left, directives.String())
		}
	}
	return text
}

// startNginx runs nginx in the foreground, as this test's child, with site
// (an http-context file: the deploy file filled in) included by a minimal
// nginx.conf as a deployer's would include it, but with everything nginx
// writes in dir (pid, logs, temporary files) and its log on stderr, which
// the test keeps (shown when the test fails). It checks the configuration
// first (nginx -t), and waits until ready reports true.
func startNginx(t *testing.T, nginx, dir, site string, ready func() bool) {
	t.Helper()
	sitePath := filepath.Join(dir, "school-registration.conf")
	if err := os.WriteFile(sitePath, []byte(site), 0o600); err != nil {
		t.Fatal(err)
	}
	user := ""
	if os.Geteuid() == 0 {
		// Run as root, nginx would start its workers as "nobody", who cannot enter the test's
		// temporary directory (mode 700): keep them as the test's user.
		user = "user root root;\n"
	}
	var temps strings.Builder
	for _, name := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		fmt.Fprintf(&temps, "\t%s_temp_path %s;\n", name, filepath.Join(dir, name))
	}
	conf := fmt.Sprintf(`%sworker_processes 1;
pid %s;
error_log stderr notice;
events {
	worker_connections 256;
}
http {
	access_log %s;
%s	include %s;
}
`, user, filepath.Join(dir, "nginx.pid"), filepath.Join(dir, "access.log"), temps.String(), sitePath)
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"-p", dir, "-e", "stderr", "-c", confPath}
	if out, err := exec.Command(nginx, append(args, "-t", "-q")...).CombinedOutput(); err != nil {
		t.Fatalf("nginx -t: %v\n%s\nthe site file:\n%s", err, out, site)
	}
	out := &syncBuffer{}
	cmd := exec.Command(nginx, append(args, "-g", "daemon off;")...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM) // nginx's fast shutdown; its workers exit with it
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("nginx's log:\n%s", out.String())
		}
	})
	waitForProcess(t, "nginx answering", done, ready, out)
}

// TestBehindNginx runs the nginx deployment of README's "Deploy it" on
// loopback: Debian's nginx with deploy/school-registration.nginx.conf
// (filled in with loopback ports and a certificate the test makes and
// trusts) in front of two instances of the real command (child processes)
// sharing PostgreSQL and Redis, the mock ThaID as the provider. It checks
// what TestBehindCaddy checks (checkBehindProxy: a login across the
// instances, cookies, HSTS, /metrics, a forged X-Forwarded-For, an instance
// stopped with SIGTERM amid requests losing no session and no page read),
// and that http:// redirects to https:// on the configured name, whatever
// Host the client sent. nginx has no health checks: it sends requests to the
// stopping instance until a connection is refused, and a form post sent in
// that instant may be answered 502 (never sent twice, never handled: the
// stream counts the posts each instance handled); at most one per client.
func TestBehindNginx(t *testing.T) {
	nginx := needTool(t, "nginx", "THAID_TEST_NGINX", "nginx", "/usr/sbin/nginx")
	redisAddr := testdb.Need(t, "THAID_TEST_REDIS_ADDR")
	dbURL := testdb.PostgresURL(t)
	began := time.Now()

	mock := startMock(t)
	httpsPort, httpPort := freeLoopbackPort(t), freeLoopbackPort(t)
	base := fmt.Sprintf("https://localhost:%d", httpsPort)
	env := map[string]string{
		"BASE_URL":            base,
		"THAID_ISSUER":        mock.Issuer(),
		"THAID_CLIENT_ID":     mockprovider.DemoClientID,
		"THAID_CLIENT_SECRET": mockprovider.DemoClientSecret,
		"DATABASE_URL":        dbURL,
		"REDIS_URL":           "redis://" + redisAddr + "/0",
		"THAID_COOKIE_KEYS":   "the same on both instances: 32 bytes or more",
		"TRUSTED_PROXIES":     "127.0.0.1",
		"ADMIN_PIDS":          adminBRM3.PID + ":" + areaBRM3,
		// No drain: nginx reads no /readyz, so it would send requests to A all the same.
		"SHUTDOWN_DRAIN_SECONDS": "0",
	}
	a := startInstance(t, "A", fmt.Sprintf("127.0.0.1:%d", freeLoopbackPort(t)), env)
	b := startInstance(t, "B", fmt.Sprintf("127.0.0.1:%d", freeLoopbackPort(t)), env)
	dir := t.TempDir()
	certFile, keyFile, roots := testCertificate(t, dir)
	site := nginxSite(t, httpsPort, httpPort, certFile, keyFile, []string{a.addr, b.addr})
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}, Timeout: 10 * time.Second}
	t.Cleanup(hc.CloseIdleConnections)
	startNginx(t, nginx, dir, site, func() bool {
		resp, err := hc.Get(base + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})

	// http:// redirects to https:// on the configured name, never on a Host the client sent.
	plain := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, host := range []string{"localhost", "attacker.example"} {
		req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d/schools/1031030001?x=1", httpPort), nil)
		req.Host = host
		resp, err := plain.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "https://localhost/schools/1031030001?x=1" {
			t.Errorf("http:// with Host %s: %d to %q; want 301 to https://localhost/schools/1031030001?x=1", host, resp.StatusCode,
				resp.Header.Get("Location"))
		}
	}

	// nginx never sends a form post twice, and reads no /readyz: a post sent to A in the instant
	// it stops may be answered 502 (README, Deploy it).
	checkBehindProxy(t, "nginx", base, roots, a, b, true)
	t.Logf("wall time of the test behind nginx: %v", time.Since(began).Round(time.Millisecond))
}

// TestNginxNeverSendsAPostTwice: with deploy/school-registration.nginx.conf,
// nginx moves a request to the next instance when the connection is refused
// (a POST too: it was never sent), and when an instance takes a GET and
// closes the connection without an answer (a GET may be repeated); but a POST
// that an instance took and did not answer is never sent to another: it fails
// with 502, and the other instance never sees it. The instances here are
// stand-ins that count what they receive.
func TestNginxNeverSendsAPostTwice(t *testing.T) {
	nginx := needTool(t, "nginx", "THAID_TEST_NGINX", "nginx", "/usr/sbin/nginx")

	// The healthy instance counts the requests it answers, by method.
	var gets, posts atomic.Int64
	healthy := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if r.Method == http.MethodPost {
			posts.Add(1)
		} else {
			gets.Add(1)
		}
		_, _ = io.WriteString(w, "ok")
	})}
	healthyLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = healthy.Serve(healthyLn) }()
	t.Cleanup(func() { healthy.Close() })

	// The broken instance reads a request's head and closes the connection without answering.
	var taken atomic.Int64
	brokenLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { brokenLn.Close() })
	go func() {
		for {
			c, err := brokenLn.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 4096)
				var head []byte
				for !strings.Contains(string(head), "\r\n\r\n") {
					n, err := c.Read(buf)
					if err != nil {
						return
					}
					head = append(head, buf[:n]...)
				}
				taken.Add(1)
			}()
		}
	}()

	for _, tc := range []struct {
		name       string
		first      string // the instance nginx tries first: "refused" or "broken"
		method     string
		wantStatus int
		wantTaken  int64 // requests the broken instance took
		wantGets   int64 // and the healthy one answered
		wantPosts  int64
	}{
		{"refused GET moves on", "refused", http.MethodGet, http.StatusOK, 0, 1, 0},
		{"refused POST moves on", "refused", http.MethodPost, http.StatusOK, 0, 0, 1},
		{"unanswered GET moves on", "broken", http.MethodGet, http.StatusOK, 1, 1, 0},
		{"unanswered POST is not sent again", "broken", http.MethodPost, http.StatusBadGateway, 1, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			taken.Store(0)
			gets.Store(0)
			posts.Store(0)
			first := brokenLn.Addr().String()
			if tc.first == "refused" {
				first = closedAddr(t)
			}
			// Round robin starts at the first instance of the upstream, the one under test.
			httpsPort, httpPort := freeLoopbackPort(t), freeLoopbackPort(t)
			dir := t.TempDir()
			certFile, keyFile, roots := testCertificate(t, dir)
			site := nginxSite(t, httpsPort, httpPort, certFile, keyFile, []string{first, healthyLn.Addr().String()})
			base := fmt.Sprintf("https://localhost:%d", httpsPort)
			hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}, Timeout: 30 * time.Second}
			t.Cleanup(hc.CloseIdleConnections)
			// nginx is ready when it answers /metrics itself (404): no instance is asked.
			startNginx(t, nginx, dir, site, func() bool {
				resp, err := hc.Get(base + "/metrics")
				if err != nil {
					return false
				}
				resp.Body.Close()
				return resp.StatusCode == http.StatusNotFound
			})

			req, _ := http.NewRequest(tc.method, base+"/register/form", strings.NewReader("phone=0812345678"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("%s through nginx: %d, want %d", tc.method, resp.StatusCode, tc.wantStatus)
			}
			if taken.Load() != tc.wantTaken || gets.Load() != tc.wantGets || posts.Load() != tc.wantPosts {
				t.Errorf("the broken instance took %d requests (want %d); the healthy one answered %d GETs (want %d) and %d POSTs (want %d)",
					taken.Load(), tc.wantTaken, gets.Load(), tc.wantGets, posts.Load(), tc.wantPosts)
			}
		})
	}
}

// TestNginxForwardedHeaders: with deploy/school-registration.nginx.conf, an
// instance gets the client's address in X-Forwarded-For alone (whatever the
// client wrote there), no Forwarded or X-Real-IP from the client, and
// X-Forwarded-Proto https, X-Forwarded-Host and Host the site's name. The
// instance here is a stand-in that records the headers.
func TestNginxForwardedHeaders(t *testing.T) {
	nginx := needTool(t, "nginx", "THAID_TEST_NGINX", "nginx", "/usr/sbin/nginx")
	got := make(chan http.Header, 1)
	stand := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Clone()
		h.Set("Host", r.Host)
		select {
		case got <- h:
		default:
		}
		_, _ = io.WriteString(w, "ok")
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = stand.Serve(ln) }()
	t.Cleanup(func() { stand.Close() })

	httpsPort, httpPort := freeLoopbackPort(t), freeLoopbackPort(t)
	dir := t.TempDir()
	certFile, keyFile, roots := testCertificate(t, dir)
	base := fmt.Sprintf("https://localhost:%d", httpsPort)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}, Timeout: 30 * time.Second}
	t.Cleanup(hc.CloseIdleConnections)
	startNginx(t, nginx, dir, nginxSite(t, httpsPort, httpPort, certFile, keyFile, []string{ln.Addr().String()}), func() bool {
		resp, err := hc.Get(base + "/metrics") // answered by nginx itself: the stand-in sees nothing
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusNotFound
	})

	req, _ := http.NewRequest(http.MethodGet, base+"/register", nil)
	for k, v := range map[string]string{"X-Forwarded-For": "203.0.113.66", "Forwarded": "for=203.0.113.66", "X-Real-Ip": "203.0.113.66",
		"X-Forwarded-Proto": "http", "X-Forwarded-Host": "attacker.example"} {
		req.Header.Set(k, v)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /register through nginx: %d", resp.StatusCode)
	}
	var h http.Header
	select {
	case h = <-got:
	default:
		t.Fatal("the stand-in instance got no request")
	}
	for k, want := range map[string]string{"X-Forwarded-For": "127.0.0.1", "X-Forwarded-Proto": "https",
		"X-Forwarded-Host": "localhost", "Host": "localhost", "Forwarded": "", "X-Real-Ip": ""} {
		if v := h.Values(k); (want == "" && len(v) != 0) || (want != "" && (len(v) != 1 || v[0] != want)) {
			t.Errorf("the instance got %s: %q, want %q", k, v, want)
		}
	}
}
