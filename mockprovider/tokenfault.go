package mockprovider

import (
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/url"
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

	// The key-confusion attack with the other forms in which a relying party may hold the
	// provider's public key (TokenHS256PublicKey is the PEM form): alg HS256, the HMAC keyed
	// with the bytes of the active key in that form. The header keeps the active key's kid.

	// TokenHS256PublicKeyDER: keyed with the DER of the active public key (X.509
	// SubjectPublicKeyInfo, the bytes inside the PEM).
	TokenHS256PublicKeyDER
	// TokenHS256PublicKeyPKCS1: keyed with the PKCS #1 DER of the active RSA public key. With
	// an EC key active there is no such form: the token endpoint answers server_error.
	TokenHS256PublicKeyPKCS1
	// TokenHS256PublicKeyPKCS1PEM: keyed with that PKCS #1 key in PEM ("RSA PUBLIC KEY"); RSA
	// only, as TokenHS256PublicKeyPKCS1.
	TokenHS256PublicKeyPKCS1PEM
	// TokenHS256PublicKeyJWK: keyed with the active key's JWK, the JSON text exactly as the JWKS
	// endpoint serves it in its "keys" array.
	TokenHS256PublicKeyJWK
	// TokenHS256PublicKeyRaw: keyed with the raw key: the uncompressed EC point (0x04, X, Y) of
	// an EC key, the modulus (big-endian, no leading zero) of an RSA key.
	TokenHS256PublicKeyRaw
	// TokenHS256PublicKeyJWKMember: keyed with the base64url text of the JWK's x (EC) or n
	// (RSA) member, as the JWKS serves it.
	TokenHS256PublicKeyJWKMember

	// Near misses of the identifiers: each looks like the right value to a comparison that is
	// not exact. (A trailing slash on iss is no near miss: relying parties may tolerate it.)

	// TokenIssuerSuffix: iss is the issuer followed by ".attacker.invalid".
	TokenIssuerSuffix
	// TokenIssuerPrefix: iss is "https://attacker.invalid/" followed by the issuer.
	TokenIssuerPrefix
	// TokenIssuerCase: iss is the issuer with the case of every letter swapped
	// (HTTP://127.0.0.1:9090).
	TokenIssuerCase
	// TokenIssuerOtherHost: iss is the issuer with its host replaced by attacker.invalid
	// (scheme, port and path kept).
	TokenIssuerOtherHost
	// TokenIssuerOtherThaID: iss is ThaID's sandbox issuer (https://imauthsbx.bora.dopa.go.th),
	// or its production issuer (https://imauth.bora.dopa.go.th) when the provider's issuer is
	// the sandbox's: a real ThaID issuer that is not the one the relying party is configured for.
	TokenIssuerOtherThaID
	// TokenAudienceSuperstring: aud is the client ID followed by "-attacker".
	TokenAudienceSuperstring
	// TokenAudienceSubstring: aud is the client ID without its last character.
	TokenAudienceSubstring
	// TokenAzpLookalike: aud is [client, client + "-attacker"] and azp the second, which starts
	// with the client ID.
	TokenAzpLookalike
)

// The issuers of the real ThaID (as thaid.Production and thaid.Sandbox; this package does not
// import thaid), for TokenIssuerOtherThaID.
const (
	thaidProductionIssuer = "https://imauth.bora.dopa.go.th"
	thaidSandboxIssuer    = "https://imauthsbx.bora.dopa.go.th"
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
	TokenExpired: {name: "TokenExpired", idToken: edit(func(d *idTokenDraft) {
		d.claims["iat"] = d.now.Add(-2 * time.Hour).Unix()
		d.claims["exp"] = d.now.Add(-time.Hour).Unix()
	})},
	TokenNotYetValid: {name: "TokenNotYetValid", idToken: edit(func(d *idTokenDraft) {
		d.claims["nbf"] = d.now.Add(time.Hour).Unix()
	})},
	TokenIssuedInFuture: {name: "TokenIssuedInFuture", idToken: edit(func(d *idTokenDraft) {
		d.claims["iat"] = d.now.Add(time.Hour).Unix()
		d.claims["exp"] = d.now.Add(time.Hour + d.ttl).Unix()
	})},
	TokenUnpublishedKey: {name: "TokenUnpublishedKey", idToken: withNewKey(func(d *idTokenDraft, k *signingKey) {
		d.hdr.Kid = k.kid
	})},
	TokenWrongIssuer: {name: "TokenWrongIssuer", idToken: edit(func(d *idTokenDraft) {
		d.claims["iss"] = "https://wrong-issuer.invalid"
	})},
	TokenWrongAudience: {name: "TokenWrongAudience", idToken: edit(func(d *idTokenDraft) {
		d.claims["aud"] = "another-client"
	})},
	TokenMultiAudienceNoAzp: {name: "TokenMultiAudienceNoAzp", idToken: edit(func(d *idTokenDraft) {
		d.claims["aud"] = []string{d.clientID, "another-client"}
	})},
	TokenWrongAzp: {name: "TokenWrongAzp", idToken: edit(func(d *idTokenDraft) {
		d.claims["aud"] = []string{d.clientID, "another-client"}
		d.claims["azp"] = "another-client"
	})},
	TokenMissingNonce: {name: "TokenMissingNonce", idToken: edit(func(d *idTokenDraft) {
		delete(d.claims, "nonce")
	})},
	TokenWrongNonce: {name: "TokenWrongNonce", idToken: edit(func(d *idTokenDraft) {
		d.claims["nonce"] = "wrong-" + randomToken(12)
	})},
	TokenAlgNone: {name: "TokenAlgNone", idToken: edit(func(d *idTokenDraft) {
		d.hdr = jwtHeader{Alg: "none", Typ: "JWT"}
		d.sign = nil
	})},
	TokenHS256PublicKey:          {name: "TokenHS256PublicKey", idToken: hs256With(asPEM("PUBLIC KEY", publicKeyDER))},
	TokenHS256PublicKeyDER:       {name: "TokenHS256PublicKeyDER", idToken: hs256With(publicKeyDER)},
	TokenHS256PublicKeyPKCS1:     {name: "TokenHS256PublicKeyPKCS1", idToken: hs256With(publicKeyPKCS1)},
	TokenHS256PublicKeyPKCS1PEM:  {name: "TokenHS256PublicKeyPKCS1PEM", idToken: hs256With(asPEM("RSA PUBLIC KEY", publicKeyPKCS1))},
	TokenHS256PublicKeyJWK:       {name: "TokenHS256PublicKeyJWK", idToken: hs256With(publicKeyJWK)},
	TokenHS256PublicKeyRaw:       {name: "TokenHS256PublicKeyRaw", idToken: hs256With(publicKeyRaw)},
	TokenHS256PublicKeyJWKMember: {name: "TokenHS256PublicKeyJWKMember", idToken: hs256With(publicKeyJWKMember)},
	TokenBadSignature: {name: "TokenBadSignature", idToken: edit(func(d *idTokenDraft) {
		inner := d.sign
		d.sign = func(in []byte) ([]byte, error) {
			s, err := inner(in)
			if err == nil && len(s) > 0 {
				s[len(s)/2] ^= 0x5a
			}
			return s, err
		}
	})},
	TokenWrongAtHash: {name: "TokenWrongAtHash", idToken: edit(func(d *idTokenDraft) {
		d.claims["at_hash"] = atHash(d.access + "-other")
	})},
	TokenUnknownKid: {name: "TokenUnknownKid", idToken: withNewKey(func(d *idTokenDraft, k *signingKey) {
		d.hdr.Kid, d.publish = k.kid, k
	})},
	// The header keeps the active key's kid.
	TokenForgedKid: {name: "TokenForgedKid", idToken: withNewKey(func(*idTokenDraft, *signingKey) {})},
	TokenNoKid: {name: "TokenNoKid", idToken: withNewKey(func(d *idTokenDraft, _ *signingKey) {
		d.hdr.Kid = ""
	})},
	TokenBadPID: {name: "TokenBadPID",
		idToken: edit(func(d *idTokenDraft) { breakPID(d.claims) }),
		flat:    breakPID,
	},
	TokenNoIDToken: {name: "TokenNoIDToken", noIDToken: true},
	TokenIssuerSuffix: {name: "TokenIssuerSuffix", idToken: edit(func(d *idTokenDraft) {
		d.claims["iss"] = d.issuer() + ".attacker.invalid"
	})},
	TokenIssuerPrefix: {name: "TokenIssuerPrefix", idToken: edit(func(d *idTokenDraft) {
		d.claims["iss"] = "https://attacker.invalid/" + d.issuer()
	})},
	TokenIssuerCase: {name: "TokenIssuerCase", idToken: edit(func(d *idTokenDraft) {
		d.claims["iss"] = swapCase(d.issuer())
	})},
	TokenIssuerOtherHost: {name: "TokenIssuerOtherHost", idToken: func(d *idTokenDraft) error {
		u, err := url.Parse(d.issuer())
		if err != nil {
			return err
		}
		port := u.Port()
		u.Host = "attacker.invalid"
		if port != "" {
			u.Host += ":" + port
		}
		d.claims["iss"] = u.String()
		return nil
	}},
	TokenIssuerOtherThaID: {name: "TokenIssuerOtherThaID", idToken: edit(func(d *idTokenDraft) {
		other := thaidSandboxIssuer
		if d.issuer() == thaidSandboxIssuer {
			other = thaidProductionIssuer
		}
		d.claims["iss"] = other
	})},
	TokenAudienceSuperstring: {name: "TokenAudienceSuperstring", idToken: edit(func(d *idTokenDraft) {
		d.claims["aud"] = d.clientID + "-attacker"
	})},
	TokenAudienceSubstring: {name: "TokenAudienceSubstring", idToken: edit(func(d *idTokenDraft) {
		d.claims["aud"] = d.clientID[:len(d.clientID)-1]
	})},
	TokenAzpLookalike: {name: "TokenAzpLookalike", idToken: edit(func(d *idTokenDraft) {
		d.claims["aud"] = []string{d.clientID, d.clientID + "-attacker"}
		d.claims["azp"] = d.clientID + "-attacker"
	})},
}

// edit is an ID token fault that cannot fail.
func edit(f func(d *idTokenDraft)) func(d *idTokenDraft) error {
	return func(d *idTokenDraft) error {
		f(d)
		return nil
	}
}

// withNewKey signs the ID token with a new key of the active key's algorithm, which f may
// name in the header or publish; by itself it is never published and the header is unchanged.
func withNewKey(f func(d *idTokenDraft, k *signingKey)) func(d *idTokenDraft) error {
	return func(d *idTokenDraft) error {
		k, err := newSigningKey(d.key.alg)
		if err != nil {
			return err
		}
		d.sign = k.sign
		f(d, k)
		return nil
	}
}

// issuer is the iss the provider put in the draft.
func (d *idTokenDraft) issuer() string {
	iss, _ := d.claims["iss"].(string)
	return iss
}

// swapCase swaps the case of every ASCII letter of s.
func swapCase(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case 'a' <= c && c <= 'z':
			b[i] = c - 'a' + 'A'
		case 'A' <= c && c <= 'Z':
			b[i] = c - 'A' + 'a'
		}
	}
	return string(b)
}

// hs256With signs the ID token with HS256, keyed with the active public key in the form that
// secret gives (the key-confusion attack).
func hs256With(secret func(k *signingKey) ([]byte, error)) func(d *idTokenDraft) error {
	return func(d *idTokenDraft) error {
		key, err := secret(d.key)
		if err != nil {
			return err
		}
		d.hdr.Alg = "HS256"
		d.sign = func(in []byte) ([]byte, error) {
			m := hmac.New(sha256.New, key)
			m.Write(in)
			return m.Sum(nil), nil
		}
		return nil
	}
}

// The forms of a public key for hs256With.

func publicKeyDER(k *signingKey) ([]byte, error) { return x509.MarshalPKIXPublicKey(k.priv.Public()) }

func publicKeyPKCS1(k *signingKey) ([]byte, error) {
	pub, ok := k.priv.Public().(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%w: PKCS #1 holds RSA keys only, the active key is %s", ErrUnknownAlg, k.alg)
	}
	return x509.MarshalPKCS1PublicKey(pub), nil
}

// asPEM is the form der in a PEM block of type typ.
func asPEM(typ string, der func(k *signingKey) ([]byte, error)) func(k *signingKey) ([]byte, error) {
	return func(k *signingKey) ([]byte, error) {
		b, err := der(k)
		if err != nil {
			return nil, err
		}
		return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}), nil
	}
}

// publicKeyJWK is the JWK as the JWKS endpoint serves it: writeJSON marshals the key set with
// encoding/json, which writes each key as json.Marshal does.
func publicKeyJWK(k *signingKey) ([]byte, error) { return json.Marshal(k.jwk()) }

func publicKeyRaw(k *signingKey) ([]byte, error) {
	switch pub := k.priv.Public().(type) {
	case *ecdsa.PublicKey:
		e, err := pub.ECDH()
		if err != nil {
			return nil, err
		}
		return e.Bytes(), nil
	case *rsa.PublicKey:
		return pub.N.Bytes(), nil
	}
	return nil, fmt.Errorf("%w: key type %T", ErrUnknownAlg, k.priv)
}

func publicKeyJWKMember(k *signingKey) ([]byte, error) {
	b, err := publicKeyJWK(k)
	if err != nil {
		return nil, err
	}
	var m struct{ X, N string }
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	if m.X != "" {
		return []byte(m.X), nil
	}
	return []byte(m.N), nil
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
// Several queued faults (QueueForeignKeyToken queues in the same line) apply to successive
// responses, FIFO.
func (p *Server) QueueTokenFault(f TokenFault) {
	p.queueTokenFault(tokenFaults[f])
}

// queueTokenFault queues what a token fault does. The zero tokenFaultDef (an unknown
// TokenFault) is used up by the next response with an ID token, and changes nothing.
func (p *Server) queueTokenFault(def tokenFaultDef) {
	p.mu.Lock()
	p.tokenFaults = append(p.tokenFaults, def)
	p.mu.Unlock()
}

// nextTokenFault takes the queued token fault for a response (with an ID token when openid),
// and returns it with the active key. A fault that does not apply to the response stays queued.
func (p *Server) nextTokenFault(openid bool) (*signingKey, tokenFaultDef) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var def tokenFaultDef
	if len(p.tokenFaults) > 0 && (openid || p.tokenFaults[0].flat != nil) {
		def = p.tokenFaults[0]
		p.tokenFaults = p.tokenFaults[1:]
	}
	return p.active, def
}
