package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/mockprovider"
)

// rpcheckReport is the part of thaid-rpcheck's -json file this test reads.
type rpcheckReport struct {
	Passed int `json:"passed"`
	Total  int `json:"total"`
	Cases  []struct {
		Name         string `json:"name"`
		Passed       bool   `json:"passed"`
		Unobservable bool   `json:"unobservable"`
		Detail       string `json:"detail"`
	} `json:"cases"`
}

// TestRPCheckPassesEveryCase runs the project's conformance checker against
// the app, as README's "Check any app's ThaID login in CI" tells any relying
// party to: it builds thaid-rpcheck (from this repository, through the
// module's replace), starts it, then runs the app's real command (a child
// process, with its own defaults: SQLite, sessions in memory, the SDK's
// timeouts) configured for the provider rpcheck starts, with rpcheck's
// client and the app's callback. The whole plan must pass: exit status 0,
// every case of the -json report passed and observable, and the summary line
// "N/N cases passed" with N the plan's length as the report gives it.
func TestRPCheckPassesEveryCase(t *testing.T) {
	began := time.Now()
	dir := t.TempDir()
	goCmd, err := exec.LookPath("go") // go test puts its own go first on PATH
	if err != nil {
		t.Fatalf("the go command is needed to build thaid-rpcheck: %v", err)
	}
	bin := filepath.Join(dir, "thaid-rpcheck")
	if out, err := exec.Command(goCmd, "build", "-o", bin, "github.com/thaid-go/thaid-go/mockprovider/cmd/thaid-rpcheck").CombinedOutput(); err != nil {
		t.Fatalf("go build thaid-rpcheck: %v\n%s", err, out)
	}
	built := time.Since(began)

	issuer := fmt.Sprintf("http://127.0.0.1:%d", freeLoopbackPort(t))
	appAddr := fmt.Sprintf("127.0.0.1:%d", freeLoopbackPort(t))
	app := "http://" + appAddr
	report := filepath.Join(dir, "rpcheck.json")
	var stdout, stderr syncBuffer
	check := exec.Command(bin, "-addr", strings.TrimPrefix(issuer, "http://"),
		"-login", app+"/login", "-probe", app+"/register", "-redirect-uri", app+"/callback", "-json", report)
	check.Stdout, check.Stderr = &stdout, &stderr
	if err := check.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = check.Wait(); close(done) }()
	t.Cleanup(func() {
		select {
		case <-done:
		default:
			_ = check.Process.Signal(syscall.SIGTERM)
			select {
			case <-done:
			case <-time.After(15 * time.Second):
				_ = check.Process.Kill()
				<-done
			}
		}
		if t.Failed() {
			t.Logf("thaid-rpcheck's output:\n%s\n%s", stdout.String(), stderr.String())
		}
	})

	// The app runs OpenID discovery at start-up: start it once the provider answers.
	waitForProcess(t, "thaid-rpcheck's provider", done, func() bool {
		resp, err := http.Get(issuer + "/.well-known/openid-configuration")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, &stderr)
	startInstance(t, "app", appAddr, map[string]string{
		"THAID_ISSUER":        issuer,
		"THAID_CLIENT_ID":     mockprovider.DemoClientID, // thaid-rpcheck's default -client-id
		"THAID_CLIENT_SECRET": mockprovider.DemoClientSecret,
		"DATABASE_URL":        filepath.Join(dir, "school-registration.db"),
	})

	select {
	case <-done:
	case <-time.After(5 * time.Minute):
		t.Fatal("thaid-rpcheck did not finish within 5 minutes")
	}
	if code := check.ProcessState.ExitCode(); code != 0 {
		t.Errorf("thaid-rpcheck exited with %d, want 0 (1: a case failed, 2: a setup error)", code)
	}

	raw, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("thaid-rpcheck's -json report: %v", err)
	}
	var r rpcheckReport
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("thaid-rpcheck's -json report: %v\n%s", err, raw)
	}
	if r.Total == 0 || len(r.Cases) != r.Total {
		t.Fatalf("thaid-rpcheck's report: total %d, %d cases: want the plan, at least one case", r.Total, len(r.Cases))
	}
	seen := map[string]bool{}
	for _, c := range r.Cases {
		if seen[c.Name] {
			t.Errorf("case %s is reported twice", c.Name)
		}
		seen[c.Name] = true
		if !c.Passed || c.Unobservable {
			t.Errorf("FAIL %s: %s", c.Name, c.Detail)
		}
	}
	if r.Passed != r.Total {
		t.Errorf("thaid-rpcheck: %d of %d cases passed", r.Passed, r.Total)
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if want := fmt.Sprintf("%d/%d cases passed", r.Total, r.Total); lines[len(lines)-1] != want {
		t.Errorf("thaid-rpcheck's last line: %q, want %q", lines[len(lines)-1], want)
	}
	t.Logf("thaid-rpcheck: %d/%d cases passed; the build took %v, the whole test %v", r.Passed, r.Total,
		built.Round(time.Millisecond), time.Since(began).Round(time.Millisecond))
}
