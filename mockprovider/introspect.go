package mockprovider

import (
	"net/http"
	"strings"
)

// serveIntrospect answers /api/v2/oauth2/introspect/.
func (p *Server) serveIntrospect(w http.ResponseWriter, r *http.Request, rec *RequestRecord, _ *Fault) {
	c, tok, ok := p.tokenRequest(w, r, rec, p.opts.IntrospectTokenForm)
	if !ok {
		return
	}
	p.mu.Lock()
	now := p.now()
	t, ok := p.tokens[tok]
	active := ok && t.live(now) && t.grant.clientID == c.ID
	p.mu.Unlock()
	if !active {
		writeJSON(w, http.StatusOK, map[string]any{"active": false})
		return
	}
	typ := "access_token"
	if t.refresh {
		typ = "refresh_token"
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"active":     true,
		"sub":        t.grant.citizen.Sub,
		"scope":      strings.Join(t.scopes, " "),
		"client_id":  t.grant.clientID,
		"token_type": typ,
		"iat":        t.issued.Unix(),
		"exp":        t.expires.Unix(),
		"iss":        p.issuer,
	})
}
