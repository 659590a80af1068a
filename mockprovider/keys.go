package mockprovider

import (
	"cmp"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"

	"github.com/go-jose/go-jose/v4"
)

// signingKey is one key of the provider. Keys are immutable once created; a key is published
// while it is in the provider's key list.
type signingKey struct {
	kid  string
	alg  string
	priv crypto.Signer
}

func validAlg(alg string) bool { return alg == "ES256" || alg == "RS256" }

func newSigningKey(alg string) (*signingKey, error) {
	var priv crypto.Signer
	var err error
	switch alg {
	case "ES256":
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "RS256":
		priv, err = rsa.GenerateKey(rand.Reader, 2048)
	default:
		return nil, fmt.Errorf("%w: %q", ErrUnknownAlg, alg)
	}
	if err != nil {
		return nil, err
	}
	return &signingKey{kid: alg + "-" + randomToken(9), alg: alg, priv: priv}, nil
}

// jwk is the public JSON Web Key.
func (k *signingKey) jwk() jose.JSONWebKey {
	return jose.JSONWebKey{Key: k.priv.Public(), KeyID: k.kid, Algorithm: k.alg, Use: "sig"}
}

// sign returns the signature of the signing input, in JWS form (R||S for ECDSA).
func (k *signingKey) sign(input []byte) ([]byte, error) {
	h := sha256.Sum256(input)
	switch priv := k.priv.(type) {
	case *ecdsa.PrivateKey:
		r, s, err := ecdsa.Sign(rand.Reader, priv, h[:])
		if err != nil {
			return nil, err
		}
		out := make([]byte, 64)
		r.FillBytes(out[:32])
		s.FillBytes(out[32:])
		return out, nil
	case *rsa.PrivateKey:
		return rsa.SignPKCS1v15(nil, priv, crypto.SHA256, h[:])
	}
	return nil, fmt.Errorf("%w: key type %T", ErrUnknownAlg, k.priv)
}

var b64 = base64.RawURLEncoding

// jwtHeader is the JOSE header of the ID tokens. The key members (jwk, jku, x5c, x5u) are set
// only by QueueForeignKeyToken.
type jwtHeader struct {
	Alg string          `json:"alg"`
	Kid string          `json:"kid,omitempty"`
	Typ string          `json:"typ,omitempty"`
	JWK json.RawMessage `json:"jwk,omitempty"`
	JKU string          `json:"jku,omitempty"`
	X5C []string        `json:"x5c,omitempty"`
	X5U string          `json:"x5u,omitempty"`
}

// encodeJWT signs claims with sign. A nil sign produces an unsigned token with alg given in hdr.
func encodeJWT(hdr jwtHeader, claims any, sign func([]byte) ([]byte, error)) (string, error) {
	hb, err := json.Marshal(hdr)
	if err != nil {
		return "", err
	}
	cb, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	buf := make([]byte, 0, b64.EncodedLen(len(hb))+b64.EncodedLen(len(cb))+1+b64.EncodedLen(512)+1)
	buf = b64.AppendEncode(buf, hb)
	buf = append(buf, '.')
	buf = b64.AppendEncode(buf, cb)
	var sig []byte
	if sign != nil {
		if sig, err = sign(buf); err != nil {
			return "", err
		}
	}
	buf = append(buf, '.')
	buf = b64.AppendEncode(buf, sig)
	return string(buf), nil
}

// atHash is the at_hash claim for SHA-256 based algorithms: the left half of the hash of the
// access token, base64url.
func atHash(accessToken string) string {
	h := sha256.Sum256([]byte(accessToken))
	return b64.EncodeToString(h[:16])
}

// randomToken returns n random bytes, base64url encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b64.EncodeToString(b)
}

// subFor derives a stable 13-digit subject from a PID (SubOpaque). It is not the PID and does
// not reveal it at a glance. (The recorded sandbox's sub is the PID itself: SubPID.)
func subFor(pid string) string {
	h := sha256.Sum256([]byte("thaid-mock-sub:" + pid))
	n := new(big.Int).SetBytes(h[:8])
	n.Mod(n, big.NewInt(9_000_000_000_000))
	n.Add(n, big.NewInt(1_000_000_000_000))
	return n.String()
}

// RotateKey creates a new signing key ("" = Options.Alg), publishes it and makes it the active
// one. Older keys stay published until RetireKey.
func (p *Server) RotateKey(alg string) (kid string, err error) {
	alg = cmp.Or(alg, p.opts.Alg)
	k, err := newSigningKey(alg)
	if err != nil {
		return "", err
	}
	p.mu.Lock()
	p.keys = append(p.keys, k)
	p.active = k
	p.mu.Unlock()
	p.logger.Info("key rotated", "kid", k.kid, "alg", alg)
	return k.kid, nil
}

// RetireKey removes a key from the JWKS. Tokens it signed no longer verify. The active key
// cannot be retired (ErrActiveKey).
func (p *Server) RetireKey(kid string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, k := range p.keys {
		if k.kid != kid {
			continue
		}
		if k == p.active {
			return ErrActiveKey
		}
		p.keys = slices.Delete(p.keys, i, i+1)
		return nil
	}
	return fmt.Errorf("%w: %q", ErrUnknownKey, kid)
}

// KeyIDs returns the kids of the published keys, oldest first.
func (p *Server) KeyIDs() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, len(p.keys))
	for i, k := range p.keys {
		out[i] = k.kid
	}
	return out
}

// ActiveKeyID returns the kid of the key that signs new ID tokens.
func (p *Server) ActiveKeyID() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.active.kid
}

// SetActiveKey makes a published key the one that signs new ID tokens (ErrUnknownKey if no
// published key has that kid). It does not change what is published.
func (p *Server) SetActiveKey(kid string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, k := range p.keys {
		if k.kid == kid {
			p.active = k
			return nil
		}
	}
	return fmt.Errorf("%w: %q", ErrUnknownKey, kid)
}
