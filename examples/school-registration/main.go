// Command school-registration is the EMIS school-website registration app:
// teachers log in with ThaID, apply to manage their school's website, and the
// area admin approves them. It is the showcase of the thaid-go SDK.
//
// Run it with no configuration for a demo: an embedded mock ThaID (QR page
// included) and a SQLite file. See README.md for the environment variables.
//
// Flags: -import-areas and -import-schools import CSV files, -add-super-admin
// makes a super-admin, -migrate applies the database migrations; each then
// exits. Without a flag it serves.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
	"github.com/thaid-go/thaid-go/thaid"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "school-registration:", err)
		os.Exit(1)
	}
}

// run starts the app and serves until ctx is cancelled, then shuts down
// gracefully. With -import-areas / -import-schools it imports CSV files into
// the database and returns. The banner and import results go to stdout, the
// log and usage to stderr.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("school-registration", flag.ContinueOnError)
	flags.SetOutput(stderr)
	areasCSV := flags.String("import-areas", "", "import areas from this CSV file (code,name,name_en,province), then exit")
	schoolsCSV := flags.String("import-schools", "", "import schools from this CSV file (code,area_code,name,name_en,district,province), then exit")
	superPID := flags.String("add-super-admin", "", "make the citizen with this PID (13 digits) a super-admin, who assigns area admins in the app, then exit")
	migrateOnly := flags.Bool("migrate", false, "apply the database migrations, then exit (with the owner role's DATABASE_URL, when the app's role may not change the schema)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	cfg, err := configFromEnv(getenv)
	if err != nil {
		return err
	}
	if *migrateOnly {
		return runMigrate(ctx, cfg, stdout)
	}
	if *superPID != "" {
		return runAddSuperAdmin(ctx, cfg, *superPID, stdout)
	}
	if *areasCSV != "" || *schoolsCSV != "" {
		return runImport(ctx, cfg, *areasCSV, *schoolsCSV, stdout)
	}
	return serve(ctx, cfg, stdout, stderr, nil)
}

// runImport imports areas, then schools, from CSV files.
func runImport(ctx context.Context, cfg config, areasPath, schoolsPath string, stdout io.Writer) error {
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, job := range []struct {
		path string
		fn   func(context.Context, io.Reader) (int, error)
		what string
	}{{areasPath, st.ImportAreas, "areas"}, {schoolsPath, st.ImportSchools, "schools"}} {
		if job.path == "" {
			continue
		}
		f, err := os.Open(job.path)
		if err != nil {
			return err
		}
		n, err := job.fn(ctx, f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", job.path, err)
		}
		fmt.Fprintf(stdout, "imported %d %s from %s\n", n, job.what, job.path)
	}
	return nil
}

// runMigrate applies the migrations (store.Open does) and closes the database.
func runMigrate(ctx context.Context, cfg config, stdout io.Writer) error {
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintln(stdout, "the database is migrated")
	return nil
}

// runAddSuperAdmin makes a citizen a super-admin (the first-run command),
// recorded in the audit trail. The PID is shown masked only.
func runAddSuperAdmin(ctx context.Context, cfg config, rawPID string, stdout io.Writer) error {
	pid, err := thaid.ParsePID(strings.TrimSpace(rawPID))
	if err != nil {
		return fmt.Errorf("-add-super-admin: %w", err)
	}
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.AddSuperAdmin(ctx, pid.Digits()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s is a super-admin: they assign area admins at /admin/people\n", pid.Masked())
	return nil
}
