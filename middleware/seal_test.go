package middleware

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/thaid"
)

func TestSessionSecrets(t *testing.T) {
	c1 := newID()
	c2 := newID()
	h1, k1, ok1 := sessionSecrets(c1)
	h1b, k1b, _ := sessionSecrets(c1)
	h2, k2, ok2 := sessionSecrets(c2)
	if !ok1 || !ok2 {
		t.Fatal("sessionSecrets refuses newID's values")
	}
	if _, _, ok := sessionSecrets(c1[:42] + "B"); ok {
		t.Fatal("sessionSecrets takes a value whose unused bits are set")
	}
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
	s := k.newState(now)
	if len(s) != 43 {
		t.Fatalf("newState = %q", s)
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
	v := k.sealLogin("name_a", encodeLogin(p))
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
	state := a.keys.newState(time.Now())
	p := pendingLogin{login: thaid.Login{State: state, CreatedAt: time.Now()}}
	ctx := context.Background()
	if first, err := a.markUsed(ctx, p, time.Now()); err != nil || !first {
		t.Fatalf("first markUsed = %v, %v", first, err)
	}
	if first, err := a.markUsed(ctx, p, time.Now()); err != nil || first {
		t.Fatalf("second markUsed = %v, %v; want false", first, err)
	}
}

// TestRecordSealing: a record's head opens every request and its body when asked for; neither
// opens under another store key, a head does not open beside another body, and a last-seen
// update keeps the body as it was.
func TestRecordSealing(t *testing.T) {
	c := newID()
	hash, key, _ := sessionSecrets(c)
	aead, _ := newAEAD(key[:])
	head, body := encodeHead(testStart, testStart, "user-1"), []byte("body")
	sealed, err := sealRecord(aead, &hash, head, body)
	if err != nil {
		t.Fatal(err)
	}
	var aad [recordAADLen]byte
	if h, err := openHead(nil, &aad, aead, &hash, sealed); err != nil || !bytes.Equal(h, head) {
		t.Fatalf("openHead = %q, %v", h, err)
	}
	if b, err := openBody(nil, &aad, aead, &hash, sealed); err != nil || !bytes.Equal(b, body) {
		t.Fatalf("openBody = %q, %v", b, err)
	}
	other := hash
	other[0] ^= 1 // the record copied under another store key
	if _, err := openHead(nil, &aad, aead, &other, sealed); err == nil {
		t.Error("the head opens under another store key")
	}
	if _, err := openBody(nil, &aad, aead, &other, sealed); err == nil {
		t.Error("the body opens under another store key")
	}
	touched, err := resealHead(aead, &hash, sealed, encodeHead(testStart, testStart.Add(time.Minute), "user-1"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(touched, sealed[len(sealed)-len(body)-aead.Overhead()-gcmNonceSize:]) {
		t.Error("a last-seen update sealed the body again")
	}
	if _, err := openHead(nil, &aad, aead, &hash, touched); err != nil {
		t.Errorf("the touched head does not open: %v", err)
	}
	// The head of one version beside the body of another does not open.
	again, _ := sealRecord(aead, &hash, head, []byte("other body"))
	_, h1, _, _, _ := splitRecord(sealed)
	_, _, n2, b2, _ := splitRecord(again)
	spliced := append(append(append(append([]byte{recordVersion}, sealed[1:1+gcmNonceSize]...), sealed[1+gcmNonceSize:1+gcmNonceSize+2]...), h1...), append(n2, b2...)...)
	if _, err := openHead(nil, &aad, aead, &hash, spliced); err == nil {
		t.Error("a head opens beside another record's body")
	}
	for _, bad := range [][]byte{nil, {recordVersion}, sealed[:20], append([]byte{1}, sealed[1:]...)} {
		if _, err := openHead(nil, &aad, aead, &hash, bad); err == nil {
			t.Errorf("openHead(%q) opens", bad)
		}
	}
}

// TestSessionCookieOneSpelling: a session cookie has one spelling. The last of its 43 base64url
// characters carries 4 bits and 2 unused ones; a value whose unused bits are set decodes to the
// same 32 bytes, so that before issue 21 four strings gave one key under four store keys, and a
// record copied under the store key of another spelling opened. Such a value is refused, and a
// record copied under another store key does not open.
func TestSessionCookieOneSpelling(t *testing.T) {
	clk := testStart
	a := newTestAuth(t, Config{Now: func() time.Time { return clk }})
	cookie, _ := plantSession(t, a, clk)
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, cookie[len(cookie)-1])
	if last&3 != 0 {
		t.Fatalf("newID made %q, whose unused bits are set", cookie)
	}
	ctx := context.Background()
	sealed, err := a.store.Get(ctx, sessionKey(cookie))
	if err != nil {
		t.Fatal(err)
	}
	for bits := 1; bits < 4; bits++ {
		other := cookie[:len(cookie)-1] + string(alphabet[last|bits])
		if validID(other) {
			t.Errorf("validID(%q) = true: the unused bits of the last character are set", other)
		}
		// A record copied under the store key of the other spelling does not sign it in.
		if _, err := a.store.Add(ctx, sessionKey(other), sealed, time.Hour); err != nil {
			t.Fatal(err)
		}
		if serve(a.Require(whoAmI), "/", "thaid_session="+other).Code == 200 {
			t.Errorf("the spelling %q with a copied record is signed in", other)
		}
	}
}

// TestSessionIDLabelOneBlock: the label and a cookie value fit in one SHA-256 block, so that
// naming a session's record costs one compression.
func TestSessionIDLabelOneBlock(t *testing.T) {
	if n := len(sessionIDLabel) + idLen; n > 55 {
		t.Errorf("label and cookie take %d bytes, more than one SHA-256 block holds (55)", n)
	}
}

// TestUserIDTooLong: a user ID longer than a record's head holds is refused with a clear error
// at login, rather than stored as a record that never opens.
func TestUserIDTooLong(t *testing.T) {
	a := newTestAuth(t, Config{})
	_, err := a.createSession(context.Background(), strings.Repeat("u", maxHead), nil, nil, testStart)
	if !errors.Is(err, errHeadTooLong) {
		t.Fatalf("createSession with a 65,000-byte user ID: %v, want errHeadTooLong", err)
	}
	cookie, err := a.createSession(context.Background(), strings.Repeat("u", 1000), nil, nil, testStart)
	if err != nil {
		t.Fatal(err)
	}
	if s, err := a.openSession(context.Background(), cookie); err != nil || len(s.UserID) != 1000 {
		t.Fatalf("a 1,000-byte user ID: %v", err)
	}
}
