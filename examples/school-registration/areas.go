package main

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
)

// areasData is the page of the areas' office contacts.
type areasData struct {
	Areas []store.Area // the areas the admin may edit
	Saved store.Area   // the area just saved (zero: none)
}

// areaFormData is the edit form of one area's contact.
type areaFormData struct{ Area store.Area }

// editableAreas returns the areas whose office contact the citizen may set:
// every area for a super-admin, else the areas they administer.
func (app *application) editableAreas(r *http.Request, c *citizen) ([]store.Area, error) {
	if c.areasErr != nil {
		return nil, c.areasErr
	}
	if c.super {
		return app.store.Areas(r.Context())
	}
	return c.areas, nil
}

// handleAreas lists the office contact of each area the admin may edit: the
// phone and email that the status page and the decision mail give
// applicants (the mail says "do not reply").
func (app *application) handleAreas() http.Handler {
	return app.requireCitizen(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		if !c.isAdmin() && !c.super {
			app.views.renderError(w, r, http.StatusForbidden, "forbidden", c.view)
			return
		}
		areas, err := app.editableAreas(r, c)
		if err != nil {
			app.serverError(w, r, c, err)
			return
		}
		d := areasData{Areas: areas}
		if r.URL.Query().Get("done") == "saved" {
			if i := slices.IndexFunc(areas, func(a store.Area) bool { return a.Code == r.URL.Query().Get("area") }); i >= 0 {
				d.Saved = areas[i]
			}
		}
		app.views.render(w, r, http.StatusOK, "admin_areas", page{User: c.view, Data: d})
	})
}

// areaOf returns the area of the path that the citizen may edit, or renders
// 404 (403 for a citizen who is no admin) and returns false.
func (app *application) areaOf(w http.ResponseWriter, r *http.Request, c *citizen) (store.Area, bool) {
	if !c.isAdmin() && !c.super {
		app.views.renderError(w, r, http.StatusForbidden, "forbidden", c.view)
		return store.Area{}, false
	}
	areas, err := app.editableAreas(r, c)
	if err != nil {
		app.serverError(w, r, c, err)
		return store.Area{}, false
	}
	i := slices.IndexFunc(areas, func(a store.Area) bool { return a.Code == r.PathValue("code") })
	if i < 0 {
		app.views.renderError(w, r, http.StatusNotFound, "notfound", c.view)
		return store.Area{}, false
	}
	return areas[i], true
}

// handleAreaForm is the edit form of an area's office contact.
func (app *application) handleAreaForm() http.Handler {
	return app.requireCitizen(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		a, ok := app.areaOf(w, r, c)
		if !ok {
			return
		}
		app.views.render(w, r, http.StatusOK, "admin_area", page{User: c.view, Data: areaFormData{Area: a},
			Form: map[string]string{"contact_phone": formatPhone(a.ContactPhone), "contact_email": a.ContactEmail}})
	})
}

// handleAreaContact saves an area's office contact: a Thai phone number and
// an email, each optional (empty clears it), then back to the list of areas.
func (app *application) handleAreaContact() http.Handler {
	return app.requireCitizen(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		a, ok := app.areaOf(w, r, c)
		if !ok {
			return
		}
		form := map[string]string{"contact_phone": r.PostFormValue("contact_phone"), "contact_email": r.PostFormValue("contact_email")}
		var phone, email string
		errs := map[string]string{}
		if strings.TrimSpace(form["contact_phone"]) != "" {
			var code string
			if phone, code = normalizePhone(form["contact_phone"]); code != "" {
				errs["contact_phone"] = code
			}
		}
		if strings.TrimSpace(form["contact_email"]) != "" {
			var code string
			if email, code = normalizeEmail(form["contact_email"]); code != "" {
				errs["contact_email"] = code
			}
		}
		if len(errs) > 0 {
			app.views.render(w, r, http.StatusUnprocessableEntity, "admin_area", page{User: c.view, Form: form, Errors: errs,
				Data: areaFormData{Area: a}})
			return
		}
		err := app.store.SetAreaContact(r.Context(), c.actor(), a.Code, phone, email)
		switch {
		case errors.Is(err, store.ErrNotFound): // no longer an admin of the area
			app.views.renderError(w, r, http.StatusNotFound, "notfound", c.view)
		case err != nil:
			app.serverError(w, r, c, err)
		default:
			app.log.Info("area contact saved", "area", a.Code, "by", c.view.MaskedPID)
			http.Redirect(w, r, "/admin/areas?"+url.Values{"done": {"saved"}, "area": {a.Code}}.Encode(), http.StatusSeeOther)
		}
	})
}
