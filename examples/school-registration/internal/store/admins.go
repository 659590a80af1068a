package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/thaid-go/thaid-go/thaid"
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

// Where an area admin or super-admin comes from.
const (
	SourceConfig  = "config"  // ADMIN_PIDS: re-applied at every start
	SourceApp     = "app"     // assigned by a super-admin on the admin page
	SourceCommand = "command" // -add-super-admin
)

// SetAreaAdmins makes the area admins that come from the configuration
// (ADMIN_PIDS) exactly admins, in one transaction: a configured admin left
// out loses their rights, so removing a PID from the configuration and
// restarting revokes it. Admins assigned in the app by a super-admin are
// kept. Every change is written to the audit trail. An unknown area gives an
// *UnknownAreaError (wrapping ErrNotFound) and changes nothing; listing an
// admin twice is harmless.
func (s *Store) SetAreaAdmins(ctx context.Context, admins []AreaAdmin) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		old, err := queryAll(ctx, tx, "set area admins", scanAreaAdmin,
			`SELECT pid, area_code FROM area_admins WHERE source = $1`, SourceConfig)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM area_admins WHERE source = $1`, SourceConfig); err != nil {
			return fmt.Errorf("store: set area admins: %w", err)
		}
		kept := map[AreaAdmin]bool{}
		for i, a := range admins {
			var one int
			if err := tx.QueryRowContext(ctx, `SELECT 1 FROM areas WHERE code = $1`, a.AreaCode).Scan(&one); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					return &UnknownAreaError{Index: i, AreaCode: a.AreaCode}
				}
				return fmt.Errorf("store: set area admins: %w", err)
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO area_admins (pid, area_code, source, id) VALUES ($1, $2, $3, $4)
				ON CONFLICT (pid, area_code) DO NOTHING`, a.PID, a.AreaCode, SourceConfig, newID())
			if err != nil {
				return fmt.Errorf("store: set area admins: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 1 && !slices.Contains(old, a) && !kept[a] {
				if err := s.appendAudit(ctx, tx, AuditEntry{Action: AuditAdminGranted, AreaCode: a.AreaCode,
					Actor: auditConfigActor, Subject: thaid.MaskPID(a.PID), SubjectName: s.knownName(ctx, tx, a.PID)}); err != nil {
					return err
				}
			}
			kept[a] = true
		}
		for _, a := range old {
			if !kept[a] {
				if err := s.appendAudit(ctx, tx, AuditEntry{Action: AuditAdminRemoved, AreaCode: a.AreaCode,
					Actor: auditConfigActor, Subject: thaid.MaskPID(a.PID), SubjectName: s.knownName(ctx, tx, a.PID)}); err != nil {
					return err
				}
			}
		}
		return forgetFormerAdmins(ctx, tx)
	})
}

func scanAreaAdmin(row rowScanner) (AreaAdmin, error) {
	var a AreaAdmin
	err := row.Scan(&a.PID, &a.AreaCode)
	return a, err
}

// AreaAdminEntry is an area admin as the admin page lists them: never with
// the full PID.
type AreaAdminEntry struct {
	ID        string // names the entry in the remove form
	MaskedPID string
	// Name is the admin's name as their own last login recorded it
	// (RecordAdminName); zero when they have not logged in as an admin.
	Name     PersonName
	Super    bool // also a super-admin
	AreaCode string
	AreaName string
	Source   string // SourceConfig or SourceApp
}

// areaAdminSelect reads AreaAdminEntry rows (area_admins aa).
const areaAdminSelect = `SELECT aa.id, aa.pid, aa.area_code, a.name, aa.source,
	EXISTS (SELECT 1 FROM super_admins sa WHERE sa.pid = aa.pid), ` + adminNameColumns + `
	FROM area_admins aa JOIN areas a ON a.code = aa.area_code LEFT JOIN admin_names n ON n.pid = aa.pid`

func scanAreaAdminEntry(row rowScanner) (AreaAdminEntry, error) {
	var e AreaAdminEntry
	var pid string
	err := row.Scan(append([]any{&e.ID, &pid, &e.AreaCode, &e.AreaName, &e.Source, &e.Super}, e.Name.scanDest()...)...)
	e.MaskedPID = thaid.MaskPID(pid)
	return e, err
}

// AreaAdmins lists every area admin, by area.
func (s *Store) AreaAdmins(ctx context.Context) ([]AreaAdminEntry, error) {
	return queryAll(ctx, s.db, "area admins", scanAreaAdminEntry, areaAdminSelect+`
		ORDER BY aa.area_code, aa.source, aa.id`)
}

// AreaAdminByID returns the area admin entry id (as AreaAdmins lists it), or
// ErrNotFound. An entry of ADMIN_PIDS made before migration 0002 has no id
// and is never found.
func (s *Store) AreaAdminByID(ctx context.Context, id string) (AreaAdminEntry, error) {
	e, err := scanAreaAdminEntry(s.db.QueryRowContext(ctx, areaAdminSelect+` WHERE aa.id = $1 AND aa.id <> ''`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return AreaAdminEntry{}, ErrNotFound
	}
	return e, err
}

// SuperAdminEntry is a super-admin as the admin page lists them.
type SuperAdminEntry struct {
	MaskedPID string
	Name      PersonName // as for AreaAdminEntry
	Source    string     // SourceConfig or SourceCommand
}

// SuperAdmins lists the super-admins, by masked PID.
func (s *Store) SuperAdmins(ctx context.Context) ([]SuperAdminEntry, error) {
	list, err := queryAll(ctx, s.db, "super-admins", func(row rowScanner) (SuperAdminEntry, error) {
		var e SuperAdminEntry
		var pid string
		err := row.Scan(append([]any{&pid, &e.Source}, e.Name.scanDest()...)...)
		e.MaskedPID = thaid.MaskPID(pid)
		return e, err
	}, `SELECT sa.pid, sa.source, `+adminNameColumns+` FROM super_admins sa LEFT JOIN admin_names n ON n.pid = sa.pid`)
	slices.SortFunc(list, func(a, b SuperAdminEntry) int { return strings.Compare(a.MaskedPID, b.MaskedPID) })
	return list, err
}

// AssignAreaAdmin makes the citizen with pid an admin of the area, as a
// super-admin (by) does on the admin page, and writes the audit entry,
// which it returns (it names the new admin, by the name their login or
// registration recorded, when there is one). It returns ErrNotFound for an
// unknown area or when by is not a super-admin, and ErrAlreadyAdmin when the
// citizen already administers the area.
func (s *Store) AssignAreaAdmin(ctx context.Context, by Actor, pid, areaCode string) (AuditEntry, error) {
	var entry AuditEntry
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := requireSuper(ctx, tx, by.PID); err != nil {
			return err
		}
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM areas WHERE code = $1`, areaCode).Scan(&one); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			return fmt.Errorf("store: assign area admin: %w", err)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO area_admins (pid, area_code, source, id) VALUES ($1, $2, $3, $4)
			ON CONFLICT (pid, area_code) DO NOTHING`, pid, areaCode, SourceApp, newID())
		if err != nil {
			return fmt.Errorf("store: assign area admin: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrAlreadyAdmin
		}
		entry, err = s.appendAuditEntry(ctx, tx, AuditEntry{Action: AuditAdminGranted, AreaCode: areaCode,
			Actor: by.Masked, ActorName: by.Name, Subject: thaid.MaskPID(pid), SubjectName: s.knownName(ctx, tx, pid)})
		return err
	})
	if err != nil {
		return AuditEntry{}, err
	}
	return entry, nil
}

// RemoveAreaAdmin removes the area admin entry id, as a super-admin (by)
// does on the admin page, and writes the audit entry, which it returns (it
// names the admin as AssignAreaAdmin's does). An entry from ADMIN_PIDS comes
// back at the next start unless it is removed there too. It returns
// ErrNotFound for an unknown id or when by is not a super-admin.
func (s *Store) RemoveAreaAdmin(ctx context.Context, by Actor, id string) (AuditEntry, error) {
	var entry AuditEntry
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := requireSuper(ctx, tx, by.PID); err != nil {
			return err
		}
		var a AreaAdmin
		err := tx.QueryRowContext(ctx, `DELETE FROM area_admins WHERE id = $1 AND id <> '' RETURNING pid, area_code`, id).
			Scan(&a.PID, &a.AreaCode)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("store: remove area admin: %w", err)
		}
		entry, err = s.appendAuditEntry(ctx, tx, AuditEntry{Action: AuditAdminRemoved, AreaCode: a.AreaCode,
			Actor: by.Masked, ActorName: by.Name, Subject: thaid.MaskPID(a.PID), SubjectName: s.knownName(ctx, tx, a.PID)})
		if err != nil {
			return err
		}
		return forgetFormerAdmins(ctx, tx)
	})
	if err != nil {
		return AuditEntry{}, err
	}
	return entry, nil
}

// requireSuper returns ErrNotFound unless pid is a super-admin.
func requireSuper(ctx context.Context, tx *sql.Tx, pid string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM super_admins WHERE pid = $1`, pid).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store: super-admin check: %w", err)
	}
	return nil
}

// IsSuperAdmin reports whether the citizen with pid is a super-admin.
func (s *Store) IsSuperAdmin(ctx context.Context, pid string) (bool, error) {
	var one int
	err := s.db.QueryRowContext(ctx, `SELECT 1 FROM super_admins WHERE pid = $1`, pid).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: super-admin check: %w", err)
	}
	return true, nil
}

// SetSuperAdmins makes the super-admins of the given source exactly pids, in
// one transaction, and writes every change to the audit trail: SourceConfig
// at every start from ADMIN_PIDS. Super-admins of the other source are kept.
func (s *Store) SetSuperAdmins(ctx context.Context, source string, pids []string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		old, err := queryAll(ctx, tx, "set super-admins", func(row rowScanner) (string, error) {
			var p string
			return p, row.Scan(&p)
		}, `SELECT pid FROM super_admins WHERE source = $1`, source)
		if err != nil {
			return err
		}
		actor := auditConfigActor
		if source == SourceCommand {
			actor = auditCommandActor
		}
		for _, p := range pids {
			if slices.Contains(old, p) {
				continue
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO super_admins (pid, source) VALUES ($1, $2) ON CONFLICT (pid) DO NOTHING`, p, source)
			if err != nil {
				return fmt.Errorf("store: set super-admins: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				if err := s.appendAudit(ctx, tx, AuditEntry{Action: AuditSuperGranted, Actor: actor, Subject: thaid.MaskPID(p),
					SubjectName: s.knownName(ctx, tx, p)}); err != nil {
					return err
				}
			}
		}
		for _, p := range old {
			if slices.Contains(pids, p) {
				continue
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM super_admins WHERE pid = $1 AND source = $2`, p, source); err != nil {
				return fmt.Errorf("store: set super-admins: %w", err)
			}
			if err := s.appendAudit(ctx, tx, AuditEntry{Action: AuditSuperRemoved, Actor: actor, Subject: thaid.MaskPID(p),
				SubjectName: s.knownName(ctx, tx, p)}); err != nil {
				return err
			}
		}
		return forgetFormerAdmins(ctx, tx)
	})
}

// AddSuperAdmin makes pid a super-admin from the command line
// (-add-super-admin), kept across restarts whatever ADMIN_PIDS says: a
// super-admin from ADMIN_PIDS becomes one of the command line (recorded in
// the audit trail with that reason), so that leaving ADMIN_PIDS no longer
// removes them.
func (s *Store) AddSuperAdmin(ctx context.Context, pid string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var source string
		err := tx.QueryRowContext(ctx, `SELECT source FROM super_admins WHERE pid = $1`, pid).Scan(&source)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := tx.ExecContext(ctx, `INSERT INTO super_admins (pid, source) VALUES ($1, $2)`, pid, SourceCommand); err != nil {
				return fmt.Errorf("store: add super-admin: %w", err)
			}
			return s.appendAudit(ctx, tx, AuditEntry{Action: AuditSuperGranted, Actor: auditCommandActor, Subject: thaid.MaskPID(pid),
				SubjectName: s.knownName(ctx, tx, pid)})
		case err != nil:
			return fmt.Errorf("store: add super-admin: %w", err)
		case source == SourceCommand:
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE super_admins SET source = $1 WHERE pid = $2`, SourceCommand, pid); err != nil {
			return fmt.Errorf("store: add super-admin: %w", err)
		}
		return s.appendAudit(ctx, tx, AuditEntry{Action: AuditSuperGranted, Actor: auditCommandActor, Subject: thaid.MaskPID(pid),
			SubjectName: s.knownName(ctx, tx, pid), Reason: "already a super-admin from ADMIN_PIDS; now kept whatever ADMIN_PIDS says"})
	})
}

// AdminAreas lists the areas the citizen with pid administers (none: not an
// admin).
func (s *Store) AdminAreas(ctx context.Context, adminPID string) ([]Area, error) {
	return queryAll(ctx, s.db, "admin areas", scanArea,
		`SELECT `+areaColumns+`
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
