package mockprovider

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
)

// authenticateClient checks client credentials (Basic header or client_id/client_secret in the
// body) and the optional API key. On failure it writes the error and returns nil.
func (p *Server) authenticateClient(w http.ResponseWriter, r *http.Request, rec *RequestRecord) *RelyingParty {
	id, secret, basic := r.BasicAuth()
	if basic {
		// RFC 6749 2.3.1: form-urlencoded before base64.
		if u, err := url.QueryUnescape(id); err == nil {
			id = u
		}
		if u, err := url.QueryUnescape(secret); err == nil {
			secret = u
		}
		rec.AuthStyle = "basic"
		if r.PostForm.Get("client_secret") != "" {
			writeError(w, http.StatusBadRequest, "invalid_request", "use one client authentication method, not two")
			return nil
		}
		if bid := r.PostForm.Get("client_id"); bid != "" && bid != id {
			writeError(w, http.StatusBadRequest, "invalid_request", "client_id in body differs from the Basic credentials")
			return nil
		}
	} else if r.PostForm.Has("client_secret") {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
		rec.AuthStyle = "post"
	} else {
		rec.ClientID = r.PostForm.Get("client_id")
		writeError(w, http.StatusUnauthorized, "invalid_client", "client authentication required")
		return nil
	}
	rec.ClientID = id
	key := r.Header.Get("x-imauth-apikey")
	rec.APIKey = key != ""
	c, ok := p.clients[id]
	if !ok {
		writeError(w, http.StatusUnauthorized, "invalid_client", "Client id not found")
		return nil
	}
	if subtle.ConstantTimeCompare([]byte(secret), []byte(c.Secret)) != 1 {
		writeError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return nil
	}
	if c.APIKey != "" && subtle.ConstantTimeCompare([]byte(key), []byte(c.APIKey)) != 1 {
		writeError(w, http.StatusUnauthorized, "unauthorized_client", "missing or wrong x-imauth-apikey")
		return nil
	}
	return c
}

// parsePost checks method and content type and parses the form. On failure it writes the
// error and returns false.
func parsePost(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, "invalid_request", "use POST")
		return false
	}
	ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	if strings.TrimSpace(strings.ToLower(ct)) != "application/x-www-form-urlencoded" {
		writeError(w, http.StatusBadRequest, "invalid_request", "Content-Type must be application/x-www-form-urlencoded")
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request", "malformed form body")
		return false
	}
	return true
}
