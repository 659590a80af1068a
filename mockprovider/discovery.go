package mockprovider

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"

	"github.com/go-jose/go-jose/v4"
)

// discoveryDefaults are the discovery members the mock knows, each with its value. The URL
// members, the issuer and id_token_signing_alg_values_supported are filled in per request.
var discoveryDefaults = map[string]func(p *Server, algs []string) any{
	"issuer":                                        func(p *Server, _ []string) any { return p.issuer },
	"authorization_endpoint":                        func(p *Server, _ []string) any { return p.issuer + PathAuthorize },
	"token_endpoint":                                func(p *Server, _ []string) any { return p.issuer + PathToken },
	"introspection_endpoint":                        func(p *Server, _ []string) any { return p.issuer + PathIntrospect },
	"revocation_endpoint":                           func(p *Server, _ []string) any { return p.issuer + PathRevoke },
	"userinfo_endpoint":                             func(p *Server, _ []string) any { return p.issuer + PathUserInfo },
	"jwks_uri":                                      func(p *Server, _ []string) any { return p.issuer + PathJWKS },
	"id_token_signing_alg_values_supported":         func(_ *Server, algs []string) any { return algs },
	"response_types_supported":                      constant([]string{"code"}),
	"response_modes_supported":                      constant([]string{"query"}),
	"grant_types_supported":                         constant([]string{"authorization_code", "refresh_token"}),
	"subject_types_supported":                       constant([]string{"public"}),
	"subject_type_supported":                        constant([]string{"public"}), // sic: the sandbox's spelling
	"code_challenge_methods_supported":              constant([]string{"S256"}),
	"scopes_supported":                              constant(allScopes),
	"claims_supported":                              constant(append([]string{"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "version"}, allScopes[1:]...)),
	"token_endpoint_auth_methods_supported":         constant([]string{"client_secret_basic", "client_secret_post"}),
	"introspection_endpoint_auth_methods_supported": constant([]string{"client_secret_basic", "client_secret_post"}),
	"revocation_endpoint_auth_methods_supported":    constant([]string{"client_secret_basic", "client_secret_post"}),
	"claims_parameter_supported":                    constant(false),
	"request_parameter_supported":                   constant(false),
}

func constant(v any) func(*Server, []string) any { return func(*Server, []string) any { return v } }

// DiscoveryMemberNames lists, sorted, the discovery members whose value the mock knows without
// a value in the profile (DiscoveryProfile).
func DiscoveryMemberNames() []string { return slices.Sorted(maps.Keys(discoveryDefaults)) }

// serveDiscovery answers /.well-known/openid-configuration with the profile's members.
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
	doc := make(map[string]any, len(p.profile.Discovery.Members))
	for _, m := range p.profile.Discovery.Members {
		if v, ok := p.profile.Discovery.Values[m]; ok {
			doc[m] = json.RawMessage(v)
		} else if f, ok := discoveryDefaults[m]; ok {
			doc[m] = f(p, algs)
		} else {
			// A URL member of a recorded provider that the mock does not serve (validated:
			// only those get here): announced, answered 404.
			doc[m] = p.issuer + "/unsupported/" + m + "/"
		}
	}
	writeJSON(w, http.StatusOK, doc)
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
