module github.com/thaid-go/thaid-go/internal/abuse

go 1.26.0

require (
	github.com/redis/go-redis/v9 v9.23.0
	github.com/thaid-go/thaid-go v0.0.0
	github.com/thaid-go/thaid-go/middleware/redisstore v0.0.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/coreos/go-oidc/v3 v3.21.0 // indirect
	github.com/go-jose/go-jose/v4 v4.1.8 // indirect
	github.com/patrickmn/go-cache v2.1.0+incompatible // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/oauth2 v0.36.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
	rsc.io/qr v0.2.0 // indirect
)

replace github.com/thaid-go/thaid-go => ../..

replace github.com/thaid-go/thaid-go/middleware/redisstore => ../../middleware/redisstore
