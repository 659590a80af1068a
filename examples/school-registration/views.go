package main

import (
	"bytes"
	"cmp"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
	"github.com/thaid-go/thaid-go/thaid"
)

//go:embed templates/*.html templates/*.txt
var templateFS embed.FS

// views holds one parsed template set per page, each with the base layout.
type views struct {
	pages map[string]*template.Template
	log   *slog.Logger
}

var bangkok = time.FixedZone("Asia/Bangkok", 7*60*60)

var thaiMonths = [...]string{"ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."}

var templateFuncs = template.FuncMap{
	// maskpid shows a stored PID masked, as 1-1017-xxxxx-70-8.
	"maskpid": thaid.MaskPID,
	// phone shows a stored phone number as 081-234-5678.
	"phone": formatPhone,
	// tel is a stored phone number's tel: URI (tap to call), or "".
	"tel": telURI,
	// autolink shows a text with its http(s) URLs as links (autolink.go).
	"autolink": autolink,
	// beday writes a day as the date filters take it: 15/3/2569.
	"beday": beDay,
	// contact makes an officeContact of a phone number and an email.
	"contact": func(phone, email string) officeContact { return officeContact{Phone: phone, Email: email} },
	// thaidate formats a time in Bangkok time with a Buddhist-era year.
	"thaidate": func(t time.Time) string {
		t = t.In(bangkok)
		return fmt.Sprintf("%d %s %d %02d:%02d น.", t.Day(), thaiMonths[t.Month()-1], t.Year()+543, t.Hour(), t.Minute())
	},
}

func newViews(log *slog.Logger) (*views, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	v := &views{pages: map[string]*template.Template{}, log: log}
	for _, name := range names {
		if name == "templates/layout.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(templateFuncs).ParseFS(templateFS, "templates/layout.html", name)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		v.pages[strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")] = t
	}
	return v, nil
}

// officeContact is how applicants reach an area's office: the
// "areacontact" template's value.
type officeContact struct{ Phone, Email string }

// viewer is the logged-in citizen as pages show them.
type viewer struct {
	Name      store.PersonName // as ThaID sent it
	MaskedPID string
	IsAdmin   bool // administers an area
	IsSuper   bool // a super-admin
}

// fieldError is a validation error of a form field; Code selects the
// message in the "errormessage" template, shown beside the field
// ("fielderror") and in the page's error summary ("errorsummary").
type fieldError struct {
	Field  string
	Code   string
	Anchor string // the id of the field's input, which the summary links to
	Max    int    // the field's limit, for "too_long"
	Got    int    // how long the value was: characters, or digits for "pid"
}

// fieldMax is the length limit of each free-text field, in characters.
var fieldMax = map[string]int{"title": maxTitle, "body": maxBody, "about": maxAbout, "reason": maxReason,
	"q": store.MaxSearchLength}

// fieldOrder is the order of the fields in an error summary: the order of
// the forms.
var fieldOrder = []string{"q", "status", "area", "school", "action", "from", "to", "sort",
	"pid", "phone", "email", "contact_phone", "contact_email", "title", "body", "about", "reason"}

// newFieldError describes the error code of field, whose value was value;
// anchors maps a field to its input's id when they differ.
func newFieldError(field, code, value string, anchors map[string]string) *fieldError {
	e := &fieldError{Field: field, Code: code, Anchor: field, Max: fieldMax[field], Got: textLength(value)}
	if a, ok := anchors[field]; ok {
		e.Anchor = a
	}
	if field == "pid" {
		e.Got = 0
		for _, r := range value {
			if r >= '0' && r <= '9' {
				e.Got++
			}
		}
	}
	return e
}

// errorSummary lists the errors of errs (field -> code), in the forms'
// order (fieldOrder; any other field after them, by name), for the error
// summary at the top of a page.
func errorSummary(errs, values, anchors map[string]string) []*fieldError {
	fields := slices.Sorted(maps.Keys(errs))
	slices.SortStableFunc(fields, func(a, b string) int {
		return cmp.Compare(orderOf(a), orderOf(b))
	})
	out := make([]*fieldError, 0, len(fields))
	for _, f := range fields {
		out = append(out, newFieldError(f, errs[f], values[f], anchors))
	}
	return out
}

// orderOf is a field's place in fieldOrder (after them all when absent).
func orderOf(field string) int {
	if i := slices.Index(fieldOrder, field); i >= 0 {
		return i
	}
	return len(fieldOrder)
}

// page is what every template receives.
type page struct {
	User   *viewer
	CSRF   string
	Notice string            // a message code the template turns into text
	Form   map[string]string // submitted values, to re-fill the form
	Errors map[string]string // field name -> error code
	// Anchors maps a field to the id of its input, when they differ, for the
	// error summary's links.
	Anchors map[string]string
	Data    any // page-specific
}

// Err returns the error of a form field, or nil.
func (p page) Err(field string) *fieldError {
	if code, ok := p.Errors[field]; ok {
		return newFieldError(field, code, p.Form[field], p.Anchors)
	}
	return nil
}

// Summary lists the page's errors for its error summary.
func (p page) Summary() []*fieldError { return errorSummary(p.Errors, p.Form, p.Anchors) }

// render writes a page; a template error becomes a plain 500.
func (v *views) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	t, ok := v.pages[name]
	if !ok {
		v.log.Error("unknown template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if p.CSRF == "" {
		p.CSRF = csrfToken(r)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		v.log.Error("render", "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// renderError writes the error page with a message code.
func (v *views) renderError(w http.ResponseWriter, r *http.Request, status int, code string, user *viewer) {
	v.render(w, r, status, "error", page{User: user, Notice: code})
}
