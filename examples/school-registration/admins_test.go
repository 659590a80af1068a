package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

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
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			ready := make(chan string, 1)
			go func() { done <- serve(ctx, cfg, io.Discard, func(u string) { ready <- u }) }()
			select {
			case <-ready:
			case err := <-done:
				cancel()
				t.Fatalf("demo run: %v", err)
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("demo run: %v", err)
			}

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
