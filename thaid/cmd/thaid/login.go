package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/thaid-go/thaid-go/thaid"
)

const loginSynopsis = `thaid login -issuer production|sandbox|URL -client-id ID -redirect-url URL [flags]

Logs in once with ThaID: listens on the redirect URL (loopback only), prints the
authorization URL on a line "open: <url>" to stderr, opens the browser, waits for
the callback, and prints the verified identity (PID masked), what the provider
sent, and the thaid.Config that fits it. The client secret comes from
-client-secret or, better, the environment variable THAID_CLIENT_SECRET.`

const loginExamples = `  export THAID_CLIENT_SECRET='...'   # from DOPA's sandbox credentials
  thaid login -issuer sandbox -client-id 6b2e... -redirect-url http://127.0.0.1:8080/callback

  # also write the provider's profile, for thaid-mock -profile sandbox.json
  thaid login -issuer sandbox -client-id 6b2e... -redirect-url http://127.0.0.1:8080/callback -profile sandbox.json

  # against the mock provider (go run ./mockprovider/cmd/thaid-mock), as JSON
  THAID_CLIENT_SECRET=demo-secret thaid login -issuer http://127.0.0.1:9090 \
      -client-id thaid-demo -redirect-url http://127.0.0.1:8080/callback -json
`

// loginOptions are the parsed flags of thaid login.
type loginOptions struct {
	issuer    issuerFlag
	clientID  string
	secret    string
	redirect  *url.URL
	scopes    []string
	authStyle thaid.AuthStyle
	json      bool
	showPID   bool
	noBrowser bool
	timeout   time.Duration
	profile   string // -profile: where to write the provider's profile ("" = not written)
}

func runLogin(ctx context.Context, e env, args []string) int {
	fs := newFlagSet(e, "login", loginSynopsis, loginExamples)
	issuer := fs.String("issuer", "", issuerUsage+" (required)")
	clientID := fs.String("client-id", "", "client ID registered at DOPA's RP Admin (required)")
	secret := fs.String("client-secret", "", "client secret (default $THAID_CLIENT_SECRET; prefer the variable: flags show in ps and shell history)")
	redirect := fs.String("redirect-url", "", "redirect URL exactly as registered; its host must be 127.0.0.1, [::1] or localhost (required)")
	scopes := fs.String("scopes", strings.Join(thaid.DefaultScopes, " "), "scopes to request, separated by spaces or commas")
	authStyle := fs.String("auth-style", "basic", "client authentication at the token endpoint: basic or post")
	asJSON := fs.Bool("json", false, "print one JSON object on stdout instead of text")
	showPID := fs.Bool("show-pid", false, "print the PID in full (personal data: masked by default)")
	noBrowser := fs.Bool("no-browser", false, "do not open the system browser; open the printed URL yourself")
	timeout := fs.Duration("timeout", 5*time.Minute, "how long to wait for the callback")
	profile := fs.String("profile", "", "write the provider's profile (shapes and forms, no personal data) to this file, for thaid-mock -profile")
	if st := parseFlags(e, fs, args); st >= 0 {
		return st
	}
	if fs.NArg() > 0 {
		return fail(e, "login", exitUsage, "unexpected arguments %q", fs.Args())
	}
	o := loginOptions{clientID: strings.TrimSpace(*clientID), json: *asJSON, showPID: *showPID,
		noBrowser: *noBrowser, timeout: *timeout, profile: *profile}
	var err error
	if o.issuer, err = parseIssuer(*issuer); err != nil {
		return fail(e, "login", exitUsage, "%v", err)
	}
	if o.clientID == "" {
		return fail(e, "login", exitUsage, "-client-id is required")
	}
	o.secret = cmp.Or(*secret, os.Getenv("THAID_CLIENT_SECRET"))
	if o.secret == "" {
		return fail(e, "login", exitUsage, "no client secret: set the environment variable THAID_CLIENT_SECRET (or pass -client-secret)")
	}
	if o.redirect, err = parseRedirect(*redirect); err != nil {
		return fail(e, "login", exitUsage, "%v", err)
	}
	o.scopes = strings.FieldsFunc(*scopes, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' })
	if len(o.scopes) == 0 {
		return fail(e, "login", exitUsage, "-scopes is empty")
	}
	switch strings.ToLower(*authStyle) {
	case "basic":
		o.authStyle = thaid.AuthStyleBasic
	case "post":
		o.authStyle = thaid.AuthStylePost
	default:
		return fail(e, "login", exitUsage, "-auth-style %q: use basic or post", *authStyle)
	}
	if o.timeout <= 0 {
		return fail(e, "login", exitUsage, "-timeout must be positive")
	}
	return login(ctx, e, o)
}

// parseRedirect checks the redirect URL: absolute http, loopback host.
func parseRedirect(s string) (*url.URL, error) {
	if s == "" {
		return nil, errors.New("-redirect-url is required: the redirect URL registered for your client, e.g. http://127.0.0.1:8080/callback")
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("-redirect-url %q is not an absolute http URL", s)
	}
	if u.Fragment != "" {
		return nil, fmt.Errorf("-redirect-url %q must not have a fragment", s)
	}
	if !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("-redirect-url %q: host %q is not loopback; this command only listens on 127.0.0.1, [::1] or localhost, so that the code reaches no other machine. Register a loopback redirect URL for your sandbox client", s, u.Hostname())
	}
	if u.Scheme == "https" {
		return nil, fmt.Errorf("-redirect-url %q: this command serves plain http on loopback; register an http://127.0.0.1:PORT/... redirect URL for your sandbox client", s)
	}
	return u, nil
}

func login(ctx context.Context, e env, o loginOptions) int {
	hc, rec := newHTTPClient()
	client, err := thaid.New(ctx, thaid.Config{
		ClientID:     o.clientID,
		ClientSecret: thaid.Secret(o.secret),
		RedirectURL:  o.redirect.String(),
		Scopes:       o.scopes,
		Provider:     o.issuer.provider,
		HTTPClient:   hc,
		AuthStyle:    o.authStyle,
		// A diagnostic: a missing nonce is reported (nonce_echoed) instead of
		// ending the login; a wrong nonce is still refused.
		NonceOptional: true,
		LoginTTL:      max(o.timeout+time.Minute, thaid.DefaultLoginTTL),
	})
	if err != nil {
		return loginFailed(e, o, nil, &loginFailure{reason: "provider_unusable",
			msg: fmt.Sprintf("cannot use the provider at %s: %v", o.issuer.provider.Issuer, err)})
	}
	cfg := client.Config()

	lns, err := listen(o.redirect)
	if err != nil {
		return loginFailed(e, o, nil, &loginFailure{reason: "listen", msg: err.Error()})
	}
	l, err := client.NewLogin()
	if err != nil {
		return loginFailed(e, o, nil, &loginFailure{reason: "internal", msg: err.Error()})
	}
	authURL := client.AuthCodeURL(l, nil)
	if f := preflight(ctx, hc, authURL, o); f != nil {
		for _, ln := range lns {
			ln.Close()
		}
		return loginFailed(e, o, nil, f)
	}
	authorizeErrors := probeAuthorizeErrors(ctx, hc, authURL, o.redirect)

	wctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	done := make(chan loginOutcome, 1)
	var wrongState atomic.Int64
	refused := func() {
		if wrongState.Add(1) == 1 {
			fmt.Fprintf(e.stderr, "refused a callback without this login's state (an old browser tab, another program or a web page); still waiting\n")
		}
	}
	srv := &http.Server{Handler: callbackHandler(wctx, client, l, o.redirect.Path, done, refused), ReadHeaderTimeout: 10 * time.Second}
	for _, ln := range lns {
		go func() { _ = srv.Serve(ln) }()
	}
	defer func() {
		sctx, c := context.WithTimeout(context.Background(), 5*time.Second)
		defer c()
		_ = srv.Shutdown(sctx)
	}()

	fmt.Fprintf(e.stderr, "listening on %s for the callback (timeout %s)\n", o.redirect, o.timeout)
	fmt.Fprintf(e.stderr, "open: %s\n", authURL)
	if !o.noBrowser {
		if err := openBrowser(authURL); err != nil {
			fmt.Fprintf(e.stderr, "could not open a browser (%v); open the URL above yourself\n", err)
		}
	}
	fmt.Fprintf(e.stderr, "waiting for the citizen to approve in the ThaID app...\n")

	var out loginOutcome
	select {
	case out = <-done:
	case <-wctx.Done():
		if ctx.Err() != nil {
			out.err = &loginFailure{reason: "interrupted", msg: "interrupted before the callback came"}
		} else {
			msg := fmt.Sprintf("timed out after %s without a callback to %s: nobody approved on the phone, or the browser did not come back (a 'Bad data request' page means the redirect URL is not registered)",
				o.timeout, o.redirect)
			switch n := wrongState.Load(); {
			case n == 1:
				msg += "; 1 callback with a wrong or missing state was refused"
			case n > 1:
				msg += fmt.Sprintf("; %d callbacks with a wrong or missing state were refused", n)
			}
			out.err = &loginFailure{reason: "timeout", msg: msg}
		}
	}
	report, seen := buildReport(rec, cfg, o.issuer, l.Nonce)
	report.AuthorizeErrors = authorizeErrors
	report.addDiscovery(readDiscovery(ctx, hc, rec, cfg.Provider.Issuer))
	if out.err != nil {
		var rp *providerReport
		if seen {
			rp = &report
		}
		return loginFailed(e, o, rp, out.err)
	}
	if out.res == nil || out.res.Identity == nil {
		return loginFailed(e, o, &report, &loginFailure{reason: "no_identity", msg: "the login completed without an identity"})
	}
	report.probeTokenForms(ctx, cfg, out.res.Token)
	if o.profile != "" {
		if err := writeProfile(o.profile, report, time.Now()); err != nil {
			return loginFailed(e, o, &report, &loginFailure{reason: "profile", msg: fmt.Sprintf("cannot write the profile: %v", err)})
		}
		fmt.Fprintf(e.stderr, "profile written to %s\n", o.profile)
	}
	return loginSucceeded(e, o, out.res, report, fittingConfig(cfg, o.issuer, report))
}
