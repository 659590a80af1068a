package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/testdb"
)

var (
	superAdmin      = citizens[4] // a super-admin in these tests
	removePattern   = regexp.MustCompile(`/admin/people/([0-9a-f]{32})/remove`)
	newsEditPattern = regexp.MustCompile(`/manage/news/([0-9a-f]{32})/edit`)
)

// TestAdminManagementAndAudit, on each database: the super-admin assigns an
// admin to two areas and removes one; a non-super-admin cannot; the audit
// page shows each area admin their own areas only, with filters; no page
// shows a full PID (the test browser checks every page).
func TestAdminManagementAndAudit(t *testing.T) {
	for _, kind := range testdb.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			mock := startMock(t)
			app := startApp(t, mock, map[string]string{"DATABASE_URL": testdb.URL(t, kind),
				"ADMIN_PIDS": adminBRM1.PID + ":3101," + adminBRM3.PID + ":" + areaBRM3 + "," + superAdmin.PID + ":*"})

			// Activity in เขต 3 and เขต 1.
			mustStatus(t, newBrowser(t, app.URL).register(applicant1, kanLueang), http.StatusOK, "/status")
			mustStatus(t, newBrowser(t, app.URL).register(applicant2, "1031010001"), http.StatusOK, "/status")
			admin3 := newBrowser(t, app.URL)
			ids := registrationIDs(admin3.login(adminBRM3).Body)
			mustStatus(t, admin3.post("/admin/registrations/"+ids[0]+"/reject",
				url.Values{"confirm": {"yes"}, "reason": {"เอกสารไม่ครบ"}}), http.StatusOK, "/admin")

			// The super-admin's page.
			super := newBrowser(t, app.URL)
			super.login(superAdmin)
			people := super.get("/admin/people")
			mustStatus(t, people, http.StatusOK, "/admin/people")
			mustContain(t, people, maskOf(adminBRM1), maskOf(adminBRM3), "ADMIN_PIDS", `href="/admin/people"`)
			bad := super.post("/admin/people", url.Values{"pid": {"1234567890123"}, "area": {areaBRM3}})
			mustStatus(t, bad, http.StatusUnprocessableEntity, "")
			mustContain(t, bad, `id="pid-error"`)
			for area, name := range map[string]string{"3101": "สพป.บุรีรัมย์ เขต 1", areaBRM3: "สพป.บุรีรัมย์ เขต 3"} {
				got := super.post("/admin/people", url.Values{"pid": {applicant3.PID}, "area": {area}})
				mustStatus(t, got, http.StatusOK, "/admin/people")
				// Never logged in, no registration: named by the masked PID.
				mustShowText(t, got, "แต่งตั้ง "+maskOf(applicant3)+" เป็นผู้ดูแล "+name+" แล้ว")
			}
			again := super.post("/admin/people", url.Values{"pid": {applicant3.PID}, "area": {areaBRM3}})
			mustStatus(t, again, http.StatusConflict, "")

			// The new admin holds both areas.
			newAdmin := newBrowser(t, app.URL)
			mustStatus(t, newAdmin.login(applicant3), http.StatusOK, "/admin")
			mustContain(t, newAdmin.get("/admin"), "สพป.บุรีรัมย์ เขต 1", "สพป.บุรีรัมย์ เขต 3")

			// Area admins and applicants cannot manage admins.
			for _, b := range []*browser{admin3, newAdmin} {
				if got := b.get("/admin/people"); got.Status != http.StatusForbidden {
					t.Errorf("non-super-admin GET /admin/people = %d, want 403", got.Status)
				}
				if got := b.post("/admin/people", url.Values{"pid": {applicant2.PID}, "area": {areaBRM3}}); got.Status != http.StatusForbidden {
					t.Errorf("non-super-admin assigns: %d, want 403", got.Status)
				}
			}

			// Remove the new admin's เขต 3.
			people = super.get("/admin/people")
			var remove string
			for _, row := range strings.Split(people.Body, "<tr>") {
				if strings.Contains(row, maskOf(applicant3)) && strings.Contains(row, "("+areaBRM3+")") {
					if m := removePattern.FindStringSubmatch(row); m != nil {
						remove = m[0]
					}
				}
			}
			if remove == "" {
				t.Fatal("no remove form")
			}
			// The form asks first (a POST without confirm=yes is sent there too).
			mustContain(t, super.post(remove, nil), "ยืนยันการถอดถอนผู้ดูแลเขตพื้นที่", maskOf(applicant3), "สพป.บุรีรัมย์ เขต 3")
			mustStatus(t, super.post(remove, confirmed), http.StatusOK, "/admin/people")
			mustStatus(t, super.post(remove, confirmed), http.StatusNotFound, "")
			mustStatus(t, super.get(remove), http.StatusNotFound, "")
			if got := newAdmin.get("/admin"); strings.Contains(got.Body, "สพป.บุรีรัมย์ เขต 3") {
				t.Error("removed area still on the admin's page")
			}

			// The audit page: the admin of เขต 3 sees เขต 3's registration, rejection and admin changes.
			audit := admin3.get("/admin/audit")
			mustStatus(t, audit, http.StatusOK, "/admin/audit")
			mustContain(t, audit, "เอกสารไม่ครบ", maskOf(applicant1), maskOf(applicant3), maskOf(adminBRM3), "ADMIN_PIDS",
				`data-action="rejected"`, `data-action="registered"`, `data-action="admin_granted"`, `data-action="admin_removed"`)
			if strings.Contains(audit.Body, maskOf(applicant2)) || strings.Contains(audit.Body, "สพป.บุรีรัมย์ เขต 1") {
				t.Error("the admin of เขต 3 sees an entry of เขต 1")
			}
			rejected := admin3.get("/admin/audit?action=rejected")
			if n := strings.Count(rejected.Body, `class="audit-entry"`); n != 1 {
				t.Errorf("filter action=rejected: %d entries, want 1", n)
			}
			if got := admin3.get("/admin/audit?area=3101"); got.Status != http.StatusUnprocessableEntity {
				t.Errorf("filter on another admin's area: status %d, want 422", got.Status)
			}
			if got := admin3.get("/admin/audit?from=2020-13-01"); got.Status != http.StatusUnprocessableEntity {
				t.Errorf("bad date: status %d, want 422", got.Status)
			}
			if got := admin3.get("/admin/audit?to=2000-01-01"); strings.Contains(got.Body, `class="audit-entry"`) {
				t.Error("filter to=2000-01-01 shows entries")
			}
			// A date the databases cannot compare as the app writes it (SQLite compares times as text:
			// "10000-01-01" sorted before today and the filter silently showed nothing) is refused.
			// (9999-12-31 is 9999 BE, 9456 CE: a date SQLite compares right.)
			for _, q := range []string{"to=10000-01-01", "to=31/12/10000", "from=0000-01-01"} {
				if got := admin3.get("/admin/audit?" + q); got.Status != http.StatusUnprocessableEntity ||
					!strings.Contains(got.Body, `id="`+q[:strings.IndexByte(q, '=')]+`-error"`) {
					t.Errorf("%s: status %d, want 422 with the field's error", q, got.Status)
				}
			}
			if n := strings.Count(admin3.get("/admin/audit?from=2000-01-01&to=9998-12-31").Body, `class="audit-entry"`); n == 0 {
				t.Error("filter 2000-01-01 to 9998-12-31 shows no entries")
			}
			// The super-admin sees every area, the super-admin entry included.
			all := super.get("/admin/audit")
			mustContain(t, all, maskOf(applicant2), `data-action="superadmin_added"`, "สพป.บุรีรัมย์ เขต 1")
			// An applicant has no audit page.
			applicant := newBrowser(t, app.URL)
			applicant.login(applicant1)
			if got := applicant.get("/admin/audit"); got.Status != http.StatusForbidden {
				t.Errorf("applicant GET /admin/audit = %d, want 403", got.Status)
			}
		})
	}
}

// TestDailyWork: decisions ask for confirmation first; news is edited and
// deleted (after confirmation); phone numbers show formatted; logging out
// says so.
func TestDailyWork(t *testing.T) {
	mock := startMock(t)
	app := startAppOn(t, testdb.SQLite, mock)
	user := newBrowser(t, app.URL)
	mustStatus(t, user.register(applicant1, kanLueang), http.StatusOK, "/status")
	admin := newBrowser(t, app.URL)
	list := admin.login(adminBRM3)
	mustContain(t, list, "081-234-5678")
	ids := registrationIDs(list.Body)

	// The list links to the confirmation pages, which only ask (GET: they can be
	// reloaded and opened from the history).
	mustContain(t, list, `href="/admin/registrations/`+ids[0]+`/approve"`, `href="/admin/registrations/`+ids[0]+`/reject"`)
	ask := admin.get("/admin/registrations/" + ids[0] + "/approve")
	mustStatus(t, ask, http.StatusOK, "/admin/registrations/"+ids[0]+"/approve")
	mustContain(t, ask, "ยืนยันการอนุมัติ", `id="confirm"`, `name="confirm" value="yes"`, maskOf(applicant1), `href="/admin"`)
	mustContain(t, user.get("/status"), "รอการอนุมัติ")
	askReject := admin.get("/admin/registrations/" + ids[0] + "/reject")
	mustContain(t, askReject, "ยืนยันการไม่อนุมัติ", `<textarea id="reason" name="reason" rows="3" required maxlength="500"`)
	// A POST without confirm=yes (an older page's form) is sent to the confirmation page.
	if code, loc := admin.postPeek("/admin/registrations/"+ids[0]+"/reject", url.Values{"reason": {"ผิดโรงเรียน"}}); code != http.StatusSeeOther ||
		loc != "/admin/registrations/"+ids[0]+"/reject" {
		t.Errorf("POST without confirm: %d to %q, want 303 to the confirmation page", code, loc)
	}
	mustContain(t, user.get("/status"), "รอการอนุมัติ")
	mustStatus(t, admin.post("/admin/registrations/"+ids[0]+"/approve", confirmed), http.StatusOK, "/admin")

	// News: post, edit, delete.
	mustStatus(t, user.post("/manage/news", url.Values{"title": {"ข่าวแรก"}, "body": {"เนื้อหาแรก"}}), http.StatusOK, "/manage")
	m := newsEditPattern.FindStringSubmatch(user.get("/manage").Body)
	if m == nil {
		t.Fatal("no edit link on /manage")
	}
	id := m[1]
	edit := user.get(m[0])
	mustStatus(t, edit, http.StatusOK, m[0])
	mustContain(t, edit, `value="ข่าวแรก"`, "เนื้อหาแรก")
	empty := user.post("/manage/news/"+id, url.Values{"title": {" "}, "body": {"x"}})
	mustStatus(t, empty, http.StatusUnprocessableEntity, "")
	mustContain(t, empty, `id="title-error"`)
	saved := user.post("/manage/news/"+id, url.Values{"title": {"ข่าวแก้ไขแล้ว"}, "body": {"เนื้อหาใหม่"}})
	mustStatus(t, saved, http.StatusOK, "/manage")
	mustContain(t, saved, "บันทึกการแก้ไขข่าวแล้ว", "ข่าวแก้ไขแล้ว")
	mustContain(t, newBrowser(t, app.URL).get("/schools/"+kanLueang), "ข่าวแก้ไขแล้ว", "เนื้อหาใหม่")
	// Another citizen cannot touch it.
	other := newBrowser(t, app.URL)
	other.login(applicant2)
	if got := other.post("/manage/news/"+id+"/delete", confirmed); got.Status != http.StatusForbidden {
		t.Errorf("non-manager deletes news: %d, want 403", got.Status)
	}
	askDelete := user.post("/manage/news/"+id+"/delete", nil)
	mustContain(t, askDelete, "ยืนยันการลบข่าว", `id="confirm"`)
	mustContain(t, newBrowser(t, app.URL).get("/schools/"+kanLueang), "ข่าวแก้ไขแล้ว")
	deleted := user.post("/manage/news/"+id+"/delete", confirmed)
	mustStatus(t, deleted, http.StatusOK, "/manage")
	mustContain(t, deleted, "ลบข่าวแล้ว")
	if strings.Contains(newBrowser(t, app.URL).get("/schools/"+kanLueang).Body, "ข่าวแก้ไขแล้ว") {
		t.Error("deleted news still on the public page")
	}
	mustStatus(t, user.get("/manage/news/"+id+"/edit"), http.StatusNotFound, "")

	// Logout says so.
	out := user.post("/logout", nil)
	mustStatus(t, out, http.StatusOK, "/")
	mustContain(t, out, `id="logged-out"`, "ออกจากระบบแล้ว")
}

// TestOperations: /healthz, /readyz, and /metrics with logins by outcome,
// registrations by state and request latency by route.
func TestOperations(t *testing.T) {
	mock := startMock(t)
	app := startAppOn(t, testdb.SQLite, mock)
	b := newBrowser(t, app.URL)
	mustContain(t, b.get("/healthz"), "ok")
	mustContain(t, b.get("/readyz"), "ok")
	mustStatus(t, b.register(applicant1, kanLueang), http.StatusOK, "/status")
	b.get("/status")
	// A callback with no login in progress: a failed login.
	newBrowser(t, app.URL).get("/callback?code=x&state=y")

	resp, err := http.Get(app.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	metrics := string(body)
	for _, want := range []string{
		`schoolreg_logins_total{outcome="ok"} 1`,
		`schoolreg_logins_total{outcome="no_pending_login"} 1`,
		`schoolreg_registrations{state="pending"} 1`,
		`schoolreg_registrations{state="approved"} 0`,
		`schoolreg_http_request_duration_seconds_count{code="200",method="GET",route="GET /status"} `,
		`schoolreg_http_request_duration_seconds_count{code="303",method="POST",route="POST /register/form"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	assertNoFullPID(t, "metrics", metrics)
}

// TestMetricsLabelsBounded: a client choosing the method or path of its
// requests cannot add label values (and so series, and memory) to
// /metrics: unknown methods count as "other", unmatched paths under the
// catch-all route.
func TestMetricsLabelsBounded(t *testing.T) {
	mock := startMock(t)
	app := startAppOn(t, testdb.SQLite, mock)
	for i := range 20 {
		req, err := http.NewRequest(fmt.Sprintf("FOO%d", i), app.URL+fmt.Sprintf("/x%d", i), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	resp, err := http.Get(app.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	metrics := string(body)
	if strings.Contains(metrics, `method="FOO`) {
		t.Error("/metrics has a label value per method a client made up")
	}
	if n := strings.Count(metrics, `schoolreg_http_request_duration_seconds_count{code="403",method="other"`); n != 1 {
		t.Errorf("/metrics has %d series for the made-up methods, want 1", n)
	}
}

// TestCrossAreaAndSchoolIsolation, on both databases: an admin of another
// area gets no confirmation page (with the applicant's name and ID) for
// a registration outside their areas, and changes nothing; the manager of
// one school cannot open, edit or delete another school's news; an area
// admin cannot filter the audit trail on an area that is not theirs, nor
// reach the super-admin's actions.
func TestCrossAreaAndSchoolIsolation(t *testing.T) {
	for _, kind := range testdb.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			mock := startMock(t)
			app := startAppOn(t, kind, mock)
			userA := newBrowser(t, app.URL) // เขต 3
			mustStatus(t, userA.register(applicant1, kanLueang), http.StatusOK, "/status")
			userB := newBrowser(t, app.URL) // เขต 1
			mustStatus(t, userB.register(applicant2, "1031010001"), http.StatusOK, "/status")
			admin3, admin1 := newBrowser(t, app.URL), newBrowser(t, app.URL)
			idsA := registrationIDs(admin3.login(adminBRM3).Body)
			idsB := registrationIDs(admin1.login(adminBRM1).Body)
			if len(idsA) != 1 || len(idsB) != 1 {
				t.Fatalf("admins see %d and %d registrations, want 1 each", len(idsA), len(idsB))
			}
			for _, action := range []string{"approve", "reject", "revoke"} {
				got := admin1.post("/admin/registrations/"+idsA[0]+"/"+action, url.Values{"reason": {"x"}})
				// (The page lists the admin's own area, where applicant2 has the same phone and email.)
				if got.Status != http.StatusNotFound || strings.Contains(got.Body, idsA[0]) ||
					strings.Contains(got.Body, maskOf(applicant1)) || strings.Contains(got.Body, applicant1.GivenName) {
					t.Errorf("other area's admin asks to %s: status %d, or the applicant's details are shown", action, got.Status)
				}
			}
			mustContain(t, userA.get("/status"), "รอการอนุมัติ")

			// Both approved; each posts news.
			mustStatus(t, admin3.post("/admin/registrations/"+idsA[0]+"/approve", confirmed), http.StatusOK, "/admin")
			mustStatus(t, admin1.post("/admin/registrations/"+idsB[0]+"/approve", confirmed), http.StatusOK, "/admin")
			mustStatus(t, userA.post("/manage/news", url.Values{"title": {"ข่าวของ ก"}, "body": {"เนื้อหา ก"}}), http.StatusOK, "/manage")
			m := newsEditPattern.FindStringSubmatch(userA.get("/manage").Body)
			if m == nil {
				t.Fatal("no edit link")
			}
			idA := m[1]
			if got := userB.get("/manage/news/" + idA + "/edit"); got.Status != http.StatusNotFound || strings.Contains(got.Body, "เนื้อหา ก") {
				t.Errorf("another school's manager opens the edit form: %d", got.Status)
			}
			if got := userB.post("/manage/news/"+idA, url.Values{"title": {"แก้โดย ข"}, "body": {"x"}}); got.Status != http.StatusNotFound {
				t.Errorf("another school's manager edits: %d, want 404", got.Status)
			}
			for _, form := range []url.Values{nil, confirmed} {
				if got := userB.post("/manage/news/"+idA+"/delete", form); got.Status != http.StatusNotFound {
					t.Errorf("another school's manager deletes (%v): %d, want 404", form, got.Status)
				}
			}
			mustContain(t, newBrowser(t, app.URL).get("/schools/"+kanLueang), "ข่าวของ ก", "เนื้อหา ก")

			// The audit trail and the super-admin's actions.
			if got := admin3.get("/admin/audit?area=3101"); got.Status != http.StatusUnprocessableEntity ||
				strings.Contains(got.Body, maskOf(applicant2)) {
				t.Errorf("admin of เขต 3 filters on เขต 1: %d", got.Status)
			}
			if got := admin3.post("/admin/people", url.Values{"pid": {applicant3.PID}, "area": {areaBRM3}}); got.Status != http.StatusForbidden {
				t.Errorf("area admin assigns an admin: %d, want 403", got.Status)
			}
			people := removePattern.FindString(admin3.get("/admin/people").Body)
			if people != "" {
				t.Error("area admin sees remove forms")
			}
		})
	}
}
