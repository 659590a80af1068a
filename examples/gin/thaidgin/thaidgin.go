// Package thaidgin puts thaid-go's login middleware into a Gin app: Require and Optional as
// gin.HandlerFunc middleware, and Identity and Session to read the signed-in citizen from a
// *gin.Context.
//
// The login, callback and logout handlers of middleware.Auth are net/http handlers; gin.WrapH
// mounts them as they are:
//
//	getHead := []string{http.MethodGet, http.MethodHead} // Gin routes HEAD only when asked
//	r.Match(getHead, "/auth/login", gin.WrapH(auth.Login()))
//	r.Match(getHead, "/auth/callback", gin.WrapH(auth.Callback()))
//	r.POST("/auth/logout", gin.WrapH(auth.Logout()))
//	signedIn := r.Group("/", thaidgin.Require(auth))
//	signedIn.Match(getHead, "/me", func(c *gin.Context) {
//		id, _ := thaidgin.Identity(c)
//		c.String(http.StatusOK, "สวัสดี %s (%s)", id.DisplayName(), id.PID) // PID prints masked
//	})
//
// The package is one file with no state, meant to be copied into your app (with its test): this
// example module is not published for import.
package thaidgin

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/thaid"
)

// Require returns gin middleware that lets only signed-in citizens through, as auth.Require
// does for net/http: the session goes into c.Request's context (read it with Identity or
// Session), and any other request is answered (a 303 to the login, or 401
// {"error":"login_required"} for scripts) and the chain is aborted.
func Require(auth *middleware.Auth) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !attach(auth.Require, c) {
			c.Abort()
			return
		}
		c.Next()
	}
}

// Optional returns gin middleware that puts the session of a signed-in citizen into c.Request's
// context when there is one, as auth.Optional does; every request goes on.
func Optional(auth *middleware.Auth) gin.HandlerFunc {
	return func(c *gin.Context) {
		attach(auth.Optional, c)
		c.Next()
	}
}

// attach runs the net/http middleware mw on c and reports whether it let the request through;
// when it did, c.Request is the request it passed on (with the session in its context).
func attach(mw func(http.Handler) http.Handler, c *gin.Context) bool {
	passed := false
	mw(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		passed = true
		c.Request = r
	})).ServeHTTP(c.Writer, c.Request)
	return passed
}

// Identity returns the signed-in citizen's identity that Require or Optional attached to c, and
// whether there is one. Its PID prints masked (1-1017-xxxxx-70-8); PID.Digits gives the digits.
func Identity(c *gin.Context) (*thaid.Identity, bool) {
	return middleware.IdentityFrom(c.Request.Context())
}

// Session returns the signed-in citizen's whole session (with the UserID that
// middleware.Config.OnLogin chose) that Require or Optional attached to c.
func Session(c *gin.Context) (*middleware.Session, bool) {
	return middleware.SessionFrom(c.Request.Context())
}
