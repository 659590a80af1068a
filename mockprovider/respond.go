package mockprovider

import (
	"encoding/json"
	"net/http"
)

// writeJSON sends v as JSON, never cached.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// oauthError is the JSON error body of THAID.md.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

// writeError sends an OAuth error body; a 401 gets a WWW-Authenticate header if it has none.
func writeError(w http.ResponseWriter, status int, code, desc string) {
	if status == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") == "" {
		w.Header().Set("WWW-Authenticate", `Basic realm="thaid-mock"`)
	}
	writeJSON(w, status, oauthError{Error: code, Description: desc})
}
