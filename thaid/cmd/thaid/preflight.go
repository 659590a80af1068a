package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// authorizeAnswer is what the authorization endpoint answered to one request, as a
// browser that follows no redirect sees it.
type authorizeAnswer struct {
	status int
	// form is how a refusal came: "json" (a JSON error body, at once), "redirect" (back to the
	// redirect URL with error=...), "page" (a 4xx page without a JSON error, or any page saying
	// "Bad data request", as DOPA's manual shows one); "" when the request was not refused.
	form        string
	code, desc  string // the provider's error and error_description, when it sent them
	unavailable bool   // a 5xx answer
}

// askAuthorize requests authURL once without following redirects and reads the answer.
func askAuthorize(ctx context.Context, hc *http.Client, authURL string, redirect *url.URL) (authorizeAnswer, error) {
	c := *hc
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return authorizeAnswer{}, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return authorizeAnswer{}, err
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	a := authorizeAnswer{status: resp.StatusCode}
	var e struct {
		Code        any `json:"error"`
		Description any `json:"error_description"`
	}
	_ = json.Unmarshal(body, &e)
	switch code, _ := e.Code.(string); {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		loc, err := resp.Request.URL.Parse(resp.Header.Get("Location"))
		if err != nil || stripQuery(loc.String()) != stripQuery(redirect.String()) {
			return a, nil // on to a login page of the provider
		}
		if q := loc.Query(); q.Get("error") != "" {
			a.form, a.code, a.desc = "redirect", q.Get("error"), q.Get("error_description")
		}
	case code != "":
		a.form, a.code = "json", code
		a.desc, _ = e.Description.(string)
	case resp.StatusCode >= 500:
		a.unavailable = true
	case resp.StatusCode >= 400, strings.Contains(string(body), "Bad data request"):
		// DOPA's manual shows a "Bad data request" page without saying its status: a 200
		// with that page counts too.
		a.form = "page"
	}
	return a, nil
}

// withParam returns authURL with one query parameter replaced.
func withParam(authURL, name, value string) string {
	u, err := url.Parse(authURL)
	if err != nil {
		return authURL
	}
	q := u.Query()
	q.Set(name, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// preflight requests the authorization URL once, without following redirects, so that a
// refusal is reported at once instead of after the timeout. The provider's own error decides
// the reason: invalid_scope is scope_not_granted (each scope is then asked for alone, to name
// the ones not granted), a redirect URL that does not match (invalid_request, or DOPA's
// "Bad data request" page) is redirect_not_registered, unauthorized_client or invalid_client
// is unknown_client, anything else is provider_error with the provider's error and
// error_description.
func preflight(ctx context.Context, hc *http.Client, authURL string, o loginOptions) *loginFailure {
	a, err := askAuthorize(ctx, hc, authURL, o.redirect)
	if err != nil {
		return &loginFailure{reason: "provider_unavailable", msg: fmt.Sprintf("cannot reach the authorization endpoint: %v", err)}
	}
	said := ""
	if a.code != "" {
		said = fmt.Sprintf(" (the provider said: %s", a.code)
		if a.desc != "" {
			said += ": " + a.desc
		}
		said += ")"
	}
	switch {
	case a.unavailable:
		return &loginFailure{reason: "provider_unavailable", msg: fmt.Sprintf("the authorization endpoint answered HTTP %d", a.status)}
	case a.form == "":
		return nil
	case a.code == "invalid_scope":
		return scopeFailure(ctx, hc, authURL, o, said)
	case a.code == "unauthorized_client" || a.code == "invalid_client":
		return &loginFailure{reason: "unknown_client", msg: fmt.Sprintf(
			"the provider does not know the client ID %q%s: check -client-id (sandbox and production have different clients)", o.clientID, said)}
	case a.code == "invalid_request" && a.form == "json", a.form == "page":
		// The command's own request is well formed (response_type, client_id, redirect_uri,
		// scope, state), so a refusal at once is about the redirect URL; ThaID's is
		// "The redirect or callback url mismatch".
		page := said
		if a.form == "page" {
			page = ` with its "Bad data request" page`
		}
		return &loginFailure{reason: "redirect_not_registered", msg: fmt.Sprintf(
			"the provider refused the authorization request (HTTP %d%s): the redirect URL %s is not registered for client ID %q (it must match exactly: scheme, host, port, path and trailing slash), or the client ID is unknown",
			a.status, page, o.redirect, o.clientID)}
	}
	return &loginFailure{reason: "provider_error", msg: fmt.Sprintf(
		"the provider refused the authorization request: %s: %s", a.code, a.desc)}
}

// scopeFailure asks for each requested scope alone and names the ones the client is not
// granted.
func scopeFailure(ctx context.Context, hc *http.Client, authURL string, o loginOptions, said string) *loginFailure {
	var refused, granted []string
	for _, s := range o.scopes {
		a, err := askAuthorize(ctx, hc, withParam(authURL, "scope", s), o.redirect)
		if err == nil && a.code == "invalid_scope" {
			refused = append(refused, s)
		} else if err == nil && a.form == "" {
			granted = append(granted, s)
		}
	}
	if len(refused) == 0 {
		return &loginFailure{reason: "scope_not_granted", msg: fmt.Sprintf(
			"the provider refused the scopes %q together%s, though it takes each alone", strings.Join(o.scopes, " "), said)}
	}
	msg := fmt.Sprintf("client ID %q is not granted the scope(s) %s%s (asked for each alone",
		o.clientID, strings.Join(refused, " "), said)
	if len(granted) > 0 {
		msg += "; granted: " + strings.Join(granted, " ")
	}
	msg += "): ask DOPA to grant them in RP Admin, or leave them out of -scopes"
	return &loginFailure{reason: "scope_not_granted", msg: msg, scopes: refused}
}

// probeAuthorizeErrors asks for an unknown response_type, which every provider refuses, to
// see how this one answers a refused authorization request ("json", "redirect", "page"), or
// "accepted" when it did not refuse. "" when the probe could not be sent.
func probeAuthorizeErrors(ctx context.Context, hc *http.Client, authURL string, redirect *url.URL) string {
	a, err := askAuthorize(ctx, hc, withParam(authURL, "response_type", "thaid_probe"), redirect)
	switch {
	case err != nil || a.unavailable:
		return ""
	case a.form == "":
		return "accepted"
	}
	return a.form
}
