package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Actor is who makes a change, as the audit trail records them.
type Actor struct {
	PID    string // 13 digits: for the store's checks only, never written to the audit trail
	Masked string // the PID masked, e.g. 1-1017-xxxxx-70-8
	Name   string
}

// Audit actions.
const (
	AuditRegistered   = "registered"       // an applicant registered for a school
	AuditApproved     = "approved"         // an area admin approved a registration
	AuditRejected     = "rejected"         // ... rejected it, with a reason
	AuditRevoked      = "revoked"          // ... revoked an approval, with a reason
	AuditAdminGranted = "admin_granted"    // a citizen became an area admin
	AuditAdminRemoved = "admin_removed"    // a citizen stopped being an area admin
	AuditSuperGranted = "superadmin_added" // a citizen became a super-admin
	AuditSuperRemoved = "superadmin_removed"
	AuditPurged       = "audit_purged" // the retention purge removed old records (kept for ever)
	AuditMailFailed   = "mail_failed"  // the applicant's mail of a decision could not be delivered
	AuditAreaContact  = "area_contact" // an admin changed the area office's contact (SetAreaContact)
)

// Actors that are not a person.
const (
	auditSystemActor  = "system"
	auditConfigActor  = "ADMIN_PIDS"
	auditCommandActor = "command line"
)

// AuditListLimit is the most entries Audit returns.
const AuditListLimit = 500

// AuditEntry is one record of the audit trail.
type AuditEntry struct {
	ID         string
	At         time.Time
	Action     string
	AreaCode   string // the area it concerns; "" for a purge note or a super-admin change
	SchoolCode string
	// SchoolName is the name of the school SchoolCode, as it is now (read
	// from the schools; "" when none).
	SchoolName string
	// RegistrationID names the registration the entry concerns (registered,
	// a decision, an undelivered mail; "" for others and for entries written
	// before migration 0010).
	RegistrationID string
	Actor          string // masked PID, "ADMIN_PIDS", "command line" or "system"
	ActorName      string
	Subject        string // masked PID of the person concerned
	SubjectName    string
	Reason         string
	// PurgeBefore is a purge note's cutoff: the database deletes only records
	// older than the cutoff of a purge note (zero for other entries).
	PurgeBefore time.Time
}

// appendAudit writes e in tx; id and time are set here.
func (s *Store) appendAudit(ctx context.Context, tx *sql.Tx, e AuditEntry) error {
	_, err := s.appendAuditEntry(ctx, tx, e)
	return err
}

// appendAuditEntry writes e in tx and returns it as written, with its id
// and time.
func (s *Store) appendAuditEntry(ctx context.Context, tx *sql.Tx, e AuditEntry) (AuditEntry, error) {
	var purgeBefore sql.NullTime
	if !e.PurgeBefore.IsZero() {
		purgeBefore = sql.NullTime{Time: e.PurgeBefore.UTC(), Valid: true}
	}
	e.ID, e.At = newID(), s.nowUTC()
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log
		(id, at, action, area_code, school_code, actor, actor_name, subject, subject_name, reason, purge_before, registration_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		e.ID, e.At, e.Action, e.AreaCode, e.SchoolCode, e.Actor, e.ActorName, e.Subject, e.SubjectName, e.Reason,
		purgeBefore, e.RegistrationID)
	if err != nil {
		return AuditEntry{}, fmt.Errorf("store: audit %s: %w", e.Action, err)
	}
	return e, nil
}

// AuditFilter selects audit entries. Zero fields select everything.
type AuditFilter struct {
	// Areas limits the entries to these areas (plus the purge notes, which
	// concern every area). nil means every area: for a super-admin only.
	Areas  []string
	Action string
	From   time.Time // inclusive
	To     time.Time // exclusive
	// RegistrationID limits the entries to those about one registration.
	RegistrationID string
}

// Audit lists audit entries, newest first, at most AuditListLimit.
func (s *Store) Audit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Areas != nil {
		in := make([]string, 0, len(f.Areas))
		for _, a := range f.Areas {
			in = append(in, arg(a))
		}
		cond := "l.action = " + arg(AuditPurged)
		if len(in) > 0 {
			cond = "(l.area_code IN (" + strings.Join(in, ", ") + ") OR " + cond + ")"
		}
		where = append(where, cond)
	}
	if f.Action != "" {
		where = append(where, "l.action = "+arg(f.Action))
	}
	if !f.From.IsZero() {
		where = append(where, "l.at >= "+arg(f.From.UTC()))
	}
	if !f.To.IsZero() {
		where = append(where, "l.at < "+arg(f.To.UTC()))
	}
	if f.RegistrationID != "" {
		where = append(where, "l.registration_id = "+arg(f.RegistrationID))
	}
	q := auditSelect
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY l.at DESC, l.id LIMIT " + strconv.Itoa(AuditListLimit)
	return queryAll(ctx, s.db, "audit", scanAudit, q, args...)
}

// auditSelect reads audit entries (alias l) with their school's name.
const auditSelect = `SELECT l.id, l.at, l.action, l.area_code, l.school_code, COALESCE(sc.name, ''), l.registration_id,
	l.actor, l.actor_name, l.subject, l.subject_name, l.reason
	FROM audit_log l LEFT JOIN schools sc ON sc.code = l.school_code`

func scanAudit(row rowScanner) (AuditEntry, error) {
	var e AuditEntry
	err := row.Scan(&e.ID, &e.At, &e.Action, &e.AreaCode, &e.SchoolCode, &e.SchoolName, &e.RegistrationID,
		&e.Actor, &e.ActorName, &e.Subject, &e.SubjectName, &e.Reason)
	e.At = e.At.UTC()
	return e, err
}

// AuditEntryByID returns one audit entry, or ErrNotFound. It does not check
// who reads it: the caller shows it only to who may read its area.
func (s *Store) AuditEntryByID(ctx context.Context, id string) (AuditEntry, error) {
	e, err := scanAudit(s.db.QueryRowContext(ctx, auditSelect+` WHERE l.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return AuditEntry{}, ErrNotFound
	}
	return e, err
}

// purgeLockID is the PostgreSQL advisory lock that makes instances purging
// at the same time take turns.
const purgeLockID = 7_287_243_102

// MinAuditRetention is the shortest time an audit record is kept: one year.
// The database itself (migration 0007's triggers, by its own clock) refuses
// to delete a younger record and a purge note whose cutoff is later than its
// clock minus MinAuditRetention, so that a stolen database login with INSERT
// and DELETE cannot erase the last year of the trail.
const MinAuditRetention = 365 * 24 * time.Hour

// DatabaseNow returns the database's clock, in UTC: the clock the triggers
// judge a purge by (SQLite's is this machine's).
func (s *Store) DatabaseNow(ctx context.Context) (time.Time, error) {
	return s.databaseNow(ctx, s.db)
}

func (s *Store) databaseNow(ctx context.Context, q querier) (time.Time, error) {
	if s.dialect == Postgres {
		var now time.Time
		if err := q.QueryRowContext(ctx, `SELECT now() AT TIME ZONE 'UTC'`).Scan(&now); err != nil {
			return time.Time{}, fmt.Errorf("store: database clock: %w", err)
		}
		return time.Date(now.Year(), now.Month(), now.Day(), now.Hour(), now.Minute(), now.Second(), now.Nanosecond(), time.UTC), nil
	}
	var text string
	if err := q.QueryRowContext(ctx, `SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')`).Scan(&text); err != nil {
		return time.Time{}, fmt.Errorf("store: database clock: %w", err)
	}
	now, err := time.Parse("2006-01-02 15:04:05.999", text)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: database clock %q: %w", text, err)
	}
	return now, nil
}

// PurgeAudit deletes the audit entries older than cutoff (except earlier
// purge notes) and the outbox messages sent or given up before it, in one
// transaction that first writes a purge note with the cutoff and the
// numbers: the database deletes a record only when a purge note covers it,
// and a purge note cannot cover the future. It returns how many audit
// entries it deleted; with nothing to delete it writes no note.
//
// A cutoff later than the database's clock (DatabaseNow) minus
// MinAuditRetention purges nothing and returns ErrRetentionTooShort.
func (s *Store) PurgeAudit(ctx context.Context, cutoff time.Time) (int64, error) {
	cutoff = cutoff.UTC()
	const oldRecords = `FROM audit_log WHERE at < $1 AND action <> $2`
	const oldMail = `FROM outbox WHERE created_at < $1 AND (sent_at IS NOT NULL OR failed_at IS NOT NULL OR attempts >= $2)`
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if s.dialect == Postgres {
			// A second instance purging at the same time then finds nothing left to delete.
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, purgeLockID); err != nil {
				return fmt.Errorf("store: purge lock: %w", err)
			}
		}
		now, err := s.databaseNow(ctx, tx)
		if err != nil {
			return err
		}
		if floor := now.Add(-MinAuditRetention); cutoff.After(floor) {
			return fmt.Errorf("%w: the cutoff %s is after %s, the database's clock minus %d days",
				ErrRetentionTooShort, cutoff.Format(time.RFC3339), floor.Format(time.RFC3339), MinAuditRetention/(24*time.Hour))
		}
		var records, mails int64
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) `+oldRecords, cutoff, AuditPurged).Scan(&records); err != nil {
			return fmt.Errorf("store: purge audit: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) `+oldMail, cutoff, MaxMailAttempts).Scan(&mails); err != nil {
			return fmt.Errorf("store: purge outbox: %w", err)
		}
		if records == 0 && mails == 0 {
			return nil
		}
		reason := fmt.Sprintf("retention: %d audit records and %d mails older than %s removed",
			records, mails, cutoff.Format(time.DateOnly))
		if s.dialect == Postgres {
			// The note and the deletion, as the function's owner: the app's role needs no DELETE.
			err := tx.QueryRowContext(ctx, `SELECT audit_log_purge($1, $2, $3, $4)`, newID(), s.nowUTC(), cutoff, reason).Scan(&n)
			if err != nil {
				return fmt.Errorf("store: purge audit: %w", err)
			}
		} else {
			err := s.appendAudit(ctx, tx, AuditEntry{Action: AuditPurged, Actor: auditSystemActor, PurgeBefore: cutoff, Reason: reason})
			if err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `DELETE `+oldRecords, cutoff, AuditPurged)
			if err != nil {
				return fmt.Errorf("store: purge audit: %w", err)
			}
			n, _ = res.RowsAffected()
		}
		if n != records {
			return fmt.Errorf("store: purge audit: counted %d records, deleted %d: nothing purged", records, n)
		}
		if _, err := tx.ExecContext(ctx, `DELETE `+oldMail, cutoff, MaxMailAttempts); err != nil {
			return fmt.Errorf("store: purge outbox: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
