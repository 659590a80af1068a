package thaid_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"

	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// The whole login, against an in-process mock of ThaID that approves at once.
func Example() {
	op, err := mockprovider.New(mockprovider.Options{Issuer: "http://thaid.test", AutoApprove: true})
	if err != nil {
		log.Fatal(err)
	}
	hc := &http.Client{Transport: handlerTransport{op}}

	ctx := context.Background()
	client, err := thaid.New(ctx, thaid.Config{
		ClientID:     mockprovider.DemoClientID,
		ClientSecret: mockprovider.DemoClientSecret,
		RedirectURL:  "https://school.example/auth/callback",
		Scopes:       []string{thaid.ScopeOpenID, thaid.ScopePID, thaid.ScopeName, thaid.ScopeBirthdate},
		Provider:     thaid.Provider{Issuer: op.Issuer()}, // discovery
		HTTPClient:   hc,
	})
	if err != nil {
		log.Fatal(err)
	}

	// /login: make a Login, keep it server-side keyed by its state, redirect.
	login, err := client.NewLogin()
	if err != nil {
		log.Fatal(err)
	}
	authURL := client.AuthCodeURL(login, url.Values{"login_hint": {"2100500987322"}})

	// (The citizen approves in the ThaID app; the browser comes back.)
	req, _ := http.NewRequest(http.MethodGet, authURL, nil)
	resp, err := hc.Transport.RoundTrip(req)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	callback, _ := resp.Location()

	// /auth/callback: look the Login up by state, then exchange.
	res, err := client.Exchange(ctx, login, callback.Query())
	if err != nil {
		log.Fatal(err)
	}
	id := res.Identity
	fmt.Println(id.PID)        // masked
	fmt.Println(id.PID.Kind()) // from the first digit
	fmt.Println(id.Birthdate)  // Buddhist-era year converted
	fmt.Println(id.Verified)   // from a verified ID token
	fmt.Println(id.DisplayName() != "")
	// Output:
	// 2-1005-xxxxx-32-2
	// Thai national born from 1984, registered late
	// 1995-11-02
	// true
	// true
}

// handlerTransport serves requests with an http.Handler, without a network.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// Errors are matched with errors.Is and errors.As, never on their text.
func ExampleError() {
	var err error = &thaid.Error{Code: "access_denied", Description: "ผู้ใช้ปฏิเสธ"}
	switch {
	case errors.Is(err, thaid.ErrUserDenied):
		fmt.Println("the citizen declined")
	case errors.Is(err, thaid.ErrProviderUnavailable):
		fmt.Println("ThaID is down, try later")
	}
	var pe *thaid.Error
	if errors.As(err, &pe) {
		fmt.Println(pe.Code)
	}
	// Output:
	// the citizen declined
	// access_denied
}

// A PID is parsed in any usual spelling and never prints in full.
func ExampleParsePID() {
	pid, err := thaid.ParsePID("1-1017-00230-70-8")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(pid)
	fmt.Printf("%v\n", pid)
	fmt.Println(pid.Digits()) // explicit
	slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})).Info("login", "pid", pid)

	_, err = thaid.ParsePID("1101700230709")
	var pe *thaid.PIDError
	fmt.Println(errors.Is(err, thaid.ErrInvalidPID), errors.As(err, &pe) && pe.Rule == thaid.PIDRuleCheckDigit)
	// Output:
	// 1-1017-xxxxx-70-8
	// 1-1017-xxxxx-70-8
	// 1101700230708
	// level=INFO msg=login pid=1-1017-xxxxx-70-8
	// true true
}

// Dates keep what ThaID sends: Buddhist-era years are converted and partial
// dates stay partial.
func ExampleParseDate() {
	for _, s := range []string{"2533-05-17", "1950-00-00"} {
		d, err := thaid.ParseDate(s)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(d, d.Partial())
	}
	// Output:
	// 1990-05-17 false
	// 1950-00-00 true
}

// The presets need no network; DOPA's sandbox is one line away.
func ExampleNew_sandbox() {
	client, err := thaid.New(context.Background(), thaid.Config{
		ClientID:     "my-client-id",
		ClientSecret: thaid.Secret("from-your-secret-store"),
		RedirectURL:  "https://school.example/auth/callback",
		Provider:     thaid.Sandbox,
	})
	if err != nil {
		log.Fatal(err)
	}
	cfg := client.Config()
	fmt.Println(cfg.Provider.TokenURL)
	fmt.Println(cfg.Scopes)
	fmt.Printf("%v\n", cfg.ClientSecret)
	// Output:
	// https://imauthsbx.bora.dopa.go.th/api/v2/oauth2/token/
	// [openid pid name]
	// [REDACTED]
}
