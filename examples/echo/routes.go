package main

import (
	"html/template"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"
	echomw "github.com/labstack/echo/v4/middleware"

	"github.com/thaid-go/thaid-go/examples/echo/thaidecho"
	"github.com/thaid-go/thaid-go/middleware"
)

var pages = template.Must(template.New("home").Parse(`<!doctype html><meta charset="utf-8"><title>thaid-go + echo</title>
<p><a href="/auth/login?return_to=/me">เข้าสู่ระบบด้วย ThaID / Log in with ThaID</a></p>
{{define "me"}}<!doctype html><meta charset="utf-8"><title>thaid-go + echo</title>
<p>สวัสดี {{.DisplayName}} ({{.PID}})</p>
<form method="post" action="/auth/logout"><button>ออกจากระบบ / Log out</button></form>
{{end}}`))

// renderer is Echo's view of the html/template set.
type renderer struct{ t *template.Template }

func (r renderer) Render(w io.Writer, name string, data any, _ echo.Context) error {
	return r.t.ExecuteTemplate(w, name, data)
}

// routes lists every route of the app: ThaID's login, callback and logout, a public home page
// and the signed-in citizen's page.
func routes(auth *middleware.Auth) *echo.Echo {
	e := echo.New()
	e.Use(echomw.Recover()) // a panic answers 500 (net/http alone drops the connection)
	e.Renderer = renderer{pages}
	getHead := []string{http.MethodGet, http.MethodHead} // Echo answers HEAD with 405 unless routed
	e.Match(getHead, "/auth/login", echo.WrapHandler(auth.Login()))
	e.Match(getHead, "/auth/callback", echo.WrapHandler(auth.Callback()))
	e.POST("/auth/logout", echo.WrapHandler(auth.Logout()))
	e.GET("/", func(c echo.Context) error { return c.Render(http.StatusOK, "home", nil) })

	// Signed-in citizens only; others go to /auth/login. (Route middleware: a Group with
	// middleware would also catch every unknown path, to answer it with the login.)
	requireLogin := echo.WrapMiddleware(auth.Require)
	e.Match(getHead, "/me", me, requireLogin)
	return e
}

// me shows the signed-in citizen; the PID prints masked (1-1017-xxxxx-70-8).
func me(c echo.Context) error {
	id, ok := thaidecho.Identity(c)
	if !ok {
		return echo.NewHTTPError(http.StatusInternalServerError, "no identity")
	}
	return c.Render(http.StatusOK, "me", id)
}
