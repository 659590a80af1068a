package main

import (
	"net/http"
	"slices"
	"time"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
)

// auditData is the audit page: the entries and the filters.
type auditData struct {
	Entries []store.AuditEntry
	Areas   []store.Area // the areas the reader may filter on
	Actions []string
	Limit   int
	// AreaNames names the areas of the entries (an entry keeps only the code).
	AreaNames map[string]string
}

// auditActions are the actions the filter offers.
var auditActions = []string{store.AuditRegistered, store.AuditApproved, store.AuditRejected, store.AuditRevoked,
	store.AuditAdminGranted, store.AuditAdminRemoved, store.AuditSuperGranted, store.AuditSuperRemoved, store.AuditMailFailed, store.AuditPurged}

// handleAudit shows the audit trail: an area admin sees their own areas (and
// the purge notes), a super-admin every area. Filters: area, action, from and
// to (dates in Bangkok time, both inclusive).
func (app *application) handleAudit() http.Handler {
	return app.requireCitizen(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		if c.areasErr != nil {
			app.serverError(w, r, c, c.areasErr)
			return
		}
		if !c.isAdmin() && !c.super {
			app.views.renderError(w, r, http.StatusForbidden, "forbidden", c.view)
			return
		}
		q := r.URL.Query()
		form := map[string]string{"area": q.Get("area"), "action": q.Get("action"), "from": q.Get("from"), "to": q.Get("to")}
		data := auditData{Areas: c.areas, Actions: auditActions, Limit: store.AuditListLimit}
		f := store.AuditFilter{Areas: []string{}}
		for _, a := range c.areas {
			f.Areas = append(f.Areas, a.Code)
		}
		all, err := app.store.Areas(r.Context())
		if err != nil {
			app.serverError(w, r, c, err)
			return
		}
		data.AreaNames = map[string]string{}
		for _, a := range all {
			data.AreaNames[a.Code] = a.Name
		}
		if c.super {
			f.Areas, data.Areas = nil, all
		}
		errs := map[string]string{}
		if a := form["area"]; a != "" {
			if f.Areas != nil && !slices.Contains(f.Areas, a) {
				errs["area"] = "invalid"
			} else {
				f.Areas = []string{a}
			}
		}
		if a := form["action"]; a != "" {
			if !slices.Contains(auditActions, a) {
				errs["action"] = "invalid"
			}
			f.Action = a
		}
		for _, d := range []struct {
			field string
			into  *time.Time
		}{{"from", &f.From}, {"to", &f.To}} {
			if v := form[d.field]; v != "" {
				t, ok := parseDay(v, d.field == "to")
				if !ok {
					errs[d.field] = "date"
					continue
				}
				*d.into = t
			}
		}
		p := page{User: c.view, Form: form, Errors: errs}
		if len(errs) > 0 {
			p.Data = data
			app.views.render(w, r, http.StatusUnprocessableEntity, "audit", p)
			return
		}
		entries, err := app.store.Audit(r.Context(), f)
		if err != nil {
			app.serverError(w, r, c, err)
			return
		}
		data.Entries = entries
		p.Data = data
		app.views.render(w, r, http.StatusOK, "audit", p)
	})
}
