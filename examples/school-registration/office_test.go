package main

// Issue 25: the app day to day for an office with several areas and admins.

import (
	"context"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
	"github.com/thaid-go/thaid-go/examples/school-registration/internal/testdb"
)

// officeEnv is the tests' ADMIN_PIDS with a super-admin (john) who is no
// area admin, and a second admin of เขต 3 (adminBRM1, also of เขต 1).
func officeEnv(db string) map[string]string {
	return map[string]string{"DATABASE_URL": db, "ADMIN_PIDS": adminBRM1.PID + ":3101," + adminBRM1.PID + ":" + areaBRM3 + "," +
		adminBRM3.PID + ":" + areaBRM3 + "," + superAdmin.PID + ":*"}
}

// auditCount counts the audit entries of an action about a registration.
func auditCount(t *testing.T, db, registrationID, action string) int {
	t.Helper()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	entries, err := st.Audit(context.Background(), store.AuditFilter{RegistrationID: registrationID, Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// TestDecisionAlreadyMade (issue 25.4), on both databases: the confirmation
// page is a GET, reloadable; a decision redirects to the list with a notice
// naming the applicant and who decided; the same decision again (a second
// click, a reload, a second tab) or another admin's conflicting one shows the
// decision already made, "by <name> at <time>", and changes nothing; the
// confirmation page opened again shows the current state to the area's
// admins and "not found" to others; the registration's own page shows it to
// its area's admins and the super-admin.
func TestDecisionAlreadyMade(t *testing.T) {
	for _, kind := range testdb.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			mock := startMock(t)
			db := testdb.URL(t, kind)
			app := startApp(t, mock, officeEnv(db))
			mustStatus(t, newBrowser(t, app.URL).register(applicant1, kanLueang), http.StatusOK, "/status")
			admin, coAdmin := newBrowser(t, app.URL), newBrowser(t, app.URL)
			ids := registrationIDs(admin.login(adminBRM3).Body)
			coAdmin.login(adminBRM1)
			if len(ids) != 1 {
				t.Fatalf("admin sees %d registrations", len(ids))
			}
			id := ids[0]
			confirmPage := "/admin/registrations/" + id + "/approve"
			list := url.Values{"list": {"sort=newest"}}

			// The confirmation page, twice (a reload): it only asks.
			for range 2 {
				ask := admin.get(confirmPage + "?" + list.Encode())
				mustStatus(t, ask, http.StatusOK, "/admin/registrations/"+id+"/approve")
				mustContain(t, ask, `id="confirm"`, `name="list" value="sort=newest"`, `href="/admin?sort=newest"`, `id="mail-note"`)
			}
			// Approved: back on the list, the notice names the applicant and the decider.
			done := admin.post(confirmPage, url.Values{"confirm": {"yes"}, "list": {"sort=newest"}})
			mustStatus(t, done, http.StatusOK, "/admin")
			if q, _ := url.ParseQuery(done.Query); q.Get("done") != "approved" || q.Get("reg") != id || q.Get("sort") != "newest" {
				t.Errorf("after the approval: /admin?%s", done.Query)
			}
			mustShowText(t, done, "อนุมัติแล้ว", applicant1.Name(), "โรงเรียนวัดก้านเหลือง",
				"อนุมัติโดย "+adminBRM3.Name()+" ( "+maskOf(adminBRM3)+" ) เมื่อ")
			// The same POST again (a double click, a reload of the result): the same notice, nothing new.
			again := admin.post(confirmPage, url.Values{"confirm": {"yes"}})
			mustStatus(t, again, http.StatusOK, "/admin")
			mustShowText(t, again, "อนุมัติแล้ว", applicant1.Name(), "อนุมัติโดย "+adminBRM3.Name())
			if strings.Contains(again.Body, "ไม่พบคำขอนี้") || strings.Contains(again.Body, `class="notice err"`) {
				t.Error("a second click on a decision reads as a failure")
			}
			// Another admin of the area, in a tab opened before, rejects: the approval stands.
			conflict := coAdmin.post("/admin/registrations/"+id+"/reject", url.Values{"confirm": {"yes"}, "reason": {"ซ้ำ"}})
			mustStatus(t, conflict, http.StatusOK, "/admin")
			mustShowText(t, conflict, "คำขอนี้มีการพิจารณาไปแล้ว การไม่อนุมัติของท่านจึงไม่ได้บันทึก",
				"อนุมัติโดย "+adminBRM3.Name()+" ( "+maskOf(adminBRM3)+" )")
			mustContain(t, conflict, `class="notice warn"`)
			if n := auditCount(t, db, id, store.AuditApproved); n != 1 {
				t.Errorf("%d approvals in the audit trail, want 1", n)
			}
			if n := auditCount(t, db, id, store.AuditRejected); n != 0 {
				t.Errorf("%d rejections in the audit trail, want 0", n)
			}

			// The confirmation page from the history, or a shared link: the current state to
			// the area's admins; "not found" to others.
			for _, b := range []*browser{admin, coAdmin} {
				for _, action := range []string{"approve", "reject"} {
					page := b.get("/admin/registrations/" + id + "/" + action)
					mustStatus(t, page, http.StatusOK, "/admin/registrations/"+id+"/"+action)
					mustShowText(t, page, "คำขอนี้พิจารณาแล้ว", "อนุมัติโดย "+adminBRM3.Name(), applicant1.Name())
					if strings.Contains(page.Body, `id="confirm"`) {
						t.Errorf("%s: the page of a decided registration offers to decide", action)
					}
				}
			}
			// The revocation is open: its page asks.
			mustContain(t, coAdmin.get("/admin/registrations/"+id+"/revoke"), `id="confirm"`, `id="reason"`)
			super, outsider, applicant := newBrowser(t, app.URL), newBrowser(t, app.URL), newBrowser(t, app.URL)
			super.login(superAdmin)
			applicant.login(applicant2)
			mustStatus(t, newBrowser(t, app.URL).register(applicant3, "1031010001"), http.StatusOK, "/status") // an applicant of เขต 1
			outsider.login(adminBRM3)
			other := registrationIDs(coAdmin.get("/admin?area=3101").Body)
			if len(other) != 1 {
				t.Fatalf("the admin of เขต 1 sees %v", other)
			}
			for _, path := range []string{"/admin/registrations/" + other[0] + "/approve", "/admin/registrations/" + other[0]} {
				got := outsider.get(path) // the admin of เขต 3 only
				if got.Status != http.StatusNotFound || strings.Contains(got.Body, applicant3.GivenName) || strings.Contains(got.Body, maskOf(applicant3)) {
					t.Errorf("GET %s by another area's admin: %d, or the applicant's details", path, got.Status)
				}
			}
			// The super-admin decides nowhere but reads every registration.
			if got := super.get(confirmPage); got.Status != http.StatusForbidden {
				t.Errorf("the super-admin (no area) opens a confirmation page: %d, want 403", got.Status)
			}
			if got := applicant.get(confirmPage); got.Status != http.StatusForbidden {
				t.Errorf("an applicant opens a confirmation page: %d, want 403", got.Status)
			}

			// The registration's page: details, decision, history.
			for _, b := range []*browser{admin, super} {
				page := b.get("/admin/registrations/" + id)
				mustStatus(t, page, http.StatusOK, "/admin/registrations/"+id)
				mustShowText(t, page, applicant1.Name(), maskOf(applicant1), "อนุมัติโดย "+adminBRM3.Name(), "ลงทะเบียน", "อนุมัติ")
				mustContain(t, page, `data-action="registered"`, `data-action="approved"`, `href="tel:&#43;66812345678"`)
				if revokable := strings.Contains(page.Body, "/revoke"); revokable != (b == admin) {
					t.Errorf("revoke offered: %v (the super-admin decides in no area)", revokable)
				}
			}
			if got := applicant.get("/admin/registrations/" + id); got.Status != http.StatusForbidden {
				t.Errorf("an applicant opens a registration's page: %d", got.Status)
			}
			// Nobody reads their own registration there.
			self := newBrowser(t, app.URL)
			mustStatus(t, self.register(adminBRM3, kanLueang), http.StatusOK, "/status")
			own := registrationIDs(coAdmin.get("/admin?area=" + areaBRM3).Body)
			if len(own) != 1 {
				t.Fatalf("the co-admin sees %v", own)
			}
			for _, path := range []string{"/admin/registrations/" + own[0], "/admin/registrations/" + own[0] + "/approve"} {
				if got := self.get(path); got.Status != http.StatusNotFound {
					t.Errorf("GET %s of one's own registration: %d, want 404", path, got.Status)
				}
			}
		})
	}
}

// TestErrorSummary (issue 25.3): an empty or too long reason comes back on
// the confirmation page with an error summary at its top, linked to the
// field and focused when the page loads; the reason box is required.
func TestErrorSummary(t *testing.T) {
	mock := startMock(t)
	app := startApp(t, mock, officeEnv(testdb.URL(t, testdb.SQLite)))
	mustStatus(t, newBrowser(t, app.URL).register(applicant1, kanLueang), http.StatusOK, "/status")
	admin := newBrowser(t, app.URL)
	id := registrationIDs(admin.login(adminBRM3).Body)[0]
	for _, action := range []string{"reject", "revoke"} {
		if action == "revoke" {
			mustStatus(t, admin.post("/admin/registrations/"+id+"/approve", confirmed), http.StatusOK, "/admin")
		}
		mustContain(t, admin.get("/admin/registrations/"+id+"/"+action), `<textarea id="reason" name="reason" rows="3" required maxlength="500"`)
		for reason, want := range map[string]string{
			"   ":                    "เหตุผล: กรุณากรอกข้อมูลช่องนี้",
			strings.Repeat("ก", 501): "เหตุผล: ข้อความยาวเกินไป: ไม่เกิน 500 ตัวอักษร พิมพ์ไว้ 501 ตัวอักษร",
		} {
			got := admin.post("/admin/registrations/"+id+"/"+action, url.Values{"confirm": {"yes"}, "reason": {reason}, "list": {"page=1"}})
			mustStatus(t, got, http.StatusUnprocessableEntity, "")
			mustShowText(t, got, want)
			summary, field := strings.Index(got.Body, `id="error-summary"`), strings.Index(got.Body, `id="reason"`)
			if summary < 0 || field < summary || !strings.Contains(got.Body, `<a href="#reason">`) ||
				!regexp.MustCompile(`<div class="error-summary" id="error-summary" tabindex="-1" autofocus`).MatchString(got.Body) {
				t.Errorf("%s with %.10q: no focused error summary above the field, linked to it", action, reason)
			}
			// The summary comes before the applicant's details: it is what the eye meets.
			if facts := strings.Index(got.Body, `class="facts"`); facts < summary {
				t.Errorf("%s: the error summary is below the registration's details", action)
			}
		}
	}
}

// TestRejectionAndRevocationWorded (issue 25.1, 25.2), with mail: a
// rejection and a revocation each read as what happened, in the mail
// (subject and text) and on the status page, each with the office's contact
// set by the area's admin; both stay on the admin list's rejected tab with
// their decision; the office contact is the area's admins' and the
// super-admin's to set, nobody else's.
func TestRejectionAndRevocationWorded(t *testing.T) {
	mock := startMock(t)
	server := startSMTP(t, "127.0.0.1:0")
	db := testdb.URL(t, testdb.SQLite)
	env := officeEnv(db)
	for k, v := range smtpEnv(db, server.addr) {
		env[k] = v
	}
	app := startApp(t, mock, env, fastMail)

	// The office contact: the area's admin sets it; a wrong number is refused beside the field.
	admin := newBrowser(t, app.URL)
	admin.login(adminBRM3)
	mustContain(t, admin.get("/admin"), `href="/admin/areas"`)
	areas := admin.get("/admin/areas")
	mustStatus(t, areas, http.StatusOK, "/admin/areas")
	mustShowText(t, areas, "สพป.บุรีรัมย์ เขต 3", "ยังไม่ได้ระบุช่องทางติดต่อ")
	if strings.Contains(areas.Body, "สพป.บุรีรัมย์ เขต 1") {
		t.Error("the admin of เขต 3 is offered เขต 1's contact")
	}
	bad := admin.post("/admin/areas/"+areaBRM3, url.Values{"contact_phone": {"12345"}, "contact_email": {"office"}})
	mustStatus(t, bad, http.StatusUnprocessableEntity, "")
	mustContain(t, bad, `id="error-summary"`, `href="#contact_phone"`, `href="#contact_email"`, `value="12345"`)
	saved := admin.post("/admin/areas/"+areaBRM3, url.Values{"contact_phone": {"044 611 234"}, "contact_email": {"office3@example.go.th"}})
	mustStatus(t, saved, http.StatusOK, "/admin/areas")
	mustShowText(t, saved, "บันทึกช่องทางติดต่อของ สพป.บุรีรัมย์ เขต 3 แล้ว", "044-611234", "office3@example.go.th")
	mustContain(t, admin.get("/admin/areas/"+areaBRM3), `value="044-611234"`)
	// Not the admin's area, nor an applicant's business.
	if got := admin.post("/admin/areas/3101", url.Values{"contact_phone": {"021234567"}}); got.Status != http.StatusNotFound {
		t.Errorf("the admin of เขต 3 sets เขต 1's contact: %d", got.Status)
	}
	applicant := newBrowser(t, app.URL)
	applicant.login(applicant3)
	if got := applicant.get("/admin/areas"); got.Status != http.StatusForbidden {
		t.Errorf("an applicant opens /admin/areas: %d", got.Status)
	}
	super := newBrowser(t, app.URL)
	super.login(superAdmin)
	mustShowText(t, super.get("/admin/areas"), "สพป.บุรีรัมย์ เขต 1", "สพป.บุรีรัมย์ เขต 3", "044-611234")
	mustStatus(t, super.post("/admin/areas/3101", url.Values{"contact_phone": {"02-123-4567"}}), http.StatusOK, "/admin/areas")
	mustContain(t, super.get("/admin/audit?action=area_contact"), `data-action="area_contact"`, "044611234 · office3@example.go.th")

	// One rejected, one approved then revoked.
	rejected, revoked := newBrowser(t, app.URL), newBrowser(t, app.URL)
	mustStatus(t, rejected.register(applicant1, kanLueang), http.StatusOK, "/status")
	mustStatus(t, revoked.register(applicant2, kanLueang), http.StatusOK, "/status")
	// The status page gives the office's contact while pending too, tap to call.
	mustContain(t, rejected.get("/status"), `id="office-contact"`, `href="tel:&#43;6644611234"`, "044-611234", `href="mailto:office3@example.go.th"`)
	ids := registrationIDs(admin.get("/admin").Body)
	if len(ids) != 2 {
		t.Fatalf("admin sees %d registrations", len(ids))
	}
	ask := admin.get("/admin/registrations/" + ids[0] + "/reject")
	mustShowText(t, ask, "ระบบจะส่งอีเมลแจ้งผลถึงผู้ลงทะเบียนที่ teacher@example.ac.th")
	mustStatus(t, admin.post("/admin/registrations/"+ids[0]+"/reject", url.Values{"confirm": {"yes"}, "reason": {"เอกสารไม่ครบ"}}), http.StatusOK, "/admin")
	mustStatus(t, admin.post("/admin/registrations/"+ids[1]+"/approve", confirmed), http.StatusOK, "/admin")
	mustStatus(t, admin.post("/admin/registrations/"+ids[1]+"/revoke", url.Values{"confirm": {"yes"}, "reason": {"ย้ายโรงเรียน"}}), http.StatusOK, "/admin")

	mustShowText(t, rejected.get("/status"), "ไม่อนุมัติ", "ไม่ได้รับการอนุมัติ", "เอกสารไม่ครบ", "044-611234")
	mustShowText(t, revoked.get("/status"), "เพิกถอนสิทธิ์แล้ว", "ถูกเพิกถอนสิทธิ์จัดการเว็บไซต์โรงเรียน", "ย้ายโรงเรียน", "044-611234")
	if strings.Contains(pageText(rejected.get("/status").Body), "เพิกถอน") || strings.Contains(pageText(revoked.get("/status").Body), "ไม่ได้รับการอนุมัติ") {
		t.Error("the status pages of a rejection and a revocation read the same")
	}
	// Both on the rejected tab, each with its decision.
	tab := admin.get("/admin?status=rejected")
	mustShowText(t, tab, "ไม่อนุมัติ/เพิกถอน 2", "ไม่อนุมัติโดย "+adminBRM3.Name(), "เพิกถอนสิทธิ์โดย "+adminBRM3.Name(),
		"เอกสารไม่ครบ", "ย้ายโรงเรียน", applicant1.Name(), applicant2.Name(), "081-234-5678")

	// The mails: three, each worded for its decision, each with the office's contact.
	waitFor(t, "three mails", func() bool { return len(server.mails()) == 3 })
	subjects := map[string]string{}
	for _, m := range server.mails() {
		subject, err := new(mime.WordDecoder).DecodeHeader(m.Msg.Header.Get("Subject"))
		if err != nil {
			t.Fatal(err)
		}
		subjects[subject] = m.Body
		if !strings.Contains(m.Body, "กรุณาอย่าตอบกลับ หากมีข้อสงสัย ติดต่อสพป.บุรีรัมย์ เขต 3: โทร 044-611234 อีเมล office3@example.go.th") {
			t.Errorf("the mail %q lacks the office's contact:\n%s", subject, m.Body)
		}
	}
	for subject, want := range map[string]string{
		"ไม่อนุมัติการลงทะเบียน: โรงเรียนวัดก้านเหลือง":              "ไม่อนุมัติการลงทะเบียนของท่าน สำหรับโรงเรียนวัดก้านเหลือง\r\nเหตุผล: เอกสารไม่ครบ",
		"อนุมัติการลงทะเบียนแล้ว: โรงเรียนวัดก้านเหลือง":             "อนุมัติการลงทะเบียนของท่านแล้ว",
		"เพิกถอนสิทธิ์จัดการเว็บไซต์โรงเรียน: โรงเรียนวัดก้านเหลือง": "เพิกถอนสิทธิ์จัดการเว็บไซต์ของโรงเรียนวัดก้านเหลืองของท่าน\r\nท่านจัดการเว็บไซต์ของโรงเรียนไม่ได้อีก\r\nเหตุผล: ย้ายโรงเรียน",
	} {
		body, ok := subjects[subject]
		if !ok || !strings.Contains(body, want) {
			t.Errorf("no mail %q with %q (mails: %v)", subject, want, subjects)
		}
		if strings.Contains(body, "หรือเพิกถอน") {
			t.Errorf("the mail %q says rejected or revoked", subject)
		}
	}
}

// TestPeoplePage (issue 25.5), on both databases: admins are listed by the
// name their own login recorded, with the masked PID beside it, and
// super-admins marked; the area list starts on "choose"; a wrong ID stays in
// the box with what is wrong; a removal asks first and names the person, as
// do the notices and the audit entries.
func TestPeoplePage(t *testing.T) {
	for _, kind := range testdb.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			mock := startMock(t)
			db := testdb.URL(t, kind)
			env := officeEnv(db)
			env["ADMIN_PIDS"] += "," + superAdmin.PID + ":3104" // the super-admin, also an area admin
			app := startApp(t, mock, env)
			newBrowser(t, app.URL).login(adminBRM3) // the admin's login records their name
			super := newBrowser(t, app.URL)
			super.login(superAdmin)
			people := super.get("/admin/people")
			mustStatus(t, people, http.StatusOK, "/admin/people")
			mustShowText(t, people, adminBRM3.Name()+" "+maskOf(adminBRM3), "ยังไม่เคยเข้าสู่ระบบ", "ผู้ดูแลระบบ",
				superAdmin.Name()+" "+maskOf(superAdmin))
			if !strings.Contains(people.Body, `<span class="badge">ผู้ดูแลระบบ</span>`) {
				t.Error("no super-admin is marked")
			}
			mustContain(t, people, `<option value="" selected>— เลือกเขตพื้นที่`, `data-label="เขตพื้นที่"`, `data-label="ชื่อ"`)
			if strings.Contains(people.Body, `" selected>สพป.`) {
				t.Error("the area list starts on an area, not on \"choose\"")
			}

			// A wrong ID stays in the box, and says what is wrong; a valid one is never shown in full.
			for typed, want := range map[string]string{
				"110170023070":   "ต้องมี 13 หลัก พิมพ์ไว้ 12 หลัก",
				"1101700230709":  "หลักสุดท้าย (หลักตรวจสอบ) ไม่ตรง",
				"1101-70023O708": "ใช้ได้เฉพาะตัวเลข",
			} {
				got := super.post("/admin/people", url.Values{"pid": {typed}, "area": {areaBRM3}})
				mustStatus(t, got, http.StatusUnprocessableEntity, "")
				mustShowText(t, got, "เลขประจำตัวประชาชน: ", want)
				mustContain(t, got, `value="`+typed+`"`, `href="#pid"`, `<option value="3103" selected>`)
			}
			noArea := super.post("/admin/people", url.Values{"pid": {applicant3.PID}})
			mustStatus(t, noArea, http.StatusUnprocessableEntity, "")
			mustShowText(t, noArea, "เขตพื้นที่: กรุณาเลือก")

			// Assign (the notice names the person), then remove, after confirming.
			mustStatus(t, newBrowser(t, app.URL).register(applicant3, kanLueang), http.StatusOK, "/status") // a name on record
			got := super.post("/admin/people", url.Values{"pid": {applicant3.PID}, "area": {"3102"}})
			mustStatus(t, got, http.StatusOK, "/admin/people")
			mustShowText(t, got, "แต่งตั้ง "+applicant3.Name()+" ( "+maskOf(applicant3)+" ) เป็นผู้ดูแล สพป.บุรีรัมย์ เขต 2 แล้ว")
			again := super.post("/admin/people", url.Values{"pid": {applicant3.PID}, "area": {"3102"}})
			mustStatus(t, again, http.StatusConflict, "")
			mustShowText(t, again, maskOf(applicant3)+" เป็นผู้ดูแล สพป.บุรีรัมย์ เขต 2 อยู่แล้ว")
			var remove string
			for _, row := range strings.Split(got.Body, "<tr>") {
				if strings.Contains(row, maskOf(adminBRM3)) {
					remove = regexp.MustCompile(`/admin/people/[0-9a-f]{32}/remove`).FindString(row)
				}
			}
			if remove == "" {
				t.Fatal("no remove link for the admin of เขต 3")
			}
			ask := super.get(remove)
			mustStatus(t, ask, http.StatusOK, remove)
			mustShowText(t, ask, "ยืนยันการถอดถอนผู้ดูแลเขตพื้นที่", adminBRM3.Name(), maskOf(adminBRM3), "สพป.บุรีรัมย์ เขต 3", "ADMIN_PIDS")
			mustContain(t, ask, `name="confirm" value="yes"`, `href="/admin/people"`)
			removed := super.post(remove, confirmed)
			mustStatus(t, removed, http.StatusOK, "/admin/people")
			mustShowText(t, removed, "ถอดถอน "+adminBRM3.Name()+" ( "+maskOf(adminBRM3)+" ) จากผู้ดูแล สพป.บุรีรัมย์ เขต 3 แล้ว")

			// The audit trail names them.
			audit := super.get("/admin/audit?action=admin_removed")
			mustShowText(t, audit, maskOf(adminBRM3)+" "+adminBRM3.Name())
			granted := super.get("/admin/audit?action=admin_granted")
			mustShowText(t, granted, maskOf(applicant3)+" "+applicant3.Name())
		})
	}
}

// TestAuditPageReadable (issue 25.6): the audit trail shows school names;
// its date filters take the Buddhist era the list shows (and Gregorian
// dates), show them back in it, refuse "to" before "from", and say why a
// filtered page is empty.
func TestAuditPageReadable(t *testing.T) {
	mock := startMock(t)
	app := startApp(t, mock, officeEnv(testdb.URL(t, testdb.SQLite)))
	mustStatus(t, newBrowser(t, app.URL).register(applicant1, kanLueang), http.StatusOK, "/status")
	admin := newBrowser(t, app.URL)
	admin.login(adminBRM3)
	all := admin.get("/admin/audit")
	mustShowText(t, all, "โรงเรียนวัดก้านเหลือง ("+kanLueang+")")
	now := time.Now().In(bangkok)
	be := beDay(now)
	if !strings.Contains(pageText(all.Body), " "+strconv.Itoa(now.Year()+543)+" ") {
		t.Errorf("the audit list does not show Buddhist-era years")
	}
	for _, q := range []url.Values{{"from": {be}, "to": {be}}, {"from": {now.Format("2006-01-02")}}, {"to": {strconv.Itoa(now.Year()+543) + now.Format("-01-02")}}} {
		got := admin.get("/admin/audit?" + q.Encode())
		mustStatus(t, got, http.StatusOK, "/admin/audit")
		if !strings.Contains(got.Body, `data-action="registered"`) {
			t.Errorf("the filter %v shows no registration of today", q)
		}
		if q.Get("from") != "" {
			mustContain(t, got, `id="f-from" name="from" type="text" inputmode="numeric" maxlength="10" value="`+be+`"`)
		}
	}
	// To before from: said, beside the field and at the top.
	next := beDay(now.AddDate(0, 0, 1))
	order := admin.get("/admin/audit?" + url.Values{"from": {next}, "to": {be}}.Encode())
	mustStatus(t, order, http.StatusUnprocessableEntity, "")
	mustShowText(t, order, "ถึงวันที่: วันที่สิ้นสุดอยู่ก่อนวันที่เริ่มต้น")
	mustContain(t, order, `id="to-error"`, `href="#f-to"`)
	// An empty page says which filters made it empty, and a future start says so.
	future := admin.get("/admin/audit?" + url.Values{"from": {"1/1/2600"}, "action": {"revoked"}}.Encode())
	mustStatus(t, future, http.StatusOK, "")
	mustShowText(t, future, "ไม่มีรายการ", "การดำเนินการ \"เพิกถอนสิทธิ์\"", "ตั้งแต่ 1/1/2600", "วันที่เริ่มต้นยังไม่มาถึง")
	empty := admin.get("/admin/audit?action=revoked")
	mustShowText(t, empty, "ไม่มีรายการ", "ตามตัวกรองที่เลือก", "เพิกถอนสิทธิ์")
	// The admin list takes the same dates.
	list := admin.get("/admin?" + url.Values{"from": {be}, "to": {be}}.Encode())
	mustShowText(t, list, "รายการที่ 1–1 จาก 1")
	mustContain(t, admin.get("/admin?"+url.Values{"from": {next}, "to": {be}}.Encode()), `id="to-error"`)
}

// TestNewsLimitsAndLinks (issue 25.7): the limits are stated and enforced
// by the browser (maxlength) and the server, whose message says the limit
// and the length typed; a line break counts once, as the browser counts it;
// web addresses in news become safe links.
func TestNewsLimitsAndLinks(t *testing.T) {
	mock := startMock(t)
	app := startApp(t, mock, officeEnv(testdb.URL(t, testdb.SQLite)))
	user := approveOne(t, app)
	manage := user.get("/manage")
	mustContain(t, manage, `maxlength="200"`, `maxlength="5000"`, "ไม่เกิน 200 ตัวอักษร", "ไม่เกิน 5,000 ตัวอักษร")
	long := user.post("/manage/news", url.Values{"title": {strings.Repeat("ข", 201)}, "body": {"x"}})
	mustStatus(t, long, http.StatusUnprocessableEntity, "")
	mustShowText(t, long, "หัวข้อข่าว: ข้อความยาวเกินไป: ไม่เกิน 200 ตัวอักษร พิมพ์ไว้ 201 ตัวอักษร")
	mustContain(t, long, `href="#title"`, `id="title-error"`)
	// 5,000 characters with line breaks, as the browser let them through: accepted.
	body := strings.Repeat("ก\r\n", 2500)
	mustStatus(t, user.post("/manage/news", url.Values{"title": {"ยาว"}, "body": {body}}), http.StatusOK, "/manage")

	text := "รายละเอียดที่ https://www.obec.go.th/news?id=1&x=2 และ <script>alert(1)</script> javascript:alert(1)"
	mustStatus(t, user.post("/manage/news", url.Values{"title": {"ลิงก์"}, "body": {text}}), http.StatusOK, "/manage")
	public := newBrowser(t, app.URL).get("/schools/" + kanLueang)
	mustContain(t, public, `<a href="https://www.obec.go.th/news?id=1&amp;x=2" rel="noopener noreferrer nofollow">https://www.obec.go.th/news?id=1&amp;x=2</a>`,
		"&lt;script&gt;alert(1)&lt;/script&gt; javascript:alert(1)")
	if strings.Contains(public.Body, "<script>") || strings.Contains(public.Body, `href="javascript`) {
		t.Error("the news' text made markup")
	}
	mustContain(t, user.get("/manage"), `rel="noopener noreferrer nofollow"`)
}

// TestSmallerThings (issue 25.8): phone numbers are tap-to-call and written
// as Thai numbers are; the confirmation page says whether a mail is sent;
// the header names the user without a bare aria-label; the super-admin's
// list covers every area.
func TestSmallerThings(t *testing.T) {
	mock := startMock(t)
	app := startApp(t, mock, officeEnv(testdb.URL(t, testdb.SQLite)))
	for c, phone := range map[int]string{0: "044 611 234", 1: "02 123 4567"} {
		user := newBrowser(t, app.URL)
		user.login(citizens[c])
		mustStatus(t, user.post("/register/form", url.Values{"school": {kanLueang}, "phone": {phone}, "email": {"t@example.ac.th"}}),
			http.StatusOK, "/status")
	}
	mustStatus(t, newBrowser(t, app.URL).register(applicant3, "1031010001"), http.StatusOK, "/status")
	admin := newBrowser(t, app.URL)
	list := admin.login(adminBRM3)
	mustContain(t, list, `<a class="phone" href="tel:&#43;6644611234">044-611234</a>`, `<a class="phone" href="tel:&#43;6621234567">02-123-4567</a>`)
	ask := admin.get("/admin/registrations/" + registrationIDs(list.Body)[0] + "/approve")
	mustShowText(t, ask, "ระบบนี้ไม่ได้ส่งอีเมล ผู้ลงทะเบียนจะเห็นผลเมื่อเข้ามาดูที่หน้าสถานะการลงทะเบียน")
	if strings.Contains(list.Body, `class="user" aria-label`) || !strings.Contains(list.Body, `<li class="user"><span class="visually-hidden">ผู้ใช้ที่เข้าสู่ระบบ: </span>`) {
		t.Error("the header's user name is not labelled with text")
	}
	super := newBrowser(t, app.URL)
	super.login(superAdmin)
	mustShowText(t, super.get("/admin"), "ทุกเขตพื้นที่", "รายการที่ 1–3 จาก 3", applicant3.Name(), "สพป.บุรีรัมย์ เขต 1", "สพป.บุรีรัมย์ เขต 3")
}

// TestNothingToRevoke: a pending registration has no approval to revoke: its
// revocation page and a revocation POST answer "not found", and a list
// address claiming it was decided shows no notice.
func TestNothingToRevoke(t *testing.T) {
	mock := startMock(t)
	app := startApp(t, mock, officeEnv(testdb.URL(t, testdb.SQLite)))
	mustStatus(t, newBrowser(t, app.URL).register(applicant1, kanLueang), http.StatusOK, "/status")
	admin := newBrowser(t, app.URL)
	id := registrationIDs(admin.login(adminBRM3).Body)[0]
	if got := admin.get("/admin/registrations/" + id + "/revoke"); got.Status != http.StatusNotFound || strings.Contains(got.Body, `id="confirm"`) {
		t.Errorf("the revocation page of a pending registration: %d", got.Status)
	}
	if got := admin.post("/admin/registrations/"+id+"/revoke", url.Values{"confirm": {"yes"}, "reason": {"x"}}); got.Status != http.StatusNotFound {
		t.Errorf("revoking a pending registration: %d, want 404", got.Status)
	}
	crafted := admin.get("/admin?" + url.Values{"done": {"approved"}, "reg": {id}}.Encode())
	if strings.Contains(crafted.Body, `id="done-notice"`) {
		t.Error("a notice says a pending registration was decided")
	}
	mustShowText(t, newBrowser(t, app.URL).login(applicant1), "รอการอนุมัติ")
}
