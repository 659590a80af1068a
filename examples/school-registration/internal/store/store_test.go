package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/testdb"
)

// forEachDB runs fn against a fresh, seeded store of every kind.
func forEachDB(t *testing.T, fn func(t *testing.T, s *Store)) {
	t.Helper()
	for _, kind := range testdb.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			s := openTest(t, testdb.URL(t, kind))
			fn(t, s)
		})
	}
}

func openTest(t *testing.T, url string) *Store {
	t.Helper()
	s, err := Open(context.Background(), url)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.SeedSample(context.Background()); err != nil {
		t.Fatalf("SeedSample: %v", err)
	}
	return s
}

// pid returns a distinct 13-digit test PID (the store does not validate it).
func pid(i int) string { return fmt.Sprintf("1%012d", i) }

// adminList is every registration of the status that the admin's list
// shows, oldest first.
func adminList(ctx context.Context, s *Store, adminPID string, status Status) ([]Registration, error) {
	p, err := s.AdminRegistrations(ctx, RegistrationFilter{AdminPID: adminPID, Status: status, PageSize: 1000})
	return p.Registrations, err
}

func app(i int, school string) Application {
	return Application{CitizenPID: pid(i), SchoolCode: school, Name: PersonName{Given: "สมชาย", Family: "ใจดี"},
		Phone: "0812345678", Email: fmt.Sprintf("user%d@example.com", i)}
}

// mustApply registers applicant i for school, failing the test on an error.
func mustApply(t *testing.T, s *Store, i int, school string) Registration {
	t.Helper()
	reg, err := s.Apply(context.Background(), app(i, school))
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

const (
	kanLueang   = "1031030001" // โรงเรียนวัดก้านเหลือง, สพป.บุรีรัมย์ เขต 3
	anubanBRM   = "1031010001" // โรงเรียนอนุบาลบุรีรัมย์, เขต 1
	areaBRM1    = "3101"
	areaBRM3    = "3103"
	adminBRM1   = "3100000000011"
	adminBRM3   = "3100000000038"
	decidedMask = "3-1000-xxxxx-03-8"
)

func TestSeedSample(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		// Seeding twice is harmless.
		if err := s.SeedSample(ctx); err != nil {
			t.Fatalf("second SeedSample: %v", err)
		}
		areas, err := s.Areas(ctx)
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]string{}
		for _, a := range areas {
			names[a.Code] = a.Name
		}
		for i := 1; i <= 4; i++ {
			code := fmt.Sprintf("310%d", i)
			want := fmt.Sprintf("สพป.บุรีรัมย์ เขต %d", i)
			if names[code] != want {
				t.Errorf("area %s = %q, want %q", code, names[code], want)
			}
			schools, err := s.SchoolsInArea(ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			if len(schools) < 3 {
				t.Errorf("area %s has %d schools, want several", code, len(schools))
			}
		}
		sch, err := s.School(ctx, kanLueang)
		if err != nil {
			t.Fatal(err)
		}
		if sch.Name != "โรงเรียนวัดก้านเหลือง" || sch.AreaName != "สพป.บุรีรัมย์ เขต 3" {
			t.Errorf("school = %q in %q", sch.Name, sch.AreaName)
		}
		if sch.SeatLimit != SeatLimit || sch.SeatsFree() != SeatLimit {
			t.Errorf("seats: limit %d free %d", sch.SeatLimit, sch.SeatsFree())
		}
		if _, err := s.School(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown school: err = %v, want ErrNotFound", err)
		}
	})
}

func TestImportCSV(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		n, err := s.ImportAreas(ctx, strings.NewReader("\ufeffcode,name,province\n9901,สพป.ทดสอบ เขต 1,ทดสอบ\n"))
		if err != nil || n != 1 {
			t.Fatalf("ImportAreas = %d, %v", n, err)
		}
		n, err = s.ImportSchools(ctx, strings.NewReader(
			"code,area_code,name,district\n9901000001,9901,โรงเรียนทดสอบหนึ่ง,เมือง\n9901000002,9901,โรงเรียนทดสอบสอง,\n"))
		if err != nil || n != 2 {
			t.Fatalf("ImportSchools = %d, %v", n, err)
		}
		schools, err := s.SchoolsInArea(ctx, "9901")
		if err != nil || len(schools) != 2 {
			t.Fatalf("SchoolsInArea = %v, %v", schools, err)
		}
		bad := []struct {
			name, areas, schools string
		}{
			{"missing column", "code\n1\n", ""},
			{"empty name", "code,name\n9902,\n", ""},
			{"unknown area", "", "code,area_code,name\n9903000001,0000,โรงเรียนไม่มีเขต\n"},
			{"empty file", "", " "},
		}
		for _, tc := range bad {
			var err error
			if tc.areas != "" {
				_, err = s.ImportAreas(ctx, strings.NewReader(tc.areas))
			} else {
				_, err = s.ImportSchools(ctx, strings.NewReader(tc.schools))
			}
			if err == nil {
				t.Errorf("%s: import succeeded, want an error", tc.name)
			}
		}
		if _, err := s.ImportAreas(ctx, strings.NewReader("code\n1\n")); !errors.Is(err, ErrBadCSV) {
			t.Errorf("missing column: err = %v, want ErrBadCSV", err)
		}
	})
}

func TestApplyRules(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		applied, err := s.Apply(ctx, app(1, kanLueang))
		if err != nil {
			t.Fatalf("first Apply: %v", err)
		}
		r1, err := s.Registration(ctx, applied.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r1.Status != StatusPending || r1.SchoolName != "โรงเรียนวัดก้านเหลือง" || r1.AreaCode != areaBRM3 {
			t.Errorf("registration = %+v", r1)
		}
		if _, err := s.Apply(ctx, app(1, anubanBRM)); !errors.Is(err, ErrAlreadyRegistered) {
			t.Errorf("same citizen again: err = %v, want ErrAlreadyRegistered", err)
		}
		if _, err := s.Apply(ctx, app(2, kanLueang)); err != nil {
			t.Fatalf("second seat: %v", err)
		}
		if _, err := s.Apply(ctx, app(3, kanLueang)); !errors.Is(err, ErrSchoolFull) {
			t.Errorf("third applicant: err = %v, want ErrSchoolFull", err)
		}
		if _, err := s.Apply(ctx, app(4, "0000000000")); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown school: err = %v, want ErrNotFound", err)
		}

		// A rejection frees the seat and is shown to the applicant; they may apply again.
		if err := s.SetAreaAdmins(ctx, []AreaAdmin{{adminBRM3, areaBRM3}}); err != nil {
			t.Fatal(err)
		}
		if err := s.Reject(ctx, Actor{PID: adminBRM3, Masked: decidedMask}, r1.ID, "เอกสารไม่ครบ"); err != nil {
			t.Fatalf("Reject: %v", err)
		}
		cur, err := s.CurrentRegistration(ctx, pid(1))
		if err != nil {
			t.Fatal(err)
		}
		if cur.Status != StatusRejected || cur.Reason != "เอกสารไม่ครบ" || cur.DecidedBy != decidedMask || cur.DecidedAt.IsZero() {
			t.Errorf("after reject: %+v", cur)
		}
		if err := s.Reject(ctx, Actor{PID: adminBRM3, Masked: decidedMask}, r1.ID, "again"); !errors.Is(err, ErrNotFound) {
			t.Errorf("reject twice: err = %v, want ErrNotFound", err)
		}
		if _, err := s.Apply(ctx, app(3, kanLueang)); err != nil {
			t.Errorf("freed seat: %v", err)
		}
		if _, err := s.Apply(ctx, app(1, anubanBRM)); err != nil {
			t.Errorf("rejected citizen applies again: %v", err)
		}
		cur, err = s.CurrentRegistration(ctx, pid(1))
		if err != nil || cur.Status != StatusPending || cur.SchoolCode != anubanBRM {
			t.Errorf("current after re-apply: %+v, %v", cur, err)
		}
		if _, err := s.CurrentRegistration(ctx, pid(99)); !errors.Is(err, ErrNotFound) {
			t.Errorf("no registration: err = %v", err)
		}
		if bad, err := s.SeatCheck(ctx); err != nil || len(bad) != 0 {
			t.Errorf("SeatCheck = %v, %v", bad, err)
		}
	})
}

func TestAdminAreaIsolation(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if err := s.SetAreaAdmins(ctx, []AreaAdmin{{adminBRM1, areaBRM1}, {adminBRM3, areaBRM3}}); err != nil {
			t.Fatal(err)
		}
		inBRM3, err := s.Apply(ctx, app(1, kanLueang))
		if err != nil {
			t.Fatal(err)
		}
		inBRM1, err := s.Apply(ctx, app(2, anubanBRM))
		if err != nil {
			t.Fatal(err)
		}

		list, err := adminList(ctx, s, adminBRM1, StatusPending)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].ID != inBRM1.ID {
			t.Errorf("admin of เขต 1 sees %+v, want only their area's registration", list)
		}
		// The admin of เขต 1 can neither approve nor reject in เขต 3.
		if err := s.Approve(ctx, Actor{PID: adminBRM1, Masked: "x"}, inBRM3.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("cross-area approve: err = %v, want ErrNotFound", err)
		}
		if err := s.Reject(ctx, Actor{PID: adminBRM1, Masked: "x"}, inBRM3.ID, "no"); !errors.Is(err, ErrNotFound) {
			t.Errorf("cross-area reject: err = %v, want ErrNotFound", err)
		}
		// Nor can a citizen who is no admin at all.
		if err := s.Approve(ctx, Actor{PID: pid(2), Masked: "x"}, inBRM1.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("non-admin approve: err = %v, want ErrNotFound", err)
		}
		if got, _ := s.Registration(ctx, inBRM3.ID); got.Status != StatusPending {
			t.Errorf("cross-area decision changed the registration: %+v", got)
		}
		if err := s.Approve(ctx, Actor{PID: adminBRM3, Masked: decidedMask}, inBRM3.ID); err != nil {
			t.Errorf("own-area approve: %v", err)
		}
		if err := s.Approve(ctx, Actor{PID: adminBRM3, Masked: decidedMask}, inBRM3.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("approve twice: err = %v, want ErrNotFound", err)
		}
		areas, err := s.AdminAreas(ctx, adminBRM3)
		if err != nil || len(areas) != 1 || areas[0].Code != areaBRM3 {
			t.Errorf("AdminAreas = %+v, %v", areas, err)
		}
		if areas, _ := s.AdminAreas(ctx, pid(2)); len(areas) != 0 {
			t.Errorf("non-admin has areas %+v", areas)
		}
	})
}

func TestWebsiteManagement(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if err := s.SetAreaAdmins(ctx, []AreaAdmin{{adminBRM3, areaBRM3}}); err != nil {
			t.Fatal(err)
		}
		reg, err := s.Apply(ctx, app(1, kanLueang))
		if err != nil {
			t.Fatal(err)
		}
		// Pending is not enough.
		if err := s.UpdateSchoolAbout(ctx, pid(1), kanLueang, "x"); !errors.Is(err, ErrNotApproved) {
			t.Errorf("pending about: err = %v, want ErrNotApproved", err)
		}
		if _, err := s.PostNews(ctx, pid(1), kanLueang, "t", "b", "a"); !errors.Is(err, ErrNotApproved) {
			t.Errorf("pending news: err = %v, want ErrNotApproved", err)
		}
		if err := s.Approve(ctx, Actor{PID: adminBRM3, Masked: decidedMask}, reg.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateSchoolAbout(ctx, pid(1), kanLueang, "  โรงเรียนวัดก้านเหลือง ยินดีต้อนรับ  "); err != nil {
			t.Fatalf("UpdateSchoolAbout: %v", err)
		}
		// Approved for one school says nothing about another.
		if err := s.UpdateSchoolAbout(ctx, pid(1), anubanBRM, "x"); !errors.Is(err, ErrNotApproved) {
			t.Errorf("other school: err = %v, want ErrNotApproved", err)
		}
		if _, err := s.PostNews(ctx, pid(1), kanLueang, "เปิดภาคเรียน", "เปิดภาคเรียนที่ 1 วันที่ 16 พฤษภาคม", "สมชาย ใจดี"); err != nil {
			t.Fatalf("PostNews: %v", err)
		}
		sch, err := s.School(ctx, kanLueang)
		if err != nil || sch.About != "โรงเรียนวัดก้านเหลือง ยินดีต้อนรับ" || sch.UpdatedAt.IsZero() {
			t.Errorf("school = %+v, %v", sch, err)
		}
		news, err := s.SchoolNews(ctx, kanLueang, 10)
		if err != nil || len(news) != 1 || news[0].Title != "เปิดภาคเรียน" {
			t.Errorf("news = %+v, %v", news, err)
		}
	})
}

// TestSeatRace sends 50 concurrent applications for the last free seat of a
// school: exactly one must win, the rest get ErrSchoolFull, and the counter
// must match the rows.
func TestSeatRace(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if _, err := s.Apply(ctx, app(0, kanLueang)); err != nil {
			t.Fatal(err)
		}
		const n = 50
		var wg sync.WaitGroup
		errs := make([]error, n)
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				_, errs[i] = s.Apply(ctx, app(i+1, kanLueang))
			})
		}
		close(start)
		wg.Wait()
		won := 0
		for i, err := range errs {
			switch {
			case err == nil:
				won++
			case errors.Is(err, ErrSchoolFull):
			default:
				t.Errorf("applicant %d: unexpected error %v", i+1, err)
			}
		}
		if won != 1 {
			t.Errorf("%d applicants won the last seat, want exactly 1", won)
		}
		sch, err := s.School(ctx, kanLueang)
		if err != nil || sch.SeatsTaken != SeatLimit {
			t.Errorf("seats taken = %d, %v", sch.SeatsTaken, err)
		}
		if bad, err := s.SeatCheck(ctx); err != nil || len(bad) != 0 {
			t.Errorf("SeatCheck = %v, %v", bad, err)
		}
	})
}

// TestOneCitizenRace: one citizen applying to many schools at once ends up
// with exactly one registration.
func TestOneCitizenRace(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		schools, err := s.SchoolsInArea(ctx, areaBRM3)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, len(schools)*2)
		for i := range errs {
			wg.Go(func() { _, errs[i] = s.Apply(ctx, app(7, schools[i%len(schools)].Code)) })
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
			} else if !errors.Is(err, ErrAlreadyRegistered) {
				t.Errorf("unexpected error %v", err)
			}
		}
		if won != 1 {
			t.Errorf("citizen holds %d registrations, want 1", won)
		}
		if bad, err := s.SeatCheck(ctx); err != nil || len(bad) != 0 {
			t.Errorf("SeatCheck = %v, %v", bad, err)
		}
	})
}

// TestSetAreaAdmins: the stored admins are exactly the last list set, so an
// admin left out loses their rights; an unknown area changes nothing.
func TestSetAreaAdmins(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		areasOf := func(pid string) []string {
			t.Helper()
			areas, err := s.AdminAreas(ctx, pid)
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, a := range areas {
				codes = append(codes, a.Code)
			}
			return codes
		}
		both := []AreaAdmin{{adminBRM1, areaBRM1}, {adminBRM3, areaBRM3}, {adminBRM3, areaBRM1}, {adminBRM3, areaBRM3}}
		if err := s.SetAreaAdmins(ctx, both); err != nil {
			t.Fatal(err)
		}
		if got := areasOf(adminBRM3); strings.Join(got, ",") != areaBRM1+","+areaBRM3 {
			t.Errorf("admin of เขต 1 and 3 has areas %v", got)
		}
		// adminBRM1 removed, adminBRM3 keeps only เขต 3.
		if err := s.SetAreaAdmins(ctx, []AreaAdmin{{adminBRM3, areaBRM3}}); err != nil {
			t.Fatal(err)
		}
		if got := areasOf(adminBRM1); len(got) != 0 {
			t.Errorf("removed admin still has areas %v", got)
		}
		if got := areasOf(adminBRM3); strings.Join(got, ",") != areaBRM3 {
			t.Errorf("admin has areas %v, want only %s", got, areaBRM3)
		}
		// An unknown area fails and leaves the previous admins in place.
		if err := s.SetAreaAdmins(ctx, []AreaAdmin{{adminBRM1, areaBRM1}, {adminBRM1, "0000"}}); !errors.Is(err, ErrNotFound) {
			t.Errorf("admin of unknown area: err = %v, want ErrNotFound", err)
		}
		if got := areasOf(adminBRM1); len(got) != 0 {
			t.Errorf("failed SetAreaAdmins added areas %v", got)
		}
		if got := areasOf(adminBRM3); strings.Join(got, ",") != areaBRM3 {
			t.Errorf("failed SetAreaAdmins changed areas to %v", got)
		}
		// No admins at all.
		if err := s.SetAreaAdmins(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if got := areasOf(adminBRM3); len(got) != 0 {
			t.Errorf("empty list left areas %v", got)
		}
	})
}

// TestAdminCannotDecideOwn: an area admin who applies for a school in their
// own area neither sees their registration in the list nor can approve or
// reject it; another admin of the area can.
func TestAdminCannotDecideOwn(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if err := s.SetAreaAdmins(ctx, []AreaAdmin{{adminBRM3, areaBRM3}, {adminBRM1, areaBRM3}}); err != nil {
			t.Fatal(err)
		}
		own, err := s.Apply(ctx, Application{CitizenPID: adminBRM3, SchoolCode: kanLueang, Name: PersonName{Given: "ประเสริฐ",
			Family: "วงศ์ทอง"}, Phone: "0812345678", Email: "admin@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		list, err := adminList(ctx, s, adminBRM3, StatusPending)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 0 {
			t.Errorf("admin sees their own registration: %+v", list)
		}
		if err := s.Approve(ctx, Actor{PID: adminBRM3, Masked: decidedMask}, own.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("self-approve: err = %v, want ErrNotFound", err)
		}
		if err := s.Reject(ctx, Actor{PID: adminBRM3, Masked: decidedMask}, own.ID, "x"); !errors.Is(err, ErrNotFound) {
			t.Errorf("self-reject: err = %v, want ErrNotFound", err)
		}
		if got, _ := s.Registration(ctx, own.ID); got.Status != StatusPending {
			t.Errorf("self-decision changed the registration: %+v", got)
		}
		// The other admin of the area sees and decides it.
		if list, _ := adminList(ctx, s, adminBRM1, StatusPending); len(list) != 1 || list[0].ID != own.ID {
			t.Errorf("co-admin sees %+v, want the registration", list)
		}
		if err := s.Approve(ctx, Actor{PID: adminBRM1, Masked: "x"}, own.ID); err != nil {
			t.Errorf("co-admin approve: %v", err)
		}
		if list, _ := adminList(ctx, s, adminBRM3, StatusApproved); len(list) != 0 {
			t.Errorf("admin sees their own approved registration: %+v", list)
		}
	})
}

// TestRevoke: an area admin withdraws an approved registration with a
// reason; the seat is freed in the same transaction, the citizen no longer
// manages the school and may apply again. Only approved registrations of the
// admin's areas, and not the admin's own, can be revoked.
func TestRevoke(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if err := s.SetAreaAdmins(ctx, []AreaAdmin{{adminBRM3, areaBRM3}, {adminBRM1, areaBRM1}, {pid(9), areaBRM3}}); err != nil {
			t.Fatal(err)
		}
		reg, err := s.Apply(ctx, app(1, kanLueang))
		if err != nil {
			t.Fatal(err)
		}
		// A pending registration is rejected, not revoked.
		if err := s.Revoke(ctx, Actor{PID: adminBRM3, Masked: decidedMask}, reg.ID, "x"); !errors.Is(err, ErrNotFound) {
			t.Errorf("revoke pending: err = %v, want ErrNotFound", err)
		}
		if err := s.Approve(ctx, Actor{PID: adminBRM3, Masked: decidedMask}, reg.ID); err != nil {
			t.Fatal(err)
		}
		approved, err := adminList(ctx, s, adminBRM3, StatusApproved)
		if err != nil || len(approved) != 1 || approved[0].ID != reg.ID {
			t.Errorf("approved list = %+v, %v", approved, err)
		}
		if err := s.Revoke(ctx, Actor{PID: adminBRM1, Masked: "x"}, reg.ID, "x"); !errors.Is(err, ErrNotFound) {
			t.Errorf("cross-area revoke: err = %v, want ErrNotFound", err)
		}
		if err := s.Revoke(ctx, Actor{PID: pid(5), Masked: "x"}, reg.ID, "x"); !errors.Is(err, ErrNotFound) {
			t.Errorf("non-admin revoke: err = %v, want ErrNotFound", err)
		}
		if err := s.Revoke(ctx, Actor{PID: adminBRM3, Masked: decidedMask}, reg.ID, "ย้ายโรงเรียนแล้ว"); err != nil {
			t.Fatalf("Revoke: %v", err)
		}
		if err := s.Revoke(ctx, Actor{PID: adminBRM3, Masked: decidedMask}, reg.ID, "again"); !errors.Is(err, ErrNotFound) {
			t.Errorf("revoke twice: err = %v, want ErrNotFound", err)
		}
		got, err := s.CurrentRegistration(ctx, pid(1))
		if err != nil || got.Status != StatusRejected || got.Reason != "ย้ายโรงเรียนแล้ว" || got.DecidedBy != decidedMask {
			t.Errorf("after revoke: %+v, %v", got, err)
		}
		if err := s.UpdateSchoolAbout(ctx, pid(1), kanLueang, "x"); !errors.Is(err, ErrNotApproved) {
			t.Errorf("revoked user edits About: err = %v, want ErrNotApproved", err)
		}
		if sch, _ := s.School(ctx, kanLueang); sch.SeatsTaken != 0 {
			t.Errorf("seats_taken = %d after revoke, want 0", sch.SeatsTaken)
		}
		if bad, err := s.SeatCheck(ctx); err != nil || len(bad) != 0 {
			t.Errorf("SeatCheck = %v, %v", bad, err)
		}
		// The citizen may apply again.
		if _, err := s.Apply(ctx, app(1, kanLueang)); err != nil {
			t.Errorf("apply after revoke: %v", err)
		}

		// An admin cannot revoke their own approved registration.
		own, err := s.Apply(ctx, Application{CitizenPID: pid(9), SchoolCode: kanLueang, Name: PersonName{Given: "ก",
			Family: "ข"}, Phone: "0812345678", Email: "a@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Approve(ctx, Actor{PID: adminBRM3, Masked: decidedMask}, own.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.Revoke(ctx, Actor{PID: pid(9), Masked: "x"}, own.ID, "x"); !errors.Is(err, ErrNotFound) {
			t.Errorf("self-revoke: err = %v, want ErrNotFound", err)
		}
	})
}
