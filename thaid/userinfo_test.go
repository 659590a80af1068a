package thaid_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// TestUserInfo: the claims of the userinfo endpoint, unverified, against the mock.
func TestUserInfo(t *testing.T) {
	e := start(t, mockprovider.Options{}, func(c *thaid.Config) {
		c.Scopes = []string{thaid.ScopeOpenID, thaid.ScopePID, thaid.ScopeName, thaid.ScopeAddress}
	})
	_, res, err := e.login(t, pidPimchan)
	if err != nil {
		t.Fatal(err)
	}
	id, err := e.c.UserInfo(context.Background(), res.Token.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if id.Verified || id.PID.Digits() != pidPimchan || id.Subject != res.Identity.Subject || id.Name != res.Identity.Name ||
		id.Address == nil || id.Address.Formatted != res.Identity.Address.Formatted {
		t.Fatalf("userinfo identity %v, address %v; login %v", id, id.Address, res.Identity)
	}
	if r := e.op.RequestsTo(mockprovider.EndpointUserInfo); len(r) != 1 || r[0].Method != http.MethodGet || r[0].Status != 200 {
		t.Fatalf("userinfo requests %+v", r)
	}
	// A revoked token is refused: typed error, no PID in it.
	if err := e.c.Revoke(context.Background(), res.Token.AccessToken); err != nil {
		t.Fatal(err)
	}
	_, err = e.c.UserInfo(context.Background(), res.Token.AccessToken)
	var pe *thaid.Error
	if !errors.Is(err, thaid.ErrInvalidAccessToken) || !errors.As(err, &pe) || pe.Code != "invalid_token" || pe.StatusCode != 401 {
		t.Fatalf("revoked token: %v", err)
	}
	if _, err := e.c.UserInfo(context.Background(), ""); !errors.Is(err, thaid.ErrMissingAccessToken) {
		t.Fatalf("empty token: %v", err)
	}
}

// TestPIDNeverFromSub: on the recorded sandbox sub is the PID. A client that was not granted
// the pid scope must not get Identity.PID from sub (the citizen did not consent to it), from
// the ID token, the flat claims or userinfo alike; and sub, personal data, prints masked.
func TestPIDNeverFromSub(t *testing.T) {
	for _, scopes := range [][]string{
		{thaid.ScopeOpenID, thaid.ScopeName}, // ID token
		{thaid.ScopeName},                    // flat claims
	} {
		t.Run(strings.Join(scopes, " "), func(t *testing.T) {
			e := start(t, mockprovider.Options{}, func(c *thaid.Config) { c.Scopes = scopes })
			_, res, err := e.login(t, pidThanawat)
			if err != nil {
				t.Fatal(err)
			}
			ui, err := e.c.UserInfo(context.Background(), res.Token.AccessToken)
			if err != nil {
				t.Fatal(err)
			}
			for name, id := range map[string]*thaid.Identity{"login": res.Identity, "userinfo": ui} {
				if !id.PID.IsZero() {
					t.Errorf("%s: PID %v without the pid scope", name, id.PID)
				}
				if name == "userinfo" || len(scopes) == 2 {
					if id.Subject != pidThanawat {
						t.Errorf("%s: sub %q, want the PID (the mock's default, as the sandbox)", name, thaid.MaskPID(id.Subject))
					}
				}
				var buf bytes.Buffer
				slog.New(slog.NewJSONHandler(&buf, nil)).Info("login", "id", id, "idv", *id)
				for _, out := range []string{fmt.Sprint(id), fmt.Sprintf("%v %+v %#v %s", *id, *id, *id, *id), buf.String()} {
					if strings.Contains(out, pidThanawat) {
						t.Errorf("%s: sub printed in full: %s", name, out)
					}
				}
			}
		})
	}
}

// TestUserInfoAnswers: each kind of answer from a userinfo endpoint (a test server).
func TestUserInfoAnswers(t *testing.T) {
	const badPID = "1101700230709" // wrong check digit
	jsonBody := func(status int, body string) func(w http.ResponseWriter) {
		return func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprint(w, body)
		}
	}
	for _, tc := range []struct {
		name   string
		answer func(w http.ResponseWriter)
		want   error
		check  func(t *testing.T, id *thaid.Identity, err error)
	}{
		{"claims", jsonBody(http.StatusOK, `{"sub":"1101700230708","pid":"1101700230708","address":{"formatted":"99 หมู่ 1"},"ial":2.3,"extra":true}`),
			nil, func(t *testing.T, id *thaid.Identity, _ error) {
				if id.Verified || id.PID.Digits() != "1101700230708" || id.Address.Formatted != "99 หมู่ 1" || id.IAL != "2.3" || id.Raw["extra"] != true {
					t.Errorf("identity %v", id)
				}
			}},
		{"error only in WWW-Authenticate", func(w http.ResponseWriter) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="x", error="invalid_token", error_description="expired"`)
			w.WriteHeader(http.StatusUnauthorized)
		}, thaid.ErrInvalidAccessToken, nil},
		{"JSON error", jsonBody(http.StatusUnauthorized, `{"error":"invalid_token"}`), thaid.ErrInvalidAccessToken, nil},
		{"5xx", func(w http.ResponseWriter) { w.WriteHeader(http.StatusBadGateway) }, thaid.ErrProviderUnavailable, nil},
		{"not an object", jsonBody(http.StatusOK, `["a"]`), thaid.ErrMalformedResponse, nil},
		{"signed JWT", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/jwt")
			fmt.Fprint(w, `eyJhbGciOiJFUzI1NiJ9.e30.c2ln`)
		}, thaid.ErrMalformedResponse, nil},
		{"invalid pid", jsonBody(http.StatusOK, fmt.Sprintf(`{"sub":"x","pid":%q}`, badPID)), thaid.ErrInvalidPID, func(t *testing.T, _ *thaid.Identity, err error) {
			if strings.Contains(err.Error(), badPID) {
				t.Errorf("error shows the PID: %v", err)
			}
		}},
		{"claim of the wrong type", jsonBody(http.StatusOK, `{"sub":"x","name":7}`), thaid.ErrInvalidClaim, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var gotAuth, gotMethod string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				gotAuth, gotMethod = r.Header.Get("Authorization"), r.Method
				tc.answer(w)
			}))
			t.Cleanup(srv.Close)
			id, err := userInfoClient(t, srv, srv.URL+"/u/").UserInfo(context.Background(), "at-1")
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			if gotAuth != "Bearer at-1" || gotMethod != http.MethodGet {
				t.Errorf("sent %s with Authorization %q", gotMethod, gotAuth)
			}
			if tc.check != nil {
				tc.check(t, id, err)
			}
		})
	}
}

// TestUserInfoFollowsNoRedirect: the access token goes to the configured URL only.
func TestUserInfoFollowsNoRedirect(t *testing.T) {
	var stolen bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { stolen = true }))
	t.Cleanup(other.Close)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/u/", http.StatusTemporaryRedirect)
	}))
	t.Cleanup(srv.Close)
	if _, err := userInfoClient(t, srv, srv.URL+"/u/").UserInfo(context.Background(), "at-1"); err == nil || stolen {
		t.Fatalf("err %v, redirect followed %t", err, stolen)
	}
	if _, err := userInfoClient(t, srv, "").UserInfo(context.Background(), "at-1"); !errors.Is(err, thaid.ErrInvalidConfig) {
		t.Fatalf("no UserInfoURL: %v", err)
	}
}

// userInfoClient is a client of srv without the openid scope, with userInfoURL ("" for none).
func userInfoClient(t *testing.T, srv *httptest.Server, userInfoURL string) *thaid.Client {
	t.Helper()
	c, err := thaid.New(context.Background(), thaid.Config{ClientID: "c", ClientSecret: "s", RedirectURL: redirectURL,
		Scopes: []string{thaid.ScopePID}, Provider: thaid.Provider{AuthURL: srv.URL + "/a/", TokenURL: srv.URL + "/t/", UserInfoURL: userInfoURL}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
