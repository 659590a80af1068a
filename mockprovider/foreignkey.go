package mockprovider

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/url"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// HeaderKey names a member of a JOSE header by which a token tells its reader which key signed
// it (RFC 7515 4.1). A relying party must use none of them: an ID token's keys come from the
// provider's JWKS only. See QueueForeignKeyToken.
type HeaderKey int

// The header members that carry or point at a key.
const (
	// HeaderJWK: the public key itself, as a JWK (RFC 7515 4.1.3).
	HeaderJWK HeaderKey = iota + 1
	// HeaderJKU: the URL of a JWK Set that holds it (RFC 7515 4.1.2).
	HeaderJKU
	// HeaderX5C: a self-signed X.509 certificate of it, base64 DER (RFC 7515 4.1.6).
	HeaderX5C
	// HeaderX5U: the URL of that certificate, PEM (RFC 7515 4.1.5).
	HeaderX5U
)

// String returns the member's name ("jwk", "jku", "x5c", "x5u").
func (h HeaderKey) String() string {
	if h < HeaderJWK || h > HeaderX5U {
		return "HeaderKey(?)"
	}
	return [...]string{"jwk", "jku", "x5c", "x5u"}[h-HeaderJWK]
}

// ForeignKey is a signing key that no provider publishes, as an attacker would make one:
// QueueForeignKeyToken signs an ID token with it and tells the relying party, in the token's
// header, where to find it. For HeaderJKU and HeaderX5U, serve JWKS or CertificatePEM at the
// URL given there, from a server of your own (the attacker's).
type ForeignKey struct {
	key  *signingKey
	cert []byte // self-signed, DER
}

// NewForeignKey makes a foreign key for alg, ES256 or RS256 (ErrUnknownAlg otherwise), with a
// self-signed certificate (CN "thaid-mock foreign key", valid from 2000 to 2100, so that no
// clock matters).
func NewForeignKey(alg string) (*ForeignKey, error) {
	k, err := newSigningKey(alg)
	if err != nil {
		return nil, err
	}
	k.kid = "foreign-" + k.kid
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "thaid-mock foreign key"},
		NotBefore:             time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.priv.Public(), k.priv)
	if err != nil {
		return nil, err
	}
	return &ForeignKey{key: k, cert: cert}, nil
}

// KeyID returns the kid under which the key signs, and which its JWK carries. No provider
// publishes it.
func (k *ForeignKey) KeyID() string { return k.key.kid }

// JWKS returns a JWK Set (JSON) holding the public key, with its kid, alg and use "sig": what
// a jku URL serves.
func (k *ForeignKey) JWKS() []byte {
	b, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{k.key.jwk()}}) // a public key always marshals
	return b
}

// CertificatePEM returns the key's self-signed certificate in PEM: what an x5u URL serves.
func (k *ForeignKey) CertificatePEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: k.cert})
}

// QueueForeignKeyToken makes the next ID token (as QueueTokenFault does) signed by k, under
// k's key ID and algorithm, with its header carrying k as in says: the key (HeaderJWK), its
// certificate (HeaderX5C), or keyURL (HeaderJKU, HeaderX5U), where the caller serves k.JWKS()
// or k.CertificatePEM(). keyURL must be an absolute http(s) URL for HeaderJKU and HeaderX5U,
// and empty for the others. Errors wrap ErrInvalidFault; nothing is queued then.
func (p *Server) QueueForeignKeyToken(k *ForeignKey, in HeaderKey, keyURL string) error {
	if k == nil || k.key == nil {
		return fmt.Errorf("%w: no foreign key", ErrInvalidFault)
	}
	switch {
	case in < HeaderJWK || in > HeaderX5U:
		return fmt.Errorf("%w: unknown header member %d", ErrInvalidFault, int(in))
	case in == HeaderJKU || in == HeaderX5U:
		if u, err := url.Parse(keyURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%w: %s needs an absolute http(s) URL, not %q", ErrInvalidFault, in, keyURL)
		}
	case keyURL != "":
		return fmt.Errorf("%w: %s takes no URL", ErrInvalidFault, in)
	}
	jwk, _ := json.Marshal(k.key.jwk()) // a public key always marshals
	name := "ForeignKeyToken(" + in.String() + ")"
	p.queueTokenFault(tokenFaultDef{name: name, idToken: func(d *idTokenDraft) error {
		d.hdr = jwtHeader{Alg: k.key.alg, Kid: k.key.kid, Typ: "JWT"}
		switch in {
		case HeaderJWK:
			d.hdr.JWK = jwk
		case HeaderJKU:
			d.hdr.JKU = keyURL
		case HeaderX5C:
			d.hdr.X5C = []string{base64.StdEncoding.EncodeToString(k.cert)}
		case HeaderX5U:
			d.hdr.X5U = keyURL
		}
		d.sign = k.key.sign
		return nil
	}})
	return nil
}
