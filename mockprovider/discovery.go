package mockprovider

import (
	"net/http"
	"slices"

	"github.com/go-jose/go-jose/v4"
)

// serveDiscovery answers /.well-known/openid-configuration.
func (p *Server) serveDiscovery(w http.ResponseWriter, r *http.Request, _ *RequestRecord, _ *Fault) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeError(w, http.StatusMethodNotAllowed, "invalid_request", "use GET")
		return
	}
	var algs []string
	p.mu.Lock()
	for _, k := range p.keys {
		if !slices.Contains(algs, k.alg) {
			algs = append(algs, k.alg)
		}
	}
	p.mu.Unlock()
	claims := append([]string{"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "version"}, allScopes[1:]...)
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                        p.issuer,
		"authorization_endpoint":                        p.issuer + PathAuthorize,
		"token_endpoint":                                p.issuer + PathToken,
		"introspection_endpoint":                        p.issuer + PathIntrospect,
		"revocation_endpoint":                           p.issuer + PathRevoke,
		"userinfo_endpoint":                             p.issuer + PathUserInfo,
		"jwks_uri":                                      p.issuer + PathJWKS,
		"response_types_supported":                      []string{"code"},
		"response_modes_supported":                      []string{"query"},
		"grant_types_supported":                         []string{"authorization_code", "refresh_token"},
		"subject_types_supported":                       []string{"public"},
		"id_token_signing_alg_values_supported":         algs,
		"code_challenge_methods_supported":              []string{"S256"},
		"scopes_supported":                              allScopes,
		"claims_supported":                              claims,
		"token_endpoint_auth_methods_supported":         []string{"client_secret_basic", "client_secret_post"},
		"introspection_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"revocation_endpoint_auth_methods_supported":    []string{"client_secret_basic", "client_secret_post"},
		"claims_parameter_supported":                    false,
		"request_parameter_supported":                   false,
	})
}

// serveJWKS answers /jwks/ with the published public keys.
func (p *Server) serveJWKS(w http.ResponseWriter, r *http.Request, _ *RequestRecord, _ *Fault) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeError(w, http.StatusMethodNotAllowed, "invalid_request", "use GET")
		return
	}
	var set jose.JSONWebKeySet
	p.mu.Lock()
	for _, k := range p.keys {
		set.Keys = append(set.Keys, k.jwk())
	}
	p.mu.Unlock()
	writeJSON(w, http.StatusOK, set)
}
