package mockprovider_test

import (
	"bytes"
	"errors"
	"html"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/mockprovider"
)

var refRE = regexp.MustCompile(`<code id="ref">([A-Z0-9]{8})</code>`)

// startQR opens the interactive authorize page and returns the reference and the page.
func startQR(t *testing.T, p *mockprovider.Server, over url.Values) (string, string) {
	t.Helper()
	st, _, page := get(t, p, mockprovider.PathAuthorize+"?"+authParams(over).Encode())
	if st != http.StatusOK {
		t.Fatalf("authorize: %d %.300s", st, page)
	}
	m := refRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no reference code in page")
	}
	return m[1], page
}

func qrStatus(t *testing.T, p *mockprovider.Server, ref string) mockprovider.QRStatus {
	t.Helper()
	var s mockprovider.QRStatus
	getJSON(t, p, mockprovider.PathQR+"status/"+ref, &s)
	return s
}

// qrPost submits form to the mock's page PathQR+page (the phone form, a retry) without following
// a redirect, and returns status, Location and body.
func qrPost(t *testing.T, p *mockprovider.Server, page string, form url.Values) (int, string, string) {
	t.Helper()
	resp, err := noRedirect(p.HTTPClient()).PostForm(p.URL(mockprovider.PathQR+page), form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

func TestQRFlow(t *testing.T) {
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p := mockprovider.Start(t, mockprovider.Options{})
	p.SetNow(func() time.Time { return clock })
	cit := mockprovider.DefaultCitizens()[1]

	ref, page := startQR(t, p, nil)
	phoneURL := p.URL(mockprovider.PathQR + "phone/" + ref)
	for _, want := range []string{"หมายเลขอ้างอิง", html.EscapeString(phoneURL), "/qr/png/" + ref, "/qr/status/" + ref, "เลขประจำตัวประชาชน", "fetch("} {
		if !strings.Contains(page, want) {
			t.Errorf("wait page lacks %q", want)
		}
	}
	// The QR code is a real PNG.
	resp, err := p.HTTPClient().Get(p.URL(mockprovider.PathQR + "png/" + ref))
	if err != nil {
		t.Fatal(err)
	}
	img, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != "image/png" || !bytes.HasPrefix(img, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("QR is not a PNG: %s", resp.Header.Get("Content-Type"))
	}
	if _, err := png.Decode(bytes.NewReader(img)); err != nil {
		t.Fatalf("QR PNG does not decode: %v", err)
	}
	pend := p.Pending()
	if len(pend) != 1 || pend[0].Ref != ref || pend[0].PhoneURL != phoneURL || pend[0].ClientID != mockprovider.DemoClientID {
		t.Fatalf("Pending() = %+v", pend)
	}
	if s := qrStatus(t, p, ref); s.Status != "pending" {
		t.Fatalf("status %+v", s)
	}

	// The phone page names the service and the data in Thai and lists the citizens, PIDs masked.
	st, _, phone := get(t, p, mockprovider.PathQR+"phone/"+ref)
	if st != 200 || !strings.Contains(phone, mockprovider.DemoClientID) || !strings.Contains(phone, "ชื่อ-นามสกุล (ภาษาไทย)") ||
		!strings.Contains(phone, cit.GivenName) || strings.Contains(phone, cit.PID) || !strings.Contains(phone, mockprovider.MaskPID(cit.PID)) {
		t.Fatalf("phone page: %d", st)
	}

	form := url.Values{"citizen": {"1"}, "consent": {"yes"}, "password": {"00000000"}, "action": {"approve"}}
	st, _, body := qrPost(t, p, "phone/"+ref, form)
	if st != 200 || !strings.Contains(body, "รหัสผ่านไม่ถูกต้อง") {
		t.Fatalf("wrong password: %d, error not shown", st)
	}
	form.Del("consent")
	form.Set("password", cit.Password)
	if _, _, body := qrPost(t, p, "phone/"+ref, form); !strings.Contains(body, "ความยินยอม") {
		t.Fatalf("missing consent not reported")
	}
	if s := qrStatus(t, p, ref); s.Status != "pending" {
		t.Fatalf("approved without a right password and consent: %+v", s)
	}
	form.Set("consent", "yes")
	if st, _, body := qrPost(t, p, "phone/"+ref, form); st != 200 || !strings.Contains(body, "ยืนยันตัวตนสำเร็จ") {
		t.Fatalf("approve: %d", st)
	}
	s := qrStatus(t, p, ref)
	u, _ := url.Parse(s.Redirect)
	if s.Status != "approved" || !strings.HasPrefix(s.Redirect, testRedirect+"?") || u.Query().Get("state") != testState || u.Query().Get("code") == "" {
		t.Fatalf("status after approval %+v", s)
	}
	if len(p.Pending()) != 0 {
		t.Fatalf("still pending")
	}
	// The code works and names the chosen citizen.
	st, tok := redeem(t, p, u.Query().Get("code"))
	if st != 200 {
		t.Fatalf("token: %d %v", st, tok)
	}
	if _, cl := verifyIDToken(t, p, tok["id_token"].(string)); cl["pid"] != cit.PID {
		t.Fatalf("pid claim %v", cl["pid"])
	}
	// A second approval is refused.
	if st, _, _ := qrPost(t, p, "phone/"+ref, form); st != http.StatusConflict {
		t.Fatalf("second approval: %d", st)
	}
	if err := p.Approve(ref, cit.PID); !errors.Is(err, mockprovider.ErrNotPending) {
		t.Fatalf("Approve after approval: %v", err)
	}
}

func TestQRSameDeviceRedirects(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{})
	ref, _ := startQR(t, p, nil)
	c := mockprovider.DefaultCitizens()[0]
	st, loc, _ := qrPost(t, p, "phone/"+ref, url.Values{"same": {"1"}, "citizen": {"0"}, "consent": {"yes"}, "password": {c.Password}, "action": {"approve"}})
	if st != http.StatusSeeOther || !strings.HasPrefix(loc, testRedirect+"?") || !strings.Contains(loc, "code=") {
		t.Fatalf("same-device approve: %d %q", st, loc)
	}
}

func TestQRDeny(t *testing.T) {
	for _, via := range []string{"phone", "api"} {
		t.Run(via, func(t *testing.T) {
			p := mockprovider.Start(t, mockprovider.Options{})
			ref, _ := startQR(t, p, nil)
			if via == "phone" {
				if st, _, body := qrPost(t, p, "phone/"+ref, url.Values{"action": {"deny"}}); st != 200 || !strings.Contains(body, "ปฏิเสธ") {
					t.Fatalf("deny: %d", st)
				}
			} else if err := p.Deny(ref); err != nil {
				t.Fatal(err)
			}
			s := qrStatus(t, p, ref)
			u, _ := url.Parse(s.Redirect)
			if s.Status != "denied" || u.Query().Get("error") != "access_denied" || u.Query().Get("state") != testState || u.Query().Get("code") != "" {
				t.Fatalf("status %+v", s)
			}
		})
	}
}

func TestQRApproveByAPI(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{})
	ref, _ := startQR(t, p, url.Values{"login_hint": {mockprovider.DefaultCitizens()[3].PID}})
	if err := p.Approve(ref, "nobody"); !errors.Is(err, mockprovider.ErrUnknownCitizen) {
		t.Fatalf("unknown citizen: %v", err)
	}
	if err := p.Approve("NOSUCHRF", mockprovider.DefaultCitizens()[3].PID); !errors.Is(err, mockprovider.ErrUnknownRef) {
		t.Fatalf("unknown ref: %v", err)
	}
	if !p.Pending()[0].LoginHint {
		t.Fatal("LoginHint not reported")
	}
	// The PID may be given formatted.
	if err := p.Approve(ref, "3-3010-00873-65-1"); err != nil {
		t.Fatal(err)
	}
	if s := qrStatus(t, p, ref); s.Status != "approved" {
		t.Fatalf("%+v", s)
	}
}

func TestQRExpiryAndRetry(t *testing.T) {
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p := mockprovider.Start(t, mockprovider.Options{QRTTL: time.Minute})
	p.SetNow(func() time.Time { return clock })
	ref, _ := startQR(t, p, nil)
	clock = clock.Add(59 * time.Second)
	if s := qrStatus(t, p, ref); s.Status != "pending" {
		t.Fatalf("before QRTTL: %+v", s)
	}
	clock = clock.Add(time.Second)
	if s := qrStatus(t, p, ref); s.Status != "expired" {
		t.Fatalf("after QRTTL: %+v", s)
	}
	if err := p.Approve(ref, mockprovider.DefaultCitizens()[0].PID); !errors.Is(err, mockprovider.ErrQRExpired) {
		t.Fatalf("approve expired: %v", err)
	}
	if len(p.Pending()) != 0 {
		t.Fatal("expired login listed as pending")
	}
	if st, _, body := qrPost(t, p, "phone/"+ref, url.Values{"action": {"approve"}}); st != http.StatusGone || !strings.Contains(body, "หมดอายุ") {
		t.Fatalf("phone after expiry: %d", st)
	}
	// The waiting page, reloaded, shows the expired state with a retry button.
	st, _, page := get(t, p, mockprovider.PathQR+"wait/"+ref)
	if st != 200 || !strings.Contains(page, `class="card expired"`) || !strings.Contains(page, `id="retry"`) {
		t.Fatalf("wait page after expiry: %d", st)
	}
	// Retry issues a fresh reference for the same request.
	st, loc, _ := qrPost(t, p, "retry/"+ref, nil)
	if st != http.StatusSeeOther || !strings.HasPrefix(loc, mockprovider.PathQR+"wait/") {
		t.Fatalf("retry: %d %q", st, loc)
	}
	newRef := strings.TrimPrefix(loc, mockprovider.PathQR+"wait/")
	if newRef == ref {
		t.Fatal("retry reused the reference")
	}
	st, _, page = get(t, p, loc)
	if st != 200 || strings.Contains(page, `class="card expired"`) || !strings.Contains(page, newRef) {
		t.Fatalf("new wait page: %d", st)
	}
	if err := p.Approve(newRef, mockprovider.DefaultCitizens()[0].PID); err != nil {
		t.Fatal(err)
	}
	if s := qrStatus(t, p, newRef); s.Status != "approved" || !strings.Contains(s.Redirect, "state="+testState) {
		t.Fatalf("%+v", s)
	}
}

func TestQRUnknownRef(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{})
	for _, path := range []string{"wait/NOPE", "png/NOPE", "status/NOPE", "phone/NOPE"} {
		if st, _, _ := get(t, p, mockprovider.PathQR+path); st != http.StatusNotFound {
			t.Errorf("%s: %d", path, st)
		}
	}
}

func TestSetAutoApprove(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{})
	startQR(t, p, nil)
	p.SetAutoApprove(true)
	if q := authorize(t, p, nil); q.Get("code") == "" {
		t.Fatal("no code after SetAutoApprove(true)")
	}
}

// TestQRPagesUnderIssuerPath mounts the provider under a path (as the example app does) and
// checks that every link of the QR and phone pages stays under that path.
func TestQRPagesUnderIssuerPath(t *testing.T) {
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	p, err := mockprovider.New(mockprovider.Options{Issuer: srv.URL + "/mock-thaid"})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/mock-thaid/", http.StripPrefix("/mock-thaid", p))

	c := noRedirect(srv.Client())
	resp, err := c.Get(p.Issuer() + mockprovider.PathAuthorize + "?" + authParams(nil).Encode())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := html.UnescapeString(string(b))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("authorize: %d", resp.StatusCode)
	}
	links := regexp.MustCompile(`(?:src|href|action)="([^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(links) == 0 {
		t.Fatal("no links in the wait page")
	}
	for _, m := range links {
		link := m[1]
		if strings.HasPrefix(link, "/") && !strings.HasPrefix(link, "/mock-thaid/") {
			t.Errorf("wait page link %q is outside the issuer path", link)
		}
	}
	// The QR image, fetched by the page's own link, is served.
	img := regexp.MustCompile(`<img class="qr" src="([^"]+)"`).FindStringSubmatch(page)
	if img == nil {
		t.Fatal("no QR image in the wait page")
	}
	resp, err = c.Get(srv.URL + img[1])
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("QR image at %s: %d %s", img[1], resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// TestPhonePagePicksNobody: the consent page pre-selects no citizen, and an
// approval without a choice is refused with a message, the login still
// pending.
func TestPhonePagePicksNobody(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{})
	ref, _ := startQR(t, p, nil)
	st, _, phone := get(t, p, mockprovider.PathQR+"phone/"+ref)
	if st != http.StatusOK || strings.Contains(phone, " checked") || !strings.Contains(phone, `name="citizen"`) {
		t.Fatalf("phone page (status %d) pre-selects a citizen or lists none", st)
	}
	c := mockprovider.DefaultCitizens()[0]
	st, _, body := qrPost(t, p, "phone/"+ref, url.Values{"consent": {"yes"}, "password": {c.Password}, "action": {"approve"}})
	if st != http.StatusOK || !strings.Contains(body, "กรุณาเลือกผู้ใช้งาน") {
		t.Errorf("approve without a citizen: %d, no message", st)
	}
	if s := qrStatus(t, p, ref); s.Status != "pending" {
		t.Errorf("status after approve without a citizen = %q, want pending", s.Status)
	}
}

// TestWaitPageIsPhoneFirst: the QR page holds the same-device button and a
// narrow-screen rule that puts it first, as the main button.
func TestWaitPageIsPhoneFirst(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{})
	_, page := startQR(t, p, nil)
	phone := strings.Index(page, `id="phone-link"`)
	narrow := strings.Index(page, "@media (max-width:600px)")
	if phone < 0 || narrow < 0 || !strings.Contains(page[narrow:], ".live .same-device{order:0}") {
		t.Errorf("wait page lacks the same-device button or its narrow-screen rule")
	}
}
