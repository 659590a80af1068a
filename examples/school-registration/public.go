package main

import (
	"errors"
	"net/http"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
)

// handleHome lists the schools whose website is live.
func (app *application) handleHome() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := page{User: app.viewerOf(r)}
		schools, err := app.store.SchoolsWithWebsite(r.Context())
		if err != nil {
			app.serverError(w, r, nil, err)
			return
		}
		p.Data = schools
		app.views.render(w, r, http.StatusOK, "home", p)
	})
}

// handleSchoolPage is a school's public page: About and news.
func (app *application) handleSchoolPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := page{User: app.viewerOf(r)}
		school, err := app.store.School(r.Context(), r.PathValue("code"))
		if errors.Is(err, store.ErrNotFound) {
			app.views.renderError(w, r, http.StatusNotFound, "notfound", p.User)
			return
		}
		if err != nil {
			app.serverError(w, r, nil, err)
			return
		}
		news, err := app.store.SchoolNews(r.Context(), school.Code, 20)
		if err != nil {
			app.serverError(w, r, nil, err)
			return
		}
		p.Data = manageData{School: school, News: news}
		app.views.render(w, r, http.StatusOK, "school", p)
	})
}

// handleNotFound answers every path no route matches.
func (app *application) handleNotFound() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		app.views.renderError(w, r, http.StatusNotFound, "notfound", app.viewerOf(r))
	})
}

// handleHealth answers ok while the database does.
func (app *application) handleHealth() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := app.store.Ping(r.Context()); err != nil {
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
}
