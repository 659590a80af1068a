package middleware

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/thaid"
)

func TestSessionSecrets(t *testing.T) {
	c1, _ := newID()
	c2, _ := newID()
	h1, k1 := sessionSecrets(c1)
	h1b, k1b := sessionSecrets(c1)
	h2, k2 := sessionSecrets(c2)
	if h1 != h1b || k1 != k1b {
		t.Fatal("sessionSecrets is not deterministic")
	}
	if h1 == h2 || k1 == k2 {
		t.Fatal("two cookies give the same secrets")
	}
	key := storeKey(prefixSession, &h1)
	if !strings.HasPrefix(key, prefixSession) || len(key) != len(prefixSession)+43 || strings.Contains(key, c1) {
		t.Errorf("store key %q", key)
	}
	if testing.AllocsPerRun(100, func() { sessionSecrets(c1) }) != 0 {
		t.Error("sessionSecrets allocates")
	}
}

func TestState(t *testing.T) {
	k, err := newKeyring([]thaid.Secret{"a key of at least thirty-two bytes, yes"})
	if err != nil {
		t.Fatal(err)
	}
	other, _ := newKeyring(nil)
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	s, err := k.newState(now)
	if err != nil || len(s) != 43 {
		t.Fatalf("newState = %q, %v", s, err)
	}
	if started, ok := k.checkState(s); !ok || !started.Equal(now) {
		t.Errorf("checkState(own) = %v, %v", started, ok)
	}
	if _, ok := other.checkState(s); ok {
		t.Error("a state of another key is accepted")
	}
	for i := range s {
		b := []byte(s)
		b[i] ^= 1
		if _, ok := k.checkState(string(b)); ok && string(b) != s {
			// Flipping the last bit of the last character may only change unused padding bits.
			if i != len(s)-1 {
				t.Errorf("a state changed at %d is accepted", i)
			}
		}
	}
	for _, bad := range []string{"", "x", strings.Repeat("s", 43), s + "A", "!" + s[1:]} {
		if _, ok := k.checkState(bad); ok {
			t.Errorf("checkState(%q) accepted", bad)
		}
	}
}

func TestLoginCookieSeal(t *testing.T) {
	k, _ := newKeyring(nil)
	p := pendingLogin{login: thaid.Login{State: "state", Nonce: "nonce", CodeVerifier: "verifier", CreatedAt: time.Unix(1, 2)}, returnTo: "/x"}
	v, err := k.sealLogin("name_a", encodeLogin(p))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"nonce", "verifier", "/x"} {
		if strings.Contains(v, secret) {
			t.Errorf("the cookie shows %q", secret)
		}
	}
	plain, err := k.openLogin("name_a", v)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeLogin(plain)
	if err != nil || got.login != p.login || got.returnTo != p.returnTo {
		t.Errorf("round trip: %+v, %v", got, err)
	}
	if _, err := k.openLogin("name_b", v); err == nil {
		t.Error("a login cookie opens under another cookie name")
	}
	if _, err := k.openLogin("name_a", v[:len(v)-2]+"AA"); err == nil {
		t.Error("an altered login cookie opens")
	}
}

func TestMarkUsedOnce(t *testing.T) {
	a := newTestAuth(t, Config{})
	state, _ := a.keys.newState(time.Now())
	p := pendingLogin{login: thaid.Login{State: state, CreatedAt: time.Now()}}
	ctx := context.Background()
	if first, err := a.markUsed(ctx, p, time.Now()); err != nil || !first {
		t.Fatalf("first markUsed = %v, %v", first, err)
	}
	if first, err := a.markUsed(ctx, p, time.Now()); err != nil || first {
		t.Fatalf("second markUsed = %v, %v; want false", first, err)
	}
}

// FuzzDecodeRecords: the decoders of sealed plaintexts never panic, and what decodes encodes
// to bytes that decode to the same.
func FuzzDecodeRecords(f *testing.F) {
	tok := &thaid.Token{AccessToken: "a", TokenType: "Bearer", RefreshToken: "r", IDToken: "i", Expiry: time.Unix(5, 0), Scopes: []string{"openid", "pid"}}
	f.Add(encodeSession(time.Unix(1, 0), time.Unix(2, 0), "u", []byte("cid"), tok))
	f.Add(encodeSession(time.Unix(1, 0), time.Unix(2, 0), "", nil, nil))
	f.Add([]byte("0000000000000000\x010\x00\x000")) // a token "absent" with bytes after it
	f.Add(encodeLogin(pendingLogin{login: thaid.Login{State: "s", Nonce: "n", CodeVerifier: "v"}, returnTo: "/"}))
	f.Fuzz(func(t *testing.T, b []byte) {
		if p, err := decodeSession(b); err == nil {
			if tok, err := decodeToken(p.token); err == nil {
				p2, err := decodeSession(encodeSession(p.created, p.lastSeen, p.userID, p.identity, tok))
				if err != nil {
					t.Fatalf("re-encoded session does not decode: %v", err)
				}
				tok2, err := decodeToken(p2.token)
				if err != nil || !p2.created.Equal(p.created) || !p2.lastSeen.Equal(p.lastSeen) || p2.userID != p.userID ||
					string(p2.identity) != string(p.identity) || fmt.Sprintf("%#v", tok2) != fmt.Sprintf("%#v", tok) ||
					(tok != nil && (tok2.AccessToken != tok.AccessToken || tok2.RefreshToken != tok.RefreshToken || tok2.IDToken != tok.IDToken ||
						!tok2.Expiry.Equal(tok.Expiry) || strings.Join(tok2.Scopes, " ") != strings.Join(tok.Scopes, " "))) {
					t.Fatalf("session changed on re-encoding: %+v %v / %+v %v", p, tok, p2, tok2)
				}
			}
		}
		if l, err := decodeLogin(b); err == nil {
			l2, err := decodeLogin(encodeLogin(l))
			if err != nil || l2.login != l.login || l2.returnTo != l.returnTo {
				t.Fatalf("login changed on re-encoding: %+v / %+v, %v", l, l2, err)
			}
		}
	})
}
