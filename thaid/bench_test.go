package thaid

import (
	"context"
	"crypto"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
)

// BenchmarkVerify compares thaid's VerifyIDToken (signature, every claim check
// and typed claim decoding, JWKS from cache) with go-oidc on the same token:
// its bare IDTokenVerifier.Verify over a StaticKeySet, and that Verify followed
// by IDToken.Claims into a map (what an application needs to read the claims).
// The target is thaid no slower than go-oidc's Verify + Claims.
func BenchmarkVerify(b *testing.B) {
	for _, alg := range []string{"ES256", "RS256"} {
		k := newTestKey(b, "bench-"+alg, alg)
		op := newTestOP(b, k)
		clock := NewTestClock()
		claims := op.claims(clock.Now(), "bench-nonce")
		claims["at_hash"] = atHash("bench-access-token")
		raw := sign(b, k, claims)
		ctx := context.Background()

		bare := oidc.NewVerifier(op.issuer, &oidc.StaticKeySet{PublicKeys: []crypto.PublicKey{k.priv.Public()}},
			&oidc.Config{ClientID: testClientID, SupportedSigningAlgs: []string{alg}, Now: clock.Now})
		if _, err := bare.Verify(ctx, raw); err != nil {
			b.Fatal(err)
		}
		c := newTestClient(b, op, clock)
		if _, err := c.VerifyIDToken(ctx, raw, "bench-access-token", "bench-nonce"); err != nil {
			b.Fatal(err)
		}

		b.Run(alg+"/go-oidc-bare", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bare.Verify(ctx, raw); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(alg+"/go-oidc+claims", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				tok, err := bare.Verify(ctx, raw)
				if err != nil {
					b.Fatal(err)
				}
				var m map[string]any
				if err := tok.Claims(&m); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(alg+"/thaid", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.VerifyIDToken(ctx, raw, "bench-access-token", "bench-nonce"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
