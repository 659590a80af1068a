package exampletest

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// RunFunc is an example command's run, as its main calls it: it reads its configuration with
// getenv, prints "open <base URL>/me" (and, with the demo mock, the mock's citizens) to stdout,
// serves until ctx ends, and returns nil after a clean shutdown.
type RunFunc func(ctx context.Context, getenv func(string) string, stdout io.Writer) error

// CheckRun runs the example's command as its main does, on a free port (PORT=0):
//
//   - "demo-mock": THAID_ISSUER unset, so the command serves a mock ThaID of its own: /me leads
//     to the mock's QR page on another port, the mock's demo citizens are printed with masked
//     PIDs and app passwords, and the command stops cleanly;
//   - "issuer": THAID_ISSUER is a provider's URL (a mock that approves at once, standing for the
//     real ThaID) with THAID_CLIENT_ID and THAID_CLIENT_SECRET: a browser that opens /me logs in
//     there and comes back to /me, greeted with the masked PID;
//   - "production" and "sandbox": THAID_ISSUER names DOPA's provider, whose endpoints are known
//     without network: the login redirects to its authorize endpoint with the configured client
//     ID and redirect URI (THAID_REDIRECT_URL for production, the default
//     http://127.0.0.1:<port>/auth/callback for sandbox);
//   - "misconfigured": a client ID without THAID_ISSUER (a forgotten issuer must not start the
//     demo mock), THAID_ISSUER without a client ID, and a bad PORT give an error, at once.
//
// Throughout, the command's output never holds a citizen's PID in full.
func CheckRun(t *testing.T, run RunFunc) {
	t.Run("demo-mock", func(t *testing.T) {
		r := startRun(t, run, map[string]string{"PORT": "0"})
		resp, err := http.Get(r.open)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		app, _ := url.Parse(r.open)
		if resp.StatusCode != http.StatusOK || resp.Request.URL.Host == app.Host || !strings.HasSuffix(resp.Request.URL.Path, mockprovider.PathAuthorize) {
			t.Fatalf("/me led to %s (%d), want the demo mock's authorize page", resp.Request.URL, resp.StatusCode)
		}
		printed := r.stop(t)
		for _, c := range mockprovider.DefaultCitizens() {
			if !strings.Contains(printed, thaid.MaskPID(c.PID)+"  "+c.Password) {
				t.Fatalf("the command should print each demo citizen's masked PID and app password:\n%s", printed)
			}
		}
	})

	t.Run("issuer", func(t *testing.T) {
		op := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
		r := startRun(t, run, map[string]string{
			"PORT":                "0",
			"THAID_ISSUER":        op.Issuer(),
			"THAID_CLIENT_ID":     mockprovider.DemoClientID,
			"THAID_CLIENT_SECRET": mockprovider.DemoClientSecret,
		})
		jar, err := cookiejar.New(nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := (&http.Client{Jar: jar}).Get(r.open)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		citizen := op.Citizens()[0] // AutoApprove logs in as the first citizen
		masked := thaid.MaskPID(citizen.PID)
		if resp.StatusCode != http.StatusOK || resp.Request.URL.String() != r.open ||
			!strings.Contains(string(body), masked) || strings.Contains(string(body), citizen.PID) {
			t.Fatalf("/me through a login at THAID_ISSUER ended at %s (%d) %q, want %s greeting %s",
				resp.Request.URL, resp.StatusCode, body, r.open, masked)
		}
		r.stop(t)
	})

	// production: THAID_REDIRECT_URL given; sandbox: the default redirect URI.
	for name, p := range map[string]thaid.Provider{"production": thaid.Production, "sandbox": thaid.Sandbox} {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{
				"PORT": "0", "THAID_ISSUER": name, "THAID_CLIENT_ID": "my-client", "THAID_CLIENT_SECRET": "my-secret",
			}
			if name == "production" {
				env["THAID_REDIRECT_URL"] = "https://school.example.go.th/auth/callback"
			}
			r := startRun(t, run, env)
			base := strings.TrimSuffix(r.open, "/me")
			redirect := cmp.Or(env["THAID_REDIRECT_URL"], base+"/auth/callback")
			resp, err := (&http.Client{CheckRedirect: noRedirect}).Get(base + "/auth/login")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			to, err := url.Parse(resp.Header.Get("Location"))
			if resp.StatusCode != http.StatusFound || err != nil {
				t.Fatalf("login: %d to %q (%v), want 302 to ThaID", resp.StatusCode, resp.Header.Get("Location"), err)
			}
			q := to.Query()
			if at := to.Scheme + "://" + to.Host + to.Path; at != p.AuthURL || q.Get("client_id") != "my-client" ||
				q.Get("redirect_uri") != redirect {
				t.Fatalf("THAID_ISSUER=%s: login sent the browser to %s, want %s with client_id my-client and redirect_uri %s",
					name, to, p.AuthURL, redirect)
			}
			r.stop(t)
		})
	}

	t.Run("misconfigured", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			env    map[string]string
			config bool // the error matches thaid.ErrInvalidConfig
		}{
			{"client ID without THAID_ISSUER", map[string]string{"PORT": "0", "THAID_CLIENT_ID": "my-client"}, true},
			{"client secret without THAID_ISSUER", map[string]string{"PORT": "0", "THAID_CLIENT_SECRET": "my-secret"}, true},
			{"THAID_ISSUER without a client ID", map[string]string{"PORT": "0", "THAID_ISSUER": "sandbox"}, true},
			{"bad PORT", map[string]string{"PORT": "not-a-port"}, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r, opened := launch(t, run, tc.env)
				select {
				case err := <-r.done:
					if err == nil || tc.config && !errors.Is(err, thaid.ErrInvalidConfig) {
						t.Fatalf("run = %v, want an error (matching thaid.ErrInvalidConfig: %v)", err, tc.config)
					}
				case u := <-opened:
					t.Fatalf("run did not refuse the configuration: it serves %s", u)
				case <-time.After(30 * time.Second):
					t.Fatal("run neither refused the configuration nor served")
				}
			})
		}
	})
}

// running is an example command started by launch.
type running struct {
	open   string // the URL the command printed: <base URL>/me
	cancel context.CancelFunc
	done   chan error
	read   chan struct{} // closed once lines holds all that the command printed

	lines []string
}

// startRun starts run with env and waits for it to print the URL to open. It stops the command at
// the end of the test if the test has not stopped it.
func startRun(t *testing.T, run RunFunc, env map[string]string) *running {
	t.Helper()
	r, opened := launch(t, run, env)
	select {
	case r.open = <-opened:
	case err := <-r.done:
		t.Fatalf("run ended before printing the URL to open: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("run printed no URL to open")
	}
	if !strings.HasPrefix(r.open, "http://127.0.0.1:") || !strings.HasSuffix(r.open, "/me") {
		t.Fatalf("run printed %q to open, want http://127.0.0.1:<port>/me", r.open)
	}
	return r
}

// launch starts run with env, keeps the lines it prints, and sends the URL of its "open <URL>"
// line on opened. run ends with the test, if not before.
func launch(t *testing.T, run RunFunc, env map[string]string) (r *running, opened <-chan string) {
	ctx, cancel := context.WithCancel(context.Background())
	out, w := io.Pipe()
	r = &running{cancel: cancel, done: make(chan error, 1), read: make(chan struct{})}
	go func() {
		err := run(ctx, func(k string) string { return env[k] }, w)
		w.Close()
		r.done <- err
	}()
	open := make(chan string, 1)
	go func() {
		defer close(r.read)
		s := bufio.NewScanner(out)
		for s.Scan() {
			r.lines = append(r.lines, s.Text())
			if rest, ok := strings.CutPrefix(s.Text(), "open "); ok {
				u, _, _ := strings.Cut(rest, " ")
				select {
				case open <- u:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.read:
		case <-time.After(10 * time.Second):
			t.Error("run did not stop")
		}
	})
	return r, open
}

// stop ends the command as SIGINT would, checks that it returned nil and never printed a demo
// citizen's PID in full, and returns what it printed.
func (r *running) stop(t *testing.T) string {
	t.Helper()
	r.cancel()
	select {
	case err := <-r.done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
	<-r.read
	printed := strings.Join(r.lines, "\n")
	for _, c := range mockprovider.DefaultCitizens() {
		if strings.Contains(printed, c.PID) {
			t.Fatalf("the command printed the PID of %s in full:\n%s", c.GivenName, printed)
		}
	}
	return printed
}
