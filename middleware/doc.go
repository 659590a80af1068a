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
// Inside a protected handler, id, ok := IdentityFrom(r.Context()) gives the citizen's
// *thaid.Identity (name, masked PID, and the other claims of the scopes you asked for) and
// whether there is one (ok is false outside Require and Optional, and for a session without an
// identity); SessionFrom returns the whole Session, with the UserID your OnLogin hook chose. Log
// out with a form: <form method="post" action="/auth/logout"><button>ออกจากระบบ</button></form>.
//
// # What happens
//
// Login (GET, optional ?return_to=/path) creates a thaid.Login (state, nonce, PKCE) and redirects
// to ThaID. It stores nothing on the server: the login's secrets and return-to path are sealed
// (AES-GCM, under Config.CookieKeys) into a cookie of their own, CookieName+"_login_"+the start
// of the state, that lives PendingTTL (10 min). That cookie binds the login to the browser: a
// callback link that reaches another browser signs no one in. Several tabs can log in at once:
// up to four logins in progress per browser, whose cookies take at most 3,400 bytes together
// (about 1.3 KB for four with short return-to paths; two with the longest, 1,024-byte paths);
// starting one more drops the oldest, so that the Cookie header stays far from the 8 KB that
// common proxies accept. A flood of anonymous logins costs the server no memory, with either
// store.
//
// Callback finds the login cookie named by the callback's state, deletes it, checks that the
// state is one of this server's (it carries its start time and a MAC), completes the flow with
// thaid.Client.Exchange, marks the state used in the store for the rest of its PendingTTL (a
// replayed callback fails), calls Config.OnLogin (where the app allows, denies or maps the
// citizen to its own user), then starts a session under a new random ID (no session fixation)
// and redirects to the return-to path: only a same-origin relative path is kept (see
// SafeReturnTo), anything else goes to AfterLoginPath.
//
// Require lets signed-in requests through with the session in the context. Others are redirected
// to LoginPath?return_to=<path>, or, when they ask for JSON or come from fetch/XHR, answered
// with 401 {"error":"login_required"}. Optional attaches the session when there is one.
//
// Logout accepts POST only and refuses cross-site requests (Go's http.CrossOriginProtection; use
// CrossOriginProtect for your own forms). It deletes the session, revokes the ThaID tokens (best
// effort: a failure is logged, not shown), clears the cookie and redirects to AfterLogoutPath.
//
// Auth.AccessToken returns the signed-in citizen's ThaID access token, to call an API on their
// behalf, refreshed (and the rotated refresh token stored) ahead of its expiry: once no more than
// Config.RefreshBefore is left of it, by default a third of its lifetime as received (5 of
// ThaID's 15 minutes). ThaID's refresh token lives about 15 minutes too, so a refresh after the
// access token has expired would be refused; refreshing ahead keeps the token of a citizen whose
// app calls AccessToken at least that often working, as long as ThaID gives a new refresh token
// at each refresh. If the provider cannot be reached for a refresh ahead of expiry, the current
// token, still valid, is returned. A session is refreshed once, however many requests and
// instances ask at the same moment. The refresh is thaid.Client.Refresh, which judges the
// answer: it keeps what the answer lacks (refresh token, ID token), and refuses, revoking its
// tokens, an answer whose identity adds, changes or drops the session's sub or PID; unsigned
// claims never replace a verified identity. Without a session AccessToken returns
// ErrNotSignedIn; when the token has expired and ThaID gave no refresh token,
// thaid.ErrTokenExpired; when ThaID refuses the refresh (a silence longer than the refresh
// token's life, or a revoked token), an error matching thaid.ErrInvalidGrant, Reason
// "invalid_grant". Each means: log the citizen in again to get ThaID tokens; the session itself
// stays (ExampleAuth_AccessToken shows it).
//
// # Sessions and stores
//
// The session cookie holds only a random value of 256 bits, never the PID or tokens. It is
// HttpOnly, SameSite=Lax (so it survives the redirect back from ThaID), Path=/, and on HTTPS
// Secure with the "__Host-" prefix. Sessions end after IdleTimeout (30 min) without use and
// AbsoluteTimeout (12 h) after login; the store then drops them.
//
// The session itself (identity, tokens, times) is kept in a Store, sealed with AES-256-GCM under
// the cookie's own random value, under a key that is a SHA-256 of that value. The server keeps no
// copy of the cookie: whoever reads the store, a backup of it or a dump of its memory can neither
// read a session nor replay it as a cookie. Package storetest's RunSealed checks exactly that for
// any store. The cookie is read strictly (43 base64url characters whose unused last bits are
// zero: one value, one spelling), and the store key's hash is authenticated with the record, so
// that a record copied under another key does not open. A record is sealed in two parts: a head
// (times, user ID), which every request opens, and a body (identity, tokens), opened only when a
// handler asks for the identity or AccessToken for the tokens. Sessions stored by versions before
// December 2026 (one sealed part) do not open: their users are simply not signed in, and log in
// again once.
//
// The default store, NewMemoryStore, keeps records in process memory (one instance). For several
// instances use the Redis store of module github.com/thaid-go/thaid-go/middleware/redisstore (a
// single Redis or a Redis Cluster): a login started on one instance completes on another, a
// logout anywhere ends the session everywhere, and the instances refresh a session's tokens once
// between them (under a lock in the store).
//
// A logout and a refresh on another instance may run at the same moment. The logout deletes the
// record by compare-and-delete against the version it read; when that fails, the record has
// changed since (a last-seen update, or the refresh's new tokens), so it reads it again, and
// revokes the tokens of every version it read. A refresh whose compare-and-swap finds the record
// gone revokes its own new tokens. Either way the refreshed tokens are revoked, and nothing stays
// behind in the store (a tombstone, the other way to do it, would stay until the absolute
// timeout). storetest.RunLogoutDuringRefresh checks this with two instances on one store.
//
// # CookieKeys, and how to rotate them
//
// Config.CookieKeys seal the short-lived login cookies and sign the states. Without them each
// process makes a random key at start: fine for one instance, but a login started before a
// restart, or on another instance, then fails with "start again" (ErrNoPendingLogin). Behind a
// load balancer give every instance the same keys, from your secret store. Sessions do not
// depend on these keys, so a key change never signs anyone out.
//
// A key's bytes are used as they are: a string is not decoded from base64, hex or anything else.
// Each must be at least 32 bytes long (New refuses a shorter one with thaid.ErrInvalidConfig);
// HKDF-SHA256 derives from it the AES-256-GCM key of the login cookies and the HMAC-SHA256 key
// of the states. A key is only as strong as it is unpredictable: use 32 random bytes written as
// text, such as the 44 characters that `openssl rand -base64 32` prints, taken as they are. A
// phrase a person made up passes the length check and is far weaker.
//
// To rotate with no login lost:
//
//  1. Deploy [old, new] everywhere: every instance can open logins sealed with either key, and
//     still seals with the old one.
//  2. Deploy [new, old] everywhere: new logins are sealed with the new key.
//  3. After PendingTTL (10 min), deploy [new]. Only logins started before step 2 and not yet
//     finished are refused ("start again").
//
// If a key may have leaked, skip the wait: deploy [new] at once. Logins in progress must then be
// started again; sessions are not affected.
//
// # Errors and logs
//
// Failures (refused on the phone, expired login, state mismatch, invalid_client, ThaID down,
// cross-site logout, ...) go to Config.ErrorHandler. The default, DefaultErrorHandler(LoginPath),
// shows a short page in Thai, then English, with a "ลองอีกครั้ง / Try again" link that starts a
// new login (and keeps the failed login's return-to path, when it is a safe one) and the status
// code of ErrorStatus; it never shows tokens, stack traces or internal errors. Custom handlers
// tell errors apart with errors.Is against this package's and package thaid's sentinel errors,
// or use ErrorStatus and Reason.
//
// Events are logged with log/slog: "thaid login succeeded", "thaid login failed" (with a short
// reason), "thaid logout", "thaid token refreshed", and at debug level "thaid login started"
// (anybody can start logins: at info level a flood of them would flood the log). A login cookie
// that none of the CookieKeys opens (most likely a login started on an instance with other keys)
// is logged at warn level, at most once a minute, naming that cause. PIDs are masked
// (1-1017-xxxxx-70-8) and tokens, cookies and store keys are never logged.
//
// # Tests
//
// Package mockprovider is a ThaID-compatible provider for tests. With its AutoApprove option (or
// thaid-mock -auto-approve), a login completes at once as the citizen whose PID is in the
// authorization request's login_hint: set Config.AuthParams to add one (ExampleConfig_authParams).
// Only for the mock: a PID must never go into a URL to the real ThaID.
//
// # Metrics and traces
//
// Config.Observe hears of each step as an Event: a login started, a login ended (its outcome is
// "ok" or the short reason above), a token refresh and a logout, each with the time it took.
// Events carry no personal data. Module github.com/thaid-go/thaid-go/middleware/otelthaid turns
// them into OpenTelemetry metrics and spans; any other system needs only a function. Without an
// observer nothing is measured and nothing costs. A panic in the observer is recovered and
// logged at error level: a broken metrics hook does not break logins.
package middleware
