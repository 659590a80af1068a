package middleware_test

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
	"os"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// The usual integration with the standard ServeMux (Go 1.22 patterns).
func Example() {
	ctx := context.Background()
	client, err := thaid.New(ctx, thaid.Config{
		ClientID:     os.Getenv("THAID_CLIENT_ID"),
		ClientSecret: thaid.Secret(os.Getenv("THAID_CLIENT_SECRET")),
		RedirectURL:  "https://school.example.go.th/auth/callback",
		Provider:     thaid.Production,
	})
	if err != nil {
		log.Fatal(err)
	}
	auth, err := middleware.New(middleware.Config{Client: client, LoginPath: "/auth/login"})
	if err != nil {
		log.Fatal(err)
	}

	mux := http.NewServeMux()
	mux.Handle("GET /auth/login", auth.Login())
	mux.Handle("GET /auth/callback", auth.Callback())
	mux.Handle("POST /auth/logout", auth.Logout())
	mux.Handle("GET /registrations/", auth.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := middleware.IdentityFrom(r.Context())
		fmt.Fprintf(w, "สวัสดี %s", id.DisplayName())
	})))
	log.Fatal(http.ListenAndServe(":8080", mux))
}

// A whole login against an in-process mock ThaID: the browser asks for a protected page, is sent
// to ThaID (which approves at once) and comes back signed in.
func ExampleAuth_Require() {
	// A mock ThaID that approves every login at once.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	provider, err := mockprovider.New(mockprovider.Options{
		Issuer:      "http://" + ln.Addr().String(),
		AutoApprove: true,
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		log.Fatal(err)
	}
	op := &httptest.Server{Listener: ln, Config: &http.Server{Handler: provider}}
	op.Start()
	defer op.Close()

	// The application.
	mux := http.NewServeMux()
	app := httptest.NewServer(mux)
	defer app.Close()
	client, err := thaid.New(context.Background(), thaid.Config{
		ClientID:     mockprovider.DemoClientID,
		ClientSecret: mockprovider.DemoClientSecret,
		RedirectURL:  app.URL + "/callback",
		Provider:     thaid.Provider{Issuer: provider.Issuer()},
	})
	if err != nil {
		log.Fatal(err)
	}
	auth, err := middleware.New(middleware.Config{
		Client: client,
		OnLogin: func(ctx context.Context, id *thaid.Identity) (string, error) {
			return "student-1", nil // look the citizen up in your own tables here
		},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		log.Fatal(err)
	}
	mux.Handle("GET /login", auth.Login())
	mux.Handle("GET /callback", auth.Callback())
	mux.Handle("GET /me", auth.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := middleware.SessionFrom(r.Context())
		fmt.Fprintf(w, "%s, PID %s", s.UserID, s.Identity().PID) // PIDs print masked
	})))

	// The browser.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	resp, err := browser.Get(app.URL + "/me")
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.Request.URL.Path, string(body))
	// Output: /me student-1, PID 1-5099-xxxxx-82-8
}

// A JSON API answers 401 instead of redirecting.
func ExampleAuth_Require_json() {
	client, err := thaid.New(context.Background(), thaid.Config{
		ClientID:     "client",
		ClientSecret: "secret",
		RedirectURL:  "https://app.example/callback",
		Provider: thaid.Provider{
			Issuer:   "https://op.example",
			AuthURL:  "https://op.example/api/v2/oauth2/auth/",
			TokenURL: "https://op.example/api/v2/oauth2/token/",
			JWKSURL:  "https://op.example/jwks/",
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	auth, err := middleware.New(middleware.Config{Client: client})
	if err != nil {
		log.Fatal(err)
	}
	api := auth.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	r := httptest.NewRequest("GET", "/api/registrations", nil)
	r.Header.Set("Accept", "application/json")
	w := httptest.NewRecorder()
	api.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Body.String())
	// Output: 401 {"error":"login_required"}
}

// OnLogin decides who may sign in and maps the citizen to the application's user.
func ExampleConfig_onLogin() {
	allowed := map[string]string{"1101700230708": "admin-7"} // PID digits -> user ID
	cfg := middleware.Config{
		OnLogin: func(ctx context.Context, id *thaid.Identity) (string, error) {
			user, ok := allowed[id.PID.Digits()]
			if !ok {
				return "", &middleware.DeniedError{Message: "ระบบนี้สำหรับเจ้าหน้าที่เขตพื้นที่การศึกษาเท่านั้น / Staff of the education area only."}
			}
			return user, nil
		},
	}
	_ = cfg
}
