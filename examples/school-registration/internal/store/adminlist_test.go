package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/testdb"
	"github.com/thaid-go/thaid-go/thaid"
)

// bigStore returns a store on a fresh database of the kind, filled by
// testdb.SeedBigArea, with adminBRM3 the admin of its big area and adminBRM1
// the admin of เขต 1.
func bigStore(t *testing.T, kind testdb.Kind) (*Store, testdb.BigSeed) {
	t.Helper()
	url := testdb.URL(t, kind)
	s := openTest(t, url)
	seed := testdb.SeedBigArea(t, kind, url)
	if err := s.SetAreaAdmins(context.Background(), []AreaAdmin{{adminBRM3, testdb.BigArea}, {adminBRM1, areaBRM1}}); err != nil {
		t.Fatal(err)
	}
	return s, seed
}

// ids returns the ids of a page, in its order.
func ids(p RegistrationPage) []string {
	var out []string
	for _, r := range p.Registrations {
		out = append(out, r.ID)
	}
	return out
}

// TestAdminListAtScale (issue 26), on both databases, with an area of 400
// schools and 800 pending registrations among 10,000: pages of 50 in either
// order, counts per status, the search by school, name, phone, email and the
// last 4 digits of the ID, the filters, and the area limit that no filter or
// search crosses.
func TestAdminListAtScale(t *testing.T) {
	for _, kind := range testdb.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ctx := context.Background()
			s, seed := bigStore(t, kind)
			list := func(f RegistrationFilter) RegistrationPage {
				t.Helper()
				if f.AdminPID == "" {
					f.AdminPID = adminBRM3
				}
				p, err := s.AdminRegistrations(ctx, f)
				if err != nil {
					t.Fatalf("AdminRegistrations(%+v): %v", f, err)
				}
				if !f.AllAreas {
					for _, r := range p.Registrations {
						if r.AreaCode != testdb.BigArea && f.AdminPID == adminBRM3 {
							t.Errorf("filter %+v lists %s of area %s", f, r.ID, r.AreaCode)
						}
					}
				}
				return p
			}
			var pending, rejected []testdb.BigRegistration // of the big area, oldest first
			byID := map[string]testdb.BigRegistration{}
			for _, r := range seed.Registrations {
				byID[r.ID] = r
				if r.Area == testdb.BigArea && r.Status == "pending" {
					pending = append(pending, r)
				}
				if r.Area == testdb.BigArea && r.Status == "rejected" {
					rejected = append(rejected, r)
				}
			}
			if len(pending) != testdb.BigAreaPending || len(seed.Registrations) != testdb.BigTotal {
				t.Fatalf("seeded %d pending of %d, want %d of %d", len(pending), len(seed.Registrations), testdb.BigAreaPending, testdb.BigTotal)
			}

			// Pages of 50, oldest first by default, with the counts per status.
			first := list(RegistrationFilter{Status: StatusPending})
			if first.Total != 800 || first.Pages != 16 || first.Page != 1 || len(first.Registrations) != 50 {
				t.Fatalf("first page: total %d, page %d of %d, %d rows; want 800, 1 of 16, 50", first.Total, first.Page, first.Pages, len(first.Registrations))
			}
			if want := map[Status]int{StatusPending: 800, StatusRejected: 1000}; !mapsEqual(first.Counts, want) {
				t.Errorf("counts %v, want %v", first.Counts, want)
			}
			var all []string
			for page := 1; page <= 16; page++ {
				all = append(all, ids(list(RegistrationFilter{Status: StatusPending, Page: page}))...)
			}
			var want []string
			for _, r := range pending {
				want = append(want, r.ID)
			}
			if !slices.Equal(all, want) {
				t.Errorf("16 pages, oldest first, do not list the 800 pending once each in order (%d listed)", len(all))
			}
			newest := list(RegistrationFilter{Status: StatusPending, NewestFirst: true, Page: 16})
			if got := ids(newest); len(got) != 50 || got[0] != want[49] || got[49] != want[0] {
				t.Errorf("last page newest first: %d rows from %v", len(got), got[:min(1, len(got))])
			}
			if beyond := list(RegistrationFilter{Status: StatusPending, Page: 99}); beyond.Page != 16 || len(beyond.Registrations) != 50 {
				t.Errorf("page 99: page %d with %d rows, want the last page (16) with 50", beyond.Page, len(beyond.Registrations))
			}
			if p := list(RegistrationFilter{Status: StatusPending, Page: -3}); p.Page != 1 {
				t.Errorf("page -3: page %d, want 1", p.Page)
			}

			// One school, by its code in the search, by the school filter, by its name.
			school := seed.Schools[123] // of the big area
			if school.Code[2:6] != testdb.BigArea {
				t.Fatalf("school %+v is not of the big area", school)
			}
			var ofSchool []string
			for _, r := range pending {
				if r.School == school.Code {
					ofSchool = append(ofSchool, r.ID)
				}
			}
			for _, f := range []RegistrationFilter{
				{Status: StatusPending, Search: school.Code},
				{Status: StatusPending, School: school.Code},
				{Status: StatusPending, Search: school.Name},
				{Status: StatusPending, Search: " " + strings.ToUpper(school.Name) + " "},
			} {
				if got := ids(list(f)); !slices.Equal(got, ofSchool) {
					t.Errorf("%+v lists %v, want the school's %v", f, got, ofSchool)
				}
			}

			// An applicant by name (each word anywhere in it), phone, email, last 4 digits, masked ID.
			target := pending[321]
			for _, q := range []string{
				target.Title + " " + target.Given + " " + target.Family,
				target.Given + " " + target.Family + " " + target.Phone[6:],
				target.Phone, target.Phone[:3] + "-" + target.Phone[3:6] + "-" + target.Phone[6:], "+66" + target.Phone[1:],
				strings.ToUpper(target.Email),
				target.PID[9:],
				thaid.MaskPID(target.PID),
			} {
				p := list(RegistrationFilter{Status: StatusPending, Search: q, PageSize: 1000})
				if !slices.Contains(ids(p), target.ID) {
					t.Errorf("search %q does not find the applicant", q)
				}
				if p.Total > 20 && !strings.HasPrefix(q, target.Title) {
					t.Errorf("search %q finds %d, not a handful", q, p.Total)
				}
			}
			if p := list(RegistrationFilter{Status: StatusPending, Search: target.PID[9:]}); len(p.Registrations) == 0 {
				t.Error("no match for the last 4 digits")
			} else {
				for _, r := range p.Registrations {
					if !strings.HasSuffix(r.CitizenPID, target.PID[9:]) && !strings.Contains(r.Phone, target.PID[9:]) &&
						!strings.Contains(r.SchoolCode, target.PID[9:]) {
						t.Errorf("search by 4 digits lists %s, which has them in no field", r.ID)
					}
				}
			}
			// A middle name: the seeded foreign teachers, in the big area.
			john := list(RegistrationFilter{Status: StatusPending, Search: "จอห์น สมิธ", PageSize: 1000})
			var johns int
			for _, r := range pending {
				if r.Middle != "" {
					johns++
				}
			}
			if john.Total != johns || johns == 0 || john.Registrations[0].Name.Full() != "นาย จอห์น ไมเคิล สมิธ" ||
				john.Registrations[0].Name.FullEN() != "Mr. John Michael Smith" {
				t.Errorf("search for จอห์น สมิธ: %d (%+v), want %d with the full name", john.Total, john.Registrations[:min(1, len(john.Registrations))], johns)
			}
			if got := list(RegistrationFilter{Status: StatusPending, Search: "michael"}); got.Total != johns {
				t.Errorf("search for the English middle name: %d, want %d", got.Total, johns)
			}
			// LIKE's wildcards are plain characters in a search.
			for _, q := range []string{"%", "_", `\`, "100%", "a_b"} {
				if got := list(RegistrationFilter{Status: StatusPending, Search: q}); got.Total != 0 {
					t.Errorf("search %q finds %d, want 0", q, got.Total)
				}
			}

			// Never a whole citizen ID, in any form.
			for _, q := range []string{target.PID, target.PID[:1] + "-" + target.PID[1:5] + "-" + target.PID[5:10] + "-" + target.PID[10:12] + "-" + target.PID[12:],
				"ครู " + target.PID, target.PID[:7] + " " + target.PID[7:], "12345678901"} {
				if _, err := s.AdminRegistrations(ctx, RegistrationFilter{AdminPID: adminBRM3, Search: q}); !errors.Is(err, ErrSearchFullPID) {
					t.Errorf("search %q: %v, want ErrSearchFullPID", q, err)
				}
			}
			if _, err := s.AdminRegistrations(ctx, RegistrationFilter{AdminPID: adminBRM3, Search: strings.Repeat("ก", MaxSearchLength+1)}); !errors.Is(err, ErrSearchTooLong) {
				t.Errorf("a search of %d characters: %v, want ErrSearchTooLong", MaxSearchLength+1, err)
			}

			// Dates: registered on a day (Bangkok time given as UTC bounds here).
			day := pending[100].CreatedAt.Truncate(24 * time.Hour)
			var onDay int
			for _, r := range pending {
				if !r.CreatedAt.Before(day) && r.CreatedAt.Before(day.Add(24*time.Hour)) {
					onDay++
				}
			}
			if got := list(RegistrationFilter{Status: StatusPending, From: day, To: day.Add(24 * time.Hour)}); got.Total != onDay || onDay == 0 {
				t.Errorf("registered on %s: %d, want %d", day.Format(time.DateOnly), got.Total, onDay)
			}

			// The other statuses.
			rej := list(RegistrationFilter{Status: StatusRejected, NewestFirst: true})
			if rej.Total != len(rejected) || rej.Registrations[0].ID != rejected[len(rejected)-1].ID || rej.Registrations[0].Reason == "" {
				t.Errorf("rejected, newest first: %d, first %s", rej.Total, rej.Registrations[0].ID)
			}

			// The area limit: the admin of เขต 3 finds nothing of เขต 1, whatever the filter.
			var other testdb.BigRegistration
			for _, r := range seed.Registrations {
				if r.Area == areaBRM1 && r.Status == "pending" {
					other = r
					break
				}
			}
			for _, f := range []RegistrationFilter{
				{Area: areaBRM1},
				{School: other.School},
				{Search: other.PID[9:] + " " + other.Family},
				{Search: other.Email},
				{Search: other.Phone},
				{Search: thaid.MaskPID(other.PID)},
				{Search: other.School},
				{Area: areaBRM1, Search: other.PID[9:]},
			} {
				p := list(f)
				for _, r := range p.Registrations {
					if r.AreaCode != testdb.BigArea {
						t.Errorf("admin of เขต 3 with %+v lists %s of area %s", f, r.ID, r.AreaCode)
					}
				}
				if f.Area != "" || f.School != "" {
					if p.Total != 0 || len(p.Counts) != 0 {
						t.Errorf("admin of เขต 3 with %+v: total %d, counts %v; want nothing", f, p.Total, p.Counts)
					}
				}
				if slices.Contains(ids(p), other.ID) {
					t.Errorf("admin of เขต 3 with %+v finds the registration of เขต 1", f)
				}
			}
			// The admin of เขต 1 does find it, and nothing of เขต 3.
			if p := list(RegistrationFilter{AdminPID: adminBRM1, Status: StatusPending, Search: other.Email}); !slices.Contains(ids(p), other.ID) {
				t.Error("the admin of เขต 1 does not find their area's registration by email")
			}
			if p := list(RegistrationFilter{AdminPID: adminBRM1, Search: target.Email}); p.Total != 0 {
				t.Errorf("the admin of เขต 1 finds %d of เขต 3", p.Total)
			}
			// A citizen who administers nothing sees nothing.
			if p := list(RegistrationFilter{AdminPID: pid(77)}); p.Total != 0 || len(p.Registrations) != 0 {
				t.Errorf("a non-admin's list: %d", p.Total)
			}

			// The super-admin reads every area (the store decides nothing from it).
			super := list(RegistrationFilter{AdminPID: pid(78), AllAreas: true})
			if super.Total != testdb.BigTotal || super.Counts[StatusApproved] != 1200 || super.Counts[StatusPending] != 800+1200 {
				t.Errorf("every area: total %d, counts %v", super.Total, super.Counts)
			}
			if p := list(RegistrationFilter{AdminPID: pid(78), AllAreas: true, Area: areaBRM1, Status: StatusPending, Search: other.Email}); !slices.Contains(ids(p), other.ID) {
				t.Error("the super-admin does not find a registration of เขต 1")
			}

			// An admin never lists their own registration.
			if err := s.SetAreaAdmins(ctx, []AreaAdmin{{adminBRM3, testdb.BigArea}, {target.PID, testdb.BigArea}}); err != nil {
				t.Fatal(err)
			}
			own := list(RegistrationFilter{AdminPID: target.PID, Status: StatusPending, PageSize: 1000})
			if own.Total != 799 || slices.Contains(ids(own), target.ID) {
				t.Errorf("an admin's own list: %d, own listed %v", own.Total, slices.Contains(ids(own), target.ID))
			}
			if _, err := s.RegistrationForAdmin(ctx, target.PID, target.ID); !errors.Is(err, ErrNotFound) {
				t.Errorf("RegistrationForAdmin of one's own: %v, want ErrNotFound", err)
			}
			if r, err := s.RegistrationForAdmin(ctx, adminBRM3, target.ID); err != nil || r.ID != target.ID || byID[r.ID].PID != r.CitizenPID {
				t.Errorf("RegistrationForAdmin: %+v, %v", r.ID, err)
			}
			if _, err := s.RegistrationForAdmin(ctx, adminBRM1, target.ID); !errors.Is(err, ErrNotFound) {
				t.Errorf("RegistrationForAdmin of another area: %v, want ErrNotFound", err)
			}
		})
	}
}

func mapsEqual(a, b map[Status]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
