package main

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/testdb"
)

// TestRegistrationFlow walks the whole flow over HTTP on each database:
// login, registration with validation, cross-area admin refused, approval by
// the area's admin, then website management and the public page.
func TestRegistrationFlow(t *testing.T) {
	for _, kind := range testdb.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			mock := startMock(t)
			app := startAppOn(t, kind, mock)

			home := newBrowser(t, app.URL).get("/")
			mustStatus(t, home, http.StatusOK, "/")
			mustContain(t, home, "เข้าสู่ระบบด้วย ThaID", `href="/login?return_to=/start"`)

			user := newBrowser(t, app.URL)
			start := user.login(applicant1)
			mustStatus(t, start, http.StatusOK, "/register")
			mustContain(t, start, maskOf(applicant1), applicant1.GivenName, "ลงทะเบียน รร.")

			areas := user.get("/register/area")
			mustContain(t, areas, "สพป.บุรีรัมย์ เขต 1", "สพป.บุรีรัมย์ เขต 3", `value="3103"`)
			schools := user.get("/register/school?area=" + areaBRM3)
			mustContain(t, schools, "โรงเรียนวัดก้านเหลือง", "เริ่มทำการลงทะเบียน", `value="`+kanLueang+`"`)
			form := user.get("/register/form?school=" + kanLueang)
			mustStatus(t, form, http.StatusOK, "/register/form")
			mustContain(t, form, "สมัครสมาชิก", `value="`+applicant1.Name()+`" readonly`, maskOf(applicant1))

			// Server-side validation: errors beside the fields, input kept.
			bad := user.post("/register/form", url.Values{"school": {kanLueang}, "phone": {"12345"}, "email": {"not-an-email"}})
			mustStatus(t, bad, http.StatusUnprocessableEntity, "/register/form")
			mustContain(t, bad, `id="phone-error"`, `id="email-error"`, `value="12345"`, `value="not-an-email"`, `aria-invalid="true"`)

			ok := user.post("/register/form", url.Values{"school": {kanLueang}, "phone": {"081-234-5678"}, "email": {"somchai@example.ac.th"}})
			mustStatus(t, ok, http.StatusOK, "/status")
			mustContain(t, ok, "โรงเรียนวัดก้านเหลือง", "รอการอนุมัติ")
			if got := user.get("/manage"); got.Status != http.StatusForbidden {
				t.Errorf("pending user opens /manage: status %d, want 403", got.Status)
			}
			// A second registration by the same citizen goes to the status page.
			if again := user.get("/register/form?school=1031010001"); again.Location != "/status" {
				t.Errorf("second registration: landed on %s, want /status", again.Location)
			}

			// The admin of เขต 1 does not see it and cannot act on it.
			other := newBrowser(t, app.URL)
			mustStatus(t, other.login(adminBRM1), http.StatusOK, "/admin")
			otherList := other.get("/admin")
			if ids := registrationIDs(otherList.Body); len(ids) != 0 {
				t.Errorf("admin of another area sees registrations %v", ids)
			}

			admin := newBrowser(t, app.URL)
			list := admin.login(adminBRM3)
			mustStatus(t, list, http.StatusOK, "/admin")
			mustContain(t, list, applicant1.GivenName, "โรงเรียนวัดก้านเหลือง", maskOf(applicant1))
			ids := registrationIDs(list.Body)
			if len(ids) != 1 {
				t.Fatalf("admin sees %d registrations, want 1", len(ids))
			}
			cross := other.post("/admin/registrations/"+ids[0]+"/approve", confirmed)
			mustStatus(t, cross, http.StatusNotFound, "")
			cross = other.post("/admin/registrations/"+ids[0]+"/reject", url.Values{"confirm": {"yes"}, "reason": {"x"}})
			mustStatus(t, cross, http.StatusNotFound, "")
			if got := user.get("/status"); !strings.Contains(got.Body, "รอการอนุมัติ") {
				t.Errorf("cross-area admin changed the registration")
			}
			// A citizen who is no admin cannot approve either.
			if got := user.post("/admin/registrations/"+ids[0]+"/approve", confirmed); got.Status != http.StatusForbidden {
				t.Errorf("non-admin approve: status %d, want 403", got.Status)
			}
			// Reject needs a reason.
			noReason := admin.post("/admin/registrations/"+ids[0]+"/reject", url.Values{"confirm": {"yes"}, "reason": {"  "}})
			mustStatus(t, noReason, http.StatusUnprocessableEntity, "")
			mustContain(t, noReason, `id="reason-error"`)

			approved := admin.post("/admin/registrations/"+ids[0]+"/approve", confirmed)
			mustStatus(t, approved, http.StatusOK, "/admin")
			mustContain(t, approved, "อนุมัติแล้ว")

			status := user.get("/status")
			mustContain(t, status, "อนุมัติแล้ว", `href="/manage"`)
			manage := user.get("/manage")
			mustStatus(t, manage, http.StatusOK, "/manage")
			badNews := user.post("/manage/news", url.Values{"title": {""}, "body": {"เนื้อหาที่พิมพ์ไว้"}})
			mustStatus(t, badNews, http.StatusUnprocessableEntity, "")
			mustContain(t, badNews, `id="title-error"`, "เนื้อหาที่พิมพ์ไว้")
			saved := user.post("/manage/about", url.Values{"about": {"โรงเรียนวัดก้านเหลือง ตั้งอยู่ที่อำเภอนางรอง"}})
			mustStatus(t, saved, http.StatusOK, "/manage")
			posted := user.post("/manage/news", url.Values{"title": {"รับสมัครนักเรียนใหม่"}, "body": {"เปิดรับสมัคร 1–15 มีนาคม"}})
			mustStatus(t, posted, http.StatusOK, "/manage")

			public := newBrowser(t, app.URL).get("/schools/" + kanLueang)
			mustStatus(t, public, http.StatusOK, "/schools/"+kanLueang)
			mustContain(t, public, "ตั้งอยู่ที่อำเภอนางรอง", "รับสมัครนักเรียนใหม่", "เปิดรับสมัคร 1–15 มีนาคม")
			mustContain(t, newBrowser(t, app.URL).get("/"), `href="/schools/`+kanLueang+`"`)
		})
	}
}

// TestSeatLimitAndRejection: a third applicant gets a clear message; a
// rejection frees the seat and shows the reason.
func TestSeatLimitAndRejection(t *testing.T) {
	for _, kind := range testdb.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			mock := startMock(t)
			app := startAppOn(t, kind, mock)
			first, second, third := newBrowser(t, app.URL), newBrowser(t, app.URL), newBrowser(t, app.URL)
			mustStatus(t, first.register(applicant1, kanLueang), http.StatusOK, "/status")
			mustStatus(t, second.register(applicant2, kanLueang), http.StatusOK, "/status")

			third.login(applicant3)
			// The form of a full school sends the citizen back to the school list.
			full := third.get("/register/form?school=" + kanLueang)
			mustStatus(t, full, http.StatusOK, "/register/school")
			mustContain(t, full, "ครบ 2 คนแล้ว")
			// Submitting anyway (an old form) is refused with the same message.
			late := third.post("/register/form", url.Values{"school": {kanLueang}, "phone": {"02 123 4567"}, "email": {"c@example.com"}})
			mustStatus(t, late, http.StatusConflict, "")
			mustContain(t, late, "ครบ 2 คนแล้ว")

			admin := newBrowser(t, app.URL)
			ids := registrationIDs(admin.login(adminBRM3).Body)
			if len(ids) != 2 {
				t.Fatalf("admin sees %d registrations, want 2", len(ids))
			}
			rejected := admin.post("/admin/registrations/"+ids[0]+"/reject", url.Values{"confirm": {"yes"}, "reason": {"ไม่ใช่บุคลากรของโรงเรียน"}})
			mustStatus(t, rejected, http.StatusOK, "/admin")
			status := first.get("/status")
			mustContain(t, status, "ไม่ได้รับการอนุมัติ", "ไม่ใช่บุคลากรของโรงเรียน")

			// The seat is free again.
			mustStatus(t, third.post("/register/form", url.Values{"school": {kanLueang}, "phone": {"+66 81 234 5678"}, "email": {"c@example.com"}}),
				http.StatusOK, "/status")
		})
	}
}

// TestCSRF: a POST without the token, or from another origin, is refused.
func TestCSRF(t *testing.T) {
	mock := startMock(t)
	app := startAppOn(t, testdb.SQLite, mock)
	b := newBrowser(t, app.URL)
	b.login(applicant1)
	form := url.Values{"school": {kanLueang}, "phone": {"0812345678"}, "email": {"a@example.com"}}

	noToken := b.postRaw("/register/form", form, nil)
	mustStatus(t, noToken, http.StatusForbidden, "")
	mustContain(t, noToken, "คำขอไม่ถูกต้อง")

	withToken := url.Values{csrfField: {b.csrf()}}
	for k, v := range form {
		withToken[k] = v
	}
	crossSite := b.postRaw("/register/form", withToken, http.Header{"Sec-Fetch-Site": {"cross-site"}})
	mustStatus(t, crossSite, http.StatusForbidden, "")
	wrongToken := url.Values{}
	for k, v := range withToken {
		wrongToken[k] = v
	}
	wrongToken.Set(csrfField, strings.Repeat("A", 43))
	mustStatus(t, b.postRaw("/register/form", wrongToken, nil), http.StatusForbidden, "")
	// Logout is protected too.
	mustStatus(t, b.postRaw("/logout", nil, nil), http.StatusForbidden, "")

	// Nothing was written; the real form works.
	mustStatus(t, b.get("/status"), http.StatusOK, "/register")
	mustStatus(t, b.postRaw("/register/form", withToken, nil), http.StatusOK, "/status")

	// Logout with the token ends the session.
	mustStatus(t, b.post("/logout", nil), http.StatusOK, "/")
	if code, loc := b.peek("/status"); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
		t.Errorf("after logout /status: %d to %q, want 303 to /login", code, loc)
	}
}

// TestRequireLogin: protected pages send anonymous browsers to ThaID login.
func TestRequireLogin(t *testing.T) {
	mock := startMock(t)
	app := startAppOn(t, testdb.SQLite, mock)
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, path := range []string{"/register", "/register/area", "/status", "/manage", "/admin"} {
		resp, err := hc.Get(app.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("GET %s anonymous: %d to %q, want 303 to /login", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if got := newBrowser(t, app.URL).get("/schools/0000000000"); got.Status != http.StatusNotFound {
		t.Errorf("unknown school page: %d", got.Status)
	}
	if got := newBrowser(t, app.URL).get("/healthz"); got.Status != http.StatusOK {
		t.Errorf("healthz: %d", got.Status)
	}
}

func TestValidation(t *testing.T) {
	phones := []struct {
		in, want, code string
	}{
		{"0812345678", "0812345678", ""},
		{"081-234-5678", "0812345678", ""},
		{"+66 81 234 5678", "0812345678", ""},
		{"๐๘๑๒๓๔๕๖๗๘", "0812345678", ""},
		{"02 123 4567", "021234567", ""},
		{"(044) 611 222", "044611222", ""},
		{"", "", "required"},
		{"081234567", "", "phone"},  // 9 digits starting 08: not a mobile
		{"0212345678", "", "phone"}, // 10 digits starting 02
		{"0112345678", "", "phone"},
		{"+1 202 555 0101", "", "phone"},
		{"08a2345678", "", "phone"},
	}
	for _, tc := range phones {
		got, code := normalizePhone(tc.in)
		if got != tc.want || code != tc.code {
			t.Errorf("normalizePhone(%q) = %q, %q; want %q, %q", tc.in, got, code, tc.want, tc.code)
		}
	}
	emails := []struct {
		in, code string
	}{
		{"somchai@example.ac.th", ""},
		{" a.b+c@obec.go.th ", ""},
		{"", "required"},
		{"no-at.example.com", "email"},
		{"a@localhost", "email"},
		{"Somchai <s@example.com>", "email"},
		{"a@.example.com", "email"},
		{strings.Repeat("a", 250) + "@example.com", "email"},
	}
	for _, tc := range emails {
		if _, code := normalizeEmail(tc.in); code != tc.code {
			t.Errorf("normalizeEmail(%q) code = %q, want %q", tc.in, code, tc.code)
		}
	}
}

func TestParseAdmins(t *testing.T) {
	got, err := parseAdmins(" " + adminBRM3.PID + ":3103 , 1-1120-34563-56-2:3101,")
	if err != nil || len(got) != 2 || got[0].AreaCode != "3103" || got[1].PID.Digits() != "1112034563562" {
		t.Fatalf("parseAdmins = %+v, %v", got, err)
	}
	for _, bad := range []string{adminBRM3.PID, adminBRM3.PID + ":", "1234567890123:3103"} {
		_, err := parseAdmins(bad)
		if err == nil {
			t.Errorf("parseAdmins(%q) succeeded", bad)
			continue
		}
		if strings.Contains(err.Error(), adminBRM3.PID) {
			t.Errorf("error shows the full PID: %v", err)
		}
	}
}

// TestLoginWithoutPID: a login whose identity has no PID (the pid scope not
// granted) cannot use the app.
func TestLoginWithoutPID(t *testing.T) {
	mock := startMock(t)
	app := startApp(t, mock, map[string]string{"DATABASE_URL": testdb.URL(t, testdb.SQLite), "THAID_SCOPES": "openid name"})
	b := newBrowser(t, app.URL)
	got := b.login(applicant1)
	mustStatus(t, got, http.StatusForbidden, "/start")
	mustContain(t, got, "ไม่มีสิทธิ์เข้าถึง")
}

// TestAdminCannotApproveOwn: an area admin who registers for a school in their
// own area cannot approve (or reject) it over HTTP and does not see it on the
// admin page; another admin of the area decides it.
func TestAdminCannotApproveOwn(t *testing.T) {
	for _, kind := range testdb.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			mock := startMock(t)
			app := startApp(t, mock, map[string]string{"DATABASE_URL": testdb.URL(t, kind),
				"ADMIN_PIDS": adminBRM3.PID + ":" + areaBRM3 + "," + adminBRM1.PID + ":" + areaBRM3})
			self := newBrowser(t, app.URL)
			mustStatus(t, self.register(adminBRM3, kanLueang), http.StatusOK, "/status")
			if ids := registrationIDs(self.get("/admin").Body); len(ids) != 0 {
				t.Errorf("admin sees their own registration %v", ids)
			}

			co := newBrowser(t, app.URL)
			ids := registrationIDs(co.login(adminBRM1).Body)
			if len(ids) != 1 {
				t.Fatalf("co-admin sees %d registrations, want 1", len(ids))
			}
			mustStatus(t, self.post("/admin/registrations/"+ids[0]+"/approve", confirmed), http.StatusNotFound, "")
			mustStatus(t, self.post("/admin/registrations/"+ids[0]+"/reject", url.Values{"confirm": {"yes"}, "reason": {"x"}}), http.StatusNotFound, "")
			if got := self.get("/manage"); got.Status != http.StatusForbidden {
				t.Errorf("self-approval attempt opened /manage: status %d", got.Status)
			}
			if got := self.get("/status"); !strings.Contains(got.Body, "รอการอนุมัติ") {
				t.Errorf("self-decision changed the registration")
			}

			mustStatus(t, co.post("/admin/registrations/"+ids[0]+"/approve", confirmed), http.StatusOK, "/admin")
			mustStatus(t, self.get("/manage"), http.StatusOK, "/manage")
		})
	}
}

var revokeIDPattern = regexp.MustCompile(`/admin/registrations/([0-9a-f]{32})/revoke`)

// TestRevokeWebsiteManager: the area admin revokes an approved website
// manager with a reason; the user loses /manage, sees the reason, and the seat
// is free again (the user may apply again).
func TestRevokeWebsiteManager(t *testing.T) {
	for _, kind := range testdb.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			mock := startMock(t)
			app := startAppOn(t, kind, mock)
			user := newBrowser(t, app.URL)
			mustStatus(t, user.register(applicant1, kanLueang), http.StatusOK, "/status")
			admin := newBrowser(t, app.URL)
			ids := registrationIDs(admin.login(adminBRM3).Body)
			if len(ids) != 1 {
				t.Fatalf("admin sees %d registrations, want 1", len(ids))
			}
			mustStatus(t, admin.post("/admin/registrations/"+ids[0]+"/approve", confirmed), http.StatusOK, "/admin")
			mustStatus(t, user.get("/manage"), http.StatusOK, "/manage")

			list := admin.get("/admin?status=approved")
			mustContain(t, list, "เพิกถอน", "Revoke", applicant1.GivenName, maskOf(applicant1))
			var revokeIDs []string
			for _, m := range revokeIDPattern.FindAllStringSubmatch(list.Body, -1) {
				revokeIDs = append(revokeIDs, m[1])
			}
			if len(revokeIDs) != 1 || revokeIDs[0] != ids[0] {
				t.Fatalf("admin page offers revoke for %v, want %v", revokeIDs, ids)
			}
			revoke := "/admin/registrations/" + ids[0] + "/revoke"
			// Another area's admin, a non-admin and a request without a reason or a CSRF token change nothing.
			other := newBrowser(t, app.URL)
			other.login(adminBRM1)
			if got := registrationIDs(other.get("/admin").Body); len(got) != 0 || strings.Contains(other.get("/admin?status=approved").Body, ids[0]) {
				t.Errorf("admin of another area sees the approved registration")
			}
			mustStatus(t, other.post(revoke, url.Values{"confirm": {"yes"}, "reason": {"x"}}), http.StatusNotFound, "")
			if got := user.post(revoke, url.Values{"confirm": {"yes"}, "reason": {"x"}}); got.Status != http.StatusForbidden {
				t.Errorf("non-admin revoke: status %d, want 403", got.Status)
			}
			noReason := admin.post(revoke, url.Values{"confirm": {"yes"}, "reason": {" "}})
			mustStatus(t, noReason, http.StatusUnprocessableEntity, "")
			mustContain(t, noReason, `id="reason-error"`)
			if got := admin.postRaw(revoke, url.Values{"confirm": {"yes"}, "reason": {"x"}}, nil); got.Status != http.StatusForbidden {
				t.Errorf("revoke without CSRF token: status %d, want 403", got.Status)
			}
			mustStatus(t, user.get("/manage"), http.StatusOK, "/manage")

			done := admin.post(revoke, url.Values{"confirm": {"yes"}, "reason": {"ย้ายไปสังกัดอื่นแล้ว"}, "list": {"status=approved"}})
			mustStatus(t, done, http.StatusOK, "/admin")
			// Back on the list of approved registrations it came from.
			mustContain(t, done, "เพิกถอนสิทธิ์แล้ว", `href="/admin?status=approved" aria-current="page"`)
			if strings.Contains(done.Body, `id="reg-`+ids[0]+`"`) {
				t.Errorf("revoked registration still on the admin page")
			}
			// Again (a reload, a second tab): the decision already made, and nothing changes.
			again := admin.post(revoke, url.Values{"confirm": {"yes"}, "reason": {"again"}})
			mustStatus(t, again, http.StatusOK, "/admin")
			mustShowText(t, again, "เพิกถอนสิทธิ์แล้ว", "เพิกถอนสิทธิ์โดย "+adminBRM3.Name()+" ( "+maskOf(adminBRM3)+" )", "ย้ายไปสังกัดอื่นแล้ว")

			if got := user.get("/manage"); got.Status != http.StatusForbidden {
				t.Errorf("revoked user opens /manage: status %d, want 403", got.Status)
			}
			if got := user.post("/manage/about", url.Values{"about": {"x"}}); got.Status != http.StatusForbidden {
				t.Errorf("revoked user saves About: status %d, want 403", got.Status)
			}
			mustContain(t, user.get("/status"), "ถูกเพิกถอนสิทธิ์", "ย้ายไปสังกัดอื่นแล้ว")

			// The seat is free: the user applies again, and a second applicant still fits.
			mustStatus(t, user.post("/register/form", url.Values{"school": {kanLueang}, "phone": {"0812345678"},
				"email": {"again@example.ac.th"}}), http.StatusOK, "/status")
			mustStatus(t, newBrowser(t, app.URL).register(applicant2, kanLueang), http.StatusOK, "/status")
		})
	}
}

// TestMalformedInputRefused, on both databases: a NUL byte or invalid UTF-8
// in a path, query or form (which PostgreSQL refuses to store or compare:
// each of these was a server error there) gets 400 and a page that says
// why; another control character typed in a text field gets the form back
// with the message beside the field. Nothing is stored, nothing is logged as
// a server error.
func TestMalformedInputRefused(t *testing.T) {
	for _, kind := range testdb.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			mock := startMock(t)
			app := startApp(t, mock, map[string]string{"DATABASE_URL": testdb.URL(t, kind),
				"ADMIN_PIDS": adminBRM1.PID + ":3101," + adminBRM3.PID + ":" + areaBRM3 + "," + superAdmin.PID + ":*"})
			badRequest := func(what string, got fetched) {
				t.Helper()
				if got.Status != http.StatusBadRequest || !strings.Contains(got.Body, "อักขระที่ใช้ไม่ได้") {
					t.Errorf("%s: status %d, want 400 with the bad-input page", what, got.Status)
				}
			}
			user := newBrowser(t, app.URL)
			badRequest("school page %00", user.get("/schools/%00"))
			mustStatus(t, user.register(applicant1, kanLueang), http.StatusOK, "/status")
			badRequest("choose school ?area=%00", user.get("/register/school?area=%00"))
			badRequest("form ?school=%ff", user.get("/register/form?school=%ff"))
			badRequest("register school NUL", user.post("/register/form",
				url.Values{"school": {"\x00"}, "phone": {"0812345678"}, "email": {"a@example.ac.th"}}))

			admin := newBrowser(t, app.URL)
			ids := registrationIDs(admin.login(adminBRM3).Body)
			if len(ids) != 1 {
				t.Fatalf("admin sees %d registrations, want 1", len(ids))
			}
			badRequest("approve id %00", admin.post("/admin/registrations/%00/approve", confirmed))
			badRequest("audit ?area=%00", admin.get("/admin/audit?area=%00"))
			for _, bad := range []string{"เอกสาร\x00ไม่ครบ", "\xff\xfe"} {
				badRequest("reject reason "+bad, admin.post("/admin/registrations/"+ids[0]+"/reject",
					url.Values{"confirm": {"yes"}, "reason": {bad}}))
			}
			for _, bad := range []string{"bell\x07", "\x1b[31m"} {
				got := admin.post("/admin/registrations/"+ids[0]+"/reject", url.Values{"confirm": {"yes"}, "reason": {bad}})
				if got.Status != http.StatusUnprocessableEntity || !strings.Contains(got.Body, `id="reason-error"`) ||
					!strings.Contains(got.Body, "อักขระควบคุม") {
					t.Errorf("reject with reason %q: status %d, want 422 with the reason's error", bad, got.Status)
				}
			}

			super := newBrowser(t, app.URL)
			super.login(superAdmin)
			badRequest("audit ?action=%00", super.get("/admin/audit?action=%00"))
			badRequest("assign area NUL", super.post("/admin/people", url.Values{"pid": {applicant3.PID}, "area": {"\x00"}}))
			badRequest("remove id %00", super.post("/admin/people/%00/remove", nil))

			mustStatus(t, admin.post("/admin/registrations/"+ids[0]+"/approve", confirmed), http.StatusOK, "/admin")
			for _, bad := range []string{"\x07", "\x1b[31m", "\u0085"} {
				for _, f := range []struct {
					path string
					form url.Values
					err  string
				}{
					{"/manage/about", url.Values{"about": {"ข่าว" + bad + "ใหม่"}}, `id="about-error"`},
					{"/manage/news", url.Values{"title": {"ข่าว" + bad + "ใหม่"}, "body": {"ok"}}, `id="title-error"`},
					{"/manage/news", url.Values{"title": {"ok"}, "body": {"ข่าว" + bad + "ใหม่"}}, `id="body-error"`},
				} {
					got := user.post(f.path, f.form)
					if got.Status != http.StatusUnprocessableEntity || !strings.Contains(got.Body, f.err) {
						t.Errorf("POST %s %q: status %d, want 422 with %s", f.path, f.form, got.Status, f.err)
					}
				}
			}
			badRequest("news title NUL", user.post("/manage/news", url.Values{"title": {"ข่าว\x00"}, "body": {"ok"}}))
			// Multi-line text keeps its line breaks and tabs.
			mustStatus(t, user.post("/manage/news", url.Values{"title": {"ประกาศ"}, "body": {"บรรทัดหนึ่ง\r\n\tบรรทัดสอง"}}),
				http.StatusOK, "/manage")
			if n := len(newsEditPattern.FindAllString(user.get("/manage").Body, -1)); n != 1 {
				t.Errorf("%d news items stored, want the valid one only", n)
			}
			if strings.Contains(app.Log.String(), "request failed") {
				t.Errorf("a server error was logged:\n%s", app.Log.String())
			}
		})
	}
}
