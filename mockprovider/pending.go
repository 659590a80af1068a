package mockprovider

import (
	"crypto/rand"
	"fmt"
	"slices"
	"time"
)

// PendingAuth is a QR login waiting for the phone.
type PendingAuth struct {
	// Ref is the reference code shown under the QR code (หมายเลขอ้างอิง).
	Ref         string
	ClientID    string   // the client that asks
	Scopes      []string // the scopes requested
	RedirectURI string   // where the browser goes after the decision
	// LoginHint is true when the request carried a login_hint (not shown: it is a PID).
	LoginHint bool
	CreatedAt time.Time // when the QR page was shown (provider's clock)
	ExpiresAt time.Time // CreatedAt + QRTTL
	// PhoneURL is the URL the QR code encodes: the simulated phone page.
	PhoneURL string
}

type authStatus int

const (
	statusPending authStatus = iota
	statusApproved
	statusDenied
	statusDeciding // claimed by decide, code being issued
)

type pendingAuth struct {
	ref      string
	req      authRequest
	created  time.Time
	status   authStatus // guarded by Server.mu
	redirect string     // guarded by Server.mu; set when approved or denied
}

const refAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

func newRef() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = refAlphabet[int(b[i])%len(refAlphabet)]
	}
	return string(b)
}

func (p *Server) newPending(req authRequest) *pendingAuth {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	p.sweepLocked(now)
	pa := &pendingAuth{ref: newRef(), req: req, created: now}
	for p.pending[pa.ref] != nil {
		pa.ref = newRef()
	}
	p.pending[pa.ref] = pa
	return pa
}

// expiredLocked reports whether pa is still pending but past QRTTL. p.mu held.
func (p *Server) expiredLocked(pa *pendingAuth, now time.Time) bool {
	return pa.status == statusPending && now.Sub(pa.created) >= p.opts.QRTTL
}

// Pending returns the QR logins waiting for approval (not yet approved, denied or expired).
func (p *Server) Pending() []PendingAuth {
	p.mu.Lock()
	now := p.now()
	var out []PendingAuth
	for _, pa := range p.pending {
		if pa.status != statusPending || p.expiredLocked(pa, now) {
			continue
		}
		out = append(out, PendingAuth{
			Ref: pa.ref, ClientID: pa.req.client.ID, Scopes: slices.Clone(pa.req.scopes),
			RedirectURI: pa.req.redirectURI, LoginHint: pa.req.loginHint != "",
			CreatedAt: pa.created, ExpiresAt: pa.created.Add(p.opts.QRTTL), PhoneURL: p.phoneURL(pa.ref),
		})
	}
	p.mu.Unlock()
	slices.SortFunc(out, func(a, b PendingAuth) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out
}

// Approve approves the QR login ref as the citizen with that PID, as if the phone had approved
// (no password needed). The waiting page then moves on to redirect_uri?code&state.
func (p *Server) Approve(ref, pid string) error {
	c := p.citizen(pid)
	if c == nil {
		return fmt.Errorf("%w: %s", ErrUnknownCitizen, maskPID(normalizePID(pid)))
	}
	_, err := p.decide(ref, c)
	return err
}

// Deny refuses the QR login ref; the waiting page moves on to redirect_uri?error=access_denied.
func (p *Server) Deny(ref string) error {
	_, err := p.decide(ref, nil)
	return err
}

// decide approves (c != nil) or denies a pending login and returns the redirect target.
func (p *Server) decide(ref string, c *Citizen) (string, error) {
	p.mu.Lock()
	pa, ok := p.pending[ref]
	var err error
	switch {
	case !ok:
		err = fmt.Errorf("%w: %q", ErrUnknownRef, ref)
	case pa.status != statusPending:
		err = ErrNotPending
	case p.expiredLocked(pa, p.now()):
		err = ErrQRExpired
	}
	if err != nil {
		p.mu.Unlock()
		return "", err
	}
	// Claim the login before issuing the code, so two approvals cannot both win.
	pa.status = statusDeciding
	p.mu.Unlock()
	var target string
	status := statusApproved
	if c != nil {
		target = p.approveRequest(pa.req, c)
	} else {
		target, status = deniedTarget(pa.req), statusDenied
		p.logger.Info("login refused", "client_id", pa.req.client.ID)
	}
	p.mu.Lock()
	pa.status, pa.redirect = status, target
	p.mu.Unlock()
	return target, nil
}

func (p *Server) lookupPending(ref string) (*pendingAuth, authStatus, bool, string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pa, ok := p.pending[ref]
	if !ok {
		return nil, 0, false, "", false
	}
	return pa, pa.status, p.expiredLocked(pa, p.now()), pa.redirect, true
}
