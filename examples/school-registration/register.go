package main

import (
	"errors"
	"net/http"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
)

// handleStart sends a citizen who just logged in to where they belong.
func (app *application) handleStart() http.Handler {
	return app.requireCitizen(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		if c.isAdmin() || c.super {
			http.Redirect(w, r, "/admin", http.StatusSeeOther)
			return
		}
		_, err := app.store.CurrentRegistration(r.Context(), c.pid)
		switch {
		case err == nil:
			http.Redirect(w, r, "/status", http.StatusSeeOther)
		case errors.Is(err, store.ErrNotFound):
			http.Redirect(w, r, "/register", http.StatusSeeOther)
		default:
			app.serverError(w, r, c, err)
		}
	})
}

// activeOrRedirect sends a citizen who already holds an active registration
// to the status page, or renders the server error page, and reports whether
// it answered the request.
func (app *application) activeOrRedirect(w http.ResponseWriter, r *http.Request, c *citizen) bool {
	reg, err := app.store.CurrentRegistration(r.Context(), c.pid)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return false
	case err != nil:
		app.serverError(w, r, c, err)
		return true
	case reg.Status == store.StatusRejected:
		return false
	}
	http.Redirect(w, r, "/status", http.StatusSeeOther)
	return true
}

func (app *application) handleRegisterStart() http.Handler {
	return app.requireCitizen(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		if app.activeOrRedirect(w, r, c) {
			return
		}
		app.views.render(w, r, http.StatusOK, "register_start", page{User: c.view})
	})
}

func (app *application) handleChooseArea() http.Handler {
	return app.requireCitizen(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		areas, err := app.store.Areas(r.Context())
		if err != nil {
			app.serverError(w, r, c, err)
			return
		}
		app.views.render(w, r, http.StatusOK, "register_area", page{User: c.view, Data: areas})
	})
}

type chooseSchoolData struct {
	Area    store.Area
	Schools []store.School
}

func (app *application) handleChooseSchool() http.Handler {
	return app.requireCitizen(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		area, err := app.store.Area(r.Context(), r.URL.Query().Get("area"))
		if errors.Is(err, store.ErrNotFound) {
			http.Redirect(w, r, "/register/area", http.StatusSeeOther)
			return
		}
		if err != nil {
			app.serverError(w, r, c, err)
			return
		}
		schools, err := app.store.SchoolsInArea(r.Context(), area.Code)
		if err != nil {
			app.serverError(w, r, c, err)
			return
		}
		p := page{User: c.view, Data: chooseSchoolData{Area: area, Schools: schools}}
		if r.URL.Query().Get("full") != "" {
			p.Notice = "full"
		}
		app.views.render(w, r, http.StatusOK, "register_school", p)
	})
}

type registerFormData struct {
	School store.School
	Name   store.PersonName // from ThaID
}

func (app *application) handleRegisterForm() http.Handler {
	return app.requireCitizen(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		if app.activeOrRedirect(w, r, c) {
			return
		}
		school, err := app.store.School(r.Context(), r.URL.Query().Get("school"))
		if errors.Is(err, store.ErrNotFound) {
			http.Redirect(w, r, "/register/area", http.StatusSeeOther)
			return
		}
		if err != nil {
			app.serverError(w, r, c, err)
			return
		}
		if school.SeatsFree() == 0 {
			http.Redirect(w, r, "/register/school?full=1&area="+school.AreaCode, http.StatusSeeOther)
			return
		}
		app.views.render(w, r, http.StatusOK, "register_form", page{User: c.view,
			Data: registerFormData{School: school, Name: c.view.Name}})
	})
}

func (app *application) handleRegisterSubmit() http.Handler {
	return app.requireCitizen(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		school, err := app.store.School(r.Context(), r.PostFormValue("school"))
		if errors.Is(err, store.ErrNotFound) {
			app.views.renderError(w, r, http.StatusNotFound, "notfound", c.view)
			return
		}
		if err != nil {
			app.serverError(w, r, c, err)
			return
		}
		form := map[string]string{"phone": r.PostFormValue("phone"), "email": r.PostFormValue("email")}
		phone, phoneErr := normalizePhone(form["phone"])
		email, emailErr := normalizeEmail(form["email"])
		errs := map[string]string{}
		if phoneErr != "" {
			errs["phone"] = phoneErr
		}
		if emailErr != "" {
			errs["email"] = emailErr
		}
		p := page{User: c.view, Form: form, Errors: errs,
			Data: registerFormData{School: school, Name: c.view.Name}}
		if len(errs) > 0 {
			app.views.render(w, r, http.StatusUnprocessableEntity, "register_form", p)
			return
		}
		_, err = app.store.Apply(r.Context(), store.Application{CitizenPID: c.pid, SchoolCode: school.Code,
			Name: c.view.Name, Phone: phone, Email: email})
		switch {
		case err == nil, errors.Is(err, store.ErrAlreadyRegistered):
			http.Redirect(w, r, "/status", http.StatusSeeOther)
		case errors.Is(err, store.ErrSchoolFull):
			p.Notice = "full"
			app.views.render(w, r, http.StatusConflict, "register_form", p)
		case errors.Is(err, store.ErrNotFound):
			app.views.renderError(w, r, http.StatusNotFound, "notfound", c.view)
		default:
			app.serverError(w, r, c, err)
		}
	})
}

// statusData is the status page: the registration and whether the applicant
// hears of the decision by email.
type statusData struct {
	Registration store.Registration
	MailOn       bool
}

func (app *application) handleStatus() http.Handler {
	return app.requireCitizen(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		reg, err := app.store.CurrentRegistration(r.Context(), c.pid)
		if errors.Is(err, store.ErrNotFound) {
			http.Redirect(w, r, "/register", http.StatusSeeOther)
			return
		}
		if err != nil {
			app.serverError(w, r, c, err)
			return
		}
		app.views.render(w, r, http.StatusOK, "status", page{User: c.view,
			Data: statusData{Registration: reg, MailOn: app.mailOn}})
	})
}
