package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
)

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

// withoutAddress returns s with every occurrence of addr, in any letter
// case (servers may quote it lower-cased or upper-cased), as "[address]".
func withoutAddress(s, addr string) string {
	if addr == "" {
		return s
	}
	return regexp.MustCompile(`(?i)`+regexp.QuoteMeta(addr)).ReplaceAllLiteralString(s, "[address]")
}
