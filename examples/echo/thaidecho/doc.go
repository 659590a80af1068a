// Package thaidecho reads the citizen that thaid-go's login middleware signed in from an
// echo.Context.
//
// Echo mounts the middleware as it is: echo.WrapHandler for the login, callback and logout
// handlers, and echo.WrapMiddleware for Require and Optional, which puts the session into the
// context of c.Request(). Identity and Session read it from there:
//
//	getHead := []string{http.MethodGet, http.MethodHead} // Echo routes HEAD only when asked
//	e.Match(getHead, "/auth/login", echo.WrapHandler(auth.Login()))
//	e.Match(getHead, "/auth/callback", echo.WrapHandler(auth.Callback()))
//	e.POST("/auth/logout", echo.WrapHandler(auth.Logout()))
//	e.Match(getHead, "/me", func(c echo.Context) error {
//		id, _ := thaidecho.Identity(c)
//		return c.String(http.StatusOK, "สวัสดี "+id.DisplayName()+" ("+id.PID.String()+")") // PID prints masked
//	}, echo.WrapMiddleware(auth.Require))
//
// The package is two short files with no state, doc.go and thaidecho.go, meant to be copied into
// your app together (with their tests): this example module is not published for import.
package thaidecho
