package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// countAudit returns the number of rows in audit_log.
func countAudit(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	if err := s.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// insertNote writes a purge note straight into audit_log, as a database role
// with INSERT could, and returns the database's answer.
func insertNote(s *Store, id string, at, purgeBefore time.Time) error {
	_, err := s.db.ExecContext(context.Background(), `INSERT INTO audit_log (id, at, action, actor, purge_before)
		VALUES ($1, $2, $3, 'system', $4)`, id, at.UTC(), AuditPurged, purgeBefore.UTC())
	return err
}

// insertRecord writes an audit record dated at straight into audit_log.
func insertRecord(t *testing.T, s *Store, id string, at time.Time) {
	t.Helper()
	if _, err := s.db.ExecContext(context.Background(), `INSERT INTO audit_log (id, at, action, area_code, actor)
		VALUES ($1, $2, $3, $4, $5)`, id, at.UTC(), AuditApproved, areaBRM3, decidedMask); err != nil {
		t.Fatal(err)
	}
}

// TestAuditForgedPurgeNote is issue 21's finding 3, as reported: a database
// role with INSERT and DELETE on audit_log wrote a purge note dated 2099 (its
// cutoff no later than its own date, as the old trigger asked) and then
// deleted every record. Now the database judges a purge note by its own clock
// and the minimum retention: a note dated in the future, or whose cutoff is
// not at least MinAuditRetention in the past, is refused, and no record
// younger than MinAuditRetention is ever deleted. Both databases.
func TestAuditForgedPurgeNote(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if err := s.SetAreaAdmins(ctx, []AreaAdmin{{adminBRM3, areaBRM3}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Apply(ctx, app(1, kanLueang)); err != nil {
			t.Fatal(err)
		}
		records := countAudit(t, s)
		if records != 2 {
			t.Fatalf("%d audit records, want 2", records)
		}

		// The reported attack.
		far := time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
		if err := insertNote(s, "forged-2099", far, far); err == nil {
			t.Error("a purge note dated 2099 was written")
		}
		if _, err := s.db.ExecContext(ctx, `DELETE FROM audit_log WHERE action <> $1`, AuditPurged); err == nil {
			t.Error("after the forged purge note, DELETE of every record but the notes succeeded")
		}
		if got := countAudit(t, s); got != records {
			t.Fatalf("%d audit records after the attack, want %d", got, records)
		}

		// Judged by the database's clock: a note dated now may cover only records older than
		// the minimum retention.
		now, err := s.DatabaseNow(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name        string
			at, cutoff  time.Time
			wantWritten bool
		}{
			{"dated two hours ahead", now.Add(2 * time.Hour), now.Add(-MinAuditRetention - time.Hour), false},
			{"covering yesterday", now, now.Add(-24 * time.Hour), false},
			{"covering an hour short of the minimum retention", now, now.Add(-MinAuditRetention + time.Hour), false},
			{"dated long ago, covering what was then recent", now.Add(-MinAuditRetention + 24*time.Hour),
				now.Add(-MinAuditRetention + 23*time.Hour), false},
			{"covering an hour more than the minimum retention", now, now.Add(-MinAuditRetention - time.Hour), true},
		} {
			err := insertNote(s, "note "+tc.name, tc.at, tc.cutoff)
			if (err == nil) != tc.wantWritten {
				t.Errorf("purge note %s: error %v, want written=%t", tc.name, err, tc.wantWritten)
			}
		}
		if _, err := s.db.ExecContext(ctx, `DELETE FROM audit_log WHERE action <> $1`, AuditPurged); err == nil {
			t.Error("DELETE of records younger than the minimum retention succeeded")
		}
		if got := countAudit(t, s); got != records+1 {
			t.Errorf("%d audit records, want %d and the one note", got, records)
		}
	})
}

// TestAuditForgedNoteFromBeforeUpgrade: a purge note dated 2099 that got into
// the trail before migration 0007 (written while the triggers did not stop
// it) lets no record younger than the minimum retention be deleted.
func TestAuditForgedNoteFromBeforeUpgrade(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if _, err := s.Apply(ctx, app(1, kanLueang)); err != nil {
			t.Fatal(err)
		}
		withoutAuditTriggers(t, s, func() {
			far := time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
			if err := insertNote(s, "forged-2099", far, far); err != nil {
				t.Fatal(err)
			}
		})
		records := countAudit(t, s)
		if _, err := s.db.ExecContext(ctx, `DELETE FROM audit_log WHERE action <> $1`, AuditPurged); err == nil {
			t.Error("a forged note of before the upgrade let recent records be deleted")
		}
		if got := countAudit(t, s); got != records {
			t.Errorf("%d audit records, want %d", got, records)
		}
	})
}

// withoutAuditTriggers runs fn with audit_log's triggers out of the way (as
// the table's owner, or the SQLite file's writer, can), then puts them back.
func withoutAuditTriggers(t *testing.T, s *Store, fn func()) {
	t.Helper()
	ctx := context.Background()
	if s.Dialect() == Postgres {
		if _, err := s.db.ExecContext(ctx, `ALTER TABLE audit_log DISABLE TRIGGER USER`); err != nil {
			t.Fatal(err)
		}
		fn()
		if _, err := s.db.ExecContext(ctx, `ALTER TABLE audit_log ENABLE TRIGGER USER`); err != nil {
			t.Fatal(err)
		}
		return
	}
	rows, err := s.db.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'`)
	if err != nil {
		t.Fatal(err)
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			t.Fatal(err)
		}
		names, defs = append(names, name), append(defs, def)
	}
	rows.Close()
	if len(names) == 0 {
		t.Fatal("audit_log has no trigger")
	}
	for _, name := range names {
		if _, err := s.db.ExecContext(ctx, `DROP TRIGGER `+name); err != nil {
			t.Fatal(err)
		}
	}
	fn()
	for _, def := range defs {
		if _, err := s.db.ExecContext(ctx, def); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPurgeRetentionFloor: PurgeAudit refuses (ErrRetentionTooShort) a cutoff
// that is not at least MinAuditRetention before the database's clock, and
// deletes nothing; with a cutoff past it, it deletes the records older than
// the cutoff only.
func TestPurgeRetentionFloor(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		now, err := s.DatabaseNow(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Since(now); d < -time.Minute || d > time.Minute {
			t.Fatalf("DatabaseNow = %v, %v from this machine's clock", now, d)
		}
		floor := now.Add(-MinAuditRetention)
		insertRecord(t, s, "old", floor.Add(-2*time.Hour))
		insertRecord(t, s, "at the floor", floor.Add(30*time.Minute))
		insertRecord(t, s, "recent", now.Add(-time.Hour))

		for _, cutoff := range []time.Time{now, floor.Add(time.Hour)} {
			n, err := s.PurgeAudit(ctx, cutoff)
			if !errors.Is(err, ErrRetentionTooShort) || n != 0 {
				t.Errorf("PurgeAudit(%v) = %d, %v; want ErrRetentionTooShort", cutoff, n, err)
			}
		}
		if got := countAudit(t, s); got != 3 {
			t.Fatalf("%d records after the refused purges, want 3", got)
		}
		n, err := s.PurgeAudit(ctx, floor.Add(-time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("PurgeAudit past the floor = %d, %v; want 1", n, err)
		}
		var left []string
		rows, err := s.db.QueryContext(ctx, `SELECT id FROM audit_log WHERE action <> $1 ORDER BY id`, AuditPurged)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			left = append(left, id)
		}
		rows.Close()
		if fmt.Sprint(left) != "[at the floor recent]" {
			t.Errorf("records left: %v, want [at the floor recent]", left)
		}
	})
}
