package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
	"github.com/thaid-go/thaid-go/examples/school-registration/internal/testdb"
)

// findPsql returns the path of psql, the PostgreSQL client.
func findPsql(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("psql"); err == nil {
		return p
	}
	if m, _ := filepath.Glob("/usr/lib/postgresql/*/bin/psql"); len(m) > 0 {
		return m[len(m)-1]
	}
	t.Fatal("psql (PostgreSQL's client, installed with PostgreSQL) is not found")
	return ""
}

// TestPostgresTwoRoles is the deployment of README's "PostgreSQL with two
// roles": an owner role migrates (school-registration -migrate) and runs
// deploy/postgres-app-role.sql; the app runs as its own role, which cannot
// delete from, change, empty or unprotect the audit trail, and yet registers,
// decides, writes the trail and purges it after the retention through
// audit_log_purge.
func TestPostgresTwoRoles(t *testing.T) {
	superURL := testdb.Need(t, "THAID_TEST_POSTGRES_URL")
	psql := findPsql(t)
	ctx := context.Background()
	super, err := sql.Open("pgx", superURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { super.Close() })

	// Roles are global to the server: random names, dropped after the database (cleanups run
	// last-registered first, and testdb drops the database in its own).
	var b [4]byte
	_, _ = rand.Read(b[:])
	owner, appRole := "schoolreg_owner_"+hex.EncodeToString(b[:]), "schoolreg_app_"+hex.EncodeToString(b[:])
	for _, role := range []string{owner, appRole} {
		if _, err := super.ExecContext(ctx, `CREATE ROLE `+role+` LOGIN PASSWORD 'two-roles-test'`); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, role := range []string{appRole, owner} {
			if _, err := super.ExecContext(context.Background(), `DROP ROLE IF EXISTS `+role); err != nil {
				t.Errorf("drop role %s: %v", role, err)
			}
		}
	})
	dbURL := testdb.PostgresURL(t)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := super.ExecContext(ctx, `ALTER DATABASE `+strings.TrimPrefix(u.Path, "/")+` OWNER TO `+owner); err != nil {
		t.Fatal(err)
	}
	as := func(role string) string {
		v := *u
		v.User = url.UserPassword(role, "two-roles-test")
		return v.String()
	}
	ownerURL, appURL := as(owner), as(appRole)

	// The app's role alone cannot create the tables, and says what to do.
	if st, err := store.Open(ctx, appURL); err == nil {
		st.Close()
		t.Fatal("the app's role migrated an empty database: it may create tables")
	} else if !strings.Contains(err.Error(), "-migrate") || strings.Contains(err.Error(), "two-roles-test") {
		t.Errorf("the app's role on an empty database: %v; want the advice to run -migrate, without the password", err)
	}

	// The owner migrates, then grants.
	var out syncBuffer
	if err := run(ctx, []string{"-migrate"}, func(k string) string { return map[string]string{"DATABASE_URL": ownerURL}[k] }, &out, &out); err != nil {
		t.Fatalf("-migrate as the owner: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "the database is migrated") {
		t.Errorf("-migrate wrote %q", out.String())
	}
	grants, err := os.ReadFile("deploy/postgres-app-role.sql")
	if err != nil {
		t.Fatal(err)
	}
	sqlFile := filepath.Join(t.TempDir(), "postgres-app-role.sql")
	renamed := strings.NewReplacer("schoolreg_owner", owner, "schoolreg_app", appRole).Replace(string(grants))
	if err := os.WriteFile(sqlFile, []byte(renamed), 0o600); err != nil {
		t.Fatal(err)
	}
	for range 2 { // it can run again (after an upgrade)
		cmd := exec.Command(psql, ownerURL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", sqlFile)
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("psql -f deploy/postgres-app-role.sql as the owner: %v\n%s", err, msg)
		}
	}

	// The app runs as its own role: it seeds, sets the admins, registers and decides.
	mock := startMock(t)
	app := startApp(t, mock, map[string]string{"DATABASE_URL": appURL})
	user := newBrowser(t, app.URL)
	mustStatus(t, user.register(applicant1, kanLueang), http.StatusOK, "/status")
	admin := newBrowser(t, app.URL)
	ids := registrationIDs(admin.login(adminBRM3).Body)
	if len(ids) != 1 {
		t.Fatalf("the admin sees %d registrations, want 1", len(ids))
	}
	mustStatus(t, admin.post("/admin/registrations/"+ids[0]+"/approve", confirmed), http.StatusOK, "/admin")
	mustContain(t, admin.get("/admin/audit"), "อนุมัติ")

	db, err := sql.Open("pgx", appURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := func() int {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	records := count()
	if records < 4 { // two admins granted, a registration, an approval
		t.Fatalf("%d audit records, want at least 4", records)
	}

	// What the app's role cannot do to the trail: the database says permission denied.
	for _, stmt := range []string{
		`DELETE FROM audit_log`,
		`DELETE FROM audit_log WHERE action <> 'audit_purged'`,
		`UPDATE audit_log SET reason = 'forged'`,
		`TRUNCATE audit_log`,
		`ALTER TABLE audit_log DISABLE TRIGGER USER`,
		`DROP TRIGGER audit_log_append_only ON audit_log`,
		`CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$`,
		`DROP TABLE audit_log`,
		`INSERT INTO schema_migrations (version, applied_at) VALUES ('9999_x', now())`,
		`CREATE TABLE shadow (x INT)`,
	} {
		_, err := db.ExecContext(ctx, stmt)
		if pe, ok := errors.AsType[*pgconn.PgError](err); !ok || pe.Code != "42501" {
			t.Errorf("as the app's role, %q: %v; want permission denied (42501)", stmt, err)
		}
	}
	// What the triggers refuse: a purge note dated 2099, or a purge of the last year.
	now, err := time.Parse(time.RFC3339, time.Now().UTC().Format(time.RFC3339))
	if err != nil {
		t.Fatal(err)
	}
	far := time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := db.ExecContext(ctx, `INSERT INTO audit_log (id, at, action, actor, purge_before) VALUES ('forged', $1, 'audit_purged', 'system', $1)`, far); err == nil {
		t.Error("as the app's role, a purge note dated 2099 was written")
	}
	for _, cutoff := range []time.Time{far, now, now.Add(-store.MinAuditRetention + time.Hour)} {
		if _, err := db.ExecContext(ctx, `SELECT audit_log_purge('forged', $1, $2, 'forged')`, now, cutoff); err == nil {
			t.Errorf("as the app's role, audit_log_purge with the cutoff %v succeeded", cutoff)
		}
	}
	if got := count(); got != records {
		t.Errorf("%d audit records after the attempts, want %d", got, records)
	}

	// The retention purge works as the app's role: a record of two years ago goes, with a note.
	if _, err := db.ExecContext(ctx, `INSERT INTO audit_log (id, at, action, area_code, actor) VALUES ('old', $1, 'approved', '3103', 'x')`,
		now.Add(-2*store.MinAuditRetention)); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, appURL)
	if err != nil {
		t.Fatalf("the app's role on the migrated database: %v", err)
	}
	defer st.Close()
	if n, err := purgeExpired(ctx, st, store.MinAuditRetention); err != nil || n != 1 {
		t.Fatalf("the retention purge as the app's role: %d, %v; want 1", n, err)
	}
	var old, notes int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FILTER (WHERE id = 'old'), COUNT(*) FILTER (WHERE action = 'audit_purged') FROM audit_log`).Scan(&old, &notes); err != nil {
		t.Fatal(err)
	}
	if old != 0 || notes != 1 || count() != records+1 {
		t.Errorf("after the purge: old record %d, notes %d, records %d; want 0, 1, %d", old, notes, count(), records+1)
	}
}
