package store

import (
	"context"
	"database/sql"
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
	ID          string
	At          time.Time
	Action      string
	AreaCode    string // the area it concerns; "" for a purge note or a super-admin change
	SchoolCode  string
	Actor       string // masked PID, "ADMIN_PIDS", "command line" or "system"
	ActorName   string
	Subject     string // masked PID of the person concerned
	SubjectName string
	Reason      string
}

// appendAudit writes e in tx; id and time are set here.
func (s *Store) appendAudit(ctx context.Context, tx *sql.Tx, e AuditEntry) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log
		(id, at, action, area_code, school_code, actor, actor_name, subject, subject_name, reason)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		newID(), s.nowUTC(), e.Action, e.AreaCode, e.SchoolCode, e.Actor, e.ActorName, e.Subject, e.SubjectName, e.Reason)
	if err != nil {
		return fmt.Errorf("store: audit %s: %w", e.Action, err)
	}
	return nil
}

// AuditFilter selects audit entries. Zero fields select everything.
type AuditFilter struct {
	// Areas limits the entries to these areas (plus the purge notes, which
	// concern every area). nil means every area: for a super-admin only.
	Areas  []string
	Action string
	From   time.Time // inclusive
	To     time.Time // exclusive
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
		cond := "action = " + arg(AuditPurged)
		if len(in) > 0 {
			cond = "(area_code IN (" + strings.Join(in, ", ") + ") OR " + cond + ")"
		}
		where = append(where, cond)
	}
	if f.Action != "" {
		where = append(where, "action = "+arg(f.Action))
	}
	if !f.From.IsZero() {
		where = append(where, "at >= "+arg(f.From.UTC()))
	}
	if !f.To.IsZero() {
		where = append(where, "at < "+arg(f.To.UTC()))
	}
	q := `SELECT id, at, action, area_code, school_code, actor, actor_name, subject, subject_name, reason FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY at DESC, id LIMIT " + strconv.Itoa(AuditListLimit)
	return queryAll(ctx, s.db, "audit", func(row rowScanner) (AuditEntry, error) {
		var e AuditEntry
		err := row.Scan(&e.ID, &e.At, &e.Action, &e.AreaCode, &e.SchoolCode, &e.Actor, &e.ActorName,
			&e.Subject, &e.SubjectName, &e.Reason)
		e.At = e.At.UTC()
		return e, err
	}, q, args...)
}

// PurgeAudit deletes the audit entries older than cutoff (except earlier
// purge notes) and the outbox messages sent or created before it, and writes
// a purge note with the numbers, all in one transaction. It returns how many
// audit entries it deleted.
func (s *Store) PurgeAudit(ctx context.Context, cutoff time.Time) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM audit_log WHERE at < $1 AND action <> $2`, cutoff.UTC(), AuditPurged)
		if err != nil {
			return fmt.Errorf("store: purge audit: %w", err)
		}
		n, _ = res.RowsAffected()
		res, err = tx.ExecContext(ctx, `DELETE FROM outbox WHERE created_at < $1 AND (sent_at IS NOT NULL OR attempts >= $2)`,
			cutoff.UTC(), MaxMailAttempts)
		if err != nil {
			return fmt.Errorf("store: purge outbox: %w", err)
		}
		mails, _ := res.RowsAffected()
		if n == 0 && mails == 0 {
			return nil
		}
		return s.appendAudit(ctx, tx, AuditEntry{Action: AuditPurged, Actor: auditSystemActor,
			Reason: fmt.Sprintf("retention: %d audit records and %d mails older than %s removed",
				n, mails, cutoff.UTC().Format(time.DateOnly))})
	})
	return n, err
}
