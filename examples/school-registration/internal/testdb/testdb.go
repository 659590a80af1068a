// Package testdb gives tests a fresh, empty database of each supported kind:
// a SQLite file in a temporary directory, and a PostgreSQL database with a
// random name on the server named by THAID_TEST_POSTGRES_URL, dropped when the
// test ends.
//
// When THAID_TEST_POSTGRES_URL is unset, PostgreSQL tests skip, unless
// THAID_TEST_REQUIRE_SERVICES=1, when they fail.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" driver

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/redact"
)

// Kind names a database kind in subtest names.
type Kind string

// The database kinds.
const (
	SQLite   Kind = "sqlite"
	Postgres Kind = "postgres"
)

// Kinds lists every kind, in the order tests run them.
var Kinds = []Kind{SQLite, Postgres}

// URL returns the DATABASE_URL of a fresh, empty database of the given kind.
func URL(t testing.TB, kind Kind) string {
	t.Helper()
	switch kind {
	case SQLite:
		return filepath.Join(t.TempDir(), "test.db")
	case Postgres:
		return PostgresURL(t)
	}
	t.Fatalf("testdb: unknown kind %q", kind)
	return ""
}

// Need skips (or fails, under THAID_TEST_REQUIRE_SERVICES=1) the test when the
// environment variable naming a service is unset, and returns its value.
func Need(t testing.TB, env string) string {
	t.Helper()
	v := os.Getenv(env)
	if v == "" {
		if os.Getenv("THAID_TEST_REQUIRE_SERVICES") == "1" {
			t.Fatalf("%s is not set and THAID_TEST_REQUIRE_SERVICES=1", env)
		}
		t.Skipf("%s is not set: skipping the test that needs it", env)
	}
	return v
}

// PostgresURL creates a database with a random name on the server of
// THAID_TEST_POSTGRES_URL and returns its URL. The database is dropped in
// t.Cleanup.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := Need(t, "THAID_TEST_POSTGRES_URL")
	u, err := url.Parse(base)
	if err != nil { // url.Parse's error quotes the URL, password included
		t.Fatal("THAID_TEST_POSTGRES_URL is not a valid URL (not shown: it may hold a password)")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "schoolreg_test_" + hex.EncodeToString(b[:])

	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("testdb: %v", redact.Error(err, base))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		admin.Close()
		t.Fatalf("testdb: create database: %v", redact.Error(err, base))
	}
	t.Cleanup(func() {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			t.Errorf("testdb: drop database %s: %v", name, redact.Error(err, base))
		}
	})
	u.Path = "/" + name
	return u.String()
}
