package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"
)

// smtpConfig is the mail server, from SMTP_ADDR, SMTP_FROM, SMTP_USERNAME,
// SMTP_PASSWORD and SMTP_TLS (read by smtpFromEnv in config.go, with the
// other settings). With no SMTP_ADDR, no mail is sent and the status page
// says so. The outbox (mail.go) sends through it.
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

// enabled reports whether mail is sent (SMTP_ADDR is set).
func (c smtpConfig) enabled() bool { return c.Addr != "" }

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

// crlf turns every line ending of a body (CRLF, LF or a lone CR) into CRLF.
var crlf = strings.NewReplacer("\r\n", "\r\n", "\r", "\r\n", "\n", "\r\n")
