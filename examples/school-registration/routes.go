package main

import "net/http"

// addRoutes lists every route of the app.
func addRoutes(mux *http.ServeMux, app *application) {
	opt, req := app.auth.Optional, app.auth.Require

	// Public pages.
	mux.Handle("GET /{$}", opt(app.handleHome()))
	mux.Handle("GET /schools/{code}", opt(app.handleSchoolPage()))
	mux.Handle("GET /healthz", app.handleHealth())
	mux.Handle("GET /readyz", app.handleReady())
	if app.metrics != nil {
		mux.Handle("GET /metrics", app.metrics.handler())
	}

	// ThaID login (the SDK's middleware).
	mux.Handle("GET /login", app.auth.Login())
	mux.Handle("GET /callback", app.auth.Callback())
	mux.Handle("POST /logout", app.auth.Logout())

	// Registration flow.
	mux.Handle("GET /start", req(app.handleStart()))
	mux.Handle("GET /register", req(app.handleRegisterStart()))
	mux.Handle("GET /register/area", req(app.handleChooseArea()))
	mux.Handle("GET /register/school", req(app.handleChooseSchool()))
	mux.Handle("GET /register/form", req(app.handleRegisterForm()))
	mux.Handle("POST /register/form", req(app.handleRegisterSubmit()))
	mux.Handle("GET /status", req(app.handleStatus()))

	// School website management (approved registrations only).
	mux.Handle("GET /manage", req(app.handleManage()))
	mux.Handle("POST /manage/about", req(app.handleManageAbout()))
	mux.Handle("POST /manage/news", req(app.handleManageNews()))
	mux.Handle("GET /manage/news/{id}/edit", req(app.handleEditNewsForm()))
	mux.Handle("POST /manage/news/{id}", req(app.handleEditNews()))
	mux.Handle("POST /manage/news/{id}/delete", req(app.handleDeleteNews()))

	// Area admins.
	mux.Handle("GET /admin", req(app.handleAdmin()))
	mux.Handle("GET /admin/registrations/{id}", req(app.handleRegistration()))
	mux.Handle("GET /admin/registrations/{id}/approve", req(app.handleConfirm(decideApprove)))
	mux.Handle("GET /admin/registrations/{id}/reject", req(app.handleConfirm(decideReject)))
	mux.Handle("GET /admin/registrations/{id}/revoke", req(app.handleConfirm(decideRevoke)))
	mux.Handle("POST /admin/registrations/{id}/approve", req(app.handleDecide(decideApprove)))
	mux.Handle("POST /admin/registrations/{id}/reject", req(app.handleDecide(decideReject)))
	mux.Handle("POST /admin/registrations/{id}/revoke", req(app.handleDecide(decideRevoke)))
	mux.Handle("GET /admin/audit", req(app.handleAudit()))
	mux.Handle("GET /admin/areas", req(app.handleAreas()))
	mux.Handle("GET /admin/areas/{code}", req(app.handleAreaForm()))
	mux.Handle("POST /admin/areas/{code}", req(app.handleAreaContact()))

	// Super-admins: area admins.
	mux.Handle("GET /admin/people", req(app.handlePeople()))
	mux.Handle("POST /admin/people", req(app.handleAssignAdmin()))
	mux.Handle("GET /admin/people/{id}/remove", req(app.handleConfirmRemove()))
	mux.Handle("POST /admin/people/{id}/remove", req(app.handleRemoveAdmin()))

	mux.Handle("/", opt(app.handleNotFound()))
}
