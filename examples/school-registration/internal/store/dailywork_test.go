package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/thaid-go/thaid-go/thaid"
)

// TestDecisionsRecorded (issue 25): each decision is kept as what it was
// (approved, rejected, revoked) with the deciding admin's name, and every
// audit entry of a registration names it.
func TestDecisionsRecorded(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if err := s.SetAreaAdmins(ctx, []AreaAdmin{{adminBRM3, areaBRM3}}); err != nil {
			t.Fatal(err)
		}
		by := Actor{PID: adminBRM3, Masked: thaid.MaskPID(adminBRM3), Name: "นาย ประเสริฐ วงศ์ทอง"}
		rejected := mustApply(t, s, 1, kanLueang)
		revoked := mustApply(t, s, 2, kanLueang)
		if r, _ := s.Registration(ctx, rejected.ID); r.Decision != DecisionNone || r.DecidedByName != "" {
			t.Errorf("pending registration: decision %q by %q", r.Decision, r.DecidedByName)
		}
		if err := s.Reject(ctx, by, rejected.ID, "เอกสารไม่ครบ"); err != nil {
			t.Fatal(err)
		}
		if err := s.Approve(ctx, by, revoked.ID); err != nil {
			t.Fatal(err)
		}
		if r, _ := s.Registration(ctx, revoked.ID); r.Decision != DecisionApproved || r.DecidedByName != by.Name {
			t.Errorf("approved: decision %q by %q", r.Decision, r.DecidedByName)
		}
		if err := s.Revoke(ctx, by, revoked.ID, "ย้ายโรงเรียน"); err != nil {
			t.Fatal(err)
		}
		for id, want := range map[string]Decision{rejected.ID: DecisionRejected, revoked.ID: DecisionRevoked} {
			r, err := s.Registration(ctx, id)
			if err != nil || r.Status != StatusRejected || r.Decision != want || r.DecidedByName != by.Name || r.DecidedBy != by.Masked {
				t.Errorf("registration %s: status %s, decision %q by %q (%s), %v; want rejected, %q by %q",
					id, r.Status, r.Decision, r.DecidedByName, r.DecidedBy, err, want, by.Name)
			}
		}
		// Both stay on the list of rejected registrations, each with its decision.
		list, err := adminList(ctx, s, adminBRM3, StatusRejected)
		if err != nil || len(list) != 2 {
			t.Fatalf("rejected list: %+v, %v", list, err)
		}
		var decisions []string
		for _, r := range list {
			decisions = append(decisions, string(r.Decision))
		}
		slices.Sort(decisions)
		if !slices.Equal(decisions, []string{"rejected", "revoked"}) {
			t.Errorf("the rejected list's decisions: %v", decisions)
		}
		// The audit entries of the revoked registration: registered, approved, revoked.
		entries, err := s.Audit(ctx, AuditFilter{RegistrationID: revoked.ID})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
			if e.SchoolName != "โรงเรียนวัดก้านเหลือง" || e.RegistrationID != revoked.ID {
				t.Errorf("entry %+v: want the school's name and the registration", e)
			}
		}
		if !slices.Equal(actions, []string{AuditRevoked, AuditApproved, AuditRegistered}) {
			t.Errorf("entries of the revoked registration: %v", actions)
		}
		e, err := s.AuditEntryByID(ctx, entries[0].ID)
		if err != nil || e.ID != entries[0].ID || e.Action != AuditRevoked || e.SchoolName == "" {
			t.Errorf("AuditEntryByID: %+v, %v", e, err)
		}
		if _, err := s.AuditEntryByID(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Errorf("AuditEntryByID of an unknown id: %v", err)
		}
	})
}

// TestRegistrationForReader: an area admin reads the registrations of their
// areas, a super-admin of every area, and nobody their own.
func TestRegistrationForReader(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		super := pid(90)
		if err := s.SetSuperAdmins(ctx, SourceConfig, []string{super}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetAreaAdmins(ctx, []AreaAdmin{{adminBRM1, areaBRM1}, {adminBRM3, areaBRM3}}); err != nil {
			t.Fatal(err)
		}
		inBRM3 := mustApply(t, s, 1, kanLueang)
		superOwn := mustApply(t, s, 90, anubanBRM)
		for _, c := range []struct {
			reader, id string
			ok         bool
		}{
			{adminBRM3, inBRM3.ID, true},
			{adminBRM1, inBRM3.ID, false}, // another area
			{super, inBRM3.ID, true},      // a super-admin reads every area
			{super, superOwn.ID, false},   // never their own
			{adminBRM1, superOwn.ID, true},
			{pid(5), inBRM3.ID, false}, // no admin
			{adminBRM3, "nope", false},
		} {
			r, err := s.RegistrationForReader(ctx, c.reader, c.id)
			if got := err == nil; got != c.ok || (c.ok && r.ID != c.id) || (!c.ok && !errors.Is(err, ErrNotFound)) {
				t.Errorf("RegistrationForReader(%s, %s) = %v, %v; want readable %v", c.reader, c.id, r.ID, err, c.ok)
			}
			m, err := s.RegistrationsForReader(ctx, c.reader, []string{c.id, "other"})
			if _, got := m[c.id]; err != nil || got != c.ok || len(m) > 1 {
				t.Errorf("RegistrationsForReader(%s, %s) = %v, %v; want readable %v", c.reader, c.id, m, err, c.ok)
			}
		}
		if m, err := s.RegistrationsForReader(ctx, super, nil); err != nil || len(m) != 0 {
			t.Errorf("RegistrationsForReader of no ids: %v, %v", m, err)
		}
	})
}

// TestAreaContact: an area's admins and the super-admins set the office's
// contact, which registrations carry; nobody else can; importing the areas
// again keeps it; each change is in the audit trail.
func TestAreaContact(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		super := pid(90)
		if err := s.SetSuperAdmins(ctx, SourceConfig, []string{super}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetAreaAdmins(ctx, []AreaAdmin{{adminBRM1, areaBRM1}, {adminBRM3, areaBRM3}}); err != nil {
			t.Fatal(err)
		}
		admin3 := Actor{PID: adminBRM3, Masked: thaid.MaskPID(adminBRM3), Name: "นาย ประเสริฐ วงศ์ทอง"}
		if err := s.SetAreaContact(ctx, admin3, areaBRM3, "044611234", "office3@example.go.th"); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			by   string
			area string
		}{{adminBRM1, areaBRM3}, {pid(5), areaBRM3}, {super, "0000"}} {
			if err := s.SetAreaContact(ctx, Actor{PID: c.by}, c.area, "021234567", ""); !errors.Is(err, ErrNotFound) {
				t.Errorf("SetAreaContact by %s of %s: %v, want ErrNotFound", c.by, c.area, err)
			}
		}
		if err := s.SetAreaContact(ctx, Actor{PID: super, Masked: thaid.MaskPID(super)}, areaBRM1, "021234567", ""); err != nil {
			t.Errorf("the super-admin sets another area's contact: %v", err)
		}
		a, err := s.Area(ctx, areaBRM3)
		if err != nil || a.ContactPhone != "044611234" || a.ContactEmail != "office3@example.go.th" {
			t.Errorf("area after SetAreaContact: %+v, %v", a, err)
		}
		if _, err := s.ImportAreas(ctx, strings.NewReader("code,name\n"+areaBRM3+",สพป.บุรีรัมย์ เขต 3 (ใหม่)\n")); err != nil {
			t.Fatal(err)
		}
		reg := mustApply(t, s, 1, kanLueang)
		r, err := s.Registration(ctx, reg.ID)
		if err != nil || r.AreaPhone != "044611234" || r.AreaEmail != "office3@example.go.th" || r.AreaName != "สพป.บุรีรัมย์ เขต 3 (ใหม่)" {
			t.Errorf("registration's area after a new import: %q %q %q, %v", r.AreaName, r.AreaPhone, r.AreaEmail, err)
		}
		areas, err := s.AdminAreas(ctx, adminBRM3)
		if err != nil || len(areas) != 1 || areas[0].ContactPhone != "044611234" {
			t.Errorf("AdminAreas: %+v, %v", areas, err)
		}
		entries, err := s.Audit(ctx, AuditFilter{Action: AuditAreaContact})
		if err != nil || len(entries) != 2 {
			t.Fatalf("area_contact entries: %+v, %v", entries, err)
		}
		if e := entries[1]; e.AreaCode != areaBRM3 || e.Actor != admin3.Masked || e.ActorName != admin3.Name ||
			e.Reason != "044611234 · office3@example.go.th" {
			t.Errorf("area_contact entry: %+v", e)
		}
		if entries[0].Reason != "021234567 · -" {
			t.Errorf("area_contact entry without an email: %q", entries[0].Reason)
		}
		// Cleared.
		if err := s.SetAreaContact(ctx, admin3, areaBRM3, "", ""); err != nil {
			t.Fatal(err)
		}
		if a, _ := s.Area(ctx, areaBRM3); a.ContactPhone != "" || a.ContactEmail != "" {
			t.Errorf("cleared contact: %+v", a)
		}
	})
}

// TestAdminNames: an admin's name is kept as their login sent it, shown on
// the lists of admins and in the audit entries about them, and forgotten
// when they are no longer an admin; a citizen who is no admin is not kept.
func TestAdminNames(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		super := pid(90)
		superName := PersonName{Title: "นาง", Given: "มาลี", Family: "ศรีสุข"}
		admin3Name := PersonName{Title: "นาย", Given: "ประเสริฐ", Family: "วงศ์ทอง", GivenEN: "Prasert", FamilyEN: "Wongthong"}
		if err := s.SetSuperAdmins(ctx, SourceConfig, []string{super}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetAreaAdmins(ctx, []AreaAdmin{{adminBRM3, areaBRM3}, {super, areaBRM1}}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			pid  string
			name PersonName
			kept bool
		}{{super, superName, true}, {adminBRM3, admin3Name, true}, {pid(5), PersonName{Given: "ไม่ใช่", Family: "ผู้ดูแล"}, false}} {
			if kept, err := s.RecordAdminName(ctx, c.pid, c.name); err != nil || kept != c.kept {
				t.Errorf("RecordAdminName(%s) = %v, %v; want %v", c.pid, kept, err, c.kept)
			}
		}
		// A later login with another name replaces it.
		admin3Name.Middle = "ชัย"
		if _, err := s.RecordAdminName(ctx, adminBRM3, admin3Name); err != nil {
			t.Fatal(err)
		}
		list, err := s.AreaAdmins(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]AreaAdminEntry{}
		for _, e := range list {
			got[e.AreaCode] = e
		}
		if e := got[areaBRM3]; e.Name != admin3Name || e.Super || e.MaskedPID != thaid.MaskPID(adminBRM3) {
			t.Errorf("admin of เขต 3: %+v", e)
		}
		if e := got[areaBRM1]; e.Name != superName || !e.Super {
			t.Errorf("the super-admin as admin of เขต 1: %+v", e)
		}
		if e, err := s.AreaAdminByID(ctx, got[areaBRM3].ID); err != nil || e != got[areaBRM3] {
			t.Errorf("AreaAdminByID: %+v, %v", e, err)
		}
		if _, err := s.AreaAdminByID(ctx, ""); !errors.Is(err, ErrNotFound) {
			t.Errorf("AreaAdminByID(\"\"): %v", err)
		}
		supers, err := s.SuperAdmins(ctx)
		if err != nil || len(supers) != 1 || supers[0].Name != superName || supers[0].Source != SourceConfig ||
			supers[0].MaskedPID != thaid.MaskPID(super) {
			t.Errorf("SuperAdmins: %+v, %v", supers, err)
		}

		// Assigned and removed: the audit entries name the person, from their admin login
		// or, for one who never logged in as an admin, their registration; else by masked PID only.
		by := Actor{PID: super, Masked: thaid.MaskPID(super), Name: superName.Full()}
		applicant := mustApply(t, s, 7, kanLueang)
		granted, err := s.AssignAreaAdmin(ctx, by, applicant.CitizenPID, areaBRM3)
		if err != nil || granted.ID == "" || granted.SubjectName != "สมชาย ใจดี" || granted.Subject != thaid.MaskPID(pid(7)) {
			t.Errorf("assign entry: %+v, %v; want the name of the registration", granted, err)
		}
		if e, err := s.AssignAreaAdmin(ctx, by, pid(8), areaBRM3); err != nil || e.SubjectName != "" || e.Subject != thaid.MaskPID(pid(8)) {
			t.Errorf("assign entry of someone unknown: %+v, %v", e, err)
		}
		removed, err := s.RemoveAreaAdmin(ctx, by, got[areaBRM3].ID)
		if err != nil || removed.SubjectName != admin3Name.Full() || removed.AreaCode != areaBRM3 {
			t.Errorf("remove entry: %+v, %v", removed, err)
		}
		if e, err := s.AuditEntryByID(ctx, removed.ID); err != nil || e.SubjectName != admin3Name.Full() {
			t.Errorf("the removal's entry: %+v, %v", e, err)
		}
		// No longer an admin: the name is forgotten, and a new login records nothing.
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM admin_names WHERE pid = $1`, adminBRM3).Scan(&n); err != nil || n != 0 {
			t.Errorf("the former admin's name is kept (%d rows, %v)", n, err)
		}
		if kept, err := s.RecordAdminName(ctx, adminBRM3, admin3Name); err != nil || kept {
			t.Errorf("RecordAdminName of a former admin: %v, %v", kept, err)
		}
		// The super-admin removed from ADMIN_PIDS, but still an area admin: the name stays;
		// removed from that too: gone.
		if err := s.SetSuperAdmins(ctx, SourceConfig, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM admin_names WHERE pid = $1`, super).Scan(&n); err != nil || n != 1 {
			t.Errorf("the name of an area admin no longer super-admin: %d rows, %v", n, err)
		}
		entries, err := s.Audit(ctx, AuditFilter{Action: AuditSuperRemoved})
		if err != nil || len(entries) != 1 || entries[0].SubjectName != superName.Full() {
			t.Errorf("superadmin_removed entry: %+v, %v", entries, err)
		}
		if err := s.SetAreaAdmins(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM admin_names WHERE pid = $1`, super).Scan(&n); err != nil || n != 0 {
			t.Errorf("the name of someone no longer an admin: %d rows, %v", n, err)
		}
	})
}
