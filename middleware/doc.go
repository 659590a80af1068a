// Package middleware adds "login with ThaID" to a net/http application: a login handler, the
// OAuth callback, a logout handler, Require and Optional wrappers, and secure server-side
// sessions.
//
// # Protect a handler in ten lines
//
//	client, err := thaid.New(ctx, thaid.Config{
//		ClientID:     os.Getenv("THAID_CLIENT_ID"),
//		ClientSecret: thaid.Secret(os.Getenv("THAID_CLIENT_SECRET")),
//		RedirectURL:  "https://school.example.go.th/auth/callback",
//		Provider:     thaid.Production,
//	})
//	if err != nil { return err }
//	auth, err := middleware.New(middleware.Config{Client: client, LoginPath: "/auth/login"})
//	if err != nil { return err }
//
//	mux := http.NewServeMux()
//	mux.Handle("GET /auth/login", auth.Login())
//	mux.Handle("GET /auth/callback", auth.Callback())
//	mux.Handle("POST /auth/logout", auth.Logout())
//	mux.Handle("GET /registrations/", auth.Require(registrations)) // signed-in users only
//
// Inside a protected handler, IdentityFrom(r.Context()) returns the citizen's *thaid.Identity
// (name, masked PID, and the other claims of the scopes you asked for), and SessionFrom returns
// the whole Session, with the UserID your OnLogin hook chose. Log out with a form:
// <form method="post" action="/auth/logout"><button>ออกจากระบบ</button></form>.
//
// # What happens
//
// Login (GET, optional ?return_to=/path) creates a thaid.Login (state, nonce, PKCE), stores it
// as a PendingLogin under its state for PendingTTL (10 min), and redirects to ThaID. The pending
// login is bound to the browser by a random value in a second cookie (CookieName+"_login"), whose
// hash is stored with it: a callback link that reaches another browser signs no one in. Several
// tabs can log in at once.
//
// Callback takes the pending login (once only: a replayed callback fails), checks the browser
// binding, completes the flow with thaid.Client.Exchange, calls Config.OnLogin (where the app
// allows, denies or maps the citizen to its own user), then starts a session under a new random
// ID (no session fixation) and redirects to the return-to path: only a same-origin relative path
// is kept (see SafeReturnTo), anything else goes to AfterLoginPath.
//
// Require lets signed-in requests through with the session in the context. Others are redirected
// to LoginPath?return_to=<path>, or, when they ask for JSON or come from fetch/XHR, answered
// with 401 {"error":"login_required"}. Optional attaches the session when there is one.
//
// Logout accepts POST only and refuses cross-site requests (Go's http.CrossOriginProtection; use
// CrossOriginProtect for your own forms). It deletes the session, revokes the ThaID tokens (best
// effort: a failure is logged, not shown), clears the cookie and redirects to AfterLogoutPath.
//
// AccessToken returns the user's ThaID access token, refreshed (and the rotated refresh token
// stored) when it has expired.
//
// # Sessions and stores
//
// The session cookie holds only an opaque random ID of 256 bits, never the PID or tokens. It is
// HttpOnly, SameSite=Lax (so it survives the redirect back from ThaID), Path=/, and on HTTPS
// Secure with the "__Host-" prefix. Sessions end after IdleTimeout (30 min) without use and
// AbsoluteTimeout (12 h) after login.
//
// Sessions live in a Store. The default, NewMemoryStore, keeps them in process memory (one
// instance). For several instances use the Redis store of module
// github.com/thaid-go/thaid-go/middleware/redisstore: a login started on one instance completes
// on another, and a logout anywhere ends the session everywhere. Custom stores can check
// themselves with package storetest.
//
// # Errors and logs
//
// Failures (refused on the phone, expired login, state mismatch, invalid_client, ThaID down,
// cross-site logout, ...) go to Config.ErrorHandler. The default, DefaultErrorHandler, shows a
// short page in Thai, then English, with a "ลองอีกครั้ง / Try again" link and a fitting status
// code; it never shows tokens, stack traces or internal errors. Custom handlers tell errors apart
// with errors.Is against this package's and package thaid's sentinel errors, or use ErrorStatus
// and Reason.
//
// Events are logged with log/slog: "thaid login started", "thaid login succeeded", "thaid login
// failed" (with a short reason), "thaid logout". PIDs are masked (1-1017-xxxxx-70-8) and tokens
// are never logged.
package middleware
