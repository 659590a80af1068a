package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
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
	_, err = tx.ExecContext(ctx, `INSERT INTO outbox (id, to_addr, subject, body, created_at, next_at)
		VALUES ($1, $2, $3, $4, $5, $5)`, newID(), m.To, m.Subject, m.Body, now)
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
			WHERE sent_at IS NULL AND attempts < $1 AND next_at <= $2 ORDER BY next_at, id LIMIT 1`,
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

// Outbox lists the messages of the outbox, oldest first (tests, operators).
func (s *Store) Outbox(ctx context.Context) ([]Mail, error) {
	return queryAll(ctx, s.db, "outbox", func(row rowScanner) (Mail, error) {
		var m Mail
		var sent sql.NullTime
		err := row.Scan(&m.ID, &m.To, &m.Subject, &m.Body, &m.Attempts, &m.LastError, &m.CreatedAt, &sent)
		m.CreatedAt, m.SentAt = m.CreatedAt.UTC(), nullTime(sent)
		return m, err
	}, `SELECT id, to_addr, subject, body, attempts, last_error, created_at, sent_at FROM outbox ORDER BY created_at, id`)
}
