package thaid

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
)

// maxBody bounds every provider answer that thaid reads.
const maxBody = 1 << 20

// apiKeyHeader is the legacy ThaID API-key header (Config.APIKey).
const apiKeyHeader = "x-imauth-apikey"

// wrapHTTPClient returns a shallow copy of hc whose transport adds the API key
// (when set) and records token-endpoint answers for the calls that ask for it
// through the request context. The caller's client is not modified.
//
// The copy also refuses redirects that could carry credentials away: any
// redirect of a POST (token, introspect, revoke: a 307 or 308 would re-send the
// client secret of AuthStylePost) and any redirect to another host (the API key
// is added to every request). The caller's own CheckRedirect runs after that.
func wrapHTTPClient(hc *http.Client, apiKey string) *http.Client {
	cp := *hc
	cp.Transport = &transport{base: hc.Transport, apiKey: apiKey}
	next := hc.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		first := via[0]
		if first.Method != http.MethodGet && first.Method != http.MethodHead {
			return fmt.Errorf("thaid: refusing to follow a redirect of a %s to the provider", first.Method)
		}
		if req.URL.Host != first.URL.Host || req.URL.Scheme != first.URL.Scheme {
			return fmt.Errorf("thaid: refusing to follow a redirect from %s to another origin", first.URL.Host)
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("thaid: stopped after 10 redirects")
		}
		return nil
	}
	return &cp
}

type transport struct {
	base   http.RoundTripper
	apiKey string
}

type captureKey struct{}

// capture receives the raw answer of one token request, so that thaid decodes
// the token response itself (both expiry names, flat claims) rather than rely
// on oauth2's partial view of it.
type capture struct {
	status      int
	contentType string
	body        []byte
}

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	if t.apiKey != "" {
		req = req.Clone(req.Context())
		req.Header.Set(apiKeyHeader, t.apiKey)
	}
	resp, err := base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if cp, ok := req.Context().Value(captureKey{}).(*capture); ok {
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		cp.status = resp.StatusCode
		cp.contentType = resp.Header.Get("Content-Type")
		cp.body = body
		resp.Body = io.NopCloser(bytes.NewReader(body))
	}
	return resp, nil
}

// send sends req with hc and reads the answer, at most maxBody bytes. Transport
// failures match ErrProviderUnavailable.
func send(hc *http.Client, req *http.Request) (status int, contentType string, body []byte, err error) {
	resp, err := hc.Do(req)
	if err != nil {
		return 0, "", nil, wrapErr(ErrProviderUnavailable, err)
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return 0, "", nil, wrapErr(ErrProviderUnavailable, err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), body, nil
}

// getJSON fetches a JSON document (discovery, JWKS): any answer but 200 is an
// error from httpStatusError.
func getJSON(ctx context.Context, hc *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, wrapErr(ErrInvalidConfig, err)
	}
	req.Header.Set("Accept", "application/json")
	status, ct, body, err := send(hc, req)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, httpStatusError(status, ct, body)
	}
	return body, nil
}

// httpStatusError turns a failed provider answer into an error: a JSON error
// body gives *Error; otherwise 5xx matches ErrProviderUnavailable and anything
// else ErrMalformedResponse (both also unwrap to *Error with the status code).
func httpStatusError(status int, contentType string, body []byte) error {
	var e Error
	if json.Unmarshal(body, &e) == nil && e.Code != "" {
		e.StatusCode = status
		return &e
	}
	pe := &Error{StatusCode: status}
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "" {
		mt = "no content type"
	}
	if status >= 500 {
		pe.Description = "server answered HTTP " + http.StatusText(status) + " (" + mt + ")"
		return pe
	}
	if status >= 200 && status < 300 {
		pe.Description = "undecodable answer (" + mt + ")"
	} else {
		pe.Description = "error answer without a JSON error body (" + mt + ")"
	}
	return wrapErr(ErrMalformedResponse, pe)
}
