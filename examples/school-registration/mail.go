package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"regexp"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
)

// smtpConfig is the mail server, from SMTP_ADDR, SMTP_FROM, SMTP_USERNAME,
// SMTP_PASSWORD and SMTP_TLS. With no SMTP_ADDR, no mail is sent and the
// status page says so.
type smtpConfig struct {
	Addr     string // host:port
	From     string // SMTP_FROM: an address, with or without a display name
	Username string
	Password string // never shown
	// TLS: "starttls" (default: the connection is upgraded with STARTTLS, and
	// no mail is sent to a server that does not offer it), "tls" (implicit
	// TLS, port 465) or "none" (plain: a relay on loopback).
	TLS string
	// tlsConfig, when set, replaces the default (tests: a test CA).
	tlsConfig *tls.Config
}

func (c smtpConfig) enabled() bool { return c.Addr != "" }

func smtpFromEnv(getenv func(string) string) (smtpConfig, error) {
	c := smtpConfig{Addr: strings.TrimSpace(getenv("SMTP_ADDR")), From: strings.TrimSpace(getenv("SMTP_FROM")),
		Username: getenv("SMTP_USERNAME"), Password: getenv("SMTP_PASSWORD"), TLS: strings.ToLower(getenv("SMTP_TLS"))}
	if c.Addr == "" {
		return c, nil
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return c, fmt.Errorf("%w: SMTP_ADDR %q: want host:port, e.g. smtp.example.go.th:587", errConfig, c.Addr)
	}
	if _, err := mail.ParseAddress(c.From); err != nil || c.From == "" {
		return c, fmt.Errorf("%w: SMTP_FROM %q: want the sender's address, e.g. noreply@example.go.th", errConfig, c.From)
	}
	switch c.TLS {
	case "":
		c.TLS = "starttls"
	case "starttls", "tls", "none":
	default:
		return c, fmt.Errorf("%w: SMTP_TLS %q: want starttls, tls or none", errConfig, c.TLS)
	}
	return c, nil
}

// send delivers one message. It honours ctx's deadline.
func (c smtpConfig) send(ctx context.Context, to, subject, body string) error {
	// The envelope takes the bare address; the header the display name too,
	// encoded (RFC 2047).
	from, err := mail.ParseAddress(c.From)
	if err != nil {
		return fmt.Errorf("SMTP_FROM: %w", err)
	}
	host, _, _ := net.SplitHostPort(c.Addr)
	tlsConf := c.tlsConfig
	if tlsConf == nil {
		tlsConf = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	var conn net.Conn
	d := &net.Dialer{Timeout: 15 * time.Second}
	if c.TLS == "tls" {
		conn, err = (&tls.Dialer{NetDialer: d, Config: tlsConf}).DialContext(ctx, "tcp", c.Addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", c.Addr)
	}
	if err != nil {
		return err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	cl, err := smtp.NewClient(conn, host)
	if err != nil {
		return err
	}
	defer cl.Close()
	if c.TLS == "starttls" {
		// Required: the mail holds personal data, and a missing offer may have
		// been stripped on the way. A relay on loopback without TLS: SMTP_TLS=none.
		if ok, _ := cl.Extension("STARTTLS"); !ok {
			return errors.New("the SMTP server does not offer STARTTLS (SMTP_TLS=starttls requires it; SMTP_TLS=none for a relay on loopback)")
		}
		if err := cl.StartTLS(tlsConf); err != nil {
			return err
		}
	}
	if c.Username != "" {
		// PlainAuth refuses to send the password without TLS, except to localhost.
		if err := cl.Auth(smtp.PlainAuth("", c.Username, c.Password, host)); err != nil {
			return err
		}
	}
	if err := cl.Mail(from.Address); err != nil {
		return err
	}
	if err := cl.Rcpt(to); err != nil {
		return permanentIf5xx(err, true)
	}
	w, err := cl.Data()
	if err != nil {
		return permanentIf5xx(err, false)
	}
	var msg bytes.Buffer
	var id [16]byte
	_, _ = rand.Read(id[:])
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	fmt.Fprintf(&msg, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%x@%s>\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n",
		from.String(), to, mime.BEncoding.Encode("utf-8", subject), time.Now().Format(time.RFC1123Z), id, domain)
	// Quoted-printable: 7-bit lines of at most 76 octets, whatever the text (a
	// 500-character Thai reason is 1,500 bytes on one line; SMTP allows 998),
	// for servers with or without 8BITMIME. CRLF line endings only: a lone CR
	// (an admin's reason may hold one) could let "<CR>.<CR><LF>" end the data
	// early at a lenient server (SMTP smuggling).
	qp := quotedprintable.NewWriter(&msg)
	if _, err := qp.Write([]byte(crlf.Replace(body))); err != nil {
		return err
	}
	if err := qp.Close(); err != nil {
		return err
	}
	if _, err := w.Write(msg.Bytes()); err != nil {
		return err
	}
	if err := w.Close(); err != nil { // the server's answer to the message
		return permanentIf5xx(err, false)
	}
	return cl.Quit()
}

// permanentError is a permanent (5xx) answer of the SMTP server to the
// message's recipient or to the message itself: sending it again gets the
// same answer, so the outbox gives it up at once.
//
// A 5xx answer to STARTTLS, AUTH or MAIL FROM is not one: it concerns the
// office's SMTP settings (credentials, sender), not this message, and every
// message would get it; those keep being retried, so that no mail is lost
// to a configuration error that the operator fixes.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// permanentIf5xx wraps a 5xx answer of the server in a *permanentError.
// rcpt: the answer to RCPT TO, where two 5xx answers are not about the
// recipient and are left to the retries: 552 (too many recipients), which
// RFC 5321 (4.5.3.1.10) asks clients to take as temporary, and an enhanced
// status 5.7.x (security or policy, e.g. "554 5.7.1 Relay access denied" to
// a client that did not authenticate), which is about the office's SMTP
// settings and would otherwise end every mail until they are fixed.
func permanentIf5xx(err error, rcpt bool) error {
	var tp *textproto.Error
	if !errors.As(err, &tp) || tp.Code < 500 || tp.Code > 599 {
		return err
	}
	if rcpt && (tp.Code == 552 || strings.HasPrefix(tp.Msg, "5.7.")) {
		return err
	}
	return &permanentError{err}
}

// withoutAddress returns s with every occurrence of addr, in any letter
// case (servers may quote it lower-cased or upper-cased), as "[address]".
func withoutAddress(s, addr string) string {
	if addr == "" {
		return s
	}
	return regexp.MustCompile(`(?i)`+regexp.QuoteMeta(addr)).ReplaceAllLiteralString(s, "[address]")
}

// crlf turns every line ending of a body (CRLF, LF or a lone CR) into CRLF.
var crlf = strings.NewReplacer("\r\n", "\r\n", "\r", "\r\n", "\n", "\r\n")

// mailTemplates holds the subject and body of each decision's mail.
var mailTemplates = template.Must(template.New("mail").Funcs(template.FuncMap(templateFuncs)).
	ParseFS(templateFS, "templates/mail.txt"))

// composeMail writes the mail that tells the applicant of a decision.
func composeMail(baseURL string) store.MailComposer {
	return func(r store.Registration) (store.Mail, bool, error) {
		if r.Email == "" {
			return store.Mail{}, false, nil
		}
		data := struct {
			R       store.Registration
			BaseURL string
		}{r, baseURL}
		var subject, body bytes.Buffer
		if err := mailTemplates.ExecuteTemplate(&subject, "subject", data); err != nil {
			return store.Mail{}, false, err
		}
		if err := mailTemplates.ExecuteTemplate(&body, "body", data); err != nil {
			return store.Mail{}, false, err
		}
		return store.Mail{To: r.Email, Subject: strings.TrimSpace(subject.String()), Body: body.String()}, true, nil
	}
}

// outbox sends the queued mail: at start, every pollEvery, and at once when
// nudged after a decision. A failed send (connection, TLS, a 4xx answer) is
// retried with a growing pause; a permanent (5xx) answer to the recipient or
// the message, or a failure at the last attempt, gives the message up, and
// the store writes the failure to the area's audit trail.
type outbox struct {
	store     *store.Store
	smtp      smtpConfig
	log       *slog.Logger
	pollEvery time.Duration // how often to look for due mail without a nudge
	retryBase time.Duration // the pause after the first failed attempt
	nudge     chan struct{}
	onSend    func(ok bool) // metrics; may be nil
}

func newOutbox(st *store.Store, c smtpConfig, log *slog.Logger) *outbox {
	return &outbox{store: st, smtp: c, log: log, pollEvery: 30 * time.Second, retryBase: 30 * time.Second,
		nudge: make(chan struct{}, 1)}
}

// wake asks the worker to look at the outbox now.
func (o *outbox) wake() {
	select {
	case o.nudge <- struct{}{}:
	default:
	}
}

// sendTimeout bounds one delivery, and so how long a shutdown waits for a
// send in progress.
const sendTimeout = 20 * time.Second

// run sends mail until ctx is cancelled. A send in progress when ctx is
// cancelled is finished (within sendTimeout), so a shutdown loses no message
// half-sent; what is left waits in the outbox for the next start.
func (o *outbox) run(ctx context.Context, wg *sync.WaitGroup) {
	defer wg.Done()
	t := time.NewTicker(o.pollEvery)
	defer t.Stop()
	for {
		for ctx.Err() == nil && o.sendOne(context.WithoutCancel(ctx)) {
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-o.nudge:
		}
	}
}

// retryAfter is the pause after the n-th failed attempt: 30 s, 1 min, 2 min,
// ... (from retryBase, doubling) at most 1 h.
func (o *outbox) retryAfter(n int) time.Duration {
	d := o.retryBase
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// sendOne sends the oldest due message, and reports whether there was one.
func (o *outbox) sendOne(ctx context.Context) bool {
	m, err := o.store.ClaimMail(ctx, 2*sendTimeout)
	if errors.Is(err, store.ErrNotFound) {
		return false
	}
	if err != nil {
		o.log.Error("outbox", "err", err)
		return false
	}
	sctx, cancel := context.WithTimeout(ctx, sendTimeout)
	err = o.smtp.send(sctx, m.To, m.Subject, m.Body)
	cancel()
	if o.onSend != nil {
		o.onSend(err == nil)
	}
	if err != nil {
		// The address is personal data: the log names the message by id only, and the
		// server's answer, which may quote the address, is logged without it.
		reason := withoutAddress(err.Error(), m.To)
		var perm *permanentError
		switch {
		case errors.As(err, &perm):
			o.log.Warn("mail refused for good by the SMTP server, not retried", "mail", m.ID, "attempt", m.Attempts, "err", reason)
		case m.Attempts >= store.MaxMailAttempts:
			o.log.Warn("mail not sent at its last attempt, given up", "mail", m.ID, "attempt", m.Attempts, "err", reason)
		default:
			o.log.Warn("mail not sent, will retry", "mail", m.ID, "attempt", m.Attempts, "err", reason)
			if err := o.store.MailFailed(ctx, m.ID, o.retryAfter(m.Attempts), reason); err != nil {
				o.log.Error("outbox", "err", err)
			}
			return true
		}
		if err := o.store.MailUndeliverable(ctx, m.ID, reason); err != nil {
			o.log.Error("outbox", "err", err)
		}
		return true
	}
	if err := o.store.MailSent(ctx, m.ID); err != nil {
		o.log.Error("outbox", "err", err)
	}
	o.log.Info("mail sent", "mail", m.ID)
	return true
}
