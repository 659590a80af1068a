package storetest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/thaid"
)

// RunSealed logs a citizen in through the middleware with st as its store (against an
// in-process mock ThaID, asking for every personal scope), refreshes the tokens, and logs out. At
// each step it checks every key and value that the middleware gave st, every value st then holds
// under those keys (read back with Get), and, when dump is not nil, every key and value that dump
// returns (read from the store's backend around st, such as Redis's SCAN and GET). None may
// contain the citizen's PID, names, birthdate, address or ID-card laser code, a ThaID token, or
// the session cookie: in clear, JSON-escaped, hex or base64. After the logout no session record
// may be left.
func RunSealed(t *testing.T, st middleware.Store, dump func(t *testing.T) map[string][]byte) {
	rec := &recorder{Store: st}
	h := startApp(t, rec, 1, appOptions{})

	b, cookie := h.signIn(t)
	secrets := h.secrets(t, b)
	if len(rec.writes()) == 0 {
		t.Fatal("the middleware wrote nothing to the store")
	}
	check := func(step string) {
		t.Helper()
		held := map[string][]byte{}
		for _, w := range rec.writes() {
			leak(t, step+": a key given to the store", w.key, secrets)
			leak(t, step+": a value given to the store", string(w.value), secrets)
			if v, err := st.Get(context.Background(), w.key); err == nil {
				held[w.key] = v
			}
		}
		for k, v := range held {
			leak(t, step+": a value the store holds", string(v), secrets)
			leak(t, step+": a key the store holds", k, secrets)
		}
		if dump != nil {
			all := dump(t)
			if len(all) == 0 {
				t.Errorf("%s: the dump of the store's backend is empty", step)
			}
			for k, v := range all {
				leak(t, step+": a key in the backend", k, secrets)
				leak(t, step+": a value in the backend", string(v), secrets)
			}
		}
	}
	check("after login")

	h.clock.Advance(16 * time.Minute) // past the 15-minute access token
	if status, body := b.get(t, h.url("/token")); status != 200 || body == "" {
		t.Fatalf("refresh through the store failed: %d %q", status, body)
	}
	secrets = h.secrets(t, b) // the refreshed tokens too
	check("after refresh")

	if status := b.post(t, h.url("/logout")); status != 200 {
		t.Fatalf("logout: status %d", status)
	}
	for _, w := range rec.writes() {
		if !strings.HasPrefix(w.key, "s:") {
			continue
		}
		if _, err := st.Get(context.Background(), w.key); !errors.Is(err, middleware.ErrNotFound) {
			t.Errorf("after logout the session record is still in the store (Get: %v)", err)
		}
	}
	if status, _ := h.send(t, cookie, http.MethodGet, "/private/again", -1); status != http.StatusSeeOther {
		t.Errorf("the logged-out session cookie still works: status %d", status)
	}
}

// leak fails the test when s contains a secret in any of its forms.
func leak(t *testing.T, where, s string, secrets map[string]string) {
	t.Helper()
	for what, secret := range secrets {
		for _, form := range forms(secret) {
			if strings.Contains(s, form) {
				t.Errorf("%s contains the %s (as %.12q…)", where, what, form)
				break
			}
		}
	}
}

// forms returns secret as written, JSON-escaped, in hex, and the base64 forms (standard and
// URL alphabets) of it at each of the three alignments it can have inside a longer encoding.
func forms(secret string) []string {
	out := []string{secret}
	if q := strconv.QuoteToASCII(secret); q[1:len(q)-1] != secret {
		out = append(out, q[1:len(q)-1])
	}
	out = append(out, hex.EncodeToString([]byte(secret)))
	for k := 0; k < 3 && k < len(secret); k++ {
		part := []byte(secret[k:])
		part = part[:len(part)/3*3]
		if len(part) >= 6 {
			out = append(out, base64.StdEncoding.EncodeToString(part), base64.RawURLEncoding.EncodeToString(part))
		}
	}
	return out
}

// write is one key and value given to the store.
type write struct {
	key   string
	value []byte
}

// recorder is a Store that records every key and value it is given.
type recorder struct {
	middleware.Store
	mu  sync.Mutex
	log []write
}

func (r *recorder) note(key string, value []byte) {
	r.mu.Lock()
	r.log = append(r.log, write{key, bytes.Clone(value)})
	r.mu.Unlock()
}

func (r *recorder) writes() []write {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]write(nil), r.log...)
}

func (r *recorder) Get(ctx context.Context, key string) ([]byte, error) {
	r.note(key, nil)
	return r.Store.Get(ctx, key)
}

func (r *recorder) Add(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	r.note(key, value)
	return r.Store.Add(ctx, key, value, ttl)
}

func (r *recorder) CompareAndSwap(ctx context.Context, key string, old, value []byte, ttl time.Duration) (bool, error) {
	r.note(key, value)
	return r.Store.CompareAndSwap(ctx, key, old, value, ttl)
}

func (r *recorder) CompareAndDelete(ctx context.Context, key string, old []byte) (bool, error) {
	r.note(key, old)
	return r.Store.CompareAndDelete(ctx, key, old)
}

func (r *recorder) Delete(ctx context.Context, key string) error {
	r.note(key, nil)
	return r.Store.Delete(ctx, key)
}

// secrets returns what no store may hold: the citizen's personal data, every token ThaID has
// issued so far and the browser's session cookie, by name.
func (h *testApp) secrets(t *testing.T, b *browser) map[string]string {
	t.Helper()
	c := h.mock.Citizens()[0]
	pid := thaid.MustParsePID(c.PID).Digits()
	cookie := b.cookie(t, h.auths[0].CookieName())
	cookieBytes, err := base64.RawURLEncoding.DecodeString(cookie)
	if err != nil {
		t.Fatalf("session cookie %q is not base64url: %v", cookie, err)
	}
	s := map[string]string{
		"PID":                   pid,
		"PID with dashes":       pid[:1] + "-" + pid[1:5] + "-" + pid[5:10] + "-" + pid[10:12] + "-" + pid[12:],
		"Thai name":             c.Name(),
		"Thai given name":       c.GivenName,
		"Thai family name":      c.FamilyName,
		"English given name":    c.GivenNameEN,
		"English family name":   c.FamilyNameEN,
		"birthdate":             c.Birthdate,
		"address":               c.Address,
		"ID card laser code":    c.SmartcardCode,
		"session cookie":        cookie,
		"session cookie, bytes": string(cookieBytes),
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, answer := range h.answers {
		var tok struct {
			Access  string `json:"access_token"`
			Refresh string `json:"refresh_token"`
			ID      string `json:"id_token"`
		}
		if err := json.Unmarshal(answer, &tok); err != nil {
			t.Fatalf("token answer %d: %v", i, err)
		}
		for name, v := range map[string]string{"access token": tok.Access, "refresh token": tok.Refresh, "ID token": tok.ID} {
			if v != "" {
				s[name+" "+strconv.Itoa(i)] = v
			}
		}
		if parts := strings.Split(tok.ID, "."); len(parts) == 3 {
			s["ID token payload "+strconv.Itoa(i)] = parts[1]
			s["ID token signature "+strconv.Itoa(i)] = parts[2]
		}
	}
	if len(h.answers) == 0 {
		t.Fatal("no token answer was recorded")
	}
	for name, v := range s {
		if len(v) < 6 {
			t.Fatalf("%s %q is too short to look for", name, v)
		}
	}
	return s
}
