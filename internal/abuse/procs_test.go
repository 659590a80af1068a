//go:build linux

package abuse

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// readyTimeout bounds how long a started process may take to print its ready line.
const readyTimeout = time.Minute

// binaries are the programs the suite runs, built without -race.
type binaries struct {
	floodtarget, flood, mock, example string
}

// buildAll builds the suite's programs into a temporary directory: cmd/floodtarget and cmd/flood
// of this module, the thaid-mock command, and the example app (its own module).
func buildAll(t *testing.T) binaries {
	t.Helper()
	dir := t.TempDir()
	example, err := filepath.Abs(filepath.Join("..", "..", "examples", "school-registration"))
	if err != nil {
		t.Fatal(err)
	}
	b := binaries{
		floodtarget: filepath.Join(dir, "floodtarget"),
		flood:       filepath.Join(dir, "flood"),
		mock:        filepath.Join(dir, "thaid-mock"),
		example:     filepath.Join(dir, "school-registration"),
	}
	builds := [][]string{
		{"build", "-o", dir + string(filepath.Separator), "./cmd/floodtarget", "./cmd/flood",
			"github.com/thaid-go/thaid-go/mockprovider/cmd/thaid-mock"},
		{"build", "-C", example, "-o", b.example, "."},
	}
	start := time.Now()
	errs := make([]error, len(builds))
	var wg sync.WaitGroup
	for i, args := range builds {
		wg.Go(func() {
			out, err := exec.Command("go", args...).CombinedOutput()
			if err != nil {
				errs[i] = fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("built the targets, the flood client and thaid-mock in %s", time.Since(start).Round(time.Millisecond))
	return b
}

// proc is a child process started by startProc.
type proc struct {
	pid    int
	value  string // what the ready function took from the ready line
	stderr *tailBuffer
	exited chan struct{} // closed once the process has exited and been waited for
}

// startProc starts bin with args and exactly the environment env (plus PATH, HOME and TMPDIR),
// and waits until ready accepts a line of its stdout (a ready line is shorter than the
// Scanner's 64 KiB); the rest of stdout is discarded. The process is killed when the test ends,
// and also when the test process dies (Pdeathsig), so that none is left behind.
func startProc(t *testing.T, name string, env []string, ready func(line string) (string, bool), bin string, args ...string) *proc {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = childEnv(env)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.WaitDelay = 5 * time.Second
	stdout, stdoutW := io.Pipe()
	p := &proc{stderr: &tailBuffer{max: 16 << 10}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = stdoutW, p.stderr
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start %s: %v", name, err)
	}
	p.pid = cmd.Process.Pid
	go func() {
		_ = cmd.Wait()
		stdoutW.Close()
		close(p.exited)
	}()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if v, ok := ready(strings.TrimSpace(sc.Text())); ok {
				found <- v
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	t.Cleanup(func() {
		cancel()
		<-p.exited
	})
	select {
	case p.value = <-found:
		return p
	case <-p.exited:
		t.Fatalf("%s exited before it was ready: %s\nstderr: %s", name, cmd.ProcessState, p.stderr)
	case <-time.After(readyTimeout):
		t.Fatalf("%s not ready after %s\nstderr: %s", name, readyTimeout, p.stderr)
	}
	return nil
}

// childEnv is env plus the few variables a process needs from ours. Nothing else is inherited,
// so that the example app never picks up a REDIS_URL or DATABASE_URL of the environment.
func childEnv(env []string) []string {
	out := []string{}
	for _, k := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			out = append(out, k+"="+v)
		}
	}
	return append(out, env...)
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if over := len(t.b) - t.max; over > 0 {
		t.b = append(t.b[:0], t.b[over:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

// readRSS returns the resident set size of the process pid, in bytes, from /proc/PID/status.
func readRSS(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("/proc/%d/status: VmRSS %q: %w", pid, rest, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("/proc/%d/status: no VmRSS", pid)
}
