// Package exampleschi shows the middleware with the github.com/go-chi/chi/v5 router. It is its
// own module so that chi never becomes a dependency of the SDK; its test runs a whole login,
// logout and re-login cycle through chi against the mock ThaID.
package exampleschi

import (
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/thaid-go/thaid-go/middleware"
)

// Routes returns a chi router with the login routes and a protected group.
func Routes(auth *middleware.Auth) http.Handler {
	r := chi.NewRouter()
	r.Method(http.MethodGet, "/auth/login", auth.Login())
	r.Method(http.MethodGet, "/auth/callback", auth.Callback())
	r.Method(http.MethodPost, "/auth/logout", auth.Logout())
	r.With(auth.Optional).Get("/", func(w http.ResponseWriter, r *http.Request) {
		if id, ok := middleware.IdentityFrom(r.Context()); ok {
			fmt.Fprintf(w, "hello %s", id.PID)
			return
		}
		fmt.Fprint(w, "hello guest")
	})
	r.Group(func(r chi.Router) {
		r.Use(auth.Require)
		r.Get("/students/{id}", func(w http.ResponseWriter, r *http.Request) {
			id, _ := middleware.IdentityFrom(r.Context())
			fmt.Fprintf(w, "student %s seen by %s", chi.URLParam(r, "id"), id.PID)
		})
	})
	return r
}
