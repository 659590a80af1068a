package main

import (
	"context"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
	"github.com/thaid-go/thaid-go/examples/school-registration/internal/testdb"
	"github.com/thaid-go/thaid-go/mockprovider"
)

// TestAdminsFollowConfig: at start-up the area admins become exactly those of
// ADMIN_PIDS, so an admin removed from it loses /admin after a restart.
func TestAdminsFollowConfig(t *testing.T) {
	for _, kind := range testdb.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := testdb.URL(t, kind)
			mock := startMock(t)
			first := startApp(t, mock, map[string]string{"DATABASE_URL": db})
			b := newBrowser(t, first.URL)
			b.login(adminBRM1)
			mustStatus(t, b.get("/admin"), http.StatusOK, "/admin")

			// Restart with adminBRM1 removed from ADMIN_PIDS.
			second := startApp(t, mock, map[string]string{"DATABASE_URL": db, "ADMIN_PIDS": adminBRM3.PID + ":" + areaBRM3})
			removed := newBrowser(t, second.URL)
			removed.login(adminBRM1)
			if got := removed.get("/admin"); got.Status != http.StatusForbidden {
				t.Errorf("admin removed from ADMIN_PIDS: GET /admin = %d, want 403", got.Status)
			}
			kept := newBrowser(t, second.URL)
			kept.login(adminBRM3)
			mustStatus(t, kept.get("/admin"), http.StatusOK, "/admin")
		})
	}
}

// TestDemoAdminsDoNotPersist: a demo run (embedded mock, ADMIN_PIDS unset)
// writes demo admins; a later run with a real provider and ADMIN_PIDS unset on
// the same database has no admins, and warns about it.
func TestDemoAdminsDoNotPersist(t *testing.T) {
	for _, kind := range testdb.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := testdb.URL(t, kind)
			cfg, err := configFromEnv(func(k string) string {
				return map[string]string{"ADDR": "127.0.0.1:0", "DATABASE_URL": db}[k]
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(demoAdmins(startMock(t).Citizens())) == 0 {
				t.Fatal("no demo admins")
			}
			serveOnce(t, cfg)

			mock := startMock(t)
			app := startApp(t, mock, map[string]string{"DATABASE_URL": db, "ADMIN_PIDS": ""})
			// demoAdmins makes adminBRM1 and adminBRM3 the demo admins.
			for _, c := range []mockprovider.Citizen{adminBRM1, adminBRM3} {
				b := newBrowser(t, app.URL)
				b.login(c)
				if got := b.get("/admin"); got.Status != http.StatusForbidden {
					t.Errorf("demo admin %s on a run without ADMIN_PIDS: GET /admin = %d, want 403", maskOf(c), got.Status)
				}
			}
			if !strings.Contains(app.Log.String(), "no area admin is configured") {
				t.Errorf("no warning about missing admins in the log:\n%s", app.Log.String())
			}
		})
	}
}

// TestRemoteDemoMakesNoAdmins: with the embedded mock reachable beyond
// loopback (DEMO_ALLOW_REMOTE=1 and a public BASE_URL), anybody can log in as
// any demo citizen, so the app makes no demo area admins, and removes those of
// an earlier loopback demo: only ADMIN_PIDS makes admins.
func TestRemoteDemoMakesNoAdmins(t *testing.T) {
	for _, kind := range testdb.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := testdb.URL(t, kind)
			adminsOf := func(c mockprovider.Citizen) []string {
				t.Helper()
				st, err := store.Open(context.Background(), db)
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				areas, err := st.AdminAreas(context.Background(), c.PID)
				if err != nil {
					t.Fatal(err)
				}
				var codes []string
				for _, a := range areas {
					codes = append(codes, a.Code)
				}
				return codes
			}
			configure := func(env map[string]string) config {
				t.Helper()
				cfg, err := configFromEnv(func(k string) string { return env[k] })
				if err != nil {
					t.Fatal(err)
				}
				return cfg
			}

			// A loopback demo makes the demo admins.
			serveOnce(t, configure(map[string]string{"ADDR": "127.0.0.1:0", "DATABASE_URL": db}))
			if got := adminsOf(adminBRM3); !slices.Equal(got, []string{areaBRM3}) {
				t.Fatalf("loopback demo: admin areas of %s = %v, want [%s]", maskOf(adminBRM3), got, areaBRM3)
			}

			// The same demo on a public name. The app listens on loopback; its
			// HTTP client (OpenID discovery of the mock) reaches BASE_URL's host there.
			addr := closedAddr(t)
			var dialer net.Dialer
			toApp := &http.Client{Transport: &http.Transport{
				DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
					return dialer.DialContext(ctx, network, addr)
				}}}
			base := "http://school.example" + addr[strings.LastIndex(addr, ":"):]
			remote := map[string]string{"ADDR": addr, "BASE_URL": base, "DEMO_ALLOW_REMOTE": "1", "DATABASE_URL": db}
			cfg := configure(remote)
			if !cfg.remoteDemo {
				t.Fatal("config: remoteDemo is false")
			}
			cfg.httpClient = toApp
			out := serveOnce(t, cfg)
			if !strings.Contains(out, "ThaID: embedded mock at "+base+mockPrefix) {
				t.Fatalf("remote demo: the banner lacks the mock at %s:\n%s", base, out)
			}
			for _, c := range []mockprovider.Citizen{adminBRM1, adminBRM3} {
				if got := adminsOf(c); len(got) != 0 {
					t.Errorf("remote demo: %s is admin of %v, want no admin", maskOf(c), got)
				}
			}
			if strings.Contains(out, "area admin of") {
				t.Errorf("remote demo: the banner names an area admin:\n%s", out)
			}
			for _, want := range []string{"no demo area admins are made", "no area admin is configured"} {
				if !strings.Contains(out, want) {
					t.Errorf("remote demo: the log lacks %q:\n%s", want, out)
				}
			}

			// ADMIN_PIDS still makes admins.
			remote["ADMIN_PIDS"] = adminBRM1.PID + ":3101"
			cfg = configure(remote)
			cfg.httpClient = toApp
			serveOnce(t, cfg)
			if got := adminsOf(adminBRM1); !slices.Equal(got, []string{"3101"}) {
				t.Errorf("remote demo with ADMIN_PIDS: admin areas of %s = %v, want [3101]", maskOf(adminBRM1), got)
			}
			if got := adminsOf(adminBRM3); len(got) != 0 {
				t.Errorf("remote demo with ADMIN_PIDS: %s is admin of %v, want no admin", maskOf(adminBRM3), got)
			}
		})
	}
}
