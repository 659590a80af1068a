package mockprovider

import (
	"context"
	"crypto/tls"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Paths served by the Server, as the real ThaID's (trailing slashes included).
const (
	PathDiscovery  = "/.well-known/openid-configuration"
	PathJWKS       = "/jwks/"
	PathAuthorize  = "/api/v2/oauth2/auth/"
	PathToken      = "/api/v2/oauth2/token/"
	PathIntrospect = "/api/v2/oauth2/introspect/"
	PathRevoke     = "/api/v2/oauth2/revoke/"
	PathUserInfo   = "/api/v2/oauth2/userinfo/"
	// PathQR is the prefix of the mock's own QR and phone pages.
	PathQR = "/qr/"
)

// Server is a ThaID-compatible OpenID provider. It is an http.Handler; all methods are safe
// for concurrent use.
type Server struct {
	opts     Options // defaults applied; immutable after New
	profile  Profile // the effective profile (Options overrides applied); immutable after New
	issuer   string
	basePath string // the issuer's URL path ("" at the root), under which the mock's own pages live
	clients  map[string]*RelyingParty
	people   []Citizen
	byPID    map[string]*Citizen
	logger   *slog.Logger
	mux      *http.ServeMux
	srv      *httptest.Server

	mu          sync.Mutex // guards everything below
	now         func() time.Time
	autoApprove bool
	codeReuse   bool          // SetCodeReuse
	keys        []*signingKey // published keys, oldest first
	active      *signingKey
	codes       map[string]*authCode
	usedCodes   map[string]*authCode // redeemed codes, kept until they would have expired
	tokens      map[string]*tokenRec // access and refresh tokens
	pending     map[string]*pendingAuth
	faults      map[Endpoint][]Fault
	latency     map[Endpoint]time.Duration
	tokenFaults []tokenFaultDef // QueueTokenFault, QueueForeignKeyToken
	requests    []RequestRecord
	lastSweep   time.Time
}

// grant is one approved login; its tokens point to it.
type grant struct {
	clientID string
	citizen  *Citizen
	scopes   []string
	nonce    string
	authTime time.Time
	revoked  bool // guarded by Server.mu
}

type authCode struct {
	grant       *grant
	redirectURI string
	challenge   string
	expires     time.Time
}

type tokenRec struct {
	grant   *grant
	scopes  []string
	refresh bool
	issued  time.Time
	expires time.Time
	revoked bool
}

// live reports whether the token is neither revoked (itself or its whole login) nor expired at
// now. Server.mu held.
func (t *tokenRec) live(now time.Time) bool {
	return !t.revoked && !t.grant.revoked && now.Before(t.expires)
}

// New validates opts, applies the profile and the defaults, and returns a provider with one
// fresh signing key. Errors wrap ErrInvalidOptions, ErrInvalidProfile or ErrInvalidCitizen.
func New(opts Options) (*Server, error) {
	profile, err := opts.setDefaults()
	if err != nil {
		return nil, err
	}
	opts.Issuer = strings.TrimRight(opts.Issuer, "/")
	opts.Clients = slices.Clone(opts.Clients)
	opts.Citizens = slices.Clone(opts.Citizens)
	for i := range opts.Citizens {
		opts.Citizens[i].PID = normalizePID(opts.Citizens[i].PID)
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	p := &Server{
		opts:        opts,
		profile:     profile,
		issuer:      opts.Issuer,
		basePath:    issuerPath(opts.Issuer),
		clients:     make(map[string]*RelyingParty, len(opts.Clients)),
		people:      opts.Citizens,
		byPID:       make(map[string]*Citizen, len(opts.Citizens)),
		now:         opts.Now,
		autoApprove: opts.AutoApprove,
		codes:       map[string]*authCode{},
		usedCodes:   map[string]*authCode{},
		tokens:      map[string]*tokenRec{},
		pending:     map[string]*pendingAuth{},
		faults:      map[Endpoint][]Fault{},
		latency:     map[Endpoint]time.Duration{},
	}
	for i := range opts.Clients {
		c := &opts.Clients[i]
		c.RedirectURIs = slices.Clone(c.RedirectURIs)
		c.Scopes = slices.Clone(c.Scopes)
		p.clients[c.ID] = c
	}
	for i := range p.people {
		c := &p.people[i]
		switch {
		case c.Sub != "":
		case opts.SubStyle == SubOpaque:
			c.Sub = subFor(c.PID)
		default:
			c.Sub = c.PID
		}
		p.byPID[c.PID] = c
	}
	h := slog.DiscardHandler
	if opts.Logger != nil {
		h = opts.Logger.Handler()
	}
	p.logger = slog.New(maskingHandler{h})
	k, err := newSigningKey(opts.Alg)
	if err != nil {
		return nil, err
	}
	p.keys = []*signingKey{k}
	p.active = k
	p.routes()
	return p, nil
}

func (p *Server) routes() {
	m := http.NewServeMux()
	m.Handle(PathDiscovery, p.endpoint(EndpointDiscovery, p.serveDiscovery))
	for _, e := range []struct {
		ep   Endpoint
		path string
		h    handlerFunc
	}{
		{EndpointJWKS, PathJWKS, p.serveJWKS},
		{EndpointAuthorize, PathAuthorize, p.serveAuthorize},
		{EndpointToken, PathToken, p.serveToken},
		{EndpointIntrospect, PathIntrospect, p.serveIntrospect},
		{EndpointRevoke, PathRevoke, p.serveRevoke},
		{EndpointUserInfo, PathUserInfo, p.serveUserInfo},
	} {
		// Exactly the path with its trailing slash; without it, 404 (see ServeHTTP).
		m.Handle(e.path+"{$}", p.endpoint(e.ep, e.h))
		m.Handle(strings.TrimSuffix(e.path, "/"), http.HandlerFunc(notFoundWithoutSlash))
	}
	p.qrRoutes(m)
	m.HandleFunc("/{$}", p.serveHome)
	p.mux = m
}

// ServeHTTP serves the provider's endpoints (see the Path constants).
// A path without its trailing slash is answered 404, not redirected, so that a client using the
// wrong path fails loudly.
func (p *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.mux.ServeHTTP(w, r) }

func notFoundWithoutSlash(w http.ResponseWriter, _ *http.Request) {
	http.Error(w, "404 page not found (ThaID paths end with a slash)", http.StatusNotFound)
}

// issuerPath returns the URL path of an issuer, without a trailing slash.
func issuerPath(issuer string) string {
	u, err := url.Parse(issuer)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(u.Path, "/")
}

// Profile returns the provider's effective profile: Options.Profile (or the default profile)
// with the Options fields that override it applied. Writing it to a file and loading it with
// LoadProfile gives a provider that behaves the same.
func (p *Server) Profile() Profile {
	pr := p.profile
	pr.Notes = slices.Clone(pr.Notes)
	pr.Discovery.Members = slices.Clone(pr.Discovery.Members)
	pr.Discovery.Values = maps.Clone(pr.Discovery.Values)
	return pr
}

// Issuer returns the issuer URL (no trailing slash).
func (p *Server) Issuer() string { return p.issuer }

// URL returns the absolute URL of a path on the provider, e.g. p.URL(PathToken).
func (p *Server) URL(path string) string { return p.issuer + path }

// Start serves a new provider on a plain-HTTP httptest server, sets Options.Issuer to its URL,
// and closes it in t.Cleanup. It calls t.Fatal if opts are invalid.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	return start(t, opts, false)
}

// StartTLS is Start with an httptest TLS server. Use HTTPClient to talk to it.
func StartTLS(t testing.TB, opts Options) *Server {
	t.Helper()
	return start(t, opts, true)
}

func start(t testing.TB, opts Options, useTLS bool) *Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	scheme := "http://"
	if useTLS {
		scheme = "https://"
	}
	opts.Issuer = scheme + srv.Listener.Addr().String()
	p, err := New(opts)
	if err != nil {
		srv.Close()
		t.Fatalf("mockprovider: %v", err)
	}
	srv.Config.Handler = p
	if useTLS {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	p.srv = srv
	t.Cleanup(srv.Close)
	return p
}

// HTTPClient returns an HTTP client for talking to the provider. For StartTLS it trusts the
// test server's certificate; otherwise it is a plain client with a 10 s timeout.
func (p *Server) HTTPClient() *http.Client {
	if p.srv != nil && p.srv.TLS != nil {
		c := p.srv.Client()
		c.Timeout = 10 * time.Second
		return c
	}
	return &http.Client{Timeout: 10 * time.Second}
}

// TLSConfig returns a TLS client config trusting the StartTLS server (nil for plain servers),
// e.g. for a browser-less client built by hand.
func (p *Server) TLSConfig() *tls.Config {
	if p.srv == nil || p.srv.TLS == nil {
		return nil
	}
	if tr, ok := p.srv.Client().Transport.(*http.Transport); ok {
		return tr.TLSClientConfig.Clone()
	}
	return nil
}

// Citizens returns a copy of the configured citizens.
func (p *Server) Citizens() []Citizen { return slices.Clone(p.people) }

// SetNow replaces the clock (nil = time.Now). Codes, tokens and QR codes expire by this clock.
func (p *Server) SetNow(now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	p.mu.Lock()
	p.now = now
	p.mu.Unlock()
}

// SetAutoApprove switches between auto-approve and the interactive QR page.
func (p *Server) SetAutoApprove(on bool) {
	p.mu.Lock()
	p.autoApprove = on
	p.mu.Unlock()
}

// ---- housekeeping

// sweepLocked drops expired codes, tokens and QR logins, at most once a minute. p.mu held.
func (p *Server) sweepLocked(now time.Time) {
	if now.Sub(p.lastSweep) < time.Minute && !p.lastSweep.After(now) {
		return
	}
	p.lastSweep = now
	maps.DeleteFunc(p.codes, func(_ string, c *authCode) bool { return now.After(c.expires) })
	maps.DeleteFunc(p.usedCodes, func(_ string, c *authCode) bool { return now.After(c.expires) })
	maps.DeleteFunc(p.tokens, func(_ string, t *tokenRec) bool { return now.After(t.expires.Add(time.Hour)) })
	maps.DeleteFunc(p.pending, func(_ string, a *pendingAuth) bool { return now.Sub(a.created) > p.opts.QRTTL+time.Hour })
}

// sleepCtx waits d (> 0) or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// citizen returns the citizen with that PID (dashes and spaces ignored), or nil.
func (p *Server) citizen(pid string) *Citizen { return p.byPID[normalizePID(pid)] }
