package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/testdb"
)

// screenshotEnv names a directory where the browser test saves its
// screenshots of the flow (the README's pictures come from there). Unset: a
// temporary directory.
const screenshotEnv = "SCHOOLREG_SCREENSHOT_DIR"

// TestBrowserFlow drives Chromium through the whole flow against the app as
// `go run .` starts it (embedded mock in interactive QR mode, SQLite):
//
//  1. the applicant clicks "เข้าสู่ระบบด้วย ThaID", sees the mock's QR page,
//     opens the phone-page link on the same device, picks their name, gives
//     consent and types the app password;
//  2. registers: area, school, phone and email, "สมัครสมาชิก";
//  3. the area admin, in a second browser context, logs in by approving the QR
//     login from another tab (the waiting page moves on by itself) and
//     approves the registration;
//  4. the applicant edits the school's About text, posts news, and sees both
//     on the public school page.
func TestBrowserFlow(t *testing.T) {
	chromium := testdb.Need(t, "THAID_TEST_CHROMIUM")
	shots := os.Getenv(screenshotEnv)
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	base, _, _ := startRun(t, map[string]string{"ADDR": "127.0.0.1:0",
		"DATABASE_URL": filepath.Join(t.TempDir(), "browser.db")})

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1000, 800),
	)
	defer cancelAlloc()
	userCtx, cancelUser := chromedp.NewContext(allocCtx)
	defer cancelUser()

	// do runs steps with a time limit (the first Run starts the browser, with
	// no limit, as chromedp requires).
	do := func(ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, steps...); err != nil {
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			t.Fatalf("%s: %v (at %s)", what, err, loc)
		}
	}
	text := func(ctx context.Context) string {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		s, err := chromedp.Run(sctx, chromedp.Evaluate[string](`document.body.innerText`))
		if err != nil {
			t.Fatalf("read page: %v", err)
		}
		assertNoFullPID(t, "page", s)
		return s
	}
	shot := func(ctx context.Context, name string) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		img, err := chromedp.Run(sctx, chromedp.FullScreenshot(70))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, name+".jpg"), img, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(userCtx, chromedp.Navigate(base+"/")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}

	// 1. Login with ThaID: QR page, phone page on the same device.
	user := citizens[0]
	do(userCtx, "home", chromedp.WaitVisible(chromedp.CSS(`a.thaid`)))
	shot(userCtx, "flow-1-home")
	do(userCtx, "to the QR page", chromedp.Click(chromedp.CSS(`a.thaid`)), chromedp.WaitVisible(chromedp.ID("phone-link")))
	if !strings.Contains(text(userCtx), "ThaID") {
		t.Error("QR page does not mention ThaID")
	}
	shot(userCtx, "flow-2-qr")
	do(userCtx, "phone page",
		chromedp.Click(chromedp.ID("phone-link")),
		chromedp.WaitVisible(chromedp.ID("approve")),
		chromedp.Click(chromedp.CSS(`input[name="citizen"][value="0"]`)),
		chromedp.Click(chromedp.ID("consent")),
		chromedp.SendKeys(chromedp.ID("password"), user.Password),
	)
	shot(userCtx, "flow-3-phone")
	do(userCtx, "approve on the phone page",
		chromedp.Click(chromedp.ID("approve")),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/register/area"]`)),
	)
	if page := text(userCtx); !strings.Contains(page, maskOf(user)) || !strings.Contains(page, user.GivenName) {
		t.Fatalf("registration start page lacks the masked PID or name:\n%s", page)
	}

	// 2. Register: area, school, contact details.
	do(userCtx, "choose area",
		chromedp.Click(chromedp.CSS(`a[href="/register/area"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[value="`+areaBRM3+`"]`)),
		chromedp.Click(chromedp.CSS(`input[value="`+areaBRM3+`"]`)),
		chromedp.Click(chromedp.CSS(`main button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[value="`+kanLueang+`"]`)),
	)
	do(userCtx, "choose school",
		chromedp.Click(chromedp.CSS(`input[value="`+kanLueang+`"]`)),
		chromedp.Click(chromedp.CSS(`main button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("phone")),
		chromedp.SendKeys(chromedp.ID("phone"), "081 234 5678"),
		chromedp.SendKeys(chromedp.ID("email"), "thanawat@example.ac.th"),
	)
	shot(userCtx, "flow-4-form")
	do(userCtx, "submit the form",
		chromedp.Click(chromedp.CSS(`main button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("status")),
	)
	if page := text(userCtx); !strings.Contains(page, "รอการอนุมัติ") || !strings.Contains(page, "โรงเรียนวัดก้านเหลือง") {
		t.Fatalf("status page:\n%s", page)
	}

	// 3. The area admin, in a separate browser context (own cookies).
	adminCtx, cancelAdmin := chromedp.NewContext(userCtx, chromedp.WithNewBrowserContext())
	defer cancelAdmin()
	if err := chromedp.Do(adminCtx); err != nil { // create the target without a time limit
		t.Fatalf("admin browser context: %v", err)
	}
	admin := citizens[3] // admin of สพป.บุรีรัมย์ เขต 3
	do(adminCtx, "admin: QR page",
		chromedp.Navigate(base+"/"),
		chromedp.Click(chromedp.CSS(`a.thaid`)),
		chromedp.WaitVisible(chromedp.ID("phone-url")),
	)
	phoneURL, err := chromedp.Run(adminCtx, chromedp.TextContent(chromedp.ID("phone-url")))
	if err != nil || !strings.HasPrefix(phoneURL, base) {
		t.Fatalf("phone URL %q: %v", phoneURL, err)
	}
	// "The phone": another tab of the admin's context approves the QR login.
	phoneCtx, cancelPhone := chromedp.NewContext(adminCtx)
	if err := chromedp.Do(phoneCtx); err != nil {
		t.Fatalf("phone tab: %v", err)
	}
	do(phoneCtx, "admin: phone approves",
		chromedp.Navigate(strings.TrimSpace(phoneURL)),
		chromedp.WaitVisible(chromedp.ID("approve")),
		chromedp.Click(chromedp.CSS(`input[name="citizen"][value="3"]`)),
		chromedp.Click(chromedp.ID("consent")),
		chromedp.SendKeys(chromedp.ID("password"), admin.Password),
		chromedp.Click(chromedp.ID("approve")),
		chromedp.WaitNotPresent(chromedp.ID("approve")),
	)
	cancelPhone()
	// The waiting page polls and moves on to the app by itself.
	do(adminCtx, "admin: pending list", chromedp.WaitVisible(chromedp.CSS(`button.ok`)))
	if page := text(adminCtx); !strings.Contains(page, user.GivenName) || !strings.Contains(page, maskOf(user)) {
		t.Fatalf("admin page lacks the applicant:\n%s", page)
	}
	shot(adminCtx, "flow-5-admin")
	do(adminCtx, "admin: approve, then confirm",
		chromedp.Click(chromedp.CSS(`button.ok`)),
		chromedp.WaitVisible(chromedp.ID("confirm")),
		chromedp.Click(chromedp.ID("confirm")),
		chromedp.WaitVisible(chromedp.CSS(`.notice.ok`)),
	)

	// 4. The applicant manages the school website.
	do(userCtx, "status approved",
		chromedp.Navigate(base+"/status"),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/manage"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/manage"]`)),
		chromedp.WaitVisible(chromedp.ID("about")),
		chromedp.SetValue(chromedp.ID("about"), "โรงเรียนวัดก้านเหลือง อำเภอนางรอง จังหวัดบุรีรัมย์ เปิดสอนระดับอนุบาลถึงประถมศึกษาปีที่ 6"),
		chromedp.Click(chromedp.CSS(`form[action="/manage/about"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice.ok`)),
		chromedp.SendKeys(chromedp.ID("title"), "เปิดรับสมัครนักเรียนใหม่ ปีการศึกษา 2570"),
		chromedp.SendKeys(chromedp.ID("body"), "รับสมัครนักเรียนชั้นอนุบาล 2 และประถมศึกษาปีที่ 1 ตั้งแต่วันที่ 1–15 มีนาคม"),
		chromedp.Click(chromedp.CSS(`form[action="/manage/news"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`article.news`)),
	)
	shot(userCtx, "flow-6-manage")
	do(userCtx, "public page",
		chromedp.Navigate(base+"/schools/"+kanLueang),
		chromedp.WaitVisible(chromedp.ID("about-text")),
	)
	page := text(userCtx)
	for _, want := range []string{"เปิดสอนระดับอนุบาลถึงประถมศึกษาปีที่ 6", "เปิดรับสมัครนักเรียนใหม่ ปีการศึกษา 2570"} {
		if !strings.Contains(page, want) {
			t.Errorf("public page lacks %q", want)
		}
	}
	shot(userCtx, "flow-7-school")
}
