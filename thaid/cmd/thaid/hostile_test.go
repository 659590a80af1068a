package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-jose/go-jose/v4"
	"github.com/thaid-go/thaid-go/internal/pidtest"
)

// hostile is what a hostile provider puts in every value the command prints: a terminal
// escape sequence (clear the screen), a C1 control (CSI, U+009B), DEL, and bidi overrides.
const hostile = "\x1b[2J\u009b31m\x7f\u202eevil\u2066"

// hostileProvider is an OpenID provider that puts hostile in a discovery member's name, the
// ID token's kid, a claim's name, the citizen's name and, with denyWith, an error_description;
// another claim's name holds a PID.
// It approves every authorization request at once.
type hostileProvider struct {
	*httptest.Server
	key      *ecdsa.PrivateKey
	denyWith string // when set, authorize redirects back with access_denied and this description

	mu     sync.Mutex
	nonces map[string]string // code -> nonce
}

const hostileClientID = "hostile-client"

func startHostileProvider(t *testing.T) *hostileProvider {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	hp := &hostileProvider{key: key, nonces: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		base := hp.URL
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer": base, "authorization_endpoint": base + "/auth", "token_endpoint": base + "/token",
			"jwks_uri": base + "/jwks", "response_types_supported": []string{"code"},
			"subject_types_supported": []string{"public"}, "id_token_signing_alg_values_supported": []string{"ES256"},
			"member" + hostile: "value" + hostile,
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
			{Key: &hp.key.PublicKey, KeyID: "kid" + hostile, Algorithm: "ES256", Use: "sig"}}})
	})
	mux.HandleFunc("GET /auth", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("response_type") != "code" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"unsupported_response_type"}`))
			return
		}
		back := url.Values{"state": {q.Get("state")}}
		if hp.denyWith != "" {
			back.Set("error", "access_denied")
			back.Set("error_description", hp.denyWith)
		} else {
			code := rand.Text()
			hp.mu.Lock()
			hp.nonces[code] = q.Get("nonce")
			hp.mu.Unlock()
			back.Set("code", code)
		}
		http.Redirect(w, r, q.Get("redirect_uri")+"?"+back.Encode(), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		hp.mu.Lock()
		nonce, ok := hp.nonces[r.FormValue("code")]
		delete(hp.nonces, r.FormValue("code"))
		hp.mu.Unlock()
		if !ok {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"invalid_grant"}`))
			return
		}
		now := time.Now()
		idt := hp.sign(t, map[string]any{
			"iss": hp.URL, "aud": hostileClientID, "sub": pidThanawat, "pid": pidThanawat,
			"iat": now.Unix(), "exp": now.Add(15 * time.Minute).Unix(), "nonce": nonce,
			"name": "นาย" + hostile + " ธนวัฒน์", "claim" + hostile: "value" + hostile,
			"claim-" + pidA: "a claim named by a PID",
		})
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"access_token": "at", "token_type": "Bearer", "expires_in": 900,
			"scope": "openid pid name", "id_token": idt,
		})
	})
	hp.Server = httptest.NewServer(mux)
	t.Cleanup(hp.Close)
	return hp
}

func (hp *hostileProvider) sign(t *testing.T, claims map[string]any) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: hp.key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "kid"+hostile))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	s, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// hostileArgs are the flags of a login against hp.
func hostileArgs(hp *hostileProvider, redirect string, extra ...string) []string {
	return append([]string{"-issuer", hp.URL, "-client-id", hostileClientID, "-client-secret", "s",
		"-redirect-url", redirect, "-no-browser", "-timeout", "15s", "-scopes", "openid pid name"}, extra...)
}

// hostileLogin logs in against a new hostile provider with extra flags: the login must
// succeed, with no raw control character in stdout or stderr and no PID of a claim's name in
// stdout.
func hostileLogin(t *testing.T, extra ...string) cmdResult {
	t.Helper()
	r := browseLogin(t, hostileArgs(startHostileProvider(t), freeRedirect(t), extra...)...)
	if r.code != exitOK {
		t.Fatalf("exit %d; stderr:\n%q", r.code, r.stderr)
	}
	noControls(t, "stdout", r.stdout)
	noControls(t, "stderr", r.stderr)
	if pidtest.DigitsIn(r.stdout, pidA) {
		t.Errorf("the PID in a claim's name is shown:\n%s", r.stdout)
	}
	return r
}

// noControls fails when s holds a control character other than newline and tab (C0, DEL,
// C1), a bidi control, or invalid UTF-8.
func noControls(t *testing.T, where, s string) {
	t.Helper()
	for i, r := range s {
		bad := r == utf8.RuneError || (unicode.Is(unicode.Cc, r) && r != '\n' && r != '\t') || unicode.Is(unicode.Bidi_Control, r)
		if bad {
			t.Errorf("%s holds %U at byte %d: %q", where, r, i, s[max(0, i-40):min(len(s), i+40)])
			return
		}
	}
}

// TestLoginTextEscapesControls: what a hostile provider sends (the kid, a claim's name, the
// citizen's name, a discovery member) is printed with its control characters escaped, so that
// it cannot drive the terminal.
func TestLoginTextEscapesControls(t *testing.T) {
	r := hostileLogin(t)
	const escaped = `\u001b[2J\u009b31m\u007f\u202eevil\u2066`
	for _, want := range []string{
		"kid" + escaped,   // the kid
		"claim" + escaped, // a claim's name
		"นาย" + escaped + " ธนวัฒน์", // the name
		"member" + escaped, // a discovery member's name
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	noFullPID(t, "stdout", r.stdout)
}

// TestLoginJSONEscapesControls: the JSON output has no raw control or bidi character either
// (encoding/json escapes C0 only), and still decodes to exactly what the provider sent.
func TestLoginJSONEscapesControls(t *testing.T) {
	m := loginJSONOf(t, hostileLogin(t, "-json"))
	if got := field(m, "claims", "claim"+hostile); got != "value"+hostile {
		t.Errorf("claims[claim+hostile] = %q, want the value as sent", got)
	}
	if got := field(m, "provider", "id_token_kid"); got != "kid"+hostile {
		t.Errorf("id_token_kid = %q, want the kid as sent", got)
	}
}

// TestLoginErrorDescriptionEscaped: a refusal's error_description is printed escaped, whether
// the provider refuses at the authorize step or sends the browser back with the refusal.
func TestLoginErrorDescriptionEscaped(t *testing.T) {
	check := func(t *testing.T, r cmdResult) {
		t.Helper()
		if r.code != exitFail || !strings.Contains(r.stderr, `description\u001b[2J\u009b31m\u007f\u202eevil`) {
			t.Errorf("exit %d, want %d with the description escaped; stderr:\n%q", r.code, exitFail, r.stderr)
		}
		noControls(t, "stdout", r.stdout)
		noControls(t, "stderr", r.stderr)
	}
	t.Run("authorize step", func(t *testing.T) {
		hp := startHostileProvider(t)
		hp.denyWith = "description" + hostile
		check(t, refusedLogin(t, hostileArgs(hp, freeRedirect(t))...))
	})
	t.Run("callback", func(t *testing.T) {
		hp := startHostileProvider(t)
		redirect := freeRedirect(t)
		l := startLogin(t, hostileArgs(hp, redirect)...)
		u, err := url.Parse(l.openURL)
		if err != nil || u.Query().Get("state") == "" {
			t.Fatalf("open URL %q: %v", l.openURL, err)
		}
		back := url.Values{"state": {u.Query().Get("state")}, "error": {"access_denied"}, "error_description": {"description" + hostile}}
		if code, _ := get(t, redirect+"?"+back.Encode()); code != http.StatusBadRequest {
			t.Errorf("callback page %d, want 400", code)
		}
		check(t, l.wait(t))
	})
}
