package mockprovider

import (
	"crypto/subtle"
	"net/http"
	"slices"
	"strconv"
)

func (p *Server) phoneURL(ref string) string { return p.issuer + PathQR + "phone/" + ref }

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
		if c := p.citizen(pa.req.loginHint); c != nil {
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
