package mockprovider

import (
	"net/http"
	"time"

	"rsc.io/qr"
)

func (p *Server) qrRoutes(m *http.ServeMux) {
	m.HandleFunc("GET "+PathQR+"wait/{ref}", p.serveWait)
	m.HandleFunc("GET "+PathQR+"png/{ref}", p.servePNG)
	m.HandleFunc("GET "+PathQR+"status/{ref}", p.serveStatus)
	m.HandleFunc("GET "+PathQR+"phone/{ref}", p.servePhone)
	m.HandleFunc("POST "+PathQR+"phone/{ref}", p.servePhone)
	m.HandleFunc("POST "+PathQR+"retry/{ref}", p.serveRetry)
}

type waitView struct {
	Title, Ref, Client, PNGURL, PhoneURL, SameDeviceURL, StatusURL, RetryURL string
	Scopes                                                                   []scopeView
	Expired                                                                  bool
	Remaining                                                                int
}

func (p *Server) renderWait(w http.ResponseWriter, pa *pendingAuth) {
	p.mu.Lock()
	now := p.now()
	expired := p.expiredLocked(pa, now)
	remaining := int((p.opts.QRTTL - now.Sub(pa.created)) / time.Second)
	p.mu.Unlock()
	phone := p.phoneURL(pa.ref)
	render(w, http.StatusOK, "wait", waitView{
		Title: "เข้าสู่ระบบด้วย ThaID", Ref: pa.ref, Client: pa.req.client.displayName(),
		PNGURL: p.pagePath(PathQR + "png/" + pa.ref), PhoneURL: phone, SameDeviceURL: phone + "?same=1",
		StatusURL: p.pagePath(PathQR + "status/" + pa.ref), RetryURL: p.pagePath(PathQR + "retry/" + pa.ref),
		Scopes: scopeViews(pa.req.scopes), Expired: expired, Remaining: max(remaining, 0),
	})
}

func (p *Server) serveWait(w http.ResponseWriter, r *http.Request) {
	pa, _, _, _, ok := p.lookupPending(r.PathValue("ref"))
	if !ok {
		p.notFound(w)
		return
	}
	p.renderWait(w, pa)
}

// servePNG serves the QR code of the phone page URL.
func (p *Server) servePNG(w http.ResponseWriter, r *http.Request) {
	ref := r.PathValue("ref")
	if _, _, _, _, ok := p.lookupPending(ref); !ok {
		http.NotFound(w, r)
		return
	}
	code, err := qr.Encode(p.phoneURL(ref), qr.M)
	if err != nil {
		http.Error(w, "qr: "+err.Error(), http.StatusInternalServerError)
		return
	}
	code.Scale = 6
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(code.PNG())
}

// serveRetry issues a fresh reference for the same request and shows its QR page.
func (p *Server) serveRetry(w http.ResponseWriter, r *http.Request) {
	pa, _, _, _, ok := p.lookupPending(r.PathValue("ref"))
	if !ok {
		p.notFound(w)
		return
	}
	npa := p.newPending(pa.req)
	http.Redirect(w, r, p.pagePath(PathQR+"wait/"+npa.ref), http.StatusSeeOther)
}
