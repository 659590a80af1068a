module github.com/thaid-go/thaid-go/examples/exampletest

go 1.25.0

require github.com/thaid-go/thaid-go v0.0.0

require (
	github.com/go-jose/go-jose/v4 v4.1.8 // indirect
	github.com/patrickmn/go-cache v2.1.0+incompatible // indirect
	rsc.io/qr v0.2.0 // indirect
)

replace github.com/thaid-go/thaid-go => ../..
