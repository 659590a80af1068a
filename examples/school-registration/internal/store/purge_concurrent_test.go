package store

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/testdb"
)

// purgeHelperEnv, when set to a DATABASE_URL, turns the test binary into the
// second instance of TestConcurrentPurge's two-process runs.
const purgeHelperEnv = "SCHOOLREG_PURGE_HELPER_DB"

// purgeHelper opens the store, prints "ready", then reads cutoffs (RFC 3339)
// from stdin, purges with each, and prints how many records it deleted (or
// "error: ...").
func purgeHelper(url string) int {
	ctx := context.Background()
	s, err := Open(ctx, url)
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 1
	}
	defer s.Close()
	fmt.Println("ready")
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		cutoff, err := time.Parse(time.RFC3339Nano, sc.Text())
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		n, err := s.PurgeAudit(ctx, cutoff)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(n)
	}
	return 0
}

// TestConcurrentPurge runs the retention purge in two instances on the same
// database at the same moment, round after round: each round must leave
// exactly one purge note, and delete each old record once (the two
// instances' counts add up to the records inserted, and one of them is 0).
// The second instance is another store in this process (its own connection
// pool), or another process (the test binary as purgeHelper), as two app
// instances on one host are.
//
// On PostgreSQL the purges take turns on an advisory lock. On SQLite every
// transaction begins IMMEDIATE, so the second purge waits (busy_timeout) for
// the first to commit and then finds nothing left: two processes may share
// one SQLite file (WAL), though sessions then need Redis (REDIS_URL) as for
// any two instances.
func TestConcurrentPurge(t *testing.T) {
	const (
		rounds  = 8
		records = 200
	)
	for _, kind := range testdb.Kinds {
		for _, mode := range []string{"two-pools", "two-processes"} {
			t.Run(string(kind)+"/"+mode, func(t *testing.T) {
				ctx := context.Background()
				url := testdb.URL(t, kind)
				a := openTest(t, url)
				var purgeB func(cutoff time.Time) (int64, error)
				if mode == "two-pools" {
					b, err := Open(ctx, url)
					if err != nil {
						t.Fatalf("second Open: %v", err)
					}
					t.Cleanup(func() { b.Close() })
					purgeB = func(cutoff time.Time) (int64, error) { return b.PurgeAudit(ctx, cutoff) }
				} else {
					purgeB = startPurgeHelper(t, url)
				}

				base := time.Now().UTC().Add(-MinAuditRetention - 30*24*time.Hour).Truncate(time.Second)
				for r := range rounds {
					// Records older than this round's cutoff and newer than the last one's.
					roundStart := base.Add(time.Duration(r) * time.Hour)
					err := a.inTx(ctx, func(tx *sql.Tx) error {
						for i := range records {
							at := roundStart.Add(time.Duration(i) * time.Second)
							if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (id, at, action, area_code, actor)
								VALUES ($1, $2, $3, $4, $5)`, fmt.Sprintf("r%d-%d", r, i), at, AuditApproved, areaBRM1, decidedMask); err != nil {
								return err
							}
						}
						return nil
					})
					if err != nil {
						t.Fatal(err)
					}
					cutoff := roundStart.Add(30 * time.Minute)

					var wg sync.WaitGroup
					start := make(chan struct{})
					var n [2]int64
					var errs [2]error
					for i, purge := range []func(time.Time) (int64, error){
						func(c time.Time) (int64, error) { return a.PurgeAudit(ctx, c) }, purgeB} {
						wg.Go(func() {
							<-start
							n[i], errs[i] = purge(cutoff)
						})
					}
					close(start)
					wg.Wait()
					for i, err := range errs {
						if err != nil {
							t.Fatalf("round %d: instance %d: PurgeAudit: %v", r, i, err)
						}
					}
					if n[0]+n[1] != records || (n[0] != 0 && n[1] != 0) {
						t.Errorf("round %d: the instances deleted %d and %d records, want %d by one of them", r, n[0], n[1], records)
					}
					notes, err := a.Audit(ctx, AuditFilter{Action: AuditPurged})
					if err != nil {
						t.Fatal(err)
					}
					if len(notes) != r+1 {
						t.Fatalf("round %d: %d purge notes, want %d", r, len(notes), r+1)
					}
					if want := fmt.Sprintf("%d audit records", records); !strings.Contains(notes[0].Reason, want) {
						t.Errorf("round %d: the newest purge note says %q, want %q", r, notes[0].Reason, want)
					}
					var left int
					if err := a.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action <> $1`, AuditPurged).Scan(&left); err != nil {
						t.Fatal(err)
					}
					if left != 0 {
						t.Errorf("round %d: %d records left after the purges, want 0", r, left)
					}
				}
			})
		}
	}
}

// startPurgeHelper starts the test binary as purgeHelper on url, waits until
// it is ready, and returns a function that has it purge with a cutoff.
func startPurgeHelper(t *testing.T, url string) func(cutoff time.Time) (int64, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), purgeHelperEnv+"="+url)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		_ = cmd.Wait()
	})
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() || lines.Text() != "ready" {
		t.Fatalf("purge helper did not start: %q", lines.Text())
	}
	return func(cutoff time.Time) (int64, error) {
		if _, err := fmt.Fprintln(stdin, cutoff.Format(time.RFC3339Nano)); err != nil {
			return 0, err
		}
		if !lines.Scan() {
			return 0, fmt.Errorf("purge helper: no answer: %v", lines.Err())
		}
		return strconv.ParseInt(lines.Text(), 10, 64)
	}
}
