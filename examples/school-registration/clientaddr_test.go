package main

import (
	"errors"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// logClientOf returns the client address that the request log line of path
// names, or "" when there is no such line (or it names no client).
func logClientOf(t *testing.T, log, path string) string {
	t.Helper()
	re := regexp.MustCompile(`msg=request .*path=` + regexp.QuoteMeta(path) + ` .*client=(\S+)`)
	m := re.FindStringSubmatch(log)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestTrustedProxies: the request log names the client. The app believes
// X-Forwarded-For only from the addresses of TRUSTED_PROXIES, and then takes
// the nearest address in it that is not a trusted proxy: what a client writes
// in the header itself never becomes its address.
func TestTrustedProxies(t *testing.T) {
	mock := startMock(t)
	for _, tc := range []struct {
		name    string
		trusted string
		xff     []string // X-Forwarded-For lines; the request comes from 127.0.0.1
		want    string
	}{
		{name: "no proxy trusted, forged header", xff: []string{"203.0.113.66"}, want: "127.0.0.1"},
		{name: "no header", trusted: "127.0.0.1", want: "127.0.0.1"},
		{name: "from the proxy", trusted: "127.0.0.1", xff: []string{"198.51.100.7"}, want: "198.51.100.7"},
		{name: "forged entry before the proxy's", trusted: "127.0.0.1", xff: []string{"203.0.113.66, 198.51.100.7"}, want: "198.51.100.7"},
		{name: "forged line before the proxy's", trusted: "127.0.0.0/8", xff: []string{"203.0.113.66", "198.51.100.7"}, want: "198.51.100.7"},
		{name: "chain of trusted proxies", trusted: "127.0.0.1, 10.0.0.0/8", xff: []string{"203.0.113.66,198.51.100.7, 10.1.2.3"}, want: "198.51.100.7"},
		{name: "untrusted hop in the chain", trusted: "127.0.0.1", xff: []string{"198.51.100.7, 10.1.2.3"}, want: "10.1.2.3"},
		{name: "every hop trusted", trusted: "127.0.0.1 10.0.0.0/8", xff: []string{"10.1.2.3"}, want: "10.1.2.3"},
		{name: "with a port", trusted: "127.0.0.1", xff: []string{"198.51.100.7:4711"}, want: "198.51.100.7"},
		{name: "IPv6", trusted: "127.0.0.1", xff: []string{"2001:db8::7"}, want: "2001:db8::7"},
		{name: "IPv6 with a port", trusted: "127.0.0.1", xff: []string{"[2001:db8::7]:443"}, want: "2001:db8::7"},
		{name: "IPv4-mapped", trusted: "127.0.0.1", xff: []string{"::ffff:198.51.100.7"}, want: "198.51.100.7"},
		{name: "not an address", trusted: "127.0.0.1", xff: []string{"203.0.113.66, unknown"}, want: "127.0.0.1"},
		{name: "empty entry", trusted: "127.0.0.1", xff: []string{"203.0.113.66, "}, want: "127.0.0.1"},
		{name: "another proxy trusted", trusted: "192.0.2.1", xff: []string{"203.0.113.66"}, want: "127.0.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app := startApp(t, mock, map[string]string{"DATABASE_URL": filepath.Join(t.TempDir(), "p.db"),
				"TRUSTED_PROXIES": tc.trusted})
			req, err := http.NewRequest(http.MethodGet, app.URL+"/healthz", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header["X-Forwarded-For"] = tc.xff
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			app.Stop()
			log := app.Log.String()
			if got := logClientOf(t, log, "/healthz"); got != tc.want {
				t.Errorf("the request log names the client %q, want %q\n%s", got, tc.want, log)
			}
			if tc.want != "203.0.113.66" && strings.Contains(log, "203.0.113.66") {
				t.Errorf("the forged address reached the log:\n%s", log)
			}
		})
	}
}

func TestTrustedProxiesConfig(t *testing.T) {
	for _, bad := range []string{"proxy.internal", "127.0.0.1/33", "::1/129", "127.0.0.1:8080", "10.0.0.1/8"} {
		_, err := configFromEnv(func(k string) string { return map[string]string{"TRUSTED_PROXIES": bad}[k] })
		if !errors.Is(err, errConfig) || !strings.Contains(err.Error(), "TRUSTED_PROXIES") {
			t.Errorf("TRUSTED_PROXIES=%q: %v, want a config error naming it", bad, err)
		}
	}
	cfg, err := configFromEnv(func(k string) string {
		return map[string]string{"TRUSTED_PROXIES": " 127.0.0.1, ::1 10.0.0.0/8,"}[k]
	})
	if err != nil || len(cfg.TrustedProxies) != 3 {
		t.Errorf("TRUSTED_PROXIES with three entries: %v, %v", cfg.TrustedProxies, err)
	}
}
