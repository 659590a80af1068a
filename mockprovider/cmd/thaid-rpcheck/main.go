package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"slices"
	"syscall"
	"time"

	"github.com/thaid-go/thaid-go/mockprovider"
)

// Exit statuses.
const (
	exitOK    = 0 // every case passed, or -h
	exitFail  = 1 // a case failed, or the check could not run
	exitUsage = 2 // a wrong command line
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// config is the parsed command line.
type config struct {
	addr, issuer, clientID, clientSecret string
	redirectURI, login, probe            *url.URL
	wait                                 time.Duration
	only                                 *regexp.Regexp
	jsonFile, junitFile                  string
}

// run runs the command with args (without the program name) and returns the exit status.
func run(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK // -h: the usage is printed; asking for it is no error
	}
	if err != nil {
		fmt.Fprintf(stderr, "thaid-rpcheck: %v\nRun thaid-rpcheck -h for the flags and an example.\n", err)
		return exitUsage
	}
	r, err := newRunner(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "thaid-rpcheck:", err)
		return exitFail
	}
	defer r.close()
	fmt.Fprintf(stderr, "thaid-rpcheck: provider %s; waiting up to %s for %s\n", r.p.Issuer(), cfg.wait, cfg.probe)
	if err := r.ready(); err != nil {
		fmt.Fprintln(stderr, "thaid-rpcheck:", err)
		return exitFail
	}
	results, err := r.runPlan(stdout)
	if err != nil {
		fmt.Fprintln(stderr, "thaid-rpcheck:", err)
		return exitFail
	}
	pass := printSummary(stdout, results)
	if err := writeReports(cfg, results); err != nil {
		fmt.Fprintln(stderr, "thaid-rpcheck:", err)
		return exitFail
	}
	if pass < len(results) {
		return exitFail
	}
	return exitOK
}

// parseFlags parses the command line. -h prints the usage on stdout and gives flag.ErrHelp.
func parseFlags(args []string, stdout io.Writer) (config, error) {
	cfg := config{}
	var redirect, login, probe, only string
	fs := flag.NewFlagSet("thaid-rpcheck", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // run prints the error
	fs.Usage = func() {}
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:9099", "the provider listens here")
	fs.StringVar(&cfg.issuer, "issuer", "", "issuer URL (default http:// + -addr)")
	fs.StringVar(&cfg.clientID, "client-id", mockprovider.DemoClientID, "client_id the RP is configured with")
	fs.StringVar(&cfg.clientSecret, "client-secret", mockprovider.DemoClientSecret, "client_secret the RP is configured with")
	fs.StringVar(&redirect, "redirect-uri", "", "the RP's callback URL, exactly as the RP sends it (required)")
	fs.StringVar(&login, "login", "", "a URL of the RP that starts a login (required)")
	fs.StringVar(&probe, "probe", "", "a URL of the RP that answers 2xx only when signed in (required)")
	fs.DurationVar(&cfg.wait, "wait", 60*time.Second, "how long to wait until the probe answers at all")
	fs.StringVar(&only, "only", "", "run only the cases whose name matches this regular expression")
	fs.StringVar(&cfg.jsonFile, "json", "", "write the results as JSON to this file")
	fs.StringVar(&cfg.junitFile, "junit", "", "write the results as JUnit XML to this file")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fmt.Fprintf(stdout, "Usage: thaid-rpcheck -login URL -probe URL -redirect-uri URL [flags]\n\n"+
				"Plays a mock ThaID and a browser against a relying party and prints PASS or FAIL per case,\n"+
				"then \"N/M cases passed\". Exit 0 all passed, 1 a case failed or the check could not run,\n"+
				"2 a wrong command line.\n\n")
			fs.PrintDefaults()
			fmt.Fprintf(stdout, "\nExample (the RP configured with issuer http://127.0.0.1:9099, client thaid-demo / demo-secret):\n"+
				"  thaid-rpcheck -login http://127.0.0.1:8080/auth/login -probe http://127.0.0.1:8080/me \\\n"+
				"      -redirect-uri http://127.0.0.1:8080/auth/callback -junit rpcheck.xml\n")
		}
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	var err error
	for _, f := range []struct {
		name, val string
		dst       **url.URL
	}{{"-redirect-uri", redirect, &cfg.redirectURI}, {"-login", login, &cfg.login}, {"-probe", probe, &cfg.probe}} {
		if *f.dst, err = absoluteURL(f.name, f.val); err != nil {
			return cfg, err
		}
	}
	if cfg.issuer != "" {
		if _, err := absoluteURL("-issuer", cfg.issuer); err != nil {
			return cfg, err
		}
	}
	if cfg.clientID == "" || cfg.clientSecret == "" {
		return cfg, errors.New("-client-id and -client-secret must not be empty")
	}
	if cfg.wait <= 0 {
		return cfg, errors.New("-wait must be positive")
	}
	if only != "" {
		if cfg.only, err = regexp.Compile(only); err != nil {
			return cfg, fmt.Errorf("-only: %v", err)
		}
		if !slices.ContainsFunc(plan, func(tc testCase) bool { return cfg.only.MatchString(tc.name) }) {
			return cfg, fmt.Errorf("-only %q matches no case", only)
		}
	}
	return cfg, nil
}

func absoluteURL(name, s string) (*url.URL, error) {
	if s == "" {
		return nil, fmt.Errorf("%s is required", name)
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Fragment != "" {
		return nil, fmt.Errorf("%s %q is not an absolute http(s) URL", name, s)
	}
	return u, nil
}
