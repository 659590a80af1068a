package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
	"github.com/thaid-go/thaid-go/examples/school-registration/internal/testdb"
	"github.com/thaid-go/thaid-go/thaid"
)

// TestMailPermanentFailure, on both databases, against the go-smtp server:
// a recipient the server refuses with 550 is tried once, given up at once,
// and the failure is written to the area's audit trail (shown on the audit
// page) with no address; a recipient answered 451 twice is retried with the
// backoff and delivered. The log holds neither address.
func TestMailPermanentFailure(t *testing.T) {
	const gone, busy = "gone@example.ac.th", "busy@example.ac.th"
	for _, kind := range testdb.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			mock := startMock(t)
			server := startSMTP(t, "127.0.0.1:0")
			server.rcptAnswer = func(to string, n int) error {
				switch {
				case strings.EqualFold(to, gone):
					// As some servers do, the answer quotes the address, also in another case.
					return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
						Message: "<" + strings.ToUpper(to) + "> " + to + ": no such user"}
				case strings.EqualFold(to, busy) && n <= 2:
					return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0},
						Message: to + ": mailbox busy, try again later"}
				}
				return nil
			}
			db := testdb.URL(t, kind)
			env := smtpEnv(db, server.addr)
			env["ADMIN_PIDS"] = adminBRM1.PID + ":3101," + adminBRM3.PID + ":" + areaBRM3 + "," + superAdmin.PID + ":*"
			app := startApp(t, mock, env, fastMail)
			for c, email := range map[int]string{0: gone, 1: busy} {
				user := newBrowser(t, app.URL)
				user.login(citizens[c])
				mustStatus(t, user.post("/register/form", url.Values{"school": {kanLueang}, "phone": {"081 234 5678"},
					"email": {email}}), http.StatusOK, "/status")
			}
			admin := newBrowser(t, app.URL)
			ids := registrationIDs(admin.login(adminBRM3).Body)
			if len(ids) != 2 {
				t.Fatalf("admin sees %d registrations, want 2", len(ids))
			}
			for _, id := range ids {
				mustStatus(t, admin.post("/admin/registrations/"+id+"/approve", confirmed), http.StatusOK, "/admin")
			}

			st, err := store.Open(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			byTo := func() map[string]store.Mail {
				box, err := st.Outbox(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				out := map[string]store.Mail{}
				for _, m := range box {
					out[m.To] = m
				}
				return out
			}
			waitFor(t, "the 451 mail delivered and the 550 mail given up", func() bool {
				box := byTo()
				return !box[busy].SentAt.IsZero() && !box[gone].FailedAt.IsZero()
			})
			// Retries are 50 ms apart here: give a wrongly retried 550 mail time to be tried again.
			time.Sleep(500 * time.Millisecond)
			box := byTo()
			if m := box[gone]; m.Attempts != 1 || server.rcptCount(gone) != 1 || !m.SentAt.IsZero() {
				t.Errorf("550 mail: %d attempts, %d RCPT TO, sent at %v; want 1, 1, never", m.Attempts, server.rcptCount(gone), m.SentAt)
			}
			if m := box[gone]; !strings.Contains(m.LastError, "550") || strings.Contains(strings.ToLower(m.LastError), gone) {
				t.Errorf("550 mail's last error %q: want the answer, without the address", m.LastError)
			}
			if m := box[busy]; m.Attempts != 3 || server.rcptCount(busy) != 3 || !m.FailedAt.IsZero() {
				t.Errorf("451 mail: %d attempts, %d RCPT TO, failed at %v; want 3, 3, never", m.Attempts, server.rcptCount(busy), m.FailedAt)
			}
			if got := server.mails(); len(got) != 1 || got[0].To != busy {
				t.Errorf("the server received %d mails, want 1 to the 451 address", len(got))
			}

			// The office sees it: one audit entry, in the area, naming the applicant by masked PID and name.
			entries, err := st.Audit(context.Background(), store.AuditFilter{Action: store.AuditMailFailed})
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 {
				t.Fatalf("%d mail_failed audit entries, want 1: %+v", len(entries), entries)
			}
			e := entries[0]
			if e.AreaCode != areaBRM3 || e.SchoolCode != kanLueang || e.Subject != thaid.MaskPID(citizens[0].PID) ||
				!strings.Contains(e.SubjectName, citizens[0].GivenName) || e.Actor != "system" ||
				!strings.Contains(e.Reason, "550") || strings.Contains(strings.ToLower(e.Reason), gone) {
				t.Errorf("mail_failed entry %+v", e)
			}
			// The area's admin sees it on the audit page with what it takes to reach the
			// applicant (issue 25): the registration, its phone and the address the mail
			// did not reach. The server's answer is shown without the address.
			if e.RegistrationID == "" {
				t.Error("the mail_failed entry names no registration")
			}
			page := admin.get("/admin/audit?action=" + store.AuditMailFailed)
			mustContain(t, page, "ส่งอีเมลแจ้งผลไม่สำเร็จ", thaid.MaskPID(citizens[0].PID), `id="mailfail-`+e.RegistrationID+`"`,
				`href="tel:&#43;66812345678"`, "081-234-5678", "อีเมลที่ส่งไม่ถึง "+gone, `href="/admin/registrations/`+e.RegistrationID+`"`)
			if r := regexp.MustCompile(`<span class="reason">[^<]*</span>`).FindString(page.Body); r == "" || strings.Contains(strings.ToLower(r), gone) {
				t.Errorf("the server's answer on the audit page: %q, want it without the address", r)
			}
			// So does a super-admin; the admin of another area sees none of it.
			super := newBrowser(t, app.URL)
			super.login(superAdmin)
			mustContain(t, super.get("/admin/audit?action="+store.AuditMailFailed), `id="mailfail-`+e.RegistrationID+`"`, "081-234-5678", gone)
			other := newBrowser(t, app.URL)
			other.login(adminBRM1)
			if got := other.get("/admin/audit"); strings.Contains(got.Body, gone) || strings.Contains(got.Body, e.RegistrationID) {
				t.Error("the admin of another area sees the failed mail's applicant")
			}

			log := app.Log.String()
			if !strings.Contains(log, "mail refused for good by the SMTP server, not retried") || !strings.Contains(log, "mail not sent, will retry") {
				t.Errorf("the log lacks the permanent failure or the retries:\n%s", log)
			}
			for _, addr := range []string{gone, busy} {
				if strings.Contains(strings.ToLower(log), addr) {
					t.Errorf("the log holds the address %s", addr)
				}
			}
		})
	}
}

// TestPermanentIf5xx: which SMTP answers end a message at once.
func TestPermanentIf5xx(t *testing.T) {
	for _, c := range []struct {
		code      int
		rcpt      bool
		permanent bool
	}{
		{550, true, true}, {553, true, true}, {554, false, true}, {552, false, true},
		{552, true, false}, // RFC 5321 4.5.3.1.10: too many recipients, take as temporary
		{451, true, false}, {421, false, false}, {452, true, false},
	} {
		err := permanentIf5xx(&textproto.Error{Code: c.code, Msg: "5.1.1 x"}, c.rcpt)
		_, got := err.(*permanentError)
		if got != c.permanent {
			t.Errorf("code %d (rcpt %v): permanent %v, want %v", c.code, c.rcpt, got, c.permanent)
		}
	}
	// Relay access denied (no or wrong authentication): the settings, not the recipient.
	if _, ok := permanentIf5xx(&textproto.Error{Code: 554, Msg: "5.7.1 <a@b.example>: Relay access denied"}, true).(*permanentError); ok {
		t.Error("554 5.7.1 to RCPT TO is permanent")
	}
	if _, ok := permanentIf5xx(&textproto.Error{Code: 554, Msg: "5.7.1 message refused as spam"}, false).(*permanentError); !ok {
		t.Error("554 5.7.1 to the message is not permanent")
	}
	if _, ok := permanentIf5xx(context.DeadlineExceeded, true).(*permanentError); ok {
		t.Error("a timeout is permanent")
	}
}

// TestMailLastAttemptGivenUp: a temporary failure at the last of
// store.MaxMailAttempts attempts gives the message up, and the area's audit
// trail records it, as for a permanent failure.
func TestMailLastAttemptGivenUp(t *testing.T) {
	for _, kind := range testdb.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ctx := context.Background()
			server := startSMTP(t, "127.0.0.1:0")
			server.rcptAnswer = func(string, int) error {
				return &smtp.SMTPError{Code: 451, Message: "try again later"}
			}
			st, err := store.Open(ctx, testdb.URL(t, kind))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if err := st.SeedSample(ctx); err != nil {
				t.Fatal(err)
			}
			if err := st.SetAreaAdmins(ctx, []store.AreaAdmin{{PID: adminBRM3.PID, AreaCode: areaBRM3}}); err != nil {
				t.Fatal(err)
			}
			st.SetMailComposer(composeMail("http://localhost"))
			reg, err := st.Apply(ctx, store.Application{CitizenPID: applicant1.PID, SchoolCode: kanLueang,
				Name: store.PersonName{Given: applicant1.GivenName, Family: applicant1.FamilyName}, Phone: "0812345678", Email: "late@example.ac.th"})
			if err != nil {
				t.Fatal(err)
			}
			if err := st.Approve(ctx, store.Actor{PID: adminBRM3.PID, Masked: thaid.MaskPID(adminBRM3.PID)}, reg.ID); err != nil {
				t.Fatal(err)
			}
			var log syncBuffer
			cfg := smtpConfig{Addr: server.addr, From: "noreply@school.example.go.th", Username: "mailer", Password: "secret", TLS: "none"}
			o := newOutbox(st, cfg, slog.New(slog.NewTextHandler(&log, nil)))
			o.retryBase = time.Microsecond // pauses double: 1 µs ... 0.26 s before the last attempt
			for i := 1; i <= store.MaxMailAttempts; i++ {
				waitFor(t, "a due mail", func() bool { return o.sendOne(ctx) })
				box, err := st.Outbox(ctx)
				if err != nil || len(box) != 1 || box[0].Attempts != i {
					t.Fatalf("after attempt %d: %+v, %v", i, box, err)
				}
				if given := !box[0].FailedAt.IsZero(); given != (i == store.MaxMailAttempts) {
					t.Fatalf("after attempt %d: given up %v", i, given)
				}
			}
			if o.sendOne(ctx) {
				t.Error("a given-up mail was tried again")
			}
			if n := server.rcptCount("late@example.ac.th"); n != store.MaxMailAttempts {
				t.Errorf("%d RCPT TO, want %d", n, store.MaxMailAttempts)
			}
			entries, err := st.Audit(ctx, store.AuditFilter{Areas: []string{areaBRM3}, Action: store.AuditMailFailed})
			if err != nil || len(entries) != 1 || !strings.Contains(entries[0].Reason, "451") {
				t.Errorf("mail_failed entries: %+v, %v", entries, err)
			}
			if l := log.String(); !strings.Contains(l, "given up") || strings.Contains(l, "late@example.ac.th") {
				t.Errorf("log:\n%s", l)
			}
		})
	}
}
