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

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "floodtarget:", err)
		}
		os.Exit(2)
	}
}

type config struct {
	addr, issuer, store, redisAddr, redisPrefix, clientID, clientSecret string
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("floodtarget", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:0", "listen address")
	fs.StringVar(&c.issuer, "issuer", "", "ThaID issuer URL, found by OpenID discovery (required)")
	fs.StringVar(&c.store, "store", "memory", "session and pending-login store: memory or redis")
	fs.StringVar(&c.redisAddr, "redis", "", "Redis address host:port (with -store redis)")
	fs.StringVar(&c.redisPrefix, "redis-prefix", "floodtarget:", "key prefix in Redis")
	fs.StringVar(&c.clientID, "client-id", mockprovider.DemoClientID, "ThaID client_id")
	fs.StringVar(&c.clientSecret, "client-secret", mockprovider.DemoClientSecret, "ThaID client_secret")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("unexpected arguments: %q", fs.Args())
	case c.issuer == "":
		return c, errors.New("-issuer is required")
	case c.store != "memory" && c.store != "redis":
		return c, fmt.Errorf("-store %q: want memory or redis", c.store)
	case c.store == "redis" && c.redisAddr == "":
		return c, errors.New("-store redis needs -redis ADDR")
	}
	return c, nil
}

// run serves until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
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
