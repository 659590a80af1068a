package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// rpTimeout is how long the RPs of these tests wait for the provider (token endpoint, JWKS). It
// leaves room for a loaded two-core machine under -race: at 1 s, good logins timed out there and
// their refusals were read as the RP's own.
const rpTimeout = 2 * time.Second

func TestMain(m *testing.M) {
	// The provider stalls well past rpTimeout, so that an RP with a timeout always gives up first,
	// even when the machine is slow to run it.
	tokenStall = 4 * rpTimeout
	os.Exit(m.Run())
}

// lazyRP serves an RP that is built on its first request, once the provider answers (as an RP
// started before thaid-rpcheck would retry discovery). Until then it answers 503.
type lazyRP struct {
	mu    sync.Mutex
	build func() (http.Handler, error)
	h     http.Handler
}

func (l *lazyRP) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	if l.h == nil {
		h, err := l.build()
		if err != nil {
			l.mu.Unlock()
			http.Error(w, "provider not reachable yet", http.StatusServiceUnavailable)
			return
		}
		l.h = h
	}
	h := l.h
	l.mu.Unlock()
	h.ServeHTTP(w, r)
}

// startRP serves build's handler (built lazily) and returns its base URL. The server logs
// nothing: some careless RPs crash (panic) on purpose.
func startRP(t *testing.T, build func(app string) (http.Handler, error)) string {
	t.Helper()
	l := &lazyRP{}
	srv := httptest.NewUnstartedServer(l)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Start()
	t.Cleanup(srv.Close)
	l.build = func() (http.Handler, error) { return build(srv.URL) }
	return srv.URL
}

// check serves the RP that build makes for the provider's issuer and its own base URL (built
// lazily, see startRP), and runs the command in-process against it.
func check(t *testing.T, build func(issuer, app string) (http.Handler, error), extra ...string) (int, string, string) {
	t.Helper()
	addr := freeAddr()
	app := startRP(t, func(app string) (http.Handler, error) { return build("http://"+addr, app) })
	var stdout, stderr bytes.Buffer
	args := append([]string{"-addr", addr, "-login", app + "/login", "-probe", app + "/me",
		"-redirect-uri", app + "/callback", "-wait", "10s"}, extra...)
	code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// failing returns the names of the FAIL lines, and checks the output's shape on the way.
func failing(t *testing.T, out string) []string {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	var fails []string
	for _, l := range lines[:len(lines)-1] {
		switch {
		case strings.HasPrefix(l, "PASS "):
		case strings.HasPrefix(l, "FAIL "):
			name, _, ok := strings.Cut(strings.TrimPrefix(l, "FAIL "), ": ")
			if !ok {
				t.Errorf("FAIL line without a reason: %q", l)
			}
			fails = append(fails, name)
		default:
			t.Errorf("unexpected line %q", l)
		}
	}
	return fails
}

// caseNames is the names of the plan's cases that keep keeps, in plan order.
func caseNames(keep func(testCase) bool) []string {
	var names []string
	for _, tc := range plan {
		if keep(tc) {
			names = append(names, tc.name)
		}
	}
	return names
}

func allCases() []string { return caseNames(func(testCase) bool { return true }) }

func TestMiddlewarePassesEveryCase(t *testing.T) {
	dir := t.TempDir()
	jsonFile, junitFile := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.xml")
	code, out, errOut := check(t, exampleApp, "-json", jsonFile, "-junit", junitFile)
	t.Logf("output:\n%s", out)
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	if f := failing(t, out); len(f) != 0 {
		t.Fatalf("failing: %v", f)
	}
	want := len(plan)
	if !strings.HasSuffix(out, fmt.Sprintf("\n%d/%d cases passed\n", want, want)) {
		t.Fatalf("last line of %q", out)
	}
	var rep jsonReport
	readReport(t, jsonFile, json.Unmarshal, &rep)
	if rep.Passed != want || rep.Total != want || len(rep.Cases) != want {
		t.Fatalf("json: %d/%d, %d cases", rep.Passed, rep.Total, len(rep.Cases))
	}
	for i, c := range rep.Cases {
		if c.Name != plan[i].name || !c.Passed || c.Sends == "" || c.Expect == "" || c.Reference == "" {
			t.Errorf("json case %d: %+v", i, c)
		}
	}
	suites := readJUnit(t, junitFile)
	if suites.Tests != want || suites.Failures != 0 {
		t.Fatalf("junit: %d tests, %d failures", suites.Tests, suites.Failures)
	}
}

// readReport reads the report file name into v with unmarshal (json.Unmarshal, xml.Unmarshal).
func readReport(t *testing.T, name string, unmarshal func([]byte, any) error, v any) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func readJUnit(t *testing.T, name string) junitSuites {
	t.Helper()
	var s junitSuites
	readReport(t, name, xml.Unmarshal, &s)
	n := 0
	for _, suite := range s.Suites {
		n += len(suite.Cases)
	}
	if n != s.Tests {
		t.Fatalf("junit: %d testcases, tests=%d", n, s.Tests)
	}
	return s
}

// baselineCase is the one case that no RP can fail alone: it is the good login that every
// refusal case needs (see TestEveryCaseIsProven).
const baselineCase = "accept/es256"

// carelessRPTest is a test RP of TestCarelessRPs and the cases it fails.
type carelessRPTest struct {
	name  string
	rp    carelessness
	fails []string
}

// carelessRPs are the test RPs of TestCarelessRPs, each careless in one way (name, as doc.go's
// table calls it, says which: the carelessness fields set), and the cases each fails, exactly,
// in plan order. The first part proves every case able to fail: each RP fails one case and no
// other (TestEveryCaseIsProven).
var carelessRPs = []carelessRPTest{
	// ---- one case each (the five careless RPs that issue 20 found passing every case are
	// marked: each now fails its case)
	{"algs=RS256", carelessness{algs: []string{"RS256"}}, allBut("accept/rs256")},
	{"algs=ES256", carelessness{algs: []string{"ES256"}}, []string{"accept/rs256"}},
	{"jwksOnce", carelessness{jwksOnce: true}, []string{"accept/key-rotation"}},
	{"noRSACheck", carelessness{noRSACheck: true}, []string{"signature/tampered"}},
	{"acceptNone", carelessness{acceptNone: true}, []string{"signature/alg-none"}},
	{"hs256Key=pem", carelessness{hs256Key: formPEM}, []string{"signature/hs256-pem"}},
	{"hs256Key=der", carelessness{hs256Key: formDER}, []string{"signature/hs256-der"}}, // issue 20's RP 2
	{"hs256Key=pkcs1-der", carelessness{hs256Key: formPKCS1DER}, []string{"signature/hs256-pkcs1-der"}},
	{"hs256Key=pkcs1-pem", carelessness{hs256Key: formPKCS1PEM}, []string{"signature/hs256-pkcs1-pem"}},
	{"hs256Key=jwk", carelessness{hs256Key: formJWK}, []string{"signature/hs256-jwk"}},
	{"hs256Key=ec-point", carelessness{hs256Key: formECPoint}, []string{"signature/hs256-ec-point"}},
	{"hs256Key=rsa-modulus", carelessness{hs256Key: formRSAModulus}, []string{"signature/hs256-rsa-modulus"}},
	{"hs256Key=jwk-x", carelessness{hs256Key: formJWKX}, []string{"signature/hs256-jwk-x"}},
	{"hs256Key=jwk-n", carelessness{hs256Key: formJWKN}, []string{"signature/hs256-jwk-n"}},
	{"unknownKidUnverified", carelessness{unknownKidUnverified: true}, []string{"signature/unknown-kid"}},
	{"noECCheck", carelessness{noECCheck: true}, []string{"signature/unpublished-key-published-kid"}},
	{"noKidUnverified", carelessness{noKidUnverified: true}, []string{"signature/no-kid-several-keys"}},
	{"headerKey=jwk", carelessness{headerKey: "jwk"}, []string{"signature/header-jwk"}}, // issue 20's RP 3
	{"headerKey=jku", carelessness{headerKey: "jku"}, []string{"signature/header-jku"}},
	{"headerKey=x5c", carelessness{headerKey: "x5c"}, []string{"signature/header-x5c"}},
	{"headerKey=x5u", carelessness{headerKey: "x5u"}, []string{"signature/header-x5u"}},
	{"trustsThaIDIssuers", carelessness{trustsThaIDIssuers: true}, []string{"claims/iss-wrong"}},
	{"issHasPrefix", carelessness{issHasPrefix: true}, []string{"claims/iss-suffix"}}, // issue 20's RP 4
	{"issHasSuffix", carelessness{issHasSuffix: true}, []string{"claims/iss-prefix"}},
	{"issFoldCase", carelessness{issFoldCase: true}, []string{"claims/iss-case"}},
	{"issIgnoresHost", carelessness{issIgnoresHost: true}, []string{"claims/iss-other-host"}},
	{"audAnyOwnClient", carelessness{audAnyOwnClient: true}, []string{"claims/aud-wrong"}},
	{"audContains", carelessness{audContains: true}, []string{"claims/aud-superstring"}}, // issue 20's RP 5
	{"audWithin", carelessness{audWithin: true}, []string{"claims/aud-substring"}},
	{"noAzpRequired", carelessness{noAzpRequired: true}, []string{"claims/aud-several-no-azp"}},
	{"azpAnyOwnClient", carelessness{azpAnyOwnClient: true}, []string{"claims/azp-wrong"}},
	{"azpContains", carelessness{azpContains: true}, []string{"claims/azp-lookalike"}},
	{"noExp", carelessness{noExp: true}, []string{"claims/expired"}},
	{"noNbf", carelessness{noNbf: true}, []string{"claims/nbf-future"}},
	{"noIat", carelessness{noIat: true}, []string{"claims/iat-future"}},
	{"nonceAnyValue", carelessness{nonceAnyValue: true}, []string{"claims/nonce-wrong"}},
	{"nonceWhenPresent", carelessness{nonceWhenPresent: true}, []string{"claims/nonce-missing"}},
	{"noAtHash", carelessness{noAtHash: true}, []string{"claims/at-hash-wrong"}},
	{"noPIDCheck", carelessness{noPIDCheck: true}, []string{"claims/pid-check-digit"}},
	{"ignoreState", carelessness{ignoreState: true}, []string{"redirect/state-wrong"}},
	{"noReplayCheck", carelessness{noReplayCheck: true}, []string{"redirect/replay"}},
	{"idempotentCallback", carelessness{idempotentCallback: true}, []string{"redirect/replay-other-browser"}},
	{"stateOnly", carelessness{stateOnly: true}, []string{"redirect/login-csrf"}}, // issue 20's RP 1
	{"sessionBeforeError", carelessness{sessionBeforeError: true}, []string{"redirect/access-denied"}},
	{"uncheckedErrorJSON", carelessness{uncheckedErrorJSON: true}, []string{"token-endpoint/500"}},
	{"noTimeout", carelessness{noTimeout: true}, []string{"token-endpoint/timeout"}},
	{"uncheckedTokenJSON", carelessness{uncheckedTokenJSON: true}, []string{"token-endpoint/malformed-json"}},
	{"flatFallback", carelessness{flatFallback: true}, []string{"token-endpoint/no-id-token"}},
	{"noPKCE+nonceAnyLogin", carelessness{noPKCE: true, nonceAnyLogin: true}, []string{"flat-claims/code-injection"}},

	// ---- more
	// The other half of redirect/login-csrf: the other browser is refused, but too late.
	{"redeemBeforeBinding", carelessness{redeemBeforeBinding: true}, []string{"redirect/login-csrf"}},
	// Fetching a URL that the token names fails the case even when the token is refused.
	{"fetchHeaderURLs", carelessness{fetchHeaderURLs: true}, []string{"signature/header-jku", "signature/header-x5u"}},
	{"skipSignature", carelessness{skipSignature: true}, casesIn("signature")},
	{"skipNonce", carelessness{skipNonce: true}, []string{"claims/nonce-wrong", "claims/nonce-missing"}},
	// Each defence alone stops code injection.
	{"noPKCE", carelessness{noPKCE: true}, nil},
	{"nonceAnyLogin", carelessness{nonceAnyLogin: true}, nil},
	// No openid: every case about the ID token cannot be observed.
	{"flatNoPKCE", carelessness{flatNoPKCE: true}, append(casesNeeding(needOpenID), "flat-claims/code-injection")},
	{"noTimeout+twoStepCallback", carelessness{noTimeout: true, twoStepCallback: true}, []string{"token-endpoint/timeout"}},
	{"twoStepCallback", carelessness{twoStepCallback: true}, nil},
	{"careful", carelessness{}, nil},
}

// allBut is every case of the plan except those named.
func allBut(except ...string) []string {
	return caseNames(func(tc testCase) bool { return !slices.Contains(except, tc.name) })
}

// casesIn is every case of a group.
func casesIn(group string) []string {
	return caseNames(func(tc testCase) bool { return tc.group() == group })
}

// casesNeeding is every case whose needs include n.
func casesNeeding(n needs) []string {
	return caseNames(func(tc testCase) bool { return tc.needs&n != 0 })
}

func TestCarelessRPs(t *testing.T) {
	for _, tc := range carelessRPs {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := check(t, carelessRP(tc.rp))
			if testing.Verbose() {
				t.Logf("output:\n%s", out)
			}
			got := failing(t, out)
			if want := min(len(tc.fails), 1); code != want {
				t.Errorf("exit %d, want %d (stderr %s)", code, want, errOut)
			}
			if !slices.Equal(got, tc.fails) {
				t.Fatalf("failing cases\n got %v\nwant %v\noutput:\n%s", got, tc.fails, out)
			}
		})
	}
}

// TestEveryCaseIsProven: for every case of the plan, a careless RP of TestCarelessRPs fails
// that case and no other, so that every case is shown able to fail, and to fail for its own
// reason. The one exception is baselineCase, the good login that every refusal case needs:
// an RP that refuses it refuses the baseline login too, and fails every refusal case as
// unobservable; its proof is such an RP (which passes accept/rs256).
func TestEveryCaseIsProven(t *testing.T) {
	proven := map[string]bool{} // the cases that a careless RP fails, and no other case
	names := map[string]bool{}
	for _, c := range carelessRPs {
		if len(c.fails) == 1 {
			proven[c.fails[0]] = true
		}
		if names[c.name] {
			t.Errorf("two careless RPs are named %q", c.name)
		}
		names[c.name] = true
		// In plan order, and cases of the plan: else TestCarelessRPs could never pass.
		inPlan := caseNames(func(tc testCase) bool { return slices.Contains(c.fails, tc.name) })
		if !slices.Equal(inPlan, c.fails) {
			t.Errorf("%s: fails %v, not cases of the plan in its order", c.name, c.fails)
		}
	}
	for _, tc := range plan {
		if tc.name != baselineCase && !proven[tc.name] {
			t.Errorf("%s: no careless RP fails this case and only it; add one to carelessRPs", tc.name)
		}
	}
	if !slices.ContainsFunc(carelessRPs, func(c carelessRPTest) bool { return slices.Contains(c.fails, baselineCase) }) {
		t.Errorf("no careless RP fails %s", baselineCase)
	}
}

// TestOnlyAndReports runs two groups of cases against an RP that asks for flat claims only:
// exactly the selected cases run, the ID-token cases fail as unobservable, and the JSON and
// JUnit files say the same as the text.
func TestOnlyAndReports(t *testing.T) {
	dir := t.TempDir()
	jsonFile, junitFile := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.xml")
	code, out, errOut := check(t, carelessRP(carelessness{flatNoPKCE: true}), "-only", `^(claims/(expired|pid-check-digit)|flat-claims/)`,
		"-json", jsonFile, "-junit", junitFile)
	if code != 1 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	want := "FAIL claims/expired: cannot be observed: the RP did not ask for the openid scope, so no ID token was sent\n" +
		"PASS claims/pid-check-digit\n" +
		"FAIL flat-claims/code-injection: signed in: the callback answered 302, the probe 200\n" +
		"1/3 cases passed\n"
	if out != want {
		t.Fatalf("output\n%s\nwant\n%s", out, want)
	}

	var rep jsonReport
	readReport(t, jsonFile, json.Unmarshal, &rep)
	if rep.Passed != 1 || rep.Total != 3 || len(rep.Cases) != 3 {
		t.Fatalf("json: %+v", rep)
	}
	if c := rep.Cases[0]; c.Name != "claims/expired" || c.Passed || !c.Unobservable || !strings.HasPrefix(c.Detail, "cannot be observed") {
		t.Errorf("json case 0: %+v", c)
	}
	if c := rep.Cases[1]; c.Name != "claims/pid-check-digit" || !c.Passed || c.Unobservable {
		t.Errorf("json case 1: %+v", c)
	}
	if c := rep.Cases[2]; c.Name != "flat-claims/code-injection" || c.Passed || c.Unobservable {
		t.Errorf("json case 2: %+v", c)
	}

	s := readJUnit(t, junitFile)
	if s.Tests != 3 || s.Failures != 2 || len(s.Suites) != 2 {
		t.Fatalf("junit: tests %d failures %d suites %d", s.Tests, s.Failures, len(s.Suites))
	}
	claims, flat := s.Suites[0], s.Suites[1]
	if claims.Name != "thaid-rpcheck.claims" || claims.Tests != 2 || claims.Failures != 1 || flat.Name != "thaid-rpcheck.flat-claims" {
		t.Fatalf("junit suites: %+v", s.Suites)
	}
	if f := claims.Cases[0].Failure; f == nil || f.Type != "unobservable" || !strings.Contains(f.Text, "reference: ") {
		t.Errorf("claims/expired failure: %+v", f)
	}
	if claims.Cases[1].Failure != nil || !strings.Contains(claims.Cases[1].SystemOut, "sends: ") {
		t.Errorf("claims/pid-check-digit: %+v", claims.Cases[1])
	}
	if f := flat.Cases[0].Failure; f == nil || f.Type != "rp-failed" || f.Message != "signed in: the callback answered 302, the probe 200" {
		t.Errorf("code-injection failure: %+v", f)
	}
}

// alwaysSignedIn answers 200 everywhere: its probe says signed in before any login.
func alwaysSignedIn(string) (http.Handler, error) {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), nil
}

// TestSetupErrors: a wrong command line exits 2; a check that cannot run exits 1, as a failed
// case does, with the reason on stderr. Neither prints a result.
func TestSetupErrors(t *testing.T) {
	closed := "http://" + freeAddr()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for _, tc := range []struct {
		name string
		args []string
		app  func(string) (http.Handler, error)
		code int
		want string
	}{
		{"no flags", []string{}, nil, exitUsage, "-redirect-uri is required"},
		{"unknown flag", []string{"-nope"}, nil, exitUsage, "flag provided but not defined: -nope"},
		{"argument", []string{"http://a/"}, alwaysSignedIn, exitUsage, "unexpected arguments"},
		{"relative login", []string{"-redirect-uri", "http://a/cb", "-login", "/login", "-probe", "http://a/me"}, nil, exitUsage, "-login \"/login\" is not an absolute"},
		{"bad regexp", []string{"-only", "("}, alwaysSignedIn, exitUsage, "-only: "},
		{"no case selected", []string{"-only", "^nothing$"}, alwaysSignedIn, exitUsage, "matches no case"},
		{"address in use", []string{"-addr", busy.Addr().String()}, alwaysSignedIn, exitFail, "provider: listen"},
		{"RP unreachable", []string{"-login", closed + "/login", "-probe", closed + "/me", "-redirect-uri", closed + "/cb", "-wait", "300ms"}, nil, exitFail, "does not answer at " + closed + "/me after 300ms"},
		{"signed in before any login", nil, alwaysSignedIn, exitFail, "says signed in (200) before any login"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := tc.args
			if tc.app != nil {
				app := startRP(t, tc.app)
				args = append([]string{"-addr", freeAddr(), "-login", app + "/login", "-probe", app + "/me",
					"-redirect-uri", app + "/callback", "-wait", "2s"}, args...)
			}
			if code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr); code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tc.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Fatalf("stderr %q, want %q", stderr.String(), tc.want)
			}
			if stdout.Len() != 0 {
				t.Fatalf("stdout %q", stdout.String())
			}
		})
	}
}

// TestHelp: -h prints the usage with an example on stdout and exits 0, without starting anything.
func TestHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, strings.NewReader(""), &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d, want 0", code)
	}
	for _, want := range []string{"Usage: thaid-rpcheck -login URL -probe URL -redirect-uri URL", "-only string", "Example", "-junit rpcheck.xml"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("usage lacks %q:\n%s", want, stdout.String())
		}
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr: %s", stderr.String())
	}
}

// TestBaselineRefused: an RP that refuses every login fails the accept cases and cannot pass a
// refusal case: its refusals prove nothing.
func TestBaselineRefused(t *testing.T) {
	code, out, _ := check(t, func(string, string) (http.Handler, error) {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/callback?state=x", http.StatusFound)
		})
		mux.HandleFunc("GET /callback", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusForbidden) })
		mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusUnauthorized) })
		return mux, nil
	}, "-only", "^(accept/es256|signature/tampered|redirect/state-wrong)$")
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	if got := failing(t, out); !slices.Equal(got, []string{"accept/es256", "signature/tampered", "redirect/state-wrong"}) {
		t.Fatalf("failing %v\n%s", got, out)
	}
	if !strings.Contains(out, "FAIL redirect/state-wrong: cannot be observed: a good login is refused too") {
		t.Fatalf("output:\n%s", out)
	}
}

// TestBrokenAfterBaseline: an RP that signs in the baseline login and then refuses every
// login after redeeming its code (so that every case's needs are met), and would fall for a
// wrong state and a bad signature, passes no case: each refusal is followed by a good login
// that is refused too, and proves nothing.
func TestBrokenAfterBaseline(t *testing.T) {
	code, out, errOut := check(t, carelessRP(carelessness{signsInOnce: true, ignoreState: true, skipSignature: true}))
	if code != 1 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	if got := failing(t, out); !slices.Equal(got, allCases()) {
		t.Fatalf("failing %v\nwant every case\n%s", got, out)
	}
	if !strings.Contains(out, "FAIL redirect/state-wrong: cannot be observed: a good login right after this case was refused too (signed out: the callback answered 429, the probe 302)") {
		t.Errorf("redirect/state-wrong does not name the control login:\n%s", out)
	}
	for _, tc := range plan {
		if tc.accepts() {
			continue
		}
		if !strings.Contains(out, "FAIL "+tc.name+": cannot be observed: ") {
			t.Errorf("%s does not say its refusal proves nothing:\n%s", tc.name, out)
		}
	}
}

// TestCodeInjectionNeedsTheTokenEndpoint: an RP that would take an injected code (no PKCE, no
// nonce) but refuses this case's callback before redeeming any code, because it forgot the
// login when the other browser started one, has not shown that it resists code injection.
func TestCodeInjectionNeedsTheTokenEndpoint(t *testing.T) {
	code, out, errOut := check(t, carelessRP(carelessness{flatNoPKCE: true, oneLoginAtATime: true}), "-only", "^flat-claims/code-injection$")
	if code != 1 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	want := "FAIL flat-claims/code-injection: cannot be observed: the RP never called the token endpoint\n0/1 cases passed\n"
	if out != want {
		t.Fatalf("output\n%s\nwant\n%s", out, want)
	}
}

// docTable returns the rows of the table that follows the heading in doc.go, split in fields:
// the preformatted lines whose first field is a case name. It checks that these name every
// case of the plan, in plan order.
func docTable(t *testing.T, heading string) [][]string {
	t.Helper()
	b, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n// # "+heading+"\n")
	if !ok {
		t.Fatalf("doc.go has no section %q", heading)
	}
	section, _, _ = strings.Cut(section, "\n// # ")
	var rows [][]string
	var listed []string
	for _, l := range strings.Split(section, "\n") {
		if f := strings.Fields(strings.TrimPrefix(l, "//\t")); strings.HasPrefix(l, "//\t") && len(f) > 1 && strings.Contains(f[0], "/") && !strings.HasPrefix(f[0], "-") {
			rows = append(rows, f)
			listed = append(listed, f[0])
		}
	}
	if !slices.Equal(listed, allCases()) {
		t.Errorf("doc.go's section %q lists\n%v\nthe plan is\n%v", heading, listed, allCases())
	}
	return rows
}

// TestDocListsThePlan: doc.go lists every case, in the order they run, and every case is
// documented.
func TestDocListsThePlan(t *testing.T) {
	docTable(t, "The plan")
	for _, tc := range plan {
		if tc.sends == "" || tc.expect == "" || tc.ref == "" || tc.run == nil {
			t.Errorf("%s is not fully documented", tc.name)
		}
	}
}

// TestDocNamesTheProofs: doc.go's table of proofs has a row per case, in plan order, whose
// last field names a careless RP of TestCarelessRPs that fails this case and no other (for
// baselineCase: that fails it).
func TestDocNamesTheProofs(t *testing.T) {
	byName := map[string][]string{}
	for _, c := range carelessRPs {
		byName[c.name] = c.fails
	}
	for _, row := range docTable(t, "Every case can fail") {
		name, rp := row[0], row[len(row)-1]
		fails, ok := byName[rp]
		switch {
		case !ok:
			t.Errorf("%s: doc.go names the test RP %q, which carelessRPs does not have", name, rp)
		case name == baselineCase && !slices.Contains(fails, name):
			t.Errorf("%s: the test RP %q does not fail it", name, rp)
		case name != baselineCase && !slices.Equal(fails, []string{name}):
			t.Errorf("%s: the test RP %q fails %v, not this case alone", name, rp, fails)
		}
	}
}
