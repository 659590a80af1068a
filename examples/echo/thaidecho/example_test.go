package thaidecho_test

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

	"github.com/labstack/echo/v4"

	"github.com/thaid-go/thaid-go/examples/echo/thaidecho"
	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// An Echo app with ThaID login, and a whole login against an in-process mock ThaID that approves
// at once: the browser asks for /me, is sent to ThaID and comes back signed in.
func ExampleIdentity() {
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

	e := echo.New()
	app := httptest.NewServer(e)
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
	e.GET("/auth/login", echo.WrapHandler(auth.Login()))
	e.GET("/auth/callback", echo.WrapHandler(auth.Callback()))
	e.POST("/auth/logout", echo.WrapHandler(auth.Logout()))
	e.GET("/me", func(c echo.Context) error {
		id, _ := thaidecho.Identity(c)
		return c.String(http.StatusOK, "สวัสดี "+id.DisplayName()+" ("+id.PID.String()+")") // the PID prints masked
	}, echo.WrapMiddleware(auth.Require))

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
