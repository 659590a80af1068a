package middleware

import (
	"context"
	"errors"
	"html/template"
	"net/http"

	"github.com/thaid-go/thaid-go/thaid"
)

// Errors of the middleware. Errors from ThaID itself are the thaid package's sentinels (for
// example thaid.ErrUserDenied, thaid.ErrStateMismatch); test them with errors.Is.
var (
	// ErrLoginDenied: the application's OnLogin hook refused the citizen. Wrap it, or return a
	// *DeniedError, to refuse a login with a 403 page.
	ErrLoginDenied = errors.New("middleware: login denied by the application")
	// ErrNoPendingLogin: the callback's state names no pending login: it expired, was already
	// used (a replayed callback) or never existed.
	ErrNoPendingLogin = errors.New("middleware: no pending login for this state (expired, used or unknown)")
	// ErrOtherBrowser: the callback reached a browser other than the one that started the login.
	ErrOtherBrowser = errors.New("middleware: login was started in another browser")
	// ErrCrossOrigin: a state-changing request (such as logout) came from another site.
	ErrCrossOrigin = errors.New("middleware: cross-origin request refused")
	// ErrNotSignedIn: the request has no valid session.
	ErrNotSignedIn = errors.New("middleware: not signed in")
	// ErrStore: the session store failed.
	ErrStore = errors.New("middleware: session store failed")
)

// returnToKey is the context key under which the error handler finds the return-to path of the
// login that failed. Only (*Auth).withReturnTo sets it, and only to a path that SafeReturnTo
// accepts.
type returnToKey struct{}

// withReturnTo returns r with the return-to path of its failed login in its context, for the
// error page's "try again" link; r itself when the login was going nowhere in particular.
func (a *Auth) withReturnTo(r *http.Request, returnTo string) *http.Request {
	if returnTo == "" || returnTo == a.afterLogin || !SafeReturnTo(returnTo) {
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), returnToKey{}, returnTo))
}

// DeniedError refuses a login from Config.OnLogin with a message for the user (shown on the
// error page, so write it for citizens: no internal details). errors.Is(err, ErrLoginDenied)
// holds for it.
type DeniedError struct {
	// Message is shown to the user; "" shows the default text.
	Message string
}

// Error implements error.
func (e *DeniedError) Error() string {
	if e.Message == "" {
		return ErrLoginDenied.Error()
	}
	return ErrLoginDenied.Error() + ": " + e.Message
}

// Unwrap makes errors.Is(e, ErrLoginDenied) true.
func (e *DeniedError) Unwrap() error { return ErrLoginDenied }

// hookError marks a failure of OnLogin that is not a denial: shown as a generic error.
type hookError struct{ err error }

func (e *hookError) Error() string { return "middleware: OnLogin failed: " + e.err.Error() }
func (e *hookError) Unwrap() error { return e.err }

// errorKind is one kind of failure: its status, short log reason and message for the user.
type errorKind struct {
	status   int
	reason   string
	thai     string
	english  string
	sentinel error
}

// kinds is matched in order with errors.Is; the first match wins.
var kinds = []errorKind{
	{http.StatusForbidden, "login_denied", "ระบบนี้ไม่อนุญาตให้บัญชีของคุณเข้าใช้งาน", "This service does not allow your account to sign in.", ErrLoginDenied},
	{http.StatusForbidden, "user_denied", "คุณได้ยกเลิกการเข้าสู่ระบบในแอป ThaID", "You cancelled the sign-in in the ThaID app.", thaid.ErrUserDenied},
	{http.StatusBadRequest, "login_expired", "การเข้าสู่ระบบหมดเวลาแล้ว (เช่น QR code หมดอายุ) กรุณาเริ่มใหม่", "The sign-in took too long (for example, the QR code expired). Please start again.", thaid.ErrLoginExpired},
	{http.StatusBadRequest, "no_pending_login", "ลิงก์เข้าสู่ระบบนี้หมดอายุหรือถูกใช้ไปแล้ว กรุณาเริ่มใหม่", "This sign-in link has expired or was already used. Please start again.", ErrNoPendingLogin},
	{http.StatusBadRequest, "other_browser", "การเข้าสู่ระบบนี้เริ่มจากเบราว์เซอร์อื่น กรุณาเริ่มใหม่ในเบราว์เซอร์นี้", "This sign-in was started in another browser. Please start again in this browser.", ErrOtherBrowser},
	{http.StatusBadRequest, "state_mismatch", "ข้อมูลการเข้าสู่ระบบไม่ตรงกัน กรุณาเริ่มใหม่", "The sign-in response did not match the request. Please start again.", thaid.ErrStateMismatch},
	{http.StatusBadRequest, "missing_code", "ไม่ได้รับผลการเข้าสู่ระบบจาก ThaID กรุณาเริ่มใหม่", "ThaID did not return a sign-in result. Please start again.", thaid.ErrMissingCode},
	{http.StatusBadRequest, "invalid_grant", "รหัสการเข้าสู่ระบบหมดอายุหรือถูกใช้ไปแล้ว กรุณาเริ่มใหม่", "The sign-in code has expired or was already used. Please start again.", thaid.ErrInvalidGrant},
	{http.StatusForbidden, "cross_origin", "คำขอนี้มาจากเว็บไซต์อื่นจึงถูกปฏิเสธ", "This request came from another website and was refused.", ErrCrossOrigin},
	{http.StatusInternalServerError, "invalid_client", "บริการนี้ตั้งค่าการเชื่อมต่อกับ ThaID ไม่ถูกต้อง กรุณาติดต่อผู้ดูแลระบบ", "This service's connection to ThaID is misconfigured. Please contact its administrator.", thaid.ErrInvalidClient},
	{http.StatusServiceUnavailable, "provider_unavailable", "ระบบ ThaID ไม่พร้อมให้บริการในขณะนี้ กรุณาลองใหม่ภายหลัง", "ThaID is not available right now. Please try again later.", thaid.ErrProviderUnavailable},
	{http.StatusBadGateway, "malformed_response", "ได้รับคำตอบจาก ThaID ที่ไม่ถูกต้อง กรุณาลองใหม่ภายหลัง", "ThaID sent an answer we could not read. Please try again later.", thaid.ErrMalformedResponse},
	{http.StatusServiceUnavailable, "store_unavailable", "ระบบขัดข้องชั่วคราว กรุณาลองใหม่ภายหลัง", "The service has a temporary problem. Please try again later.", ErrStore},
	{http.StatusUnauthorized, "not_signed_in", "กรุณาเข้าสู่ระบบ", "Please sign in.", ErrNotSignedIn},
}

// verifyErrors are failures to verify ThaID's ID token: reported as one kind.
var verifyErrors = []error{
	thaid.ErrNonceMismatch, thaid.ErrTokenExpired, thaid.ErrTokenNotYetValid, thaid.ErrIssuedInFuture,
	thaid.ErrBadSignature, thaid.ErrUnsupportedAlg, thaid.ErrIssuerMismatch, thaid.ErrAudienceMismatch,
	thaid.ErrAtHashMismatch, thaid.ErrInvalidToken, thaid.ErrInvalidPID, thaid.ErrMissingAccessToken,
	thaid.ErrInvalidClaim,
}

var verifyKind = errorKind{http.StatusBadGateway, "verification_failed", "ตรวจสอบข้อมูลยืนยันตัวตนจาก ThaID ไม่ผ่าน กรุณาลองใหม่", "We could not verify ThaID's answer. Please try again.", nil}

var internalKind = errorKind{http.StatusInternalServerError, "internal", "เกิดข้อผิดพลาด กรุณาลองใหม่", "Something went wrong. Please try again.", nil}

func kindOf(err error) errorKind {
	for _, k := range kinds {
		if errors.Is(err, k.sentinel) {
			return k
		}
	}
	for _, s := range verifyErrors {
		if errors.Is(err, s) {
			return verifyKind
		}
	}
	return internalKind
}

// Reason returns a short, stable, log-safe reason for err, such as "user_denied",
// "no_pending_login", "provider_unavailable" or "internal".
func Reason(err error) string { return kindOf(err).reason }

// ErrorStatus returns the HTTP status the default error handler uses for err: 400 for a stale or
// foreign login, 403 for a refused one, 503/502 when ThaID is down or misbehaves, 500 otherwise.
func ErrorStatus(err error) int { return kindOf(err).status }

var errorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="th">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>เข้าสู่ระบบไม่สำเร็จ / Sign-in failed</title></head>
<body>
<main>
<h1>เข้าสู่ระบบไม่สำเร็จ</h1>
<p>{{.Thai}}</p>
<p lang="en"><strong>Sign-in failed.</strong> {{.English}}</p>
<p><a href="{{.Retry}}">ลองอีกครั้ง / Try again</a></p>
</main>
</body>
</html>
`))

// DefaultErrorHandler returns the default error handler: a short page in Thai, then English, with
// the status from ErrorStatus and a "ลองอีกครั้ง / Try again" link to retryPath. When the failed
// login was going to a page (Login's ?return_to, kept in the login), the link carries it on as
// ?return_to=, if SafeReturnTo accepts it, so that a citizen who tries again lands there. It
// never shows tokens, stack traces or internal error text; a *DeniedError's Message is shown as
// written.
func DefaultErrorHandler(retryPath string) func(w http.ResponseWriter, r *http.Request, err error) {
	if !SafeReturnTo(retryPath) {
		retryPath = "/"
	}
	return func(w http.ResponseWriter, r *http.Request, err error) {
		k := kindOf(err)
		retry := retryPath
		if rt, _ := r.Context().Value(returnToKey{}).(string); rt != "" { // SafeReturnTo accepted it
			retry = addReturnTo(retryPath, rt)
		}
		data := struct{ Thai, English, Retry string }{k.thai, k.english, retry}
		var d *DeniedError
		if errors.As(err, &d) && d.Message != "" {
			data.Thai, data.English = d.Message, ""
		}
		h := w.Header()
		h.Del("Location")
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(k.status)
		if r.Method == http.MethodHead {
			return
		}
		_ = errorPage.Execute(w, data)
	}
}
