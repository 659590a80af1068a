package mockprovider

import "net/http"

// serveRevoke answers /api/v2/oauth2/revoke/. Revoking a refresh token revokes its whole grant
// (all access tokens of the login); unknown tokens are answered OK (RFC 7009).
func (p *Server) serveRevoke(w http.ResponseWriter, r *http.Request, rec *RequestRecord, _ *Fault) {
	c, tok, ok := p.tokenRequest(w, r, rec, p.opts.RevokeTokenForm)
	if !ok {
		return
	}
	p.mu.Lock()
	if t, ok := p.tokens[tok]; ok && t.grant.clientID == c.ID {
		t.revoked = true
		if t.refresh {
			t.grant.revoked = true
		}
	}
	p.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{"status": "OK", "message": "revoked"})
}
