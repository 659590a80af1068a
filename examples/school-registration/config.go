package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/redact"
	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
	"github.com/thaid-go/thaid-go/thaid"
)

// config is the app configuration, read from the environment.
type config struct {
	Addr         string // ADDR, default 127.0.0.1:8080
	BaseURL      string // BASE_URL, default http://ADDR (after listening)
	Issuer       string // THAID_ISSUER: "" (embedded mock), production, sandbox or a URL
	ClientID     string // THAID_CLIENT_ID
	ClientSecret thaid.Secret
	RedirectURL  string // THAID_REDIRECT_URL, default BASE_URL/callback
	Scopes       []string
	DatabaseURL  string            // DATABASE_URL: "" or a path = SQLite, postgres://… = PostgreSQL; shown only redacted
	RedisURL     string            // REDIS_URL: "" = sessions in memory; shown only redacted
	CookieKeys   []thaid.Secret    // THAID_COOKIE_KEYS: seal the login cookies; required with REDIS_URL
	Admins       []adminAssignment // ADMIN_PIDS; AreaCode superAdminArea makes a super-admin
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names the
	// client (TRUSTED_PROXIES; none by default).
	TrustedProxies trustedProxies
	// ShutdownDrain is how long the app, asked to stop, keeps serving while
	// /readyz answers 503, so that a load balancer's health check takes it out
	// before it closes its connections (SHUTDOWN_DRAIN_SECONDS; 0 by default).
	ShutdownDrain time.Duration
	adminsSet     bool // ADMIN_PIDS was non-empty (an empty value counts as unset)
	// AuditRetention is how long audit records are kept (AUDIT_RETENTION_DAYS,
	// default 1825 days; 0 keeps them for ever).
	AuditRetention time.Duration
	SMTP           smtpConfig
	// remoteDemo: the embedded mock may be reached beyond loopback
	// (DEMO_ALLOW_REMOTE=1 with THAID_ISSUER unset): ADDR, BASE_URL and
	// THAID_REDIRECT_URL may be public, and demoGuard lets every request in.
	// Then no demo area admins are made: only ADMIN_PIDS makes admins.
	remoteDemo bool

	// authParams adds authorize parameters (tests: login_hint with the
	// mock's AutoApprove). Not configurable from the environment.
	authParams func(r *http.Request) url.Values
	// httpClient, when set, is used for the provider (tests).
	httpClient *http.Client
	// mailRetry, when set, replaces the outbox's pauses (30 s polling, 30 s
	// after a first failure) with shorter ones (tests).
	mailRetry time.Duration
}

// superAdminArea in ADMIN_PIDS (PID:*) makes a super-admin.
const superAdminArea = "*"

// defaultAuditRetentionDays is AUDIT_RETENTION_DAYS when unset: five years.
const defaultAuditRetentionDays = 1825

// maxAuditRetentionDays bounds AUDIT_RETENTION_DAYS (100 years; 0 keeps
// records for ever). A larger number of days would not fit a time.Duration
// and could wrap around into a short retention that purges the whole trail.
const maxAuditRetentionDays = 36500

// maxShutdownDrainSeconds bounds SHUTDOWN_DRAIN_SECONDS.
const maxShutdownDrainSeconds = 300

// minAuditRetentionDays is the shortest AUDIT_RETENTION_DAYS but 0: the
// database refuses to delete a younger record (store.MinAuditRetention).
const minAuditRetentionDays = int(store.MinAuditRetention / (24 * time.Hour))

// adminAssignment makes a citizen an area admin, or a super-admin.
type adminAssignment struct {
	PID      thaid.PID
	AreaCode string
}

// mockMode reports whether the embedded mock provider is used.
func (c config) mockMode() bool { return c.Issuer == "" }

// errConfig marks a configuration error.
var errConfig = errors.New("config")

// defaultScopes: openid for a signed ID token, pid to key the registration,
// the name parts for the form.
var defaultScopes = []string{thaid.ScopeOpenID, thaid.ScopePID, thaid.ScopeName,
	thaid.ScopeTitle, thaid.ScopeGivenName, thaid.ScopeFamilyName}

func configFromEnv(getenv func(string) string) (config, error) {
	c := config{
		Addr:         getenv("ADDR"),
		BaseURL:      strings.TrimRight(getenv("BASE_URL"), "/"),
		Issuer:       getenv("THAID_ISSUER"),
		ClientID:     getenv("THAID_CLIENT_ID"),
		ClientSecret: thaid.Secret(getenv("THAID_CLIENT_SECRET")),
		RedirectURL:  getenv("THAID_REDIRECT_URL"),
		DatabaseURL:  getenv("DATABASE_URL"),
		RedisURL:     getenv("REDIS_URL"),
		Scopes:       defaultScopes,
	}
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8080"
	}
	if s := strings.TrimSpace(getenv("THAID_SCOPES")); s != "" {
		c.Scopes = strings.Fields(strings.ReplaceAll(s, ",", " "))
	}
	if err := checkHTTPURL("BASE_URL", c.BaseURL); err != nil {
		return c, err
	}
	if err := checkHTTPURL("THAID_REDIRECT_URL", c.RedirectURL); err != nil {
		return c, err
	}
	if c.mockMode() && getenv("DEMO_ALLOW_REMOTE") == "1" {
		c.remoteDemo = true
	} else if exposed := c.mockExposure(); len(exposed) > 0 {
		// The embedded mock lets anybody who reaches it log in as any demo citizen.
		return c, fmt.Errorf("%w: the embedded mock ThaID (THAID_ISSUER unset) runs on loopback only, "+
			"but %s; set THAID_ISSUER for real use, or DEMO_ALLOW_REMOTE=1 for a demo on a trusted network "+
			"(so that a real phone can scan the QR code; then no demo area admins are made, only ADMIN_PIDS makes admins)",
			errConfig, strings.Join(exposed, " and "))
	}
	if !c.mockMode() && c.ClientID == "" {
		return c, fmt.Errorf("%w: THAID_CLIENT_ID is required when THAID_ISSUER is set", errConfig)
	}
	if c.RedisURL != "" {
		if _, err := redisOptions(c.RedisURL); err != nil {
			return c, err
		}
	}
	var err error
	if c.TrustedProxies, err = parseTrustedProxies(getenv("TRUSTED_PROXIES")); err != nil {
		return c, err
	}
	keys, err := cookieKeys(getenv("THAID_COOKIE_KEYS"))
	if err != nil {
		return c, err
	}
	if c.RedisURL != "" && len(keys) == 0 {
		// Several instances: a login started on one must complete on another.
		return c, fmt.Errorf("%w: REDIS_URL is set (several instances) but THAID_COOKIE_KEYS is not: give every "+
			"instance the same key, at least 32 bytes of secret, e.g. from `openssl rand -base64 32`", errConfig)
	}
	c.CookieKeys = keys
	days := defaultAuditRetentionDays
	if v := strings.TrimSpace(getenv("AUDIT_RETENTION_DAYS")); v != "" {
		days, err = strconv.Atoi(v)
		if err != nil || days < 0 || days > maxAuditRetentionDays || (days > 0 && days < minAuditRetentionDays) {
			return c, fmt.Errorf("%w: AUDIT_RETENTION_DAYS %q: want 0 (keep records for ever) or a number of days from %d "+
				"(the minimum the database enforces) to %d", errConfig, v, minAuditRetentionDays, maxAuditRetentionDays)
		}
	}
	c.AuditRetention = time.Duration(days) * 24 * time.Hour
	if v := strings.TrimSpace(getenv("SHUTDOWN_DRAIN_SECONDS")); v != "" {
		secs, err := strconv.Atoi(v)
		if err != nil || secs < 0 || secs > maxShutdownDrainSeconds {
			return c, fmt.Errorf("%w: SHUTDOWN_DRAIN_SECONDS %q: want a number of seconds from 0 to %d",
				errConfig, v, maxShutdownDrainSeconds)
		}
		c.ShutdownDrain = time.Duration(secs) * time.Second
	}
	if c.SMTP, err = smtpFromEnv(getenv); err != nil {
		return c, err
	}
	if v := getenv("ADMIN_PIDS"); v != "" {
		admins, err := parseAdmins(v)
		if err != nil {
			return c, err
		}
		c.Admins, c.adminsSet = admins, true
	}
	return c, nil
}

// checkRedirectOrigin checks that the redirect URI lands on the app's own scheme and host name
// (the port may differ, as between instances behind one domain): the callback sets the session
// cookie, which must reach the app's pages, with Secure and __Host- when the app is on https.
func checkRedirectOrigin(baseURL, redirectURL string) error {
	b, err := url.Parse(baseURL)
	if err != nil {
		return fmt.Errorf("%w: BASE_URL %q: %v", errConfig, baseURL, err)
	}
	r, err := url.Parse(redirectURL)
	if err != nil {
		return fmt.Errorf("%w: THAID_REDIRECT_URL %q: %v", errConfig, redirectURL, err)
	}
	if b.Scheme != r.Scheme || !strings.EqualFold(b.Hostname(), r.Hostname()) {
		return fmt.Errorf("%w: THAID_REDIRECT_URL %q is not on the app's scheme and host %s://%s: set BASE_URL to the app's public URL",
			errConfig, redirectURL, b.Scheme, b.Hostname())
	}
	return nil
}

// originOf returns the origin (scheme://host[:port]) of an http(s) URL
// validated by configFromEnv.
func originOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL
	}
	return u.Scheme + "://" + u.Host
}

// mockExposure lists what makes the embedded mock reachable beyond loopback:
// ADDR, BASE_URL's host and THAID_REDIRECT_URL's host, each when not loopback.
// It is empty when the mock is not used. BASE_URL and THAID_REDIRECT_URL must
// have passed checkHTTPURL.
func (c config) mockExposure() []string {
	if !c.mockMode() {
		return nil
	}
	var out []string
	if !loopbackAddr(c.Addr) {
		out = append(out, fmt.Sprintf("ADDR %q is not loopback", c.Addr))
	}
	for _, v := range []struct{ name, value string }{{"BASE_URL", c.BaseURL}, {"THAID_REDIRECT_URL", c.RedirectURL}} {
		if v.value == "" {
			continue
		}
		if host := hostname(v.value); !loopbackHost(host) {
			out = append(out, fmt.Sprintf("%s's host %q is not loopback", v.name, host))
		}
	}
	return out
}

// hostname returns the host name of a URL, or "" when it does not parse.
func hostname(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// loopbackAddr reports whether a listen address (host:port) binds to loopback only.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	return err == nil && loopbackHost(host)
}

// loopbackHost reports whether host is "localhost" or a loopback IP literal.
// Any other name is not loopback, even one that resolves to loopback: names
// are judged as written, without a DNS lookup.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// minCookieKey is the shortest THAID_COOKIE_KEYS entry the middleware accepts.
const minCookieKey = 32

// cookieKeys parses THAID_COOKIE_KEYS: secrets separated by commas, the first sealing, every one
// opening (for rotation). Its errors name an entry by position, never by value.
func cookieKeys(v string) ([]thaid.Secret, error) {
	var keys []thaid.Secret
	for i, k := range strings.Split(v, ",") {
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		if len(k) < minCookieKey {
			return nil, fmt.Errorf("%w: THAID_COOKIE_KEYS entry %d is shorter than %d bytes (the value is not shown)",
				errConfig, i+1, minCookieKey)
		}
		keys = append(keys, thaid.Secret(k))
	}
	return keys, nil
}

// redisOptions parses REDIS_URL. Its errors never show the URL's password: a
// URL that net/url cannot parse is not shown at all, and go-redis's error is
// cleaned of the URL's secrets.
func redisOptions(rawURL string) (*redis.Options, error) {
	shown, ok := redact.URL(rawURL)
	if !ok {
		return nil, fmt.Errorf("%w: REDIS_URL is not a valid URL (want redis://[user:password@]host:port/db; "+
			"the value is not shown, as it may hold a password)", errConfig)
	}
	opts, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%w: REDIS_URL: invalid URL (%s): %w", errConfig, shown, redact.Error(err, rawURL))
	}
	return opts, nil
}

// checkHTTPURL checks that the variable name, when set, holds an http(s) URL
// with a host.
func checkHTTPURL(name, value string) error {
	if value == "" {
		return nil
	}
	u, err := url.Parse(value)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%w: %s %q is not an http(s) URL", errConfig, name, value)
	}
	return nil
}

// parseAdmins parses ADMIN_PIDS: "PID:AREA,PID:AREA,PID:*", where * makes a
// super-admin. The error never contains a full PID.
func parseAdmins(s string) ([]adminAssignment, error) {
	var out []adminAssignment
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		p, area, ok := strings.Cut(item, ":")
		if !ok || strings.TrimSpace(area) == "" {
			return nil, fmt.Errorf("%w: ADMIN_PIDS entry %q: want PID:AREA_CODE", errConfig, thaid.MaskPID(item))
		}
		pid, err := thaid.ParsePID(strings.TrimSpace(p))
		if err != nil {
			return nil, fmt.Errorf("%w: ADMIN_PIDS: %w", errConfig, err)
		}
		out = append(out, adminAssignment{PID: pid, AreaCode: strings.TrimSpace(area)})
	}
	return out, nil
}

// provider resolves THAID_ISSUER.
func (c config) provider() thaid.Provider {
	switch strings.ToLower(c.Issuer) {
	case "production", "prod":
		return thaid.Production
	case "sandbox", "sbx":
		return thaid.Sandbox
	}
	return thaid.Provider{Issuer: strings.TrimRight(c.Issuer, "/")}
}

// smtpFromEnv reads the mail server's settings (SMTP_*); see smtpConfig.
func smtpFromEnv(getenv func(string) string) (smtpConfig, error) {
	c := smtpConfig{Addr: strings.TrimSpace(getenv("SMTP_ADDR")), From: strings.TrimSpace(getenv("SMTP_FROM")),
		Username: getenv("SMTP_USERNAME"), Password: getenv("SMTP_PASSWORD"), TLS: strings.ToLower(getenv("SMTP_TLS"))}
	if c.Addr == "" {
		return c, nil
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return c, fmt.Errorf("%w: SMTP_ADDR %q: want host:port, e.g. smtp.example.go.th:587", errConfig, c.Addr)
	}
	if _, err := mail.ParseAddress(c.From); err != nil || c.From == "" {
		return c, fmt.Errorf("%w: SMTP_FROM %q: want the sender's address, e.g. noreply@example.go.th", errConfig, c.From)
	}
	switch c.TLS {
	case "":
		c.TLS = "starttls"
	case "starttls", "tls", "none":
	default:
		return c, fmt.Errorf("%w: SMTP_TLS %q: want starttls, tls or none", errConfig, c.TLS)
	}
	return c, nil
}
