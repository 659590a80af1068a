package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// AreaAdmin makes the citizen with PID (13 digits) an admin of an area.
type AreaAdmin struct {
	PID      string
	AreaCode string
}

// UnknownAreaError is SetAreaAdmins' error for an admin of an area that does
// not exist. It wraps ErrNotFound.
type UnknownAreaError struct {
	Index    int // of the entry in the admins list
	AreaCode string
}

func (e *UnknownAreaError) Error() string {
	return fmt.Sprintf("store: area %q: %v", e.AreaCode, ErrNotFound)
}

func (e *UnknownAreaError) Unwrap() error { return ErrNotFound }

// SetAreaAdmins makes the area_admins table hold exactly admins, in one
// transaction: admins not listed lose their rights, so removing a PID from
// the configuration and restarting revokes it. An empty list removes every
// admin. An unknown area gives an *UnknownAreaError (wrapping ErrNotFound)
// and changes nothing; listing an admin twice is harmless.
func (s *Store) SetAreaAdmins(ctx context.Context, admins []AreaAdmin) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM area_admins`); err != nil {
			return fmt.Errorf("store: set area admins: %w", err)
		}
		for i, a := range admins {
			var one int
			if err := tx.QueryRowContext(ctx, `SELECT 1 FROM areas WHERE code = $1`, a.AreaCode).Scan(&one); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					return &UnknownAreaError{Index: i, AreaCode: a.AreaCode}
				}
				return fmt.Errorf("store: set area admins: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO area_admins (pid, area_code) VALUES ($1, $2)
				ON CONFLICT (pid, area_code) DO NOTHING`, a.PID, a.AreaCode); err != nil {
				return fmt.Errorf("store: set area admins: %w", err)
			}
		}
		return nil
	})
}

// AdminAreas lists the areas the citizen with pid administers (none: not an
// admin).
func (s *Store) AdminAreas(ctx context.Context, adminPID string) ([]Area, error) {
	return queryAll(ctx, s.db, "admin areas", scanArea,
		`SELECT a.code, a.name, a.name_en, a.province
		FROM area_admins aa JOIN areas a ON a.code = aa.area_code
		WHERE aa.pid = $1 ORDER BY a.code`, adminPID)
}

// adminMayDecide is the condition "the registration (table alias or name t)
// is of a school in an area that admin $2 administers, and is not the admin's
// own". Every admin query uses it, so an admin can neither see nor decide
// registrations of another area, nor their own.
func adminMayDecide(t string) string {
	return t + `.citizen_pid <> $2 AND ` + t + `.school_code IN (SELECT s2.code FROM schools s2
	JOIN area_admins aa ON aa.area_code = s2.area_code WHERE aa.pid = $2)`
}
