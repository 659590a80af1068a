package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
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
	o.secret = *secret
	if o.secret == "" {
		o.secret = os.Getenv("THAID_CLIENT_SECRET")
	}
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

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// listen listens on the redirect URL's host and port. localhost gets 127.0.0.1
// and, when available, [::1], since a browser may try either.
func listen(u *url.URL) ([]net.Listener, error) {
	port := u.Port()
	if port == "" {
		port = "80"
	}
	hosts := []string{u.Hostname()}
	if strings.EqualFold(u.Hostname(), "localhost") {
		hosts = []string{"127.0.0.1", "::1"}
	}
	var lns []net.Listener
	for i, h := range hosts {
		ln, err := net.Listen("tcp", net.JoinHostPort(h, port))
		if err != nil {
			if i > 0 { // [::1] for localhost is a bonus
				continue
			}
			return nil, fmt.Errorf("cannot listen on the redirect URL's address %s: %w", net.JoinHostPort(h, port), err)
		}
		lns = append(lns, ln)
	}
	return lns, nil
}

// loginOutcome is what the callback handler learned.
type loginOutcome struct {
	res *thaid.Result
	err error
}

// loginFailure is a failed login, with a short machine-readable reason.
type loginFailure struct {
	reason string // denied, state_mismatch, timeout, invalid_client, redirect_not_registered, ...
	msg    string
	scopes []string // scope_not_granted: the scopes the client is not granted
}

func (f *loginFailure) Error() string { return f.msg }

func login(ctx context.Context, e env, o loginOptions) int {
	hc, rec := newHTTPClient()
	loginTTL := o.timeout + time.Minute
	if loginTTL < thaid.DefaultLoginTTL {
		loginTTL = thaid.DefaultLoginTTL
	}
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
		LoginTTL:      loginTTL,
	})
	if err != nil {
		return loginFailed(e, o, nil, &loginFailure{reason: "provider_unusable",
			msg: fmt.Sprintf("cannot use the provider at %s: %v", o.issuer.url, err)})
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
		closeAll(lns)
		return loginFailed(e, o, nil, f)
	}
	authorizeErrors := probeAuthorizeErrors(ctx, hc, authURL, o.redirect)

	wctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	done := make(chan loginOutcome, 1)
	srv := &http.Server{Handler: callbackHandler(wctx, client, l, o.redirect.Path, done), ReadHeaderTimeout: 10 * time.Second}
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
			out.err = &loginFailure{reason: "timeout", msg: fmt.Sprintf(
				"timed out after %s without a callback to %s: nobody approved on the phone, or the browser did not come back (a 'Bad data request' page means the redirect URL is not registered)",
				o.timeout, o.redirect)}
		}
	}
	report, seen := buildReport(rec, cfg, o.issuer, cfg.Scopes, l.Nonce)
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
	tf := probeTokenForms(ctx, cfg, out.res.Token)
	report.IntrospectionTokenForm, report.RevocationTokenForm = tf.introspection, tf.revocation
	report.RefreshTokenSeconds = tf.refreshSeconds
	if o.profile != "" {
		if err := writeProfile(o.profile, report, time.Now()); err != nil {
			return loginFailed(e, o, &report, &loginFailure{reason: "profile", msg: fmt.Sprintf("cannot write the profile: %v", err)})
		}
		fmt.Fprintf(e.stderr, "profile written to %s\n", o.profile)
	}
	return loginSucceeded(e, o, out.res, report, fittingConfig(cfg, o.issuer, report))
}

func closeAll(lns []net.Listener) {
	for _, ln := range lns {
		ln.Close()
	}
}

var resultPage = template.Must(template.New("result").Parse(`<!doctype html>
<html lang="th"><head><meta charset="utf-8"><title>thaid login</title>
<style>body{font-family:sans-serif;max-width:40em;margin:3em auto;padding:0 1em}.ok{color:#0a6b2a}.bad{color:#a40e26}</style></head>
<body>{{if and .OK .Verified}}<h1 class="ok">เข้าสู่ระบบสำเร็จ · Login verified</h1>
{{else if .OK}}<h1 class="bad">ข้อมูลไม่ได้รับการยืนยัน · Login completed, claims NOT verified</h1><p>The claims came without a signed ID token: ask for the openid scope.</p>
{{else}}<h1 class="bad">เข้าสู่ระบบไม่สำเร็จ · Login failed</h1><p>{{.Reason}}</p>
{{end}}<p>ปิดแท็บนี้แล้วกลับไปที่เทอร์มินัล · You can close this tab and go back to the terminal.</p></body></html>
`))

// callbackHandler serves the redirect URL's path: the first callback completes
// the login (Exchange) and is reported on done; later ones are told the login is over.
func callbackHandler(ctx context.Context, client *thaid.Client, l *thaid.Login, path string, done chan<- loginOutcome) http.Handler {
	if path == "" {
		path = "/"
	}
	var once sync.Once
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path {
			http.NotFound(w, r)
			return
		}
		first := false
		once.Do(func() { first = true })
		if !first {
			http.Error(w, "This login is already finished; see the terminal.", http.StatusConflict)
			return
		}
		res, err := client.Exchange(ctx, l, r.URL.Query())
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Referrer-Policy", "no-referrer")
		data := struct {
			OK, Verified bool
			Reason       string
		}{OK: err == nil}
		if err == nil && res != nil && res.Identity != nil {
			data.Verified = res.Identity.Verified
		}
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			data.Reason = classify(err).msg
		}
		_ = resultPage.Execute(w, data)
		done <- loginOutcome{res: res, err: err}
	})
}

// classify turns an error of the login into a reason and a message for people.
func classify(err error) *loginFailure {
	var f *loginFailure
	if errors.As(err, &f) {
		// its message may quote the provider (an error_description): mask it too
		return &loginFailure{reason: f.reason, msg: thaid.MaskPID(f.msg), scopes: f.scopes}
	}
	msg := thaid.MaskPID(err.Error())
	var pe *thaid.Error
	errors.As(err, &pe)
	switch {
	case errors.Is(err, thaid.ErrUserDenied):
		return &loginFailure{reason: "denied", msg: "the citizen refused the request in the ThaID app (" + msg + ")"}
	case errors.Is(err, thaid.ErrStateMismatch):
		return &loginFailure{reason: "state_mismatch", msg: "state mismatch: the callback does not belong to this login (an old browser tab, or a forged request)"}
	case errors.Is(err, thaid.ErrInvalidClient):
		return &loginFailure{reason: "invalid_client", msg: "bad client credentials: the token endpoint refused the client ID or secret (" + msg + "); check -client-id, the secret and -auth-style"}
	case errors.Is(err, thaid.ErrInvalidGrant), pe != nil && pe.Code == "invalid_request":
		return &loginFailure{reason: "invalid_grant", msg: "the token endpoint refused the code (" + msg + ")"}
	case errors.Is(err, thaid.ErrProviderUnavailable):
		return &loginFailure{reason: "provider_unavailable", msg: "the provider is unavailable (" + msg + ")"}
	case errors.Is(err, thaid.ErrUnsupportedAlg), errors.Is(err, thaid.ErrBadSignature),
		errors.Is(err, thaid.ErrIssuerMismatch), errors.Is(err, thaid.ErrAudienceMismatch),
		errors.Is(err, thaid.ErrTokenExpired), errors.Is(err, thaid.ErrTokenNotYetValid),
		errors.Is(err, thaid.ErrIssuedInFuture), errors.Is(err, thaid.ErrNonceMismatch),
		errors.Is(err, thaid.ErrAtHashMismatch), errors.Is(err, thaid.ErrInvalidToken):
		return &loginFailure{reason: "invalid_id_token", msg: "the ID token did not verify (" + msg + ")"}
	case pe != nil:
		return &loginFailure{reason: "provider_error", msg: "the provider answered with an error (" + msg + ")"}
	}
	return &loginFailure{reason: "error", msg: msg}
}

// loginJSON is the -json output of thaid login.
type loginJSON struct {
	Verified bool            `json:"verified"`
	PID      *string         `json:"pid,omitempty"` // on every completed login, "" when no pid came
	Subject  string          `json:"subject,omitempty"`
	Name     string          `json:"name,omitempty"`
	Claims   map[string]any  `json:"claims,omitempty"`
	Provider *providerReport `json:"provider,omitempty"`
	Config   *configReport   `json:"config,omitempty"`
	Error    string          `json:"error,omitempty"`
	Reason   string          `json:"reason,omitempty"`
	// ScopesNotGranted names, with reason scope_not_granted, the scopes the client is not
	// granted (each was asked for alone).
	ScopesNotGranted []string `json:"scopes_not_granted,omitempty"`
}

func loginFailed(e env, o loginOptions, r *providerReport, err error) int {
	f := classify(err)
	if o.json {
		writeJSON(e.stdout, loginJSON{Provider: r, Error: f.msg, Reason: f.reason, ScopesNotGranted: f.scopes})
	} else if r != nil {
		fmt.Fprintf(e.stdout, "What the provider sent\n")
		r.writeText(e.stdout)
	}
	fmt.Fprintf(e.stderr, "thaid login: %s\n", f.msg)
	return exitFail
}

func loginSucceeded(e env, o loginOptions, res *thaid.Result, r providerReport, c configReport) int {
	id := res.Identity
	pid := id.PID.Masked()
	if o.showPID {
		pid = id.PID.Digits()
	}
	sub := id.Subject
	if !o.showPID {
		sub = thaid.MaskPID(sub)
	}
	if o.json {
		out := loginJSON{Verified: id.Verified, PID: &pid, Subject: sub, Name: id.DisplayName(),
			Claims: maskClaims(id.Raw, o.showPID), Provider: &r, Config: &c}
		if !id.Verified {
			out.Error, out.Reason = notVerified, "not_verified"
		}
		writeJSON(e.stdout, out)
		return verifiedExit(e, id)
	}
	w := e.stdout
	switch {
	case id.Verified && r.NonceEchoed != nil && !*r.NonceEchoed:
		fmt.Fprintf(w, "Login verified: the claims come from an ID token whose signature, issuer, audience and expiry checked out; it carried no nonce.\n\n")
	case id.Verified:
		fmt.Fprintf(w, "Login verified: the claims come from an ID token whose signature, issuer, audience, expiry and nonce checked out.\n\n")
	default:
		fmt.Fprintf(w, "Login completed, claims NOT verified: they came flat in the token response (no openid scope), resting on the connection (TLS) alone, not on a signature.\n\n")
	}
	fmt.Fprintf(w, "Citizen\n")
	if pid != "" {
		if o.showPID {
			fmt.Fprintf(w, "  %-28s %s\n", "pid", pid)
		} else {
			fmt.Fprintf(w, "  %-28s %s (masked; -show-pid prints it in full)\n", "pid", pid)
		}
	}
	if n := id.DisplayName(); n != "" {
		fmt.Fprintf(w, "  %-28s %s\n", "name", n)
	}
	claims := maskClaims(id.Raw, o.showPID)
	for _, k := range sortedKeys(claims) {
		b, _ := json.Marshal(claims[k])
		fmt.Fprintf(w, "  %-28s %s\n", "claim "+k, b)
	}
	fmt.Fprintf(w, "\nWhat the provider sent\n")
	r.writeText(w)
	fmt.Fprintf(w, "\nThe thaid.Config that fits this provider\n\n")
	c.writeGo(w)
	return verifiedExit(e, id)
}

const notVerified = `the claims came flat in the token response, not in a signed ID token: ask for the "openid" scope`

// verifiedExit is exitOK for a verified login. Claims that no signature covers make the
// command fail (exit 1), so that a script never takes an unverified login for a good one.
func verifiedExit(e env, id *thaid.Identity) int {
	if id.Verified {
		return exitOK
	}
	fmt.Fprintf(e.stderr, "thaid login: %s\n", notVerified)
	return exitFail
}

func writeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
