package main

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
	"github.com/thaid-go/thaid-go/thaid"
)

// peopleData is the super-admin's page of area admins.
type peopleData struct {
	Admins []store.AreaAdminEntry
	Supers []store.SuperAdminEntry
	Areas  []store.Area // every area, by code
	// Done is the audit entry of the assignment or removal just made, which
	// names the person (nil: none).
	Done *store.AuditEntry
	// Existing is the entry of an assignment refused as already made.
	Existing *store.AreaAdminEntry
}

// AreaName is the name of the area code, or the code when there is none.
func (d peopleData) AreaName(code string) string {
	for _, a := range d.Areas {
		if a.Code == code {
			return a.Name
		}
	}
	return code
}

// requireSuper wraps a handler for super-admins only.
func (app *application) requireSuper(next func(w http.ResponseWriter, r *http.Request, c *citizen)) http.Handler {
	return app.requireCitizen(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		if c.areasErr != nil {
			app.serverError(w, r, c, c.areasErr)
			return
		}
		if !c.super {
			app.views.renderError(w, r, http.StatusForbidden, "forbidden", c.view)
			return
		}
		next(w, r, c)
	})
}

// requireReader wraps a handler for the readers of registrations: area
// admins and super-admins.
func (app *application) requireReader(next func(w http.ResponseWriter, r *http.Request, c *citizen)) http.Handler {
	return app.requireCitizen(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		if app.refusedReader(w, r, c) {
			return
		}
		next(w, r, c)
	})
}

// refusedReader answers a citizen who may not read registrations (500 when
// their areas could not be read, 403 when they are neither an area admin nor
// a super-admin) and reports whether it did.
func (app *application) refusedReader(w http.ResponseWriter, r *http.Request, c *citizen) bool {
	if c.areasErr != nil {
		app.serverError(w, r, c, c.areasErr)
		return true
	}
	if !c.isAdmin() && !c.super {
		app.views.renderError(w, r, http.StatusForbidden, "forbidden", c.view)
		return true
	}
	return false
}

func (app *application) renderPeople(w http.ResponseWriter, r *http.Request, c *citizen, status int, p page, d peopleData) {
	var err error
	if d.Admins, err = app.store.AreaAdmins(r.Context()); err != nil {
		app.serverError(w, r, c, err)
		return
	}
	if d.Supers, err = app.store.SuperAdmins(r.Context()); err != nil {
		app.serverError(w, r, c, err)
		return
	}
	if d.Areas, err = app.store.Areas(r.Context()); err != nil {
		app.serverError(w, r, c, err)
		return
	}
	p.User = c.view
	p.Data = d
	app.views.render(w, r, status, "admin_people", p)
}

// handlePeople lists the area admins and super-admins, by name (as their own
// login recorded it) and masked PID, with the forms to assign and remove.
// After an assignment or a removal (?done=, with entry naming its audit
// entry) the notice names the person.
func (app *application) handlePeople() http.Handler {
	return app.requireSuper(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		p, d := page{}, peopleData{}
		q := r.URL.Query()
		if done := q.Get("done"); done == "assigned" || done == "removed" {
			p.Notice = done
			e, err := app.store.AuditEntryByID(r.Context(), q.Get("entry"))
			want := map[string]string{"assigned": store.AuditAdminGranted, "removed": store.AuditAdminRemoved}[done]
			switch {
			case err == nil && e.Action == want:
				d.Done = &e
			case err != nil && !errors.Is(err, store.ErrNotFound):
				app.serverError(w, r, c, err)
				return
			}
		}
		app.renderPeople(w, r, c, http.StatusOK, p, d)
	})
}

// handleAssignAdmin makes a citizen (by PID) an admin of an area.
func (app *application) handleAssignAdmin() http.Handler {
	return app.requireSuper(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		area := r.PostFormValue("area")
		typed := r.PostFormValue("pid")
		errs := map[string]string{}
		pid, err := thaid.ParsePID(strings.TrimSpace(typed))
		if pe, ok := errors.AsType[*thaid.PIDError](err); ok {
			errs["pid"] = pidErrorCode(pe)
		} else if err != nil {
			errs["pid"] = "pid"
		}
		if area == "" {
			errs["area"] = "choose"
		}
		if len(errs) > 0 {
			form := map[string]string{"area": area}
			if errs["pid"] != "" && !holdsPID(typed) {
				// Not a citizen ID: shown again as typed, to be corrected. A valid one
				// is never put in a page (it would be there in full).
				form["pid"] = typed
			}
			app.renderPeople(w, r, c, http.StatusUnprocessableEntity, page{Form: form, Errors: errs}, peopleData{})
			return
		}
		entry, err := app.store.AssignAreaAdmin(r.Context(), c.actor(), pid.Digits(), area)
		switch {
		case errors.Is(err, store.ErrAlreadyAdmin):
			d := peopleData{}
			if admins, err := app.store.AreaAdmins(r.Context()); err == nil {
				for _, a := range admins {
					if a.MaskedPID == pid.Masked() && a.AreaCode == area {
						d.Existing = &a
					}
				}
			}
			app.renderPeople(w, r, c, http.StatusConflict, page{Notice: "already_admin", Form: map[string]string{"area": area}}, d)
		case errors.Is(err, store.ErrNotFound):
			app.renderPeople(w, r, c, http.StatusUnprocessableEntity,
				page{Errors: map[string]string{"area": "choose"}}, peopleData{})
		case err != nil:
			app.serverError(w, r, c, err)
		default:
			app.log.Info("area admin assigned", "admin", pid.Masked(), "area", area, "by", c.view.MaskedPID)
			http.Redirect(w, r, "/admin/people?done=assigned&entry="+entry.ID, http.StatusSeeOther)
		}
	})
}

// holdsPID reports whether the digits of s make a valid citizen ID.
func holdsPID(s string) bool {
	_, err := thaid.ParsePID(strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s))
	return err == nil
}

// pidErrorCode is the error code (for the "errormessage" template) of a
// citizen ID that thaid.ParsePID refused, by the rule it broke.
func pidErrorCode(e *thaid.PIDError) string {
	switch e.Rule {
	case thaid.PIDRuleEmpty:
		return "required"
	case thaid.PIDRuleLength:
		return "pid_length"
	case thaid.PIDRuleCheckDigit:
		return "pid_check"
	case thaid.PIDRuleFirstDigit:
		return "pid_first"
	}
	return "pid_chars"
}

// removeData is the confirmation page of an admin's removal from an area.
type removeData struct{ Admin store.AreaAdminEntry }

// handleConfirmRemove asks the super-admin to confirm removing an area admin
// from an area, naming them (GET: it can be reloaded or opened again).
func (app *application) handleConfirmRemove() http.Handler {
	return app.requireSuper(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		a, err := app.store.AreaAdminByID(r.Context(), r.PathValue("id"))
		switch {
		case errors.Is(err, store.ErrNotFound):
			app.renderPeople(w, r, c, http.StatusNotFound, page{Notice: "notfound"}, peopleData{})
		case err != nil:
			app.serverError(w, r, c, err)
		default:
			app.views.render(w, r, http.StatusOK, "admin_remove", page{User: c.view, Data: removeData{Admin: a}})
		}
	})
}

// handleRemoveAdmin removes one area of an area admin: the confirmation
// page's POST (confirm=yes; without it, the confirmation page).
func (app *application) handleRemoveAdmin() http.Handler {
	return app.requireSuper(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		id := r.PathValue("id")
		if r.PostFormValue("confirm") != "yes" {
			http.Redirect(w, r, "/admin/people/"+url.PathEscape(id)+"/remove", http.StatusSeeOther)
			return
		}
		entry, err := app.store.RemoveAreaAdmin(r.Context(), c.actor(), id)
		switch {
		case errors.Is(err, store.ErrNotFound):
			app.renderPeople(w, r, c, http.StatusNotFound, page{Notice: "notfound"}, peopleData{})
		case err != nil:
			app.serverError(w, r, c, err)
		default:
			app.log.Info("area admin removed", "admin", entry.Subject, "area", entry.AreaCode, "by", c.view.MaskedPID)
			http.Redirect(w, r, "/admin/people?done=removed&entry="+entry.ID, http.StatusSeeOther)
		}
	})
}
