package main

import (
	"html/template"
	"net/http"

	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"

	"github.com/thaid-go/thaid-go/middleware"
)

// routes lists every route of the app: ThaID's login, callback and logout, a public home page
// and the signed-in citizen's page.
func routes(auth *middleware.Auth) http.Handler {
	r := chi.NewRouter()
	r.Use(chimw.GetHead) // HEAD is answered as GET (chi answers 405 otherwise)
	r.Method(http.MethodGet, "/auth/login", auth.Login())
	r.Method(http.MethodGet, "/auth/callback", auth.Callback())
	r.Method(http.MethodPost, "/auth/logout", auth.Logout())
	r.Get("/", home)
	r.Group(func(r chi.Router) {
		r.Use(auth.Require) // signed-in citizens only; others go to /auth/login
		r.Get("/me", me)
	})
	return r
}

var (
	homePage = template.Must(template.New("home").Parse(`<!doctype html><meta charset="utf-8"><title>thaid-go + chi</title>
<p><a href="/auth/login?return_to=/me">เข้าสู่ระบบด้วย ThaID / Log in with ThaID</a></p>
`))
	mePage = template.Must(template.New("me").Parse(`<!doctype html><meta charset="utf-8"><title>thaid-go + chi</title>
<p>สวัสดี {{.DisplayName}} ({{.PID}})</p>
<form method="post" action="/auth/logout"><button>ออกจากระบบ / Log out</button></form>
`))
)

func home(w http.ResponseWriter, _ *http.Request) {
	_ = homePage.Execute(w, nil)
}

// me shows the signed-in citizen. Require put the session in the request context; a PID prints
// masked (1-1017-xxxxx-70-8).
func me(w http.ResponseWriter, r *http.Request) {
	id, ok := middleware.IdentityFrom(r.Context())
	if !ok {
		http.Error(w, "no identity", http.StatusInternalServerError)
		return
	}
	_ = mePage.Execute(w, id)
}
