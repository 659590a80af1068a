package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Exit statuses.
const (
	exitOK    = 0 // the flood was sent, or -h
	exitFail  = 1 // interrupted
	exitUsage = 2 // a wrong command line
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type config struct {
	url         string
	n, c, mark  int64
	respTimeout time.Duration
}

// parseFlags parses the command line. It returns the exit status to end with, or -1 to go on:
// -h prints the flags on stdout (exitOK); a wrong command line is told on stderr (exitUsage).
func parseFlags(args []string, stdout, stderr io.Writer) (config, int) {
	var c config
	fs := flag.NewFlagSet("flood", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {}
	fs.StringVar(&c.url, "url", "", "the URL to GET (required)")
	fs.Int64Var(&c.n, "n", 200000, "number of requests")
	fs.Int64Var(&c.c, "c", 64, "number of concurrent keep-alive connections")
	fs.Int64Var(&c.mark, "mark", 0, `print "mark" before sending this request (1-based; 0 = never)`)
	fs.DurationVar(&c.respTimeout, "timeout", time.Minute, "timeout of each request")
	switch err := fs.Parse(args); {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprintf(stdout, "Usage: flood -url URL [-n 200000] [-c 64] [-mark N]\n\n")
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return c, exitOK
	case err != nil: // the flag package has said what is wrong
	default:
		if err = c.check(fs.Args()); err == nil {
			return c, -1
		}
		fmt.Fprintln(stderr, "flood:", err)
	}
	fmt.Fprintln(stderr, "Run flood -h for the flags.")
	return c, exitUsage
}

// check checks the values of the flags, and that no argument is left.
func (c config) check(args []string) error {
	u, err := url.Parse(c.url)
	switch {
	case len(args) > 0:
		return fmt.Errorf("unexpected arguments: %q", args)
	case c.url == "":
		return errors.New("-url is required")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return fmt.Errorf("-url %q is not an absolute http(s) URL", c.url)
	case c.n < 0 || c.c < 1:
		return errors.New("-n must be at least 0 and -c at least 1")
	}
	return nil
}

// counts is one connection's tally of answers by status, "error" for transport errors.
type counts map[string]int64

// run runs the command with args (without the program name) and returns the exit status.
func run(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	cfg, st := parseFlags(args, stdout, stderr)
	if st >= 0 {
		return st
	}
	tr := &http.Transport{
		Proxy:               nil,
		MaxIdleConns:        int(cfg.c),
		MaxIdleConnsPerHost: int(cfg.c),
		MaxConnsPerHost:     int(cfg.c),
		DisableCompression:  true,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{
		Transport:     tr,
		Timeout:       cfg.respTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}

	var (
		next     atomic.Int64
		firstErr sync.Once
		wg       sync.WaitGroup
	)
	tallies := make([]counts, cfg.c)
	start := time.Now()
	for i := range tallies {
		tally := counts{}
		tallies[i] = tally
		wg.Go(func() {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, cfg.url, nil)
			if err != nil {
				firstErr.Do(func() { fmt.Fprintln(stderr, "flood:", err) })
				return
			}
			for {
				k := next.Add(1)
				if k > cfg.n || ctx.Err() != nil {
					return
				}
				if k == cfg.mark {
					fmt.Fprintln(stdout, "mark")
				}
				resp, err := client.Do(req)
				if err != nil {
					tally["error"]++
					firstErr.Do(func() { fmt.Fprintln(stderr, "flood: first error:", err) })
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				tally[strconv.Itoa(resp.StatusCode)]++
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := ctx.Err(); err != nil {
		fmt.Fprintln(stderr, "flood: interrupted:", err)
		return exitFail
	}

	total := counts{}
	for _, t := range tallies {
		for k, v := range t {
			total[k] += v
		}
	}
	var sent, redirects int64
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(total)) {
		v := total[k]
		sent += v
		if k == "302" || k == "303" {
			redirects += v
		}
		parts = append(parts, fmt.Sprintf("%s:%d", k, v))
	}
	fmt.Fprintf(stdout, "result requests=%d seconds=%.3f redirects=%d others=%d statuses=%s\n",
		sent, elapsed.Seconds(), redirects, sent-redirects, cmp.Or(strings.Join(parts, ","), "none"))
	return exitOK
}
