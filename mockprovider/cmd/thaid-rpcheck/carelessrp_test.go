package main

// A small relying party written for these tests only, independent of package thaid, whose
// checks can be relaxed one at a time: test data for TestCarelessRPs. With the zero
// carelessness it makes every check the plan asks for; each field makes it careless in one
// way that real relying parties are (or plausibly could be).

import (
	"context"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// keyForm is a form in which an RP may hold the provider's public key; the names are those of
// the signature/hs256-* cases.
type keyForm string

const (
	formPEM        keyForm = "pem"         // SubjectPublicKeyInfo, PEM
	formDER        keyForm = "der"         // SubjectPublicKeyInfo, DER
	formPKCS1DER   keyForm = "pkcs1-der"   // PKCS #1 (RSA keys only), DER
	formPKCS1PEM   keyForm = "pkcs1-pem"   // PKCS #1 (RSA keys only), PEM
	formJWK        keyForm = "jwk"         // the JWK's JSON text as the JWKS serves it
	formECPoint    keyForm = "ec-point"    // the uncompressed point of an EC key
	formRSAModulus keyForm = "rsa-modulus" // the modulus of an RSA key
	formJWKX       keyForm = "jwk-x"       // the JWK's x (EC keys), as text
	formJWKN       keyForm = "jwk-n"       // the JWK's n (RSA keys), as text
)

// otherOwnClient is a second client ID that the multi-client careless RPs take for their own:
// the "another client" of mockprovider's TokenWrongAudience and TokenWrongAzp.
const otherOwnClient = "another-client"

// carelessness says which checks the RP skips or gets wrong. Every field is one carelessness.
type carelessness struct {
	// ---- signatures and keys

	skipSignature bool     // decodes the ID token without looking at its header or signature
	algs          []string // the algorithms it verifies (nil = ES256 and RS256)
	acceptNone    bool     // takes an alg "none" token unverified
	hs256Key      keyForm  // verifies alg HS256 with the published key of the kid, in this form
	noECCheck     bool     // a kid that names a published EC key is proof enough: no verification
	noRSACheck    bool     // the same for RSA keys
	// unknownKidUnverified: a kid that the JWKS does not have (even fetched again) is taken
	// unverified, as if a missing key were no error.
	unknownKidUnverified bool
	noKidUnverified      bool   // a token without kid is taken unverified
	headerKey            string // "jwk", "jku", "x5c" or "x5u": verifies with the key that member gives
	fetchHeaderURLs      bool   // fetches the jku and x5u that a token names (then refuses it anyway)
	jwksOnce             bool   // fetches the JWKS once and keeps it for ever

	// ---- claims

	trustsThaIDIssuers bool // also trusts the issuers of ThaID's production and sandbox
	issHasPrefix       bool // takes an iss that starts with the issuer
	issHasSuffix       bool // takes an iss that ends with the issuer
	issFoldCase        bool // compares iss without case
	issIgnoresHost     bool // compares iss's scheme, port and path, not its host
	audAnyOwnClient    bool // takes an aud that is any client of its own (otherOwnClient too)
	audContains        bool // takes an aud that contains the client ID
	audWithin          bool // takes an aud that the client ID contains
	noAzpRequired      bool // takes several audiences without azp
	azpAnyOwnClient    bool // takes an azp that is any client of its own
	azpContains        bool // takes an azp that contains the client ID
	noExp              bool // never looks at exp
	noNbf              bool // never looks at nbf
	noIat              bool // never looks at iat
	skipNonce          bool // never compares the nonce
	nonceWhenPresent   bool // compares the nonce only when the token has one
	nonceAnyValue      bool // only checks that the token has a nonce
	nonceAnyLogin      bool // takes a nonce of any login in progress, not only this login's
	noAtHash           bool // never checks at_hash
	noPIDCheck         bool // takes any pid

	// ---- the redirect

	ignoreState bool // never compares the callback's state with the login's
	// noReplayCheck keeps a login after its callback, so the callback works again.
	noReplayCheck bool
	// stateOnly keeps the logins in progress on the server by state alone, bound to no
	// browser: whoever brings the state completes the login.
	stateOnly bool
	// redeemBeforeBinding finds the login by state and redeems its code, and only then checks
	// that the browser is the one that started it.
	redeemBeforeBinding bool
	// idempotentCallback: a callback whose login already completed, opened in a browser that
	// brings no login cookie, gets that login's session again (to survive a double-clicked
	// callback).
	idempotentCallback bool
	// sessionBeforeError starts the session as soon as the state checks out; a provider error
	// returns early, without ending it (other failures end it).
	sessionBeforeError bool
	noPKCE             bool // sends no PKCE (with openid, the nonce still ties the code to the login)

	// ---- the token endpoint

	noTimeout          bool // waits for the token endpoint as long as it takes
	uncheckedErrorJSON bool // reads the error body of a refused redemption as JSON without checking
	uncheckedTokenJSON bool // reads a 200 token response as JSON without checking
	flatFallback       bool // uses the flat claims when the token response has no id_token
	flatNoPKCE         bool // asks for no openid (flat claims only), sends no PKCE and no nonce

	// ---- test machinery, not carelessness

	// Broken: after its first session, it refuses every login once it has redeemed the code
	// (as an app that rate-limits logins, or whose session store is full). Its refusals prove
	// nothing.
	signsInOnce bool
	// Its callback only redirects to /callback/finish, which redeems the code (a two-step
	// callback: the time the login takes is that of both).
	twoStepCallback bool
	// Keeps only the last login started (a quick hack): a login started in another browser
	// makes this one's callback unknown before the code is redeemed.
	oneLoginAtATime bool
}

type rpLogin struct{ browser, state, nonce, verifier string }

type rp struct {
	careless carelessness
	issuer   string
	app      string
	hc       *http.Client

	mu        sync.Mutex
	byBrowser map[string]*rpLogin // logins in progress, by the rp_login cookie
	byState   map[string]*rpLogin // the same, by state
	completed map[string]string   // session by state of completed logins (idempotentCallback)
	sessions  map[string]bool
	signedIn  int       // sessions ever created
	jwks      *jwksCopy // jwksOnce: the JWKS fetched first
}

func carelessRP(c carelessness) func(issuer, app string) (http.Handler, error) {
	return func(issuer, app string) (http.Handler, error) {
		// Like the middleware RP, it needs the provider up before it serves.
		resp, err := http.Get(issuer + mockprovider.PathDiscovery)
		if err != nil {
			return nil, err
		}
		resp.Body.Close()
		r := &rp{careless: c, issuer: issuer, app: app, hc: &http.Client{Timeout: rpTimeout},
			byBrowser: map[string]*rpLogin{}, byState: map[string]*rpLogin{}, completed: map[string]string{},
			sessions: map[string]bool{}}
		if c.noTimeout {
			r.hc.Timeout = 0
		}
		mux := http.NewServeMux()
		mux.HandleFunc("GET /login", r.login)
		if c.twoStepCallback {
			mux.HandleFunc("GET /callback", func(w http.ResponseWriter, req *http.Request) {
				http.Redirect(w, req, "/callback/finish?"+req.URL.RawQuery, http.StatusFound)
			})
			mux.HandleFunc("GET /callback/finish", r.callback)
		} else {
			mux.HandleFunc("GET /callback", r.callback)
		}
		mux.HandleFunc("GET /me", func(w http.ResponseWriter, req *http.Request) {
			if ck, err := req.Cookie("rp_session"); err == nil && r.session(ck.Value) {
				_, _ = io.WriteString(w, "signed in")
				return
			}
			http.Redirect(w, req, "/login", http.StatusFound)
		})
		return mux, nil
	}
}

func (r *rp) session(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sessions[id]
}

func (r *rp) startSession(w http.ResponseWriter) string {
	id := randomString()
	r.mu.Lock()
	r.sessions[id] = true
	r.signedIn++
	r.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: "rp_session", Value: id, Path: "/", HttpOnly: true})
	return id
}

func (r *rp) endSession(w http.ResponseWriter, id string) {
	r.mu.Lock()
	delete(r.sessions, id)
	r.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: "rp_session", Path: "/", MaxAge: -1})
}

func (r *rp) login(w http.ResponseWriter, req *http.Request) {
	l := &rpLogin{browser: randomString(), state: randomString(), nonce: randomString(), verifier: randomString() + randomString()}
	r.mu.Lock()
	if r.careless.oneLoginAtATime {
		clear(r.byBrowser)
		clear(r.byState)
	}
	r.byBrowser[l.browser], r.byState[l.state] = l, l
	r.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: "rp_login", Value: l.browser, Path: "/", HttpOnly: true})
	sum := sha256.Sum256([]byte(l.verifier))
	q := url.Values{"response_type": {"code"}, "client_id": {mockprovider.DemoClientID},
		"redirect_uri": {r.app + "/callback"}, "scope": {"openid pid name"}, "state": {l.state},
		"nonce": {l.nonce}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])},
		"code_challenge_method": {"S256"}}
	if r.careless.flatNoPKCE {
		q.Set("scope", "pid name")
		q.Del("nonce")
	}
	if r.careless.flatNoPKCE || r.careless.noPKCE {
		q.Del("code_challenge")
		q.Del("code_challenge_method")
	}
	http.Redirect(w, req, r.issuer+mockprovider.PathAuthorize+"?"+q.Encode(), http.StatusFound)
}

// browserOf returns the rp_login cookie's value ("" = none).
func browserOf(req *http.Request) string {
	if ck, err := req.Cookie("rp_login"); err == nil {
		return ck.Value
	}
	return ""
}

// forget removes a login in progress. r.mu held.
func (r *rp) forget(l *rpLogin) {
	delete(r.byBrowser, l.browser)
	delete(r.byState, l.state)
}

// takeLogin finds the callback's login: by the browser's cookie, and checks the state; or,
// stateOnly or redeemBeforeBinding, by state alone. It is used up unless noReplayCheck (and,
// redeemBeforeBinding, not before the code is redeemed).
func (r *rp) takeLogin(req *http.Request) (*rpLogin, error) {
	state := req.URL.Query().Get("state")
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.careless.stateOnly || r.careless.redeemBeforeBinding {
		l := r.byState[state]
		switch {
		case l == nil:
			return nil, errors.New("login unknown or already used")
		case r.careless.stateOnly && !r.careless.noReplayCheck:
			r.forget(l)
		}
		return l, nil
	}
	l := r.byBrowser[browserOf(req)]
	if l == nil {
		return nil, errors.New("no login in progress in this browser")
	}
	if !r.careless.noReplayCheck {
		r.forget(l) // used once, whatever happens next
	}
	if !r.careless.ignoreState && state != l.state {
		return nil, errors.New("state mismatch")
	}
	return l, nil
}

// completedSession is the session of the callback's completed login when idempotentCallback
// and the browser brings no login cookie ("" = none).
func (r *rp) completedSession(req *http.Request) string {
	if !r.careless.idempotentCallback || browserOf(req) != "" {
		return ""
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.completed[req.URL.Query().Get("state")]
}

func (r *rp) callback(w http.ResponseWriter, req *http.Request) {
	if id := r.completedSession(req); id != "" {
		http.SetCookie(w, &http.Cookie{Name: "rp_session", Value: id, Path: "/", HttpOnly: true})
		http.Redirect(w, req, "/me", http.StatusFound)
		return
	}
	l, err := r.takeLogin(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusForbidden)
		return
	}
	session := ""
	if r.careless.sessionBeforeError {
		session = r.startSession(w)
	}
	if e := req.URL.Query().Get("error"); e != "" {
		http.Error(w, "the provider said "+e, http.StatusForbidden)
		return
	}
	if err := r.complete(req, l); err != nil {
		if session != "" {
			r.endSession(w, session)
		}
		http.Error(w, err.Error(), http.StatusForbidden)
		return
	}
	r.mu.Lock()
	broken := r.careless.signsInOnce && r.signedIn > 0
	r.mu.Unlock()
	if broken {
		http.Error(w, "too many logins", http.StatusTooManyRequests)
		return
	}
	if session == "" {
		session = r.startSession(w)
	}
	if r.careless.idempotentCallback {
		r.mu.Lock()
		r.completed[l.state] = session
		r.mu.Unlock()
	}
	http.Redirect(w, req, "/me", http.StatusFound)
}

// complete redeems the callback's code and checks what comes back.
func (r *rp) complete(req *http.Request, l *rpLogin) error {
	c := r.careless
	form := url.Values{"grant_type": {"authorization_code"}, "code": {req.URL.Query().Get("code")},
		"redirect_uri": {r.app + "/callback"}, "code_verifier": {l.verifier}}
	if c.flatNoPKCE || c.noPKCE {
		form.Del("code_verifier")
	}
	treq, _ := http.NewRequestWithContext(req.Context(), http.MethodPost, r.issuer+mockprovider.PathToken, strings.NewReader(form.Encode()))
	treq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	treq.SetBasicAuth(mockprovider.DemoClientID, mockprovider.DemoClientSecret)
	resp, err := r.hc.Do(treq)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		if c.uncheckedErrorJSON {
			var e map[string]any
			_ = json.Unmarshal(body, &e)
			return fmt.Errorf("token endpoint: %s", e["error"].(string)) // panics when the body is not a JSON error
		}
		return fmt.Errorf("token endpoint: %d", resp.StatusCode)
	}
	var tok map[string]any
	if err := json.Unmarshal(body, &tok); err != nil && !c.uncheckedTokenJSON {
		return err
	}
	var access string
	if c.uncheckedTokenJSON {
		access = tok["access_token"].(string) // panics when the body was not JSON
	} else {
		access, _ = tok["access_token"].(string)
	}
	if c.redeemBeforeBinding {
		r.mu.Lock()
		bound := browserOf(req) == l.browser
		if bound && !c.noReplayCheck {
			r.forget(l)
		}
		r.mu.Unlock()
		if !bound {
			return errors.New("this login was started in another browser")
		}
	}
	idToken, _ := tok["id_token"].(string)
	switch {
	case c.flatNoPKCE || (idToken == "" && c.flatFallback):
		return r.checkPID(tok)
	case idToken == "":
		return errors.New("no id_token")
	}
	claims, err := r.verify(req.Context(), idToken)
	if err != nil {
		return err
	}
	return r.checkClaims(claims, l, access)
}

// jwksCopy is the provider's JWKS as fetched: the keys, and each key's JSON text by kid.
type jwksCopy struct {
	set  jose.JSONWebKeySet
	text map[string][]byte
}

func (r *rp) keySet(ctx context.Context) (*jwksCopy, error) {
	r.mu.Lock()
	cached := r.jwks // set only when jwksOnce
	r.mu.Unlock()
	if cached != nil {
		return cached, nil
	}
	body, err := r.fetch(ctx, r.issuer+mockprovider.PathJWKS)
	if err != nil {
		return nil, err
	}
	var doc struct{ Keys []json.RawMessage }
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, err
	}
	ks := &jwksCopy{text: map[string][]byte{}}
	for _, raw := range doc.Keys {
		var k jose.JSONWebKey
		if err := k.UnmarshalJSON(raw); err != nil {
			return nil, err
		}
		ks.set.Keys = append(ks.set.Keys, k)
		ks.text[k.KeyID] = raw
	}
	if r.careless.jwksOnce {
		r.mu.Lock()
		r.jwks = ks
		r.mu.Unlock()
	}
	return ks, nil
}

func (r *rp) fetch(ctx context.Context, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := r.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %d", u, resp.StatusCode)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 1<<20))
}

// verify checks the ID token's algorithm and signature with the provider's JWKS (fetched
// every time, unless jwksOnce) and returns its claims.
func (r *rp) verify(ctx context.Context, raw string) (map[string]any, error) {
	c := r.careless
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, errors.New("not a JWT")
	}
	var hdr map[string]any
	if b, err := base64.RawURLEncoding.DecodeString(parts[0]); err != nil || json.Unmarshal(b, &hdr) != nil {
		return nil, errors.New("bad header")
	}
	unverified := func() (map[string]any, error) {
		b, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil {
			return nil, err
		}
		var claims map[string]any
		return claims, json.Unmarshal(b, &claims)
	}
	if c.skipSignature {
		return unverified()
	}
	alg, _ := hdr["alg"].(string)
	kid, _ := hdr["kid"].(string)
	algs := c.algs
	if algs == nil {
		algs = []string{"ES256", "RS256"}
	}
	switch {
	case alg == "none" && c.acceptNone:
		return unverified()
	case alg == "HS256" && c.hs256Key != "":
		return r.verifyHS256(ctx, parts, kid, unverified)
	case !slices.Contains(algs, alg):
		return nil, fmt.Errorf("alg %q", alg)
	}
	if member := headerKeyMember(hdr); member != "" {
		if c.fetchHeaderURLs {
			for _, m := range []string{"jku", "x5u"} {
				if u, ok := hdr[m].(string); ok {
					_, _ = r.fetch(ctx, u)
				}
			}
		}
		if c.headerKey == "" || hdr[c.headerKey] == nil {
			return nil, fmt.Errorf("the token brings its own key (%s)", member)
		}
		key, err := r.keyFromHeader(ctx, hdr, kid)
		if err != nil {
			return nil, err
		}
		return verifyWith(raw, key)
	}
	ks, err := r.keySet(ctx)
	if err != nil {
		return nil, err
	}
	if kid == "" {
		if c.noKidUnverified {
			return unverified()
		}
		for _, k := range ks.set.Keys {
			if claims, err := verifyWith(raw, k.Key); err == nil {
				return claims, nil
			}
		}
		return nil, errors.New("no published key verifies the ID token")
	}
	keys := ks.set.Key(kid)
	if len(keys) == 0 {
		if c.unknownKidUnverified {
			return unverified()
		}
		return nil, fmt.Errorf("kid %q is not published", kid)
	}
	switch keys[0].Key.(type) {
	case *ecdsa.PublicKey:
		if c.noECCheck {
			return unverified()
		}
	case *rsa.PublicKey:
		if c.noRSACheck {
			return unverified()
		}
	}
	return verifyWith(raw, keys[0].Key)
}

// headerKeyMember names the first member of hdr that carries or points at a key ("" = none).
func headerKeyMember(hdr map[string]any) string {
	for _, m := range []string{"jwk", "jku", "x5c", "x5u"} {
		if _, ok := hdr[m]; ok {
			return m
		}
	}
	return ""
}

// keyFromHeader is the careless headerKey: the key that the header's member gives.
func (r *rp) keyFromHeader(ctx context.Context, hdr map[string]any, kid string) (any, error) {
	switch r.careless.headerKey {
	case "jwk":
		b, _ := json.Marshal(hdr["jwk"])
		var k jose.JSONWebKey
		if err := k.UnmarshalJSON(b); err != nil {
			return nil, err
		}
		return k.Key, nil
	case "jku":
		u, _ := hdr["jku"].(string)
		body, err := r.fetch(ctx, u)
		if err != nil {
			return nil, err
		}
		var set jose.JSONWebKeySet
		if err := json.Unmarshal(body, &set); err != nil {
			return nil, err
		}
		if keys := set.Key(kid); len(keys) > 0 {
			return keys[0].Key, nil
		}
		return nil, errors.New("jku: no such kid")
	case "x5c":
		chain, _ := hdr["x5c"].([]any)
		if len(chain) == 0 {
			return nil, errors.New("x5c: empty")
		}
		s, _ := chain[0].(string)
		der, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, err
		}
		return certKey(der)
	case "x5u":
		u, _ := hdr["x5u"].(string)
		body, err := r.fetch(ctx, u)
		if err != nil {
			return nil, err
		}
		block, _ := pem.Decode(body)
		if block == nil {
			return nil, errors.New("x5u: no PEM")
		}
		return certKey(block.Bytes)
	}
	return nil, fmt.Errorf("header key %q", r.careless.headerKey)
}

func certKey(der []byte) (any, error) {
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return cert.PublicKey, nil
}

// verifyWith verifies an ES256 or RS256 token with key and returns its claims.
func verifyWith(raw string, key any) (map[string]any, error) {
	jws, err := jose.ParseSignedCompact(raw, []jose.SignatureAlgorithm{jose.ES256, jose.RS256})
	if err != nil {
		return nil, err
	}
	payload, err := jws.Verify(key)
	if err != nil {
		return nil, err
	}
	var claims map[string]any
	return claims, json.Unmarshal(payload, &claims)
}

// verifyHS256 is the careless hs256Key: an HMAC keyed with the published key of the kid, in
// the RP's form.
func (r *rp) verifyHS256(ctx context.Context, parts []string, kid string, claims func() (map[string]any, error)) (map[string]any, error) {
	ks, err := r.keySet(ctx)
	if err != nil {
		return nil, err
	}
	keys := ks.set.Key(kid)
	if len(keys) == 0 {
		return nil, fmt.Errorf("kid %q is not published", kid)
	}
	secret, err := inForm(keys[0].Key, ks.text[kid], r.careless.hs256Key)
	if err != nil {
		return nil, err
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(parts[0] + "." + parts[1]))
	if !hmac.Equal(m.Sum(nil), sig) {
		return nil, errors.New("HS256 signature")
	}
	return claims()
}

// inForm returns the public key pub (whose JWK text is jwk) in form f.
func inForm(pub any, jwk []byte, f keyForm) ([]byte, error) {
	spki := func() ([]byte, error) { return x509.MarshalPKIXPublicKey(pub) }
	member := func(name string) ([]byte, error) {
		var m map[string]any
		if err := json.Unmarshal(jwk, &m); err != nil {
			return nil, err
		}
		s, ok := m[name].(string)
		if !ok {
			return nil, fmt.Errorf("the JWK has no %s", name)
		}
		return []byte(s), nil
	}
	rsaKey, isRSA := pub.(*rsa.PublicKey)
	ecKey, isEC := pub.(*ecdsa.PublicKey)
	switch f {
	case formPEM:
		der, err := spki()
		return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), err
	case formDER:
		return spki()
	case formPKCS1DER, formPKCS1PEM:
		if !isRSA {
			return nil, errors.New("PKCS #1 is for RSA keys")
		}
		der := x509.MarshalPKCS1PublicKey(rsaKey)
		if f == formPKCS1PEM {
			return pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: der}), nil
		}
		return der, nil
	case formJWK:
		return jwk, nil
	case formECPoint:
		if !isEC {
			return nil, errors.New("not an EC key")
		}
		e, err := ecKey.ECDH()
		if err != nil {
			return nil, err
		}
		return e.Bytes(), nil
	case formRSAModulus:
		if !isRSA {
			return nil, errors.New("not an RSA key")
		}
		return rsaKey.N.Bytes(), nil
	case formJWKX:
		return member("x")
	case formJWKN:
		return member("n")
	}
	return nil, fmt.Errorf("key form %q", f)
}

func (r *rp) checkClaims(c map[string]any, l *rpLogin, accessToken string) error {
	cl := r.careless
	now := float64(time.Now().Unix())
	num := func(k string) (float64, bool) { v, ok := c[k].(float64); return v, ok }
	var aud []string
	switch a := c["aud"].(type) {
	case string:
		aud = []string{a}
	case []any:
		for _, x := range a {
			s, _ := x.(string)
			aud = append(aud, s)
		}
	}
	azp, hasAzp := c["azp"].(string)
	nonce, hasNonce := c["nonce"].(string)
	sum := sha256.Sum256([]byte(accessToken))
	exp, hasExp := num("exp")
	iat, _ := num("iat")
	nbf, hasNbf := num("nbf")
	switch {
	case !r.issuerOK(c["iss"]):
		return errors.New("iss")
	case !slices.ContainsFunc(aud, func(a string) bool { return ownClient(a, cl.audAnyOwnClient, cl.audContains, cl.audWithin) }):
		return errors.New("aud")
	case len(aud) > 1 && !hasAzp && !cl.noAzpRequired:
		return errors.New("several audiences and no azp")
	case hasAzp && !ownClient(azp, cl.azpAnyOwnClient, cl.azpContains, false):
		return errors.New("azp")
	case !cl.noExp && (!hasExp || exp < now):
		return errors.New("expired")
	case !cl.noNbf && hasNbf && nbf > now+60:
		return errors.New("nbf in the future")
	case !cl.noIat && iat > now+60:
		return errors.New("iat in the future")
	case !r.nonceOK(nonce, hasNonce, l):
		return errors.New("nonce")
	case !cl.noAtHash && c["at_hash"] != base64.RawURLEncoding.EncodeToString(sum[:16]):
		return errors.New("at_hash")
	}
	return r.checkPID(c)
}

func (r *rp) issuerOK(v any) bool {
	iss, _ := v.(string)
	c := r.careless
	switch {
	case iss == r.issuer:
		return true
	case c.trustsThaIDIssuers: // the issuers of the real ThaID
		return iss == thaid.Production.Issuer || iss == thaid.Sandbox.Issuer
	case c.issHasPrefix:
		return strings.HasPrefix(iss, r.issuer)
	case c.issHasSuffix:
		return strings.HasSuffix(iss, r.issuer)
	case c.issFoldCase:
		return strings.EqualFold(iss, r.issuer)
	case c.issIgnoresHost:
		return withoutHost(iss) == withoutHost(r.issuer)
	}
	return false
}

// withoutHost is a URL as text without its host name: scheme, port and path.
func withoutHost(s string) string {
	scheme, rest, _ := strings.Cut(s, "://")
	hostport, path, _ := strings.Cut(rest, "/")
	port := ""
	if i := strings.LastIndexByte(hostport, ':'); i >= 0 {
		port = hostport[i:]
	}
	return scheme + "://" + port + "/" + path
}

// ownClient reports whether the RP takes id (an aud or the azp) for its client ID: when it is,
// or, careless, when it is any client of its own, contains the client ID, or is within it.
func ownClient(id string, anyOwnClient, contains, within bool) bool {
	switch {
	case id == mockprovider.DemoClientID:
		return true
	case anyOwnClient:
		return id == otherOwnClient
	case contains:
		return strings.Contains(id, mockprovider.DemoClientID)
	case within:
		return strings.Contains(mockprovider.DemoClientID, id)
	}
	return false
}

func (r *rp) nonceOK(nonce string, present bool, l *rpLogin) bool {
	c := r.careless
	switch {
	case c.skipNonce, c.nonceWhenPresent && !present, c.nonceAnyValue && present:
		return true
	case c.nonceAnyLogin:
		r.mu.Lock()
		defer r.mu.Unlock()
		for _, other := range r.byState {
			if other.nonce == nonce {
				return true
			}
		}
	}
	return present && nonce == l.nonce
}

// checkPID takes a 13-digit PID with a valid check digit (thaid's own rule).
func (r *rp) checkPID(c map[string]any) error {
	pid, _ := c["pid"].(string)
	if _, err := thaid.ParsePID(pid); err != nil && !r.careless.noPIDCheck {
		return errors.New("pid")
	}
	return nil
}
