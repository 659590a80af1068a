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
// The package is two short files with no state, doc.go and thaidgin.go, meant to be copied into
// your app together (with their tests): this example module is not published for import.
package thaidgin
