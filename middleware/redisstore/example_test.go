package redisstore_test

import (
	"context"
	"log"
	"net/http"
	"os"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/middleware/redisstore"
	"github.com/thaid-go/thaid-go/thaid"
)

// Every instance of the application shares one Redis, the same key prefix and the same
// CookieKeys: a login started on one instance completes on another, and a logout anywhere ends
// the session everywhere.
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
	opt, err := redis.ParseURL(os.Getenv("REDIS_URL")) // redis://user:password@host:6379/0, rediss:// for TLS
	if err != nil {
		log.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	if err := rdb.Ping(ctx).Err(); err != nil {
		log.Fatal(err)
	}
	var keys []thaid.Secret // the same on every instance, from a secret store: openssl rand -base64 32
	for _, k := range strings.Split(os.Getenv("THAID_COOKIE_KEYS"), ",") {
		keys = append(keys, thaid.Secret(k))
	}
	auth, err := middleware.New(middleware.Config{
		Client:     client,
		Store:      redisstore.New(rdb, "school-registration:"),
		CookieKeys: keys,
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
