package main

// A small relying party written for these tests only, independent of package thaid, whose
// checks can be switched off one by one: test data for the "careless RP" tests. With nothing
// switched off it makes every check the plan asks for.

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
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

// carelessness says which checks the RP skips.
type carelessness struct {
	skipSignature bool // decodes the ID token without checking its signature
	skipNonce     bool // never compares the nonce
	ignoreState   bool // never compares the callback's state with the login's
	noReplayCheck bool // keeps a login after its callback, so the callback works again
	noTimeout     bool // waits for the token endpoint as long as it takes
	noPIDCheck    bool // takes any pid
	flatFallback  bool // uses the flat claims when the token response has no id_token
	flatNoPKCE    bool // asks for no openid (flat claims only), sends no PKCE and no nonce
	// Not careless, broken: after its first session, it refuses every login once it has
	// redeemed the code (as an app that rate-limits logins, or whose session store is full).
	// Its refusals prove nothing.
	signsInOnce bool
	// Its callback only redirects to /callback/finish, which redeems the code (a two-step
	// callback: the time the login takes is that of both).
	twoStepCallback bool
	// Keeps only the last login started (a quick hack): a login started in another browser
	// makes this one's callback unknown before the code is redeemed.
	oneLoginAtATime bool
}

type rpLogin struct{ state, nonce, verifier string }

type rp struct {
	careless carelessness
	issuer   string
	app      string
	hc       *http.Client

	mu       sync.Mutex
	logins   map[string]rpLogin // by the rp_login cookie; deleted when used
	sessions map[string]bool
	signedIn int // sessions ever created
}

func carelessRP(issuer string, c carelessness) func(app string) (http.Handler, error) {
	return func(app string) (http.Handler, error) {
		// Like the middleware RP, it needs the provider up before it serves.
		resp, err := http.Get(issuer + mockprovider.PathDiscovery)
		if err != nil {
			return nil, err
		}
		resp.Body.Close()
		r := &rp{careless: c, issuer: issuer, app: app, hc: &http.Client{Timeout: time.Second},
			logins: map[string]rpLogin{}, sessions: map[string]bool{}}
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

func random() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (r *rp) session(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sessions[id]
}

func (r *rp) login(w http.ResponseWriter, req *http.Request) {
	l := rpLogin{state: random(), nonce: random(), verifier: random() + random()}
	id := random()
	r.mu.Lock()
	if r.careless.oneLoginAtATime {
		clear(r.logins)
	}
	r.logins[id] = l
	r.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: "rp_login", Value: id, Path: "/", HttpOnly: true})
	sum := sha256.Sum256([]byte(l.verifier))
	q := url.Values{"response_type": {"code"}, "client_id": {mockprovider.DemoClientID},
		"redirect_uri": {r.app + "/callback"}, "scope": {"openid pid name"}, "state": {l.state},
		"nonce": {l.nonce}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])},
		"code_challenge_method": {"S256"}}
	if r.careless.flatNoPKCE {
		q.Set("scope", "pid name")
		q.Del("nonce")
		q.Del("code_challenge")
		q.Del("code_challenge_method")
	}
	http.Redirect(w, req, r.issuer+mockprovider.PathAuthorize+"?"+q.Encode(), http.StatusFound)
}

func (r *rp) callback(w http.ResponseWriter, req *http.Request) {
	if err := r.complete(req); err != nil {
		http.Error(w, err.Error(), http.StatusForbidden)
		return
	}
	id := random()
	r.mu.Lock()
	broken := r.careless.signsInOnce && r.signedIn > 0
	if !broken {
		r.sessions[id] = true
		r.signedIn++
	}
	r.mu.Unlock()
	if broken {
		http.Error(w, "too many logins", http.StatusTooManyRequests)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: "rp_session", Value: id, Path: "/", HttpOnly: true})
	http.Redirect(w, req, "/me", http.StatusFound)
}

func (r *rp) complete(req *http.Request) error {
	ck, err := req.Cookie("rp_login")
	if err != nil {
		return errors.New("no login in this browser")
	}
	r.mu.Lock()
	l, ok := r.logins[ck.Value]
	if !r.careless.noReplayCheck {
		delete(r.logins, ck.Value) // used once
	}
	r.mu.Unlock()
	q := req.URL.Query()
	switch {
	case !ok:
		return errors.New("login unknown or already used")
	case !r.careless.ignoreState && q.Get("state") != l.state:
		return errors.New("state mismatch")
	case q.Get("error") != "":
		return fmt.Errorf("provider error %q", q.Get("error"))
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {q.Get("code")},
		"redirect_uri": {r.app + "/callback"}, "code_verifier": {l.verifier}}
	if r.careless.flatNoPKCE {
		form.Del("code_verifier")
	}
	treq, _ := http.NewRequestWithContext(req.Context(), http.MethodPost, r.issuer+mockprovider.PathToken, strings.NewReader(form.Encode()))
	treq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	treq.SetBasicAuth(mockprovider.DemoClientID, mockprovider.DemoClientSecret)
	resp, err := r.hc.Do(treq)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("token endpoint: %d", resp.StatusCode)
	}
	var tok map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
		return err
	}
	idToken, _ := tok["id_token"].(string)
	switch {
	case r.careless.flatNoPKCE || (idToken == "" && r.careless.flatFallback):
		return r.checkPID(tok)
	case idToken == "":
		return errors.New("no id_token")
	}
	claims, err := r.verify(req.Context(), idToken)
	if err != nil {
		return err
	}
	access, _ := tok["access_token"].(string)
	return r.checkClaims(claims, l, access)
}

// verify checks the signature against the provider's JWKS (fetched every time) and returns the
// claims; careless, it only decodes them.
func (r *rp) verify(ctx context.Context, raw string) (map[string]any, error) {
	var payload []byte
	if r.careless.skipSignature {
		parts := strings.Split(raw, ".")
		if len(parts) != 3 {
			return nil, errors.New("not a JWT")
		}
		var err error
		if payload, err = base64.RawURLEncoding.DecodeString(parts[1]); err != nil {
			return nil, err
		}
	} else {
		jws, err := jose.ParseSignedCompact(raw, []jose.SignatureAlgorithm{jose.ES256, jose.RS256})
		if err != nil {
			return nil, err
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, r.issuer+mockprovider.PathJWKS, nil)
		resp, err := r.hc.Do(req)
		if err != nil {
			return nil, err
		}
		var set jose.JSONWebKeySet
		err = json.NewDecoder(resp.Body).Decode(&set)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		keys := set.Keys
		if kid := jws.Signatures[0].Header.KeyID; kid != "" {
			keys = set.Key(kid)
		}
		for _, k := range keys {
			if payload, err = jws.Verify(k.Key); err == nil {
				break
			}
		}
		if payload == nil {
			return nil, errors.New("no published key verifies the ID token")
		}
	}
	var claims map[string]any
	return claims, json.Unmarshal(payload, &claims)
}

func (r *rp) checkClaims(c map[string]any, l rpLogin, accessToken string) error {
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
	sum := sha256.Sum256([]byte(accessToken))
	exp, hasExp := num("exp")
	iat, _ := num("iat")
	switch {
	case c["iss"] != r.issuer:
		return errors.New("iss")
	case !slices.Contains(aud, mockprovider.DemoClientID) || len(aud) > 1:
		return errors.New("aud: only this client is trusted")
	case !hasExp || exp < now:
		return errors.New("expired")
	case iat > now+60:
		return errors.New("iat in the future")
	case !r.careless.skipNonce && c["nonce"] != l.nonce:
		return errors.New("nonce")
	case c["at_hash"] != base64.RawURLEncoding.EncodeToString(sum[:16]):
		return errors.New("at_hash")
	}
	if nbf, ok := num("nbf"); ok && nbf > now+60 {
		return errors.New("nbf in the future")
	}
	return r.checkPID(c)
}

func (r *rp) checkPID(c map[string]any) error {
	if pid, _ := c["pid"].(string); !r.careless.noPIDCheck && !validPID(pid) {
		return errors.New("pid")
	}
	return nil
}

// validPID reports whether s is a 13-digit PID with a valid check digit (thaid's own rule).
func validPID(s string) bool {
	_, err := thaid.ParsePID(s)
	return err == nil
}
