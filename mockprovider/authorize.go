package mockprovider

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// authRequest is a validated authorization request.
type authRequest struct {
	client          *RelyingParty
	redirectURI     string
	state           string
	nonce           string
	challenge       string
	challengeMethod string
	loginHint       string // a PID; never logged or recorded
	scopes          []string
}

// redirectAllowed reports whether uri may be used as redirect_uri for c: an exact match with a
// registered URI, or any absolute http(s) URI with AllowAnyRedirectURI. "" is neither: the
// registered URIs are absolute (Options.validate).
func (c *RelyingParty) redirectAllowed(uri string) bool {
	return slices.Contains(c.RedirectURIs, uri) || (c.AllowAnyRedirectURI && absoluteHTTPURL(uri))
}

func (c *RelyingParty) displayName() string { return cmp.Or(c.Name, c.ID) }

// serveAuthorize answers /api/v2/oauth2/auth/.
func (p *Server) serveAuthorize(w http.ResponseWriter, r *http.Request, rec *RequestRecord, fault *Fault) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		p.refuseClient(w, http.StatusMethodNotAllowed, "invalid_request", "method not allowed")
		return
	}
	if err := r.ParseForm(); err != nil {
		p.refuseClient(w, http.StatusBadRequest, "invalid_request", "malformed request")
		return
	}
	q := r.Form
	req := authRequest{
		redirectURI:     q.Get("redirect_uri"),
		state:           q.Get("state"),
		nonce:           q.Get("nonce"),
		challenge:       q.Get("code_challenge"),
		challengeMethod: q.Get("code_challenge_method"),
		loginHint:       q.Get("login_hint"),
		scopes:          parseScopes(q.Get("scope")),
	}
	rec.ClientID = q.Get("client_id")
	rec.RedirectURI = req.redirectURI
	rec.State = req.state
	rec.Nonce = req.nonce
	rec.PKCE = req.challenge != ""
	rec.CodeChallengeMethod = req.challengeMethod
	rec.Scopes = req.scopes
	rec.LoginHint = req.loginHint != ""

	c, ok := p.clients[rec.ClientID]
	if !ok {
		p.refuseClient(w, http.StatusUnauthorized, "unauthorized_client", "unknown client_id")
		return
	}
	req.client = c
	if !c.redirectAllowed(req.redirectURI) {
		// Never a redirect to a URI that is not registered.
		p.refuseClient(w, http.StatusBadRequest, "invalid_request", "The redirect or callback url mismatch")
		return
	}
	if fault != nil {
		redirectError(w, r, req, fault.Error, fault.Description)
		return
	}
	refuse := func(code, desc string) {
		if p.opts.AuthorizeErrors == AuthorizeErrorsRedirect {
			redirectError(w, r, req, code, desc)
			return
		}
		writeError(w, http.StatusBadRequest, code, desc)
	}
	if rt := q.Get("response_type"); rt != "code" {
		if rt == "" {
			refuse("invalid_request", "response_type is required")
		} else {
			refuse("unsupported_response_type", "only response_type=code is supported")
		}
		return
	}
	if req.state == "" {
		refuse("invalid_request", "state is required")
		return
	}
	if len(req.scopes) == 0 {
		refuse("invalid_scope", "scope is required")
		return
	}
	for _, s := range req.scopes {
		if _, known := scopeLabels[s]; !known || (c.Scopes != nil && !slices.Contains(c.Scopes, s)) {
			refuse("invalid_scope", "scope not allowed for this client: "+s)
			return
		}
	}
	switch {
	case req.challenge == "" && req.challengeMethod != "":
		refuse("invalid_request", "code_challenge_method without code_challenge")
		return
	case req.challenge != "" && req.challengeMethod != "S256":
		refuse("invalid_request", "code_challenge_method must be S256")
		return
	case req.challenge != "" && !validPKCEValue(req.challenge, 43, 43):
		refuse("invalid_request", "code_challenge must be 43 base64url characters")
		return
	}

	p.mu.Lock()
	auto := p.autoApprove
	p.mu.Unlock()
	if auto {
		cit := &p.people[0]
		if req.loginHint != "" {
			if cit = p.citizen(req.loginHint); cit == nil {
				refuse("invalid_request", "login_hint does not name a known citizen")
				return
			}
		}
		http.Redirect(w, r, p.approveRequest(req, cit), http.StatusFound)
		return
	}
	p.renderWait(w, p.newPending(req))
}

// refuseClient answers an authorization request whose client or redirect_uri is refused, never
// redirecting: with a JSON error (AuthorizeErrorsJSON), or with the manual's "Bad data
// request" page (AuthorizeErrorsRedirect), with status, except that 401 becomes 400 there.
func (p *Server) refuseClient(w http.ResponseWriter, status int, code, desc string) {
	if p.opts.AuthorizeErrors == AuthorizeErrorsRedirect {
		if status == http.StatusUnauthorized {
			status = http.StatusBadRequest
		}
		p.renderBadRequest(w, status, desc)
		return
	}
	writeError(w, status, code, desc)
}

// validPKCEValue checks length and the unreserved character set of RFC 7636.
func validPKCEValue(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
			return false
		}
	}
	return true
}

// approveRequest issues a code for req as citizen c and returns the redirect target.
func (p *Server) approveRequest(req authRequest, c *Citizen) string {
	code := randomToken(32)
	p.mu.Lock()
	now := p.now()
	p.sweepLocked(now)
	p.codes[code] = &authCode{
		grant: &grant{
			clientID: req.client.ID,
			citizen:  c,
			scopes:   req.scopes,
			nonce:    req.nonce,
			authTime: now,
		},
		redirectURI: req.redirectURI,
		challenge:   req.challenge,
		expires:     now.Add(p.opts.CodeTTL),
	}
	p.mu.Unlock()
	p.logger.Info("login approved", "client_id", req.client.ID, "citizen", maskPID(c.PID), "scope", strings.Join(req.scopes, " "))
	return withParams(req.redirectURI, url.Values{"code": {code}, "state": {req.state}})
}

// deniedTarget is the redirect target of a refused login.
func deniedTarget(req authRequest) string {
	return withParams(req.redirectURI, url.Values{
		"error":             {"access_denied"},
		"error_description": {"the user refused to share the data"},
		"state":             {req.state},
	})
}

func redirectError(w http.ResponseWriter, r *http.Request, req authRequest, code, desc string) {
	v := url.Values{"error": {code}}
	if desc != "" {
		v.Set("error_description", desc)
	}
	if req.state != "" {
		v.Set("state", req.state)
	}
	http.Redirect(w, r, withParams(req.redirectURI, v), http.StatusFound)
}

// withParams adds v to the query of uri, keeping the query it already has.
func withParams(uri string, v url.Values) string {
	u, err := url.Parse(uri)
	if err != nil {
		return uri
	}
	q := u.Query()
	for k, vs := range v {
		if len(vs) > 0 && vs[0] != "" {
			q[k] = vs
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}
