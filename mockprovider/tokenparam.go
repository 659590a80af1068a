package mockprovider

import (
	"net/http"
	"strings"
)

// tokenParam reads the token parameter of an introspection or revocation request in the form
// the endpoint takes (Options.IntrospectTokenForm, Options.RevokeTokenForm). ok is false when
// a bare token was sent to an endpoint that takes only "Bearer <t>".
func (p *Server) tokenParam(r *http.Request, rec *RequestRecord, form TokenForm) (tok string, ok bool) {
	t := strings.TrimSpace(r.PostForm.Get("token"))
	rec.TokenTypeHint = r.PostForm.Get("token_type_hint")
	prefixed := len(t) > 7 && strings.EqualFold(t[:7], "bearer ")
	rec.BearerPrefix = prefixed
	switch {
	case prefixed && form != TokenFormBare:
		return strings.TrimSpace(t[7:]), true
	case !prefixed && form == TokenFormBearer && t != "":
		return "", false
	}
	return t, true // TokenFormBare takes "Bearer <t>" as it is: a token that does not exist
}

// tokenRequest reads what introspect and revoke share: a POST form, an authenticated client and
// the token parameter in the endpoint's form. On failure it has answered the request and
// returns ok=false.
func (p *Server) tokenRequest(w http.ResponseWriter, r *http.Request, rec *RequestRecord, form TokenForm) (c *RelyingParty, tok string, ok bool) {
	if !parsePost(w, r) {
		return nil, "", false
	}
	if c = p.authenticateClient(w, r, rec); c == nil {
		return nil, "", false
	}
	tok, ok = p.tokenParam(r, rec, form)
	switch {
	case !ok:
		writeError(w, http.StatusBadRequest, "invalid_request", `token must be sent as "Bearer <token>"`)
		return nil, "", false
	case tok == "":
		writeError(w, http.StatusBadRequest, "invalid_request", "token is required")
		return nil, "", false
	}
	return c, tok, true
}
