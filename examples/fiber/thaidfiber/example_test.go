package thaidfiber_test

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

	"github.com/gofiber/fiber/v2"

	"github.com/thaid-go/thaid-go/examples/fiber/thaidfiber"
	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// A Fiber app with ThaID login, and a whole login against an in-process mock ThaID that approves
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

	appLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	appURL := "http://" + appLn.Addr().String()
	client, err := thaid.New(context.Background(), thaid.Config{
		ClientID:     mockprovider.DemoClientID,
		ClientSecret: mockprovider.DemoClientSecret,
		RedirectURL:  appURL + "/auth/callback",
		Provider:     thaid.Provider{Issuer: mock.Issuer()},
	})
	if err != nil {
		log.Fatal(err)
	}
	auth, err := middleware.New(middleware.Config{Client: client, LoginPath: "/auth/login", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		log.Fatal(err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/auth/login", thaidfiber.Handler(auth.Login()))
	app.Get("/auth/callback", thaidfiber.Handler(auth.Callback()))
	app.Post("/auth/logout", thaidfiber.Handler(auth.Logout()))
	app.Get("/me", thaidfiber.Require(auth), func(c *fiber.Ctx) error {
		id, _ := thaidfiber.Identity(c)
		return c.SendString("สวัสดี " + id.DisplayName() + " (" + id.PID.String() + ")") // the PID prints masked
	})
	go func() { _ = app.Listener(appLn) }()
	defer func() { _ = app.Shutdown() }()

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	resp, err := browser.Get(appURL + "/me")
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.Request.URL.Path, string(body))
	// Output: /me สวัสดี นาย ธนวัฒน์ สุขสวัสดิ์ (1-5099-xxxxx-82-8)
}

// traceKey stands for what tracing middleware (otelfiber, for one) keeps in c.UserContext().
type traceKey struct{}

// Mount the login, callback and logout with Handler: they run in c.UserContext(), so a
// Config.Observe hook (otelthaid's, for one) sees the request's trace.
func ExampleHandler() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	mock, err := mockprovider.New(mockprovider.Options{Issuer: "http://" + ln.Addr().String()})
	if err != nil {
		log.Fatal(err)
	}
	op := &httptest.Server{Listener: ln, Config: &http.Server{Handler: mock}}
	op.Start()
	defer op.Close()
	client, err := thaid.New(context.Background(), thaid.Config{
		ClientID:     mockprovider.DemoClientID,
		ClientSecret: mockprovider.DemoClientSecret,
		RedirectURL:  "http://127.0.0.1:8080/auth/callback",
		Provider:     thaid.Provider{Issuer: mock.Issuer()},
	})
	if err != nil {
		log.Fatal(err)
	}
	auth, err := middleware.New(middleware.Config{
		Client: client, LoginPath: "/auth/login", Logger: slog.New(slog.DiscardHandler),
		Observe: func(ctx context.Context, e middleware.Event) {
			fmt.Println(e.Kind, e.Outcome(), ctx.Value(traceKey{}))
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Use(func(c *fiber.Ctx) error { // tracing middleware, in short
		c.SetUserContext(context.WithValue(c.UserContext(), traceKey{}, "trace of "+c.Path()))
		return c.Next()
	})
	app.Get("/auth/login", thaidfiber.Handler(auth.Login()))
	app.Get("/auth/callback", thaidfiber.Handler(auth.Callback()))
	app.Post("/auth/logout", thaidfiber.Handler(auth.Logout()))

	resp, err := app.Test(httptest.NewRequest(http.MethodGet, "/auth/login", nil))
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output:
	// login_started ok trace of /auth/login
	// 302
}
