package mockprovider

import (
	"cmp"
	"net/http"
	"time"
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
func (p *Server) QueueFault(ep Endpoint, f Fault) {
	p.mu.Lock()
	p.faults[ep] = append(p.faults[ep], f)
	p.mu.Unlock()
}

// SetLatency delays every call of ep by d (0 = none), on top of any Fault.Delay.
func (p *Server) SetLatency(ep Endpoint, d time.Duration) {
	p.mu.Lock()
	p.latency[ep] = d
	p.mu.Unlock()
}

// ClearFaults drops all queued faults, token faults and latencies. (SetCodeReuse is a setting
// and stays as it is.)
func (p *Server) ClearFaults() {
	p.mu.Lock()
	clear(p.faults)
	clear(p.latency)
	p.tokenFaults = nil
	p.mu.Unlock()
}

// SetCodeReuse makes the token endpoint accept an authorization code again after it was
// redeemed (within its lifetime), issuing new tokens each time, as a provider that does not
// enforce single use would. A relying party must then notice a replayed callback itself.
// false (the default) = a code is redeemed once; using it again is refused and revokes the
// tokens issued for it (RFC 6749 4.1.2).
func (p *Server) SetCodeReuse(allow bool) {
	p.mu.Lock()
	p.codeReuse = allow
	p.mu.Unlock()
}

func writeFault(w http.ResponseWriter, f *Fault) {
	switch {
	case f.Body != "":
		w.Header().Set("Content-Type", cmp.Or(f.ContentType, "application/json"))
		w.WriteHeader(cmp.Or(f.Status, http.StatusOK))
		_, _ = w.Write([]byte(f.Body))
	case f.Error != "":
		writeError(w, cmp.Or(f.Status, http.StatusBadRequest), f.Error, f.Description)
	default:
		http.Error(w, http.StatusText(f.Status), f.Status)
	}
}
