package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
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

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "flood:", err)
		}
		os.Exit(2)
	}
}

type config struct {
	url         string
	n, c, mark  int64
	respTimeout time.Duration
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("flood", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.url, "url", "", "the URL to GET (required)")
	fs.Int64Var(&c.n, "n", 200000, "number of requests")
	fs.Int64Var(&c.c, "c", 64, "number of concurrent keep-alive connections")
	fs.Int64Var(&c.mark, "mark", 0, `print "mark" before sending this request (1-based; 0 = never)`)
	fs.DurationVar(&c.respTimeout, "timeout", time.Minute, "timeout of each request")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("unexpected arguments: %q", fs.Args())
	case c.url == "":
		return c, errors.New("-url is required")
	case c.n < 0 || c.c < 1:
		return c, errors.New("-n must be at least 0 and -c at least 1")
	}
	return c, nil
}

// counts is one connection's tally of answers by status, "error" for transport errors.
type counts map[string]int64

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
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
		return err
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
	statuses := strings.Join(parts, ",")
	if statuses == "" {
		statuses = "none"
	}
	fmt.Fprintf(stdout, "result requests=%d seconds=%.3f redirects=%d others=%d statuses=%s\n",
		sent, elapsed.Seconds(), redirects, sent-redirects, statuses)
	return nil
}
