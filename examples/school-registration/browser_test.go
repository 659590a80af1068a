package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/emersion/go-smtp"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
	"github.com/thaid-go/thaid-go/examples/school-registration/internal/testdb"
	"github.com/thaid-go/thaid-go/thaid"
)

// screenshotEnv names a directory where the browser test saves its
// screenshots of the flow (the README's pictures come from there). Unset: a
// temporary directory.
const screenshotEnv = "SCHOOLREG_SCREENSHOT_DIR"

// viewport is a screen the browser test runs on.
type viewport struct {
	name          string
	width, height int64
	mobile        bool
	prefix        string // of the screenshot files
}

var viewports = []viewport{
	{name: "desktop", width: 1000, height: 800, prefix: "flow"},
	{name: "phone", width: 390, height: 844, mobile: true, prefix: "phone"},
}

// TestBrowserFlow drives Chromium through the whole flow against the app as
// `go run .` starts it (embedded mock in interactive QR mode, SQLite), on a
// desktop screen and on a 390 px phone:
//
//  1. the applicant clicks "เข้าสู่ระบบด้วย ThaID (ไทยดี)", sees the mock's
//     QR page (on the phone, "open the app on this device" is the main button,
//     above the QR code), opens the phone page on the same device, where no
//     citizen is pre-selected, picks their name, consents and types the app
//     password;
//  2. registers: area, "ถัดไป", school, the green "เริ่มทำการลงทะเบียน",
//     phone and email; the status page says how they will hear;
//  3. the area admin, in a second browser context, logs in by approving the
//     QR login from another tab, approves (after confirming), and reads the
//     audit trail, filtered;
//  4. the applicant edits the About text, posts news (typed in Thai), edits
//     and deletes news (after confirming), and sees the public page;
//  5. the super-admin assigns an area admin and removes them again;
//  6. the admin revokes the approval with a reason (after confirming); the
//     applicant sees it, logs out and is told so.
//
// On every page with a name or a masked PID, none breaks across lines, and
// the header takes at most a fifth of the screen.
func TestBrowserFlow(t *testing.T) {
	chromium := testdb.Need(t, "THAID_TEST_CHROMIUM")
	shots := screenshotDir(t)
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) { browserFlow(t, chromium, shots, vp) })
	}
}

// screenshotDir is where a browser test saves its screenshots: the directory
// of screenshotEnv, made if need be, or a temporary one.
func screenshotDir(t *testing.T) string {
	t.Helper()
	shots := os.Getenv(screenshotEnv)
	if shots == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	return shots
}

// chrome runs browser steps for one test.
type chrome struct {
	t     *testing.T
	vp    viewport
	shots string
}

// tab makes ctx's tab (creating it without a time limit) and sets the viewport.
func (c *chrome) tab(ctx context.Context) {
	c.t.Helper()
	opts := []chromedp.EmulateViewportOption{chromedp.EmulatePortrait}
	if c.vp.mobile {
		opts = append(opts, chromedp.EmulateMobile)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(c.vp.width, c.vp.height, opts...)); err != nil {
		c.t.Fatalf("new tab: %v", err)
	}
}

// do runs steps with a time limit.
func (c *chrome) do(ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	c.t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		c.t.Fatalf("%s: %v (at %s)", what, err, loc)
	}
}

// eval evaluates a JavaScript expression.
func eval[T any](c *chrome, ctx context.Context, expr string) T {
	c.t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[T](expr))
	if err != nil {
		c.t.Fatalf("evaluate %.60s: %v", expr, err)
	}
	return v
}

// waitJS waits until the JavaScript expression is true on the page: after a
// click that loads a page, a marker of the new page (its URL, its text), not
// an element the old page may also have.
func (c *chrome) waitJS(ctx context.Context, what, expr string) {
	c.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		sctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		ok, err := chromedp.Run(sctx, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			c.t.Fatalf("%s: timed out waiting for %s (at %s)", what, expr, loc)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitDone waits for the page a form redirected to with ?done=done.
func (c *chrome) waitDone(ctx context.Context, done string) {
	c.t.Helper()
	c.waitJS(ctx, done, `new URLSearchParams(location.search).get('done') === `+strconv.Quote(done)+` && document.readyState === 'complete'`)
}

// text returns the page's text, after checking that it shows no full PID.
func (c *chrome) text(ctx context.Context) string {
	c.t.Helper()
	s := eval[string](c, ctx, `document.body.innerText`)
	assertNoFullPID(c.t, "page", s)
	return s
}

// mustShow fails unless the page's text holds every want.
func (c *chrome) mustShow(ctx context.Context, where string, wants ...string) {
	c.t.Helper()
	page := c.text(ctx)
	for _, w := range wants {
		if !strings.Contains(page, w) {
			c.t.Errorf("%s: page lacks %q", where, w)
		}
	}
}

// layoutOK checks that no name or masked PID breaks across lines or runs off
// the screen, and that the header takes at most a fifth of the screen.
func (c *chrome) layoutOK(ctx context.Context, where string) {
	c.t.Helper()
	bad := eval[string](c, ctx, `(() => {
		const bad = [];
		for (const e of document.querySelectorAll('.name, .pid')) {
			if (e.getClientRects().length > 1) bad.push('broken: ' + e.textContent);
			if (e.getBoundingClientRect().right > document.documentElement.clientWidth + 1) bad.push('off screen: ' + e.textContent);
		}
		const h = document.querySelector('header');
		if (h && h.getBoundingClientRect().height > window.innerHeight / 5) bad.push('header ' + h.getBoundingClientRect().height + 'px of ' + window.innerHeight);
		return bad.join('; ');
	})()`)
	if bad != "" {
		c.t.Errorf("%s at %d px: %s", where, c.vp.width, bad)
	}
}

// shot saves a full-page screenshot as PREFIX-name.jpg.
func (c *chrome) shot(ctx context.Context, name string) {
	c.t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	img, err := chromedp.Run(sctx, chromedp.FullScreenshot(70))
	if err != nil {
		c.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(c.shots, c.vp.prefix+"-"+name+".jpg"), img, 0o644); err != nil {
		c.t.Fatal(err)
	}
}

// shotScreen saves a screenshot of what the screen shows (not the whole
// page: a list of 50 would make a picture many screens long) as
// PREFIX-name.jpg.
func (c *chrome) shotScreen(ctx context.Context, name string) {
	c.t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	quality := int64(70)
	img, err := chromedp.Run(sctx, chromedp.Action[[]byte](func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		r, err := cdp.Call(ctx, t, cdppage.CaptureScreenshot, cdppage.CaptureScreenshotParams{
			Format: cdppage.CaptureScreenshotFormatJpeg, Quality: &quality})
		return r.Data, err
	}))
	if err != nil {
		c.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(c.shots, c.vp.prefix+"-"+name+".jpg"), img, 0o644); err != nil {
		c.t.Fatal(err)
	}
}

// typeText types text into the field with id as an input method does
// (Input.insertText): chromedp's key events turn some Thai letters (ข) into
// media keys. The caller reads the field back to check.
func typeText(id, text string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Focus(chromedp.ID(id)),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, input.InsertText, input.InsertTextParams{Text: text})
			return err
		}),
	)
}

// typeThai types text into the field with id and checks that it arrived whole.
func (c *chrome) typeThai(ctx context.Context, id, text string) {
	c.t.Helper()
	eval[bool](c, ctx, `(document.getElementById(`+strconv.Quote(id)+`).value = '') === ''`)
	c.do(ctx, "type into "+id, typeText(id, text))
	got := eval[string](c, ctx, `document.getElementById(`+strconv.Quote(id)+`).value`)
	if got != text {
		c.t.Fatalf("field %s holds %q, want %q", id, got, text)
	}
}

// loginFromOtherPhone logs the browser context ctx in as the mock's citizen
// number i: the QR page in ctx, "the phone" in another tab of the same
// context, whose approval moves the waiting page on by itself.
func (c *chrome) loginFromOtherPhone(ctx context.Context, base string, i int) {
	c.t.Helper()
	who := citizens[i]
	c.do(ctx, "QR page", chromedp.Navigate(base+"/"), chromedp.Click(chromedp.CSS(`a.thaid`)),
		chromedp.WaitVisible(chromedp.ID("qr")))
	phoneURL := strings.TrimSpace(eval[string](c, ctx, `document.getElementById('phone-url').textContent`))
	if !strings.HasPrefix(phoneURL, base) {
		c.t.Fatalf("phone URL %q", phoneURL)
	}
	phoneCtx, cancelPhone := chromedp.NewContext(ctx)
	defer cancelPhone()
	c.tab(phoneCtx)
	c.do(phoneCtx, "phone approves",
		chromedp.Navigate(phoneURL),
		chromedp.WaitVisible(chromedp.ID("approve")),
		chromedp.Click(chromedp.CSS(`input[name="citizen"][value="`+strconv.Itoa(i)+`"]`)),
		chromedp.Click(chromedp.ID("consent")),
		chromedp.SendKeys(chromedp.ID("password"), who.Password),
		chromedp.Click(chromedp.ID("approve")),
		chromedp.WaitNotPresent(chromedp.ID("approve")),
	)
	// The waiting page moves on to the app by itself.
	c.do(ctx, "back in the app", chromedp.WaitVisible(chromedp.CSS(`a.site`)))
}

// startChromium starts a fresh headless Chromium for the test (stopped when
// it ends) and returns its first tab, at the viewport's size.
func (c *chrome) startChromium(chromium string) context.Context {
	c.t.Helper()
	t, vp := c.t, c.vp
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(int(vp.width), int(vp.height)),
	)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // start the browser without a time limit
		t.Fatalf("start chromium: %v", err)
	}
	c.tab(ctx)
	return ctx
}

func browserFlow(t *testing.T, chromium, shots string, vp viewport) {
	base, _, _ := startRun(t, map[string]string{"ADDR": "127.0.0.1:0",
		"DATABASE_URL": filepath.Join(t.TempDir(), "browser.db")})
	c := &chrome{t: t, vp: vp, shots: shots}
	userCtx := c.startChromium(chromium)

	// 1. Login with ThaID: QR page, phone page on the same device.
	user := citizens[0]
	c.do(userCtx, "home", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`a.thaid`)))
	c.mustShow(userCtx, "home", "เข้าสู่ระบบด้วย ThaID (ไทยดี)")
	c.layoutOK(userCtx, "home")
	c.shot(userCtx, "1-home")
	c.do(userCtx, "to the QR page", chromedp.Click(chromedp.CSS(`a.thaid`)), chromedp.WaitVisible(chromedp.ID("phone-link")))
	c.mustShow(userCtx, "QR page", "ThaID")
	buttonFirst := eval[bool](c, userCtx, `document.getElementById('phone-link').getBoundingClientRect().top < document.getElementById('qr').getBoundingClientRect().top`)
	buttonColor := eval[string](c, userCtx, `getComputedStyle(document.getElementById('phone-link')).backgroundColor`)
	if vp.mobile && (!buttonFirst || buttonColor != "rgb(44, 90, 214)") {
		t.Errorf("QR page on a phone: the same-device button is first=%v, colour %s; want first, in the primary blue", buttonFirst, buttonColor)
	}
	if !vp.mobile && buttonFirst {
		t.Error("QR page on a desktop: the same-device button comes before the QR code")
	}
	c.shot(userCtx, "2-qr")
	c.do(userCtx, "phone page", chromedp.Click(chromedp.ID("phone-link")), chromedp.WaitVisible(chromedp.ID("approve")))
	if eval[bool](c, userCtx, `document.querySelector('input[name="citizen"]:checked') !== null`) {
		t.Error("the consent page pre-selects a citizen")
	}
	c.do(userCtx, "consent",
		chromedp.Click(chromedp.CSS(`input[name="citizen"][value="0"]`)),
		chromedp.Click(chromedp.ID("consent")),
		chromedp.SendKeys(chromedp.ID("password"), user.Password),
	)
	c.shot(userCtx, "3-phone")
	c.do(userCtx, "approve on the phone page",
		chromedp.Click(chromedp.ID("approve")),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/register/area"]`)),
	)
	c.mustShow(userCtx, "registration start", maskOf(user), user.GivenName)
	c.layoutOK(userCtx, "registration start")

	// 2. Register: area, "ถัดไป", school, "เริ่มทำการลงทะเบียน", contact details.
	c.do(userCtx, "choose area",
		chromedp.Click(chromedp.CSS(`a[href="/register/area"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[value="`+areaBRM3+`"]`)),
		chromedp.Click(chromedp.CSS(`input[value="`+areaBRM3+`"]`)),
	)
	if next := eval[string](c, userCtx, `document.querySelector('main button[type="submit"]').innerText`); !strings.Contains(next, "ถัดไป") {
		t.Errorf("area page button reads %q, want ถัดไป", next)
	}
	c.do(userCtx, "next",
		chromedp.Click(chromedp.CSS(`main button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[value="`+kanLueang+`"]`)),
		chromedp.Click(chromedp.CSS(`input[value="`+kanLueang+`"]`)),
	)
	start := eval[string](c, userCtx, `(b => b.innerText + '|' + getComputedStyle(b).backgroundColor)(document.querySelector('main button[type="submit"]'))`)
	if !strings.Contains(start, "เริ่มทำการลงทะเบียน") || !strings.HasSuffix(start, "rgb(27, 107, 52)") {
		t.Errorf("school page's button is %q, want the green เริ่มทำการลงทะเบียน", start)
	}
	c.do(userCtx, "choose school",
		chromedp.Click(chromedp.CSS(`main button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("phone")),
		chromedp.SendKeys(chromedp.ID("phone"), "081 234 5678"),
		chromedp.SendKeys(chromedp.ID("email"), "thanawat@example.ac.th"),
	)
	c.shot(userCtx, "4-form")
	c.do(userCtx, "submit the form",
		chromedp.Click(chromedp.CSS(`main button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("how-you-hear")),
	)
	c.mustShow(userCtx, "status", "รอการอนุมัติ", "โรงเรียนวัดก้านเหลือง", "081-234-5678", "ไม่ได้ส่งอีเมล")
	c.layoutOK(userCtx, "status")

	// 3. The area admin, in a separate browser context (own cookies).
	adminCtx, cancelAdmin := chromedp.NewContext(userCtx, chromedp.WithNewBrowserContext())
	defer cancelAdmin()
	c.tab(adminCtx)
	c.loginFromOtherPhone(adminCtx, base, 3) // ประเสริฐ, admin of สพป.บุรีรัมย์ เขต 3
	c.do(adminCtx, "admin: pending list", chromedp.Navigate(base+"/admin"), chromedp.WaitVisible(chromedp.CSS(`li.reg a.btn.ok`)))
	c.mustShow(adminCtx, "admin", user.GivenName, maskOf(user), "081-234-5678")
	c.layoutOK(adminCtx, "admin")
	c.shot(adminCtx, "5-admin")
	c.do(adminCtx, "admin: approve asks",
		chromedp.Click(chromedp.CSS(`li.reg a.btn.ok`)),
		chromedp.WaitVisible(chromedp.ID("confirm")),
	)
	c.mustShow(adminCtx, "confirm", "ยืนยันการอนุมัติ", maskOf(user), "ระบบนี้ไม่ได้ส่งอีเมล")
	c.layoutOK(adminCtx, "confirm")
	c.shot(adminCtx, "5b-confirm")
	c.do(adminCtx, "admin: confirm", chromedp.Click(chromedp.ID("confirm")))
	c.waitDone(adminCtx, "approved")
	// The notice names the applicant and who decided (issue 25.4, 25.8).
	c.mustShow(adminCtx, "after the approval", "อนุมัติแล้ว", user.Name(), "อนุมัติโดย "+citizens[3].Name())
	// The browser's back button returns to the confirmation page (a GET): no
	// "Confirm Form Resubmission". Chrome may show it as it was (its
	// back/forward cache keeps even a no-store page); reloaded, it shows the
	// decision made.
	eval[bool](c, adminCtx, `(history.back(), true)`)
	c.waitJS(adminCtx, "back on the confirmation page", `location.pathname.endsWith('/approve') && document.readyState === 'complete'`)
	eval[bool](c, adminCtx, `(location.reload(), true)`)
	c.waitJS(adminCtx, "the confirmation page reloaded", `document.getElementById('already') !== null && document.readyState === 'complete'`)
	c.mustShow(adminCtx, "the confirmation page again", "คำขอนี้พิจารณาแล้ว", "อนุมัติโดย "+citizens[3].Name())
	c.layoutOK(adminCtx, "the confirmation page again")
	c.shot(adminCtx, "5c-back")
	c.do(adminCtx, "audit",
		chromedp.Navigate(base+"/admin/audit"),
		chromedp.WaitVisible(chromedp.ID("audit")),
	)
	c.mustShow(adminCtx, "audit", "ลงทะเบียน", "อนุมัติ", maskOf(user), maskOf(citizens[3]), "ADMIN_PIDS", "โรงเรียนวัดก้านเหลือง")
	c.layoutOK(adminCtx, "audit")
	c.shot(adminCtx, "8-audit")
	eval[bool](c, adminCtx, `(document.getElementById('f-action').value = 'approved') !== ''`)
	c.do(adminCtx, "audit filter", chromedp.Click(chromedp.CSS(`form.filters button`)))
	c.waitJS(adminCtx, "filtered audit", `document.querySelector('option[value="approved"][selected]') !== null && document.readyState === 'complete'`)
	if n := eval[int](c, adminCtx, `document.querySelectorAll('li.audit-entry').length`); n != 1 {
		t.Errorf("audit filtered on approvals: %d entries, want 1", n)
	}

	// 4. The applicant manages the school website.
	c.do(userCtx, "status approved",
		chromedp.Navigate(base+"/status"),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/manage"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/manage"]`)),
		chromedp.WaitVisible(chromedp.ID("about")),
		chromedp.SetValue(chromedp.ID("about"), "โรงเรียนวัดก้านเหลือง อำเภอนางรอง จังหวัดบุรีรัมย์ เปิดสอนระดับอนุบาลถึงประถมศึกษาปีที่ 6"),
		chromedp.Click(chromedp.CSS(`form[action="/manage/about"] button`)),
	)
	c.waitDone(userCtx, "about_saved")
	post := func(title, body string) {
		t.Helper()
		c.typeThai(userCtx, "title", title)
		c.typeThai(userCtx, "body", body)
		c.do(userCtx, "post news", chromedp.Click(chromedp.CSS(`form[action="/manage/news"] button`)))
		c.waitJS(userCtx, "news posted", `document.readyState === 'complete' && Array.from(document.querySelectorAll('article.news h3')).some(h => h.textContent === `+strconv.Quote(title)+`)`)
	}
	post("ขอเชิญประชุมผู้ปกครอง", "ขอเชิญผู้ปกครองนักเรียนทุกชั้นประชุมที่หอประชุม")
	post("เปิดรับสมัครนักเรียนใหม่", "รับสมัครนักเรียนชั้นอนุบาล 2 และประถมศึกษาปีที่ 1 ตั้งแต่วันที่ 1–15 มีนาคม ใบสมัคร: https://www.obec.go.th/")
	c.layoutOK(userCtx, "manage")
	c.shot(userCtx, "6-manage")
	// Edit the newest item (first on the page), delete the other.
	c.do(userCtx, "edit news", chromedp.Click(chromedp.CSS(`article.news a[href$="/edit"]`)), chromedp.WaitVisible(chromedp.ID("title")))
	c.typeThai(userCtx, "title", "เปิดรับสมัครนักเรียนใหม่ ปีการศึกษา 2570 (ขยายเวลา)")
	c.do(userCtx, "save news", chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
	c.waitDone(userCtx, "news_saved")
	c.mustShow(userCtx, "manage after edit", "บันทึกการแก้ไขข่าวแล้ว", "(ขยายเวลา)")
	c.do(userCtx, "delete news asks",
		chromedp.Click(chromedp.CSS(`article.news:last-of-type form button.danger`)),
		chromedp.WaitVisible(chromedp.ID("confirm")))
	c.mustShow(userCtx, "delete confirmation", "ยืนยันการลบข่าว", "ขอเชิญประชุมผู้ปกครอง")
	c.do(userCtx, "delete news", chromedp.Click(chromedp.ID("confirm")))
	c.waitDone(userCtx, "news_deleted")
	c.mustShow(userCtx, "manage after delete", "ลบข่าวแล้ว")
	c.do(userCtx, "public page", chromedp.Navigate(base+"/schools/"+kanLueang), chromedp.WaitVisible(chromedp.ID("about-text")))
	page := c.text(userCtx)
	for _, want := range []string{"เปิดสอนระดับอนุบาลถึงประถมศึกษาปีที่ 6", "เปิดรับสมัครนักเรียนใหม่ ปีการศึกษา 2570 (ขยายเวลา)"} {
		if !strings.Contains(page, want) {
			t.Errorf("public page lacks %q", want)
		}
	}
	if strings.Contains(page, "ขอเชิญประชุมผู้ปกครอง") {
		t.Error("deleted news on the public page")
	}
	if link := eval[string](c, userCtx, `(a => a ? a.href + ' ' + a.rel : '')(document.querySelector('article.news a'))`); link != "https://www.obec.go.th/ noopener noreferrer nofollow" {
		t.Errorf("the address in the news is a link %q, want https://www.obec.go.th/ with rel noopener noreferrer nofollow", link)
	}
	c.layoutOK(userCtx, "school page")
	c.shot(userCtx, "7-school")

	// 5. The super-admin (the demo's มาลี) assigns an area admin and removes them.
	superCtx, cancelSuper := chromedp.NewContext(userCtx, chromedp.WithNewBrowserContext())
	defer cancelSuper()
	c.tab(superCtx)
	c.loginFromOtherPhone(superCtx, base, 2)
	newAdmin := citizens[5]
	c.do(superCtx, "people page",
		chromedp.Navigate(base+"/admin/people"),
		chromedp.WaitVisible(chromedp.ID("admins")),
		chromedp.SendKeys(chromedp.ID("pid"), newAdmin.PID),
	)
	eval[bool](c, superCtx, `(document.getElementById('area').value = '`+areaBRM3+`') !== ''`)
	c.do(superCtx, "assign",
		chromedp.Click(chromedp.CSS(`form[action="/admin/people"] button`)),
	)
	c.waitDone(superCtx, "assigned")
	c.mustShow(superCtx, "people", maskOf(newAdmin), maskOf(citizens[3]), "แต่งตั้ง "+maskOf(newAdmin)+" เป็นผู้ดูแล สพป.บุรีรัมย์ เขต 3 แล้ว",
		citizens[3].Name(), citizens[2].Name(), "ผู้ดูแลระบบ")
	c.layoutOK(superCtx, "people")
	c.shot(superCtx, "9-people")
	clicked := eval[bool](c, superCtx, `(() => {
		const row = Array.from(document.querySelectorAll('#admins tr')).find(r => r.textContent.includes(`+strconv.Quote(maskOf(newAdmin))+`));
		if (!row) return false;
		row.querySelector('a.danger').click();
		return true;
	})()`)
	if !clicked {
		t.Fatal("no row of the new admin")
	}
	c.do(superCtx, "removal asks", chromedp.WaitVisible(chromedp.ID("confirm")))
	c.mustShow(superCtx, "removal confirmation", "ยืนยันการถอดถอนผู้ดูแลเขตพื้นที่", maskOf(newAdmin), "สพป.บุรีรัมย์ เขต 3")
	c.layoutOK(superCtx, "removal confirmation")
	c.shot(superCtx, "9b-remove")
	c.do(superCtx, "remove", chromedp.Click(chromedp.ID("confirm")))
	c.waitDone(superCtx, "removed")
	c.mustShow(superCtx, "after the removal", "ถอดถอน "+maskOf(newAdmin)+" จากผู้ดูแล สพป.บุรีรัมย์ เขต 3 แล้ว")
	if n := eval[int](c, superCtx, `Array.from(document.querySelectorAll('#admins tr')).filter(r => r.textContent.includes(`+strconv.Quote(maskOf(newAdmin))+`)).length`); n != 0 {
		t.Error("the removed admin is still listed")
	}

	// 6. The admin revokes, with a reason typed in Thai; the applicant sees it and logs out.
	c.do(adminCtx, "admin page", chromedp.Navigate(base+"/admin?status=approved"), chromedp.WaitVisible(chromedp.CSS(`li.reg a[href*="/revoke"]`)))
	c.do(adminCtx, "revoke asks",
		chromedp.Click(chromedp.CSS(`li.reg a[href*="/revoke"]`)),
		chromedp.WaitVisible(chromedp.ID("reason")),
	)
	c.typeThai(adminCtx, "reason", "ย้ายไปปฏิบัติราชการที่โรงเรียนอื่นแล้ว")
	c.mustShow(adminCtx, "revoke confirmation", "ยืนยันการเพิกถอนสิทธิ์", maskOf(user))
	c.do(adminCtx, "revoke", chromedp.Click(chromedp.ID("confirm")))
	c.waitDone(adminCtx, "revoked")
	c.do(userCtx, "status revoked", chromedp.Navigate(base+"/status"), chromedp.WaitVisible(chromedp.ID("reason")))
	c.mustShow(userCtx, "status", "ย้ายไปปฏิบัติราชการที่โรงเรียนอื่นแล้ว", "ถูกเพิกถอนสิทธิ์จัดการเว็บไซต์โรงเรียน")
	c.do(userCtx, "logout",
		chromedp.Click(chromedp.CSS(`header form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.ID("logged-out")),
	)
	c.mustShow(userCtx, "after logout", "ออกจากระบบแล้ว", "เข้าสู่ระบบด้วย ThaID (ไทยดี)")
	c.layoutOK(userCtx, "after logout")
}

// TestBrowserAdminSearch (issue 26) drives Chromium through the admin list of
// an area at its real size (testdb.SeedBigArea: 800 pending registrations in
// the area of 400 schools, 10,000 in all), served as `go run .` serves it,
// on a desktop screen and at 390 px. The demo admin of สพป.บุรีรัมย์ เขต 3 logs
// in and sees the first 50 with the counts per status; opens page 2 from the
// pager and returns with the browser's back button; types a school's name (in
// Thai) in the search box and sees only its two applicants; approves one,
// after confirming, and lands back on the same search; finds an applicant by
// the last 4 digits of the ID; and cannot send a whole ID (the browser
// refuses the form, the server the address). Screenshots: PREFIX-10-admin-list,
// PREFIX-11-admin-search, PREFIX-12-admin-decided.
func TestBrowserAdminSearch(t *testing.T) {
	chromium := testdb.Need(t, "THAID_TEST_CHROMIUM")
	shots := screenshotDir(t)
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) { browserAdminSearch(t, chromium, shots, vp) })
	}
}

func browserAdminSearch(t *testing.T, chromium, shots string, vp viewport) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "big.db")
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SeedSample(ctx); err != nil {
		t.Fatal(err)
	}
	st.Close()
	seed := testdb.SeedBigArea(t, testdb.SQLite, db)
	var pending []testdb.BigRegistration
	for _, r := range seed.Registrations {
		if r.Area == testdb.BigArea && r.Status == "pending" {
			pending = append(pending, r)
		}
	}
	school := seed.Schools[200]
	target := pending[444]
	base, _, _ := startRun(t, map[string]string{"ADDR": "127.0.0.1:0", "DATABASE_URL": db})
	c := &chrome{t: t, vp: vp, shots: shots}
	adminCtx := c.startChromium(chromium)
	c.loginFromOtherPhone(adminCtx, base, 3) // ประเสริฐ, the demo admin of สพป.บุรีรัมย์ เขต 3
	listed := func() int { return eval[int](c, adminCtx, `document.querySelectorAll('li.reg').length`) }
	query := func(key string) string {
		return eval[string](c, adminCtx, `new URLSearchParams(location.search).get(`+strconv.Quote(key)+`) || ''`)
	}

	// The first page, with the counts.
	c.do(adminCtx, "admin list", chromedp.Navigate(base+"/admin"), chromedp.WaitVisible(chromedp.ID("result-count")))
	c.mustShow(adminCtx, "admin list", "รอการอนุมัติ 800", "รายการที่ 1–50 จาก 800", "4 ตัวท้าย")
	if n := listed(); n != 50 {
		t.Errorf("the first page lists %d, want 50", n)
	}
	if size := eval[int](c, adminCtx, `document.documentElement.outerHTML.length`); size > maxAdminPageBytes {
		t.Errorf("the list is %d characters", size)
	}
	c.layoutOK(adminCtx, "admin list")
	c.shotScreen(adminCtx, "10-admin-list")

	// Page 2 from the pager, and back.
	c.do(adminCtx, "page 2", chromedp.Click(chromedp.CSS(`nav.pager a[href="/admin?page=2"]`)))
	c.waitJS(adminCtx, "page 2", `location.search === '?page=2' && document.readyState === 'complete'`)
	c.mustShow(adminCtx, "page 2", "รายการที่ 51–100 จาก 800")
	eval[bool](c, adminCtx, `(history.back(), true)`) // the browser's back button
	c.waitJS(adminCtx, "back on page 1", `location.search === '' && document.readyState === 'complete'`)
	c.mustShow(adminCtx, "back on page 1", "รายการที่ 1–50 จาก 800")
	// chromedp finds no element on a page the history restored: load it again.
	c.do(adminCtx, "admin list again", chromedp.Navigate(base+"/admin"), chromedp.WaitVisible(chromedp.ID("q")))

	// A school by its name, typed in Thai.
	c.typeThai(adminCtx, "q", school.Name)
	c.do(adminCtx, "search", chromedp.Click(chromedp.CSS(`.searchbox button`)))
	c.waitJS(adminCtx, "search results", `new URLSearchParams(location.search).get('q') === `+strconv.Quote(school.Name)+` && document.readyState === 'complete'`)
	if n := listed(); n != 2 {
		t.Errorf("the search for %s lists %d, want its 2 applicants", school.Name, n)
	}
	c.mustShow(adminCtx, "search", "รายการที่ 1–2 จาก 2", school.Name)
	c.layoutOK(adminCtx, "search")
	c.shot(adminCtx, "11-admin-search")

	// Approve one from the search; back on the search.
	c.do(adminCtx, "approve asks", chromedp.Click(chromedp.CSS(`li.reg a.btn.ok`)), chromedp.WaitVisible(chromedp.ID("confirm")))
	c.do(adminCtx, "approve", chromedp.Click(chromedp.ID("confirm")))
	c.waitDone(adminCtx, "approved")
	if q := query("q"); q != school.Name || listed() != 1 {
		t.Errorf("after the decision: q=%q with %d listed, want the search with the other applicant", q, listed())
	}
	c.mustShow(adminCtx, "after the decision", "อนุมัติแล้ว", "รายการที่ 1–1 จาก 1")
	c.layoutOK(adminCtx, "after the decision")
	c.shot(adminCtx, "12-admin-decided")

	// The last 4 digits of an applicant's ID.
	c.typeThai(adminCtx, "q", target.PID[9:])
	c.do(adminCtx, "search by digits", chromedp.Click(chromedp.CSS(`.searchbox button`)))
	c.waitJS(adminCtx, "digits results", `new URLSearchParams(location.search).get('q') === `+strconv.Quote(target.PID[9:])+` && document.readyState === 'complete'`)
	c.mustShow(adminCtx, "search by digits", thaid.MaskPID(target.PID), formatPhone(target.Phone))

	// A whole ID: the browser does not send the form; the server refuses the address.
	c.typeThai(adminCtx, "q", target.PID)
	c.do(adminCtx, "search by a whole ID", chromedp.Click(chromedp.CSS(`.searchbox button`)))
	if !eval[bool](c, adminCtx, `document.getElementById('q').validity.patternMismatch`) || query("q") != target.PID[9:] {
		t.Errorf("the browser sent a search by a whole ID (now at ?%s)", eval[string](c, adminCtx, `location.search`))
	}
	c.do(adminCtx, "a whole ID in the address", chromedp.Navigate(base+"/admin?q="+target.PID), chromedp.WaitVisible(chromedp.ID("q-error")))
	if v := eval[string](c, adminCtx, `document.getElementById('q').value`); v != "" || listed() != 0 {
		t.Errorf("the refused search shows %q and %d registrations", v, listed())
	}
}

// TestBrowserOffice (issue 25) drives Chromium through an office's day
// with mail on, on a desktop screen and at 390 px, against the app as
// `go run .` starts it (the embedded mock, its demo admins) with an SMTP
// server that refuses the applicant's address (550):
//
//  1. the applicant's form with a wrong phone: the error summary at the top,
//     focused; then a landline and the address the server refuses;
//  2. the area admin sets the office's contact (/admin/areas);
//  3. rejects with a reason of spaces: the error summary, focused, its link
//     moving to the field; then with a reason: the notice names the
//     applicant and who rejected;
//  4. the audit page shows the undelivered mail with the applicant's phone
//     (tap to call), the address and a link to the registration's page,
//     whose history holds the failed mail;
//  5. the applicant's status page says "not approved" (not "revoked"), with
//     the office's contact;
//  6. the super-admin's page lists the admins by name, the super-admin
//     marked, with labels at 390 px; a removal asks, naming the admin.
//
// Screenshots: PREFIX-13-form-errors, -14-contact, -15-reject-error,
// -16-rejected, -17-mail-failed, -18-registration, -19-status-rejected,
// -20-people, -21-remove.
func TestBrowserOffice(t *testing.T) {
	chromium := testdb.Need(t, "THAID_TEST_CHROMIUM")
	shots := screenshotDir(t)
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) { browserOffice(t, chromium, shots, vp) })
	}
}

func browserOffice(t *testing.T, chromium, shots string, vp viewport) {
	const refused = "somchai.typo@example.ac.th"
	server := startSMTP(t, "127.0.0.1:0")
	server.rcptAnswer = func(to string, _ int) error {
		if strings.EqualFold(to, refused) {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "<" + to + ">: no such user here"}
		}
		return nil
	}
	base, _, _ := startRun(t, map[string]string{"ADDR": "127.0.0.1:0", "DATABASE_URL": filepath.Join(t.TempDir(), "office.db"),
		"SMTP_ADDR": server.addr, "SMTP_FROM": "สพป.บุรีรัมย์ <noreply@school.example.go.th>", "SMTP_USERNAME": "mailer",
		"SMTP_PASSWORD": "secret", "SMTP_TLS": "none"})
	c := &chrome{t: t, vp: vp, shots: shots}
	userCtx := c.startChromium(chromium)
	user, admin, super := citizens[0], citizens[3], citizens[2] // the demo's applicant, admin of เขต 3, super-admin
	// focusedSummary reports where the page's focus is and whether the error
	// summary is on the screen, from its top.
	focusedSummary := func(ctx context.Context, where string) {
		t.Helper()
		got := eval[string](c, ctx, `(() => {
			const s = document.getElementById('error-summary');
			if (!s) return 'no summary';
			const r = s.getBoundingClientRect();
			return (document.activeElement === s ? 'focused' : 'focus on ' + document.activeElement.id) + (r.top >= 0 && r.top < innerHeight / 3 ? '' : ' at ' + r.top);
		})()`)
		if got != "focused" {
			t.Errorf("%s: the error summary: %s; want it focused, in the top third of the screen", where, got)
		}
	}

	// 1. The form with a wrong phone number.
	c.loginFromOtherPhone(userCtx, base, 0)
	c.do(userCtx, "form", chromedp.Navigate(base+"/register/form?school="+kanLueang), chromedp.WaitVisible(chromedp.ID("phone")),
		chromedp.SendKeys(chromedp.ID("phone"), "12345"), chromedp.SendKeys(chromedp.ID("email"), refused),
		chromedp.Click(chromedp.CSS(`main button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID("error-summary")))
	focusedSummary(userCtx, "the form")
	c.mustShow(userCtx, "the form's errors", "กรุณาแก้ไขข้อมูล", "เบอร์โทรศัพท์: เบอร์โทรศัพท์ไม่ถูกต้อง")
	c.layoutOK(userCtx, "the form's errors")
	c.shotScreen(userCtx, "13-form-errors")
	c.do(userCtx, "the summary's link", chromedp.Click(chromedp.CSS(`#error-summary a[href="#phone"]`)))
	c.waitJS(userCtx, "focus on the phone", `document.activeElement && document.activeElement.id === 'phone'`)
	eval[bool](c, userCtx, `(document.getElementById('phone').value = '') === ''`)
	c.do(userCtx, "register", chromedp.SendKeys(chromedp.ID("phone"), "044 611 234"),
		chromedp.Click(chromedp.CSS(`main button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID("how-you-hear")))

	// 2. The area admin sets the office's contact.
	adminCtx, cancelAdmin := chromedp.NewContext(userCtx, chromedp.WithNewBrowserContext())
	defer cancelAdmin()
	c.tab(adminCtx)
	c.loginFromOtherPhone(adminCtx, base, 3)
	c.do(adminCtx, "contact", chromedp.Navigate(base+"/admin"), chromedp.WaitVisible(chromedp.CSS(`a[href="/admin/areas"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/admin/areas"]`)), chromedp.WaitVisible(chromedp.CSS(`a[href="/admin/areas/`+areaBRM3+`"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/admin/areas/`+areaBRM3+`"]`)), chromedp.WaitVisible(chromedp.ID("contact_phone")),
		chromedp.SendKeys(chromedp.ID("contact_phone"), "044 611 000"),
		chromedp.SendKeys(chromedp.ID("contact_email"), "office3@example.go.th"),
		chromedp.Click(chromedp.CSS(`main button[type="submit"]`)))
	c.waitDone(adminCtx, "saved")
	c.mustShow(adminCtx, "contacts", "บันทึกช่องทางติดต่อของ สพป.บุรีรัมย์ เขต 3 แล้ว", "044-611000", "office3@example.go.th")
	c.layoutOK(adminCtx, "contacts")
	if vp.mobile {
		if label := eval[string](c, adminCtx, `getComputedStyle(document.querySelector('#areas td'), '::before').content`); !strings.Contains(label, "เขตพื้นที่") {
			t.Errorf("the contacts' rows at 390 px are labelled %s", label)
		}
	}
	c.shot(adminCtx, "14-contact")

	// 3. Reject: first with a reason of spaces, then with a reason.
	c.do(adminCtx, "list", chromedp.Navigate(base+"/admin"), chromedp.WaitVisible(chromedp.CSS(`li.reg a[href*="/reject"]`)))
	c.mustShow(adminCtx, "list", "044-611234")
	if href := eval[string](c, adminCtx, `document.querySelector('li.reg a.phone').getAttribute('href')`); href != "tel:+6644611234" {
		t.Errorf("the applicant's phone links to %q", href)
	}
	c.do(adminCtx, "reject asks", chromedp.Click(chromedp.CSS(`li.reg a[href*="/reject"]`)), chromedp.WaitVisible(chromedp.ID("reason")))
	c.mustShow(adminCtx, "reject confirmation", "ยืนยันการไม่อนุมัติ", "ระบบจะส่งอีเมลแจ้งผลถึงผู้ลงทะเบียนที่ "+refused)
	c.do(adminCtx, "a reason of spaces", typeText("reason", "   "), chromedp.Click(chromedp.ID("confirm")),
		chromedp.WaitVisible(chromedp.ID("error-summary")))
	focusedSummary(adminCtx, "the rejection")
	c.mustShow(adminCtx, "the rejection's error", "เหตุผล: กรุณากรอกข้อมูลช่องนี้")
	c.layoutOK(adminCtx, "the rejection's error")
	c.shotScreen(adminCtx, "15-reject-error")
	c.do(adminCtx, "the summary's link", chromedp.Click(chromedp.CSS(`#error-summary a[href="#reason"]`)))
	c.waitJS(adminCtx, "focus on the reason", `document.activeElement && document.activeElement.id === 'reason'`)
	c.typeThai(adminCtx, "reason", "ไม่ใช่บุคลากรของโรงเรียนนี้")
	c.do(adminCtx, "reject", chromedp.Click(chromedp.ID("confirm")))
	c.waitDone(adminCtx, "rejected")
	c.mustShow(adminCtx, "after the rejection", "ไม่อนุมัติแล้ว", user.Name(), "ไม่อนุมัติโดย "+admin.Name(), "ไม่ใช่บุคลากรของโรงเรียนนี้")
	c.layoutOK(adminCtx, "after the rejection")
	c.shotScreen(adminCtx, "16-rejected")

	// 4. The mail is refused: the audit page says so, with how to reach the applicant.
	deadline := time.Now().Add(20 * time.Second)
	for {
		c.do(adminCtx, "audit", chromedp.Navigate(base+"/admin/audit?action=mail_failed"), chromedp.WaitVisible(chromedp.ID("audit")))
		if eval[bool](c, adminCtx, `document.querySelector('.mailfail') !== null`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no failed mail on the audit page")
		}
		time.Sleep(200 * time.Millisecond)
	}
	c.mustShow(adminCtx, "failed mail", "ส่งอีเมลแจ้งผลไม่สำเร็จ", "โรงเรียนวัดก้านเหลือง", user.Name(), "044-611234", "อีเมลที่ส่งไม่ถึง "+refused, "550")
	c.layoutOK(adminCtx, "failed mail")
	c.shot(adminCtx, "17-mail-failed")
	c.do(adminCtx, "the registration", chromedp.Click(chromedp.CSS(`.mailfail a[href^="/admin/registrations/"]`)), chromedp.WaitVisible(chromedp.ID("history")))
	c.mustShow(adminCtx, "the registration", user.Name(), "ไม่อนุมัติโดย "+admin.Name(), "ส่งอีเมลแจ้งผลไม่สำเร็จ", "ลงทะเบียน")
	c.layoutOK(adminCtx, "the registration")
	c.shot(adminCtx, "18-registration")

	// 5. The applicant reads a rejection, not a revocation, and how to reach the office.
	c.do(userCtx, "status", chromedp.Navigate(base+"/status"), chromedp.WaitVisible(chromedp.ID("office-contact")))
	c.mustShow(userCtx, "status", "ไม่ได้รับการอนุมัติ", "ไม่ใช่บุคลากรของโรงเรียนนี้", "044-611000", "office3@example.go.th")
	if strings.Contains(c.text(userCtx), "เพิกถอน") {
		t.Error("the status page of a rejection speaks of a revocation")
	}
	c.layoutOK(userCtx, "status")
	c.shot(userCtx, "19-status-rejected")

	// 6. The super-admin's page: names, the super-admin marked, labels at 390 px; a removal asks.
	superCtx, cancelSuper := chromedp.NewContext(userCtx, chromedp.WithNewBrowserContext())
	defer cancelSuper()
	c.tab(superCtx)
	c.loginFromOtherPhone(superCtx, base, 2)
	c.do(superCtx, "people", chromedp.Navigate(base+"/admin/people"), chromedp.WaitVisible(chromedp.ID("admins")))
	c.mustShow(superCtx, "people", admin.Name(), maskOf(admin), super.Name(), maskOf(super), "ผู้ดูแลระบบ", "— เลือกเขตพื้นที่")
	if vp.mobile {
		if label := eval[string](c, superCtx, `getComputedStyle(document.querySelector('#admins td'), '::before').content`); !strings.Contains(label, "ชื่อ") {
			t.Errorf("the admins' rows at 390 px are labelled %s", label)
		}
	}
	c.layoutOK(superCtx, "people")
	c.shot(superCtx, "20-people")
	clicked := eval[bool](c, superCtx, `(() => {
		const row = Array.from(document.querySelectorAll('#admins tr')).find(r => r.textContent.includes(`+strconv.Quote(maskOf(admin))+`));
		if (!row) return false;
		row.querySelector('a.danger').click();
		return true;
	})()`)
	if !clicked {
		t.Fatal("no row of the admin of เขต 3")
	}
	c.do(superCtx, "removal asks", chromedp.WaitVisible(chromedp.ID("confirm")))
	c.mustShow(superCtx, "removal confirmation", "ยืนยันการถอดถอนผู้ดูแลเขตพื้นที่", admin.Name(), maskOf(admin), "สพป.บุรีรัมย์ เขต 3")
	c.layoutOK(superCtx, "removal confirmation")
	c.shot(superCtx, "21-remove")
	c.do(superCtx, "remove", chromedp.Click(chromedp.ID("confirm")))
	c.waitDone(superCtx, "removed")
	c.mustShow(superCtx, "after the removal", "ถอดถอน "+admin.Name()+" ("+maskOf(admin)+") จากผู้ดูแล สพป.บุรีรัมย์ เขต 3 แล้ว")
}
