package main

import (
	"errors"
	"net/http"
	"strings"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
	"github.com/thaid-go/thaid-go/thaid"
)

// peopleData is the super-admin's page of area admins.
type peopleData struct {
	Admins []store.AreaAdminEntry
	Areas  []store.Area
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

func (app *application) renderPeople(w http.ResponseWriter, r *http.Request, c *citizen, status int, p page) {
	admins, err := app.store.AreaAdmins(r.Context())
	if err != nil {
		app.serverError(w, r, c, err)
		return
	}
	areas, err := app.store.Areas(r.Context())
	if err != nil {
		app.serverError(w, r, c, err)
		return
	}
	p.User = c.view
	p.Data = peopleData{Admins: admins, Areas: areas}
	app.views.render(w, r, status, "admin_people", p)
}

// handlePeople lists the area admins, with the forms to assign and remove.
func (app *application) handlePeople() http.Handler {
	return app.requireSuper(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		p := page{}
		switch done := r.URL.Query().Get("done"); done {
		case "assigned", "removed":
			p.Notice = done
		}
		app.renderPeople(w, r, c, http.StatusOK, p)
	})
}

// handleAssignAdmin makes a citizen (by PID) an admin of an area.
func (app *application) handleAssignAdmin() http.Handler {
	return app.requireSuper(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		area := r.PostFormValue("area")
		pid, err := thaid.ParsePID(strings.TrimSpace(r.PostFormValue("pid")))
		if err != nil {
			// The form is not re-filled with the PID: it would be on the page in full.
			app.renderPeople(w, r, c, http.StatusUnprocessableEntity,
				page{Form: map[string]string{"area": area}, Errors: map[string]string{"pid": "pid"}})
			return
		}
		_, err = app.store.AssignAreaAdmin(r.Context(), c.actor(), pid.Digits(), area)
		switch {
		case errors.Is(err, store.ErrAlreadyAdmin):
			app.renderPeople(w, r, c, http.StatusConflict, page{Notice: "already_admin"})
		case errors.Is(err, store.ErrNotFound):
			app.renderPeople(w, r, c, http.StatusUnprocessableEntity,
				page{Errors: map[string]string{"area": "required"}})
		case err != nil:
			app.serverError(w, r, c, err)
		default:
			app.log.Info("area admin assigned", "admin", pid.Masked(), "area", area, "by", c.view.MaskedPID)
			http.Redirect(w, r, "/admin/people?done=assigned", http.StatusSeeOther)
		}
	})
}

// handleRemoveAdmin removes one area of an area admin.
func (app *application) handleRemoveAdmin() http.Handler {
	return app.requireSuper(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		_, err := app.store.RemoveAreaAdmin(r.Context(), c.actor(), r.PathValue("id"))
		switch {
		case errors.Is(err, store.ErrNotFound):
			app.renderPeople(w, r, c, http.StatusNotFound, page{Notice: "notfound"})
		case err != nil:
			app.serverError(w, r, c, err)
		default:
			app.log.Info("area admin removed", "by", c.view.MaskedPID)
			http.Redirect(w, r, "/admin/people?done=removed", http.StatusSeeOther)
		}
	})
}
