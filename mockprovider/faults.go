package mockprovider

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"time"
)

// Endpoint names one endpoint of the provider, for QueueFault, SetLatency and RequestRecord.
type Endpoint string

// The endpoints.
const (
	EndpointDiscovery  Endpoint = "discovery"
	EndpointJWKS       Endpoint = "jwks"
	EndpointAuthorize  Endpoint = "authorize"
	EndpointToken      Endpoint = "token"
	EndpointIntrospect Endpoint = "introspect"
	EndpointRevoke     Endpoint = "revoke"
	EndpointUserInfo   Endpoint = "userinfo"
)

// Fault is a canned answer for the next call of an endpoint (see QueueFault).
//
// What is sent, first match wins:
//   - Body != "": Body as is, with ContentType ("" = application/json) and Status (0 = 200).
//     Use it for malformed or unexpected bodies.
//   - Error != "": at EndpointAuthorize with Status 0, a redirect to the request's redirect_uri
//     with error, error_description and state (the request's client and redirect_uri are still
//     checked first). Elsewhere, or with a Status, the JSON body
//     {"error": Error, "error_description": Description} with Status (0 = 400).
//   - Status != 0: that status with its standard text as a text/plain body.
//   - none of them: the call is served normally after Delay.
//
// Delay is waited before anything (also when nothing else is set); a cancelled request stops
// waiting.
type Fault struct {
	Status      int           // HTTP status (see above for the defaults)
	Error       string        // OAuth error code, e.g. "invalid_grant", "server_error"
	Description string        // error_description
	Body        string        // raw body, sent as is (malformed JSON, HTML, ...)
	ContentType string        // Content-Type of Body ("" = application/json)
	Delay       time.Duration // waited before answering
}

func (f *Fault) responds() bool { return f.Body != "" || f.Error != "" || f.Status != 0 }

// QueueFault queues f for the next call of ep. Faults of one endpoint apply in FIFO order, one
// per call.
func (p *Provider) QueueFault(ep Endpoint, f Fault) {
	p.mu.Lock()
	p.faults[ep] = append(p.faults[ep], f)
	p.mu.Unlock()
}

// SetLatency delays every call of ep by d (0 = none), on top of any Fault.Delay.
func (p *Provider) SetLatency(ep Endpoint, d time.Duration) {
	p.mu.Lock()
	p.latency[ep] = d
	p.mu.Unlock()
}

// ClearFaults drops all queued faults, token faults and latencies.
func (p *Provider) ClearFaults() {
	p.mu.Lock()
	clear(p.faults)
	clear(p.latency)
	p.tokenFaults = nil
	p.mu.Unlock()
}

// TokenFault makes the next ID token defective in one way (see QueueTokenFault).
type TokenFault int

// The token faults.
const (
	// TokenExpired: iat two hours ago, exp one hour ago.
	TokenExpired TokenFault = iota + 1
	// TokenNotYetValid: nbf one hour from now.
	TokenNotYetValid
	// TokenIssuedInFuture: iat one hour from now.
	TokenIssuedInFuture
	// TokenUnpublishedKey: signed by a key that is never published (its kid never appears).
	TokenUnpublishedKey
	// TokenWrongIssuer: iss is https://wrong-issuer.invalid.
	TokenWrongIssuer
	// TokenWrongAudience: aud is another client.
	TokenWrongAudience
	// TokenMultiAudienceNoAzp: aud is [client, other] with no azp.
	TokenMultiAudienceNoAzp
	// TokenWrongAzp: aud is [client, other] and azp is the other.
	TokenWrongAzp
	// TokenMissingNonce: no nonce claim although one was sent.
	TokenMissingNonce
	// TokenWrongNonce: a nonce other than the one sent.
	TokenWrongNonce
	// TokenAlgNone: alg "none", empty signature.
	TokenAlgNone
	// TokenHS256PublicKey: alg HS256, HMAC keyed with the active public key's PEM (the classic
	// key-confusion attack).
	TokenHS256PublicKey
	// TokenBadSignature: a valid token with one signature byte changed.
	TokenBadSignature
	// TokenWrongAtHash: at_hash of another access token.
	TokenWrongAtHash
	// TokenUnknownKid: signed by a new key that is published right after the token is issued:
	// a JWKS fetched before does not have it, the next fetch does. (The key is not made active.)
	TokenUnknownKid
)

var tokenFaultNames = map[TokenFault]string{
	TokenExpired: "TokenExpired", TokenNotYetValid: "TokenNotYetValid", TokenIssuedInFuture: "TokenIssuedInFuture",
	TokenUnpublishedKey: "TokenUnpublishedKey", TokenWrongIssuer: "TokenWrongIssuer", TokenWrongAudience: "TokenWrongAudience",
	TokenMultiAudienceNoAzp: "TokenMultiAudienceNoAzp", TokenWrongAzp: "TokenWrongAzp", TokenMissingNonce: "TokenMissingNonce",
	TokenWrongNonce: "TokenWrongNonce", TokenAlgNone: "TokenAlgNone", TokenHS256PublicKey: "TokenHS256PublicKey",
	TokenBadSignature: "TokenBadSignature", TokenWrongAtHash: "TokenWrongAtHash", TokenUnknownKid: "TokenUnknownKid",
}

// String returns the constant's name.
func (f TokenFault) String() string {
	if s, ok := tokenFaultNames[f]; ok {
		return s
	}
	return "TokenFault(?)"
}

// QueueTokenFault makes the next ID token issued (by the token endpoint, for either grant)
// defective as f says. Several queued faults apply to successive tokens, FIFO.
func (p *Provider) QueueTokenFault(f TokenFault) {
	p.mu.Lock()
	p.tokenFaults = append(p.tokenFaults, f)
	p.mu.Unlock()
}

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

// Requests returns a copy of the request log, oldest first (at most the last 10,000).
func (p *Provider) Requests() []RequestRecord {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := slices.Clone(p.requests[max(0, len(p.requests)-maxRequests):])
	for i := range out {
		out[i].Scopes = slices.Clone(out[i].Scopes)
	}
	return out
}

// RequestsTo returns the logged requests of one endpoint, oldest first.
func (p *Provider) RequestsTo(ep Endpoint) []RequestRecord {
	var out []RequestRecord
	for _, r := range p.Requests() {
		if r.Endpoint == ep {
			out = append(out, r)
		}
	}
	return out
}

// ResetRequests empties the request log.
func (p *Provider) ResetRequests() {
	p.mu.Lock()
	p.requests = nil
	p.mu.Unlock()
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// handlerFunc is an endpoint body. f is a queued fault the wrapper left for the handler to
// apply (only authorize's redirect errors), else nil.
type handlerFunc func(w http.ResponseWriter, r *http.Request, rec *RequestRecord, f *Fault)

// endpoint wraps an endpoint with latency, faults, the request log and the log line.
func (p *Provider) endpoint(ep Endpoint, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		now := p.now()
		delay := p.latency[ep]
		var fault *Fault
		if q := p.faults[ep]; len(q) > 0 {
			f := q[0]
			fault = &f
			p.faults[ep] = q[1:]
			delay += f.Delay
		}
		p.mu.Unlock()
		start := time.Now()
		rec := RequestRecord{Time: now, Endpoint: ep, Method: r.Method}
		sw := &statusWriter{ResponseWriter: w}
		if delay > 0 {
			// net/http notices a client that hangs up (and cancels r.Context) only once the
			// request body has been read, so read it before waiting.
			body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
			r.Body = io.NopCloser(bytes.NewReader(body))
			if err := sleepCtx(r.Context(), delay); err != nil {
				return
			}
		}
		switch {
		case fault != nil && ep == EndpointAuthorize && fault.Body == "" && fault.Error != "" && fault.Status == 0:
			rec.Fault = true
			h(sw, r, &rec, fault)
		case fault != nil && fault.responds():
			rec.Fault = true
			writeFault(sw, fault)
		default:
			h(sw, r, &rec, nil)
		}
		rec.Status = sw.status
		p.mu.Lock()
		if len(p.requests) >= 2*maxRequests {
			// Keep the newest maxRequests; amortised O(1) per request.
			n := copy(p.requests, p.requests[len(p.requests)-maxRequests:])
			clear(p.requests[n:])
			p.requests = p.requests[:n]
		}
		p.requests = append(p.requests, rec)
		p.mu.Unlock()
		p.logger.Info("request", "endpoint", string(ep), "method", r.Method, "status", rec.Status,
			"client_id", rec.ClientID, "fault", rec.Fault, "duration", time.Since(start).Round(time.Microsecond))
	})
}

func writeFault(w http.ResponseWriter, f *Fault) {
	switch {
	case f.Body != "":
		ct := f.ContentType
		if ct == "" {
			ct = "application/json"
		}
		w.Header().Set("Content-Type", ct)
		st := f.Status
		if st == 0 {
			st = http.StatusOK
		}
		w.WriteHeader(st)
		_, _ = w.Write([]byte(f.Body))
	case f.Error != "":
		st := f.Status
		if st == 0 {
			st = http.StatusBadRequest
		}
		writeError(w, st, f.Error, f.Description)
	default:
		http.Error(w, http.StatusText(f.Status), f.Status)
	}
}

// writeJSON sends v as JSON, never cached.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// oauthError is the JSON error body of THAID.md.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

func writeError(w http.ResponseWriter, status int, code, desc string) {
	if status == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") == "" {
		w.Header().Set("WWW-Authenticate", `Basic realm="thaid-mock"`)
	}
	writeJSON(w, status, oauthError{Error: code, Description: desc})
}
