package main

import (
	"html/template"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"github.com/thaid-go/thaid-go/examples/fiber/thaidfiber"
	"github.com/thaid-go/thaid-go/middleware"
)

var pages = template.Must(template.New("home").Parse(`<!doctype html><meta charset="utf-8"><title>thaid-go + fiber</title>
<p><a href="/auth/login?return_to=/me">เข้าสู่ระบบด้วย ThaID / Log in with ThaID</a></p>
{{define "me"}}<!doctype html><meta charset="utf-8"><title>thaid-go + fiber</title>
<p>สวัสดี {{.DisplayName}} ({{.PID}})</p>
<form method="post" action="/auth/logout"><button>ออกจากระบบ / Log out</button></form>
{{end}}`))

// routes lists every route of the app: ThaID's login, callback and logout, a public home page
// and the signed-in citizen's page.
func routes(auth *middleware.Auth) *fiber.App {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	// fasthttp does not recover panics: without this, a panic in any handler (the middleware's
	// OnLogin hook included) ends the whole process. With it, the request gets a 500.
	app.Use(recover.New())
	app.Get("/auth/login", thaidfiber.Handler(auth.Login()))
	app.Get("/auth/callback", thaidfiber.Handler(auth.Callback()))
	app.Post("/auth/logout", thaidfiber.Handler(auth.Logout()))
	app.Get("/", func(c *fiber.Ctx) error { return render(c, "home", nil) })
	app.Get("/me", thaidfiber.Require(auth), me) // signed-in citizens only; others go to /auth/login
	return app
}

// me shows the signed-in citizen; the PID prints masked (1-1017-xxxxx-70-8).
func me(c *fiber.Ctx) error {
	id, ok := thaidfiber.Identity(c)
	if !ok {
		return fiber.NewError(fiber.StatusInternalServerError, "no identity")
	}
	return render(c, "me", id)
}

// render writes the named template as the HTML response.
func render(c *fiber.Ctx, name string, data any) error {
	c.Type("html", "utf-8")
	return pages.ExecuteTemplate(c, name, data)
}
