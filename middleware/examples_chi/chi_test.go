package exampleschi_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/thaid-go/thaid-go/middleware"
	exampleschi "github.com/thaid-go/thaid-go/middleware/examples_chi"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

func TestLoginCycleThroughChi(t *testing.T) {
	op := mockprovider.Start(t, mockprovider.Options{AutoApprove: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	var handler http.Handler
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	defer app.Close()
	client, err := thaid.New(context.Background(), thaid.Config{
		ClientID:     mockprovider.DemoClientID,
		ClientSecret: mockprovider.DemoClientSecret,
		RedirectURL:  app.URL + "/auth/callback",
		Provider:     thaid.Provider{Issuer: op.Issuer()},
	})
	if err != nil {
		t.Fatal(err)
	}
	auth, err := middleware.New(middleware.Config{Client: client, LoginPath: "/auth/login", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	handler = exampleschi.Routes(auth)

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	get := func(path string) (string, string) {
		t.Helper()
		resp, err := browser.Get(app.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.Request.URL.Path, string(b)
	}

	if path, body := get("/students/42"); path != "/students/42" || !strings.HasPrefix(body, "student 42 seen by ") {
		t.Fatalf("login through chi ended at %s: %q", path, body)
	}
	req, _ := http.NewRequest("POST", app.URL+"/auth/logout", nil)
	req.Header.Set("Origin", app.URL)
	resp, err := browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "hello guest" {
		t.Fatalf("after logout: %q", body)
	}
	if path, body := get("/students/7"); path != "/students/7" || !strings.HasPrefix(body, "student 7 seen by ") {
		t.Fatalf("re-login ended at %s: %q", path, body)
	}
}
