package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// SetAreaContact sets the contact of an area's office (phone, email; either
// may be "" to clear it), as an admin of the area or a super-admin (by) does
// in the app, and writes the audit entry (AuditAreaContact, the new contact
// as its reason). The caller validates the values. It returns ErrNotFound
// for an unknown area or when by may not edit it.
func (s *Store) SetAreaContact(ctx context.Context, by Actor, areaCode, phone, email string) error {
	phone, email = strings.TrimSpace(phone), strings.TrimSpace(email)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM areas a WHERE a.code = $1 AND (
			EXISTS (SELECT 1 FROM super_admins sa WHERE sa.pid = $2)
			OR EXISTS (SELECT 1 FROM area_admins aa WHERE aa.pid = $2 AND aa.area_code = a.code))`, areaCode, by.PID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("store: area contact: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE areas SET contact_phone = $1, contact_email = $2 WHERE code = $3`,
			phone, email, areaCode); err != nil {
			return fmt.Errorf("store: area contact: %w", err)
		}
		return s.appendAudit(ctx, tx, AuditEntry{Action: AuditAreaContact, AreaCode: areaCode,
			Actor: by.Masked, ActorName: by.Name, Reason: orDash(phone) + " · " + orDash(email)})
	})
}

// orDash is s, or "-" when s is empty.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
