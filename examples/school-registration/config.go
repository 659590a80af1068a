package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

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
	DatabaseURL  string // DATABASE_URL: "" or a path = SQLite, postgres://… = PostgreSQL
	RedisURL     string // REDIS_URL: "" = sessions in memory
	Admins       []adminAssignment
	adminsSet    bool // ADMIN_PIDS was non-empty (an empty value counts as unset)

	// authParams adds authorize parameters (tests: login_hint with the
	// mock's AutoApprove). Not configurable from the environment.
	authParams func(r *http.Request) url.Values
	// httpClient, when set, is used for the provider (tests).
	httpClient *http.Client
}

// adminAssignment makes a citizen an area admin.
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
	if c.mockMode() && !loopbackAddr(c.Addr) && getenv("DEMO_ALLOW_REMOTE") != "1" {
		// The embedded mock lets anybody log in as any demo citizen, area admins included.
		return c, fmt.Errorf("%w: the embedded mock ThaID (THAID_ISSUER unset) listens on loopback only, "+
			"not on ADDR %q; set THAID_ISSUER for real use, or DEMO_ALLOW_REMOTE=1 for a demo on a trusted network "+
			"(so that a real phone can scan the QR code)", errConfig, c.Addr)
	}
	if !c.mockMode() && c.ClientID == "" {
		return c, fmt.Errorf("%w: THAID_CLIENT_ID is required when THAID_ISSUER is set", errConfig)
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

// loopbackAddr reports whether a listen address (host:port) binds to loopback only.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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

// parseAdmins parses ADMIN_PIDS: "PID:AREA,PID:AREA". The error never
// contains a full PID.
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
