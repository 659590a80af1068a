package thaid

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestJWKSStalledFetchIsAbandoned: a JWKS answer that stalls after its headers, with a caller's
// HTTP client that has no timeout, must not block verification for good: the detached download
// has its own deadline, and once the endpoint recovers a new fetch succeeds.
func TestJWKSStalledFetchIsAbandoned(t *testing.T) {
	clock := newTestClock()
	k := newTestKey(t, "k1", "ES256")
	op := newTestOP(t, k)
	var stalled atomic.Bool
	stalled.Store(true)
	release := make(chan struct{})
	op.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if stalled.Load() {
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		op.serveJWKS(w, r)
	})
	t.Cleanup(func() { close(release) }) // runs before the server's Close
	c := newTestClient(t, op, clock, func(cfg *Config) { cfg.HTTPClient = &http.Client{} })
	c.keys.fetchTimeout = 200 * time.Millisecond
	tok := sign(t, k, op.claims(clock.Now(), "n"))

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	_, err := c.VerifyIDToken(ctx, tok, "", "n")
	cancel()
	if !errors.Is(err, ErrProviderUnavailable) {
		t.Fatalf("stalled JWKS: %v, want ErrProviderUnavailable", err)
	}
	stalled.Store(false)
	// Bounded wait: the stalled download gives up after 200 ms; a later call fetches anew.
	deadline := time.Now().Add(5 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err = c.VerifyIDToken(ctx, tok, "", "n")
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("verification still failing after the JWKS recovered: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestIntrospectionDoesNotPrintSubject: ThaID's introspection carries the PID as sub; printing
// or logging the answer must not reveal it.
func TestIntrospectionDoesNotPrintSubject(t *testing.T) {
	const pid = "1101700230708"
	srv := httptest.NewServer(http.HandlerFunc(jsonAnswer(http.StatusOK, fmt.Sprintf(`{"active":true,"sub":%q,"scope":"pid name"}`, pid))))
	t.Cleanup(srv.Close)
	c, err := New(context.Background(), Config{ClientID: "c", ClientSecret: "s", RedirectURL: "https://rp.example/cb",
		Scopes:   []string{ScopePID},
		Provider: Provider{AuthURL: srv.URL + "/a", TokenURL: srv.URL + "/t", IntrospectURL: srv.URL + "/i"}})
	if err != nil {
		t.Fatal(err)
	}
	in, err := c.Introspect(context.Background(), "tok")
	if err != nil {
		t.Fatal(err)
	}
	if in.Subject != pid || !in.Active {
		t.Fatalf("introspection = %+v", *in)
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "in", in, "inv", *in)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "in", in)
	for _, out := range []string{fmt.Sprint(in), fmt.Sprintf("%v %+v %#v %s", *in, *in, *in, *in), buf.String()} {
		if strings.Contains(out, pid) {
			t.Errorf("PID printed in full: %s", out)
		}
		if !strings.Contains(out, "1-1017-xxxxx-70-8") {
			t.Errorf("masked subject missing: %s", out)
		}
	}
}

// TestPIDErrorMasksEveryScript: a PID typed in Thai or full-width digits is not a valid PID,
// and the error must not echo it whole.
func TestPIDErrorMasksEveryScript(t *testing.T) {
	for _, in := range []string{"๑๑๐๑๗๐๐๒๓๐๗๐๘", "１１０１７００２３０７０８", "1101700230708x"} {
		_, err := ParsePID(in)
		if !errors.Is(err, ErrInvalidPID) {
			t.Fatalf("%q: %v, want ErrInvalidPID", in, err)
		}
		if strings.Contains(err.Error(), in) || strings.Contains(err.Error(), "1101700230708") ||
			strings.Contains(err.Error(), "๑๗๐๐๒๓๐") || strings.Contains(err.Error(), "７００２３０") {
			t.Errorf("error echoes the digits: %v", err)
		}
	}
}

// TestRefreshRefusesAnotherSubject: a refreshed ID token must name the login's subject
// (OpenID Connect Core 12.2), else the session would silently change person.
func TestRefreshRefusesAnotherSubject(t *testing.T) {
	clock := newTestClock()
	k := newTestKey(t, "k1", "ES256")
	te := newTokenEndpoint(t, k)
	for _, tc := range []struct {
		name string
		sub  string
		want error
	}{
		{"same subject", "sub-1", nil},
		{"another subject", "someone-else", ErrInvalidToken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cl := te.claims(clock.Now(), "")
			delete(cl, "nonce")
			cl["sub"] = tc.sub
			idt := sign(t, k, cl)
			te.answer = jsonAnswer(http.StatusOK, `{"access_token":"a2","token_type":"Bearer","expires_in":900,"id_token":"`+idt+`"}`)
			c := newTestClient(t, te.testOP, clock)
			old := &Token{AccessToken: "a1", RefreshToken: "r1", IDToken: sign(t, k, te.claims(clock.Now(), "n"))}
			login, err := verifyChecked(t, c, old.IDToken, "", "n")
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.Refresh(context.Background(), old, login)
			if !errorsIs(err, tc.want) {
				t.Fatalf("Refresh: %v, want %v", err, tc.want)
			}
			if tc.want == nil && res.Identity.Subject != "sub-1" {
				t.Fatalf("identity subject %q", res.Identity.Subject)
			}
		})
	}
}

// TestNoCredentialsFollowRedirects: a token endpoint that redirects (307, to another host or
// not) must not receive a second request carrying the API key or the client secret.
func TestNoCredentialsFollowRedirects(t *testing.T) {
	var (
		mu   sync.Mutex
		seen []string
	)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		seen = append(seen, fmt.Sprintf("apikey=%q secret=%q", r.Header.Get(DefaultAPIKeyHeader), r.PostForm.Get("client_secret")))
		mu.Unlock()
		w.WriteHeader(http.StatusBadRequest)
	}))
	t.Cleanup(other.Close)
	for _, target := range []string{
		strings.Replace(other.URL, "127.0.0.1", "localhost", 1) + "/steal", // another host
		"/same-host",
	} {
		for _, style := range []AuthStyle{AuthStyleBasic, AuthStylePost} {
			t.Run(fmt.Sprintf("%s %s", style, target), func(t *testing.T) {
				tok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/same-host" {
						_ = r.ParseForm()
						mu.Lock()
						seen = append(seen, "same host followed")
						mu.Unlock()
						w.WriteHeader(http.StatusBadRequest)
						return
					}
					http.Redirect(w, r, target, http.StatusTemporaryRedirect)
				}))
				t.Cleanup(tok.Close)
				c, err := New(context.Background(), Config{ClientID: "c", ClientSecret: "topsecret", APIKey: "KEY123",
					AuthStyle: style, RedirectURL: "https://rp.example/cb", Scopes: []string{ScopePID},
					Provider: Provider{AuthURL: tok.URL + "/a", TokenURL: tok.URL + "/t"}})
				if err != nil {
					t.Fatal(err)
				}
				l, err := c.NewLogin()
				if err != nil {
					t.Fatal(err)
				}
				_, err = c.Exchange(context.Background(), l, url.Values{"state": {l.State}, "code": {"x"}})
				if err == nil {
					t.Fatal("exchange through a redirect succeeded")
				}
				mu.Lock()
				defer mu.Unlock()
				if len(seen) > 0 {
					t.Fatalf("the redirect was followed: %v", seen)
				}
			})
		}
	}
}
