package main

import (
	"errors"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
)

type manageData struct {
	School store.School
	News   []store.News
}

// The length limits of the free-text fields, in characters (textLength).
const (
	maxAbout  = 5000
	maxTitle  = 200
	maxBody   = 5000
	maxReason = 500 // of a rejection or a revocation
)

// checkText validates a free-text field: valid UTF-8 without control
// characters other than line breaks and tabs (PostgreSQL refuses to store a
// NUL byte or invalid UTF-8, and no one types the others), trimmed, required
// unless optional, at most max characters (textLength). It returns an error
// code or "".
func checkText(s string, required bool, max int) string {
	s = strings.TrimSpace(s)
	switch {
	case !utf8.ValidString(s) || strings.ContainsFunc(s, badControl):
		return "invalid_text"
	case required && s == "":
		return "required"
	case textLength(s) > max:
		return "too_long"
	}
	return ""
}

// textLength is the length of a typed text: in characters, trimmed, a line
// break one character (a form sends it as CRLF, two), as a browser's
// maxlength counts Thai and Latin text (it counts a character beyond the
// Basic Multilingual Plane, such as an emoji, as two: it is then stricter).
func textLength(s string) int {
	s = strings.TrimSpace(s)
	return utf8.RuneCountInString(s) - strings.Count(s, "\r\n")
}

// badControl reports a control character other than a line break or a tab.
func badControl(r rune) bool {
	return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t'
}

// requireManager wraps a handler for the website manager of a school: the
// citizen with an approved registration. Anyone else gets the "not approved"
// page.
func (app *application) requireManager(next func(w http.ResponseWriter, r *http.Request, c *citizen, school store.School)) http.Handler {
	return app.requireCitizen(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		school, err := app.store.ManagedSchool(r.Context(), c.pid)
		if errors.Is(err, store.ErrNotApproved) {
			app.views.renderError(w, r, http.StatusForbidden, "not_approved", c.view)
			return
		}
		if err != nil {
			app.serverError(w, r, c, err)
			return
		}
		next(w, r, c, school)
	})
}

func (app *application) renderManage(w http.ResponseWriter, r *http.Request, c *citizen, school store.School, status int, p page) {
	news, err := app.store.SchoolNews(r.Context(), school.Code, 50)
	if err != nil {
		app.serverError(w, r, c, err)
		return
	}
	p.User = c.view
	p.Data = manageData{School: school, News: news}
	app.views.render(w, r, status, "manage", p)
}

// finishManageWrite answers a website-management write: 403 when the citizen's registration is
// no longer approved, 404 when the news item is gone (the school's other manager deleted it
// meanwhile), 500 on other errors, else back to /manage with the done message.
func (app *application) finishManageWrite(w http.ResponseWriter, r *http.Request, c *citizen, err error, done string) {
	switch {
	case errors.Is(err, store.ErrNotApproved):
		app.views.renderError(w, r, http.StatusForbidden, "not_approved", c.view)
	case errors.Is(err, store.ErrNotFound):
		app.views.renderError(w, r, http.StatusNotFound, "notfound", c.view)
	case err != nil:
		app.serverError(w, r, c, err)
	default:
		http.Redirect(w, r, "/manage?done="+done, http.StatusSeeOther)
	}
}

func (app *application) handleManage() http.Handler {
	return app.requireManager(func(w http.ResponseWriter, r *http.Request, c *citizen, school store.School) {
		p := page{}
		switch done := r.URL.Query().Get("done"); done {
		case "about_saved", "news_posted", "news_saved", "news_deleted":
			p.Notice = done
		}
		app.renderManage(w, r, c, school, http.StatusOK, p)
	})
}

func (app *application) handleManageAbout() http.Handler {
	return app.requireManager(func(w http.ResponseWriter, r *http.Request, c *citizen, school store.School) {
		about := r.PostFormValue("about")
		if code := checkText(about, false, maxAbout); code != "" {
			app.renderManage(w, r, c, school, http.StatusUnprocessableEntity,
				page{Form: map[string]string{"about": about}, Errors: map[string]string{"about": code}})
			return
		}
		err := app.store.UpdateSchoolAbout(r.Context(), c.pid, school.Code, about)
		app.finishManageWrite(w, r, c, err, "about_saved")
	})
}

func (app *application) handleManageNews() http.Handler {
	return app.requireManager(func(w http.ResponseWriter, r *http.Request, c *citizen, school store.School) {
		form, errs := newsForm(r)
		if len(errs) > 0 {
			app.renderManage(w, r, c, school, http.StatusUnprocessableEntity, page{Form: form, Errors: errs})
			return
		}
		_, err := app.store.PostNews(r.Context(), c.pid, school.Code, form["title"], form["body"], c.view.Name.Full())
		app.finishManageWrite(w, r, c, err, "news_posted")
	})
}

// newsForm reads a news item's title and body from a posted form, with the error code of each
// field that is not acceptable.
func newsForm(r *http.Request) (form, errs map[string]string) {
	form = map[string]string{"title": r.PostFormValue("title"), "body": r.PostFormValue("body")}
	errs = map[string]string{}
	if code := checkText(form["title"], true, maxTitle); code != "" {
		errs["title"] = code
	}
	if code := checkText(form["body"], true, maxBody); code != "" {
		errs["body"] = code
	}
	return form, errs
}

// newsItem returns the news item named in the path, of the manager's school,
// or renders 404 and returns false.
func (app *application) newsItem(w http.ResponseWriter, r *http.Request, c *citizen, school store.School) (store.News, bool) {
	n, err := app.store.NewsItem(r.Context(), school.Code, r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		app.views.renderError(w, r, http.StatusNotFound, "notfound", c.view)
		return n, false
	}
	if err != nil {
		app.serverError(w, r, c, err)
		return n, false
	}
	return n, true
}

// newsEditData is the news edit page.
type newsEditData struct {
	School store.School
	News   store.News
}

// handleEditNewsForm shows the edit form of a news item.
func (app *application) handleEditNewsForm() http.Handler {
	return app.requireManager(func(w http.ResponseWriter, r *http.Request, c *citizen, school store.School) {
		n, ok := app.newsItem(w, r, c, school)
		if !ok {
			return
		}
		app.views.render(w, r, http.StatusOK, "news_edit", page{User: c.view,
			Form: map[string]string{"title": n.Title, "body": n.Body}, Data: newsEditData{School: school, News: n}})
	})
}

// handleEditNews saves an edited news item.
func (app *application) handleEditNews() http.Handler {
	return app.requireManager(func(w http.ResponseWriter, r *http.Request, c *citizen, school store.School) {
		n, ok := app.newsItem(w, r, c, school)
		if !ok {
			return
		}
		form, errs := newsForm(r)
		if len(errs) > 0 {
			app.views.render(w, r, http.StatusUnprocessableEntity, "news_edit", page{User: c.view, Form: form, Errors: errs,
				Data: newsEditData{School: school, News: n}})
			return
		}
		err := app.store.UpdateNews(r.Context(), c.pid, school.Code, n.ID, form["title"], form["body"])
		app.finishManageWrite(w, r, c, err, "news_saved")
	})
}

// handleDeleteNews deletes a news item after confirmation: the first POST
// shows the item and asks; the POST with confirm=yes deletes.
func (app *application) handleDeleteNews() http.Handler {
	return app.requireManager(func(w http.ResponseWriter, r *http.Request, c *citizen, school store.School) {
		n, ok := app.newsItem(w, r, c, school)
		if !ok {
			return
		}
		if r.PostFormValue("confirm") != "yes" {
			app.views.render(w, r, http.StatusOK, "news_delete", page{User: c.view, Data: newsEditData{School: school, News: n}})
			return
		}
		err := app.store.DeleteNews(r.Context(), c.pid, school.Code, n.ID)
		app.finishManageWrite(w, r, c, err, "news_deleted")
	})
}
