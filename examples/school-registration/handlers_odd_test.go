package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/testdb"
)

// TestOddInputNeverServerError, on both databases: every form and query of
// the app, as a website manager, an area admin and a super-admin, with empty,
// blank, SQL-like, HTML, over-long, percent, bidi, huge-number, NUL and
// invalid UTF-8 values, gets an answer below 500 and no panic, and typed
// HTML is never shown unescaped. Afterwards the public school page, the
// audit trail and the admin pages show it escaped too.
func TestOddInputNeverServerError(t *testing.T) {
	for _, kind := range testdb.Kinds {
		mock := startMock(t)
		app := startApp(t, mock, map[string]string{"DATABASE_URL": testdb.URL(t, kind),
			"ADMIN_PIDS": adminBRM1.PID + ":3101," + adminBRM3.PID + ":" + areaBRM3 + "," + superAdmin.PID + ":*"})
		user := newBrowser(t, app.URL)
		mustStatus(t, user.register(applicant1, kanLueang), http.StatusOK, "/status")
		admin := newBrowser(t, app.URL)
		ids := registrationIDs(admin.login(adminBRM3).Body)
		if len(ids) != 1 {
			t.Fatalf("admin sees %d registrations, want 1", len(ids))
		}
		mustStatus(t, admin.post("/admin/registrations/"+ids[0]+"/approve", confirmed), http.StatusOK, "/admin")
		super := newBrowser(t, app.URL)
		super.login(superAdmin)
		vals := []string{"", " ", "'; DROP TABLE x; --", "<script>alert(1)</script>", strings.Repeat("ก", 1000), "%", "\u202e", "9999999999999999999999", "a\x00b", "\xff"}
		paths := []string{"/register/form", "/manage/about", "/manage/news", "/manage/news/x", "/manage/news/x/delete",
			"/admin/registrations/x/approve", "/admin/registrations/x/reject", "/admin/registrations/" + ids[0] + "/revoke",
			"/admin/people", "/admin/people/x/remove"}
		gets := []string{"/register/school?area=", "/register/form?school=", "/admin/audit?from=", "/admin/audit?action=", "/admin/audit?area=", "/schools/", "/manage/news/x/edit?", "/status?", "/admin?done=",
			"/admin?q=", "/admin?status=", "/admin?area=", "/admin?school=", "/admin?from=", "/admin?to=", "/admin?sort=", "/admin?page="}
		for _, b := range []*browser{user, admin, super} {
			for _, v := range vals {
				for _, p := range paths {
					got := b.post(p, url.Values{"school": {v}, "phone": {v}, "email": {v}, "about": {v}, "title": {v}, "body": {v}, "reason": {v}, "pid": {v}, "area": {v}, "list": {"q=" + url.QueryEscape(v) + "&page=" + url.QueryEscape(v)}, "confirm": {"yes"}})
					if strings.Contains(got.Body, "<script>") {
						t.Errorf("%s POST %s: typed HTML shown unescaped", kind, p)
					}
					if got.Status >= 500 {
						t.Errorf("%s POST %s %q: %d", kind, p, v[:min(len(v), 20)], got.Status)
					}
				}
				for _, g := range gets {
					got := b.get(g + url.QueryEscape(v))
					if strings.Contains(got.Body, "<script>") {
						t.Errorf("%s GET %s: typed HTML shown unescaped", kind, g)
					}
					if got.Status >= 500 {
						t.Errorf("%s GET %s %q: %d", kind, g, v[:min(len(v), 20)], got.Status)
					}
				}
			}
		}
		for _, b := range []*browser{user, admin, super} {
			for _, p := range []string{"/manage", "/schools/" + kanLueang, "/admin", "/admin/audit", "/admin/people", "/status"} {
				if got := b.get(p); strings.Contains(got.Body, "<script>") {
					t.Errorf("%s GET %s: typed HTML shown unescaped", kind, p)
				}
			}
		}
		// The news typed as HTML was stored, and is shown as text.
		mustContain(t, newBrowser(t, app.URL).get("/schools/"+kanLueang), "&lt;script&gt;alert(1)&lt;/script&gt;")
		if strings.Contains(app.Log.String(), "panic") {
			t.Error("panic logged")
		}
	}
}
