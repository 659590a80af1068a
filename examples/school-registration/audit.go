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
	// Registrations are the registrations the entries name that the reader
	// may read (of their areas, or any for a super-admin): the page links to
	// them, and shows the phone and email of one whose mail failed.
	Registrations map[string]store.Registration
	// Filtered: a filter is set (an empty page then says which).
	Filtered bool
	// From and To are the dates of the filter, as the list shows dates
	// (To: the last day included); zero when not set.
	From, To time.Time
	// Future: the filter starts after today, when nothing can have happened.
	Future bool
}

// auditActions are the actions the filter offers.
var auditActions = []string{store.AuditRegistered, store.AuditApproved, store.AuditRejected, store.AuditRevoked,
	store.AuditAdminGranted, store.AuditAdminRemoved, store.AuditSuperGranted, store.AuditSuperRemoved,
	store.AuditAreaContact, store.AuditMailFailed, store.AuditPurged}

// auditAnchors maps the audit filters to their inputs, for the error summary.
var auditAnchors = map[string]string{"area": "f-area", "action": "f-action", "from": "f-from", "to": "f-to"}

// handleAudit shows the audit trail: an area admin sees their own areas (and
// the purge notes), a super-admin every area. Filters: area, action, from and
// to (days in Bangkok time, both inclusive, in the Buddhist era as the list
// shows them, or Gregorian: see parseDay). An empty result says which
// filters gave it.
func (app *application) handleAudit() http.Handler {
	return app.requireReader(func(w http.ResponseWriter, r *http.Request, c *citizen) {
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
		days := readDayFilter(form["from"], form["to"], errs)
		f.From, f.To = days.From, days.To
		form["from"], form["to"] = days.ShownFrom, days.ShownTo
		data.Filtered = form["area"] != "" || form["action"] != "" || form["from"] != "" || form["to"] != ""
		data.From = f.From
		if !f.To.IsZero() {
			data.To = f.To.AddDate(0, 0, -1)
		}
		data.Future = !f.From.IsZero() && f.From.After(time.Now())
		p := page{User: c.view, Form: form, Errors: errs, Anchors: auditAnchors}
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
		var ids []string
		for _, e := range entries {
			if e.RegistrationID != "" && !slices.Contains(ids, e.RegistrationID) {
				ids = append(ids, e.RegistrationID)
			}
		}
		// Limited in the store's SQL to what the reader may read: the failed-mail
		// entries show the registration's phone and email to its area's admins
		// and the super-admins only.
		if data.Registrations, err = app.store.RegistrationsForReader(r.Context(), c.pid, ids); err != nil {
			app.serverError(w, r, c, err)
			return
		}
		data.Entries = entries
		p.Data = data
		app.views.render(w, r, http.StatusOK, "audit", p)
	})
}
