package mockprovider

import (
	"net/http"
	"strings"
)

// serveUserInfo answers /api/v2/oauth2/userinfo/ for a Bearer access token.
func (p *Server) serveUserInfo(w http.ResponseWriter, r *http.Request, rec *RequestRecord, _ *Fault) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, "invalid_request", "use GET or POST")
		return
	}
	h := r.Header.Get("Authorization")
	if len(h) < 8 || !strings.EqualFold(h[:7], "bearer ") {
		w.Header().Set("WWW-Authenticate", `Bearer realm="thaid-mock"`)
		writeError(w, http.StatusUnauthorized, "invalid_token", "Bearer access token required")
		return
	}
	tok := strings.TrimSpace(h[7:])
	p.mu.Lock()
	now := p.now()
	t, ok := p.tokens[tok]
	valid := ok && !t.refresh && t.live(now)
	p.mu.Unlock()
	if !valid {
		w.Header().Set("WWW-Authenticate", `Bearer realm="thaid-mock", error="invalid_token"`)
		writeError(w, http.StatusUnauthorized, "invalid_token", "invalid, expired or revoked access token")
		return
	}
	rec.ClientID = t.grant.clientID
	rec.Scopes = t.scopes
	out := map[string]any{"sub": t.grant.citizen.Sub}
	p.claims(t.grant.citizen, t.scopes, out)
	writeJSON(w, http.StatusOK, out)
}
