// Package store is the data layer of the school-registration example: areas
// (เขตพื้นที่การศึกษา), schools, registrations, area admins and super-admins,
// school news, the audit trail and the mail outbox.
//
// Decisions on registrations and admin changes write their audit entry (and a
// decision its mail, through the MailComposer) in their own transaction. The
// audit trail is append-only: dialect-specific migrations add triggers that
// make the database refuse an UPDATE of it, and a DELETE of any record that
// no purge note covers or that is younger than MinAuditRetention by the
// database's own clock. The retention purge first writes a note with its
// cutoff (which the database refuses unless it lies at least
// MinAuditRetention before its clock), then deletes the records older than
// it; the database refuses to delete a purge note. On PostgreSQL the purge is
// the SECURITY DEFINER function audit_log_purge, so that the app's role may
// have no DELETE on audit_log at all (deploy/postgres-app-role.sql).
//
// Every read or write of an admin (the list with its search and filters, a
// confirmation, a decision) is limited in its SQL to the areas the admin
// administers, and leaves out the admin's own registration. Only a
// super-admin's list (RegistrationFilter.AllAreas) and her reading of one
// registration (RegistrationForReader, which checks in its SQL that she is
// one) cover every area; her decisions are limited as anyone's.
//
// A registration keeps its last decision (approved, rejected or revoked) and
// the deciding admin's name; an area keeps its office's contact, which
// registrations carry to the status page and the mail; the names of admins
// are kept as their own login sent them (RecordAdminName), for as long as
// they are admins.
//
// It has one method per use case, and each method is one transaction. The same
// embedded migrations run on SQLite (modernc.org/sqlite, no cgo) and on
// PostgreSQL (pgx through database/sql).
//
// The seat rule (at most SeatLimit pending or approved registrations per
// school, and one active registration per citizen) is enforced inside the
// database: a guarded UPDATE of the school's seats_taken counter, a CHECK
// constraint on that counter, and a partial unique index on the citizen's PID.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/redact"
)

// Errors returned by the store. Callers compare with errors.Is.
var (
	// ErrNotFound means the row does not exist, or is not visible to the caller
	// (an admin of another area gets ErrNotFound, never a hint that it exists).
	ErrNotFound = errors.New("store: not found")
	// ErrSchoolFull means the school already has SeatLimit active registrations.
	ErrSchoolFull = errors.New("store: school has no free seat")
	// ErrAlreadyRegistered means the citizen already holds an active registration.
	ErrAlreadyRegistered = errors.New("store: citizen already has an active registration")
	// ErrNotApproved means the citizen has no approved registration for the school.
	ErrNotApproved = errors.New("store: no approved registration for this school")
	// ErrAlreadyAdmin means the citizen already administers the area.
	ErrAlreadyAdmin = errors.New("store: already an admin of this area")
	// ErrBadCSV means an import file is malformed.
	ErrBadCSV = errors.New("store: malformed CSV")
	// ErrRetentionTooShort means a purge's cutoff is not at least
	// MinAuditRetention before the database's clock: nothing was purged.
	ErrRetentionTooShort = errors.New("store: audit records are kept at least MinAuditRetention")
	// ErrBadURL means the database URL is malformed or has an unsupported
	// scheme. The error's text shows the URL only redacted, or not at all.
	ErrBadURL = errors.New("store: bad DATABASE_URL")
)

// SeatLimit is the default number of users a school may have, counting pending
// and approved registrations. Each school row carries its own seat_limit
// (default SeatLimit).
const SeatLimit = 2

// Dialect names the SQL database behind a Store.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DefaultSQLitePath is the database file used when DATABASE_URL is empty.
const DefaultSQLitePath = "school-registration.db"

// Store is the data layer. It is safe for concurrent use.
type Store struct {
	db      *sql.DB
	dialect Dialect
	now     func() time.Time
	compose MailComposer // nil: decisions queue no mail
}

// Open connects to databaseURL and runs the embedded migrations.
//
// An empty databaseURL means DefaultSQLitePath. A URL with the scheme
// postgres or postgresql opens PostgreSQL; another scheme:// URL is refused
// (ErrBadURL); anything else is a SQLite file path (an optional "sqlite:" or
// "file:" prefix is accepted).
//
// A PostgreSQL URL may hold a password: Open's errors show the URL only
// redacted (not at all when it does not parse), and the driver's errors are
// cleaned of its secrets.
func Open(ctx context.Context, databaseURL string) (*Store, error) {
	s, err := open(databaseURL)
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		if s.dialect == Postgres {
			shown, _ := redact.URL(databaseURL) // open checked that it parses
			return nil, fmt.Errorf("store: DATABASE_URL %s: %w", shown, redact.Error(err, databaseURL))
		}
		return nil, err
	}
	return s, nil
}

// urlScheme returns the scheme of databaseURL in lower case when it is a
// PostgreSQL scheme, or when it is followed by "//"; otherwise "" (a file path,
// perhaps with a "sqlite:" prefix, or a Windows drive letter).
func urlScheme(databaseURL string) string {
	i := strings.IndexByte(databaseURL, ':')
	if i < 2 {
		return ""
	}
	for j, c := range databaseURL[:i] {
		letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if !letter && (j == 0 || !('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return ""
		}
	}
	scheme := strings.ToLower(databaseURL[:i])
	if scheme == "postgres" || scheme == "postgresql" || strings.HasPrefix(databaseURL[i+1:], "//") {
		return scheme
	}
	return ""
}

func open(databaseURL string) (*Store, error) {
	var (
		db      *sql.DB
		dialect Dialect
		err     error
	)
	switch scheme := urlScheme(databaseURL); scheme {
	case "postgres", "postgresql":
		// pgx recognises the schemes in lower case only.
		dialect = Postgres
		db, err = openPostgres(scheme + databaseURL[len(scheme):])
	case "", "sqlite", "file":
		dialect = SQLite
		db, err = openSQLite(databaseURL)
	default:
		if shown, ok := redact.URL(databaseURL); ok {
			return nil, fmt.Errorf("%w: %s: unsupported scheme %q: want postgres://, postgresql:// or a SQLite file path",
				ErrBadURL, shown, scheme)
		}
		return nil, fmt.Errorf("%w: unsupported scheme %q: want postgres://, postgresql:// or a SQLite file path "+
			"(the value is not shown, as it may hold a password)", ErrBadURL, scheme)
	}
	if err != nil {
		return nil, err
	}
	return &Store{db: db, dialect: dialect, now: time.Now}, nil
}

// openPostgres checks databaseURL with pgx's own parser, so that a bad option
// fails here and not at the first connection, and opens the pool.
func openPostgres(databaseURL string) (*sql.DB, error) {
	shown, ok := redact.URL(databaseURL)
	if !ok {
		return nil, fmt.Errorf("%w: not a valid URL (want postgres://user:password@host:port/dbname; "+
			"the value is not shown, as it may hold a password)", ErrBadURL)
	}
	if _, err := pgx.ParseConfig(databaseURL); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrBadURL, shown, redact.Error(err, databaseURL))
	}
	db, err := sql.Open("pgx", databaseURL)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres %s: %w", shown, redact.Error(err, databaseURL))
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(5)
	return db, nil
}

// openSQLite opens the SQLite file named by databaseURL ("" is
// DefaultSQLitePath).
func openSQLite(databaseURL string) (*sql.DB, error) {
	path := databaseURL
	if path == "" {
		path = DefaultSQLitePath
	}
	path = strings.TrimPrefix(strings.TrimPrefix(path, "sqlite:"), "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	// _txlock=immediate: every transaction starts with BEGIN IMMEDIATE, so
	// writers queue on the database lock (waiting up to busy_timeout)
	// instead of failing on lock upgrade. WAL lets readers run meanwhile.
	q := url.Values{}
	q.Set("_txlock", "immediate")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	db.SetMaxOpenConns(8)
	return db, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Dialect reports which database the store uses.
func (s *Store) Dialect() Dialect { return s.dialect }

// Ping checks that the database answers (for a health endpoint).
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// SetClock replaces the clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

func (s *Store) nowUTC() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// inTx runs fn in a transaction and commits it, or rolls back on error.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// newID returns a random 128-bit identifier in hex.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// isUniqueViolation reports whether err is a unique-constraint violation of
// either driver.
func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return false
}

// isCheckViolation reports whether err is a CHECK-constraint violation.
func isCheckViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_CHECK
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23514"
	}
	return false
}

func nullTime(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// rowScanner is what the scan functions read one row from: *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(...any) error }

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

// queryAll runs a query on a database or in a transaction and scans every
// row with scan. what names the use case in errors.
func queryAll[T any](ctx context.Context, q querier, what string, scan func(rowScanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return out, nil
}
