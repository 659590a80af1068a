package mockprovider

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"slices"
	"strings"
	"time"
)

// serveToken answers /api/v2/oauth2/token/.
func (p *Server) serveToken(w http.ResponseWriter, r *http.Request, rec *RequestRecord, _ *Fault) {
	if !parsePost(w, r) {
		return
	}
	f := r.PostForm
	rec.GrantType = f.Get("grant_type")
	rec.RedirectURI = f.Get("redirect_uri")
	rec.PKCE = f.Has("code_verifier")
	c := p.authenticateClient(w, r, rec)
	if c == nil {
		return
	}
	switch rec.GrantType {
	case "authorization_code":
		p.grantCode(w, r, rec, c)
	case "refresh_token":
		p.grantRefresh(w, r, rec, c)
	case "":
		writeError(w, http.StatusBadRequest, "invalid_request", "grant_type is required")
	default:
		writeError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
	}
}

func (p *Server) grantCode(w http.ResponseWriter, r *http.Request, rec *RequestRecord, c *RelyingParty) {
	f := r.PostForm
	code, verifier := f.Get("code"), f.Get("code_verifier")
	if code == "" {
		writeError(w, http.StatusBadRequest, "invalid_request", "code is required")
		return
	}
	p.mu.Lock()
	now := p.now()
	ac, ok := p.codes[code]
	var reused *authCode
	switch {
	case ok:
		delete(p.codes, code) // single use, whatever happens next
		p.usedCodes[code] = ac
	case p.codeReuse && p.usedCodes[code] != nil:
		// SetCodeReuse: redeemed again, as a provider that does not enforce single use.
		ac, ok = p.usedCodes[code], true
	default:
		if reused = p.usedCodes[code]; reused != nil {
			// RFC 6749 4.1.2: a code used twice revokes the tokens issued for it.
			reused.grant.revoked = true
		}
	}
	p.mu.Unlock()
	if reused != nil {
		p.logger.Warn("authorization code reused: its tokens are revoked", "client_id", c.ID)
	}
	// invalid_request as the ThaID manual lists these cases, or invalid_grant with
	// RFCGrantErrors (the effective profile's token.code_error, which setDefaults derives).
	codeError := p.profile.Token.CodeError
	switch {
	case !ok:
		writeError(w, http.StatusBadRequest, codeError, "invalid, expired or already used code")
		return
	case now.After(ac.expires):
		writeError(w, http.StatusBadRequest, codeError, "code expired")
		return
	case ac.grant.clientID != c.ID:
		writeError(w, http.StatusBadRequest, codeError, "code was issued to another client")
		return
	case f.Get("redirect_uri") != ac.redirectURI:
		writeError(w, http.StatusBadRequest, codeError, "redirect_uri differs from the authorization request")
		return
	}
	if ac.challenge != "" {
		if !validPKCEValue(verifier, 43, 128) {
			writeError(w, http.StatusBadRequest, "invalid_grant", "code_verifier missing or malformed")
			return
		}
		sum := sha256.Sum256([]byte(verifier))
		if subtle.ConstantTimeCompare([]byte(b64.EncodeToString(sum[:])), []byte(ac.challenge)) != 1 {
			writeError(w, http.StatusBadRequest, "invalid_grant", "code_verifier does not match code_challenge")
			return
		}
	} else if verifier != "" {
		writeError(w, http.StatusBadRequest, "invalid_grant", "code_verifier sent but no code_challenge was sent at authorize")
		return
	}
	rec.Scopes = ac.grant.scopes
	p.issueTokens(w, ac.grant, ac.grant.scopes, true, now)
}

func (p *Server) grantRefresh(w http.ResponseWriter, r *http.Request, rec *RequestRecord, c *RelyingParty) {
	f := r.PostForm
	rt := f.Get("refresh_token")
	if rt == "" {
		writeError(w, http.StatusBadRequest, "invalid_request", "refresh_token is required")
		return
	}
	var req []string
	if s := f.Get("scope"); s != "" {
		req = parseScopes(s)
	}
	p.mu.Lock()
	now := p.now()
	t, ok := p.tokens[rt]
	valid := ok && t.refresh && t.live(now) && t.grant.clientID == c.ID
	widens := valid && slices.ContainsFunc(req, func(x string) bool { return !slices.Contains(t.grant.scopes, x) })
	if valid && !widens && p.opts.RotateRefreshTokens {
		// Checked and used up in one step: of two concurrent refreshes with one rotating
		// refresh token, exactly one wins.
		t.revoked = true
	}
	p.mu.Unlock()
	if !valid {
		writeError(w, http.StatusUnauthorized, "invalid_refresh_token", "invalid, expired or revoked refresh token")
		return
	}
	scopes := t.grant.scopes
	if req != nil {
		rec.Scopes = req
		scopes = req
	}
	if widens {
		writeError(w, http.StatusBadRequest, "invalid_scope", "refresh may not widen the granted scopes")
		return
	}
	p.issueTokens(w, t.grant, scopes, p.opts.RotateRefreshTokens, now)
}

// issueTokens writes the token response for g, applying the next queued TokenFault.
func (p *Server) issueTokens(w http.ResponseWriter, g *grant, scopes []string, newRefresh bool, now time.Time) {
	access := randomToken(32)
	var refresh string
	if newRefresh {
		refresh = randomToken(32)
	}
	p.mu.Lock()
	p.sweepLocked(now)
	p.tokens[access] = &tokenRec{grant: g, scopes: scopes, issued: now, expires: now.Add(p.opts.AccessTokenTTL)}
	if refresh != "" {
		p.tokens[refresh] = &tokenRec{grant: g, scopes: g.scopes, refresh: true, issued: now, expires: now.Add(p.opts.RefreshTokenTTL)}
	}
	p.mu.Unlock()

	openid := slices.Contains(scopes, scopeOpenID)
	key, fault := p.nextTokenFault(openid)
	if fault.name != "" {
		p.logger.Info("token fault applied", "fault", fault.name)
	}
	resp := make(map[string]any, 24)
	if !openid || p.opts.FlatClaimsWithOpenID || fault.noIDToken {
		p.claims(g.citizen, scopes, resp)
		if fault.flat != nil {
			fault.flat(resp)
		}
	}
	resp["access_token"] = access
	resp["token_type"] = "Bearer"
	resp["scope"] = strings.Join(scopes, " ")
	if refresh != "" {
		resp["refresh_token"] = refresh
	}
	switch p.opts.ExpiryStyle {
	case ExpiryAbsolute:
		resp["expire_in"] = now.Add(p.opts.AccessTokenTTL).Unix()
	case ExpiryRelative:
		resp["expires_in"] = int64(p.opts.AccessTokenTTL / time.Second)
	default: // ExpiresInAbsolute
		resp["expires_in"] = now.Add(p.opts.AccessTokenTTL).Unix()
	}
	if openid && !fault.noIDToken {
		idt, err := p.idToken(g, scopes, access, now, key, fault)
		if err != nil {
			p.logger.Error("signing ID token", "err", err)
			writeError(w, http.StatusInternalServerError, "server_error", "could not sign the ID token")
			return
		}
		resp["id_token"] = idt
	}
	writeJSON(w, http.StatusOK, resp)
}

// idToken builds the ID token, lets the fault edit it, and signs it.
func (p *Server) idToken(g *grant, scopes []string, accessToken string, now time.Time, key *signingKey, fault tokenFaultDef) (string, error) {
	d := &idTokenDraft{
		claims:   make(map[string]any, 24),
		hdr:      jwtHeader{Alg: key.alg, Kid: key.kid, Typ: "JWT"},
		sign:     key.sign,
		key:      key,
		now:      now,
		ttl:      p.opts.IDTokenTTL,
		access:   accessToken,
		clientID: g.clientID,
	}
	c := d.claims
	p.claims(g.citizen, scopes, c)
	c["iss"] = p.issuer
	c["sub"] = g.citizen.Sub
	c["aud"] = g.clientID
	c["iat"] = now.Unix()
	c["exp"] = now.Add(p.opts.IDTokenTTL).Unix()
	c["auth_time"] = g.authTime.Unix()
	if p.profile.IDToken.AtHash != "absent" {
		c["at_hash"] = atHash(accessToken)
	}
	c["version"] = "2.0"
	if g.nonce != "" && p.profile.IDToken.Nonce != "absent" {
		c["nonce"] = g.nonce
	}
	if fault.idToken != nil {
		if err := fault.idToken(d); err != nil {
			return "", err
		}
	}
	tok, err := encodeJWT(d.hdr, d.claims, d.sign)
	if d.publish != nil {
		p.mu.Lock()
		p.keys = append(p.keys, d.publish)
		p.mu.Unlock()
	}
	return tok, err
}
