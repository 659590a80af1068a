package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrationLockID is the PostgreSQL advisory lock that serialises app
// instances migrating the same database at start-up.
const migrationLockID = 7_287_243_101

// migrate applies every embedded migration not yet recorded in
// schema_migrations, all in one transaction. A file named NNNN_x.sql runs on
// both databases; NNNN_x.sqlite.sql and NNNN_x.postgres.sql only on theirs.
func (s *Store) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("store: list migrations: %w", err)
	}
	sort.Strings(names)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if s.dialect == Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLockID); err != nil {
				return fmt.Errorf("store: migration lock: %w", err)
			}
		}
		if err := s.createMigrationsTable(ctx, tx); err != nil {
			return err
		}
		for _, name := range names {
			version := strings.TrimSuffix(strings.TrimPrefix(name, "migrations/"), ".sql")
			if d := migrationDialect(version); d != "" && d != string(s.dialect) {
				continue
			}
			var one int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM schema_migrations WHERE version = $1`, version).Scan(&one)
			if err == nil {
				continue
			}
			if err != sql.ErrNoRows {
				return fmt.Errorf("store: read schema_migrations: %w", err)
			}
			body, err := migrationFS.ReadFile(name)
			if err != nil {
				return err
			}
			for _, stmt := range splitStatements(string(body)) {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("store: migration %s: %w", version, err)
				}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`,
				version, s.nowUTC()); err != nil {
				return fmt.Errorf("store: record migration %s: %w", version, err)
			}
		}
		return nil
	})
	if pe, ok := errors.AsType[*pgconn.PgError](err); ok && pe.Code == pgInsufficientPrivilege {
		return fmt.Errorf("%w (this database role may not change the schema: run `school-registration -migrate` "+
			"with the DATABASE_URL of the role that owns the tables first)", err)
	}
	return err
}

// pgInsufficientPrivilege is PostgreSQL's SQLSTATE for "permission denied".
const pgInsufficientPrivilege = "42501"

// createMigrationsTable creates schema_migrations unless it exists. On
// PostgreSQL it looks first, so that an app role without CREATE on the
// schema (the two-role deployment: the owner role migrates) starts on a
// migrated database.
func (s *Store) createMigrationsTable(ctx context.Context, tx *sql.Tx) error {
	if s.dialect == Postgres {
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil {
			return fmt.Errorf("store: look for schema_migrations: %w", err)
		}
		if exists {
			return nil
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    TEXT PRIMARY KEY,
			applied_at TIMESTAMP NOT NULL)`); err != nil {
		return fmt.Errorf("store: create schema_migrations: %w", err)
	}
	return nil
}

// splitStatements splits a migration file on semicolons that end a line, and
// drops comment-only lines. Migrations keep semicolons out of string literals.
func splitStatements(body string) []string {
	var out []string
	var cur strings.Builder
	for line := range strings.SplitSeq(body, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(trimmed, ";") {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
	}
	if rest := strings.TrimSpace(cur.String()); rest != "" {
		out = append(out, rest)
	}
	return out
}

// migrationDialect returns the dialect suffix of a migration version ("sqlite" of
// "0003_x.sqlite"), or "".
func migrationDialect(version string) string {
	if i := strings.LastIndexByte(version, '.'); i >= 0 {
		return version[i+1:]
	}
	return ""
}
