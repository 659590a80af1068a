package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/thaid-go/thaid-go/thaid"
)

// Status is the state of a registration.
type Status string

// Registration states. Pending and approved registrations hold a seat.
const (
	StatusPending  Status = "pending"
	StatusApproved Status = "approved"
	StatusRejected Status = "rejected"
)

// Decision is the last decision on a registration.
type Decision string

// Decisions. A pending registration has none; so has one rejected before
// migration 0010, which did not record whether it was rejected or revoked.
const (
	DecisionNone     Decision = ""
	DecisionApproved Decision = "approved" // Approve
	DecisionRejected Decision = "rejected" // Reject: a pending registration not approved
	DecisionRevoked  Decision = "revoked"  // Revoke: an approval withdrawn
)

// Registration is a citizen's application to manage a school's website.
//
// CitizenPID holds the 13 digits: it is the key that links a ThaID login to
// the registration. Show it masked, never log it.
type Registration struct {
	ID         string
	CitizenPID string
	SchoolCode string
	SchoolName string
	AreaCode   string
	AreaName   string
	Name       PersonName // as ThaID sent it
	Phone      string
	Email      string
	Status     Status
	Decision   Decision // the last decision (DecisionNone while pending)
	Reason     string   // rejection reason, shown to the applicant
	DecidedBy  string   // masked PID of the area admin who decided
	// DecidedByName is the deciding admin's name as their login recorded it
	// ("" for a decision made before migration 0010).
	DecidedByName string
	CreatedAt     time.Time
	DecidedAt     time.Time
	// AreaPhone and AreaEmail are the area office's contact (SetAreaContact),
	// as it is now; "" when not set.
	AreaPhone, AreaEmail string
}

// Application is what a citizen submits in the registration form.
type Application struct {
	CitizenPID string // 13 digits, from ThaID
	SchoolCode string
	Name       PersonName // from ThaID
	Phone      string     // validated by the caller
	Email      string     // validated by the caller
}

const registrationColumns = `r.id, r.citizen_pid, r.school_code, s.name, s.area_code, a.name,
	r.title, r.given_name, r.middle_name, r.family_name,
	r.title_en, r.given_name_en, r.middle_name_en, r.family_name_en,
	r.phone, r.email, r.status, r.decision, r.reason, r.decided_by, r.decided_by_name, r.created_at, r.decided_at,
	a.contact_phone, a.contact_email`

const registrationJoins = ` FROM registrations r
	JOIN schools s ON s.code = r.school_code
	JOIN areas a ON a.code = s.area_code`

func scanRegistration(sc rowScanner) (Registration, error) {
	var r Registration
	var decided sql.NullTime
	dest := append([]any{&r.ID, &r.CitizenPID, &r.SchoolCode, &r.SchoolName, &r.AreaCode, &r.AreaName},
		r.Name.scanDest()...)
	dest = append(dest, &r.Phone, &r.Email, &r.Status, &r.Decision,
		&r.Reason, &r.DecidedBy, &r.DecidedByName, &r.CreatedAt, &decided, &r.AreaPhone, &r.AreaEmail)
	err := sc.Scan(dest...)
	r.CreatedAt = r.CreatedAt.UTC()
	r.DecidedAt = nullTime(decided)
	return r, err
}

// Apply registers a citizen for a school, holding one of its seats.
//
// In one transaction it takes a seat with a guarded UPDATE of the school's
// counter (which also locks the school row on PostgreSQL; on SQLite the
// transaction holds the write lock from BEGIN IMMEDIATE) and inserts the
// registration. It returns ErrAlreadyRegistered when the citizen holds an
// active registration, ErrSchoolFull when no seat is left and ErrNotFound for
// an unknown school. On any error nothing is written.
//
// The registration returned is the row as written: its school and area names
// are empty (Registration(id) joins them).
func (s *Store) Apply(ctx context.Context, app Application) (Registration, error) {
	reg := Registration{
		ID: newID(), CitizenPID: app.CitizenPID, SchoolCode: app.SchoolCode,
		Name:  app.Name.trimmed(),
		Phone: strings.TrimSpace(app.Phone), Email: strings.TrimSpace(app.Email),
		Status: StatusPending, CreatedAt: s.nowUTC(),
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM registrations
			WHERE citizen_pid = $1 AND status IN ('pending', 'approved')`, app.CitizenPID).Scan(&one)
		if err == nil {
			return ErrAlreadyRegistered
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: apply: %w", err)
		}
		res, err := tx.ExecContext(ctx, `UPDATE schools SET seats_taken = seats_taken + 1
			WHERE code = $1 AND seats_taken < seat_limit`, app.SchoolCode)
		if err != nil {
			if isCheckViolation(err) {
				return ErrSchoolFull
			}
			return fmt.Errorf("store: apply: take seat: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("store: apply: %w", err)
		} else if n != 1 {
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM schools WHERE code = $1`, app.SchoolCode).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			if err != nil {
				return fmt.Errorf("store: apply: %w", err)
			}
			return ErrSchoolFull
		}
		n := reg.Name
		_, err = tx.ExecContext(ctx, `INSERT INTO registrations
			(id, citizen_pid, school_code, title, given_name, middle_name, family_name,
			title_en, given_name_en, middle_name_en, family_name_en, phone, email, status, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			reg.ID, reg.CitizenPID, reg.SchoolCode, n.Title, n.Given, n.Middle, n.Family,
			n.TitleEN, n.GivenEN, n.MiddleEN, n.FamilyEN, reg.Phone, reg.Email, string(reg.Status), reg.CreatedAt)
		if err != nil {
			if isUniqueViolation(err) {
				return ErrAlreadyRegistered
			}
			return fmt.Errorf("store: apply: insert: %w", err)
		}
		var area string
		if err := tx.QueryRowContext(ctx, `SELECT area_code FROM schools WHERE code = $1`, reg.SchoolCode).Scan(&area); err != nil {
			return fmt.Errorf("store: apply: %w", err)
		}
		name := reg.Name.Full()
		return s.appendAudit(ctx, tx, AuditEntry{Action: AuditRegistered, AreaCode: area, SchoolCode: reg.SchoolCode,
			RegistrationID: reg.ID, Actor: thaid.MaskPID(reg.CitizenPID), ActorName: name,
			Subject: thaid.MaskPID(reg.CitizenPID), SubjectName: name})
	})
	if err != nil {
		return Registration{}, err
	}
	return reg, nil
}

// Registration returns one registration by id.
func (s *Store) Registration(ctx context.Context, id string) (Registration, error) {
	r, err := scanRegistration(s.db.QueryRowContext(ctx, `SELECT `+registrationColumns+registrationJoins+`
		WHERE r.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Registration{}, ErrNotFound
	}
	return r, err
}

// CurrentRegistration returns the citizen's active registration, or else their
// most recent rejected one (so the applicant sees the reason), or ErrNotFound.
func (s *Store) CurrentRegistration(ctx context.Context, citizenPID string) (Registration, error) {
	r, err := scanRegistration(s.db.QueryRowContext(ctx, `SELECT `+registrationColumns+registrationJoins+`
		WHERE r.citizen_pid = $1
		ORDER BY CASE WHEN r.status IN ('pending', 'approved') THEN 0 ELSE 1 END, r.created_at DESC, r.id
		LIMIT 1`, citizenPID))
	if errors.Is(err, sql.ErrNoRows) {
		return Registration{}, ErrNotFound
	}
	return r, err
}

// Approve approves a pending registration in one of the admin's areas
// (by.PID), recording by.Masked and by.Name as the decider. A
// registration that is not pending, not in the admin's areas, or the admin's
// own, gives ErrNotFound. The audit entry and the applicant's mail are
// written in the same transaction.
func (s *Store) Approve(ctx context.Context, by Actor, registrationID string) error {
	return s.decide(ctx, AuditApproved, StatusPending, by, registrationID, "")
}

// Reject rejects a pending registration in one of the admin's areas, with a
// reason the applicant sees, and frees its seat. Errors as for Approve.
func (s *Store) Reject(ctx context.Context, by Actor, registrationID, reason string) error {
	return s.decide(ctx, AuditRejected, StatusPending, by, registrationID, reason)
}

// Revoke withdraws an approved registration in one of the admin's areas (the
// citizen no longer manages the school's website), with a reason the citizen
// sees, and frees its seat. The registration becomes rejected, so the citizen
// may apply again. A registration that is not approved, not in the admin's
// areas, or the admin's own, gives ErrNotFound.
func (s *Store) Revoke(ctx context.Context, by Actor, registrationID, reason string) error {
	return s.decide(ctx, AuditRevoked, StatusApproved, by, registrationID, reason)
}

// decide moves a registration with status from to approved (action
// AuditApproved) or to rejected, freeing its seat, records the decision (the
// action: approved, rejected or revoked) and its maker, and writes the audit
// entry and the applicant's mail, in one transaction.
func (s *Store) decide(ctx context.Context, action string, from Status, by Actor, registrationID, reason string) error {
	to := StatusRejected
	if action == AuditApproved {
		to = StatusApproved
	}
	reason = strings.TrimSpace(reason)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var school string
		err := tx.QueryRowContext(ctx, `UPDATE registrations SET status = $7, reason = $3,
			decided_by = $4, decided_at = $5, decision = $8, decided_by_name = $9
			WHERE id = $1 AND status = $6 AND `+adminMayDecide("registrations")+`
			RETURNING school_code`,
			registrationID, by.PID, reason, by.Masked, s.nowUTC(), string(from), string(to), action, by.Name).Scan(&school)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("store: %s: %w", action, err)
		}
		if to == StatusRejected {
			if _, err := tx.ExecContext(ctx, `UPDATE schools SET seats_taken = seats_taken - 1 WHERE code = $1`, school); err != nil {
				return fmt.Errorf("store: %s: free seat: %w", action, err)
			}
		}
		reg, err := scanRegistration(tx.QueryRowContext(ctx, `SELECT `+registrationColumns+registrationJoins+`
			WHERE r.id = $1`, registrationID))
		if err != nil {
			return fmt.Errorf("store: %s: %w", action, err)
		}
		err = s.appendAudit(ctx, tx, AuditEntry{Action: action, AreaCode: reg.AreaCode, SchoolCode: reg.SchoolCode,
			RegistrationID: reg.ID, Actor: by.Masked, ActorName: by.Name, Subject: thaid.MaskPID(reg.CitizenPID),
			SubjectName: reg.Name.Full(), Reason: reason})
		if err != nil {
			return err
		}
		return s.enqueueMail(ctx, tx, reg)
	})
}

// SeatCheck compares every school's seat counter with its active
// registrations and returns the codes of schools where they differ (none in a
// consistent database). Tests and the health check use it.
func (s *Store) SeatCheck(ctx context.Context) ([]string, error) {
	return queryAll(ctx, s.db, "seat check", func(row rowScanner) (string, error) {
		var code string
		err := row.Scan(&code)
		return code, err
	},
		`SELECT s.code FROM schools s
		WHERE s.seats_taken <> (SELECT COUNT(*) FROM registrations r
			WHERE r.school_code = s.code AND r.status IN ('pending', 'approved'))
		ORDER BY s.code`)
}

// CountRegistrations counts the registrations in each state (for metrics).
func (s *Store) CountRegistrations(ctx context.Context) (map[Status]int, error) {
	type row struct {
		status Status
		n      int
	}
	rows, err := queryAll(ctx, s.db, "count registrations", func(sc rowScanner) (row, error) {
		var r row
		err := sc.Scan(&r.status, &r.n)
		return r, err
	}, `SELECT status, COUNT(*) FROM registrations GROUP BY status`)
	if err != nil {
		return nil, err
	}
	out := map[Status]int{}
	for _, r := range rows {
		out[r.status] = r.n
	}
	return out, nil
}
