package mockprovider

import (
	"bytes"
	"io"
	"net/http"
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

// handlerFunc is an endpoint body. f is a queued fault the wrapper left for the handler to
// apply (only authorize's redirect errors), else nil.
type handlerFunc func(w http.ResponseWriter, r *http.Request, rec *RequestRecord, f *Fault)

// endpoint wraps an endpoint with latency, faults, the request log and the log line.
func (p *Server) endpoint(ep Endpoint, h handlerFunc) http.Handler {
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
		p.logRequest(rec)
		p.logger.Info("request", "endpoint", string(ep), "method", r.Method, "status", rec.Status,
			"client_id", rec.ClientID, "fault", rec.Fault, "duration", time.Since(start).Round(time.Microsecond))
	})
}

// statusWriter remembers the status written, for the request log.
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
