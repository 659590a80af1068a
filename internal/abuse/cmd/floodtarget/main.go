package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/middleware/redisstore"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// Exit statuses.
const (
	exitOK    = 0 // shut down gracefully, or -h
	exitFail  = 1 // could not start, or failed while serving
	exitUsage = 2 // a wrong command line
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type config struct {
	addr, issuer, store, redisAddr, redisPrefix, clientID, clientSecret string
}

// parseFlags parses the command line. It returns the exit status to end with, or -1 to go on:
// -h prints the flags on stdout (exitOK); a wrong command line is told on stderr (exitUsage).
func parseFlags(args []string, stdout, stderr io.Writer) (config, int) {
	var c config
	fs := flag.NewFlagSet("floodtarget", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {}
	fs.StringVar(&c.addr, "addr", "127.0.0.1:0", "listen address")
	fs.StringVar(&c.issuer, "issuer", "", "ThaID issuer URL, found by OpenID discovery (required)")
	fs.StringVar(&c.store, "store", "memory", "session and pending-login store: memory or redis")
	fs.StringVar(&c.redisAddr, "redis", "", "Redis address host:port (with -store redis)")
	fs.StringVar(&c.redisPrefix, "redis-prefix", "floodtarget:", "key prefix in Redis")
	fs.StringVar(&c.clientID, "client-id", mockprovider.DemoClientID, "ThaID client_id")
	fs.StringVar(&c.clientSecret, "client-secret", mockprovider.DemoClientSecret, "ThaID client_secret")
	switch err := fs.Parse(args); {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprintf(stdout, "Usage: floodtarget -issuer URL [flags]\n\n")
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return c, exitOK
	case err != nil: // the flag package has said what is wrong
	default:
		if err = c.check(fs.Args()); err == nil {
			return c, -1
		}
		fmt.Fprintln(stderr, "floodtarget:", err)
	}
	fmt.Fprintln(stderr, "Run floodtarget -h for the flags.")
	return c, exitUsage
}

// check checks the values of the flags, and that no argument is left.
func (c config) check(args []string) error {
	switch {
	case len(args) > 0:
		return fmt.Errorf("unexpected arguments: %q", args)
	case c.issuer == "":
		return errors.New("-issuer is required")
	case c.store != "memory" && c.store != "redis":
		return fmt.Errorf("-store %q: want memory or redis", c.store)
	case c.store == "redis" && c.redisAddr == "":
		return errors.New("-store redis needs -redis ADDR")
	}
	return nil
}

// run runs the command with args (without the program name): it serves until ctx is done and
// returns the exit status.
func run(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	cfg, st := parseFlags(args, stdout, stderr)
	if st >= 0 {
		return st
	}
	if err := serve(ctx, cfg, stdout); err != nil {
		fmt.Fprintln(stderr, "floodtarget:", err)
		return exitFail
	}
	return exitOK
}

// serve serves until ctx is done.
func serve(ctx context.Context, cfg config, stdout io.Writer) error {
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	base := "http://" + ln.Addr().String()

	var store middleware.Store // nil: the middleware's memory store
	if cfg.store == "redis" {
		rdb := redis.NewClient(&redis.Options{Addr: cfg.redisAddr})
		defer rdb.Close()
		if err := rdb.Ping(ctx).Err(); err != nil {
			return fmt.Errorf("redis at %s: %w", cfg.redisAddr, err)
		}
		store = redisstore.New(rdb, cfg.redisPrefix)
	}
	client, err := thaid.New(ctx, thaid.Config{
		ClientID:     cfg.clientID,
		ClientSecret: thaid.Secret(cfg.clientSecret),
		RedirectURL:  base + "/callback",
		Provider:     thaid.Provider{Issuer: cfg.issuer},
	})
	if err != nil {
		return err
	}
	auth, err := middleware.New(middleware.Config{
		Client: client,
		Store:  store,
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /login", auth.Login())
	mux.Handle("GET /callback", auth.Callback())
	mux.Handle("GET /private/", auth.Require(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "signed in")
	})))

	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintln(stdout, "listening", base)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
