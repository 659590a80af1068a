package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/testdb"
	"github.com/thaid-go/thaid-go/thaid"
)

func mustParse(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestTwoInstancesShareRedisAndPostgres runs two app instances on one
// PostgreSQL database and one Redis, as behind a load balancer: a login
// started on A completes on B (the redirect URI points to B), the session
// works on both, data written through one is seen by the other, and a logout
// on one ends the session on both.
func TestTwoInstancesShareRedisAndPostgres(t *testing.T) {
	redisAddr := testdb.Need(t, "THAID_TEST_REDIS_ADDR")
	dbURL := testdb.PostgresURL(t)
	mock := startMock(t)
	env := map[string]string{"DATABASE_URL": dbURL, "REDIS_URL": "redis://" + redisAddr + "/0",
		"THAID_COOKIE_KEYS": "the same on both instances: 32 bytes or more"}
	b := startApp(t, mock, env)
	envA := map[string]string{"THAID_REDIRECT_URL": b.URL + "/callback"}
	for k, v := range env {
		envA[k] = v
	}
	a := startApp(t, mock, envA)

	// The browser's cookies are per host, not per port: both instances get them,
	// as they would behind one domain.
	user := newBrowser(t, a.URL)
	landed := user.login(applicant1)
	mustStatus(t, landed, http.StatusOK, "/register")
	if !strings.Contains(landed.Body, maskOf(applicant1)) {
		t.Fatalf("login via A, callback on B: not logged in")
	}
	if strings.Contains(a.Log.String(), "thaid login succeeded") || !strings.Contains(b.Log.String(), "thaid login succeeded") {
		t.Errorf("the login should start on A and complete on B")
	}
	onB := newBrowserSharing(user, b.URL)
	mustContain(t, onB.get("/register"), maskOf(applicant1))

	// Register on A, see it on B.
	mustStatus(t, user.post("/register/form", url.Values{"school": {kanLueang}, "phone": {"0812345678"},
		"email": {"a@example.com"}}), http.StatusOK, "/status")
	mustContain(t, onB.get("/status"), "โรงเรียนวัดก้านเหลือง", "รอการอนุมัติ")

	// The admin approves on B; A shows it.
	admin := newBrowser(t, b.URL)
	ids := registrationIDs(admin.login(adminBRM3).Body)
	if len(ids) != 1 {
		t.Fatalf("admin on B sees %d registrations, want 1", len(ids))
	}
	mustStatus(t, admin.post("/admin/registrations/"+ids[0]+"/approve", confirmed), http.StatusOK, "/admin")
	mustContain(t, user.get("/status"), "อนุมัติแล้ว")

	// What Redis holds reveals nobody (issue 15): no PID, name or cookie, in any key or value.
	cookies := user.jar.Cookies(mustParse(t, a.URL))
	secrets := []string{thaid.MustParsePID(applicant1.PID).Digits(), applicant1.Name(), applicant1.GivenName,
		applicant1.FamilyName, adminBRM3.GivenName, thaid.MustParsePID(adminBRM3.PID).Digits()}
	for _, c := range cookies {
		secrets = append(secrets, c.Value)
	}
	rdb := redis.NewClient(&redis.Options{Addr: redisAddr})
	defer rdb.Close()
	ctx := context.Background()
	keys, err := rdb.Keys(ctx, "school-registration:*").Result()
	if err != nil || len(keys) == 0 {
		t.Fatalf("no keys in Redis after two logins: %v", err)
	}
	for _, k := range keys {
		v, err := rdb.Get(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range secrets {
			if secret != "" && (strings.Contains(k, secret) || strings.Contains(v, secret)) {
				t.Errorf("Redis key %s or its value holds a PID, a name or a cookie", k)
			}
		}
	}

	// Logout on B ends the session on A too.
	mustStatus(t, onB.post("/logout", nil), http.StatusOK, "/")
	if code, loc := user.peek("/status"); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
		t.Errorf("after logout on B, A's /status: %d to %q, want 303 to /login", code, loc)
	}
}

// newBrowserSharing returns a browser on another base URL with the same
// cookie jar.
func newBrowserSharing(b *browser, base string) *browser {
	return &browser{t: b.t, base: base, jar: b.jar, hc: b.hc}
}
