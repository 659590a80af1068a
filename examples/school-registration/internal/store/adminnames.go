package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// adminNameColumns are the name parts of admin_names (alias n), as
// PersonName holds them; NULL-safe for a LEFT JOIN.
const adminNameColumns = `COALESCE(n.title, ''), COALESCE(n.given_name, ''), COALESCE(n.middle_name, ''),
	COALESCE(n.family_name, ''), COALESCE(n.title_en, ''), COALESCE(n.given_name_en, ''),
	COALESCE(n.middle_name_en, ''), COALESCE(n.family_name_en, '')`

// RecordAdminName keeps the name of an admin (of an area, or a super-admin)
// as their own ThaID login sent it, for the super-admin's page and the audit
// trail: the app calls it at each login. For a citizen who is no admin it
// keeps nothing and reports false. The name is deleted when the person is no
// longer an admin of any kind.
func (s *Store) RecordAdminName(ctx context.Context, pid string, name PersonName) (bool, error) {
	n := name.trimmed()
	res, err := s.db.ExecContext(ctx, `INSERT INTO admin_names (pid, title, given_name, middle_name, family_name,
			title_en, given_name_en, middle_name_en, family_name_en, recorded_at)
		SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
		WHERE EXISTS (SELECT 1 FROM area_admins WHERE pid = $1) OR EXISTS (SELECT 1 FROM super_admins WHERE pid = $1)
		ON CONFLICT (pid) DO UPDATE SET title = excluded.title, given_name = excluded.given_name,
			middle_name = excluded.middle_name, family_name = excluded.family_name, title_en = excluded.title_en,
			given_name_en = excluded.given_name_en, middle_name_en = excluded.middle_name_en,
			family_name_en = excluded.family_name_en, recorded_at = excluded.recorded_at`,
		pid, n.Title, n.Given, n.Middle, n.Family, n.TitleEN, n.GivenEN, n.MiddleEN, n.FamilyEN, s.nowUTC())
	if err != nil {
		return false, fmt.Errorf("store: record admin name: %w", err)
	}
	rows, _ := res.RowsAffected()
	return rows > 0, nil
}

// forgetFormerAdmins deletes the names of people who are no longer an admin
// of any kind.
func forgetFormerAdmins(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM admin_names
		WHERE NOT EXISTS (SELECT 1 FROM area_admins aa WHERE aa.pid = admin_names.pid)
		AND NOT EXISTS (SELECT 1 FROM super_admins sa WHERE sa.pid = admin_names.pid)`)
	if err != nil {
		return fmt.Errorf("store: forget former admins' names: %w", err)
	}
	return nil
}

// knownName is the full name of the citizen with pid as their own login
// recorded it: as an admin (RecordAdminName), else on their newest
// registration; "" when neither is known (or on a read error: the name is
// then left out of an audit entry, never made up).
func (s *Store) knownName(ctx context.Context, tx *sql.Tx, pid string) string {
	var n PersonName
	err := tx.QueryRowContext(ctx, `SELECT `+adminNameColumns+` FROM admin_names n WHERE n.pid = $1`, pid).
		Scan(n.scanDest()...)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.QueryRowContext(ctx, `SELECT r.title, r.given_name, r.middle_name, r.family_name,
			r.title_en, r.given_name_en, r.middle_name_en, r.family_name_en
			FROM registrations r WHERE r.citizen_pid = $1 ORDER BY r.created_at DESC, r.id LIMIT 1`, pid).
			Scan(n.scanDest()...)
	}
	if err != nil {
		return ""
	}
	return n.Full()
}
