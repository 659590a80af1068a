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
