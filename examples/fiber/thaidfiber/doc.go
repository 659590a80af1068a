// Package thaidfiber puts thaid-go's login middleware into a Fiber (v2) app. Fiber runs on
// fasthttp, not net/http, so the middleware's handlers go through Fiber's adaptor package, which
// converts each request to a *http.Request and the response back. Handler does that for the
// login, callback and logout handlers, with c.UserContext() as the request's context; Require
// and Optional do it for the middleware, and keep the session in c.Locals, where Identity and
// Session read it:
//
//	app.Get("/auth/login", thaidfiber.Handler(auth.Login()))
//	app.Get("/auth/callback", thaidfiber.Handler(auth.Callback()))
//	app.Post("/auth/logout", thaidfiber.Handler(auth.Logout()))
//	app.Get("/me", thaidfiber.Require(auth), func(c *fiber.Ctx) error {
//		id, _ := thaidfiber.Identity(c)
//		return c.SendString("สวัสดี " + id.DisplayName() + " (" + id.PID.String() + ")") // PID prints masked
//	})
//
// The session is not in c.UserContext(): middleware.IdentityFrom finds nothing there; use
// Identity, Session and AccessToken. The package is two short files with no state, doc.go and
// thaidfiber.go, meant to be copied into your app together (with their tests): this example
// module is not published for import.
package thaidfiber
