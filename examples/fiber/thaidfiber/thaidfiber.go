package thaidfiber

import (
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/thaid"
)

// localsKey is the c.Locals key of the session; unexported, so no other code can overwrite it.
type localsKey struct{}

// Require returns Fiber middleware that lets only signed-in citizens through, as auth.Require
// does for net/http: the session goes into c.Locals (read it with Identity or Session), and any
// other request is answered (a 303 to the login, or 401 {"error":"login_required"} for
// scripts) without calling the next handler.
func Require(auth *middleware.Auth) fiber.Handler {
	return func(c *fiber.Ctx) error { return attach(auth.Require, c) }
}

// Optional returns Fiber middleware that keeps a signed-in citizen's session in c.Locals when
// there is one, as auth.Optional does; every request goes on.
func Optional(auth *middleware.Auth) fiber.Handler {
	return func(c *fiber.Ctx) error { return attach(auth.Optional, c) }
}

// Handler mounts a net/http handler of the middleware (auth.Login(), auth.Callback(),
// auth.Logout()) through Fiber's adaptor, with c.UserContext() as the request's context. Plain
// adaptor.HTTPHandler gives the handler fasthttp's *RequestCtx as its context instead, so what
// Fiber middleware put in c.UserContext() never reaches the handler: a Config.Observe hook (such
// as otelthaid's) then misses the request's trace span, and its spans start traces of their own.
func Handler(h http.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error { return serve(c, h) }
}

// serve runs h on c through the adaptor, with c.UserContext() as the request's context.
func serve(c *fiber.Ctx, h http.Handler) error {
	ctx := c.UserContext()
	return adaptor.HTTPHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(ctx))
	}))(c)
}

// attach runs the net/http middleware mw on c through the adaptor (with c.UserContext(), so
// that its logs carry the request's trace). When mw lets the request through, the session it
// found (if any) goes into c.Locals and the next handler runs; otherwise mw's answer is the
// response.
func attach(mw func(http.Handler) http.Handler, c *fiber.Ctx) error {
	passed := false
	var session *middleware.Session
	err := serve(c, mw(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		passed = true
		session, _ = middleware.SessionFrom(r.Context())
	})))
	if err != nil || !passed {
		return err
	}
	if session != nil {
		c.Locals(localsKey{}, session)
	}
	return c.Next()
}

// Identity returns the signed-in citizen's identity that Require or Optional kept in c.Locals,
// and whether there is one. Its PID prints masked (1-1017-xxxxx-70-8); PID.Digits gives the
// digits.
func Identity(c *fiber.Ctx) (*thaid.Identity, bool) {
	s, ok := Session(c)
	if !ok {
		return nil, false
	}
	id := s.Identity()
	return id, id != nil
}

// Session returns the signed-in citizen's whole session (with the UserID that
// middleware.Config.OnLogin chose) that Require or Optional kept in c.Locals.
func Session(c *fiber.Ctx) (*middleware.Session, bool) {
	s, ok := c.Locals(localsKey{}).(*middleware.Session)
	return s, ok && s != nil
}

// AccessToken returns a valid ThaID access token of the citizen signed in on c, refreshed when
// it has expired, as auth.AccessToken does for a *http.Request (whose errors it returns: without
// a session, middleware.ErrNotSignedIn). It converts c's request for that, with c.UserContext()
// as its context.
func AccessToken(auth *middleware.Auth, c *fiber.Ctx) (string, error) {
	r, err := adaptor.ConvertRequest(c, true)
	if err != nil {
		return "", err
	}
	return auth.AccessToken(r.WithContext(c.UserContext()))
}
