module github.com/thaid-go/thaid-go

go 1.25.0

require (
	github.com/coreos/go-oidc/v3 v3.21.0
	github.com/go-jose/go-jose/v4 v4.1.8
	github.com/patrickmn/go-cache v2.1.0+incompatible
	golang.org/x/oauth2 v0.36.0
	rsc.io/qr v0.2.0
)
