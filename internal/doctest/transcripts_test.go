package doctest_test

import (
	"bufio"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/internal/doctest"
	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// The ports that the README's transcripts show.
const (
	mockPort    = 9090 // thaid-mock
	appPort     = 8080 // the application, and thaid login's callback
	rpcheckPort = 9099 // thaid-rpcheck's provider
)

// scenario sets up what a transcript needs and runs it. main is the block that names the
// scenario; companion blocks (named in companions) are run by it.
type scenario struct {
	run        func(t *testing.T, r *runner, main doctest.Block, companions map[string]doctest.Block)
	companions []string
}

var scenarios = map[string]scenario{
	// thaid-mock started in a terminal: its banner, up to the first request.
	"mock-banner": {run: runBanner},
	// thaid check, and a login in QR mode against thaid-mock; the browser and the phone are
	// played with curl in a second terminal (the companion) as soon as the login prints its
	// "open: " line.
	"login": {run: runLogin, companions: []string{"login-browser"}},
	// A login that asks for a scope the client is not granted, against thaid-mock -scopes.
	"login-scope": {run: func(t *testing.T, r *runner, b doctest.Block, _ map[string]doctest.Block) {
		r.startMock(t, "-scopes", "openid pid name")
		r.runAndCompare(t, b, nil)
	}},
	// thaid pid: no provider needed.
	"pid": {run: func(t *testing.T, r *runner, b doctest.Block, _ map[string]doctest.Block) {
		r.runAndCompare(t, b, nil)
	}},
	// thaid-rpcheck against an application built on this SDK's middleware.
	"rpcheck": {run: func(t *testing.T, r *runner, b doctest.Block, _ map[string]doctest.Block) {
		r.serveApp(t, thaid.Config{})
		r.runAndCompare(t, b, nil)
	}},
	// The JUnit report of thaid-rpcheck's claims/nonce-missing case against the middleware with
	// thaid.Config.NonceOptional: the README shows the <testcase> element.
	"rpcheck-junit": {run: runJUnit},
}

// runner holds what a transcript runs with: the commands built from this repository, an empty
// working directory and the free ports that stand for the documented ones.
type runner struct {
	bin, dir string
	ports    doctest.Ports
	ctx      context.Context
}

// env is the environment of the transcripts' shells: the commands first on PATH, and nothing of
// the test's own environment (no THAID_CLIENT_SECRET the README does not show).
func (r *runner) env(extra ...string) []string {
	return append([]string{
		"PATH=" + r.bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + r.dir, "TMPDIR=" + r.dir, "LANG=C.UTF-8",
	}, extra...)
}

// shell returns a shell for the runner's transcripts.
func (r *runner) shell(onLine func(cmd int, line string), extra ...string) *doctest.Shell {
	return &doctest.Shell{Dir: r.dir, Env: r.env(extra...), Ports: r.ports, OnLine: onLine}
}

// addr returns the run's address for a documented port.
func (r *runner) addr(port int) string { return fmt.Sprintf("127.0.0.1:%d", r.ports[port]) }

// commands returns the commands of a transcript block.
func commands(t *testing.T, b doctest.Block) []doctest.Command {
	t.Helper()
	cmds, err := doctest.ParseTranscript(b)
	if err != nil {
		t.Fatal(err)
	}
	return cmds
}

// compare holds each command's output against the documented one.
func compare(t *testing.T, b doctest.Block, cmds []doctest.Command, outs []string) {
	t.Helper()
	for i, c := range cmds {
		if err := doctest.Compare(b.File, c, outs[i]); err != nil {
			t.Error(err)
		}
	}
}

// runAndCompare runs a block's commands in a shell and compares their outputs.
func (r *runner) runAndCompare(t *testing.T, b doctest.Block, onLine func(int, string)) {
	t.Helper()
	cmds := commands(t, b)
	outs, err := r.shell(onLine).Run(r.ctx, cmds)
	compare(t, b, cmds, outs)
	if err != nil {
		t.Fatalf("%s: %v", b.Where(), err)
	}
}

// startMock starts thaid-mock on the port that stands for 9090, as a first terminal does, and
// returns once it listens. It is stopped at the end of the test.
func (r *runner) startMock(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command(filepath.Join(r.bin, "thaid-mock"), append([]string{"-addr", r.addr(mockPort)}, args...)...)
	cmd.Dir, cmd.Env = r.dir, r.env()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("thaid-mock's log:\n%s", stderr.String())
		}
	})
	// The banner is printed once the port is bound: from then on, connections wait for the
	// server. The rest of the output is read (and dropped) so that the mock never blocks on it.
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if strings.Contains(sc.Text(), "listening on") {
			go func() { _, _ = io.Copy(io.Discard, stdout) }()
			return
		}
	}
	t.Fatalf("thaid-mock %s did not start: %v\n%s", strings.Join(args, " "), sc.Err(), stderr.String())
}

// serveApp serves, on the port that stands for 8080, an application built on the middleware as
// the README's "Add ThaID login" shows it (login at /login, callback at /callback, /me for
// signed-in citizens only), logging in at the provider of thaid-rpcheck on the port that stands
// for 9099. The app is built on its first request, once that provider answers, as an app
// started before thaid-rpcheck would retry discovery; until then it answers 503.
func (r *runner) serveApp(t *testing.T, cfg thaid.Config) {
	t.Helper()
	ln, err := net.Listen("tcp", r.addr(appPort))
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + r.addr(appPort)
	var mu sync.Mutex
	var app http.Handler
	build := func() (http.Handler, error) {
		cfg.ClientID, cfg.ClientSecret = mockprovider.DemoClientID, mockprovider.DemoClientSecret
		cfg.RedirectURL = base + "/callback"
		cfg.Provider = thaid.Provider{Issuer: "http://" + r.addr(rpcheckPort)}
		cfg.HTTPClient = &http.Client{Timeout: 2 * time.Second}
		client, err := thaid.New(r.ctx, cfg)
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
		mux.Handle("POST /logout", auth.Logout())
		mux.Handle("GET /me", auth.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id, _ := middleware.IdentityFrom(r.Context())
			fmt.Fprintf(w, "signed in as %s\n", id.PID)
		})))
		return mux, nil
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		if app == nil {
			h, err := build()
			if err != nil {
				mu.Unlock()
				http.Error(w, "the provider does not answer yet", http.StatusServiceUnavailable)
				return
			}
			app = h
		}
		h := app
		mu.Unlock()
		h.ServeHTTP(w, req)
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
}

// runBanner starts thaid-mock as the block shows it, waits for as many lines as the README
// shows, interrupts it (Ctrl-C) and compares those lines. Anything it printed after them must
// be a log line (its shutdown), not more banner.
func runBanner(t *testing.T, r *runner, b doctest.Block, _ map[string]doctest.Block) {
	cmds := commands(t, b)
	if len(cmds) != 1 {
		t.Fatalf("%s: the banner transcript is one command, thaid-mock; it has %d", b.Where(), len(cmds))
	}
	want := len(cmds[0].Want)
	var sh *doctest.Shell
	lines := 0
	sh = r.shell(func(cmd int, line string) {
		if lines++; lines == want {
			_ = sh.Interrupt()
		}
	})
	ctx, cancel := context.WithTimeout(r.ctx, 30*time.Second)
	defer cancel()
	outs, err := sh.Run(ctx, cmds)
	got := strings.SplitAfter(outs[0], "\n")
	shown := strings.Join(got[:min(want, len(got))], "")
	if err := doctest.Compare(b.File, cmds[0], shown); err != nil {
		t.Error(err)
	}
	for _, l := range got[min(want, len(got)):] {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "time=") {
			t.Errorf("%s: thaid-mock printed more than the README shows: %q", b.Where(), l)
		}
	}
	if err != nil {
		t.Fatalf("%s: %v", b.Where(), err)
	}
}

// runLogin runs the login transcript; when the login prints its "open: " line, the companion
// transcript plays the browser and the phone with curl, in a second shell, with that URL in
// $OPEN_URL.
func runLogin(t *testing.T, r *runner, b doctest.Block, companions map[string]doctest.Block) {
	r.startMock(t)
	browser := companions["login-browser"]
	bcmds := commands(t, browser)
	var (
		wg        sync.WaitGroup
		once      sync.Once
		bouts     []string
		berr      error
		triggered bool
	)
	onLine := func(_ int, line string) {
		url, ok := strings.CutPrefix(line, "open: ")
		if !ok {
			return
		}
		once.Do(func() {
			triggered = true
			wg.Go(func() {
				// The URL as the run printed it: the shell's own ports.
				bouts, berr = r.shell(nil, "OPEN_URL="+r.ports.Forward(url)).Run(r.ctx, bcmds)
			})
		})
	}
	r.runAndCompare(t, b, onLine)
	wg.Wait()
	if !triggered {
		t.Fatalf("%s: the login printed no \"open: \" line, so the browser transcript (%s) never ran", b.Where(), browser.Where())
	}
	compare(t, browser, bcmds, bouts)
	if berr != nil {
		t.Fatalf("%s: %v", browser.Where(), berr)
	}
}

// runJUnit runs thaid-rpcheck's claims/nonce-missing case against the middleware with
// NonceOptional and compares the README's <testcase> element with the JUnit report's.
func runJUnit(t *testing.T, r *runner, b doctest.Block, _ map[string]doctest.Block) {
	r.serveApp(t, thaid.Config{NonceOptional: true})
	app := "http://" + r.addr(appPort)
	report := filepath.Join(r.dir, "rpcheck.xml")
	cmd := exec.CommandContext(r.ctx, filepath.Join(r.bin, "thaid-rpcheck"), "-addr", r.addr(rpcheckPort),
		"-login", app+"/login", "-probe", app+"/me", "-redirect-uri", app+"/callback",
		"-only", "^claims/nonce-missing$", "-junit", report)
	cmd.Dir, cmd.Env = r.dir, r.env()
	out, err := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		t.Fatalf("thaid-rpcheck against an app without a nonce check: exit status %d (%v), want 1:\n%s", code, err, out)
	}
	xmlOut, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile(`<testcase name="([^"]+)"`).FindStringSubmatch(b.Text)
	if name == nil {
		t.Fatalf("%s: the block shows no <testcase name=...>", b.Where())
	}
	got := testcaseElement(string(xmlOut), name[1])
	if got == "" {
		t.Fatalf("the JUnit report has no testcase %q:\n%s", name[1], xmlOut)
	}
	var probe struct{ XMLName xml.Name }
	if err := xml.Unmarshal([]byte(b.Text), &probe); err != nil {
		t.Errorf("%s: the README's <testcase> is not XML: %v", b.Where(), err)
	}
	c := doctest.Command{Text: "thaid-rpcheck ... -junit rpcheck.xml (its " + name[1] + " testcase)", Line: b.Line,
		Want: strings.Split(strings.TrimSuffix(b.Text, "\n"), "\n"), WantLine: b.Line + 1}
	if err := doctest.Compare(b.File, c, got); err != nil {
		t.Error(err)
	}
}

// testcaseElement returns the lines of the report that hold the <testcase> element named name,
// with the report's indentation removed.
func testcaseElement(report, name string) string {
	lines := strings.Split(report, "\n")
	start := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, `<testcase name="`+name+`"`) })
	if start < 0 {
		return ""
	}
	indent := len(lines[start]) - len(strings.TrimLeft(lines[start], " \t"))
	var b strings.Builder
	for _, l := range lines[start:] {
		b.WriteString(l[min(indent, len(l)-len(strings.TrimLeft(l, " \t"))):] + "\n")
		if strings.Contains(l, "</testcase>") || strings.HasSuffix(strings.TrimSpace(l), "/>") && strings.Contains(l, "<testcase") {
			break
		}
	}
	return b.String()
}

// buildCommands builds thaid, thaid-mock and thaid-rpcheck from this repository into dir.
func buildCommands(t *testing.T, dir string) {
	t.Helper()
	cmd := exec.Command("go", "build", "-o", dir+string(os.PathSeparator),
		"./thaid/cmd/thaid", "./mockprovider/cmd/thaid-mock", "./mockprovider/cmd/thaid-rpcheck")
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build the commands: %v\n%s", err, out)
	}
}

// freePorts returns n distinct loopback ports that were free a moment ago.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports
}

// TestTranscripts runs every terminal transcript of the README in its scenario and compares
// what the commands print with what the README shows.
func TestTranscripts(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatal("the transcripts run in bash, which is not on PATH")
	}
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("the login transcript plays the browser with curl, which is not on PATH")
	}
	blocks := blocksOf(t, "README.md")
	named := make(map[string]doctest.Block)
	for _, b := range blocks {
		name := doctest.Scenario(b)
		switch {
		case name == "" && doctest.IsTranscript(b):
			t.Errorf("%s: %v: put <!-- %s: NAME --> before it, and teach internal/doctest the scenario", b.Where(), doctest.ErrNoScenario, doctest.TranscriptMarker)
		case name == "":
		case named[name].Line != 0:
			t.Errorf("%s: scenario %q is already used at line %d", b.Where(), name, named[name].Line)
		default:
			named[name] = b
		}
	}
	companion := make(map[string]string)
	for name, sc := range scenarios {
		for _, c := range sc.companions {
			companion[c] = name
		}
	}
	for name, b := range named {
		if _, ok := scenarios[name]; !ok && companion[name] == "" {
			t.Errorf("%s: unknown transcript scenario %q", b.Where(), name)
		}
	}
	bin := t.TempDir()
	buildCommands(t, bin)

	for _, name := range slices.Sorted(maps.Keys(scenarios)) {
		sc := scenarios[name]
		t.Run(name, func(t *testing.T) {
			b, ok := named[name]
			if !ok {
				t.Fatalf("README.md has no transcript of scenario %q: put <!-- %s: %s --> before it", name, doctest.TranscriptMarker, name)
			}
			comp := make(map[string]doctest.Block)
			for _, c := range sc.companions {
				cb, ok := named[c]
				if !ok {
					t.Fatalf("README.md has no transcript %q, which scenario %q runs", c, name)
				}
				comp[c] = cb
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			free := freePorts(t, 3)
			r := &runner{bin: bin, dir: t.TempDir(), ctx: ctx, ports: doctest.Ports{
				mockPort: free[0], appPort: free[1], rpcheckPort: free[2],
			}}
			sc.run(t, r, b, comp)
		})
	}
}
