package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/thaid-go/thaid-go/mockprovider"
)

// Key names for acceptWith.
const (
	keyES256 = "ES256"
	keyRS256 = "RS256"
)

// runner owns the provider and runs the plan against one RP.
type runner struct {
	cfg       config
	ctx       context.Context
	p         *mockprovider.Provider
	srv       *http.Server
	kids      map[string]string // published key ID by key name (keyES256, keyRS256)
	tokenPath string
	tokenHits atomic.Int64 // calls of the token endpoint since the last reset, answered or not
	baseline  string       // why a good login failed before the plan ran; "" = it worked
}

// setupError is a usage or setup error: exit status 2.
type setupError struct{ msg string }

func (e *setupError) Error() string { return e.msg }

func setupErrorf(format string, a ...any) error { return &setupError{fmt.Sprintf(format, a...)} }

// newRunner starts the provider on cfg.addr, with an ES256 key (active) and an RS256 key
// published, the RP's client registered, logins approved at once and the claims also sent flat.
func newRunner(ctx context.Context, cfg config) (*runner, error) {
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return nil, setupErrorf("provider: %v", err)
	}
	issuer := cfg.issuer
	if issuer == "" {
		issuer = "http://" + ln.Addr().String()
	}
	p, err := mockprovider.New(mockprovider.Options{
		Issuer: issuer,
		Clients: []mockprovider.Client{{
			ID: cfg.clientID, Secret: cfg.clientSecret, RedirectURIs: []string{cfg.redirectURI.String()},
		}},
		AutoApprove:          true,
		FlatClaimsWithOpenID: true,
		Logger:               slog.New(slog.DiscardHandler),
	})
	if err != nil {
		ln.Close()
		return nil, setupErrorf("provider: %v", err)
	}
	es := p.ActiveKeyID()
	rs, err := p.RotateKey("RS256")
	if err == nil {
		err = p.SetActiveKey(es)
	}
	if err != nil {
		ln.Close()
		return nil, setupErrorf("provider keys: %v", err)
	}
	tu, _ := url.Parse(p.URL(mockprovider.PathToken))
	r := &runner{cfg: cfg, ctx: ctx, p: p, kids: map[string]string{keyES256: es, keyRS256: rs}, tokenPath: tu.Path}
	r.srv = &http.Server{Handler: http.HandlerFunc(r.serveProvider), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(slog.DiscardHandler, slog.LevelError)}
	go func() { _ = r.srv.Serve(ln) }()
	return r, nil
}

// serveProvider counts the calls of the token endpoint (the provider's own log misses a call
// whose client hung up), then lets the provider answer.
func (r *runner) serveProvider(w http.ResponseWriter, req *http.Request) {
	if req.URL.Path == r.tokenPath {
		r.tokenHits.Add(1)
	}
	r.p.ServeHTTP(w, req)
}

func (r *runner) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if r.srv.Shutdown(ctx) != nil {
		r.srv.Close()
	}
}

// ready waits until the probe answers at all, checks that a browser with no cookies is
// signed out, then runs one good login as the baseline of the refusal cases.
func (r *runner) ready() error {
	deadline := time.Now().Add(r.cfg.wait)
	for {
		b := r.newBrowser()
		b.hc.Timeout = min(b.hc.Timeout, time.Until(deadline)+time.Second)
		in, status, err := b.signedIn()
		if err == nil {
			if in {
				return setupErrorf("the probe %s says signed in (%d) before any login: it must answer 2xx only to a signed-in browser", r.cfg.probe, status)
			}
			break
		}
		if r.ctx.Err() != nil {
			return setupErrorf("interrupted")
		}
		if time.Now().After(deadline) {
			return setupErrorf("the RP does not answer at %s after %s: %v", r.cfg.probe, r.cfg.wait, err)
		}
		select {
		case <-time.After(200 * time.Millisecond):
		case <-r.ctx.Done():
		}
	}
	r.reset()
	if a := r.login(); !a.signedIn {
		r.baseline = a.String()
	}
	r.reset()
	return nil
}

// reset puts the provider back as each case expects it.
func (r *runner) reset() {
	r.p.ClearFaults()
	r.p.SetCodeReuse(false)
	_ = r.p.SetActiveKey(r.kids[keyES256])
	r.p.ResetRequests()
	r.tokenHits.Store(0)
}

// result is the outcome of one case.
type result struct {
	tc   testCase
	out  outcome
	took time.Duration
}

// outcome is what a case found. A case that cannot be observed fails.
type outcome struct {
	pass         bool
	unobservable bool
	detail       string // what the RP did
}

func passed(format string, a ...any) outcome {
	return outcome{pass: true, detail: fmt.Sprintf(format, a...)}
}

func failed(format string, a ...any) outcome { return outcome{detail: fmt.Sprintf(format, a...)} }

func cannot(format string, a ...any) outcome {
	return outcome{unobservable: true, detail: "cannot be observed: " + fmt.Sprintf(format, a...)}
}

// runCase runs one case on a freshly reset provider and applies its needs: a case whose needs
// are not met cannot be observed, and a refusal means nothing when a good login is refused too.
func (r *runner) runCase(tc testCase) result {
	r.reset()
	defer r.reset()
	start := time.Now()
	out := tc.run(r)
	switch why := r.unmet(tc.needs); {
	case out.unobservable:
	case why != "":
		out = cannot("%s", why)
	case out.pass && !tc.accepts() && r.baseline != "":
		out = cannot("a good login is refused too (%s), so this refusal proves nothing", r.baseline)
	}
	return result{tc: tc, out: out, took: time.Since(start)}
}

// unmet says which of n the RP did not do in this case ("" = all of them).
func (r *runner) unmet(n needs) string {
	recs := r.p.Requests()
	if n&(needOpenID|needNonce|needPID) != 0 {
		i := slices.IndexFunc(recs, func(rec mockprovider.RequestRecord) bool {
			return rec.Endpoint == mockprovider.EndpointAuthorize && rec.Status == http.StatusFound
		})
		if i < 0 {
			return "the RP's login never got a code from the provider's authorization endpoint"
		}
		auth := recs[i]
		switch {
		case n&needOpenID != 0 && !slices.Contains(auth.Scopes, "openid"):
			return "the RP did not ask for the openid scope, so no ID token was sent"
		case n&needNonce != 0 && auth.Nonce == "":
			return "the RP sent no nonce in its authorization request"
		case n&needPID != 0 && !slices.Contains(auth.Scopes, "pid"):
			return "the RP did not ask for the pid scope, so no pid was sent"
		}
	}
	if n&(needToken200|needTokenHit) != 0 && r.tokenHits.Load() == 0 {
		return "the RP never called the token endpoint"
	}
	if n&needToken200 != 0 {
		status := 0
		for _, rec := range recs {
			if rec.Endpoint == mockprovider.EndpointToken && rec.GrantType == "authorization_code" {
				if rec.Status == http.StatusOK {
					return ""
				}
				status = rec.Status
			}
		}
		return fmt.Sprintf("the token endpoint refused the RP's code redemption (%d); check -client-id, -client-secret and -redirect-uri", status)
	}
	return ""
}

// ---- cases

func acceptWith(key string) func(r *runner) outcome {
	return func(r *runner) outcome {
		if err := r.p.SetActiveKey(r.kids[key]); err != nil {
			return cannot("%v", err)
		}
		return r.login().accepted()
	}
}

func keyRotation(r *runner) outcome {
	if a := r.login(); !a.signedIn {
		return cannot("the good login before the rotation was refused (%s)", a)
	}
	if _, err := r.p.RotateKey("ES256"); err != nil {
		return cannot("rotating the key: %v", err)
	}
	return r.login().accepted()
}

func refuseTokenFault(f mockprovider.TokenFault) func(r *runner) outcome {
	return func(r *runner) outcome {
		r.p.QueueTokenFault(f)
		return r.login().refused()
	}
}

func refuseFault(f mockprovider.Fault) func(r *runner) outcome {
	return func(r *runner) outcome {
		r.p.QueueFault(mockprovider.EndpointToken, f)
		return r.login().refused()
	}
}

func accessDenied(r *runner) outcome {
	r.p.QueueFault(mockprovider.EndpointAuthorize, mockprovider.Fault{Error: "access_denied",
		Description: "the citizen refused to share the data"})
	a := r.login()
	if !slices.ContainsFunc(r.p.RequestsTo(mockprovider.EndpointAuthorize), func(rec mockprovider.RequestRecord) bool { return rec.Fault }) {
		return cannot("the RP's login never reached the provider's authorization endpoint")
	}
	return a.refused()
}

func tokenTimeout(r *runner) outcome {
	r.p.QueueFault(mockprovider.EndpointToken, mockprovider.Fault{Delay: tokenStall, Status: http.StatusGatewayTimeout,
		Error: "temporarily_unavailable", Description: "thaid-rpcheck: the token endpoint timed out"})
	a := r.login()
	switch {
	case a.err != nil || a.signedIn:
		return a.refused()
	case a.took >= tokenStall:
		return failed("waited %s for the token endpoint, until the provider gave up itself; give the token request a timeout shorter than %s",
			a.took.Round(100*time.Millisecond), tokenStall)
	}
	return passed("gave up after %s; the callback answered %d, the probe %d", a.took.Round(100*time.Millisecond), a.callback, a.probe)
}

func stateWrong(r *runner) outcome {
	b := r.newBrowser()
	cb, err := b.toCallback()
	if err != nil {
		return cannot("%v", err)
	}
	q := cb.Query()
	q.Set("state", randomString())
	cb.RawQuery = q.Encode()
	return b.finish(cb).refused()
}

// replay signs a browser in with a callback, then opens the same callback again: in a copy of
// the browser as it was before the first use, or (other) in a browser of its own.
func replay(other bool) func(r *runner) outcome {
	return func(r *runner) outcome {
		r.p.SetCodeReuse(true)
		b := r.newBrowser()
		cb, err := b.toCallback()
		if err != nil {
			return cannot("%v", err)
		}
		again := b.clone()
		if other {
			again = r.newBrowser()
		}
		if first := b.finish(cb); !first.signedIn {
			return cannot("the first use of the callback did not sign in (%s)", first)
		}
		return again.finish(cb).refused()
	}
}

func codeInjection(r *runner) outcome {
	victim := r.newBrowser()
	cb, err := victim.toCallback()
	if err != nil {
		return cannot("%v", err)
	}
	other, err := r.newBrowser().toCallback()
	if err != nil {
		return cannot("%v", err)
	}
	q := cb.Query()
	q.Set("code", other.Query().Get("code"))
	cb.RawQuery = q.Encode()
	return victim.finish(cb).refused()
}

// ---- the browser

// attempt is what one login did, seen from the browser.
type attempt struct {
	err        error         // the login got no result: no callback reached, or no answer
	noCallback bool          // err: the login did not even reach the callback
	callback   int           // status of the callback's answer
	took       time.Duration // how long the callback took to answer
	probe      int           // status of the probe afterwards
	signedIn   bool          // the probe answered 2xx
}

func (a attempt) String() string {
	if a.err != nil {
		return a.err.Error()
	}
	state := "signed out"
	if a.signedIn {
		state = "signed in"
	}
	return fmt.Sprintf("%s: the callback answered %d, the probe %d", state, a.callback, a.probe)
}

func (a attempt) accepted() outcome {
	if a.err == nil && a.signedIn {
		return passed("%s", a)
	}
	return failed("refused a good login (%s)", a)
}

func (a attempt) refused() outcome {
	switch {
	case a.noCallback:
		return cannot("%s", a)
	case a.err != nil:
		return failed("%s", a)
	case a.signedIn:
		return failed("%s", a)
	}
	return passed("%s", a)
}

// login runs a whole login in a fresh browser.
func (r *runner) login() attempt {
	b := r.newBrowser()
	cb, err := b.toCallback()
	if err != nil {
		return attempt{err: err, noCallback: true}
	}
	return b.finish(cb)
}

// browser is a cookie jar and a client that follows no redirect by itself.
type browser struct {
	r   *runner
	jar *recordingJar
	hc  *http.Client
}

func (r *runner) newBrowser() *browser { return r.browserWith(newRecordingJar()) }

func (r *runner) browserWith(jar *recordingJar) *browser {
	return &browser{r: r, jar: jar, hc: &http.Client{
		Jar:           jar,
		Timeout:       tokenStall + 15*time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// clone returns a second browser with the cookies this one has now.
func (b *browser) clone() *browser { return b.r.browserWith(b.jar.clone()) }

// get fetches u and returns the status and the redirect target, if any.
func (b *browser) get(u *url.URL) (int, *url.URL, error) {
	req, err := http.NewRequestWithContext(b.r.ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	resp, err := b.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	var next *url.URL
	if loc := resp.Header.Get("Location"); loc != "" && resp.StatusCode >= 300 && resp.StatusCode < 400 {
		if next, err = u.Parse(loc); err != nil {
			return resp.StatusCode, nil, fmt.Errorf("bad Location %q from %s", loc, redact(u))
		}
	}
	return resp.StatusCode, next, nil
}

const maxHops = 20

// toCallback starts at -login and follows the redirects, through the provider's approval,
// until the next one would open the RP's callback; it returns that callback URL, unopened.
func (b *browser) toCallback() (*url.URL, error) {
	u := b.r.cfg.login
	for range maxHops {
		status, next, err := b.get(u)
		if err != nil {
			return nil, fmt.Errorf("the login did not reach the callback: %v", err)
		}
		if next == nil {
			hint := ""
			if strings.HasPrefix(u.String(), b.r.p.URL(mockprovider.PathAuthorize)) {
				hint = " (the provider refused the authorization request: check -client-id and -redirect-uri)"
			}
			return nil, fmt.Errorf("the login did not reach the callback: %s answered %d without a redirect%s", redact(u), status, hint)
		}
		if b.r.isCallback(next) {
			return next, nil
		}
		u = next
	}
	return nil, fmt.Errorf("the login did not reach the callback after %d redirects", maxHops)
}

// finish opens the callback, follows the RP's own redirects after it (never to the provider,
// the login URL or the callback again), then asks the probe.
func (b *browser) finish(cb *url.URL) attempt {
	start := time.Now()
	status, next, err := b.get(cb)
	a := attempt{callback: status, took: time.Since(start)}
	if err != nil {
		a.err = fmt.Errorf("the callback got no answer after %s: %v", a.took.Round(100*time.Millisecond), err)
		return a
	}
	for hops := 0; next != nil && hops < maxHops && b.r.followAfterCallback(next); hops++ {
		if _, next, err = b.get(next); err != nil {
			break // what the callback set is what counts
		}
	}
	in, probe, err := b.signedIn()
	if err != nil {
		a.err = fmt.Errorf("the probe got no answer: %v", err)
		return a
	}
	a.probe, a.signedIn = probe, in
	return a
}

// signedIn asks the probe: 2xx means signed in; a redirect is not followed.
func (b *browser) signedIn() (bool, int, error) {
	status, _, err := b.get(b.r.cfg.probe)
	return status >= 200 && status < 300, status, err
}

// isCallback reports whether u opens the RP's callback (the -redirect-uri, any query).
func (r *runner) isCallback(u *url.URL) bool {
	cb := r.cfg.redirectURI
	return strings.EqualFold(u.Scheme, cb.Scheme) && strings.EqualFold(u.Host, cb.Host) && u.Path == cb.Path
}

// followAfterCallback reports whether a redirect after the callback is followed: only within
// the RP's origin, and never to the login or the callback (which would start a new login).
func (r *runner) followAfterCallback(u *url.URL) bool {
	cb := r.cfg.redirectURI
	return strings.EqualFold(u.Scheme, cb.Scheme) && strings.EqualFold(u.Host, cb.Host) &&
		u.Path != cb.Path && u.Path != r.cfg.login.Path
}

// redact drops the query of u (it may carry a code or state) for messages.
func redact(u *url.URL) string {
	c := *u
	c.RawQuery, c.Fragment = "", ""
	return c.String()
}

func randomString() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// recordingJar is a cookie jar that can be copied: it replays every cookie it was given.
type recordingJar struct {
	mu  sync.Mutex
	jar *cookiejar.Jar
	set []setCookies
}

type setCookies struct {
	u       *url.URL
	cookies []*http.Cookie
}

func newRecordingJar() *recordingJar {
	jar, _ := cookiejar.New(nil) // never fails without options
	return &recordingJar{jar: jar}
}

// SetCookies implements http.CookieJar.
func (j *recordingJar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.set = append(j.set, setCookies{u, cookies})
	j.jar.SetCookies(u, cookies)
}

// Cookies implements http.CookieJar.
func (j *recordingJar) Cookies(u *url.URL) []*http.Cookie {
	return j.jar.Cookies(u)
}

func (j *recordingJar) clone() *recordingJar {
	j.mu.Lock()
	defer j.mu.Unlock()
	c := newRecordingJar()
	for _, s := range j.set {
		c.SetCookies(s.u, s.cookies)
	}
	return c
}

// runPlan runs the cases that -only selects, printing a line for each as it ends.
func (r *runner) runPlan(stdout io.Writer) ([]result, error) {
	var results []result
	for _, tc := range plan {
		if r.cfg.only != nil && !r.cfg.only.MatchString(tc.name) {
			continue
		}
		if r.ctx.Err() != nil {
			return results, errors.New("interrupted")
		}
		res := r.runCase(tc)
		if r.ctx.Err() != nil {
			return results, errors.New("interrupted")
		}
		results = append(results, res)
		printResult(stdout, res)
	}
	return results, nil
}

// accepts reports whether the case expects the login to be accepted.
func (tc testCase) accepts() bool { return tc.group() == "accept" }

// group is the part of the name before the slash.
func (tc testCase) group() string {
	g, _, _ := strings.Cut(tc.name, "/")
	return g
}
