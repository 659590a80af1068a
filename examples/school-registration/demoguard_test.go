package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/mockprovider"
)

// demoSuperAdmin is the demo citizen the embedded mock's demo makes super-admin
// (the README's นาง มาลี ศรีสุข, password 30517926).
var demoSuperAdmin = mockprovider.DefaultCitizens()[2]

// proxiedClient is a cookie-keeping client whose every connection goes to
// proxyAddr, whatever the URL's host: a remote user who reaches the app only
// through the reverse proxy, and follows the app's links (to its loopback
// BASE_URL) there.
func proxiedClient(t *testing.T, proxyAddr string) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	var d net.Dialer
	return &http.Client{Jar: jar, Timeout: 30 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, proxyAddr)
		}}}
}

// signInAsDemoSuperAdmin walks the embedded mock's login (QR page, phone
// page, consent and app password) as the demo super-admin with client, then
// asks for the super-admin's page. It returns the last response's status and
// body: of /admin/people when every step answered, else of the step that
// refused.
func signInAsDemoSuperAdmin(t *testing.T, client *http.Client, base string) (int, string) {
	t.Helper()
	get := func(u string) (int, string) {
		resp, err := client.Get(u)
		if err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	code, body := get(base + "/login?return_to=/start")
	link := regexp.MustCompile(`id="phone-link" href="([^"]+)"`).FindStringSubmatch(body)
	if code != http.StatusOK || link == nil {
		return code, body
	}
	code, body = get(strings.ReplaceAll(link[1], "&amp;", "&"))
	action := regexp.MustCompile(`<form method="post" action="([^"]+)"`).FindStringSubmatch(body)
	if code != http.StatusOK || action == nil {
		return code, body
	}
	citizen := -1
	for i, c := range mockprovider.DefaultCitizens() {
		if c.PID == demoSuperAdmin.PID {
			citizen = i
		}
	}
	target, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	if target, err = target.Parse(action[1]); err != nil {
		t.Fatal(err)
	}
	resp, err := client.PostForm(target.String(), url.Values{"citizen": {strconv.Itoa(citizen)}, "consent": {"yes"},
		"same": {"1"}, "password": {demoSuperAdmin.Password}, "action": {"approve"}})
	if err != nil {
		t.Fatal(err)
	}
	body2, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, string(body2)
	}
	return get(base + "/admin/people")
}

// demoRefusalText is a text of the page that refuses a request in demo mode.
const demoRefusalText = "DEMO_ALLOW_REMOTE=1"

// TestDemoRefusesProxiedRequests is issue 21's finding 1, as reported: the app
// started with only ADDR=127.0.0.1:… and DATABASE_URL (BASE_URL, THAID_ISSUER
// and ADMIN_PIDS forgotten) runs the embedded mock and makes the demo admins;
// behind a reverse proxy that forwards Host: school.example.go.th, anybody
// going through the proxy signed in as the demo super-admin with the README's
// password. Now the app refuses every request through the proxy with a page
// that says why, whether the proxy forwards the public Host or only adds
// X-Forwarded-For, while a browser on the machine itself still logs in.
func TestDemoRefusesProxiedRequests(t *testing.T) {
	base, out, _ := startRun(t, map[string]string{"ADDR": "127.0.0.1:0",
		"DATABASE_URL": filepath.Join(t.TempDir(), "demo.db")})
	target, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		rewrite func(*httputil.ProxyRequest)
	}{
		{"public Host", func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.Host = "school.example.go.th"
		}},
		{"loopback Host and X-Forwarded-For", func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.SetXForwarded()
		}},
		{"public Host and X-Forwarded-*", func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.Host = "school.example.go.th"
			pr.SetXForwarded()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: tc.rewrite})
			defer proxy.Close()
			code, body := signInAsDemoSuperAdmin(t, proxiedClient(t, proxy.Listener.Addr().String()), base)
			if code != http.StatusForbidden || !strings.Contains(body, demoRefusalText) {
				t.Errorf("through the proxy, signing in as the demo super-admin ended with %d; want 403 and the page "+
					"naming %s\n%s", code, demoRefusalText, snippet(body))
			}
		})
	}

	// On the machine itself the demo works as before.
	jar, _ := cookiejar.New(nil)
	if code, body := signInAsDemoSuperAdmin(t, &http.Client{Jar: jar, Timeout: 30 * time.Second}, base); code != http.StatusOK {
		t.Errorf("on loopback, the demo super-admin's /admin/people = %d\n%s", code, snippet(body))
	}
	assertNoFullPID(t, "log", out.String())
}

// TestDemoGuard: in demo mode every request whose Host is not loopback, or
// that carries a header a reverse proxy adds, or whose Origin is not loopback,
// gets the refusal page, also under /mock-thaid; DEMO_ALLOW_REMOTE=1 turns the
// check off.
func TestDemoGuard(t *testing.T) {
	base, _, _ := startRun(t, map[string]string{"ADDR": "127.0.0.1:0",
		"DATABASE_URL": filepath.Join(t.TempDir(), "demo.db")})
	hostPort := strings.TrimPrefix(base, "http://")
	port := hostPort[strings.LastIndex(hostPort, ":"):]
	for _, tc := range []struct {
		name   string
		host   string
		header http.Header
		path   string
		ok     bool
	}{
		{name: "loopback", ok: true},
		{name: "localhost", host: "localhost" + port, ok: true},
		{name: "LOCALHOST without port", host: "LOCALHOST", ok: true},
		{name: "::1", host: "[::1]" + port, ok: true},
		{name: "127.0.0.2", host: "127.0.0.2" + port, ok: true},
		{name: "loopback Origin", header: http.Header{"Origin": {base}}, ok: true},
		{name: "Origin null", header: http.Header{"Origin": {"null"}}, ok: true},
		{name: "public host", host: "school.example.go.th"},
		{name: "public host with port", host: "school.example.go.th" + port},
		{name: "LAN address", host: "192.168.1.20" + port},
		{name: "name resolving to loopback", host: "127.0.0.1.nip.io" + port},
		{name: "public host, mock", host: "school.example.go.th", path: mockPrefix + "/.well-known/openid-configuration"},
		{name: "X-Forwarded-For", header: http.Header{"X-Forwarded-For": {"127.0.0.1"}}},
		{name: "X-Forwarded-Host", header: http.Header{"X-Forwarded-Host": {"127.0.0.1"}}},
		{name: "X-Forwarded-Proto", header: http.Header{"X-Forwarded-Proto": {"http"}}},
		{name: "Forwarded", header: http.Header{"Forwarded": {"for=127.0.0.1"}}},
		{name: "X-Real-Ip", header: http.Header{"X-Real-Ip": {"127.0.0.1"}}},
		{name: "X-Forwarded-For, mock", header: http.Header{"X-Forwarded-For": {"198.51.100.7"}}, path: mockPrefix + "/.well-known/openid-configuration"},
		{name: "public Origin", header: http.Header{"Origin": {"https://school.example.go.th"}}},
		{name: "malformed Origin", header: http.Header{"Origin": {"://"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path
			if path == "" {
				path = "/"
			}
			req, err := http.NewRequest(http.MethodGet, base+path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tc.host != "" {
				req.Host = tc.host
			}
			for k, v := range tc.header {
				req.Header[k] = v
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			refused := resp.StatusCode == http.StatusForbidden && strings.Contains(string(body), demoRefusalText)
			if tc.ok && (resp.StatusCode != http.StatusOK || refused) {
				t.Errorf("status %d, want 200\n%s", resp.StatusCode, snippet(string(body)))
			}
			if !tc.ok && !refused {
				t.Errorf("status %d, want 403 with the page naming %s\n%s", resp.StatusCode, demoRefusalText, snippet(string(body)))
			}
		})
	}

	// DEMO_ALLOW_REMOTE=1: no check (and no demo admins).
	allowed, _, _ := startRun(t, map[string]string{"ADDR": "127.0.0.1:0", "DEMO_ALLOW_REMOTE": "1",
		"DATABASE_URL": filepath.Join(t.TempDir(), "allowed.db")})
	req, _ := http.NewRequest(http.MethodGet, allowed+"/", nil)
	req.Host = "school.example.go.th"
	req.Header.Set("X-Forwarded-For", "198.51.100.7")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("DEMO_ALLOW_REMOTE=1: a proxied request got %d, want 200", resp.StatusCode)
	}
}
