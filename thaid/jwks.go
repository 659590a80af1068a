package thaid

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// keySet is the provider's JWKS, against which VerifyIDToken checks the
// signatures of ID tokens (verify). It is cached for a TTL, and unknown
// key IDs trigger at most one refetch per refresh interval. Fetches are
// shared by concurrent callers. Only asymmetric keys are ever loaded.
type keySet struct {
	url             string
	hc              *http.Client
	now             func() time.Time
	algs            []jose.SignatureAlgorithm
	ttl             time.Duration
	refreshInterval time.Duration
	fetchTimeout    time.Duration // bounds one download, whatever hc's own timeout

	mu          sync.Mutex
	keys        []jose.JSONWebKey
	gen         uint64    // incremented on every successful fetch
	fetchedAt   time.Time // last successful fetch
	lastAttempt time.Time // last fetch attempt (TTL refreshes)
	lastRefetch time.Time // last unknown-kid refetch
	inflight    *jwksFetch
}

// jwksFetch is one JWKS download that several callers may wait for.
type jwksFetch struct {
	done chan struct{}
	keys []jose.JSONWebKey
	gen  uint64
	err  error
}

// verify checks the signature of jws, parsed with ks.algs, against the
// provider's keys and returns the payload. An unknown key ID refetches the
// JWKS, at most once per refresh interval.
func (ks *keySet) verify(ctx context.Context, jws *jose.JSONWebSignature) ([]byte, error) {
	hdr := jws.Signatures[0].Header
	keys, gen, err := ks.current(ctx)
	if err != nil {
		return nil, err
	}
	payload, found, err := verifyWith(jws, keys, hdr.KeyID, hdr.Algorithm)
	if found {
		return payload, err
	}
	// Unknown key ID (or, without a kid, no key that verifies): the provider
	// may have rotated its keys. Refetch, at most once per interval.
	keys, err = ks.refetch(ctx, gen)
	if err != nil {
		return nil, err
	}
	payload, found, err = verifyWith(jws, keys, hdr.KeyID, hdr.Algorithm)
	if found {
		return payload, err
	}
	return nil, wrapf(ErrBadSignature, "no published key with kid %q for %s", hdr.KeyID, hdr.Algorithm)
}

// verifyWith tries the keys that fit kid and alg. found reports whether a key
// with that kid was there (kid set) or whether a key verified (kid empty).
func verifyWith(jws *jose.JSONWebSignature, keys []jose.JSONWebKey, kid, alg string) (payload []byte, found bool, err error) {
	for i := range keys {
		k := &keys[i]
		if kid != "" && k.KeyID != kid {
			continue
		}
		if !keyFitsAlg(k, alg) {
			continue
		}
		if kid != "" {
			found = true
		}
		if p, err := jws.Verify(k.Key); err == nil {
			return p, true, nil
		}
	}
	if found {
		return nil, true, wrapf(ErrBadSignature, "signature does not verify with key %q", kid)
	}
	return nil, false, nil
}

// keyFitsAlg reports whether the public key k may verify alg.
func keyFitsAlg(k *jose.JSONWebKey, alg string) bool {
	if k.Algorithm != "" && k.Algorithm != alg {
		return false
	}
	switch pub := k.Key.(type) {
	case *ecdsa.PublicKey:
		switch alg {
		case "ES256":
			return pub.Curve == elliptic.P256()
		case "ES384":
			return pub.Curve == elliptic.P384()
		}
	case *rsa.PublicKey:
		switch alg {
		case "RS256", "RS384", "RS512", "PS256":
			return true
		}
	}
	return false
}

// current returns the cached keys, fetching them when there are none yet or
// when they are older than the TTL (then at most once per refresh interval,
// serving the stale keys if the fetch fails).
func (ks *keySet) current(ctx context.Context) ([]jose.JSONWebKey, uint64, error) {
	ks.mu.Lock()
	now := ks.now()
	keys, gen := ks.keys, ks.gen
	switch {
	case ks.gen == 0:
		// never loaded: fetch (shared with concurrent callers)
	case now.Sub(ks.fetchedAt) < ks.ttl:
		ks.mu.Unlock()
		return keys, gen, nil
	case ks.inflight == nil && now.Sub(ks.lastAttempt) < ks.refreshInterval:
		ks.mu.Unlock()
		return keys, gen, nil // stale, but a refresh failed recently
	}
	f := ks.startLocked(ctx, now)
	ks.mu.Unlock()
	fkeys, fgen, err := ks.wait(ctx, f)
	if err != nil {
		if gen != 0 {
			return keys, gen, nil // serve stale keys
		}
		return nil, 0, err
	}
	return fkeys, fgen, nil
}

// refetch downloads the JWKS again for an unknown kid, unless the keys changed
// since the caller's snapshot gen, or a refetch already ran in the last
// refresh interval (then the current keys are returned).
func (ks *keySet) refetch(ctx context.Context, gen uint64) ([]jose.JSONWebKey, error) {
	ks.mu.Lock()
	now := ks.now()
	if ks.gen != gen || (ks.inflight == nil && !ks.lastRefetch.IsZero() && now.Sub(ks.lastRefetch) < ks.refreshInterval) {
		keys := ks.keys
		ks.mu.Unlock()
		return keys, nil
	}
	if ks.inflight == nil {
		ks.lastRefetch = now
	}
	f := ks.startLocked(ctx, now)
	ks.mu.Unlock()
	keys, _, err := ks.wait(ctx, f)
	return keys, err
}

// startLocked joins the fetch in flight or starts one. ks.mu must be held.
func (ks *keySet) startLocked(ctx context.Context, now time.Time) *jwksFetch {
	if ks.inflight != nil {
		return ks.inflight
	}
	f := &jwksFetch{done: make(chan struct{})}
	ks.inflight = f
	ks.lastAttempt = now
	// The download outlives a caller that gives up, since others may be waiting, but it has a
	// deadline of its own: a stalled JWKS answer (and an HTTPClient without Timeout) must not
	// keep every later verification waiting on it.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ks.fetchTimeout)
	go func() {
		defer cancel()
		ks.run(fctx, f)
	}()
	return f
}

func (ks *keySet) run(ctx context.Context, f *jwksFetch) {
	keys, err := ks.download(ctx)
	ks.mu.Lock()
	if err == nil {
		ks.keys = keys
		ks.gen++
		ks.fetchedAt = ks.now()
	}
	f.keys, f.gen, f.err = ks.keys, ks.gen, err
	ks.inflight = nil
	ks.mu.Unlock()
	close(f.done)
}

func (ks *keySet) wait(ctx context.Context, f *jwksFetch) ([]jose.JSONWebKey, uint64, error) {
	select {
	case <-f.done:
		return f.keys, f.gen, f.err
	case <-ctx.Done():
		return nil, 0, wrapErr(ErrProviderUnavailable, ctx.Err())
	}
}

func (ks *keySet) download(ctx context.Context) ([]jose.JSONWebKey, error) {
	body, err := getJSON(ctx, ks.hc, ks.url)
	if err != nil {
		return nil, err
	}
	return parseJWKS(body)
}

// parseJWKS decodes a JWK set, keeping only asymmetric public signing keys of
// supported types; keys it cannot use (symmetric, private, for encryption)
// are skipped, not fatal.
func parseJWKS(body []byte) ([]jose.JSONWebKey, error) {
	var raw struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, wrapf(ErrMalformedResponse, "JWKS: %v", err)
	}
	keys := make([]jose.JSONWebKey, 0, len(raw.Keys))
	for _, r := range raw.Keys {
		var k jose.JSONWebKey
		if err := k.UnmarshalJSON(r); err != nil {
			continue
		}
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		// Symmetric ("oct") and other keys are never used. Nor is a private
		// key: published, it is known to anyone, and a token it signs proves
		// nothing.
		switch k.Key.(type) {
		case *ecdsa.PublicKey, *rsa.PublicKey:
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, wrapf(ErrMalformedResponse, "JWKS holds no usable signing key")
	}
	return keys, nil
}
