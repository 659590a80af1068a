package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
)

// smtpServer is a real SMTP server (github.com/emersion/go-smtp) on
// loopback that keeps what it receives. It requires PLAIN authentication as
// mailer/secret, and can refuse messages or hold them for a while.
type smtpServer struct {
	addr string
	srv  *smtp.Server

	mu       sync.Mutex
	received []receivedMail
	refuse   int           // refuse this many messages (451), then accept
	hold     time.Duration // pause in DATA before accepting
	open     bool          // accept mail without authentication (a relay)
	started  chan struct{} // gets a value when a DATA begins
	// rcptAnswer, when set, answers RCPT TO for the n-th time (from 1) the
	// address to is given; nil accepts.
	rcptAnswer func(to string, n int) error
	rcpts      map[string]int // RCPT TO commands by address
}

type receivedMail struct {
	From, To string
	Msg      *mail.Message
	Raw      string // the body as sent
	Body     string // decoded when quoted-printable
}

func (s *smtpServer) NewSession(*smtp.Conn) (smtp.Session, error) { return &smtpSession{srv: s}, nil }

type smtpSession struct {
	srv      *smtpServer
	authed   bool
	from, to string
}

func (x *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "mailer" || pass != "secret" {
			return errors.New("bad credentials")
		}
		x.authed = true
		return nil
	}), nil
}

func (x *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	x.srv.mu.Lock()
	open := x.srv.open
	x.srv.mu.Unlock()
	if !x.authed && !open {
		return smtp.ErrAuthRequired
	}
	x.from = from
	return nil
}

func (x *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s := x.srv
	s.mu.Lock()
	if s.rcpts == nil {
		s.rcpts = map[string]int{}
	}
	s.rcpts[to]++
	n, answer := s.rcpts[to], s.rcptAnswer
	s.mu.Unlock()
	if answer != nil {
		if err := answer(to, n); err != nil {
			return err
		}
	}
	x.to = to
	return nil
}

// rcptCount is how often RCPT TO named the address.
func (s *smtpServer) rcptCount(to string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rcpts[to]
}

func (x *smtpSession) Data(r io.Reader) error {
	s := x.srv
	select {
	case s.started <- struct{}{}:
	default:
	}
	s.mu.Lock()
	hold, refuse := s.hold, s.refuse > 0
	if refuse {
		s.refuse--
	}
	s.mu.Unlock()
	time.Sleep(hold)
	if refuse {
		_, _ = io.Copy(io.Discard, r)
		// As some servers do, the answer quotes the address, also in another case.
		return &smtp.SMTPError{Code: 451, Message: "mailbox " + x.to + " (" + strings.ToUpper(x.to) + ") busy, try again later"}
	}
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	raw, err := io.ReadAll(msg.Body)
	if err != nil {
		return err
	}
	body := raw
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		if body, err = io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw))); err != nil {
			return err
		}
	}
	s.mu.Lock()
	s.received = append(s.received, receivedMail{From: x.from, To: x.to, Msg: msg, Raw: string(raw), Body: string(body)})
	s.mu.Unlock()
	return nil
}

func (x *smtpSession) Reset()        {}
func (x *smtpSession) Logout() error { return nil }

// startSMTP serves on addr ("127.0.0.1:0" for any port) until the test ends;
// setup, if given, configures the server before it serves.
func startSMTP(t *testing.T, addr string, setup ...func(*smtp.Server)) *smtpServer {
	t.Helper()
	s := &smtpServer{started: make(chan struct{}, 1)}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	s.srv = smtp.NewServer(s)
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true // loopback; net/smtp sends PLAIN only to localhost without TLS
	for _, f := range setup {
		f(s.srv)
	}
	go func() { _ = s.srv.Serve(ln) }()
	t.Cleanup(func() { s.srv.Close() })
	return s
}

func (s *smtpServer) mails() []receivedMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]receivedMail(nil), s.received...)
}

// waitFor polls cond for up to 15 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func smtpEnv(db, addr string) map[string]string {
	return map[string]string{"DATABASE_URL": db, "SMTP_ADDR": addr, "SMTP_FROM": "noreply@school.example.go.th",
		"SMTP_USERNAME": "mailer", "SMTP_PASSWORD": "secret", "SMTP_TLS": "none"}
}

func fastMail(c *config) { c.mailRetry = 50 * time.Millisecond }

// approveOne registers applicant1 at วัดก้านเหลือง and has the area admin
// approve, on app; it returns the applicant's browser.
func approveOne(t *testing.T, app *testApp) *browser {
	t.Helper()
	user := newBrowser(t, app.URL)
	mustStatus(t, user.register(applicant1, kanLueang), http.StatusOK, "/status")
	admin := newBrowser(t, app.URL)
	ids := registrationIDs(admin.login(adminBRM3).Body)
	if len(ids) != 1 {
		t.Fatalf("admin sees %d registrations", len(ids))
	}
	mustStatus(t, admin.post("/admin/registrations/"+ids[0]+"/approve", confirmed), http.StatusOK, "/admin")
	return user
}

// TestMailSurvivesRestart: the applicant hears of the approval by email. The
// SMTP server is down when the admin approves: the mail waits in the outbox,
// survives a restart of the app, and is sent once the server is up.
func TestMailSurvivesRestart(t *testing.T) {
	mock := startMock(t)
	db := filepath.Join(t.TempDir(), "mail.db")
	// A free port with nothing listening: the SMTP server is down.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	app := startApp(t, mock, smtpEnv(db, addr), fastMail)
	user := approveOne(t, app)
	mustContain(t, user.get("/status"), "อนุมัติแล้ว")
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	waitFor(t, "a failed attempt", func() bool {
		box, _ := st.Outbox(context.Background())
		return len(box) == 1 && box[0].Attempts >= 2 && box[0].LastError != ""
	})
	app.Stop()
	if box, _ := st.Outbox(context.Background()); len(box) != 1 || !box[0].SentAt.IsZero() {
		t.Fatalf("outbox after the stop = %+v, want one unsent mail", box)
	}

	server := startSMTP(t, addr)
	startApp(t, mock, smtpEnv(db, addr), fastMail)
	waitFor(t, "the mail", func() bool { return len(server.mails()) == 1 })
	m := server.mails()[0]
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	if m.To != "teacher@example.ac.th" || m.From != "noreply@school.example.go.th" {
		t.Errorf("envelope %s -> %s", m.From, m.To)
	}
	if !strings.Contains(subject, "อนุมัติ") || !strings.Contains(subject, "โรงเรียนวัดก้านเหลือง") {
		t.Errorf("subject = %q", subject)
	}
	if !strings.Contains(m.Body, applicant1.GivenName) || !strings.Contains(m.Body, app.URL+"/manage") {
		t.Errorf("body lacks the name or the manage link:\n%s", m.Body)
	}
	assertNoFullPID(t, "mail", m.Body)
	waitFor(t, "the outbox to mark it sent", func() bool {
		box, _ := st.Outbox(context.Background())
		return len(box) == 1 && !box[0].SentAt.IsZero()
	})
	time.Sleep(200 * time.Millisecond)
	if n := len(server.mails()); n != 1 {
		t.Errorf("%d mails, want exactly 1", n)
	}
}

// TestMailRetryAndRejection: a refused message (451) is retried; a rejection
// mail carries the reason; the status page says how the applicant hears.
func TestMailRetryAndRejection(t *testing.T) {
	mock := startMock(t)
	server := startSMTP(t, "127.0.0.1:0")
	server.refuse = 1
	app := startApp(t, mock, smtpEnv(filepath.Join(t.TempDir(), "mail.db"), server.addr), fastMail)
	user := newBrowser(t, app.URL)
	mustStatus(t, user.register(applicant1, kanLueang), http.StatusOK, "/status")
	mustContain(t, user.get("/status"), `id="how-you-hear"`, "ระบบจะส่งอีเมลแจ้งผลไปที่", "teacher@example.ac.th")
	admin := newBrowser(t, app.URL)
	ids := registrationIDs(admin.login(adminBRM3).Body)
	mustStatus(t, admin.post("/admin/registrations/"+ids[0]+"/reject",
		url.Values{"confirm": {"yes"}, "reason": {"ไม่ใช่บุคลากรของโรงเรียน"}}), http.StatusOK, "/admin")
	waitFor(t, "the retried mail", func() bool { return len(server.mails()) == 1 })
	if body := server.mails()[0].Body; !strings.Contains(body, "ไม่ใช่บุคลากรของโรงเรียน") {
		t.Errorf("rejection mail lacks the reason:\n%s", body)
	}
	if !strings.Contains(app.Log.String(), "mail not sent, will retry") {
		t.Error("the refused attempt was not logged")
	}
	if strings.Contains(strings.ToLower(app.Log.String()), "teacher@example.ac.th") {
		t.Error("the log holds the applicant's address")
	}
}

// TestNoMailWithoutSMTP: without SMTP_ADDR nothing is queued and the status
// page tells the applicant to come back.
func TestNoMailWithoutSMTP(t *testing.T) {
	mock := startMock(t)
	db := filepath.Join(t.TempDir(), "nomail.db")
	app := startApp(t, mock, map[string]string{"DATABASE_URL": db})
	user := newBrowser(t, app.URL)
	mustStatus(t, user.register(applicant1, kanLueang), http.StatusOK, "/status")
	mustContain(t, user.get("/status"), `id="how-you-hear"`, "ระบบนี้ไม่ได้ส่งอีเมลแจ้งผล")
	admin := newBrowser(t, app.URL)
	ids := registrationIDs(admin.login(adminBRM3).Body)
	mustStatus(t, admin.post("/admin/registrations/"+ids[0]+"/approve", confirmed), http.StatusOK, "/admin")
	app.Stop()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if box, _ := st.Outbox(context.Background()); len(box) != 0 {
		t.Errorf("outbox = %+v, want empty", box)
	}
}

// TestShutdownFinishesMail: a shutdown while a mail is being sent waits for
// the send to finish, and the mail is marked sent.
func TestShutdownFinishesMail(t *testing.T) {
	mock := startMock(t)
	server := startSMTP(t, "127.0.0.1:0")
	server.hold = time.Second
	db := filepath.Join(t.TempDir(), "shutdown.db")
	app := startApp(t, mock, smtpEnv(db, server.addr), fastMail)
	approveOne(t, app)
	select {
	case <-server.started:
	case <-time.After(15 * time.Second):
		t.Fatal("the send did not start")
	}
	app.Stop() // while the server holds the DATA
	if n := len(server.mails()); n != 1 {
		t.Fatalf("%d mails received after the shutdown, want 1", n)
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if box, _ := st.Outbox(context.Background()); len(box) != 1 || box[0].SentAt.IsZero() {
		t.Errorf("outbox after the shutdown = %+v, want the mail marked sent", box)
	}
}

func TestSMTPConfigErrors(t *testing.T) {
	for _, env := range []map[string]string{
		{"SMTP_ADDR": "smtp.example.go.th"},
		{"SMTP_ADDR": "smtp.example.go.th:587"},
		{"SMTP_ADDR": "smtp.example.go.th:587", "SMTP_FROM": "a@b.c", "SMTP_TLS": "ssl3"},
	} {
		if _, err := smtpFromEnv(func(k string) string { return env[k] }); !errors.Is(err, errConfig) {
			t.Errorf("%v: err = %v, want a config error", env, err)
		}
	}
}

// TestMailLineEndings: whatever line endings the text has (an admin's reason
// may carry a lone CR), the message on the wire has CRLF line endings only,
// so that no "<CR>.<CR><LF>" can end the data early at a lenient server
// (SMTP smuggling); a subject with CR/LF cannot add a header; a recipient
// with CR/LF is refused before any header is written.
func TestMailLineEndings(t *testing.T) {
	server := startSMTP(t, "127.0.0.1:0")
	c := smtpConfig{Addr: server.addr, From: "noreply@school.example.go.th", Username: "mailer", Password: "secret", TLS: "none"}
	ctx := context.Background()
	body := "เหตุผล: a\rb\r.\r\nMAIL FROM:<evil@example.com>\r\n\n.\nend"
	if err := c.send(ctx, "teacher@example.ac.th", "ผล\r\nBcc: evil@example.com", body); err != nil {
		t.Fatal(err)
	}
	if err := c.send(ctx, "teacher@example.ac.th\r\nBcc: evil@example.com", "x", "x"); err == nil {
		t.Error("a recipient with CR/LF was accepted")
	}
	mails := server.mails()
	if len(mails) != 1 {
		t.Fatalf("%d mails, want 1", len(mails))
	}
	m := mails[0]
	if m.Msg.Header.Get("Bcc") != "" || len(m.Msg.Header["Bcc"]) != 0 {
		t.Errorf("the subject added a header: %v", m.Msg.Header)
	}
	if subject, err := new(mime.WordDecoder).DecodeHeader(m.Msg.Header.Get("Subject")); err != nil || subject != "ผล\r\nBcc: evil@example.com" {
		t.Errorf("subject = %q, %v", subject, err)
	}
	if strings.ContainsAny(strings.ReplaceAll(m.Raw, "\r\n", ""), "\r") {
		t.Errorf("the body on the wire has a lone CR: %q", m.Raw)
	}
	if !strings.Contains(m.Body, "MAIL FROM:<evil@example.com>") || !strings.Contains(m.Body, "end") {
		t.Errorf("the body lost text: %q", m.Body)
	}
}

// TestMailLongLines: a long reason (500 Thai characters are 1,500 bytes on
// one line) goes out in lines SMTP allows (at most 998 octets; quoted-
// printable keeps them to 76, and 7-bit, for servers without 8BITMIME), and
// arrives whole.
func TestMailLongLines(t *testing.T) {
	server := startSMTP(t, "127.0.0.1:0")
	c := smtpConfig{Addr: server.addr, From: "noreply@school.example.go.th", Username: "mailer", Password: "secret", TLS: "none"}
	long := "เหตุผล: " + strings.Repeat("ก", 500)
	body := "เรียน คุณสมชาย\n\n" + long + "\n.\n-- \nระบบ\n"
	if err := c.send(context.Background(), "teacher@example.ac.th", "ผล", body); err != nil {
		t.Fatal(err)
	}
	mails := server.mails()
	if len(mails) != 1 {
		t.Fatalf("%d mails, want 1", len(mails))
	}
	for i, line := range strings.Split(mails[0].Raw, "\r\n") {
		if len(line) > 998 {
			t.Errorf("line %d on the wire has %d octets, more than SMTP's 998", i+1, len(line))
		}
		for _, b := range []byte(line) {
			if b >= 0x80 {
				t.Errorf("line %d on the wire is not 7-bit", i+1)
				break
			}
		}
	}
	if got := strings.ReplaceAll(mails[0].Body, "\r\n", "\n"); got != body {
		t.Errorf("body arrived as %q, want %q", got, body)
	}
}

// TestSTARTTLSRequired: with SMTP_TLS=starttls (the default) a server that
// does not offer STARTTLS (or whose offer was stripped on the way) gets no
// mail in plain text: the send fails, and the outbox retries it.
func TestSTARTTLSRequired(t *testing.T) {
	server := startSMTP(t, "127.0.0.1:0") // no TLS
	server.mu.Lock()
	server.open = true
	server.mu.Unlock()
	none := smtpConfig{Addr: server.addr, From: "noreply@school.example.go.th", TLS: "none"}
	if err := none.send(context.Background(), "teacher@example.ac.th", "ผล", "ok"); err != nil {
		t.Fatalf("SMTP_TLS=none to an open relay: %v", err)
	}
	server.mu.Lock()
	server.received = nil
	server.mu.Unlock()
	c := smtpConfig{Addr: server.addr, From: "noreply@school.example.go.th", TLS: "starttls"}
	if err := c.send(context.Background(), "teacher@example.ac.th", "ผล", "ข้อมูลส่วนบุคคล"); err == nil {
		t.Error("mail sent without STARTTLS")
	}
	if n := len(server.mails()); n != 0 {
		t.Errorf("%d mails received in plain text, want 0", n)
	}

	// A server that offers STARTTLS gets the mail, over TLS, with PLAIN authentication.
	hs := httptest.NewTLSServer(http.NotFoundHandler()) // for its certificate for 127.0.0.1
	defer hs.Close()
	secure := startSMTP(t, "127.0.0.1:0", func(s *smtp.Server) {
		s.TLSConfig = &tls.Config{Certificates: hs.TLS.Certificates}
		s.AllowInsecureAuth = false
	})
	c = smtpConfig{Addr: secure.addr, From: "noreply@school.example.go.th", Username: "mailer", Password: "secret",
		TLS: "starttls", tlsConfig: &tls.Config{RootCAs: hs.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs,
			ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}}
	if err := c.send(context.Background(), "teacher@example.ac.th", "ผล", "ข้อมูลส่วนบุคคล"); err != nil {
		t.Fatalf("send with STARTTLS: %v", err)
	}
	if m := secure.mails(); len(m) != 1 || m[0].Body != "ข้อมูลส่วนบุคคล\r\n" && m[0].Body != "ข้อมูลส่วนบุคคล" {
		t.Errorf("mails over STARTTLS = %+v", m)
	}
}

// TestSenderWithName: SMTP_FROM may carry a display name (an office's Thai
// name): the envelope gets the bare address, the From header the name
// encoded (RFC 2047).
func TestSenderWithName(t *testing.T) {
	server := startSMTP(t, "127.0.0.1:0")
	env := map[string]string{"SMTP_ADDR": server.addr, "SMTP_FROM": "สพป.บุรีรัมย์ เขต 3 <noreply@school.example.go.th>",
		"SMTP_USERNAME": "mailer", "SMTP_PASSWORD": "secret", "SMTP_TLS": "none"}
	c, err := smtpFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if err := c.send(context.Background(), "teacher@example.ac.th", "ผล", "ok"); err != nil {
		t.Fatalf("send: %v", err)
	}
	m := server.mails()
	if len(m) != 1 {
		t.Fatalf("%d mails, want 1", len(m))
	}
	if m[0].From != "noreply@school.example.go.th" {
		t.Errorf("envelope sender %q, want the bare address", m[0].From)
	}
	from, err := m[0].Msg.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "สพป.บุรีรัมย์ เขต 3" || from[0].Address != "noreply@school.example.go.th" {
		t.Errorf("From header %q: %v, %v", m[0].Msg.Header.Get("From"), from, err)
	}
	// A Message-ID on the sender's domain, new for each message (some providers refuse mail without one).
	if err := c.send(context.Background(), "teacher@example.ac.th", "ผล", "ok"); err != nil {
		t.Fatalf("send: %v", err)
	}
	m = server.mails()
	id0, id1 := m[0].Msg.Header.Get("Message-ID"), m[1].Msg.Header.Get("Message-ID")
	if !strings.HasPrefix(id0, "<") || !strings.HasSuffix(id0, "@school.example.go.th>") || id0 == id1 {
		t.Errorf("Message-IDs %q and %q, want two different ids on the sender's domain", id0, id1)
	}
	for _, b := range []byte(m[0].Msg.Header.Get("From")) {
		if b >= 0x80 {
			t.Errorf("From header is not 7-bit: %q", m[0].Msg.Header.Get("From"))
			break
		}
	}
}
