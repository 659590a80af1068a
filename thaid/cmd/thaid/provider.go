package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/thaid-go/thaid-go/thaid"
)

// issuerFlag is the -issuer value: production, sandbox or a URL.
type issuerFlag struct {
	preset   string         // "thaid.Production", "thaid.Sandbox" or "" for a URL
	provider thaid.Provider // the preset for production and sandbox; {Issuer: URL} otherwise
}

const issuerUsage = "provider: production, sandbox, or an issuer URL (discovery)"

// parseIssuer reads an -issuer value.
func parseIssuer(s string) (issuerFlag, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return issuerFlag{}, fmt.Errorf("-issuer is required (production, sandbox or a URL)")
	case "production", "prod":
		return issuerFlag{preset: "thaid.Production", provider: thaid.Production}, nil
	case "sandbox", "sbx":
		return issuerFlag{preset: "thaid.Sandbox", provider: thaid.Sandbox}, nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return issuerFlag{}, fmt.Errorf("-issuer %q is neither production, sandbox nor an absolute http(s) URL", s)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return issuerFlag{}, fmt.Errorf("-issuer %q must not have a query or a fragment", s)
	}
	return issuerFlag{provider: thaid.Provider{Issuer: strings.TrimSuffix(s, "/")}}, nil
}

// exchange is one HTTP exchange with the provider as the recorder saw it.
type exchange struct {
	method, url string
	status      int
	body        []byte    // at most maxRecorded bytes
	at          time.Time // when the answer came
}

const maxRecorded = 1 << 20

// recorder is an http.RoundTripper that keeps a copy of every answer, so that the
// command can tell what the provider really sent (expire_in or expires_in, flat
// claims, the ID token's header) while the thaid package decodes it as usual.
// Bodies hold tokens: they stay in memory and are never printed as such.
type recorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	seen []exchange
}

// RoundTrip implements http.RoundTripper.
func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxRecorded))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	r.seen = append(r.seen, exchange{method: req.Method, url: req.URL.String(), status: resp.StatusCode,
		body: body, at: time.Now()})
	r.mu.Unlock()
	return resp, nil
}

// last returns the last exchange with method and URL (without query), if any.
func (r *recorder) last(method, rawURL string) (exchange, bool) {
	want := stripQuery(rawURL)
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.seen) - 1; i >= 0; i-- {
		if x := r.seen[i]; x.method == method && stripQuery(x.url) == want {
			return x, true
		}
	}
	return exchange{}, false
}

func stripQuery(s string) string {
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		return s[:i]
	}
	return s
}

// newHTTPClient returns the client that the command gives thaid, and its recorder.
func newHTTPClient() (*http.Client, *recorder) {
	rec := &recorder{base: http.DefaultTransport.(*http.Transport).Clone()}
	return &http.Client{Transport: rec, Timeout: 30 * time.Second}, rec
}
