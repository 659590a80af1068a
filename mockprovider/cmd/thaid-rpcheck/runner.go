package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/thaid-go/thaid-go/mockprovider"
)

// Key names for withKey.
const (
	keyES256 = "ES256"
	keyRS256 = "RS256"
)

// runner owns the provider and runs the plan against one RP.
type runner struct {
	cfg       config
	ctx       context.Context
	p         *mockprovider.Server
	srv       *http.Server
	kids      map[string]string // published key ID by key name (keyES256, keyRS256)
	tokenPath string
	// transport opens a connection per request: Go's transport would repeat a GET whose
	// reused connection broke, so a callback that the RP crashed on would be opened again,
	// a replay that no case asked for.
	transport *http.Transport
	tokenHits atomic.Int64 // calls of the token endpoint since the last reset, answered or not
	baseline  string       // why a good login failed before the plan ran; "" = it worked

	// The attacker's side of the signature/header-* cases: a key that no provider publishes,
	// served by the provider's server under attackerPrefix, at jkuURL and x5uURL.
	foreign        *mockprovider.ForeignKey
	attackerPrefix string
	jkuURL, x5uURL string
	attackerHits   atomic.Int64 // requests under attackerPrefix since the last reset
}

// attackerPath is where, under the issuer, the provider's server plays the attacker.
const attackerPath = "/thaid-rpcheck/attacker/"

// newRunner starts the provider on cfg.addr, with an ES256 key (active) and an RS256 key
// published, the RP's client registered, logins approved at once and the claims also sent flat.
func newRunner(ctx context.Context, cfg config) (*runner, error) {
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return nil, fmt.Errorf("provider: %v", err)
	}
	issuer := cfg.issuer
	if issuer == "" {
		issuer = "http://" + ln.Addr().String()
	}
	p, err := mockprovider.New(mockprovider.Options{
		Issuer: issuer,
		Clients: []mockprovider.RelyingParty{{
			ID: cfg.clientID, Secret: cfg.clientSecret, RedirectURIs: []string{cfg.redirectURI.String()},
		}},
		AutoApprove:          true,
		FlatClaimsWithOpenID: true,
		Logger:               slog.New(slog.DiscardHandler),
	})
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("provider: %v", err)
	}
	es := p.ActiveKeyID()
	rs, err := p.RotateKey("RS256")
	if err == nil {
		err = p.SetActiveKey(es)
	}
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("provider keys: %v", err)
	}
	foreign, err := mockprovider.NewForeignKey("ES256")
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("foreign key: %v", err)
	}
	iu, _ := url.Parse(p.Issuer()) // validated by mockprovider.New: no query, no fragment
	r := &runner{cfg: cfg, ctx: ctx, p: p, kids: map[string]string{keyES256: es, keyRS256: rs}, tokenPath: iu.Path + mockprovider.PathToken,
		foreign: foreign, attackerPrefix: iu.Path + attackerPath,
		jkuURL: p.URL(attackerPath + "jwks.json"), x5uURL: p.URL(attackerPath + "cert.pem")}
	r.transport = http.DefaultTransport.(*http.Transport).Clone()
	r.transport.DisableKeepAlives = true
	r.srv = &http.Server{Handler: http.HandlerFunc(r.serveProvider), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(slog.DiscardHandler, slog.LevelError)}
	go func() { _ = r.srv.Serve(ln) }()
	return r, nil
}

// serveAttacker serves the foreign key as an attacker would, for the jku and x5u a token
// names, and counts every request: a careful RP sends none.
func (r *runner) serveAttacker(w http.ResponseWriter, req *http.Request) {
	r.attackerHits.Add(1)
	switch req.URL.Path {
	case r.attackerPrefix + "jwks.json":
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(r.foreign.JWKS())
	case r.attackerPrefix + "cert.pem":
		w.Header().Set("Content-Type", "application/x-pem-file")
		_, _ = w.Write(r.foreign.CertificatePEM())
	default:
		http.NotFound(w, req)
	}
}

// serveProvider counts the calls of the token endpoint (the provider's own log misses a call
// whose client hung up), then lets the provider answer.
func (r *runner) serveProvider(w http.ResponseWriter, req *http.Request) {
	switch {
	case req.URL.Path == r.tokenPath:
		r.tokenHits.Add(1)
	case strings.HasPrefix(req.URL.Path, r.attackerPrefix):
		r.serveAttacker(w, req)
		return
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
				return fmt.Errorf("the probe %s says signed in (%d) before any login: it must answer 2xx only to a signed-in browser", r.cfg.probe, status)
			}
			break
		}
		if r.ctx.Err() != nil {
			return fmt.Errorf("interrupted")
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the RP does not answer at %s after %s: %v", r.cfg.probe, r.cfg.wait, err)
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
	r.attackerHits.Store(0)
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
// are not met cannot be observed, and a refusal means nothing when a good login is refused too,
// before the plan (the baseline) or right after the case (the control).
func (r *runner) runCase(tc testCase) result {
	r.reset()
	defer r.reset()
	start := time.Now()
	out := tc.run(r)
	took := time.Since(start)
	switch why := r.unmet(tc.needs); {
	case out.unobservable:
	case why != "":
		out = cannot("%s", why)
	case out.pass && !tc.accepts() && r.baseline != "":
		out = cannot("a good login is refused too (%s), so this refusal proves nothing", r.baseline)
	case out.pass && !tc.accepts():
		// The control: an RP that broke after the baseline (it crashed, it rate-limits
		// logins, its session store is full) refuses everything, and its refusal of this
		// case's attack proves nothing. A good login right after the case must still work.
		r.reset()
		if a := r.login(); !a.signedIn {
			out = cannot("a good login right after this case was refused too (%s), so this refusal proves nothing", a)
		}
	}
	return result{tc: tc, out: out, took: took}
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
