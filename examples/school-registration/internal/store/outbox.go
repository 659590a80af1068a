package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/thaid-go/thaid-go/thaid"
)

// Mail is a message in the outbox.
type Mail struct {
	ID        string
	To        string
	Subject   string
	Body      string
	Attempts  int
	LastError string
	CreatedAt time.Time
	SentAt    time.Time
	// FailedAt is when the message was given up as undeliverable (zero: not).
	FailedAt time.Time
}

// MaxMailAttempts is how often the outbox tries a message before it gives up.
const MaxMailAttempts = 20

// MailComposer writes the mail that tells an applicant of a decision on
// their registration; ok false means no mail (no address, or mail is off).
type MailComposer func(r Registration) (m Mail, ok bool, err error)

// SetMailComposer makes Approve, Reject and Revoke queue the composer's mail
// in their transaction. nil (the default) queues nothing.
func (s *Store) SetMailComposer(c MailComposer) { s.compose = c }

// enqueueMail composes and queues the mail for reg in tx.
func (s *Store) enqueueMail(ctx context.Context, tx *sql.Tx, reg Registration) error {
	if s.compose == nil {
		return nil
	}
	m, ok, err := s.compose(reg)
	if err != nil {
		return fmt.Errorf("store: compose mail: %w", err)
	}
	if !ok {
		return nil
	}
	now := s.nowUTC()
	_, err = tx.ExecContext(ctx, `INSERT INTO outbox (id, to_addr, subject, body, created_at, next_at, registration_id)
		VALUES ($1, $2, $3, $4, $5, $5, $6)`, newID(), m.To, m.Subject, m.Body, now, reg.ID)
	if err != nil {
		return fmt.Errorf("store: queue mail: %w", err)
	}
	return nil
}

// ClaimMail takes the oldest due message of the outbox and leases it for
// lease: another worker (another instance) does not take it meanwhile. It
// counts the attempt. It returns ErrNotFound when nothing is due.
func (s *Store) ClaimMail(ctx context.Context, lease time.Duration) (Mail, error) {
	for range 5 { // another instance may claim the same row first: try the next
		now := s.nowUTC()
		var m Mail
		err := s.db.QueryRowContext(ctx, `SELECT id, to_addr, subject, body, attempts, created_at FROM outbox
			WHERE sent_at IS NULL AND failed_at IS NULL AND attempts < $1 AND next_at <= $2 ORDER BY next_at, id LIMIT 1`,
			MaxMailAttempts, now).Scan(&m.ID, &m.To, &m.Subject, &m.Body, &m.Attempts, &m.CreatedAt)
		if errors.Is(err, sql.ErrNoRows) {
			return Mail{}, ErrNotFound
		}
		if err != nil {
			return Mail{}, fmt.Errorf("store: claim mail: %w", err)
		}
		res, err := s.db.ExecContext(ctx, `UPDATE outbox SET attempts = attempts + 1, next_at = $1
			WHERE id = $2 AND sent_at IS NULL AND attempts = $3`, now.Add(lease), m.ID, m.Attempts)
		if err != nil {
			return Mail{}, fmt.Errorf("store: claim mail: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			m.Attempts++
			m.CreatedAt = m.CreatedAt.UTC()
			return m, nil
		}
	}
	return Mail{}, ErrNotFound
}

// MailSent marks a claimed message sent.
func (s *Store) MailSent(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE outbox SET sent_at = $1, last_error = '' WHERE id = $2`, s.nowUTC(), id)
	if err != nil {
		return fmt.Errorf("store: mail sent: %w", err)
	}
	return nil
}

// MailFailed records why a claimed message could not be sent, and when to
// try again.
func (s *Store) MailFailed(ctx context.Context, id string, retryAfter time.Duration, reason string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE outbox SET next_at = $1, last_error = $2 WHERE id = $3`,
		s.nowUTC().Add(retryAfter), reason, id)
	if err != nil {
		return fmt.Errorf("store: mail failed: %w", err)
	}
	return nil
}

// MailUndeliverable gives up a claimed message: the mail server refused it
// for good, or its last attempt failed. It is never tried again, and the
// audit trail of the registration's area gets an AuditMailFailed entry
// (actor "system", the applicant as subject, reason as the reason), so that
// the area admin sees on the audit page that the applicant was not told (the
// entry names the registration, whose phone the page shows). The
// reason must not hold the address. A message already given up or sent is
// left alone.
func (s *Store) MailUndeliverable(ctx context.Context, id, reason string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var regID string
		err := tx.QueryRowContext(ctx, `UPDATE outbox SET failed_at = $1, last_error = $2
			WHERE id = $3 AND sent_at IS NULL AND failed_at IS NULL RETURNING registration_id`,
			s.nowUTC(), reason, id).Scan(&regID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("store: mail undeliverable: %w", err)
		}
		e := AuditEntry{Action: AuditMailFailed, Actor: auditSystemActor, Reason: reason}
		// A message queued before 0006 names no registration: its entry has no area
		// (super-admins see it).
		reg, err := scanRegistration(tx.QueryRowContext(ctx, `SELECT `+registrationColumns+registrationJoins+`
			WHERE r.id = $1`, regID))
		switch {
		case err == nil:
			e.AreaCode, e.SchoolCode, e.RegistrationID = reg.AreaCode, reg.SchoolCode, reg.ID
			e.Subject, e.SubjectName = thaid.MaskPID(reg.CitizenPID), reg.Name.Full()
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("store: mail undeliverable: %w", err)
		}
		return s.appendAudit(ctx, tx, e)
	})
}

// Outbox lists the messages of the outbox, oldest first (tests, operators).
func (s *Store) Outbox(ctx context.Context) ([]Mail, error) {
	return queryAll(ctx, s.db, "outbox", func(row rowScanner) (Mail, error) {
		var m Mail
		var sent, failed sql.NullTime
		err := row.Scan(&m.ID, &m.To, &m.Subject, &m.Body, &m.Attempts, &m.LastError, &m.CreatedAt, &sent, &failed)
		m.CreatedAt, m.SentAt, m.FailedAt = m.CreatedAt.UTC(), nullTime(sent), nullTime(failed)
		return m, err
	}, `SELECT id, to_addr, subject, body, attempts, last_error, created_at, sent_at, failed_at FROM outbox ORDER BY created_at, id`)
}
