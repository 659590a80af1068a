package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/testdb"
	"github.com/thaid-go/thaid-go/thaid"
)

// The people of the previous release's database.
const (
	upPending1 = "3100000000101" // pending at เขต 1's อนุบาลบุรีรัมย์: approved after the upgrade
	upPending2 = "3100000000102" // pending at เขต 3's ก้านเหลือง: rejected after the upgrade
	upApproved = "3100000000103" // approved at อนุบาลบุรีรัมย์, wrote its news: revoked after the upgrade
	upRejected = "3100000000104" // rejected before: applies again after the upgrade
	upRevoked  = "3100000000105" // approved, then revoked before the upgrade
	upManager  = "3100000000106" // approved at ก้านเหลือง: edits and deletes its news after the upgrade
	upAdmin3   = "3100000000113" // admin of เขต 1 and เขต 3 (several areas)
	upSuper    = "3100000000120" // made super-admin after the upgrade (-add-super-admin)
	upSchool3  = "1031030002"    // a third school of เขต 3, with one seat
)

// oldRelease builds at url the database of the previous release (commit
// 6c63de6): its migrations from testdata, applied as its migrate did, and
// the rows its code wrote: areas, schools, registrations in every state
// (pending, approved, rejected, and rejected by a revocation), area admins
// from ADMIN_PIDS (one of them of two areas), and news.
func oldRelease(t *testing.T, url string) {
	t.Helper()
	ctx := context.Background()
	old, err := open(url) // no migrations
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	body, err := os.ReadFile("testdata/release-6c63de6/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	at := func(day, hour int) time.Time { return time.Date(2026, 5, day, hour, 15, 7, 123456000, time.UTC) }
	err = old.inTx(ctx, func(tx *sql.Tx) error {
		exec := func(q string, args ...any) error {
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return fmt.Errorf("%.60s: %w", q, err)
			}
			return nil
		}
		if err := exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
			version    TEXT PRIMARY KEY,
			applied_at TIMESTAMP NOT NULL)`); err != nil {
			return err
		}
		for _, stmt := range splitStatements(string(body)) {
			if err := exec(stmt); err != nil {
				return err
			}
		}
		if err := exec(`INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, "0001_init", at(1, 0)); err != nil {
			return err
		}
		for _, a := range [][]string{
			{areaBRM1, "สพป.บุรีรัมย์ เขต 1", "Buriram PESAO 1", "บุรีรัมย์"},
			{areaBRM3, "สพป.บุรีรัมย์ เขต 3", "Buriram PESAO 3", "บุรีรัมย์"},
		} {
			if err := exec(`INSERT INTO areas (code, name, name_en, province) VALUES ($1, $2, $3, $4)`, a[0], a[1], a[2], a[3]); err != nil {
				return err
			}
		}
		for _, s := range []struct {
			code, area, name, about string
			limit, taken            int
		}{
			{anubanBRM, areaBRM1, "โรงเรียนอนุบาลบุรีรัมย์", "โรงเรียนประจำจังหวัด", 2, 2}, // upPending1, upApproved
			{kanLueang, areaBRM3, "โรงเรียนวัดก้านเหลือง", "", 2, 1},                       // upPending2
			{upSchool3, areaBRM3, "โรงเรียนบ้านโคกเมือง", "<b>ยินดีต้อนรับ</b>", 1, 1},     // upManager
		} {
			if err := exec(`INSERT INTO schools (code, area_code, name, name_en, district, province, about, seat_limit, seats_taken, updated_at)
				VALUES ($1, $2, $3, '', 'นางรอง', 'บุรีรัมย์', $4, $5, $6, $7)`,
				s.code, s.area, s.name, s.about, s.limit, s.taken, at(2, 9)); err != nil {
				return err
			}
		}
		for i, r := range []struct {
			pid, school, status, reason, decidedBy string
			decided                                bool
			given, family                          string
		}{
			{upPending1, anubanBRM, "pending", "", "", false, "สมหญิง", "รักเรียน"},
			// That release split a name sent without its parts (scope "name" only)
			// into all but the last word and the last word.
			{upPending2, kanLueang, "pending", "", "", false, "จอห์น ไมเคิล", "สมิธ"},
			{upApproved, anubanBRM, "approved", "", thaid.MaskPID(adminBRM1), true, "สมหญิง", "รักเรียน"},
			{upRejected, kanLueang, "rejected", "ไม่ใช่บุคลากรของโรงเรียน", thaid.MaskPID(upAdmin3), true, "สมหญิง", "รักเรียน"},
			{upRevoked, upSchool3, "rejected", "ย้ายไปโรงเรียนอื่นแล้ว", thaid.MaskPID(upAdmin3), true, "สมหญิง", "รักเรียน"},
			{upManager, upSchool3, "approved", "", thaid.MaskPID(upAdmin3), true, "สมหญิง", "รักเรียน"},
		} {
			var decidedAt sql.NullTime
			if r.decided {
				decidedAt = sql.NullTime{Time: at(4+i, 14), Valid: true}
			}
			if err := exec(`INSERT INTO registrations (id, citizen_pid, school_code, given_name, family_name, phone, email,
				status, reason, decided_by, created_at, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
				fmt.Sprintf("old-reg-%d", i), r.pid, r.school, r.given, r.family, "0812345678", fmt.Sprintf("teacher%d@example.ac.th", i),
				r.status, r.reason, r.decidedBy, at(3, 8+i), decidedAt); err != nil {
				return err
			}
		}
		for _, a := range [][2]string{{adminBRM1, areaBRM1}, {upAdmin3, areaBRM1}, {upAdmin3, areaBRM3}} {
			if err := exec(`INSERT INTO area_admins (pid, area_code) VALUES ($1, $2)`, a[0], a[1]); err != nil {
				return err
			}
		}
		for i, n := range []struct{ school, title, author string }{
			{anubanBRM, "เปิดรับสมัครนักเรียน ปีการศึกษา 2570", "สมหญิง รักเรียน"},
			{anubanBRM, "ประชุมผู้ปกครอง", "สมหญิง รักเรียน"},
			{upSchool3, "กีฬาสี", "สมหญิง รักเรียน"},
		} {
			if err := exec(`INSERT INTO news (id, school_code, title, body, author, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
				fmt.Sprintf("old-news-%d", i), n.school, n.title, "รายละเอียด\nบรรทัดที่สอง", n.author, at(10+i, 10)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("the previous release's database: %v", err)
	}
}

// dumpRows returns every row of the query, each formatted as one string.
func dumpRows(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for i, v := range vals {
			switch v := v.(type) {
			case time.Time:
				fmt.Fprintf(&b, "%s=%s|", cols[i], v.UTC().Format(time.RFC3339Nano))
			case []byte:
				fmt.Fprintf(&b, "%s=%s|", cols[i], v)
			default:
				fmt.Fprintf(&b, "%s=%v|", cols[i], v)
			}
		}
		out = append(out, b.String())
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// The previous release's tables, with its columns, in a fixed order.
var oldTables = []string{
	`SELECT code, name, name_en, province FROM areas ORDER BY code`,
	`SELECT code, area_code, name, name_en, district, province, about, seat_limit, seats_taken, updated_at FROM schools ORDER BY code`,
	`SELECT id, citizen_pid, school_code, given_name, family_name, phone, email, status, reason, decided_by, created_at, decided_at
		FROM registrations ORDER BY id`,
	`SELECT pid, area_code FROM area_admins ORDER BY pid, area_code`,
	`SELECT id, school_code, title, body, author, created_at FROM news ORDER BY id`,
}

// TestUpgradeFromRelease6c63de6 opens a database of the previous release
// with today's store, as an office upgrading does: the new migrations run,
// every row survives unchanged, and the app works on the old rows.
func TestUpgradeFromRelease6c63de6(t *testing.T) {
	for _, kind := range testdb.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ctx := context.Background()
			url := testdb.URL(t, kind)
			oldRelease(t, url)
			before := map[string][]string{}
			{
				old, err := open(url)
				if err != nil {
					t.Fatal(err)
				}
				for _, q := range oldTables {
					before[q] = dumpRows(t, old.db, q)
				}
				old.Close()
			}

			s, err := Open(ctx, url)
			if err != nil {
				t.Fatalf("today's store on the previous release's database: %v", err)
			}
			defer s.Close()
			var mails []string
			s.SetMailComposer(func(r Registration) (Mail, bool, error) {
				mails = append(mails, r.Email)
				return Mail{To: r.Email, Subject: string(r.Status), Body: r.Reason}, true, nil
			})
			versions := dumpRows(t, s.db, `SELECT version FROM schema_migrations ORDER BY version`)
			d := string(s.dialect)
			want := []string{"version=0001_init|", "version=0002_audit_outbox_admins|", "version=0003_audit_append_only." + d + "|",
				"version=0004_audit_purge_before|", "version=0005_audit_delete_guard." + d + "|", "version=0006_outbox_failed|",
				"version=0007_audit_retention_floor." + d + "|", "version=0008_registration_names|",
				"version=0009_registration_list_index|", "version=0010_office_day_to_day|"}
			if !slices.Equal(versions, want) {
				t.Errorf("migrations after the upgrade: %v, want %v", versions, want)
			}
			// Every row survives, unchanged.
			for _, q := range oldTables {
				if got := dumpRows(t, s.db, q); !slices.Equal(got, before[q]) {
					t.Errorf("%s\nafter the upgrade:\n%s\nbefore:\n%s", q, strings.Join(got, "\n"), strings.Join(before[q], "\n"))
				}
			}
			if len(before[oldTables[2]]) != 6 || len(before[oldTables[4]]) != 3 {
				t.Fatalf("the old database holds %d registrations and %d news, want 6 and 3",
					len(before[oldTables[2]]), len(before[oldTables[4]]))
			}
			// The names of the old rows are their given and family names as stored, with
			// no title or middle name (that release did not keep them); the full name
			// of a row split by that release reads as it was sent.
			for id, want := range map[string]PersonName{
				"old-reg-0": {Given: "สมหญิง", Family: "รักเรียน"},
				"old-reg-1": {Given: "จอห์น ไมเคิล", Family: "สมิธ"},
			} {
				if r, err := s.Registration(ctx, id); err != nil || r.Name != want {
					t.Errorf("name of %s after the upgrade: %+v, %v; want %+v", id, r.Name, err, want)
				}
			}
			if r, _ := s.Registration(ctx, "old-reg-1"); r.Name.Full() != "จอห์น ไมเคิล สมิธ" {
				t.Errorf("full name of old-reg-1: %q", r.Name.Full())
			}
			if got := dumpRows(t, s.db, `SELECT id FROM registrations WHERE title <> '' OR middle_name <> ''
				OR title_en <> '' OR given_name_en <> '' OR middle_name_en <> '' OR family_name_en <> ''`); len(got) != 0 {
				t.Errorf("old rows with name parts they never had: %v", got)
			}
			// Migration 0010: an approved row reads approved; a rejected one (rejected or
			// revoked: that release did not record which) has no decision; no office contact.
			for id, want := range map[string]Decision{"old-reg-0": DecisionNone, "old-reg-2": DecisionApproved,
				"old-reg-3": DecisionNone, "old-reg-4": DecisionNone, "old-reg-5": DecisionApproved} {
				if r, err := s.Registration(ctx, id); err != nil || r.Decision != want || r.DecidedByName != "" ||
					r.AreaPhone != "" || r.AreaEmail != "" {
					t.Errorf("%s after the upgrade: decision %q, decided by %q, contact %q %q, %v; want %q and nothing else",
						id, r.Decision, r.DecidedByName, r.AreaPhone, r.AreaEmail, err, want)
				}
			}
			// The new tables start empty.
			for _, table := range []string{"audit_log", "outbox", "super_admins", "admin_names"} {
				var n int
				if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n != 0 {
					t.Errorf("%s holds %d rows after the upgrade, want 0", table, n)
				}
			}

			// The app's start with the same ADMIN_PIDS as before: no change, so no audit entry.
			if err := s.SetSuperAdmins(ctx, SourceConfig, nil); err != nil {
				t.Fatal(err)
			}
			if err := s.SetAreaAdmins(ctx, []AreaAdmin{{adminBRM1, areaBRM1}, {upAdmin3, areaBRM1}, {upAdmin3, areaBRM3}}); err != nil {
				t.Fatal(err)
			}
			if got, err := s.Audit(ctx, AuditFilter{}); err != nil || len(got) != 0 {
				t.Errorf("audit trail after the first start: %+v, %v; want empty", got, err)
			}
			// Admins are still admins, of the same areas, each entry removable by its own id.
			if areas, err := s.AdminAreas(ctx, upAdmin3); err != nil || len(areas) != 2 {
				t.Errorf("AdminAreas of the admin of two areas: %v, %v", areas, err)
			}
			entries, err := s.AreaAdmins(ctx)
			if err != nil {
				t.Fatal(err)
			}
			ids := map[string]bool{}
			for _, e := range entries {
				if e.ID == "" || ids[e.ID] || e.Source != SourceConfig {
					t.Errorf("area admin entry %+v: want a unique id and source %q", e, SourceConfig)
				}
				ids[e.ID] = true
			}
			if len(entries) != 3 {
				t.Errorf("%d area admin entries, want 3", len(entries))
			}

			// The old registrations are decided as new ones.
			admin1 := Actor{PID: adminBRM1, Masked: thaid.MaskPID(adminBRM1), Name: "ผอ.เขต 1"}
			admin3 := Actor{PID: upAdmin3, Masked: thaid.MaskPID(upAdmin3), Name: "ผอ.เขต 3"}
			pending, err := adminList(ctx, s, adminBRM1, StatusPending)
			if err != nil || len(pending) != 1 || pending[0].ID != "old-reg-0" {
				t.Fatalf("pending for the admin of เขต 1: %+v, %v; want old-reg-0", pending, err)
			}
			if err := s.Approve(ctx, admin1, "old-reg-0"); err != nil {
				t.Errorf("approve an old pending registration: %v", err)
			}
			if err := s.Revoke(ctx, admin1, "old-reg-2", "ลาออกแล้ว"); err != nil {
				t.Errorf("revoke an old approved registration: %v", err)
			}
			if err := s.Reject(ctx, admin3, "old-reg-1", "เอกสารไม่ครบ"); err != nil {
				t.Errorf("reject an old pending registration: %v", err)
			}
			if err := s.Approve(ctx, admin3, "old-reg-3"); !errors.Is(err, ErrNotFound) {
				t.Errorf("approve an old rejected registration: %v, want ErrNotFound", err)
			}
			for id, want := range map[string]Status{"old-reg-0": StatusApproved, "old-reg-1": StatusRejected, "old-reg-2": StatusRejected,
				"old-reg-3": StatusRejected, "old-reg-4": StatusRejected, "old-reg-5": StatusApproved} {
				if r, err := s.Registration(ctx, id); err != nil || r.Status != want {
					t.Errorf("registration %s: %s, %v; want %s", id, r.Status, err, want)
				}
			}
			// Decided after the upgrade: the decision and its maker's name are recorded.
			for id, want := range map[string][2]string{"old-reg-0": {"approved", "ผอ.เขต 1"}, "old-reg-1": {"rejected", "ผอ.เขต 3"},
				"old-reg-2": {"revoked", "ผอ.เขต 1"}} {
				if r, _ := s.Registration(ctx, id); string(r.Decision) != want[0] || r.DecidedByName != want[1] {
					t.Errorf("registration %s: decision %q by %q, want %q by %q", id, r.Decision, r.DecidedByName, want[0], want[1])
				}
			}
			// The revoked manager manages no more; the others' seats hold.
			if _, err := s.ManagedSchool(ctx, upApproved); !errors.Is(err, ErrNotApproved) {
				t.Errorf("ManagedSchool of the revoked manager: %v, want ErrNotApproved", err)
			}
			reapply := PersonName{Title: "นาง", Given: "สมศรี", Middle: "แอนน์", Family: "มีสุข",
				TitleEN: "Mrs.", GivenEN: "Somsri", MiddleEN: "Anne", FamilyEN: "Meesuk"}
			if reg, err := s.Apply(ctx, Application{CitizenPID: upRejected, SchoolCode: anubanBRM, Name: reapply,
				Phone: "0898765432", Email: "again@example.ac.th"}); err != nil {
				t.Errorf("a citizen rejected before the upgrade applies again: %v", err)
			} else if got, err := s.Registration(ctx, reg.ID); err != nil || got.Name != reapply {
				t.Errorf("the name of a registration after the upgrade: %+v, %v; want %+v", got.Name, err, reapply)
			}
			if _, err := s.Apply(ctx, Application{CitizenPID: upManager, SchoolCode: kanLueang, Name: PersonName{Given: "สมหญิง",
				Family: "รักเรียน"}, Phone: "0812345678", Email: "x@example.ac.th"}); !errors.Is(err, ErrAlreadyRegistered) {
				t.Errorf("a citizen approved before the upgrade applies again: %v, want ErrAlreadyRegistered", err)
			}
			if _, err := s.Apply(ctx, Application{CitizenPID: pid(900), SchoolCode: upSchool3, Name: PersonName{Given: "ก",
				Family: "ข"}, Phone: "0812345678", Email: "y@example.ac.th"}); !errors.Is(err, ErrSchoolFull) {
				t.Errorf("apply at a school full before the upgrade: %v, want ErrSchoolFull", err)
			}
			if bad, err := s.SeatCheck(ctx); err != nil || len(bad) != 0 {
				t.Errorf("SeatCheck after the upgrade: %v, %v", bad, err)
			}
			// The old news are edited and deleted by the school's manager.
			if err := s.UpdateNews(ctx, upManager, upSchool3, "old-news-2", "กีฬาสีประจำปี", "เลื่อนไปวันศุกร์"); err != nil {
				t.Errorf("edit an old news item: %v", err)
			}
			if n, err := s.NewsItem(ctx, upSchool3, "old-news-2"); err != nil || n.Title != "กีฬาสีประจำปี" || n.Author != "สมหญิง รักเรียน" {
				t.Errorf("the edited old news item: %+v, %v", n, err)
			}
			if err := s.DeleteNews(ctx, upManager, upSchool3, "old-news-2"); err != nil {
				t.Errorf("delete an old news item: %v", err)
			}
			if err := s.UpdateNews(ctx, upApproved, anubanBRM, "old-news-0", "x", "y"); !errors.Is(err, ErrNotApproved) {
				t.Errorf("the revoked manager edits their old news: %v, want ErrNotApproved", err)
			}
			if news, err := s.SchoolNews(ctx, anubanBRM, 10); err != nil || len(news) != 2 {
				t.Errorf("news of อนุบาลบุรีรัมย์: %d, %v; want the 2 old items", len(news), err)
			}
			// The decisions told the applicants at their old addresses.
			if want := []string{"teacher0@example.ac.th", "teacher2@example.ac.th", "teacher1@example.ac.th"}; !slices.Equal(mails, want) {
				t.Errorf("mail to %v, want %v", mails, want)
			}
			if box, err := s.Outbox(ctx); err != nil || len(box) != 3 {
				t.Errorf("outbox: %d mails, %v; want 3", len(box), err)
			}

			// A super-admin (first-run command) manages the old admins.
			if err := s.AddSuperAdmin(ctx, upSuper); err != nil {
				t.Fatal(err)
			}
			super := Actor{PID: upSuper, Masked: thaid.MaskPID(upSuper)}
			for _, e := range entries {
				if e.MaskedPID == thaid.MaskPID(upAdmin3) && e.AreaCode == areaBRM1 {
					if _, err := s.RemoveAreaAdmin(ctx, super, e.ID); err != nil {
						t.Errorf("remove an old admin's area: %v", err)
					}
				}
			}
			if areas, err := s.AdminAreas(ctx, upAdmin3); err != nil || len(areas) != 1 || areas[0].Code != areaBRM3 {
				t.Errorf("areas of the old admin after the removal: %v, %v; want เขต 3 only", areas, err)
			}

			// The audit trail holds exactly what happened since the upgrade, and is append-only.
			got, err := s.Audit(ctx, AuditFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var actions []string
			for _, e := range got {
				actions = append(actions, e.Action)
				if e.Action == AuditRejected && e.SubjectName != "จอห์น ไมเคิล สมิธ" {
					t.Errorf("the rejection of old-reg-1 names %q, want จอห์น ไมเคิล สมิธ", e.SubjectName)
				}
			}
			slices.Reverse(actions)
			wantActions := []string{AuditApproved, AuditRevoked, AuditRejected, AuditRegistered, AuditSuperGranted, AuditAdminRemoved}
			if !slices.Equal(actions, wantActions) {
				t.Errorf("audit trail after the upgrade: %v, want %v", actions, wantActions)
			}
			if _, err := s.db.ExecContext(ctx, `UPDATE audit_log SET reason = 'changed'`); err == nil {
				t.Error("UPDATE of the audit trail succeeded after the upgrade")
			}
			if _, err := s.db.ExecContext(ctx, `DELETE FROM audit_log`); err == nil {
				t.Error("DELETE of the audit trail succeeded after the upgrade")
			}
			if n, _ := s.Audit(ctx, AuditFilter{}); len(n) != len(wantActions) {
				t.Errorf("%d audit entries after the refused UPDATE and DELETE, want %d", len(n), len(wantActions))
			}
			// Opening it again (a restart) runs nothing more and changes nothing.
			again, err := Open(ctx, url)
			if err != nil {
				t.Fatalf("restart: %v", err)
			}
			again.Close()
		})
	}
}
