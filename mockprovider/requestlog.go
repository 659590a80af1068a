package mockprovider

import (
	"slices"
	"time"
)

// maxRequests bounds the request log; older records are dropped first.
const maxRequests = 10000

// RequestRecord describes one request received, for assertions in tests. Fields that do not
// apply to an endpoint are zero. Secrets, tokens, codes and PIDs are never recorded.
type RequestRecord struct {
	Time     time.Time // by the provider's clock
	Endpoint Endpoint  // which endpoint was called
	Method   string    // HTTP method
	// Status is the HTTP status answered.
	Status int
	// Fault is true when a queued Fault produced the answer.
	Fault bool
	// ClientID as sent (authorize, token, introspect, revoke) or of the token (userinfo).
	ClientID string
	// AuthStyle is the client authentication used: "basic", "post" or "" (none).
	AuthStyle string
	// APIKey is true when an x-imauth-apikey header was sent.
	APIKey bool
	// PKCE: at authorize, a code_challenge was sent; at token, a code_verifier was sent.
	PKCE bool
	// CodeChallengeMethod as sent at authorize.
	CodeChallengeMethod string
	// Nonce as sent at authorize.
	Nonce string
	// State as sent at authorize.
	State string
	// Scopes requested (authorize, refresh) or granted (authorization_code).
	Scopes []string
	// RedirectURI sent (authorize, token).
	RedirectURI string
	// LoginHint is true when a login_hint was sent (its value, a PID, is not recorded).
	LoginHint bool
	// GrantType at the token endpoint.
	GrantType string
	// BearerPrefix: introspect/revoke received token=Bearer <t>.
	BearerPrefix bool
	// TokenTypeHint sent to introspect/revoke.
	TokenTypeHint string
}

// logRequest appends rec to the request log.
func (p *Server) logRequest(rec RequestRecord) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.requests) >= 2*maxRequests {
		// Keep the newest maxRequests; amortised O(1) per request.
		n := copy(p.requests, p.requests[len(p.requests)-maxRequests:])
		clear(p.requests[n:])
		p.requests = p.requests[:n]
	}
	p.requests = append(p.requests, rec)
}

// Requests returns a copy of the request log, oldest first (at most the last 10,000).
func (p *Server) Requests() []RequestRecord {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := slices.Clone(p.requests[max(0, len(p.requests)-maxRequests):])
	for i := range out {
		out[i].Scopes = slices.Clone(out[i].Scopes)
	}
	return out
}

// RequestsTo returns the logged requests of one endpoint, oldest first.
func (p *Server) RequestsTo(ep Endpoint) []RequestRecord {
	var out []RequestRecord
	for _, r := range p.Requests() {
		if r.Endpoint == ep {
			out = append(out, r)
		}
	}
	return out
}

// ResetRequests empties the request log.
func (p *Server) ResetRequests() {
	p.mu.Lock()
	p.requests = nil
	p.mu.Unlock()
}
