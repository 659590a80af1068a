package main

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/thaid"
)

// citizen is the logged-in user of a request.
type citizen struct {
	id   *thaid.Identity
	pid  string // 13 digits; never logged
	view *viewer
	// areas are the areas the citizen administers (none: not an admin);
	// areasErr is why they could not be read.
	areas    []store.Area
	areasErr error
}

// isAdmin reports whether the citizen administers an area.
func (c *citizen) isAdmin() bool { return len(c.areas) > 0 }

// currentCitizen reads the ThaID identity of the session (set by
// middleware Require or Optional) and whether the citizen is an area admin.
// It returns nil when nobody is logged in or the login carried no PID.
func currentCitizen(r *http.Request, st *store.Store, log *slog.Logger) *citizen {
	id, ok := middleware.IdentityFrom(r.Context())
	if !ok || id == nil || id.PID.IsZero() {
		return nil
	}
	c := &citizen{id: id, pid: id.PID.Digits()}
	c.areas, c.areasErr = st.AdminAreas(r.Context(), c.pid)
	if c.areasErr != nil {
		log.Error("admin areas", "err", c.areasErr)
	}
	c.view = &viewer{Name: displayName(id), MaskedPID: id.PID.Masked(), IsAdmin: c.isAdmin()}
	return c
}

func displayName(id *thaid.Identity) string {
	given, family := nameParts(id)
	if given != "" || family != "" {
		return strings.TrimSpace(given + " " + family)
	}
	return id.DisplayName()
}

// nameParts returns the Thai given and family names, split from the full
// name when the provider sent only that.
func nameParts(id *thaid.Identity) (given, family string) {
	given, family = strings.TrimSpace(id.GivenName), strings.TrimSpace(id.FamilyName)
	if given != "" || family != "" {
		return given, family
	}
	f := strings.Fields(id.Name)
	if len(f) > 0 && id.Title != "" && f[0] == id.Title {
		f = f[1:]
	}
	switch len(f) {
	case 0:
		return "", ""
	case 1:
		return f[0], ""
	}
	return strings.Join(f[:len(f)-1], " "), f[len(f)-1]
}

// requireCitizen wraps a handler that needs a logged-in citizen with a PID.
func requireCitizen(v *views, st *store.Store, log *slog.Logger, next func(w http.ResponseWriter, r *http.Request, c *citizen)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := currentCitizen(r, st, log)
		if c == nil {
			// Logged in, but the identity has no PID (scope not granted).
			v.renderError(w, r, http.StatusForbidden, "forbidden", nil)
			return
		}
		next(w, r, c)
	})
}

func serverError(v *views, log *slog.Logger, w http.ResponseWriter, r *http.Request, c *citizen, err error) {
	log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	var user *viewer
	if c != nil {
		user = c.view
	}
	v.renderError(w, r, http.StatusInternalServerError, "server", user)
}

// finishManageWrite answers a website-management write: 403 when the citizen's registration is
// no longer approved, 500 on other errors, else back to /manage with the done message.
func finishManageWrite(v *views, log *slog.Logger, w http.ResponseWriter, r *http.Request, c *citizen, err error, done string) {
	switch {
	case errors.Is(err, store.ErrNotApproved):
		v.renderError(w, r, http.StatusForbidden, "not_approved", c.view)
	case err != nil:
		serverError(v, log, w, r, c, err)
	default:
		http.Redirect(w, r, "/manage?done="+done, http.StatusSeeOther)
	}
}

func handleHome(v *views, st *store.Store, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := page{}
		if c := currentCitizen(r, st, log); c != nil {
			p.User = c.view
		}
		schools, err := st.SchoolsWithWebsite(r.Context())
		if err != nil {
			serverError(v, log, w, r, nil, err)
			return
		}
		p.Data = schools
		v.render(w, r, http.StatusOK, "home", p)
	})
}

// handleStart sends a citizen who just logged in to where they belong.
func handleStart(v *views, st *store.Store, log *slog.Logger) http.Handler {
	return requireCitizen(v, st, log, func(w http.ResponseWriter, r *http.Request, c *citizen) {
		if c.isAdmin() {
			http.Redirect(w, r, "/admin", http.StatusSeeOther)
			return
		}
		_, err := st.CurrentRegistration(r.Context(), c.pid)
		switch {
		case err == nil:
			http.Redirect(w, r, "/status", http.StatusSeeOther)
		case errors.Is(err, store.ErrNotFound):
			http.Redirect(w, r, "/register", http.StatusSeeOther)
		default:
			serverError(v, log, w, r, c, err)
		}
	})
}

// activeOrRedirect sends a citizen who already holds an active registration
// to the status page, or renders the server error page, and reports whether
// it answered the request.
func activeOrRedirect(v *views, st *store.Store, log *slog.Logger, w http.ResponseWriter, r *http.Request, c *citizen) bool {
	reg, err := st.CurrentRegistration(r.Context(), c.pid)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return false
	case err != nil:
		serverError(v, log, w, r, c, err)
		return true
	case reg.Status == store.StatusRejected:
		return false
	}
	http.Redirect(w, r, "/status", http.StatusSeeOther)
	return true
}

func handleRegisterStart(v *views, st *store.Store, log *slog.Logger) http.Handler {
	return requireCitizen(v, st, log, func(w http.ResponseWriter, r *http.Request, c *citizen) {
		if activeOrRedirect(v, st, log, w, r, c) {
			return
		}
		v.render(w, r, http.StatusOK, "register_start", page{User: c.view})
	})
}

func handleChooseArea(v *views, st *store.Store, log *slog.Logger) http.Handler {
	return requireCitizen(v, st, log, func(w http.ResponseWriter, r *http.Request, c *citizen) {
		areas, err := st.Areas(r.Context())
		if err != nil {
			serverError(v, log, w, r, c, err)
			return
		}
		v.render(w, r, http.StatusOK, "register_area", page{User: c.view, Data: areas})
	})
}

type chooseSchoolData struct {
	Area    store.Area
	Schools []store.School
}

func handleChooseSchool(v *views, st *store.Store, log *slog.Logger) http.Handler {
	return requireCitizen(v, st, log, func(w http.ResponseWriter, r *http.Request, c *citizen) {
		area, err := st.Area(r.Context(), r.URL.Query().Get("area"))
		if errors.Is(err, store.ErrNotFound) {
			http.Redirect(w, r, "/register/area", http.StatusSeeOther)
			return
		}
		if err != nil {
			serverError(v, log, w, r, c, err)
			return
		}
		schools, err := st.SchoolsInArea(r.Context(), area.Code)
		if err != nil {
			serverError(v, log, w, r, c, err)
			return
		}
		p := page{User: c.view, Data: chooseSchoolData{Area: area, Schools: schools}}
		if r.URL.Query().Get("full") != "" {
			p.Notice = "full"
		}
		v.render(w, r, http.StatusOK, "register_school", p)
	})
}

type registerFormData struct {
	School     store.School
	GivenName  string
	FamilyName string
}

func handleRegisterForm(v *views, st *store.Store, log *slog.Logger) http.Handler {
	return requireCitizen(v, st, log, func(w http.ResponseWriter, r *http.Request, c *citizen) {
		if activeOrRedirect(v, st, log, w, r, c) {
			return
		}
		school, err := st.School(r.Context(), r.URL.Query().Get("school"))
		if errors.Is(err, store.ErrNotFound) {
			http.Redirect(w, r, "/register/area", http.StatusSeeOther)
			return
		}
		if err != nil {
			serverError(v, log, w, r, c, err)
			return
		}
		if school.SeatsFree() == 0 {
			http.Redirect(w, r, "/register/school?full=1&area="+school.AreaCode, http.StatusSeeOther)
			return
		}
		given, family := nameParts(c.id)
		v.render(w, r, http.StatusOK, "register_form", page{User: c.view,
			Data: registerFormData{School: school, GivenName: given, FamilyName: family}})
	})
}

func handleRegisterSubmit(v *views, st *store.Store, log *slog.Logger) http.Handler {
	return requireCitizen(v, st, log, func(w http.ResponseWriter, r *http.Request, c *citizen) {
		school, err := st.School(r.Context(), r.PostFormValue("school"))
		if errors.Is(err, store.ErrNotFound) {
			v.renderError(w, r, http.StatusNotFound, "notfound", c.view)
			return
		}
		if err != nil {
			serverError(v, log, w, r, c, err)
			return
		}
		given, family := nameParts(c.id)
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
			Data: registerFormData{School: school, GivenName: given, FamilyName: family}}
		if len(errs) > 0 {
			p.Notice = "invalid"
			v.render(w, r, http.StatusUnprocessableEntity, "register_form", p)
			return
		}
		_, err = st.Apply(r.Context(), store.Application{CitizenPID: c.pid, SchoolCode: school.Code,
			GivenName: given, FamilyName: family, Phone: phone, Email: email})
		switch {
		case err == nil, errors.Is(err, store.ErrAlreadyRegistered):
			http.Redirect(w, r, "/status", http.StatusSeeOther)
		case errors.Is(err, store.ErrSchoolFull):
			p.Notice = "full"
			v.render(w, r, http.StatusConflict, "register_form", p)
		case errors.Is(err, store.ErrNotFound):
			v.renderError(w, r, http.StatusNotFound, "notfound", c.view)
		default:
			serverError(v, log, w, r, c, err)
		}
	})
}

func handleStatus(v *views, st *store.Store, log *slog.Logger) http.Handler {
	return requireCitizen(v, st, log, func(w http.ResponseWriter, r *http.Request, c *citizen) {
		reg, err := st.CurrentRegistration(r.Context(), c.pid)
		if errors.Is(err, store.ErrNotFound) {
			http.Redirect(w, r, "/register", http.StatusSeeOther)
			return
		}
		if err != nil {
			serverError(v, log, w, r, c, err)
			return
		}
		v.render(w, r, http.StatusOK, "status", page{User: c.view, Data: reg})
	})
}

type manageData struct {
	School store.School
	News   []store.News
}

// approvedSchool returns the school the citizen manages, or renders the
// "not approved" page and returns false.
func approvedSchool(v *views, st *store.Store, log *slog.Logger, w http.ResponseWriter, r *http.Request, c *citizen) (store.School, bool) {
	school, err := st.ManagedSchool(r.Context(), c.pid)
	if errors.Is(err, store.ErrNotApproved) {
		v.renderError(w, r, http.StatusForbidden, "not_approved", c.view)
		return store.School{}, false
	}
	if err != nil {
		serverError(v, log, w, r, c, err)
		return store.School{}, false
	}
	return school, true
}

func renderManage(v *views, st *store.Store, log *slog.Logger, w http.ResponseWriter, r *http.Request, c *citizen,
	school store.School, status int, p page) {
	news, err := st.SchoolNews(r.Context(), school.Code, 50)
	if err != nil {
		serverError(v, log, w, r, c, err)
		return
	}
	p.User = c.view
	p.Data = manageData{School: school, News: news}
	v.render(w, r, status, "manage", p)
}

func handleManage(v *views, st *store.Store, log *slog.Logger) http.Handler {
	return requireCitizen(v, st, log, func(w http.ResponseWriter, r *http.Request, c *citizen) {
		school, ok := approvedSchool(v, st, log, w, r, c)
		if !ok {
			return
		}
		p := page{}
		switch done := r.URL.Query().Get("done"); done {
		case "about_saved", "news_posted":
			p.Notice = done
		}
		renderManage(v, st, log, w, r, c, school, http.StatusOK, p)
	})
}

const (
	maxAbout = 5000
	maxTitle = 200
	maxBody  = 5000
)

// checkText validates a free-text field: trimmed, required unless optional,
// at most max characters. It returns an error code or "".
func checkText(s string, required bool, max int) string {
	s = strings.TrimSpace(s)
	switch {
	case required && s == "":
		return "required"
	case utf8.RuneCountInString(s) > max:
		return "too_long"
	}
	return ""
}

func handleManageAbout(v *views, st *store.Store, log *slog.Logger) http.Handler {
	return requireCitizen(v, st, log, func(w http.ResponseWriter, r *http.Request, c *citizen) {
		school, ok := approvedSchool(v, st, log, w, r, c)
		if !ok {
			return
		}
		about := r.PostFormValue("about")
		if code := checkText(about, false, maxAbout); code != "" {
			renderManage(v, st, log, w, r, c, school, http.StatusUnprocessableEntity,
				page{Form: map[string]string{"about": about}, Errors: map[string]string{"about": code}})
			return
		}
		err := st.UpdateSchoolAbout(r.Context(), c.pid, school.Code, about)
		finishManageWrite(v, log, w, r, c, err, "about_saved")
	})
}

func handleManageNews(v *views, st *store.Store, log *slog.Logger) http.Handler {
	return requireCitizen(v, st, log, func(w http.ResponseWriter, r *http.Request, c *citizen) {
		school, ok := approvedSchool(v, st, log, w, r, c)
		if !ok {
			return
		}
		form := map[string]string{"title": r.PostFormValue("title"), "body": r.PostFormValue("body")}
		errs := map[string]string{}
		if code := checkText(form["title"], true, maxTitle); code != "" {
			errs["title"] = code
		}
		if code := checkText(form["body"], true, maxBody); code != "" {
			errs["body"] = code
		}
		if len(errs) > 0 {
			renderManage(v, st, log, w, r, c, school, http.StatusUnprocessableEntity, page{Form: form, Errors: errs})
			return
		}
		_, err := st.PostNews(r.Context(), c.pid, school.Code, form["title"], form["body"], c.view.Name)
		finishManageWrite(v, log, w, r, c, err, "news_posted")
	})
}

func handleSchoolPage(v *views, st *store.Store, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := page{}
		if c := currentCitizen(r, st, log); c != nil {
			p.User = c.view
		}
		school, err := st.School(r.Context(), r.PathValue("code"))
		if errors.Is(err, store.ErrNotFound) {
			v.renderError(w, r, http.StatusNotFound, "notfound", p.User)
			return
		}
		if err != nil {
			serverError(v, log, w, r, nil, err)
			return
		}
		news, err := st.SchoolNews(r.Context(), school.Code, 20)
		if err != nil {
			serverError(v, log, w, r, nil, err)
			return
		}
		p.Data = manageData{School: school, News: news}
		v.render(w, r, http.StatusOK, "school", p)
	})
}

type adminData struct {
	Areas    []store.Area
	Pending  []store.Registration
	Approved []store.Registration // website managers, whose approval the admin may revoke
}

func renderAdmin(v *views, st *store.Store, log *slog.Logger, w http.ResponseWriter, r *http.Request, c *citizen, status int, p page) {
	if c.areasErr != nil {
		serverError(v, log, w, r, c, c.areasErr)
		return
	}
	if !c.isAdmin() {
		v.renderError(w, r, http.StatusForbidden, "forbidden", c.view)
		return
	}
	regs, err := st.RegistrationsForAdmin(r.Context(), c.pid, store.StatusPending, store.StatusApproved)
	if err != nil {
		serverError(v, log, w, r, c, err)
		return
	}
	data := adminData{Areas: c.areas}
	for _, reg := range regs {
		if reg.Status == store.StatusPending {
			data.Pending = append(data.Pending, reg)
		} else {
			data.Approved = append(data.Approved, reg)
		}
	}
	p.User = c.view
	p.Data = data
	v.render(w, r, status, "admin", p)
}

func handleAdmin(v *views, st *store.Store, log *slog.Logger) http.Handler {
	return requireCitizen(v, st, log, func(w http.ResponseWriter, r *http.Request, c *citizen) {
		p := page{}
		switch done := r.URL.Query().Get("done"); done {
		case "approved", "rejected", "revoked":
			p.Notice = done
		}
		renderAdmin(v, st, log, w, r, c, http.StatusOK, p)
	})
}

// Admin decisions on a registration.
const (
	decideApprove = "approve" // pending -> approved
	decideReject  = "reject"  // pending -> rejected, with a reason
	decideRevoke  = "revoke"  // approved -> rejected, with a reason
)

// handleDecide approves, rejects or revokes a registration. The store checks,
// in the same UPDATE, that the registration's school is in one of the admin's
// areas and that it is not the admin's own: otherwise the admin gets 404 and
// nothing changes.
func handleDecide(v *views, st *store.Store, log *slog.Logger, action string) http.Handler {
	return requireCitizen(v, st, log, func(w http.ResponseWriter, r *http.Request, c *citizen) {
		if !c.isAdmin() {
			v.renderError(w, r, http.StatusForbidden, "forbidden", c.view)
			return
		}
		id := r.PathValue("id")
		var err error
		var done string
		switch action {
		case decideApprove:
			done = "approved"
			err = st.Approve(r.Context(), c.pid, id, c.view.MaskedPID)
		default:
			reason := r.PostFormValue("reason")
			if code := checkText(reason, true, 500); code != "" {
				renderAdmin(v, st, log, w, r, c, http.StatusUnprocessableEntity,
					page{Form: map[string]string{"item": id, "reason": reason}, Errors: map[string]string{"reason": code}})
				return
			}
			if action == decideRevoke {
				done = "revoked"
				err = st.Revoke(r.Context(), c.pid, id, c.view.MaskedPID, reason)
			} else {
				done = "rejected"
				err = st.Reject(r.Context(), c.pid, id, c.view.MaskedPID, reason)
			}
		}
		if errors.Is(err, store.ErrNotFound) {
			renderAdmin(v, st, log, w, r, c, http.StatusNotFound, page{Notice: "notfound"})
			return
		}
		if err != nil {
			serverError(v, log, w, r, c, err)
			return
		}
		log.Info("registration decided", "registration", id, "decision", done, "admin", c.view.MaskedPID)
		http.Redirect(w, r, "/admin?done="+done, http.StatusSeeOther)
	})
}

func handleHealth(st *store.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := st.Ping(r.Context()); err != nil {
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
}
