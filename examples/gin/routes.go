package main

import (
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/thaid-go/thaid-go/examples/gin/thaidgin"
	"github.com/thaid-go/thaid-go/middleware"
)

var pages = template.Must(template.New("home").Parse(`<!doctype html><meta charset="utf-8"><title>thaid-go + gin</title>
<p><a href="/auth/login?return_to=/me">เข้าสู่ระบบด้วย ThaID / Log in with ThaID</a></p>
{{define "me"}}<!doctype html><meta charset="utf-8"><title>thaid-go + gin</title>
<p>สวัสดี {{.DisplayName}} ({{.PID}})</p>
<form method="post" action="/auth/logout"><button>ออกจากระบบ / Log out</button></form>
{{end}}`))

// routes lists every route of the app: ThaID's login, callback and logout, a public home page
// and the signed-in citizen's page.
func routes(auth *middleware.Auth) *gin.Engine {
	r := gin.New()
	r.Use(gin.Recovery())
	r.SetHTMLTemplate(pages)
	getHead := []string{http.MethodGet, http.MethodHead} // Gin answers HEAD with 404 unless routed
	r.Match(getHead, "/auth/login", gin.WrapH(auth.Login()))
	r.Match(getHead, "/auth/callback", gin.WrapH(auth.Callback()))
	r.POST("/auth/logout", gin.WrapH(auth.Logout()))
	r.GET("/", func(c *gin.Context) { c.HTML(http.StatusOK, "home", nil) })

	signedIn := r.Group("/", thaidgin.Require(auth)) // others go to /auth/login
	signedIn.Match(getHead, "/me", me)
	return r
}

// me shows the signed-in citizen; the PID prints masked (1-1017-xxxxx-70-8).
func me(c *gin.Context) {
	id, ok := thaidgin.Identity(c)
	if !ok {
		c.String(http.StatusInternalServerError, "no identity")
		return
	}
	c.HTML(http.StatusOK, "me", id)
}
