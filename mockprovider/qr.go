package mockprovider

import (
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"time"

	"rsc.io/qr"
)

//go:embed templates/*.html
var templateFS embed.FS

var pages = map[string]*template.Template{}

func init() {
	for _, name := range []string{"wait", "phone", "done", "bad", "home"} {
		pages[name] = template.Must(template.ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
	}
}

// PendingAuth is a QR login waiting for the phone.
type PendingAuth struct {
	// Ref is the reference code shown under the QR code (หมายเลขอ้างอิง).
	Ref         string
	ClientID    string   // the client that asks
	Scopes      []string // the scopes requested
	RedirectURI string   // where the browser goes after the decision
	// LoginHint is true when the request carried a login_hint (not shown: it is a PID).
	LoginHint bool
	CreatedAt time.Time // when the QR page was shown (provider's clock)
	ExpiresAt time.Time // CreatedAt + QRTTL
	// PhoneURL is the URL the QR code encodes: the simulated phone page.
	PhoneURL string
}

type authStatus int

const (
	statusPending authStatus = iota
	statusApproved
	statusDenied
	statusDeciding // claimed by decide, code being issued
)

type pendingAuth struct {
	ref      string
	req      authRequest
	created  time.Time
	status   authStatus // guarded by Server.mu
	redirect string     // guarded by Server.mu; set when approved or denied
}

const refAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

func newRef() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = refAlphabet[int(b[i])%len(refAlphabet)]
	}
	return string(b)
}

func (p *Server) newPending(req authRequest) *pendingAuth {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	p.sweepLocked(now)
	pa := &pendingAuth{ref: newRef(), req: req, created: now}
	for p.pending[pa.ref] != nil {
		pa.ref = newRef()
	}
	p.pending[pa.ref] = pa
	return pa
}

func (p *Server) phoneURL(ref string) string { return p.issuer + PathQR + "phone/" + ref }

// pagePath returns the root-relative path of one of the mock's own pages, under the issuer's
// path: a provider mounted at https://host/mock-thaid links to /mock-thaid/qr/..., not /qr/....
func (p *Server) pagePath(path string) string { return p.basePath + path }

// expiredLocked reports whether pa is still pending but past QRTTL. p.mu held.
func (p *Server) expiredLocked(pa *pendingAuth, now time.Time) bool {
	return pa.status == statusPending && now.Sub(pa.created) >= p.opts.QRTTL
}

// Pending returns the QR logins waiting for approval (not yet approved, denied or expired).
func (p *Server) Pending() []PendingAuth {
	p.mu.Lock()
	now := p.now()
	var out []PendingAuth
	for _, pa := range p.pending {
		if pa.status != statusPending || p.expiredLocked(pa, now) {
			continue
		}
		out = append(out, PendingAuth{
			Ref: pa.ref, ClientID: pa.req.client.ID, Scopes: slices.Clone(pa.req.scopes),
			RedirectURI: pa.req.redirectURI, LoginHint: pa.req.loginHint != "",
			CreatedAt: pa.created, ExpiresAt: pa.created.Add(p.opts.QRTTL), PhoneURL: p.phoneURL(pa.ref),
		})
	}
	p.mu.Unlock()
	slices.SortFunc(out, func(a, b PendingAuth) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out
}

// Approve approves the QR login ref as the citizen with that PID, as if the phone had approved
// (no password needed). The waiting page then moves on to redirect_uri?code&state.
func (p *Server) Approve(ref, pid string) error {
	c, err := p.citizen(pid)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrUnknownCitizen, maskPID(normalizePID(pid)))
	}
	_, err = p.decide(ref, c)
	return err
}

// Deny refuses the QR login ref; the waiting page moves on to redirect_uri?error=access_denied.
func (p *Server) Deny(ref string) error {
	_, err := p.decide(ref, nil)
	return err
}

// decide approves (c != nil) or denies a pending login and returns the redirect target.
func (p *Server) decide(ref string, c *Citizen) (string, error) {
	p.mu.Lock()
	pa, ok := p.pending[ref]
	var err error
	switch {
	case !ok:
		err = fmt.Errorf("%w: %q", ErrUnknownRef, ref)
	case pa.status != statusPending:
		err = ErrNotPending
	case p.expiredLocked(pa, p.now()):
		err = ErrQRExpired
	}
	if err != nil {
		p.mu.Unlock()
		return "", err
	}
	// Claim the login before issuing the code, so two approvals cannot both win.
	pa.status = statusDeciding
	p.mu.Unlock()
	var target string
	if c != nil {
		target = p.approveRequest(pa.req, c)
	} else {
		target = deniedTarget(pa.req)
		p.logger.Info("login refused", "client_id", pa.req.client.ID)
	}
	p.mu.Lock()
	pa.status = statusDenied
	if c != nil {
		pa.status = statusApproved
	}
	pa.redirect = target
	p.mu.Unlock()
	return target, nil
}

func (p *Server) qrRoutes(m *http.ServeMux) {
	m.HandleFunc("GET "+PathQR+"wait/{ref}", p.serveWait)
	m.HandleFunc("GET "+PathQR+"png/{ref}", p.servePNG)
	m.HandleFunc("GET "+PathQR+"status/{ref}", p.serveStatus)
	m.HandleFunc("GET "+PathQR+"phone/{ref}", p.servePhone)
	m.HandleFunc("POST "+PathQR+"phone/{ref}", p.servePhone)
	m.HandleFunc("POST "+PathQR+"retry/{ref}", p.serveRetry)
}

func (p *Server) lookupPending(ref string) (*pendingAuth, authStatus, bool, string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pa, ok := p.pending[ref]
	if !ok {
		return nil, 0, false, "", false
	}
	return pa, pa.status, p.expiredLocked(pa, p.now()), pa.redirect, true
}

type scopeView struct{ Scope, Label string }

func scopeViews(scopes []string) []scopeView {
	out := make([]scopeView, 0, len(scopes))
	for _, s := range scopes {
		out = append(out, scopeView{s, scopeLabels[s]})
	}
	return out
}

func render(w http.ResponseWriter, status int, name string, data any) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_ = pages[name].ExecuteTemplate(w, "layout", data)
}

// renderBadRequest is the "Bad data request" page of DOPA's manual (AuthorizeErrorsRedirect).
func (p *Server) renderBadRequest(w http.ResponseWriter, status int, detail string) {
	render(w, status, "bad", map[string]any{"Title": "Bad data request", "Detail": detail})
}

type waitView struct {
	Title, Ref, Client, PNGURL, PhoneURL, SameDeviceURL, StatusURL, RetryURL string
	Scopes                                                                   []scopeView
	Expired                                                                  bool
	Remaining                                                                int
}

func (p *Server) renderWait(w http.ResponseWriter, r *http.Request, pa *pendingAuth) {
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

func (p *Server) notFound(w http.ResponseWriter) {
	render(w, http.StatusNotFound, "bad", map[string]any{"Title": "ไม่พบรายการ", "Detail": "unknown or expired reference code"})
}

func (p *Server) serveWait(w http.ResponseWriter, r *http.Request) {
	pa, _, _, _, ok := p.lookupPending(r.PathValue("ref"))
	if !ok {
		p.notFound(w)
		return
	}
	p.renderWait(w, r, pa)
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

type citizenView struct {
	Index    int
	Name     string
	NameEN   string
	PID      string // masked
	Selected bool
}

type phoneView struct {
	Title, Ref, Client, Error, Action string
	Scopes                            []scopeView
	Citizens                          []citizenView
	Same                              bool
}

// servePhone is the simulated ThaID app: choose a citizen, consent, type the app password.
func (p *Server) servePhone(w http.ResponseWriter, r *http.Request) {
	ref := r.PathValue("ref")
	pa, st, expired, _, ok := p.lookupPending(ref)
	if !ok {
		p.notFound(w)
		return
	}
	if err := r.ParseForm(); err != nil {
		p.renderBadRequest(w, http.StatusBadRequest, "malformed form")
		return
	}
	same := r.Form.Get("same") == "1"
	switch {
	case expired:
		render(w, http.StatusGone, "done", map[string]any{"Title": "QR Code หมดอายุ", "Expired": true})
		return
	case st != statusPending:
		render(w, http.StatusConflict, "done", map[string]any{"Title": "รายการนี้ดำเนินการแล้ว", "Used": true})
		return
	}
	selected := -1
	if i, err := strconv.Atoi(r.PostForm.Get("citizen")); err == nil && i >= 0 && i < len(p.people) {
		selected = i
	} else if pa.req.loginHint != "" {
		if c, err := p.citizen(pa.req.loginHint); err == nil {
			selected = slices.IndexFunc(p.people, func(x Citizen) bool { return x.PID == c.PID })
		}
	}
	view := phoneView{
		Title: "แอปพลิเคชัน ThaID (จำลอง)", Ref: ref, Client: pa.req.client.displayName(),
		Action: p.pagePath(PathQR + "phone/" + ref), Scopes: scopeViews(pa.req.scopes), Same: same,
	}
	// No citizen is chosen for the user (unless the RP's login_hint names one): picking the
	// wrong person on a phone must take a deliberate tap, not a missed one.
	view.Citizens = p.citizenViews(selected)
	if r.Method == http.MethodGet {
		render(w, http.StatusOK, "phone", view)
		return
	}

	var target string
	var err error
	switch r.PostForm.Get("action") {
	case "deny":
		target, err = p.decide(ref, nil)
	case "approve":
		if selected < 0 {
			view.Error = "กรุณาเลือกผู้ใช้งาน"
			render(w, http.StatusOK, "phone", view)
			return
		}
		c := &p.people[selected]
		switch {
		case r.PostForm.Get("consent") == "":
			view.Error = "กรุณาให้ความยินยอมก่อนยืนยันตัวตน"
		case subtle.ConstantTimeCompare([]byte(r.PostForm.Get("password")), []byte(c.Password)) != 1:
			view.Error = "รหัสผ่านไม่ถูกต้อง กรุณาลองใหม่อีกครั้ง"
			p.logger.Info("wrong app password", "citizen", maskPID(c.PID))
		}
		if view.Error != "" {
			render(w, http.StatusOK, "phone", view)
			return
		}
		target, err = p.decide(ref, c)
	default:
		view.Error = "คำขอไม่ถูกต้อง"
		render(w, http.StatusBadRequest, "phone", view)
		return
	}
	if err != nil {
		render(w, http.StatusConflict, "done", map[string]any{"Title": "รายการนี้ดำเนินการแล้ว", "Used": true})
		return
	}
	if same {
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	approved := r.PostForm.Get("action") == "approve"
	render(w, http.StatusOK, "done", map[string]any{"Title": "เสร็จสิ้น", "Approved": approved, "Denied": !approved})
}

// serveHome is a small index page for people who open the issuer URL in a browser.
func (p *Server) serveHome(w http.ResponseWriter, r *http.Request) {
	render(w, http.StatusOK, "home", map[string]any{"Title": "thaid-mock", "Issuer": p.issuer, "Discovery": p.issuer + PathDiscovery, "Citizens": p.citizenViews(-1)})
}

// citizenViews lists the citizens for a page, masked; selected is the index to preselect (-1: none).
func (p *Server) citizenViews(selected int) []citizenView {
	out := make([]citizenView, len(p.people))
	for i, c := range p.people {
		out[i] = citizenView{Index: i, Name: c.Name(), NameEN: c.NameEN(), PID: maskPID(c.PID), Selected: i == selected}
	}
	return out
}
