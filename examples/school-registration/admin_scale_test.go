package main

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
	"github.com/thaid-go/thaid-go/examples/school-registration/internal/testdb"
	"github.com/thaid-go/thaid-go/thaid"
)

// The size limits of issue 26: with 800 pending registrations, the admin
// list at most 200 KB, a search for one school at most 100 KB.
const (
	maxAdminPageBytes   = 200 << 10
	maxSchoolSearchSize = 100 << 10
)

var (
	// listedPattern finds every registration a list shows, decidable or not.
	listedPattern = regexp.MustCompile(`<li class="reg" id="reg-([0-9a-f]{32})">`)
	// seededPID is a whole citizen ID of testdb.SeedBigArea.
	seededPID = regexp.MustCompile(`17\d{11}`)
)

// listed returns the ids of the registrations a list page shows.
func listed(body string) []string {
	var out []string
	for _, m := range listedPattern.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// bigApp is the app on a database filled by testdb.SeedBigArea.
type bigApp struct {
	*testApp
	seed   testdb.BigSeed
	byArea map[string][]testdb.BigRegistration // pending, oldest first
}

// otherAdmin administers เขต 1 only (ADMIN_PIDS of startBigApp).
var otherAdmin = applicant3

// startBigApp starts the app on a fresh database of the kind holding the
// sample areas and testdb.SeedBigArea's 10,000 registrations, with the area
// admins: adminBRM3 of the big area (เขต 3), otherAdmin of เขต 1, and adminBRM1
// of เขต 1 and super-admin.
func startBigApp(tb testing.TB, kind testdb.Kind) *bigApp {
	tb.Helper()
	ctx := context.Background()
	dbURL := testdb.URL(tb, kind)
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		tb.Fatal(err)
	}
	if err := st.SeedSample(ctx); err != nil {
		tb.Fatal(err)
	}
	st.Close()
	seed := testdb.SeedBigArea(tb, kind, dbURL)
	app := startApp(tb, startMock(tb), map[string]string{"DATABASE_URL": dbURL,
		"ADMIN_PIDS": adminBRM1.PID + ":3101," + adminBRM1.PID + ":*," + adminBRM3.PID + ":" + testdb.BigArea + "," + otherAdmin.PID + ":3101"})
	b := &bigApp{testApp: app, seed: seed, byArea: map[string][]testdb.BigRegistration{}}
	for _, r := range seed.Registrations {
		if r.Status == "pending" {
			b.byArea[r.Area] = append(b.byArea[r.Area], r)
		}
	}
	return b
}

// get fetches a list page and checks that it shows no whole citizen ID.
func (a *bigApp) get(t *testing.T, b *browser, path string) fetched {
	t.Helper()
	got := b.get(path)
	if m := seededPID.FindString(got.Body); m != "" {
		t.Errorf("%s shows a whole citizen ID", path)
	}
	return got
}

func idsOf(regs []testdb.BigRegistration) []string {
	var out []string
	for _, r := range regs {
		out = append(out, r.ID)
	}
	return out
}

// TestAdminListInBigArea (issue 26), on both databases, with 800 pending
// registrations in the admin's area of 400 schools among 10,000: the list
// shows 50 at a time with the counts per status and pages that links reach;
// the page and a one-school search stay within 200 KB and 100 KB; the search
// finds by school, name, phone, email and the last 4 digits of the ID and
// never takes a whole ID; decisions from a searched or paged list return to
// it, and only to /admin; an area admin sees nothing of another area through
// any parameter; the super-admin reads every area and decides only in her
// own.
func TestAdminListInBigArea(t *testing.T) {
	for _, kind := range testdb.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			a := startBigApp(t, kind)
			pending := a.byArea[testdb.BigArea]
			admin := newBrowser(t, a.URL)
			list := admin.login(adminBRM3)
			mustStatus(t, list, http.StatusOK, "/admin")
			if len(list.Body) > maxAdminPageBytes {
				t.Errorf("/admin with 800 pending is %d bytes, want at most %d", len(list.Body), maxAdminPageBytes)
			}
			if got := registrationIDs(list.Body); !slices.Equal(got, idsOf(pending[:50])) {
				t.Errorf("the first page decides %d registrations, want the 50 oldest pending", len(got))
			}
			mustShowText(t, list, "รอการอนุมัติ 800", "ไม่อนุมัติ/เพิกถอน 1000", "รายการที่ 1–50 จาก 800")
			mustContain(t, list, `href="/admin?page=2"`, `href="/admin?page=16"`, `href="/admin?status=approved"`)

			// Pages: each a link, the last one, newest first, and back to the first.
			page2 := a.get(t, admin, "/admin?page=2")
			if got := listed(page2.Body); !slices.Equal(got, idsOf(pending[50:100])) {
				t.Errorf("page 2 lists %d, want the next 50", len(got))
			}
			mustContain(t, page2, `href="/admin" rel="prev"`, `href="/admin?page=3" rel="next"`, `href="/admin?page=2" aria-current="page"`)
			if got := listed(a.get(t, admin, "/admin?page=16").Body); !slices.Equal(got, idsOf(pending[750:])) {
				t.Errorf("page 16 lists %d, want the last 50", len(got))
			}
			if got := listed(a.get(t, admin, "/admin?page=99").Body); !slices.Equal(got, idsOf(pending[750:])) {
				t.Errorf("page 99 lists %d, want the last page", len(got))
			}
			newest := a.get(t, admin, "/admin?sort=newest")
			if got := listed(newest.Body); len(got) != 50 || got[0] != pending[799].ID {
				t.Errorf("newest first starts with %v", got[:min(1, len(got))])
			}
			mustContain(t, newest, `href="/admin?page=2&amp;sort=newest"`)

			// One school: by its code in the search box, by the school filter, by its name.
			school := a.seed.Schools[200]
			var ofSchool []string
			for _, r := range pending {
				if r.School == school.Code {
					ofSchool = append(ofSchool, r.ID)
				}
			}
			for _, q := range []url.Values{{"q": {school.Code}}, {"school": {school.Code}}, {"q": {school.Name}}} {
				got := a.get(t, admin, "/admin?"+q.Encode())
				mustStatus(t, got, http.StatusOK, "/admin")
				if len(got.Body) > maxSchoolSearchSize {
					t.Errorf("the search %v is %d bytes, want at most %d", q, len(got.Body), maxSchoolSearchSize)
				}
				if ids := listed(got.Body); !slices.Equal(ids, ofSchool) {
					t.Errorf("the search %v lists %v, want the school's %v", q, ids, ofSchool)
				}
			}
			mustShowText(t, a.get(t, admin, "/admin?school="+school.Code), school.Name)

			// An applicant, by what people read out on the phone.
			target := pending[444]
			for _, q := range []string{target.Phone[:3] + " " + target.Phone[3:6] + " " + target.Phone[6:], target.Email,
				target.PID[9:], thaid.MaskPID(target.PID), target.Given + " " + target.Family} {
				if got := listed(a.get(t, admin, "/admin?"+url.Values{"q": {q}}.Encode()).Body); !slices.Contains(got, target.ID) {
					t.Errorf("the search %q does not find the applicant", q)
				}
			}
			mustContain(t, list, "4 ตัวท้าย", "ไม่ต้องพิมพ์เลขเต็ม 13 หลัก")
			// A whole ID is refused and not shown again.
			p := target.PID
			for _, q := range []string{p, p[:1] + "-" + p[1:5] + "-" + p[5:10] + "-" + p[10:12] + "-" + p[12:], "ครู " + p} {
				got := a.get(t, admin, "/admin?"+url.Values{"q": {q}}.Encode())
				mustStatus(t, got, http.StatusUnprocessableEntity, "/admin")
				mustContain(t, got, `id="q-error"`, "ไม่ค้นหาด้วยเลขประจำตัวประชาชนเต็ม")
				if strings.Contains(got.Body, target.PID[5:]) || len(listed(got.Body)) != 0 {
					t.Errorf("the search by the whole ID %q shows it again, or lists registrations", q)
				}
			}

			// A decision from a searched list returns to it.
			search := url.Values{"q": {school.Name}}
			from := a.get(t, admin, "/admin?"+search.Encode())
			mustContain(t, from, `href="/admin/registrations/`+ofSchool[0]+`/approve?list=`+url.QueryEscape(search.Encode())+`"`)
			ask := admin.get("/admin/registrations/" + ofSchool[0] + "/approve?" + url.Values{"list": {search.Encode()}}.Encode())
			mustStatus(t, ask, http.StatusOK, "/admin/registrations/"+ofSchool[0]+"/approve")
			mustContain(t, ask, `href="/admin?q=`+url.QueryEscape(school.Name)+`"`, `name="list" value="q=`+url.QueryEscape(school.Name)+`"`)
			done := admin.post("/admin/registrations/"+ofSchool[0]+"/approve", url.Values{"confirm": {"yes"}, "list": {search.Encode()}})
			mustStatus(t, done, http.StatusOK, "/admin")
			if q, _ := url.ParseQuery(done.Query); q.Get("q") != school.Name || q.Get("done") != "approved" {
				t.Errorf("after the decision: /admin?%s, want the search with done=approved", done.Query)
			}
			mustShowText(t, done, "อนุมัติแล้ว", "รอการอนุมัติ 1", "อนุมัติแล้ว 1")
			if got := listed(done.Body); !slices.Equal(got, ofSchool[1:]) {
				t.Errorf("back on the search: %v, want the school's other registrant", got)
			}
			// A rejection without a reason, from page 3: the error at the top of the
			// confirmation page, which still returns to page 3.
			onPage3 := pending[120]
			noReason := admin.post("/admin/registrations/"+onPage3.ID+"/reject", url.Values{"confirm": {"yes"}, "reason": {" "}, "list": {"page=3"}})
			mustStatus(t, noReason, http.StatusUnprocessableEntity, "")
			mustContain(t, noReason, `id="error-summary"`, `href="#reason"`, `id="reason-error"`, `name="list" value="page=3"`, `href="/admin?page=3"`)
			// From the last page: the page it returns to is there still.
			last := pending[799]
			done = admin.post("/admin/registrations/"+last.ID+"/reject", url.Values{"confirm": {"yes"}, "reason": {"ซ้ำ"}, "list": {"page=16&sort=oldest"}})
			mustStatus(t, done, http.StatusOK, "/admin")
			if q, _ := url.ParseQuery(done.Query); q.Get("page") != "16" || q.Get("done") != "rejected" {
				t.Errorf("after the decision on page 16: /admin?%s", done.Query)
			}
			if got := listed(done.Body); len(got) != 48 || slices.Contains(got, last.ID) {
				t.Errorf("page 16 after two decisions lists %d", len(got))
			}

			// The return is /admin with the list's own parameters, whatever the form says.
			for i, list := range []string{"q=x&next=https://evil.example/&page=2", "//evil.example/admin", "https://evil.example",
				`\\evil.example`, "%zz&q=%0d%0aSet-Cookie:%20a=b", "q=a&q=b&status=approved&done=x&return_to=//evil"} {
				code, loc := admin.postPeek("/admin/registrations/"+pending[300+i].ID+"/approve", url.Values{"confirm": {"yes"}, "list": {list}})
				u, err := url.Parse(loc)
				if code != http.StatusSeeOther || err != nil || u.Scheme != "" || u.Host != "" || u.Path != "/admin" ||
					strings.ContainsAny(loc, "\r\n\\") {
					t.Errorf("list %q: %d to %q, want /admin", list, code, loc)
					continue
				}
				for k := range u.Query() {
					if k != "done" && k != "reg" && k != "tried" && !slices.Contains(adminListKeys, k) {
						t.Errorf("list %q: returns with %q", list, k)
					}
				}
			}

			// Another area's admin: nothing of เขต 3 through any parameter.
			other := newBrowser(t, a.URL)
			mustStatus(t, other.login(otherAdmin), http.StatusOK, "/admin")
			big := map[string]bool{}
			for _, r := range a.seed.Registrations {
				if r.Area == testdb.BigArea {
					big[r.ID] = true
				}
			}
			for _, q := range []string{"area=" + testdb.BigArea, "school=" + school.Code, "q=" + target.PID[9:],
				"q=" + url.QueryEscape(target.Email), "q=" + url.QueryEscape(thaid.MaskPID(target.PID)), "q=" + target.Phone,
				"q=" + school.Code, "q=" + url.QueryEscape(school.Name), "status=rejected&area=" + testdb.BigArea,
				"status=approved&q=" + url.QueryEscape(target.Email), "page=9&area=" + testdb.BigArea} {
				got := a.get(t, other, "/admin?"+q)
				for _, id := range listed(got.Body) {
					if big[id] {
						t.Errorf("the admin of เขต 1 with ?%s sees a registration of เขต 3", q)
						break
					}
				}
				if strings.Contains(got.Body, formatPhone(target.Phone)) || strings.Contains(got.Body, school.Name) && !strings.Contains(q, "q=") {
					t.Errorf("the admin of เขต 1 with ?%s sees the applicant or school of เขต 3", q)
				}
			}
			mustStatus(t, a.get(t, other, "/admin?area="+testdb.BigArea), http.StatusUnprocessableEntity, "/admin")
			mustStatus(t, a.get(t, other, "/admin?school="+school.Code), http.StatusUnprocessableEntity, "/admin")
			mustShowText(t, a.get(t, other, "/admin?q="+url.QueryEscape(target.Email)), "รอการอนุมัติ 0", "อนุมัติแล้ว 0", "ไม่อนุมัติ/เพิกถอน 0")
			cross := other.post("/admin/registrations/"+target.ID+"/approve", url.Values{"list": {"area=" + testdb.BigArea}})
			if cross.Status != http.StatusNotFound || strings.Contains(cross.Body, target.Email) || strings.Contains(cross.Body, thaid.MaskPID(target.PID)) {
				t.Errorf("the admin of เขต 1 asks to approve in เขต 3: %d", cross.Status)
			}

			// The super-admin reads every area, and decides only in her own (เขต 1).
			super := newBrowser(t, a.URL)
			super.login(adminBRM1)
			all := a.get(t, super, "/admin")
			// 800 pending in เขต 3 and 400 in each other area, less the 8 decided above.
			mustShowText(t, all, "ทุกเขตพื้นที่", "จาก 1992")
			inBRM1 := map[string]bool{}
			for _, r := range a.byArea["3101"] {
				inBRM1[r.ID] = true
			}
			for _, id := range registrationIDs(all.Body) {
				if !inBRM1[id] {
					t.Errorf("the super-admin is offered to decide %s, not of เขต 1", id)
				}
			}
			bigOnly := a.get(t, super, "/admin?area="+testdb.BigArea+"&q="+url.QueryEscape(target.Email))
			if got := listed(bigOnly.Body); !slices.Equal(got, []string{target.ID}) || len(registrationIDs(bigOnly.Body)) != 0 {
				t.Errorf("the super-admin's search in เขต 3: %v, decidable %v", got, registrationIDs(bigOnly.Body))
			}
			if got := super.post("/admin/registrations/"+target.ID+"/approve", confirmed); got.Status != http.StatusNotFound {
				t.Errorf("the super-admin approves in เขต 3: %d, want 404", got.Status)
			}
		})
	}
}
