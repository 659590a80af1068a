package main

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
	"github.com/thaid-go/thaid-go/examples/school-registration/internal/testdb"
	"github.com/thaid-go/thaid-go/thaid"
)

// john is the mock's citizen with a middle name: นาย จอห์น ไมเคิล สมิธ
// (Mr. John Michael Smith).
var john = citizens[4]

var tags = regexp.MustCompile(`<[^>]*>`)

// pageText is the text of an HTML page as a reader sees it: tags dropped,
// entities decoded, runs of white space made one space.
func pageText(body string) string {
	return strings.Join(strings.Fields(html.UnescapeString(tags.ReplaceAllString(body, " "))), " ")
}

// mustShowText fails unless the page's text holds every want.
func mustShowText(t *testing.T, got fetched, wants ...string) {
	t.Helper()
	text := pageText(got.Body)
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("page %s (status %d) does not show %q", got.Location, got.Status, w)
		}
	}
}

// TestNamesAsThaIDSendsThem (issue 21.8), on both databases: a citizen with
// a title and a middle name, logged in with the default scopes (which carry
// the full name in "name" and the title, given and family names apart), is
// shown and stored as ThaID sends them: "นาย จอห์น ไมเคิล สมิธ", not "จอห์น
// สมิธ". The registration form, the status page, the admin list and its
// confirmation page, the audit trail and the decision mail all carry the full
// name, and the store keeps every part.
func TestNamesAsThaIDSendsThem(t *testing.T) {
	for _, kind := range testdb.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			full := john.Name() // นาย จอห์น ไมเคิล สมิธ
			mock := startMock(t)
			server := startSMTP(t, "127.0.0.1:0")
			db := testdb.URL(t, kind)
			app := startApp(t, mock, smtpEnv(db, server.addr), fastMail)

			user := newBrowser(t, app.URL)
			mustShowText(t, user.login(john), full)
			form := user.get("/register/form?school=" + kanLueang)
			mustStatus(t, form, http.StatusOK, "/register/form")
			mustContain(t, form, `value="`+full+`" readonly`)
			mustStatus(t, user.post("/register/form", url.Values{"school": {kanLueang}, "phone": {"081 234 5678"},
				"email": {"john@example.ac.th"}}), http.StatusOK, "/status")
			mustShowText(t, user.get("/status"), full)

			admin := newBrowser(t, app.URL)
			list := admin.login(adminBRM3)
			mustShowText(t, list, full)
			ids := registrationIDs(list.Body)
			if len(ids) != 1 {
				t.Fatalf("admin sees %d registrations, want 1", len(ids))
			}
			mustShowText(t, admin.post("/admin/registrations/"+ids[0]+"/approve", nil), full)
			mustStatus(t, admin.post("/admin/registrations/"+ids[0]+"/approve", confirmed), http.StatusOK, "/admin")
			// The audit trail: the registration (by and about the applicant) and the
			// approval (about the applicant, by the admin with their title).
			audit := admin.get("/admin/audit")
			mustShowText(t, audit, maskOf(john)+" "+full, maskOf(adminBRM3)+" "+adminBRM3.Name())
			waitFor(t, "the approval mail", func() bool { return len(server.mails()) == 1 })
			if body := server.mails()[0].Body; !strings.Contains(body, "เรียน "+full) {
				t.Errorf("the mail does not greet the applicant by the full name %q:\n%s", full, body)
			}

			st, err := store.Open(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			reg, err := st.Registration(context.Background(), ids[0])
			if err != nil {
				t.Fatal(err)
			}
			want := store.PersonName{Title: "นาย", Given: "จอห์น", Middle: "ไมเคิล", Family: "สมิธ"}
			if reg.Name != want {
				t.Errorf("stored name %+v, want %+v", reg.Name, want)
			}
		})
	}
}

// TestNamesInEnglish: with the middle_name and English scopes granted
// (THAID_SCOPES), the claims are kept part by part, and the English name is
// shown beside the Thai one.
func TestNamesInEnglish(t *testing.T) {
	mock := startMock(t)
	db := testdb.URL(t, testdb.SQLite)
	app := startApp(t, mock, map[string]string{"DATABASE_URL": db,
		"THAID_SCOPES": "openid pid title given_name middle_name family_name title_en given_name_en middle_name_en family_name_en"})
	user := newBrowser(t, app.URL)
	mustStatus(t, user.register(john, kanLueang), http.StatusOK, "/status")
	mustShowText(t, user.get("/status"), john.Name(), john.NameEN())
	admin := newBrowser(t, app.URL)
	mustShowText(t, admin.login(adminBRM3), john.Name(), john.NameEN())

	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	reg, err := st.CurrentRegistration(context.Background(), john.PID)
	if err != nil {
		t.Fatal(err)
	}
	want := store.PersonName{Title: "นาย", Given: "จอห์น", Middle: "ไมเคิล", Family: "สมิธ",
		TitleEN: "Mr.", GivenEN: "John", MiddleEN: "Michael", FamilyEN: "Smith"}
	if reg.Name != want {
		t.Errorf("stored name %+v, want %+v", reg.Name, want)
	}
}

// TestCitizenName: the name parts as ThaID sent them, each claim kept; a
// part that only the full name ("name", "name_en") carries is taken from it,
// and the full name is never changed by the split.
func TestCitizenName(t *testing.T) {
	tests := []struct {
		name string
		id   thaid.Identity
		want store.PersonName
	}{
		{"every part", thaid.Identity{Title: "นาย", GivenName: "จอห์น", MiddleName: "ไมเคิล", FamilyName: "สมิธ",
			TitleEN: "Mr.", GivenNameEN: "John", MiddleNameEN: "Michael", FamilyNameEN: "Smith"},
			store.PersonName{Title: "นาย", Given: "จอห์น", Middle: "ไมเคิล", Family: "สมิธ",
				TitleEN: "Mr.", GivenEN: "John", MiddleEN: "Michael", FamilyEN: "Smith"}},
		{"the middle name only in name (default scopes)", thaid.Identity{Title: "นาย", GivenName: "จอห์น", FamilyName: "สมิธ",
			Name: "นาย จอห์น ไมเคิล สมิธ", NameEN: "Mr. John Michael Smith"},
			store.PersonName{Title: "นาย", Given: "จอห์น", Middle: "ไมเคิล", Family: "สมิธ",
				TitleEN: "Mr.", GivenEN: "John", MiddleEN: "Michael", FamilyEN: "Smith"}},
		{"no middle name", thaid.Identity{Title: "นาย", GivenName: "สมชาย", FamilyName: "ใจดี", Name: "นาย สมชาย ใจดี"},
			store.PersonName{Title: "นาย", Given: "สมชาย", Family: "ใจดี"}},
		{"name alone, with a title", thaid.Identity{Name: "นางสาว พิมพ์ชนก รัตนพันธ์"},
			store.PersonName{Title: "นางสาว", Given: "พิมพ์ชนก", Family: "รัตนพันธ์"}},
		{"name alone, the title claim apart", thaid.Identity{Title: "นาย", Name: "นาย สมชาย ใจดี"},
			store.PersonName{Title: "นาย", Given: "สมชาย", Family: "ใจดี"}},
		{"name alone, a middle name", thaid.Identity{Name: "จอห์น ไมเคิล สมิธ"},
			store.PersonName{Given: "จอห์น", Middle: "ไมเคิล", Family: "สมิธ"}},
		{"name alone, one word", thaid.Identity{Name: "มาลี"}, store.PersonName{Given: "มาลี"}},
		{"the parts disagree with name: the parts win", thaid.Identity{GivenName: "สมชาย", FamilyName: "ใจดี", Name: "นาย สมศักดิ์ ใจดี"},
			store.PersonName{Given: "สมชาย", Family: "ใจดี"}},
		{"spaces around the parts", thaid.Identity{Title: " นาย", GivenName: "สมชาย  ", FamilyName: " ใจดี"},
			store.PersonName{Title: "นาย", Given: "สมชาย", Family: "ใจดี"}},
		{"English only", thaid.Identity{NameEN: "Ms. Jane Doe"}, store.PersonName{TitleEN: "Ms.", GivenEN: "Jane", FamilyEN: "Doe"}},
		{"nothing", thaid.Identity{}, store.PersonName{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := citizenName(&tc.id)
			if got != tc.want {
				t.Errorf("citizenName = %+v, want %+v", got, tc.want)
			}
			if tc.id.Name != "" && got.Full() != strings.Join(strings.Fields(tc.id.Name), " ") && tc.id.GivenName == "" {
				t.Errorf("Full() = %q, want the name as sent, %q", got.Full(), tc.id.Name)
			}
		})
	}
}
