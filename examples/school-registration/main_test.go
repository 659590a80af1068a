package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// bannerWriter collects run's output and reports the URL it prints.
type bannerWriter struct {
	syncBuffer
	once sync.Once
	url  chan string
}

var bannerURL = regexp.MustCompile(`open (http://[^\s/]+)/`)

func (w *bannerWriter) Write(p []byte) (int, error) {
	n, err := w.syncBuffer.Write(p)
	if m := bannerURL.FindStringSubmatch(w.String()); m != nil {
		w.once.Do(func() { w.url <- m[1] })
	}
	return n, err
}

// startRun runs the real run() with env and returns its base URL, its output
// and a stop function that cancels it and returns run's error.
func startRun(t *testing.T, env map[string]string) (string, *bannerWriter, func() error) {
	t.Helper()
	out := &bannerWriter{url: make(chan string, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, func(k string) string { return env[k] }, out, out) }()
	var base string
	select {
	case base = <-out.url:
	case err := <-done:
		cancel()
		t.Fatalf("run returned early: %v\n%s", err, out.String())
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatalf("run printed no URL:\n%s", out.String())
	}
	var once sync.Once
	var runErr error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(15 * time.Second):
				t.Error("run did not return after cancel")
			}
		})
		return runErr
	}
	t.Cleanup(func() { _ = stop() })
	return base, out, stop
}

// TestRunEmbeddedMock starts the app as a new user would (no ThaID
// configuration) and logs in through the embedded mock's QR and phone pages
// over plain HTTP, then shuts it down.
func TestRunEmbeddedMock(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "demo.db")
	base, out, stop := startRun(t, map[string]string{"ADDR": "127.0.0.1:0", "DATABASE_URL": dbPath})

	banner := out.String()
	for _, c := range mockprovider.DefaultCitizens() {
		// The name as the mock's phone page lists it, middle name included.
		if !strings.Contains(banner, c.Name()) || !strings.Contains(banner, maskOf(c)) || !strings.Contains(banner, c.Password) {
			t.Errorf("banner lacks the demo login of %s", c.GivenName)
		}
	}
	if !strings.Contains(banner, "area admin of สพป.บุรีรัมย์ เขต 3 (3103)") {
		t.Errorf("banner names no admin of สพป.บุรีรัมย์ เขต 3:\n%s", banner)
	}
	assertNoFullPID(t, "banner", banner)

	// Discovery works against the embedded mock.
	resp, err := http.Get(base + mockPrefix + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	var disc struct {
		Issuer  string `json:"issuer"`
		AuthURL string `json:"authorization_endpoint"`
	}
	err = json.NewDecoder(resp.Body).Decode(&disc)
	resp.Body.Close()
	if err != nil || disc.Issuer != base+mockPrefix || !strings.HasPrefix(disc.AuthURL, base+mockPrefix+"/") {
		t.Fatalf("discovery = %+v, %v", disc, err)
	}

	// Login: the QR wait page, then the phone page of the same device.
	b := newBrowser(t, base)
	wait := b.get("/login?return_to=/start")
	mustStatus(t, wait, http.StatusOK, "")
	link := regexp.MustCompile(`id="phone-link" href="([^"]+)"`).FindStringSubmatch(wait.Body)
	if link == nil {
		t.Fatalf("QR page has no phone-page link:\n%s", snippet(wait.Body))
	}
	phoneURL, err := url.Parse(strings.ReplaceAll(link[1], "&amp;", "&"))
	if err != nil {
		t.Fatal(err)
	}
	phone := b.get(phoneURL.RequestURI())
	mustStatus(t, phone, http.StatusOK, "")
	action := regexp.MustCompile(`<form method="post" action="([^"]+)"`).FindStringSubmatch(phone.Body)
	if action == nil {
		t.Fatalf("phone page has no form:\n%s", snippet(phone.Body))
	}
	who := 1 // พิมพ์ชนก, an applicant
	landed := b.postRaw(action[1], url.Values{"citizen": {strconv.Itoa(who)}, "consent": {"yes"}, "same": {"1"},
		"password": {citizens[who].Password}, "action": {"approve"}}, nil)
	mustStatus(t, landed, http.StatusOK, "/register")
	mustContain(t, landed, maskOf(citizens[who]), citizens[who].GivenName)

	if err := stop(); err != nil {
		t.Errorf("run after cancel: %v", err)
	}
	if _, err := http.Get(base + "/"); err == nil {
		t.Errorf("server still answers after shutdown")
	}
	assertNoFullPID(t, "log", out.String())
}

// TestRunImportCSV imports areas and schools with the command-line flags.
func TestRunImportCSV(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "import.db")
	areas := filepath.Join(dir, "areas.csv")
	schools := filepath.Join(dir, "schools.csv")
	if err := os.WriteFile(areas, []byte("code,name,name_en,province\n4001,สพป.ขอนแก่น เขต 1,Khon Kaen 1,ขอนแก่น\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(schools, []byte("code,area_code,name,name_en,district,province\n1040010001,4001,โรงเรียนอนุบาลขอนแก่น,Anuban Khon Kaen,เมืองขอนแก่น,ขอนแก่น\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out syncBuffer
	env := map[string]string{"DATABASE_URL": dbPath}
	err := run(context.Background(), []string{"-import-areas", areas, "-import-schools", schools}, func(k string) string { return env[k] }, &out, &out)
	if err != nil {
		t.Fatalf("run import: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "imported 1 areas") || !strings.Contains(out.String(), "imported 1 schools") {
		t.Errorf("output: %s", out.String())
	}
	st, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got, err := st.SchoolsInArea(context.Background(), "4001")
	if err != nil || len(got) != 1 || got[0].Name != "โรงเรียนอนุบาลขอนแก่น" {
		t.Errorf("imported schools = %+v, %v", got, err)
	}
	// A bad file fails with a clear error and a non-nil return.
	if err := os.WriteFile(schools, []byte("code,name\nx,y\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"-import-schools", schools}, func(k string) string { return env[k] }, &out, &out); err == nil {
		t.Error("import of a malformed CSV succeeded")
	}
}

func TestConfigErrors(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"issuer without client id":  {"THAID_ISSUER": "sandbox"},
		"bad base url":              {"BASE_URL": "ftp://x"},
		"bad admin pids":            {"ADMIN_PIDS": "nonsense"},
		"redirect not a URL":        {"BASE_URL": "https://school.example", "THAID_REDIRECT_URL": "/callback"},
		"redis without cookie keys": {"REDIS_URL": "redis://127.0.0.1:6379/0"},
		"short cookie key":          {"THAID_COOKIE_KEYS": "long enough: thirty-two bytes or more,short-key-s3cr3t"},
		"bad audit retention":       {"AUDIT_RETENTION_DAYS": "five years"},
		"negative audit retention":  {"AUDIT_RETENTION_DAYS": "-1"},
		"smtp without sender":       {"SMTP_ADDR": "smtp.example.go.th:587"},
	} {
		_, err := configFromEnv(func(k string) string { return env[k] })
		if err == nil {
			t.Errorf("%s: no error", name)
		} else if strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("%s: the error shows a cookie key: %v", name, err)
		}
	}
	cfg, err := configFromEnv(func(k string) string {
		return map[string]string{"REDIS_URL": "redis://127.0.0.1:6379/0", "THAID_COOKIE_KEYS": " a key of thirty-two bytes or more , another key of thirty-two bytes or more "}[k]
	})
	if err != nil || len(cfg.CookieKeys) != 2 || cfg.CookieKeys[0].Reveal() != "a key of thirty-two bytes or more" {
		t.Errorf("two cookie keys: %v, %v", cfg.CookieKeys, err)
	}
	cfg, err = configFromEnv(func(k string) string {
		return map[string]string{"THAID_ISSUER": "production", "THAID_CLIENT_ID": "x"}[k]
	})
	if err != nil || cfg.provider().Issuer == "" || cfg.Addr != "127.0.0.1:8080" || cfg.AuditRetention != 1825*24*time.Hour || cfg.SMTP.enabled() {
		t.Errorf("production config = %+v, %v", cfg, err)
	}
}

// TestAuditRetentionBounds: a retention too long for a time.Duration is
// refused, never wrapped around into a short one (213504 days wrapped to 25
// minutes, and the purge deleted the whole trail but its last 25 minutes); so
// is one shorter than the minimum retention (store.MinAuditRetention).
func TestAuditRetentionBounds(t *testing.T) {
	// Below the minimum retention, which the database enforces anyway.
	for _, days := range []string{"213504", "106752", "36501", "99999999999", "1", "30", "364"} {
		cfg, err := configFromEnv(func(k string) string { return map[string]string{"AUDIT_RETENTION_DAYS": days}[k] })
		if !errors.Is(err, errConfig) {
			t.Errorf("AUDIT_RETENTION_DAYS=%s: retention %v, err %v; want a config error", days, cfg.AuditRetention, err)
		}
	}
	for days, want := range map[string]time.Duration{"36500": 36500 * 24 * time.Hour, "365": store.MinAuditRetention, "0": 0} {
		cfg, err := configFromEnv(func(k string) string { return map[string]string{"AUDIT_RETENTION_DAYS": days}[k] })
		if err != nil || cfg.AuditRetention != want {
			t.Errorf("AUDIT_RETENTION_DAYS=%s: retention %v, err %v; want %v", days, cfg.AuditRetention, err, want)
		}
	}
}

func TestCheckRedirectOrigin(t *testing.T) {
	for _, tc := range []struct {
		base, redirect string
		ok             bool
	}{
		{"https://school.example", "https://school.example/callback", true},
		{"http://127.0.0.1:8080", "http://127.0.0.1:9090/callback", true}, // another instance, same host
		{"http://127.0.0.1:8080", "https://127.0.0.1:8080/callback", false},
		{"http://school.example", "https://school.example/callback", false}, // https behind a proxy, BASE_URL unset or http
		{"https://school.example", "https://evil.example/callback", false},
	} {
		if err := checkRedirectOrigin(tc.base, tc.redirect); (err == nil) != tc.ok {
			t.Errorf("checkRedirectOrigin(%q, %q) = %v, want ok=%t", tc.base, tc.redirect, err, tc.ok)
		}
	}
}

// TestRunUnknownAdminArea: an ADMIN_PIDS entry for an area that does not
// exist stops the start-up with an error that shows the PID masked only.
func TestRunUnknownAdminArea(t *testing.T) {
	pid := mockprovider.DefaultCitizens()[3].PID
	env := map[string]string{"ADDR": "127.0.0.1:0", "DATABASE_URL": filepath.Join(t.TempDir(), "a.db"),
		"ADMIN_PIDS": pid + ":9999"}
	var out syncBuffer
	err := run(context.Background(), nil, func(k string) string { return env[k] }, &out, &out)
	if err == nil {
		t.Fatal("run started with an admin of an unknown area")
	}
	if !strings.Contains(err.Error(), thaid.MaskPID(pid)) || strings.Contains(err.Error()+out.String(), pid) {
		t.Errorf("error %q should name the admin by masked PID only", err)
	}
}

// TestRunAddSuperAdmin: the first-run command makes a super-admin, says so
// with the PID masked, keeps them across a start with other ADMIN_PIDS, and
// refuses a malformed PID.
func TestRunAddSuperAdmin(t *testing.T) {
	db := filepath.Join(t.TempDir(), "super.db")
	env := map[string]string{"DATABASE_URL": db}
	var out syncBuffer
	if err := run(context.Background(), []string{"-add-super-admin", superAdmin.PID}, func(k string) string { return env[k] }, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), maskOf(superAdmin)) || strings.Contains(out.String(), superAdmin.PID) {
		t.Errorf("output %q: want the masked PID only", out.String())
	}
	if err := run(context.Background(), []string{"-add-super-admin", "1234567890123"}, func(k string) string { return env[k] }, &out, &out); err == nil {
		t.Error("a malformed PID was accepted")
	}
	app := startApp(t, startMock(t), map[string]string{"DATABASE_URL": db})
	b := newBrowser(t, app.URL)
	b.login(superAdmin)
	mustStatus(t, b.get("/admin/people"), http.StatusOK, "/admin/people")
}
