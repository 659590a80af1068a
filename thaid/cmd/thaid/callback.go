package main

import (
	"cmp"
	"context"
	"crypto/subtle"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/thaid-go/thaid-go/thaid"
)

// isLoopback reports whether host is localhost or a loopback IP address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// listen listens on the redirect URL's host and port. localhost gets 127.0.0.1
// and, when available, [::1], since a browser may try either.
func listen(u *url.URL) ([]net.Listener, error) {
	port := cmp.Or(u.Port(), "80")
	hosts := []string{u.Hostname()}
	if strings.EqualFold(u.Hostname(), "localhost") {
		hosts = []string{"127.0.0.1", "::1"}
	}
	var lns []net.Listener
	for i, h := range hosts {
		ln, err := net.Listen("tcp", net.JoinHostPort(h, port))
		if err != nil {
			if i > 0 { // [::1] for localhost is a bonus
				continue
			}
			return nil, fmt.Errorf("cannot listen on the redirect URL's address %s: %w", net.JoinHostPort(h, port), err)
		}
		lns = append(lns, ln)
	}
	return lns, nil
}

// loginOutcome is what the callback handler learned.
type loginOutcome struct {
	res *thaid.Result
	err error
}

var resultPage = template.Must(template.New("result").Parse(`<!doctype html>
<html lang="th"><head><meta charset="utf-8"><title>thaid login</title>
<style>body{font-family:sans-serif;max-width:40em;margin:3em auto;padding:0 1em}.ok{color:#0a6b2a}.bad{color:#a40e26}</style></head>
<body>{{if .WrongState}}<h1 class="bad">คำขอนี้ไม่ใช่ของการเข้าสู่ระบบนี้ · Not this login's callback</h1>
<p>The request carries no state, or not this login's state: it may come from an old browser tab, another program or a web page. It was refused; the login goes on.</p>
{{else if and .OK .Verified}}<h1 class="ok">เข้าสู่ระบบสำเร็จ · Login verified</h1>
{{else if .OK}}<h1 class="bad">ข้อมูลไม่ได้รับการยืนยัน · Login completed, claims NOT verified</h1><p>The claims came without a signed ID token: ask for the openid scope.</p>
{{else}}<h1 class="bad">เข้าสู่ระบบไม่สำเร็จ · Login failed</h1><p>{{.Reason}}</p>
{{end}}<p>ปิดแท็บนี้แล้วกลับไปที่เทอร์มินัล · You can close this tab and go back to the terminal.</p></body></html>
`))

// resultView is what the result page shows.
type resultView struct {
	WrongState, OK, Verified bool
	Reason                   string
}

// callbackHandler serves the redirect URL's path. A request without this login's state
// (another local process, a web page's <img src=http://127.0.0.1:PORT/callback>, an old
// tab) is answered 400, reported to refused, and changes nothing. The first request with the
// state ends the login, with Exchange (a provider's error such as access_denied ends it too),
// and is reported on done; later ones are told the login is over.
func callbackHandler(ctx context.Context, client *thaid.Client, l *thaid.Login, path string, done chan<- loginOutcome, refused func()) http.Handler {
	path = cmp.Or(path, "/")
	var ended atomic.Bool
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Referrer-Policy", "no-referrer")
		if subtle.ConstantTimeCompare([]byte(r.URL.Query().Get("state")), []byte(l.State)) != 1 {
			refused()
			w.WriteHeader(http.StatusBadRequest)
			_ = resultPage.Execute(w, resultView{WrongState: true})
			return
		}
		if !ended.CompareAndSwap(false, true) {
			http.Error(w, "This login is already finished; see the terminal.", http.StatusConflict)
			return
		}
		res, err := client.Exchange(ctx, l, r.URL.Query())
		data := resultView{OK: err == nil}
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			data.Reason = classify(err).msg
		} else if res != nil && res.Identity != nil {
			data.Verified = res.Identity.Verified
		}
		_ = resultPage.Execute(w, data)
		done <- loginOutcome{res: res, err: err}
	})
}
