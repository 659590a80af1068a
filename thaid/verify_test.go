package thaid

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestVerifyIDToken(t *testing.T) {
	es := newTestKey(t, "es-1", "ES256")
	rs := newTestKey(t, "rs-1", "RS256")
	es384 := newTestKey(t, "es-384", "ES384")
	ps := newTestKey(t, "ps-1", "PS256")
	unpublished := newTestKey(t, "es-2", "ES256")
	noKid := testKey{alg: "ES256", priv: es.priv}
	op := newTestOP(t, es, rs, es384, ps)
	clock := newTestClock()
	now := clock.Now()
	const nonce, at = "the-nonce", "the-access-token"

	type mod func(m map[string]any)
	set := func(kv ...any) mod {
		return func(m map[string]any) {
			for i := 0; i < len(kv); i += 2 {
				if kv[i+1] == nil {
					delete(m, kv[i].(string))
				} else {
					m[kv[i].(string)] = kv[i+1]
				}
			}
		}
	}
	tests := []struct {
		name     string
		key      testKey
		forgeAlg string // "none" or "HS256"
		mod      mod
		raw      string // overrides the token
		nonce    string
		optional bool // Config.NonceOptional
		algs     []string
		want     error
	}{
		{name: "ES256", key: es, nonce: nonce},
		{name: "RS256", key: rs, nonce: nonce},
		{name: "ES384", key: es384, nonce: nonce},
		{name: "PS256", key: ps, nonce: nonce},
		{name: "no kid", key: noKid, nonce: nonce},
		{name: "at_hash ok", key: es, nonce: nonce, mod: set("at_hash", atHash(at))},
		{name: "at_hash wrong", key: es, nonce: nonce, mod: set("at_hash", atHash("other")), want: ErrAtHashMismatch},
		{name: "at_hash not a string", key: es, nonce: nonce, mod: set("at_hash", 5), want: ErrAtHashMismatch},
		{name: "expired", key: es, nonce: nonce, mod: set("exp", now.Add(-31*time.Second).Unix()), want: ErrTokenExpired},
		{name: "expired within leeway", key: es, nonce: nonce, mod: set("exp", now.Add(-29*time.Second).Unix())},
		{name: "no exp", key: es, nonce: nonce, mod: set("exp", nil), want: ErrInvalidToken},
		{name: "exp string", key: es, nonce: nonce, mod: set("exp", "tomorrow"), want: ErrInvalidToken},
		{name: "not yet valid", key: es, nonce: nonce, mod: set("nbf", now.Add(time.Minute).Unix()), want: ErrTokenNotYetValid},
		{name: "nbf within leeway", key: es, nonce: nonce, mod: set("nbf", now.Add(29*time.Second).Unix())},
		{name: "iat in future", key: es, nonce: nonce, mod: set("iat", now.Add(time.Hour).Unix()), want: ErrIssuedInFuture},
		{name: "iat within leeway", key: es, nonce: nonce, mod: set("iat", now.Add(29*time.Second).Unix())},
		{name: "wrong iss", key: es, nonce: nonce, mod: set("iss", "https://evil.example"), want: ErrIssuerMismatch},
		{name: "iss with trailing slash", key: es, nonce: nonce, mod: set("iss", op.issuer+"/")},
		{name: "no iss", key: es, nonce: nonce, mod: set("iss", nil), want: ErrIssuerMismatch},
		{name: "wrong aud", key: es, nonce: nonce, mod: set("aud", "other-client"), want: ErrAudienceMismatch},
		{name: "aud list", key: es, nonce: nonce, mod: set("aud", []string{testClientID})},
		{name: "several aud, no azp", key: es, nonce: nonce, mod: set("aud", []string{testClientID, "other"}), want: ErrAudienceMismatch},
		{name: "several aud, azp ok", key: es, nonce: nonce, mod: set("aud", []string{testClientID, "other"}, "azp", testClientID)},
		{name: "azp mismatch", key: es, nonce: nonce, mod: set("aud", []string{testClientID, "other"}, "azp", "other"), want: ErrAudienceMismatch},
		{name: "azp mismatch, one aud", key: es, nonce: nonce, mod: set("azp", "other"), want: ErrAudienceMismatch},
		{name: "azp not a string, one aud", key: es, nonce: nonce, mod: set("azp", 42), want: ErrAudienceMismatch},
		{name: "azp null, one aud", key: es, nonce: nonce, mod: set("azp", nil)},
		{name: "aud number", key: es, nonce: nonce, mod: set("aud", 5), want: ErrAudienceMismatch},
		{name: "missing nonce", key: es, nonce: nonce, mod: set("nonce", nil), want: ErrNonceMismatch},
		{name: "missing nonce, optional", key: es, nonce: nonce, optional: true, mod: set("nonce", nil)},
		{name: "wrong nonce", key: es, nonce: nonce, mod: set("nonce", "other"), want: ErrNonceMismatch},
		{name: "wrong nonce, optional", key: es, nonce: nonce, optional: true, mod: set("nonce", "other"), want: ErrNonceMismatch},
		{name: "nonce not a string", key: es, nonce: nonce, mod: set("nonce", 5), want: ErrNonceMismatch},
		{name: "no nonce expected (refresh)", key: es, nonce: "", mod: set("nonce", nil)},
		{name: "alg none", key: es, forgeAlg: "none", nonce: nonce, want: ErrUnsupportedAlg},
		{name: "HS256 with public key", key: es, forgeAlg: "HS256", nonce: nonce, want: ErrUnsupportedAlg},
		{name: "HS256 with RSA public key", key: rs, forgeAlg: "HS256", nonce: nonce, want: ErrUnsupportedAlg},
		{name: "alg outside Provider.SigningAlgs", key: rs, nonce: nonce, algs: []string{"ES256"}, want: ErrUnsupportedAlg},
		{name: "unpublished key", key: unpublished, nonce: nonce, want: ErrBadSignature},
		{name: "kid of another alg", key: testKey{kid: "rs-1", alg: "ES256", priv: es.priv}, nonce: nonce, want: ErrBadSignature},
		{name: "invalid PID claim", key: es, nonce: nonce, mod: set("pid", "1101700230709"), want: ErrInvalidPID},
		{name: "bad claim type", key: es, nonce: nonce, mod: set("name", 7), want: ErrInvalidClaim},
		{name: "empty", raw: "", want: ErrInvalidToken},
		{name: "garbage", raw: "not-a-jwt", want: ErrInvalidToken},
		{name: "three garbage parts", raw: "a.b.c", want: ErrInvalidToken},
		{name: "JSON serialization", raw: `{"payload":"e30","signatures":[]}`, want: ErrInvalidToken},
	}
	clients := map[string]*Client{}
	client := func(optional bool, algs []string) *Client {
		k := fmt.Sprint(optional, algs)
		if clients[k] == nil {
			clients[k] = newTestClient(t, op, clock, func(cfg *Config) {
				cfg.NonceOptional = optional
				cfg.Provider.SigningAlgs = algs
			})
		}
		return clients[k]
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := tt.raw
			if tt.key.alg != "" {
				claims := op.claims(now, nonce)
				if tt.mod != nil {
					tt.mod(claims)
				}
				if tt.forgeAlg != "" {
					raw = forge(t, tt.forgeAlg, tt.key, claims)
				} else {
					raw = sign(t, tt.key, claims)
				}
			}
			id, err := verifyChecked(t, client(tt.optional, tt.algs), raw, at, tt.nonce)
			if !errorsIs(err, tt.want) {
				t.Fatalf("VerifyIDToken: %v, want %v", err, tt.want)
			}
			if err != nil {
				if id != nil {
					t.Fatal("identity returned with an error")
				}
				return
			}
			if !id.Verified || id.PID.Digits() != "1101700230708" || id.Name != "นาย สมชาย ใจดี" ||
				*id.Birthdate != (Date{1990, 5, 17}) || id.IAL != "2.3" || id.Subject != "sub-1" ||
				id.Raw["version"] != "2.0" || !id.AuthTime.Equal(now) {
				t.Fatalf("identity %s", fields(id))
			}
		})
	}
	t.Run("tampered payload", func(t *testing.T) {
		raw := sign(t, es, op.claims(now, nonce))
		parts := strings.Split(raw, ".")
		claims := op.claims(now, nonce)
		claims["pid"] = "1112034563562"
		other := strings.Split(sign(t, es, claims), ".")
		tampered := parts[0] + "." + other[1] + "." + parts[2]
		_, err := verifyChecked(t, client(false, nil), tampered, at, nonce)
		if !errors.Is(err, ErrBadSignature) {
			t.Fatalf("tampered token: %v, want ErrBadSignature", err)
		}
	})
}

func TestVerifyWithoutJWKS(t *testing.T) {
	c, err := New(context.Background(), Config{
		ClientID: "c", ClientSecret: "s", RedirectURL: "https://rp/cb", Scopes: []string{ScopePID},
		Provider: Provider{AuthURL: "https://op/auth", TokenURL: "https://op/token"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.VerifyIDToken(context.Background(), "a.b.c", "", ""); !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("err %v, want ErrInvalidConfig", err)
	}
}

func TestJWKSCache(t *testing.T) {
	k1 := newTestKey(t, "k1", "ES256")
	k2 := newTestKey(t, "k2", "ES256")
	k3 := newTestKey(t, "k3", "ES256")
	op := newTestOP(t, k1)
	clock := newTestClock()
	c := newTestClient(t, op, clock)
	ctx := context.Background()
	verify := func(k testKey) error {
		_, err := c.VerifyIDToken(ctx, sign(t, k, op.claims(clock.Now(), "n")), "", "n")
		return err
	}
	steps := []struct {
		name    string
		do      func()
		key     testKey
		want    error
		hitsNow int32
	}{
		{name: "first use loads the JWKS", key: k1, hitsNow: 1},
		{name: "served from cache", key: k1, hitsNow: 1},
		{name: "unknown kid refetches once and is accepted", do: func() { op.publish(k2) }, key: k2, hitsNow: 2},
		{name: "second unknown kid in the interval is refused without fetching", key: k3, want: ErrBadSignature, hitsNow: 2},
		{name: "junk kids cannot hammer the provider", key: k3, want: ErrBadSignature, hitsNow: 2},
		{name: "after the interval one more refetch, still unpublished", do: func() { clock.Advance(DefaultJWKSRefreshInterval) }, key: k3, want: ErrBadSignature, hitsNow: 3},
		{name: "published now but rate limited", do: func() { op.publish(k3); clock.Advance(time.Second) }, key: k3, want: ErrBadSignature, hitsNow: 3},
		{name: "accepted after the interval", do: func() { clock.Advance(DefaultJWKSRefreshInterval) }, key: k3, hitsNow: 4},
		{name: "TTL expiry refetches", do: func() { clock.Advance(DefaultJWKSCacheTTL) }, key: k1, hitsNow: 5},
		{name: "stale keys served when the refresh fails", do: func() { op.setStatus(http.StatusInternalServerError); clock.Advance(DefaultJWKSCacheTTL) }, key: k2, hitsNow: 6},
		{name: "failed refresh is not retried at once", key: k2, hitsNow: 6},
	}
	for _, s := range steps {
		if s.do != nil {
			s.do()
		}
		err := verify(s.key)
		if !errorsIs(err, s.want) {
			t.Fatalf("%s: %v, want %v", s.name, err, s.want)
		}
		if got := op.jwksHits.Load(); got != s.hitsNow {
			t.Fatalf("%s: %d JWKS fetches, want %d", s.name, got, s.hitsNow)
		}
	}
}

func TestJWKSConcurrentUnknownKid(t *testing.T) {
	k1 := newTestKey(t, "k1", "ES256")
	k2 := newTestKey(t, "k2", "ES256")
	op := newTestOP(t, k1)
	clock := newTestClock()
	c := newTestClient(t, op, clock)
	ctx := context.Background()
	if _, err := c.VerifyIDToken(ctx, sign(t, k1, op.claims(clock.Now(), "n")), "", "n"); err != nil {
		t.Fatal(err)
	}
	op.publish(k2) // rotation while logins are in flight
	raw2 := sign(t, k2, op.claims(clock.Now(), "n"))
	raw1 := sign(t, k1, op.claims(clock.Now(), "n"))
	var wg sync.WaitGroup
	errs := make([]error, 40)
	for i := range errs {
		raw := raw2
		if i%4 == 0 {
			raw = raw1
		}
		wg.Go(func() { _, errs[i] = c.VerifyIDToken(ctx, raw, "", "n") })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if got := op.jwksHits.Load(); got != 2 {
		t.Fatalf("%d JWKS fetches, want 2 (initial + one shared refetch)", got)
	}
}

func TestJWKSErrors(t *testing.T) {
	k1 := newTestKey(t, "k1", "ES256")
	tests := []struct {
		name string
		url  string // replaces the JWKS URL
		st   int
		want error
	}{
		{name: "5xx", st: http.StatusBadGateway, want: ErrProviderUnavailable},
		{name: "404", st: http.StatusNotFound, want: ErrMalformedResponse},
		{name: "unreachable", url: "http://127.0.0.1:1/jwks/", want: ErrProviderUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op := newTestOP(t, k1)
			op.setStatus(tt.st)
			clock := newTestClock()
			c := newTestClient(t, op, clock, func(cfg *Config) { cfg.Provider.JWKSURL = cmp.Or(tt.url, cfg.Provider.JWKSURL) })
			_, err := c.VerifyIDToken(context.Background(), sign(t, k1, op.claims(clock.Now(), "n")), "", "n")
			if !errors.Is(err, tt.want) {
				t.Fatalf("err %v, want %v", err, tt.want)
			}
		})
	}
}

func TestParseJWKS(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		keys  int
		wantE error
	}{
		{name: "symmetric only", body: `{"keys":[{"kty":"oct","k":"c2VjcmV0","kid":"h","alg":"HS256"}]}`, wantE: ErrMalformedResponse},
		{name: "empty", body: `{"keys":[]}`, wantE: ErrMalformedResponse},
		{name: "not JSON", body: `<html>`, wantE: ErrMalformedResponse},
		{name: "ec key plus junk", body: `{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","kid":"e"},{"kty":"oct","k":"c2VjcmV0"},{"kty":"EC","crv":"P-256","x":"bad"},{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","use":"enc"}]}`, keys: 1},
	}
	for _, tt := range tests {
		keys, err := parseJWKS([]byte(tt.body))
		if !errorsIs(err, tt.wantE) || len(keys) != tt.keys {
			t.Errorf("%s: %d keys, %v; want %d, %v", tt.name, len(keys), err, tt.keys, tt.wantE)
		}
	}
}
