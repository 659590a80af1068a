module github.com/thaid-go/thaid-go/examples/exampletest/testdata/good

go 1.25.0

require github.com/thaid-go/thaid-go v0.0.0

require (
	github.com/coreos/go-oidc/v3 v3.21.0 // indirect
	github.com/go-jose/go-jose/v4 v4.1.8 // indirect
	github.com/patrickmn/go-cache v2.1.0+incompatible // indirect
	golang.org/x/oauth2 v0.36.0 // indirect
	rsc.io/qr v0.2.0 // indirect
)

replace github.com/thaid-go/thaid-go => ../../../..
