package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
	"github.com/thaid-go/thaid-go/examples/school-registration/internal/testdb"
	"github.com/thaid-go/thaid-go/thaid"
)

// oldReleaseDB builds at url a database of the previous release (commit
// 6c63de6: the migration kept in internal/store/testdata, recorded in
// schema_migrations as that release's migrate did) with the rows its code
// wrote for the mock's citizens: a pending, an approved (with news) and a
// revoked registration, and the area admins of the tests' ADMIN_PIDS.
func oldReleaseDB(t *testing.T, kind testdb.Kind, url string) {
	t.Helper()
	driver := "pgx"
	if kind == testdb.SQLite {
		driver = "sqlite" // modernc.org/sqlite, as the store uses
	}
	db, err := sql.Open(driver, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	body, err := os.ReadFile("internal/store/testdata/release-6c63de6/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 6, 1, 3, 4, 5, 0, time.UTC)
	stmts := []string{`CREATE TABLE schema_migrations (version TEXT PRIMARY KEY, applied_at TIMESTAMP NOT NULL)`}
	var cur strings.Builder
	for line := range strings.SplitSeq(string(body), "\n") {
		if l := strings.TrimSpace(line); l == "" || strings.HasPrefix(l, "--") {
			continue
		}
		cur.WriteString(line + "\n")
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			stmts = append(stmts, cur.String())
			cur.Reset()
		}
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%.80s: %v", q, err)
		}
	}
	for _, s := range stmts {
		exec(s)
	}
	exec(`INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, "0001_init", at)
	exec(`INSERT INTO areas (code, name) VALUES ('3101', 'สพป.บุรีรัมย์ เขต 1'), ('3103', 'สพป.บุรีรัมย์ เขต 3')`)
	exec(`INSERT INTO schools (code, area_code, name, seat_limit, seats_taken) VALUES
		('1031010001', '3101', 'โรงเรียนอนุบาลบุรีรัมย์', 2, 0), ($1, '3103', 'โรงเรียนวัดก้านเหลือง', 2, 2)`, kanLueang)
	for i, r := range []struct {
		pid, school, status, reason, decidedBy string
	}{
		{applicant1.PID, kanLueang, "pending", "", ""},
		{applicant2.PID, kanLueang, "approved", "", thaid.MaskPID(adminBRM3.PID)},
		{applicant3.PID, "1031010001", "rejected", "ย้ายไปโรงเรียนอื่นแล้ว", thaid.MaskPID(adminBRM1.PID)},
	} {
		decided := sql.NullTime{Time: at.Add(time.Duration(i) * time.Hour), Valid: r.status != "pending"}
		exec(`INSERT INTO registrations (id, citizen_pid, school_code, given_name, family_name, phone, email, status,
			reason, decided_by, created_at, decided_at) VALUES ($1, $2, $3, 'ครู', 'เดิม', '0812345678', 'old@example.ac.th', $4, $5, $6, $7, $8)`,
			fmt.Sprintf("%032x", 0xa1+i), r.pid, r.school, r.status, r.reason, r.decidedBy, at, decided)
	}
	exec(`INSERT INTO area_admins (pid, area_code) VALUES ($1, '3101'), ($2, '3103')`, adminBRM1.PID, adminBRM3.PID)
	exec(`INSERT INTO news (id, school_code, title, body, author, created_at) VALUES ('oldnews', $1, 'ข่าวก่อนอัปเกรด', 'เนื้อข่าว', 'ครู เดิม', $2)`,
		kanLueang, at)
}

// TestUpgradeAppFromRelease6c63de6 starts today's app on a database of the
// previous release, on both databases: the admin decides the old pending
// registration on the page, the old manager still manages the school and its
// news, the revoked applicant reads the old reason, and the audit trail holds
// only what happened after the upgrade.
func TestUpgradeAppFromRelease6c63de6(t *testing.T) {
	for _, kind := range testdb.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			mock := startMock(t)
			url := testdb.URL(t, kind)
			oldReleaseDB(t, kind, url)
			app := startApp(t, mock, map[string]string{"DATABASE_URL": url})

			admin := newBrowser(t, app.URL)
			list := admin.login(adminBRM3)
			mustShowText(t, list, "ครู เดิม") // the old row's name, as that release stored it
			ids := registrationIDs(list.Body)
			if pending := fmt.Sprintf("%032x", 0xa1); len(ids) != 1 || ids[0] != pending {
				t.Fatalf("the admin of เขต 3 sees %v, want the old pending registration", ids)
			}
			mustStatus(t, admin.post("/admin/registrations/"+ids[0]+"/approve", confirmed), http.StatusOK, "/admin")

			manager := newBrowser(t, app.URL)
			manager.login(applicant2)
			mustContain(t, manager.get("/manage"), "โรงเรียนวัดก้านเหลือง", "ข่าวก่อนอัปเกรด")
			mustContain(t, manager.get("/schools/"+kanLueang), "ข่าวก่อนอัปเกรด")
			revoked := newBrowser(t, app.URL)
			revoked.login(applicant3)
			mustContain(t, revoked.get("/status"), "ย้ายไปโรงเรียนอื่นแล้ว")
			approved := newBrowser(t, app.URL)
			approved.login(applicant1)
			mustContain(t, approved.get("/status"), "อนุมัติแล้ว")

			st, err := store.Open(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			entries, err := st.Audit(context.Background(), store.AuditFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 || entries[0].Action != store.AuditApproved || entries[0].Subject != thaid.MaskPID(applicant1.PID) {
				t.Errorf("audit trail after the upgrade and one approval: %+v", entries)
			}
		})
	}
}
