package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/thaid-go/thaid-go/mockprovider"
)

// mintIDToken obtains an ID token from p as the demo client (p auto-approves),
// talking to the endpoints directly.
func mintIDToken(t *testing.T, p *mockprovider.Server) string {
	t.Helper()
	const redirect = "http://127.0.0.1:1/cb"
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	q := url.Values{"response_type": {"code"}, "client_id": {mockprovider.DemoClientID}, "redirect_uri": {redirect},
		"scope": {"openid pid name"}, "state": {"s"}, "nonce": {"n"}}
	resp, err := noFollow.Get(p.URL(mockprovider.PathAuthorize) + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		t.Fatalf("authorize: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	req, _ := http.NewRequest(http.MethodPost, p.URL(mockprovider.PathToken), strings.NewReader(url.Values{
		"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {redirect}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(mockprovider.DemoClientID, mockprovider.DemoClientSecret)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		IDToken string `json:"id_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.IDToken == "" {
		t.Fatalf("token: %d %v", resp.StatusCode, err)
	}
	return body.IDToken
}

func TestDecode(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true, Alg: "RS256"})
	tok := mintIDToken(t, p)

	r := runCmd(t, "", "decode", tok)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	noFullPID(t, "stdout", r.stdout)
	for _, want := range []string{`"alg": "RS256"`, `"kid": "` + p.ActiveKeyID() + `"`, `"pid": "1-5099-xxxxx-82-8"`, "exp ", "iat "} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "verified") {
		t.Errorf("claims verified without -issuer:\n%s", r.stdout)
	}

	r = runCmd(t, "Bearer "+tok+"\n", "decode", "-json", "-show-pid", "-")
	var out decodeJSON
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != exitOK {
		t.Fatalf("exit %d, %v:\n%s", r.code, err, r.stdout)
	}
	if out.Claims["pid"] != pidThanawat || out.Header["alg"] != "RS256" || out.Verified != nil {
		t.Errorf("stdin -json -show-pid: %+v", out)
	}
}

func TestDecodeVerify(t *testing.T) {
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	tok := mintIDToken(t, p)

	r := runCmd(t, "", "decode", "-issuer", p.Issuer(), tok)
	if r.code != exitOK || !strings.Contains(r.stdout, "verified: signature (ES256") {
		t.Errorf("exit %d:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = runCmd(t, "", "decode", "-issuer", p.Issuer(), "-client-id", mockprovider.DemoClientID, "-json", tok)
	var out decodeJSON
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != exitOK || out.Verified == nil || !*out.Verified {
		t.Errorf("exit %d %v: %s", r.code, err, r.stdout)
	}

	other := mockprovider.Start(t, mockprovider.Options{AutoApprove: true})
	parts := strings.Split(tok, ".")
	sig := []byte(parts[2])
	if sig[10] == 'A' { // another base64url character: a different signature byte
		sig[10] = 'B'
	} else {
		sig[10] = 'A'
	}
	tampered := parts[0] + "." + parts[1] + "." + string(sig)
	p.QueueTokenFault(mockprovider.TokenExpired)
	expired := mintIDToken(t, p)
	tests := []struct {
		name, issuer, token string
		extra               []string
		want                string
	}{
		{"bad signature", p.Issuer(), tampered, nil, "bad token signature"},
		{"another provider's keys", other.Issuer(), tok, nil, "no published key"},
		{"wrong audience", p.Issuer(), tok, []string{"-client-id", "someone-else"}, "audience"},
		{"expired", p.Issuer(), expired, nil, "expired"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append(append([]string{"decode", "-issuer", tc.issuer}, tc.extra...), tc.token)
			r := runCmd(t, "", args...)
			if r.code != exitFail || !strings.Contains(r.stderr, "does NOT verify") || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, want %q in stderr:\n%s", r.code, tc.want, r.stderr)
			}
			noFullPID(t, "stderr", r.stderr)
		})
	}
}

func TestDecodeBadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no token", []string{"decode"}, exitUsage, "give one token"},
		{"two tokens", []string{"decode", "a.b.c", "d.e.f"}, exitUsage, "give one token"},
		{"flag after token", []string{"decode", "a.b.c", "-issuer", "sandbox"}, exitUsage, "put flags first"},
		{"not a JWT", []string{"decode", "hello"}, exitFail, "3 dot-separated parts"},
		{"empty stdin", []string{"decode", "-"}, exitFail, "empty token"},
		{"JWE", []string{"decode", "a.b.c.d.e"}, exitFail, "encrypted token"},
		{"header not base64", []string{"decode", "!!.e30.c2ln"}, exitFail, "header is not base64url"},
		{"payload not JSON", []string{"decode", b64(`{"alg":"ES256"}`) + "." + b64("nope") + ".c2ln"}, exitFail, "payload is not a JSON object"},
		{"payload null", []string{"decode", b64(`{"alg":"ES256"}`) + "." + b64("null") + ".c2ln"}, exitFail, "payload is not a JSON object"},
		{"bad issuer", []string{"decode", "-issuer", "nope", b64(`{"alg":"ES256"}`) + "." + b64(`{}`) + ".c2ln"}, exitUsage, "-issuer"},
		{"no aud to verify for", []string{"decode", "-issuer", "http://127.0.0.1:1", b64(`{"alg":"ES256"}`) + "." + b64(`{"pid":"1509900314828"}`) + ".c2ln"}, exitFail, "no aud"},
		{"alg none", []string{"decode", "-issuer", "http://127.0.0.1:1", b64(`{"alg":"none"}`) + "." + b64(`{"aud":"x"}`) + "."}, exitFail, "does NOT verify"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runCmd(t, "", tc.args...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d (want %d), stderr lacks %q:\n%s", r.code, tc.code, tc.want, r.stderr)
			}
			noFullPID(t, "stdout", r.stdout)
			noFullPID(t, "stderr", r.stderr)
		})
	}
}

// fullPID matches the seed's PID standing alone (not inside a longer digit run, which is no PID).
var fullPID = regexp.MustCompile(`(^|[^0-9])1509900314828([^0-9]|$)`)

// FuzzDecode: no input makes decode panic, and a PID-looking claim never prints in full.
func FuzzDecode(f *testing.F) {
	f.Add(b64(`{"alg":"ES256","kid":"k"}`) + "." + b64(`{"pid":"1509900314828","sub":1509900314828,"exp":1e30}`) + ".c2ln")
	f.Add("a.b.c")
	f.Add("....")
	f.Add(b64(`{"alg":"none"}`) + "." + b64(`{"address":{"formatted":"1509900314828"},"ial":2.3}`) + ".")
	f.Fuzz(func(t *testing.T, tok string) {
		if strings.HasPrefix(tok, "-") {
			return // a flag, not a token
		}
		r := runCmd(t, "", "decode", "-json", tok)
		if r.code != exitOK && r.code != exitFail && r.code != exitUsage {
			t.Fatalf("exit %d", r.code)
		}
		if fullPID.MatchString(r.stdout) {
			t.Fatalf("full PID in stdout:\n%s", r.stdout)
		}
	})
}
