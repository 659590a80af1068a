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
	"strings"
	"syscall"
	"time"

	"github.com/thaid-go/thaid-go/mockprovider"
)

// Exit statuses.
const (
	exitOK    = 0 // shut down gracefully, or -h
	exitFail  = 1 // a file could not be read, the address could not be listened on
	exitUsage = 2 // a wrong command line
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type config struct {
	addr, issuer, clientID, clientSecret, citizens, alg, profile, scopes string
	redirectURIs                                                         []string
	autoApprove                                                          bool
}

// parseFlags parses the command line. It returns the exit status to end with, or -1 to go on:
// -h prints the flags on stdout (exitOK); a wrong command line is told on stderr (exitUsage).
func parseFlags(args []string, stdout, stderr io.Writer) (config, int) {
	var c config
	fs := flag.NewFlagSet("thaid-mock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {}
	fs.StringVar(&c.addr, "addr", "127.0.0.1:9090", "listen address")
	fs.StringVar(&c.issuer, "issuer", "", "public base URL (default http:// + the bound address)")
	fs.StringVar(&c.clientID, "client-id", mockprovider.DemoClientID, "client_id of the registered client")
	fs.StringVar(&c.clientSecret, "client-secret", mockprovider.DemoClientSecret, "client_secret of the registered client")
	fs.Func("redirect-uri", "registered redirect URI, exact match (repeatable; none = any, demo only)", func(s string) error {
		c.redirectURIs = append(c.redirectURIs, s)
		return nil
	})
	fs.StringVar(&c.citizens, "citizens", "", "JSON file of citizens (default: the built-in fictional citizens)")
	fs.BoolVar(&c.autoApprove, "auto-approve", false, "approve at once as login_hint's citizen or the first one (no QR page)")
	fs.StringVar(&c.alg, "alg", "", "ID token signing algorithm: ES256 or RS256 (default: the profile's)")
	fs.StringVar(&c.scopes, "scopes", "", "scopes the client is granted, separated by spaces or commas (default: every ThaID scope)")
	fs.StringVar(&c.profile, "profile", mockprovider.DefaultProfileName,
		"provider profile: "+strings.Join(mockprovider.BuiltinProfileNames(), " or ")+" (built in), or a profile file")
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprintf(stdout, "Usage: thaid-mock [flags]\n\nServes a ThaID-compatible OpenID provider for tests and demos (NOT DOPA's ThaID).\n\n")
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return c, exitOK
	case err != nil: // the flag package has said what is wrong
		fmt.Fprintln(stderr, "Run thaid-mock -h for the flags.")
		return c, exitUsage
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "thaid-mock: unexpected arguments: %q\n", fs.Args())
		return c, exitUsage
	}
	return c, -1
}

// run runs the command with args (without the program name): it serves until ctx is done and
// returns the exit status.
func run(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	cfg, st := parseFlags(args, stdout, stderr)
	if st >= 0 {
		return st
	}
	if err := serve(ctx, cfg, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "thaid-mock:", err)
		if errors.Is(err, mockprovider.ErrInvalidOptions) { // from the flags' values
			return exitUsage
		}
		return exitFail
	}
	return exitOK
}

// serve starts the provider and serves until ctx is done.
func serve(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	var citizens []mockprovider.Citizen
	if cfg.citizens != "" {
		f, err := os.Open(cfg.citizens)
		if err != nil {
			return err
		}
		citizens, err = mockprovider.LoadCitizens(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", cfg.citizens, err)
		}
	}
	profile, err := loadProfile(cfg.profile)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	issuer := cfg.issuer
	if issuer == "" {
		issuer = "http://" + ln.Addr().String()
	}
	client := mockprovider.RelyingParty{
		ID: cfg.clientID, Secret: cfg.clientSecret,
		RedirectURIs: cfg.redirectURIs, AllowAnyRedirectURI: len(cfg.redirectURIs) == 0,
		Scopes: grantedScopes(cfg.scopes),
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	p, err := mockprovider.New(mockprovider.Options{
		Issuer: issuer, Clients: []mockprovider.RelyingParty{client}, Citizens: citizens,
		Alg: cfg.alg, AutoApprove: cfg.autoApprove, Logger: logger, Profile: profile,
	})
	if err != nil {
		return err
	}
	printBanner(stdout, p, cfg, ln.Addr().String())

	srv := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
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

// loadProfile returns the built-in profile of that name, else reads the file. BuiltinProfile
// fails only for a name that is not built in (the built-in profiles are valid).
func loadProfile(nameOrFile string) (*mockprovider.Profile, error) {
	if p, err := mockprovider.BuiltinProfile(nameOrFile); err == nil {
		return p, nil
	}
	f, err := os.Open(nameOrFile)
	if err != nil {
		return nil, fmt.Errorf("-profile: %q is neither a built-in profile (%s) nor a readable file: %w",
			nameOrFile, strings.Join(mockprovider.BuiltinProfileNames(), ", "), err)
	}
	defer f.Close()
	p, err := mockprovider.LoadProfile(f)
	if err != nil {
		return nil, fmt.Errorf("-profile %s: %w", nameOrFile, err)
	}
	return p, nil
}

// grantedScopes splits the -scopes value; nil (every scope) when it is empty.
func grantedScopes(s string) []string {
	fs := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' })
	if len(fs) == 0 {
		return nil
	}
	return fs
}

func printBanner(w io.Writer, p *mockprovider.Server, cfg config, addr string) {
	fmt.Fprintf(w, "thaid-mock: a ThaID-compatible OpenID provider for tests and demos (NOT DOPA's ThaID)\n\n")
	fmt.Fprintf(w, "  listening on   %s\n", addr)
	fmt.Fprintf(w, "  issuer         %s\n", p.Issuer())
	for _, e := range []struct{ name, path string }{
		{"discovery", mockprovider.PathDiscovery}, {"jwks", mockprovider.PathJWKS},
		{"authorize", mockprovider.PathAuthorize}, {"token", mockprovider.PathToken},
		{"introspect", mockprovider.PathIntrospect}, {"revoke", mockprovider.PathRevoke},
		{"userinfo", mockprovider.PathUserInfo},
	} {
		fmt.Fprintf(w, "  %-14s %s\n", e.name, p.URL(e.path))
	}
	fmt.Fprintf(w, "\n  client_id      %s\n", cfg.clientID)
	if cfg.clientSecret == mockprovider.DemoClientSecret {
		fmt.Fprintf(w, "  client_secret  %s (the demo secret)\n", cfg.clientSecret)
	} else {
		fmt.Fprintf(w, "  client_secret  (as given by -client-secret)\n")
	}
	if sc := grantedScopes(cfg.scopes); sc != nil {
		fmt.Fprintf(w, "  scopes         %s (granted; others are refused with invalid_scope)\n", strings.Join(sc, " "))
	} else {
		fmt.Fprintf(w, "  scopes         every ThaID scope\n")
	}
	if len(cfg.redirectURIs) == 0 {
		fmt.Fprintf(w, "  redirect URIs  ANY\n")
		fmt.Fprintf(w, "  WARNING: no -redirect-uri given: ANY http(s) redirect URI is accepted. Fine for a demo on\n")
		fmt.Fprintf(w, "           your machine; the real ThaID requires an exact, registered redirect URI.\n")
	} else {
		for _, u := range cfg.redirectURIs {
			fmt.Fprintf(w, "  redirect URI   %s\n", u)
		}
	}
	mode := "interactive: the authorize endpoint shows a QR page; open its link to approve"
	if cfg.autoApprove {
		mode = "auto-approve: as the citizen in login_hint, else the first one"
	}
	pr := p.Profile()
	fmt.Fprintf(w, "  mode           %s\n  signing alg    %s (kid %s)\n", mode, pr.IDToken.Alg, p.ActiveKeyID())
	fmt.Fprintf(w, "\n  profile        %s\n", cfg.profile)
	if pr.Source != "" {
		fmt.Fprintf(w, "                 %s\n", pr.Source)
	}
	for _, r := range [][2]string{
		{"sub", string(pr.Claims.Sub)},
		{"expiry", string(pr.Token.Expiry)},
		{"address", string(pr.Claims.Address)},
		{"auth. errors", string(pr.Authorize.Errors)},
		{"introspection", "token form " + string(pr.Introspection.Token)},
		{"revocation", "token form " + string(pr.Revocation.Token)},
		{"refresh token", (time.Duration(pr.Token.RefreshTokenSeconds) * time.Second).String()},
	} {
		fmt.Fprintf(w, "  %-14s %s\n", r[0], r[1])
	}
	fmt.Fprintf(w, "\n  citizens (fictional; PIDs masked, app passwords are demo data):\n")
	for _, c := range p.Citizens() {
		fmt.Fprintf(w, "    %s  password %s  %s (%s)\n", c.MaskedPID(), c.Password, c.Name(), c.NameEN())
	}
	fmt.Fprintln(w)
}
