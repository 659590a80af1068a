package mockprovider

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"time"
)

// TokenFault makes the next token response defective in one way (see QueueTokenFault).
type TokenFault int

// The token faults.
const (
	// TokenExpired: iat two hours ago, exp one hour ago.
	TokenExpired TokenFault = iota + 1
	// TokenNotYetValid: nbf one hour from now.
	TokenNotYetValid
	// TokenIssuedInFuture: iat one hour from now.
	TokenIssuedInFuture
	// TokenUnpublishedKey: signed by a key that is never published (its kid never appears).
	TokenUnpublishedKey
	// TokenWrongIssuer: iss is https://wrong-issuer.invalid.
	TokenWrongIssuer
	// TokenWrongAudience: aud is another client.
	TokenWrongAudience
	// TokenMultiAudienceNoAzp: aud is [client, other] with no azp.
	TokenMultiAudienceNoAzp
	// TokenWrongAzp: aud is [client, other] and azp is the other.
	TokenWrongAzp
	// TokenMissingNonce: no nonce claim although one was sent.
	TokenMissingNonce
	// TokenWrongNonce: a nonce other than the one sent.
	TokenWrongNonce
	// TokenAlgNone: alg "none", empty signature.
	TokenAlgNone
	// TokenHS256PublicKey: alg HS256, HMAC keyed with the active public key's PEM (the classic
	// key-confusion attack).
	TokenHS256PublicKey
	// TokenBadSignature: a valid token with one signature byte changed.
	TokenBadSignature
	// TokenWrongAtHash: at_hash of another access token.
	TokenWrongAtHash
	// TokenUnknownKid: signed by a new key that is published right after the token is issued:
	// a JWKS fetched before does not have it, the next fetch does. (The key is not made active.)
	TokenUnknownKid
	// TokenForgedKid: signed by a key that is never published, under the kid of the active
	// (published) key.
	TokenForgedKid
	// TokenNoKid: no kid in the header, signed by a key that is never published (of the active
	// key's algorithm). With several keys published, none of them verifies it.
	TokenNoKid
	// TokenBadPID: the pid claim has a wrong check digit (the last digit changed). It applies
	// to the ID token and to flat claims alike, so it is also used up by a response without an
	// ID token; it changes nothing where no pid claim is sent.
	TokenBadPID
	// TokenNoIDToken: the token response has no id_token although openid was granted; the
	// claims come flat beside the tokens instead.
	TokenNoIDToken
)

// idTokenDraft is an ID token before it is signed; token faults edit it.
type idTokenDraft struct {
	claims   map[string]any
	hdr      jwtHeader
	sign     func([]byte) ([]byte, error) // nil = unsigned
	key      *signingKey                  // the active key
	now      time.Time
	ttl      time.Duration // Options.IDTokenTTL
	access   string        // the access token beside the ID token
	clientID string
	publish  *signingKey // published once the token is signed
}

// tokenFaultDef is what one TokenFault does. The zero value (no fault) changes nothing.
type tokenFaultDef struct {
	name string
	// idToken edits the ID token before it is signed.
	idToken func(d *idTokenDraft) error
	// flat edits the flat claims of a token response; a fault with flat is also used up by a
	// response without an ID token.
	flat func(claims map[string]any)
	// noIDToken sends the claims flat instead of an ID token.
	noIDToken bool
}

var tokenFaults = map[TokenFault]tokenFaultDef{
	TokenExpired: {name: "TokenExpired", idToken: func(d *idTokenDraft) error {
		d.claims["iat"] = d.now.Add(-2 * time.Hour).Unix()
		d.claims["exp"] = d.now.Add(-time.Hour).Unix()
		return nil
	}},
	TokenNotYetValid: {name: "TokenNotYetValid", idToken: func(d *idTokenDraft) error {
		d.claims["nbf"] = d.now.Add(time.Hour).Unix()
		return nil
	}},
	TokenIssuedInFuture: {name: "TokenIssuedInFuture", idToken: func(d *idTokenDraft) error {
		d.claims["iat"] = d.now.Add(time.Hour).Unix()
		d.claims["exp"] = d.now.Add(time.Hour + d.ttl).Unix()
		return nil
	}},
	TokenUnpublishedKey: {name: "TokenUnpublishedKey", idToken: func(d *idTokenDraft) error {
		k, err := newSigningKey(d.key.alg)
		if err != nil {
			return err
		}
		d.hdr.Kid, d.sign = k.kid, k.sign
		return nil
	}},
	TokenWrongIssuer: {name: "TokenWrongIssuer", idToken: func(d *idTokenDraft) error {
		d.claims["iss"] = "https://wrong-issuer.invalid"
		return nil
	}},
	TokenWrongAudience: {name: "TokenWrongAudience", idToken: func(d *idTokenDraft) error {
		d.claims["aud"] = "another-client"
		return nil
	}},
	TokenMultiAudienceNoAzp: {name: "TokenMultiAudienceNoAzp", idToken: func(d *idTokenDraft) error {
		d.claims["aud"] = []string{d.clientID, "another-client"}
		return nil
	}},
	TokenWrongAzp: {name: "TokenWrongAzp", idToken: func(d *idTokenDraft) error {
		d.claims["aud"] = []string{d.clientID, "another-client"}
		d.claims["azp"] = "another-client"
		return nil
	}},
	TokenMissingNonce: {name: "TokenMissingNonce", idToken: func(d *idTokenDraft) error {
		delete(d.claims, "nonce")
		return nil
	}},
	TokenWrongNonce: {name: "TokenWrongNonce", idToken: func(d *idTokenDraft) error {
		d.claims["nonce"] = "wrong-" + randomToken(12)
		return nil
	}},
	TokenAlgNone: {name: "TokenAlgNone", idToken: func(d *idTokenDraft) error {
		d.hdr = jwtHeader{Alg: "none", Typ: "JWT"}
		d.sign = nil
		return nil
	}},
	TokenHS256PublicKey: {name: "TokenHS256PublicKey", idToken: func(d *idTokenDraft) error {
		der, err := x509.MarshalPKIXPublicKey(d.key.priv.Public())
		if err != nil {
			return err
		}
		secret := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
		d.hdr.Alg = "HS256"
		d.sign = func(in []byte) ([]byte, error) {
			m := hmac.New(sha256.New, secret)
			m.Write(in)
			return m.Sum(nil), nil
		}
		return nil
	}},
	TokenBadSignature: {name: "TokenBadSignature", idToken: func(d *idTokenDraft) error {
		inner := d.sign
		d.sign = func(in []byte) ([]byte, error) {
			s, err := inner(in)
			if err == nil && len(s) > 0 {
				s[len(s)/2] ^= 0x5a
			}
			return s, err
		}
		return nil
	}},
	TokenWrongAtHash: {name: "TokenWrongAtHash", idToken: func(d *idTokenDraft) error {
		d.claims["at_hash"] = atHash(d.access + "-other")
		return nil
	}},
	TokenUnknownKid: {name: "TokenUnknownKid", idToken: func(d *idTokenDraft) error {
		k, err := newSigningKey(d.key.alg)
		if err != nil {
			return err
		}
		d.hdr.Kid, d.sign, d.publish = k.kid, k.sign, k
		return nil
	}},
	TokenForgedKid: {name: "TokenForgedKid", idToken: func(d *idTokenDraft) error {
		k, err := newSigningKey(d.key.alg)
		if err != nil {
			return err
		}
		d.sign = k.sign // the header keeps the active key's kid
		return nil
	}},
	TokenNoKid: {name: "TokenNoKid", idToken: func(d *idTokenDraft) error {
		k, err := newSigningKey(d.key.alg)
		if err != nil {
			return err
		}
		d.hdr.Kid, d.sign = "", k.sign
		return nil
	}},
	TokenBadPID: {name: "TokenBadPID",
		idToken: func(d *idTokenDraft) error { breakPID(d.claims); return nil },
		flat:    breakPID,
	},
	TokenNoIDToken: {name: "TokenNoIDToken", noIDToken: true},
}

// breakPID replaces the check digit of a pid claim by another digit.
func breakPID(claims map[string]any) {
	pid, ok := claims[scopePID].(string)
	if !ok || len(pid) != 13 || pid[12] < '0' || pid[12] > '9' {
		return
	}
	claims[scopePID] = pid[:12] + string(rune('0'+(pid[12]-'0'+5)%10))
}

// String returns the constant's name.
func (f TokenFault) String() string {
	if d, ok := tokenFaults[f]; ok {
		return d.name
	}
	return "TokenFault(?)"
}

// QueueTokenFault makes the next ID token issued (by the token endpoint, for either grant)
// defective as f says; TokenBadPID is also used up by a response with flat claims only.
// Several queued faults apply to successive responses, FIFO.
func (p *Server) QueueTokenFault(f TokenFault) {
	p.mu.Lock()
	p.tokenFaults = append(p.tokenFaults, f)
	p.mu.Unlock()
}

// nextTokenFault takes the queued token fault for a response (with an ID token when openid),
// and returns it with the active key. A fault that does not apply to the response stays queued.
func (p *Server) nextTokenFault(openid bool) (*signingKey, tokenFaultDef) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.tokenFaults) == 0 {
		return p.active, tokenFaultDef{}
	}
	f := p.tokenFaults[0]
	def := tokenFaults[f]
	if !openid && def.flat == nil {
		return p.active, tokenFaultDef{}
	}
	p.tokenFaults = p.tokenFaults[1:]
	return p.active, def
}
