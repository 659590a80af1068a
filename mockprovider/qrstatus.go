package mockprovider

import "net/http"

// QRStatus is the JSON answer of the status endpoint that the waiting page polls.
type QRStatus struct {
	// Status is "pending", "approved", "denied" or "expired".
	Status string `json:"status"`
	// Redirect is where the browser goes next (approved or denied only).
	Redirect string `json:"redirect,omitempty"`
}

func (p *Server) serveStatus(w http.ResponseWriter, r *http.Request) {
	_, st, expired, redirect, ok := p.lookupPending(r.PathValue("ref"))
	if !ok {
		writeJSON(w, http.StatusNotFound, oauthError{Error: "not_found", Description: "unknown reference code"})
		return
	}
	s := QRStatus{Status: "pending"}
	switch {
	case expired:
		s.Status = "expired"
	case st == statusApproved && redirect != "":
		s = QRStatus{Status: "approved", Redirect: redirect}
	case st == statusDenied && redirect != "":
		s = QRStatus{Status: "denied", Redirect: redirect}
	}
	writeJSON(w, http.StatusOK, s)
}
