//go:build unix

package thaid

import (
	"context"
	"crypto"
	"syscall"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// BenchmarkVerify compares thaid's VerifyIDToken (signature, every claim check
// and typed claim decoding, JWKS from cache) with go-oidc on the same token:
// its bare IDTokenVerifier.Verify over a StaticKeySet, and that Verify followed
// by IDToken.Claims into a map (what an application needs to read the claims).
// The target is thaid no slower than go-oidc's Verify + Claims.
//
// Beside the wall time, each run reports the CPU time the process used per
// token (cpu-ns/op): on a machine shared with other work, the wall time
// measures the neighbours as much as the code. (getrusage is why the file is
// for unix only.)
func BenchmarkVerify(b *testing.B) {
	for _, alg := range []string{"ES256", "RS256"} {
		k := newTestKey(b, "bench-"+alg, alg)
		op := newTestOP(b, k)
		clock := newTestClock()
		claims := op.claims(clock.Now(), "bench-nonce")
		claims["at_hash"] = atHash("bench-access-token")
		raw := sign(b, k, claims)
		ctx := context.Background()

		bare := oidc.NewVerifier(op.issuer, &oidc.StaticKeySet{PublicKeys: []crypto.PublicKey{k.priv.Public()}},
			&oidc.Config{ClientID: testClientID, SupportedSigningAlgs: []string{alg}, Now: clock.Now})
		c := newTestClient(b, op, clock)
		for _, bb := range []struct {
			name   string
			verify func() error
		}{
			{"go-oidc-bare", func() error {
				_, err := bare.Verify(ctx, raw)
				return err
			}},
			{"go-oidc+claims", func() error {
				tok, err := bare.Verify(ctx, raw)
				if err != nil {
					return err
				}
				var m map[string]any
				return tok.Claims(&m)
			}},
			{"thaid", func() error {
				_, err := c.VerifyIDToken(ctx, raw, "bench-access-token", "bench-nonce")
				return err
			}},
		} {
			verify := bb.verify
			if err := verify(); err != nil {
				b.Fatal(bb.name, err)
			}
			b.Run(alg+"/"+bb.name, func(b *testing.B) {
				b.ReportAllocs()
				start := processCPU()
				for b.Loop() {
					if err := verify(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}

// processCPU returns the CPU time (user and system) that the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
