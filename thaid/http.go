package thaid

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// maxBody bounds every provider answer that thaid reads.
const maxBody = 1 << 20

// noRedirects returns a shallow copy of hc that follows no redirect, for the
// POSTs to the token, introspection and revocation endpoints: a 307 or 308
// would send the client secret (AuthStylePost) or the API key on to wherever
// it points. The caller's client is not modified.
func noRedirects(hc *http.Client) *http.Client {
	cp := *hc
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		return fmt.Errorf("thaid: refusing to follow a redirect of a %s to the provider", via[0].Method)
	}
	return &cp
}

// post sends form to endpoint with the client's authentication (Config.AuthStyle)
// and API key, and returns the body of a successful answer. It is the one way
// thaid calls the token, introspection and revocation endpoints.
func (c *Client) post(ctx context.Context, endpoint string, form url.Values) ([]byte, error) {
	if c.cfg.AuthStyle == AuthStylePost {
		form.Set("client_id", c.cfg.ClientID)
		form.Set("client_secret", c.cfg.ClientSecret.Reveal())
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, wrapErr(ErrInvalidConfig, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if c.cfg.AuthStyle == AuthStyleBasic {
		// RFC 6749 2.3.1: both parts form-encoded before Basic encoding.
		req.SetBasicAuth(url.QueryEscape(c.cfg.ClientID), url.QueryEscape(c.cfg.ClientSecret.Reveal()))
	}
	if c.cfg.APIKey != "" {
		req.Header.Set(c.cfg.APIKeyHeader, c.cfg.APIKey.Reveal())
	}
	_, body, err := do(c.hc, req)
	return body, err
}

// getJSON fetches a JSON document (discovery, JWKS) with hc.
func getJSON(ctx context.Context, hc *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, wrapErr(ErrInvalidConfig, err)
	}
	_, body, err := do(hc, req)
	return body, err
}

// do sends req with hc, asking for JSON, and reads at most maxBody bytes of
// the answer. A transport or read failure matches ErrProviderUnavailable and
// comes with a nil resp; otherwise resp is the answer (its body already
// closed) and err is errorFromBody's verdict on it.
func do(hc *http.Client, req *http.Request) (resp *http.Response, body []byte, err error) {
	req.Header.Set("Accept", "application/json")
	resp, err = hc.Do(req)
	if err != nil {
		return nil, nil, wrapErr(ErrProviderUnavailable, err)
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, nil, wrapErr(ErrProviderUnavailable, err)
	}
	return resp, body, errorFromBody(resp.StatusCode, resp.Header.Get("Content-Type"), body)
}

// errorFromBody returns the error that a provider's answer carries, or nil.
// A JSON body with an "error" member gives *Error, whatever the status (some
// servers answer 200 with an error); a 2xx answer whose "error" member is
// neither a string nor null matches ErrMalformedResponse. Any other answer outside 2xx is an error
// that unwraps to *Error with the status code and matches
// ErrProviderUnavailable (5xx) or ErrMalformedResponse.
func errorFromBody(status int, contentType string, body []byte) error {
	// Members of any type decode, so that each is judged on its own.
	var b struct {
		Code        any `json:"error"`
		Description any `json:"error_description"`
		URI         any `json:"error_uri"`
	}
	_ = json.Unmarshal(body, &b)
	if code, ok := b.Code.(string); ok && code != "" {
		e := &Error{Code: code, StatusCode: status}
		e.Description, _ = b.Description.(string)
		e.URI, _ = b.URI.(string)
		return e
	}
	if status >= 200 && status <= 299 {
		if b.Code != nil && b.Code != "" {
			// {"error": {...}, "access_token": ...}: neither an error
			// answer nor a success that can be trusted.
			return wrapErr(ErrMalformedResponse, &Error{StatusCode: status, Description: "error member is a " + jsonType(b.Code)})
		}
		return nil
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	mt = cmp.Or(mt, "no content type")
	if status >= 500 {
		return &Error{StatusCode: status, Description: "server answered HTTP " + http.StatusText(status) + " (" + mt + ")"}
	}
	return wrapErr(ErrMalformedResponse, &Error{StatusCode: status, Description: "error answer without a JSON error body (" + mt + ")"})
}
