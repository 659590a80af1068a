package mockprovider

import (
	"embed"
	"html/template"
	"net/http"
)

//go:embed templates/*.html
var templateFS embed.FS

var pages = map[string]*template.Template{}

func init() {
	for _, name := range []string{"wait", "phone", "done", "bad", "home"} {
		pages[name] = template.Must(template.ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
	}
}

// pagePath returns the root-relative path of one of the mock's own pages, under the issuer's
// path: a provider mounted at https://host/mock-thaid links to /mock-thaid/qr/..., not /qr/....
func (p *Server) pagePath(path string) string { return p.basePath + path }

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

func (p *Server) notFound(w http.ResponseWriter) {
	render(w, http.StatusNotFound, "bad", map[string]any{"Title": "ไม่พบรายการ", "Detail": "unknown or expired reference code"})
}

type citizenView struct {
	Index    int
	Name     string
	NameEN   string
	PID      string // masked
	Selected bool
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
