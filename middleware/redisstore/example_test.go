package redisstore_test

import (
	"context"
	"log"
	"net/http"
	"os"

	"github.com/redis/go-redis/v9"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/middleware/redisstore"
	"github.com/thaid-go/thaid-go/thaid"
)

// Every instance of the application shares one Redis and the same CookieKeys: a login started on
// one instance completes on another, and a logout anywhere ends the session everywhere.
//
// Not run as an example: it needs a live Redis. The package's tests run the same store against a
// real Redis (THAID_TEST_REDIS_ADDR) and Redis Cluster (THAID_TEST_REDIS_CLUSTER), which
// scripts/test.sh starts.
func ExampleNew() {
	ctx := context.Background()
	client, err := thaid.New(ctx, thaid.Config{
		ClientID:     os.Getenv("THAID_CLIENT_ID"),
		ClientSecret: thaid.Secret(os.Getenv("THAID_CLIENT_SECRET")),
		RedirectURL:  "https://school.example.go.th/auth/callback",
		Provider:     thaid.Production,
	})
	if err != nil {
		log.Fatal(err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: os.Getenv("REDIS_ADDR")})
	if err := rdb.Ping(ctx).Err(); err != nil {
		log.Fatal(err)
	}
	auth, err := middleware.New(middleware.Config{
		Client: client,
		Store:  redisstore.New(rdb, "school-registration:"),
		// The same keys on every instance (each at least 32 random bytes), from a secret store.
		CookieKeys: []thaid.Secret{thaid.Secret(os.Getenv("THAID_COOKIE_KEY"))},
	})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /auth/login", auth.Login())
	mux.Handle("GET /auth/callback", auth.Callback())
	mux.Handle("POST /auth/logout", auth.Logout())
	log.Fatal(http.ListenAndServe(":8080", mux))
}

// A Redis Cluster (or Sentinel: any redis.UniversalClient) works the same way: every command of
// the store touches one key.
//
// Not run as an example: it needs a live Redis Cluster.
func ExampleNew_cluster() {
	rdb := redis.NewClusterClient(&redis.ClusterOptions{
		Addrs: []string{"redis-0:6379", "redis-1:6379", "redis-2:6379"},
	})
	store := redisstore.New(rdb, "school-registration:")
	_ = middleware.Config{Store: store} // with Client and CookieKeys, as in the example of New
}
