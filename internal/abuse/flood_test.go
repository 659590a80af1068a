//go:build linux

package abuse

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// maxRSSGrowthMB is the most, in MiB, that a target's resident memory, and for the Redis target
// Redis's used_memory, may grow during the flood. It is the goal of issue 9: a flood of 1,000,000
// anonymous GET /login requests (no cookies, 2 KB return_to) grows memory by at most 64 MB, with
// either store, and a real login that starts during the flood completes.
const maxRSSGrowthMB = 64

const (
	defaultRequests  = 200000 // flood size without ABUSE_REQUESTS
	warmupRequests   = 2000
	floodConns       = 64 // concurrent keep-alive connections of the flood
	sampleEvery      = 100 * time.Millisecond
	realLoginTimeout = 2 * time.Minute
)

// floodReturnTo is the return_to of every flood request: a 2 KB same-origin path.
var floodReturnTo = "/private/" + strings.Repeat("a", 2000)

// target is an app under flood, running as its own process.
type target struct {
	name string
	proc *proc
	base string // http://127.0.0.1:PORT
	// loginStart is the path where the real login starts; signedIn checks the page it ends on.
	loginStart string
	signedIn   func(resp *http.Response, body []byte) error
	// rdb, for the Redis target, is the Redis whose used_memory is measured too.
	rdb *redis.Client
}

func TestFlood(t *testing.T) {
	requests := abuseRequests(t)
	bins := buildAll(t)
	mock := startProc(t, "thaid-mock", nil, func(line string) (string, bool) {
		f := strings.Fields(line)
		if len(f) == 2 && f[0] == "issuer" {
			return f[1], true
		}
		return "", false
	}, bins.mock, "-addr", "127.0.0.1:0", "-auto-approve")
	issuer := mock.value

	t.Run("memory", func(t *testing.T) {
		runFlood(t, bins, startFloodTarget(t, bins, "memory", "-issuer", issuer, "-store", "memory"), requests)
	})
	t.Run("redis", func(t *testing.T) {
		rdb, addr := testRedis(t)
		prefix := testPrefix(t, rdb)
		tg := startFloodTarget(t, bins, "redis", "-issuer", issuer, "-store", "redis", "-redis", addr, "-redis-prefix", prefix)
		tg.rdb = rdb
		runFlood(t, bins, tg, requests)
	})
	t.Run("example", func(t *testing.T) {
		runFlood(t, bins, startExample(t, bins, issuer), requests)
	})
}

// abuseRequests returns the flood size: ABUSE_REQUESTS, or defaultRequests.
func abuseRequests(t *testing.T) int64 {
	t.Helper()
	s := os.Getenv("ABUSE_REQUESTS")
	if s == "" {
		return defaultRequests
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 3 {
		t.Fatalf("ABUSE_REQUESTS=%q: want a number of requests, at least 3", s)
	}
	return n
}

// startFloodTarget starts cmd/floodtarget with args.
func startFloodTarget(t *testing.T, bins binaries, name string, args ...string) *target {
	t.Helper()
	p := startProc(t, "floodtarget -store "+name, nil, func(line string) (string, bool) {
		return strings.CutPrefix(line, "listening ")
	}, bins.floodtarget, args...)
	return &target{
		name: name, proc: p, base: p.value, loginStart: "/private/x",
		signedIn: func(resp *http.Response, body []byte) error {
			if resp.Request.URL.Path != "/private/x" || string(body) != "signed in" {
				return fmt.Errorf("ended on %s with body %.200q, want /private/x with %q", resp.Request.URL.Path, body, "signed in")
			}
			return nil
		},
	}
}

// startExample starts the example app on SQLite with memory sessions, logging in with the mock.
func startExample(t *testing.T, bins binaries, issuer string) *target {
	t.Helper()
	env := []string{
		"ADDR=127.0.0.1:0",
		"THAID_ISSUER=" + issuer,
		"THAID_CLIENT_ID=thaid-demo",
		"THAID_CLIENT_SECRET=demo-secret",
		"DATABASE_URL=" + t.TempDir() + "/school-registration.db",
	}
	p := startProc(t, "school-registration", env, func(line string) (string, bool) {
		_, u, ok := strings.Cut(line, "school-registration is running: open ")
		return strings.TrimRight(u, "/"), ok
	}, bins.example)
	return &target{
		name: "example", proc: p, base: p.value, loginStart: "/login?return_to=/start",
		signedIn: func(resp *http.Response, body []byte) error {
			// Every page of a signed-in user has the logout form in its header.
			if !strings.Contains(string(body), `action="/logout"`) {
				return fmt.Errorf("ended on %s without the logout form of a signed-in user", resp.Request.URL.Path)
			}
			return nil
		},
	}
}

// runFlood warms tg up, then floods it while sampling its memory, logs in for real a third of
// the way in, reports and checks the outcome.
func runFlood(t *testing.T, bins binaries, tg *target, requests int64) {
	// Every target serves the middleware's Login handler at /login.
	floodURL := tg.base + "/login?return_to=" + url.QueryEscape(floodReturnTo)
	if warm := flood(t, bins, floodURL, warmupRequests, 0, nil); warm.others != 0 {
		t.Fatalf("warm-up: %d of %d answers are not redirects: %s", warm.others, warm.requests, warm.statuses)
	}

	// A session that exists before the flood must outlive it (nothing is lost).
	before := realLogin(tg)
	if before.err != nil {
		t.Fatalf("login before the flood: %v", before.err)
	}

	rssBase, err := readRSS(tg.proc.pid)
	if err != nil {
		t.Fatal(err)
	}
	var redisBase int64
	if tg.rdb != nil {
		if redisBase, err = usedMemory(context.Background(), tg.rdb); err != nil {
			t.Fatal(err)
		}
	}
	s := startSampler(tg, rssBase, redisBase)

	logins := make(chan loginResult, 1)
	res := flood(t, bins, floodURL, requests, max(requests/3, 1), func() {
		go func() { logins <- realLogin(tg) }()
	})
	s.stop()
	login := <-logins // realLogin returns within realLoginTimeout

	mb := func(b int64) float64 { return float64(b) / (1 << 20) }
	rssGrowth := s.rssMax - rssBase
	loginMS := int64(-1)
	if login.err == nil {
		loginMS = login.took.Milliseconds()
	}
	line := fmt.Sprintf("abuse: target=%s requests=%d rate=%.0f/s rss_base_mb=%.1f rss_max_mb=%.1f rss_growth_mb=%.1f real_login_ms=%d non_redirects=%d",
		tg.name, res.requests, float64(res.requests)/res.seconds, mb(rssBase), mb(s.rssMax), mb(rssGrowth), loginMS, res.others)
	redisGrowth := s.redisMax - redisBase
	if tg.rdb != nil {
		line += fmt.Sprintf(" redis_base_mb=%.1f redis_max_mb=%.1f redis_growth_mb=%.1f", mb(redisBase), mb(s.redisMax), mb(redisGrowth))
	}
	t.Logf("%s (statuses %s, %.1f s)", line, res.statuses, res.seconds)
	fmt.Println(line)

	if s.err != nil {
		t.Errorf("sampling memory: %v (did the target die?)\nstderr: %s", s.err, tg.proc.stderr)
	}
	if res.requests != requests {
		t.Errorf("the flood got %d answers, want %d", res.requests, requests)
	}
	if res.others != 0 {
		t.Errorf("%d of %d flood answers are not redirects (302/303): %s", res.others, res.requests, res.statuses)
	}
	if login.err != nil {
		t.Errorf("the real login started during the flood did not complete: %v", login.err)
	} else {
		login.client.CloseIdleConnections()
	}
	if err := stillSignedIn(tg, before); err != nil {
		t.Errorf("the session made before the flood did not survive it: %v", err)
	}
	if rssGrowth > maxRSSGrowthMB<<20 {
		t.Errorf("resident memory grew by %.1f MiB during the flood, more than %d MiB (issue 9)", mb(rssGrowth), maxRSSGrowthMB)
	}
	if tg.rdb != nil && redisGrowth > maxRSSGrowthMB<<20 {
		t.Errorf("Redis used_memory grew by %.1f MiB during the flood, more than %d MiB (issue 9)", mb(redisGrowth), maxRSSGrowthMB)
	}
}

// floodResult is cmd/flood's result line.
type floodResult struct {
	requests, redirects, others int64
	seconds                     float64
	statuses                    string
}

// flood runs cmd/flood: n GET requests to u from floodConns connections. onMark, when not nil,
// runs once the mark-th request is about to be sent.
func flood(t *testing.T, bins binaries, u string, n, mark int64, onMark func()) floodResult {
	t.Helper()
	cmd := exec.Command(bins.flood, "-url", u, "-n", strconv.FormatInt(n, 10),
		"-c", strconv.Itoa(floodConns), "-mark", strconv.FormatInt(mark, 10))
	cmd.Env = childEnv(nil)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stderr := &tailBuffer{max: 16 << 10}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start flood: %v", err)
	}
	var result string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		switch line := sc.Text(); {
		case line == "mark" && onMark != nil:
			onMark()
		case strings.HasPrefix(line, "result "):
			result = line
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("flood: %v\nstderr: %s", err, stderr)
	}
	if s := stderr.String(); s != "" {
		t.Logf("flood stderr: %s", s)
	}
	var r floodResult
	if n, err := fmt.Sscanf(result, "result requests=%d seconds=%f redirects=%d others=%d statuses=%s",
		&r.requests, &r.seconds, &r.redirects, &r.others, &r.statuses); n != 5 || r.seconds <= 0 {
		t.Fatalf("flood printed no valid result line (got %q: %v)\nstderr: %s", result, err, stderr)
	}
	return r
}

// sampler samples a target's resident memory, and Redis's used_memory for the Redis target,
// every sampleEvery and keeps the maxima.
type sampler struct {
	stopc, done      chan struct{}
	rssMax, redisMax int64 // read after stop
	err              error // the first sampling error, read after stop
}

func startSampler(tg *target, rssBase, redisBase int64) *sampler {
	s := &sampler{stopc: make(chan struct{}), done: make(chan struct{}), rssMax: rssBase, redisMax: redisBase}
	// keep raises a maximum to a sample, or keeps the first error.
	keep := func(peak *int64, sample int64, err error) {
		if err == nil {
			*peak = max(*peak, sample)
		} else if s.err == nil {
			s.err = err
		}
	}
	take := func() {
		rss, err := readRSS(tg.proc.pid)
		keep(&s.rssMax, rss, err)
		if tg.rdb == nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		used, err := usedMemory(ctx, tg.rdb)
		keep(&s.redisMax, used, err)
	}
	go func() {
		defer close(s.done)
		tick := time.NewTicker(sampleEvery)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				take()
			case <-s.stopc:
				take()
				return
			}
		}
	}()
	return s
}

// stop takes a last sample and stops the sampler.
func (s *sampler) stop() {
	close(s.stopc)
	<-s.done
}

// loginResult is the outcome of realLogin.
type loginResult struct {
	took   time.Duration
	err    error
	client *http.Client // the browser, with its session cookie
	page   string       // the signed-in page it ended on
}

// realLogin logs in as a browser does, with its own cookie jar: from tg.loginStart through the
// auto-approving mock and the callback to a page that needs a session.
func realLogin(tg *target) loginResult {
	jar, _ := cookiejar.New(nil) // never fails without options
	client := &http.Client{Jar: jar, Transport: &http.Transport{}, Timeout: realLoginTimeout}
	start := time.Now()
	resp, body, err := get(client, tg.base+tg.loginStart)
	if err != nil {
		return loginResult{err: err}
	}
	took := time.Since(start)
	if resp.StatusCode != http.StatusOK {
		return loginResult{err: fmt.Errorf("ended on %s with status %s", resp.Request.URL.Redacted(), resp.Status)}
	}
	if err := tg.signedIn(resp, body); err != nil {
		return loginResult{err: err}
	}
	return loginResult{took: took, client: client, page: resp.Request.URL.RequestURI()}
}

// stillSignedIn checks that the browser of a completed login is still signed in: its page
// answers 200 and signed in, without a detour through the login.
func stillSignedIn(tg *target, l loginResult) error {
	defer l.client.CloseIdleConnections()
	c := *l.client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, body, err := get(&c, tg.base+l.page)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answers %s (Location %q)", l.page, resp.Status, resp.Header.Get("Location"))
	}
	return tg.signedIn(resp, body)
}

// get GETs u with c and reads the body, up to 1 MiB.
func get(c *http.Client, u string) (*http.Response, []byte, error) {
	resp, err := c.Get(u)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp, body, err
}

// testRedis connects to the Redis named by THAID_TEST_REDIS_ADDR and returns the client and the
// address. Without it the test is skipped, unless THAID_TEST_REQUIRE_SERVICES=1.
func testRedis(t *testing.T) (*redis.Client, string) {
	t.Helper()
	addr := os.Getenv("THAID_TEST_REDIS_ADDR")
	if addr == "" {
		if os.Getenv("THAID_TEST_REQUIRE_SERVICES") == "1" {
			t.Fatal("THAID_TEST_REDIS_ADDR is not set and THAID_TEST_REQUIRE_SERVICES=1")
		}
		t.Skip("THAID_TEST_REDIS_ADDR is not set: no Redis for the Redis store's target")
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		_ = rdb.Close()
		t.Fatalf("redis at %s: %v", addr, err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb, addr
}

// testPrefix returns a random key prefix and deletes its keys when the test ends.
func testPrefix(t *testing.T, rdb *redis.Client) string {
	t.Helper()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	prefix := "thaidabuse:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		var cursor uint64
		for {
			keys, next, err := rdb.Scan(ctx, cursor, prefix+"*", 5000).Result()
			if err != nil {
				t.Errorf("cleaning up Redis keys %s*: %v", prefix, err)
				return
			}
			if len(keys) > 0 {
				rdb.Unlink(ctx, keys...)
			}
			if cursor = next; cursor == 0 {
				return
			}
		}
	})
	return prefix
}

// usedMemory returns Redis's used_memory (INFO memory), in bytes.
func usedMemory(ctx context.Context, rdb *redis.Client) (int64, error) {
	info, err := rdb.Info(ctx, "memory").Result()
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(info) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			return strconv.ParseInt(v, 10, 64)
		}
	}
	return 0, fmt.Errorf("redis INFO memory has no used_memory")
}
