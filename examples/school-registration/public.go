package main

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
)

// handleHome lists the schools whose website is live.
func (app *application) handleHome() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := page{User: app.viewerOf(r)}
		if p.User == nil && r.URL.Query().Get("done") == "logged_out" {
			p.Notice = "logged_out"
		}
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

// handleHealth answers ok while the process serves requests (liveness).
func (app *application) handleHealth() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
}

// handleReady answers ok while the database and, when configured, Redis
// answer (readiness), within 3 seconds; otherwise 503 naming what failed.
// While the app drains before stopping (SHUTDOWN_DRAIN_SECONDS), it answers
// 503 "shutting down".
func (app *application) handleReady() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if app.draining.Load() {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		if err := app.store.Ping(ctx); err != nil {
			app.log.Warn("readyz: database", "err", err)
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		if app.redisPing != nil {
			if err := app.redisPing(ctx); err != nil {
				app.log.Warn("readyz: redis", "err", err)
				http.Error(w, "redis unavailable", http.StatusServiceUnavailable)
				return
			}
		}
		_, _ = w.Write([]byte("ok\n"))
	})
}
