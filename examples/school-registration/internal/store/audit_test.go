package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestAuditTrail: registrations, decisions and admin changes are recorded with
// masked PIDs only; an area admin's view holds only their areas; the database
// refuses to change a record; the purge removes old records and leaves a note
// that cannot be deleted.
func TestAuditTrail(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		now := longAgo()
		s.SetClock(func() time.Time { return now })
		if err := s.SetAreaAdmins(ctx, []AreaAdmin{{adminBRM1, areaBRM1}, {adminBRM3, areaBRM3}}); err != nil {
			t.Fatal(err)
		}
		r3, err := s.Apply(ctx, app(1, kanLueang))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Apply(ctx, app(2, anubanBRM)); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Hour)
		by := Actor{PID: adminBRM3, Masked: decidedMask, Name: "ประเสริฐ วงศ์ทอง"}
		if err := s.Reject(ctx, by, r3.ID, "เอกสารไม่ครบ"); err != nil {
			t.Fatal(err)
		}

		all, err := s.Audit(ctx, AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range all {
			actions = append(actions, e.Action+"/"+e.AreaCode)
			for _, field := range []string{e.Actor, e.Subject, e.Reason, e.ActorName, e.SubjectName} {
				for _, full := range []string{pid(1), pid(2), adminBRM1, adminBRM3} {
					if strings.Contains(field, full) {
						t.Errorf("audit entry %s holds a full PID", e.Action)
					}
				}
			}
		}
		want := "rejected/3103 registered/3101 registered/3103 admin_granted/3101 admin_granted/3103"
		if got := strings.Join(actions, " "); !sameSet(got, want) {
			t.Errorf("audit = %s, want (in any order for equal times) %s", got, want)
		}
		if all[0].Action != AuditRejected || all[0].Reason != "เอกสารไม่ครบ" || all[0].Actor != decidedMask ||
			all[0].ActorName != "ประเสริฐ วงศ์ทอง" || all[0].Subject != "1-0000-xxxxx-00-1" || all[0].SubjectName != "สมชาย ใจดี" {
			t.Errorf("rejection entry = %+v", all[0])
		}

		// The admin of เขต 3 sees only เขต 3; filters by action and time work.
		mine, err := s.Audit(ctx, AuditFilter{Areas: []string{areaBRM3}})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range mine {
			if e.AreaCode != areaBRM3 {
				t.Errorf("admin of เขต 3 sees an entry of area %q", e.AreaCode)
			}
		}
		if len(mine) != 3 {
			t.Errorf("admin of เขต 3 sees %d entries, want 3", len(mine))
		}
		if got, _ := s.Audit(ctx, AuditFilter{Areas: []string{areaBRM3}, Action: AuditRejected}); len(got) != 1 {
			t.Errorf("filter by action: %d entries, want 1", len(got))
		}
		if got, _ := s.Audit(ctx, AuditFilter{From: now}); len(got) != 1 || got[0].Action != AuditRejected {
			t.Errorf("filter from %v: %+v, want the rejection only", now, got)
		}
		if got, _ := s.Audit(ctx, AuditFilter{To: now}); len(got) != 4 {
			t.Errorf("filter to %v: %d entries, want 4", now, len(got))
		}

		// Append-only: the database itself refuses an UPDATE, and a DELETE of a record that no
		// purge note covers; a purge note cannot cover the future.
		if _, err := s.db.ExecContext(ctx, `UPDATE audit_log SET reason = 'forged'`); err == nil {
			t.Error("UPDATE of audit_log succeeded")
		}
		if _, err := s.db.ExecContext(ctx, `DELETE FROM audit_log WHERE action = $1`, AuditRejected); err == nil {
			t.Error("DELETE of a record no purge covers succeeded")
		}
		if _, err := s.db.ExecContext(ctx, `DELETE FROM audit_log`); err == nil {
			t.Error("DELETE of the whole audit_log succeeded")
		}
		if s.Dialect() == Postgres {
			if _, err := s.db.ExecContext(ctx, `TRUNCATE audit_log`); err == nil {
				t.Error("TRUNCATE of audit_log succeeded")
			}
		}
		if _, err := s.db.ExecContext(ctx, `INSERT INTO audit_log (id, at, action, actor, purge_before)
			VALUES ('forged', $1, $2, 'system', $3)`, now, AuditPurged, now.Add(time.Hour)); err == nil {
			t.Error("a purge note covering the future was written")
		}
		if got, _ := s.Audit(ctx, AuditFilter{}); len(got) != 5 {
			t.Errorf("%d audit entries after the refused changes, want 5", len(got))
		}

		// A purge cannot reach into the future (a clock or retention gone wrong): nothing goes.
		if _, err := s.PurgeAudit(ctx, now.Add(time.Hour)); err == nil {
			t.Error("a purge with a cutoff after now succeeded")
		}
		if got, _ := s.Audit(ctx, AuditFilter{}); len(got) != 5 {
			t.Errorf("%d audit entries after the refused purge, want 5", len(got))
		}
		// Retention: purge what is older than the rejection.
		n, err := s.PurgeAudit(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		if n != 4 {
			t.Errorf("purged %d, want 4", n)
		}
		left, _ := s.Audit(ctx, AuditFilter{Areas: []string{areaBRM1}})
		if len(left) != 1 || left[0].Action != AuditPurged || !strings.Contains(left[0].Reason, "4 audit records") {
			t.Errorf("after the purge the admin of เขต 1 sees %+v, want the purge note only", left)
		}
		if _, err := s.db.ExecContext(ctx, `DELETE FROM audit_log WHERE action = $1`, AuditPurged); err == nil {
			t.Error("a purge note was deleted")
		}
		// The purge covers what is older than its cutoff, not the rejection at the cutoff.
		if _, err := s.db.ExecContext(ctx, `DELETE FROM audit_log WHERE action = $1`, AuditRejected); err == nil {
			t.Error("DELETE of a record newer than the purge cutoff succeeded")
		}
		// A second purge with nothing to remove writes no note.
		if _, err := s.PurgeAudit(ctx, now); err != nil {
			t.Fatal(err)
		}
		if notes, _ := s.Audit(ctx, AuditFilter{Action: AuditPurged}); len(notes) != 1 {
			t.Errorf("%d purge notes, want 1", len(notes))
		}
	})
}

// longAgo is a time for a test's clock whose records the retention purge may
// delete: a whole hour, two years ago (MinAuditRetention is one year, judged
// by the database's clock).
func longAgo() time.Time {
	return time.Now().UTC().Add(-2 * MinAuditRetention).Truncate(time.Hour)
}

// sameSet compares two space-separated lists ignoring order.
func sameSet(a, b string) bool {
	count := map[string]int{}
	for _, f := range strings.Fields(a) {
		count[f]++
	}
	for _, f := range strings.Fields(b) {
		count[f]--
	}
	for _, n := range count {
		if n != 0 {
			return false
		}
	}
	return true
}

// TestAdminManagement: a super-admin assigns and removes area admins (an
// admin may hold several areas); others cannot; config admins follow
// ADMIN_PIDS while app admins stay; every change is audited.
func TestAdminManagement(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		super := pid(90)
		if err := s.SetSuperAdmins(ctx, SourceConfig, []string{super}); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.IsSuperAdmin(ctx, super); !ok || err != nil {
			t.Fatalf("IsSuperAdmin = %v, %v", ok, err)
		}
		by := Actor{PID: super, Masked: "1-0000-xxxxx-09-0", Name: "ผู้ดูแลระบบ"}
		if err := s.SetAreaAdmins(ctx, []AreaAdmin{{adminBRM1, areaBRM1}}); err != nil {
			t.Fatal(err)
		}
		for _, area := range []string{areaBRM1, areaBRM3} {
			if _, err := s.AssignAreaAdmin(ctx, by, pid(7), area); err != nil {
				t.Fatalf("assign %s: %v", area, err)
			}
		}
		if _, err := s.AssignAreaAdmin(ctx, by, pid(7), areaBRM3); !errors.Is(err, ErrAlreadyAdmin) {
			t.Errorf("assign twice: %v, want ErrAlreadyAdmin", err)
		}
		if _, err := s.AssignAreaAdmin(ctx, by, pid(7), "0000"); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown area: %v, want ErrNotFound", err)
		}
		if _, err := s.AssignAreaAdmin(ctx, Actor{PID: adminBRM1, Masked: "x"}, pid(8), areaBRM1); !errors.Is(err, ErrNotFound) {
			t.Errorf("an area admin assigned an admin: %v, want ErrNotFound", err)
		}
		areas, _ := s.AdminAreas(ctx, pid(7))
		if len(areas) != 2 {
			t.Errorf("admin of two areas has %d", len(areas))
		}
		// A restart with the same ADMIN_PIDS keeps the app's admins.
		if err := s.SetAreaAdmins(ctx, []AreaAdmin{{adminBRM1, areaBRM1}}); err != nil {
			t.Fatal(err)
		}
		list, err := s.AreaAdmins(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 3 {
			t.Fatalf("%d area admins, want 3: %+v", len(list), list)
		}
		var removeID string
		for _, e := range list {
			if strings.Contains(e.MaskedPID, "xxxxx") == false || e.ID == "" {
				t.Errorf("entry %+v: want a masked PID and an id", e)
			}
			if e.AreaCode == areaBRM3 {
				removeID = e.ID
			}
		}
		if _, err := s.RemoveAreaAdmin(ctx, Actor{PID: adminBRM1}, removeID); !errors.Is(err, ErrNotFound) {
			t.Errorf("an area admin removed an admin: %v", err)
		}
		if _, err := s.RemoveAreaAdmin(ctx, by, removeID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RemoveAreaAdmin(ctx, by, removeID); !errors.Is(err, ErrNotFound) {
			t.Errorf("remove twice: %v", err)
		}
		if areas, _ := s.AdminAreas(ctx, pid(7)); len(areas) != 1 || areas[0].Code != areaBRM1 {
			t.Errorf("after removal the admin has %+v", areas)
		}
		entries, _ := s.Audit(ctx, AuditFilter{})
		var got []string
		for _, e := range entries {
			got = append(got, e.Action+"/"+e.AreaCode+"/"+e.Actor)
		}
		want := "admin_removed/3103/1-0000-xxxxx-09-0 admin_granted/3103/1-0000-xxxxx-09-0 admin_granted/3101/1-0000-xxxxx-09-0 " +
			"admin_granted/3101/ADMIN_PIDS superadmin_added//ADMIN_PIDS"
		if !sameSet(strings.Join(got, " "), want) {
			t.Errorf("audit = %v, want %s", got, want)
		}
		// Super-admins from ADMIN_PIDS follow it; one from the command line stays, also one
		// that was in ADMIN_PIDS when the command made them a super-admin.
		if err := s.AddSuperAdmin(ctx, pid(91)); err != nil {
			t.Fatal(err)
		}
		if err := s.SetSuperAdmins(ctx, SourceConfig, []string{super, pid(92)}); err != nil {
			t.Fatal(err)
		}
		if err := s.AddSuperAdmin(ctx, pid(92)); err != nil {
			t.Fatal(err)
		}
		if err := s.SetSuperAdmins(ctx, SourceConfig, nil); err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.IsSuperAdmin(ctx, super); ok {
			t.Error("super-admin removed from ADMIN_PIDS is still one")
		}
		if ok, _ := s.IsSuperAdmin(ctx, pid(91)); !ok {
			t.Error("super-admin of the command line was removed")
		}
		if ok, _ := s.IsSuperAdmin(ctx, pid(92)); !ok {
			t.Error("super-admin from ADMIN_PIDS, then also of the command line, was removed with ADMIN_PIDS")
		}
	})
}

// TestOutbox: a decision queues the composer's mail in its transaction; a
// claimed message is leased, retried after a failure, and done once sent.
func TestOutbox(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		now := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return now })
		s.SetMailComposer(func(r Registration) (Mail, bool, error) {
			return Mail{To: r.Email, Subject: string(r.Status) + " " + r.SchoolName, Body: r.Reason}, true, nil
		})
		if err := s.SetAreaAdmins(ctx, []AreaAdmin{{adminBRM3, areaBRM3}}); err != nil {
			t.Fatal(err)
		}
		reg, err := s.Apply(ctx, app(1, kanLueang))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Approve(ctx, Actor{PID: adminBRM3, Masked: decidedMask}, reg.ID); err != nil {
			t.Fatal(err)
		}
		m, err := s.ClaimMail(ctx, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if m.To != "user1@example.com" || m.Subject != "approved โรงเรียนวัดก้านเหลือง" || m.Attempts != 1 {
			t.Errorf("mail = %+v", m)
		}
		if _, err := s.ClaimMail(ctx, time.Minute); !errors.Is(err, ErrNotFound) {
			t.Errorf("a leased mail was claimed again: %v", err)
		}
		if err := s.MailFailed(ctx, m.ID, 5*time.Minute, "connection refused"); err != nil {
			t.Fatal(err)
		}
		now = now.Add(4 * time.Minute)
		if _, err := s.ClaimMail(ctx, time.Minute); !errors.Is(err, ErrNotFound) {
			t.Errorf("mail retried before its time: %v", err)
		}
		now = now.Add(2 * time.Minute)
		m2, err := s.ClaimMail(ctx, time.Minute)
		if err != nil || m2.ID != m.ID || m2.Attempts != 2 {
			t.Fatalf("retry: %+v, %v", m2, err)
		}
		if err := s.MailSent(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Hour)
		if _, err := s.ClaimMail(ctx, time.Minute); !errors.Is(err, ErrNotFound) {
			t.Errorf("a sent mail was claimed: %v", err)
		}
		box, _ := s.Outbox(ctx)
		if len(box) != 1 || box[0].SentAt.IsZero() {
			t.Errorf("outbox = %+v", box)
		}
		// A composer error rolls the decision back.
		s.SetMailComposer(func(Registration) (Mail, bool, error) { return Mail{}, false, errors.New("boom") })
		reg2, err := s.Apply(ctx, app(2, kanLueang))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Approve(ctx, Actor{PID: adminBRM3, Masked: decidedMask}, reg2.ID); err == nil {
			t.Fatal("approve with a failing composer succeeded")
		}
		if r, _ := s.Registration(ctx, reg2.ID); r.Status != StatusPending {
			t.Errorf("status after a failed approve = %s", r.Status)
		}
	})
}

// TestMailUndeliverable: a message given up is never claimed again, its
// failure is written once to the audit trail of the registration's area, a
// message queued before migration 0006 (no registration) gets an entry
// without area, and the retention purge removes given-up mail.
func TestMailUndeliverable(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		now := longAgo()
		s.SetClock(func() time.Time { return now })
		s.SetMailComposer(func(r Registration) (Mail, bool, error) {
			return Mail{To: r.Email, Subject: string(r.Status), Body: r.Reason}, true, nil
		})
		if err := s.SetAreaAdmins(ctx, []AreaAdmin{{adminBRM3, areaBRM3}}); err != nil {
			t.Fatal(err)
		}
		reg, err := s.Apply(ctx, app(1, kanLueang))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Reject(ctx, Actor{PID: adminBRM3, Masked: decidedMask}, reg.ID, "ไม่ครบ"); err != nil {
			t.Fatal(err)
		}
		m, err := s.ClaimMail(ctx, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 { // the second call changes nothing
			if err := s.MailUndeliverable(ctx, m.ID, "550 5.1.1 [address]: no such user"); err != nil {
				t.Fatal(err)
			}
		}
		now = now.Add(time.Hour) // past the lease
		if got, err := s.ClaimMail(ctx, time.Minute); !errors.Is(err, ErrNotFound) {
			t.Errorf("a given-up mail was claimed again: %+v, %v", got, err)
		}
		box, _ := s.Outbox(ctx)
		if len(box) != 1 || box[0].FailedAt.IsZero() || !box[0].SentAt.IsZero() || box[0].LastError != "550 5.1.1 [address]: no such user" {
			t.Errorf("outbox = %+v", box)
		}
		got, err := s.Audit(ctx, AuditFilter{Areas: []string{areaBRM3}, Action: AuditMailFailed})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].SchoolCode != kanLueang || got[0].Subject != "1-0000-xxxxx-00-1" ||
			got[0].SubjectName != "สมชาย ใจดี" || got[0].Actor != auditSystemActor || !strings.Contains(got[0].Reason, "550") {
			t.Errorf("mail_failed entries of เขต 3: %+v", got)
		}
		// A message of the previous release names no registration.
		if _, err := s.db.ExecContext(ctx, `INSERT INTO outbox (id, to_addr, subject, body, created_at, next_at)
			VALUES ('pre-0006', 'x@example.com', 's', 'b', $1, $1)`, now); err != nil {
			t.Fatal(err)
		}
		if err := s.MailUndeliverable(ctx, "pre-0006", "550 no such user"); err != nil {
			t.Fatal(err)
		}
		all, _ := s.Audit(ctx, AuditFilter{Action: AuditMailFailed})
		if len(all) != 2 || all[0].AreaCode != "" || all[0].Subject != "" {
			t.Errorf("mail_failed entries: %+v, want the newest without area or subject", all)
		}
		// Retention: given-up mail older than the cutoff goes with the purge.
		now = now.Add(48 * time.Hour)
		if _, err := s.PurgeAudit(ctx, now.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		if box, _ := s.Outbox(ctx); len(box) != 0 {
			t.Errorf("outbox after the purge = %+v, want empty", box)
		}
	})
}
