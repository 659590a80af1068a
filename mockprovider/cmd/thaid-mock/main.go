// Command thaid-mock serves a ThaID-compatible OpenID provider (package mockprovider) for demos,
// manual testing and real-browser tests, without DOPA credentials.
//
//	go run github.com/thaid-go/thaid-go/mockprovider/cmd/thaid-mock [flags]
//
// With no flags it listens on 127.0.0.1:9090, registers the demo client
// (client_id "thaid-demo", client_secret "demo-secret") that accepts ANY redirect URI and is
// granted every scope (as DOPA's sandbox demo client), loads the default fictional citizens,
// shows the interactive QR page at the authorize endpoint, and behaves as DOPA's sandbox was
// recorded to behave in August 2026 (the built-in profile sandbox-2026-08): sub is the PID,
// expires_in an absolute Unix time, refused authorization requests answered at once as JSON,
// introspection with token=Bearer <t>, revocation with the bare token.
//
// The flags below, the -auto-approve mode and the login_hint parameter are a stable public
// interface for other projects' test suites:
//
//	-addr ADDR           listen address (default 127.0.0.1:9090; port 0 picks a free port)
//	-issuer URL          public base URL, the "iss" of the tokens (default http:// + the bound address)
//	-client-id ID        client_id of the one registered client (default thaid-demo)
//	-client-secret S     its client_secret (default demo-secret)
//	-redirect-uri URI    a registered redirect URI, exact match; repeat for several. None given:
//	                     any http(s) redirect URI is accepted (demo only; a warning is printed)
//	-scopes "S1 S2"      the scopes the client is granted (separated by spaces or commas); an
//	                     authorization request for another scope is refused with invalid_scope.
//	                     None given: every ThaID scope
//	-citizens FILE       JSON array of citizens (mockprovider.Citizen fields) instead of the defaults
//	-auto-approve        authorize redirects at once with a code, as the citizen whose PID is in the
//	                     login_hint parameter, else as the first citizen (no QR page)
//	-alg ALG             ID token signing algorithm: ES256 or RS256 (default: the profile's, ES256)
//	-profile P           the provider's behaviour: a built-in profile (sandbox-2026-08, the default,
//	                     or legacy-mock, the mock's behaviour before it followed the sandbox) or a
//	                     profile file (mockprovider.Profile, as "thaid login -profile FILE" writes
//	                     one); a file named like a built-in profile is read with ./NAME
//
// On start it prints the issuer, the endpoints, the client, and the citizens with masked PIDs and
// their (fictional) app passwords. Logs go to stderr, one line per request, with PIDs masked and
// no tokens or secrets. SIGINT or SIGTERM shut it down gracefully.
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
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/thaid-go/thaid-go/mockprovider"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "thaid-mock:", err)
		}
		os.Exit(2)
	}
}

// repeated is a repeatable string flag.
type repeated []string

// String implements flag.Value.
func (r *repeated) String() string { return strings.Join(*r, ",") }

// Set implements flag.Value: each use of the flag adds a value.
func (r *repeated) Set(s string) error { *r = append(*r, s); return nil }

type config struct {
	addr, issuer, clientID, clientSecret, citizens, alg, profile, scopes string
	redirectURIs                                                         repeated
	autoApprove                                                          bool
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("thaid-mock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:9090", "listen address")
	fs.StringVar(&c.issuer, "issuer", "", "public base URL (default http:// + the bound address)")
	fs.StringVar(&c.clientID, "client-id", mockprovider.DemoClientID, "client_id of the registered client")
	fs.StringVar(&c.clientSecret, "client-secret", mockprovider.DemoClientSecret, "client_secret of the registered client")
	fs.Var(&c.redirectURIs, "redirect-uri", "registered redirect URI, exact match (repeatable; none = any, demo only)")
	fs.StringVar(&c.citizens, "citizens", "", "JSON file of citizens (default: the built-in fictional citizens)")
	fs.BoolVar(&c.autoApprove, "auto-approve", false, "approve at once as login_hint's citizen or the first one (no QR page)")
	fs.StringVar(&c.alg, "alg", "", "ID token signing algorithm: ES256 or RS256 (default: the profile's)")
	fs.StringVar(&c.scopes, "scopes", "", "scopes the client is granted, separated by spaces or commas (default: every ThaID scope)")
	fs.StringVar(&c.profile, "profile", mockprovider.DefaultProfileName,
		"provider profile: "+strings.Join(mockprovider.BuiltinProfileNames(), " or ")+" (built in), or a profile file")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	return c, nil
}

// run starts the server and blocks until ctx is done. ready, if not nil, is called with the
// issuer once the server listens.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, ready func(issuer string)) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
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
	if ready != nil {
		ready(p.Issuer())
	}
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

// loadProfile returns the built-in profile of that name, else reads the file.
func loadProfile(nameOrFile string) (*mockprovider.Profile, error) {
	if slices.Contains(mockprovider.BuiltinProfileNames(), nameOrFile) {
		return mockprovider.BuiltinProfile(nameOrFile)
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
