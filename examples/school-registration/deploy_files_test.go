package main

import (
	"bufio"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// readSettings reads a file of KEY=VALUE lines (a systemd environment file
// or unit section): the active settings, and the names of the commented-out
// ones ("#KEY=..."). A key set twice keeps every value.
func readSettings(t *testing.T, path string) (active map[string][]string, commented map[string]bool) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	active, commented = map[string][]string{}, map[string]bool{}
	key := regexp.MustCompile(`^#?([A-Za-z][A-Za-z0-9_]*)=(.*)$`)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		m := key.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if strings.HasPrefix(line, "#") {
			commented[m[1]] = true
		} else {
			active[m[1]] = append(active[m[1]], m[2])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return active, commented
}

// appVariables lists the environment variables the app reads: every
// getenv("NAME") in its Go sources.
func appVariables(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var names []string
	re := regexp.MustCompile(`getenv\("([A-Z0-9_]+)"\)`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			if !seen[m[1]] {
				seen[m[1]] = true
				names = append(names, m[1])
			}
		}
	}
	if len(names) < 15 {
		t.Fatalf("found only %d variables the app reads: %v", len(names), names)
	}
	return names
}

// secretVariables hold secrets: the template leaves them empty.
var secretVariables = []string{"THAID_CLIENT_SECRET", "THAID_COOKIE_KEYS", "SMTP_PASSWORD"}

// TestDeployEnvTemplate: deploy/school-registration.env names every variable
// the app reads (set, or commented out with its default), sets no secret and
// no password in a URL, and does not set ADDR (the unit sets it per
// instance). As it is, the app refuses to start (the credentials are
// missing); with the lines marked FILL IN filled in, its configuration is
// valid.
func TestDeployEnvTemplate(t *testing.T) {
	active, commented := readSettings(t, "deploy/school-registration.env")
	for _, name := range appVariables(t) {
		if len(active[name]) == 0 && !commented[name] {
			t.Errorf("the environment template does not name %s", name)
		}
	}
	for name, values := range active {
		if len(values) > 1 {
			t.Errorf("%s is set %d times", name, len(values))
		}
		if u, err := url.Parse(values[0]); err == nil && u.User != nil {
			if _, has := u.User.Password(); has {
				t.Errorf("%s holds a password in its URL", name)
			}
		}
	}
	for _, name := range secretVariables {
		if v := active[name]; len(v) > 0 && v[0] != "" {
			t.Errorf("the template sets the secret %s", name)
		}
	}
	if _, ok := active["ADDR"]; ok {
		t.Error("the template sets ADDR, which would win over the unit's per-instance address")
	}

	env := map[string]string{}
	for name, values := range active {
		env[name] = values[0]
	}
	if _, err := configFromEnv(func(k string) string { return env[k] }); err == nil {
		t.Error("the template as it is (credentials empty) gives a valid configuration; want the start-up refused")
	}
	env["THAID_CLIENT_ID"] = "client"
	env["THAID_CLIENT_SECRET"] = "secret"
	env["THAID_COOKIE_KEYS"] = "a key of thirty-two bytes or more for the test"
	env["ADMIN_PIDS"] = adminBRM3.PID + ":" + areaBRM3
	env["ADDR"] = "127.0.0.1:8081" // from the unit
	cfg, err := configFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("the template filled in: %v", err)
	}
	if cfg.mockMode() || len(cfg.TrustedProxies) != 2 || cfg.ShutdownDrain != 5*time.Second || cfg.RedisURL == "" {
		t.Errorf("the template filled in: %+v", cfg)
	}
}

// TestDeployUnit: deploy/school-registration@.service runs the app as a
// non-root user that gains no privileges, on a read-only system, with its
// environment from the file, its address from the instance name, stopped
// with SIGTERM and given the time to stop gracefully, restarted on failure;
// systemd-analyze verify finds nothing to say about it.
func TestDeployUnit(t *testing.T) {
	const unit = "deploy/school-registration@.service"
	active, _ := readSettings(t, unit)
	for key, want := range map[string]string{
		"DynamicUser":     "yes",
		"NoNewPrivileges": "yes",
		"ProtectSystem":   "strict",
		"EnvironmentFile": "/etc/school-registration/env",
		"Environment":     "ADDR=127.0.0.1:%i",
		"KillSignal":      "SIGTERM",
		"Restart":         "on-failure",
		"ExecStart":       "/usr/local/bin/school-registration",
	} {
		if got := active[key]; len(got) != 1 || got[0] != want {
			t.Errorf("%s: %s=%q, want %q", unit, key, got, want)
		}
	}
	if _, ok := active["User"]; ok {
		t.Errorf("%s sets User= beside DynamicUser=", unit)
	}
	// systemd must wait for the drain, the requests in flight and a mail being sent.
	envs, _ := readSettings(t, "deploy/school-registration.env")
	drain, err := strconv.Atoi(envs["SHUTDOWN_DRAIN_SECONDS"][0])
	if err != nil {
		t.Fatal(err)
	}
	stop, err := strconv.Atoi(active["TimeoutStopSec"][0])
	if err != nil {
		t.Fatalf("TimeoutStopSec: %v", err)
	}
	if need := time.Duration(drain)*time.Second + shutdownTimeout + sendTimeout; time.Duration(stop)*time.Second <= need {
		t.Errorf("TimeoutStopSec=%d: systemd would kill the app before it stops gracefully (up to %v)", stop, need)
	}

	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed: the unit's syntax is not verified")
	}
	// An instance of the template, with a program and an environment file that exist here.
	src, err := os.ReadFile(unit)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	envFile := filepath.Join(dir, "env")
	if err := os.WriteFile(envFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer("/usr/local/bin/school-registration", self, "/etc/school-registration/env", envFile).Replace(string(src))
	instance := filepath.Join(dir, "school-registration@8081.service")
	if err := os.WriteFile(instance, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", instance).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify %s: %v\n%s", unit, err, out)
	}
}
