package main

import (
	"log/slog"
	"net/http"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
	"github.com/thaid-go/thaid-go/middleware"
)

// addRoutes lists every route of the app.
func addRoutes(mux *http.ServeMux, log *slog.Logger, v *views, st *store.Store, auth *middleware.Auth) {
	opt, req := auth.Optional, auth.Require

	// Public pages.
	mux.Handle("GET /{$}", opt(handleHome(v, st, log)))
	mux.Handle("GET /schools/{code}", opt(handleSchoolPage(v, st, log)))
	mux.Handle("GET /healthz", handleHealth(st))

	// ThaID login (the SDK's middleware).
	mux.Handle("GET /login", auth.Login())
	mux.Handle("GET /callback", auth.Callback())
	mux.Handle("POST /logout", auth.Logout())

	// Registration flow.
	mux.Handle("GET /start", req(handleStart(v, st, log)))
	mux.Handle("GET /register", req(handleRegisterStart(v, st, log)))
	mux.Handle("GET /register/area", req(handleChooseArea(v, st, log)))
	mux.Handle("GET /register/school", req(handleChooseSchool(v, st, log)))
	mux.Handle("GET /register/form", req(handleRegisterForm(v, st, log)))
	mux.Handle("POST /register/form", req(handleRegisterSubmit(v, st, log)))
	mux.Handle("GET /status", req(handleStatus(v, st, log)))

	// School website management (approved registrations only).
	mux.Handle("GET /manage", req(handleManage(v, st, log)))
	mux.Handle("POST /manage/about", req(handleManageAbout(v, st, log)))
	mux.Handle("POST /manage/news", req(handleManageNews(v, st, log)))

	// Area admins.
	mux.Handle("GET /admin", req(handleAdmin(v, st, log)))
	mux.Handle("POST /admin/registrations/{id}/approve", req(handleDecide(v, st, log, decideApprove)))
	mux.Handle("POST /admin/registrations/{id}/reject", req(handleDecide(v, st, log, decideReject)))
	mux.Handle("POST /admin/registrations/{id}/revoke", req(handleDecide(v, st, log, decideRevoke)))

	mux.Handle("/", opt(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var user *viewer
		if c := currentCitizen(r, st, log); c != nil {
			user = c.view
		}
		v.renderError(w, r, http.StatusNotFound, "notfound", user)
	})))
}
