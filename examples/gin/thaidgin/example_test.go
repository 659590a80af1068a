package thaidgin_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"

	"github.com/gin-gonic/gin"

	"github.com/thaid-go/thaid-go/examples/gin/thaidgin"
	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// A Gin app with ThaID login, and a whole login against an in-process mock ThaID that approves
// at once: the browser asks for /me, is sent to ThaID and comes back signed in.
func ExampleRequire() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	mock, err := mockprovider.New(mockprovider.Options{Issuer: "http://" + ln.Addr().String(), AutoApprove: true})
	if err != nil {
		log.Fatal(err)
	}
	op := &httptest.Server{Listener: ln, Config: &http.Server{Handler: mock}}
	op.Start()
	defer op.Close()

	r := gin.New()
	app := httptest.NewServer(r)
	defer app.Close()
	client, err := thaid.New(context.Background(), thaid.Config{
		ClientID:     mockprovider.DemoClientID,
		ClientSecret: mockprovider.DemoClientSecret,
		RedirectURL:  app.URL + "/auth/callback",
		Provider:     thaid.Provider{Issuer: mock.Issuer()},
	})
	if err != nil {
		log.Fatal(err)
	}
	auth, err := middleware.New(middleware.Config{Client: client, LoginPath: "/auth/login", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		log.Fatal(err)
	}
	r.GET("/auth/login", gin.WrapH(auth.Login()))
	r.GET("/auth/callback", gin.WrapH(auth.Callback()))
	r.POST("/auth/logout", gin.WrapH(auth.Logout()))
	signedIn := r.Group("/", thaidgin.Require(auth))
	signedIn.GET("/me", func(c *gin.Context) {
		id, _ := thaidgin.Identity(c)
		c.String(http.StatusOK, "สวัสดี %s (%s)", id.DisplayName(), id.PID) // the PID prints masked
	})

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	resp, err := browser.Get(app.URL + "/me")
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.Request.URL.Path, string(body))
	// Output: /me สวัสดี นาย ธนวัฒน์ สุขสวัสดิ์ (1-5099-xxxxx-82-8)
}
