package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/thaid-go/thaid-go/mockprovider"
)

// attempt is what one login did, seen from the browser.
type attempt struct {
	err        error         // the login got no result: no callback reached, or no answer
	noCallback bool          // err: the login did not even reach the callback
	callback   int           // status of the callback's answer
	took       time.Duration // from opening the callback until the RP's last redirect after it answered
	probe      int           // status of the probe afterwards
	signedIn   bool          // the probe answered 2xx
}

func (a attempt) String() string {
	if a.err != nil {
		return a.err.Error()
	}
	state := "signed out"
	if a.signedIn {
		state = "signed in"
	}
	return fmt.Sprintf("%s: the callback answered %d, the probe %d", state, a.callback, a.probe)
}

func (a attempt) accepted() outcome {
	if a.err == nil && a.signedIn {
		return passed("%s", a)
	}
	return failed("refused a good login (%s)", a)
}

func (a attempt) refused() outcome {
	switch {
	case a.noCallback:
		return cannot("%s", a)
	case a.err != nil || a.signedIn:
		return failed("%s", a)
	}
	return passed("%s", a)
}

// login runs a whole login in a fresh browser.
func (r *runner) login() attempt {
	b := r.newBrowser()
	cb, err := b.toCallback()
	if err != nil {
		return attempt{err: err, noCallback: true}
	}
	return b.finish(cb)
}

// browser is a cookie jar and a client that follows no redirect by itself.
type browser struct {
	r   *runner
	jar *recordingJar
	hc  *http.Client
}

func (r *runner) newBrowser() *browser { return r.browserWith(newRecordingJar()) }

func (r *runner) browserWith(jar *recordingJar) *browser {
	return &browser{r: r, jar: jar, hc: &http.Client{
		Transport:     r.transport,
		Jar:           jar,
		Timeout:       tokenStall + 15*time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// clone returns a second browser with the cookies this one has now.
func (b *browser) clone() *browser { return b.r.browserWith(b.jar.clone()) }

// get fetches u and returns the status and the redirect target, if any.
func (b *browser) get(u *url.URL) (int, *url.URL, error) {
	req, err := http.NewRequestWithContext(b.r.ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	resp, err := b.hc.Do(req)
	if ue := (*url.Error)(nil); errors.As(err, &ue) {
		err = fmt.Errorf("%s %s: %w", ue.Op, redact(u), ue.Err) // the URL may carry a code
	}
	if err != nil {
		return 0, nil, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	var next *url.URL
	if loc := resp.Header.Get("Location"); loc != "" && resp.StatusCode >= 300 && resp.StatusCode < 400 {
		if next, err = u.Parse(loc); err != nil {
			return resp.StatusCode, nil, fmt.Errorf("bad Location %q from %s", loc, redact(u))
		}
	}
	return resp.StatusCode, next, nil
}

const maxHops = 20

// toCallback starts at -login and follows the redirects, through the provider's approval,
// until the next one would open the RP's callback; it returns that callback URL, unopened.
func (b *browser) toCallback() (*url.URL, error) {
	u := b.r.cfg.login
	for range maxHops {
		status, next, err := b.get(u)
		if err != nil {
			return nil, fmt.Errorf("the login did not reach the callback: %v", err)
		}
		if next == nil {
			hint := ""
			if strings.HasPrefix(u.String(), b.r.p.URL(mockprovider.PathAuthorize)) {
				hint = " (the provider refused the authorization request: check -client-id and -redirect-uri)"
			}
			return nil, fmt.Errorf("the login did not reach the callback: %s answered %d without a redirect%s", redact(u), status, hint)
		}
		if b.r.isCallback(next) {
			return next, nil
		}
		u = next
	}
	return nil, fmt.Errorf("the login did not reach the callback after %d redirects", maxHops)
}

// finish opens the callback, follows the RP's own redirects after it (never to the provider,
// the login URL or the callback again), then asks the probe.
func (b *browser) finish(cb *url.URL) attempt {
	start := time.Now()
	status, next, err := b.get(cb)
	a := attempt{callback: status, took: time.Since(start)}
	if err != nil {
		a.err = fmt.Errorf("the callback got no answer after %s: %v", a.took.Round(100*time.Millisecond), err)
		return a
	}
	for hops := 0; next != nil && hops < maxHops && b.r.followAfterCallback(next); hops++ {
		if _, next, err = b.get(next); err != nil {
			break // what the callback set is what counts
		}
	}
	// An RP may redeem the code on a page the callback redirects to: the login took
	// until its last redirect answered.
	a.took = time.Since(start)
	in, probe, err := b.signedIn()
	if err != nil {
		a.err = fmt.Errorf("the probe got no answer: %v", err)
		return a
	}
	a.probe, a.signedIn = probe, in
	return a
}

// signedIn asks the probe: 2xx means signed in; a redirect is not followed.
func (b *browser) signedIn() (bool, int, error) {
	status, _, err := b.get(b.r.cfg.probe)
	return status >= 200 && status < 300, status, err
}

// isCallback reports whether u opens the RP's callback (the -redirect-uri, any query).
func (r *runner) isCallback(u *url.URL) bool {
	cb := r.cfg.redirectURI
	return strings.EqualFold(u.Scheme, cb.Scheme) && strings.EqualFold(u.Host, cb.Host) && u.Path == cb.Path
}

// followAfterCallback reports whether a redirect after the callback is followed: only within
// the RP's origin, and never to the login or the callback (which would start a new login).
func (r *runner) followAfterCallback(u *url.URL) bool {
	cb := r.cfg.redirectURI
	return strings.EqualFold(u.Scheme, cb.Scheme) && strings.EqualFold(u.Host, cb.Host) &&
		u.Path != cb.Path && u.Path != r.cfg.login.Path
}

// redact drops the query of u (it may carry a code or state) for messages.
func redact(u *url.URL) string {
	c := *u
	c.RawQuery, c.Fragment = "", ""
	return c.String()
}

func randomString() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// recordingJar is a cookie jar that can be copied: it replays every cookie it was given.
type recordingJar struct {
	*cookiejar.Jar
	mu  sync.Mutex
	set []setCookies
}

type setCookies struct {
	u       *url.URL
	cookies []*http.Cookie
}

func newRecordingJar() *recordingJar {
	jar, _ := cookiejar.New(nil) // never fails without options
	return &recordingJar{Jar: jar}
}

// SetCookies records the cookies for clone, then sets them (http.CookieJar).
func (j *recordingJar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.set = append(j.set, setCookies{u, cookies})
	j.Jar.SetCookies(u, cookies)
}

func (j *recordingJar) clone() *recordingJar {
	j.mu.Lock()
	defer j.mu.Unlock()
	c := newRecordingJar()
	for _, s := range j.set {
		c.SetCookies(s.u, s.cookies)
	}
	return c
}
