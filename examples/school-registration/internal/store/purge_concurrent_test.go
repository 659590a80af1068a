package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/testdb"
)

// TestConcurrentPurge runs the retention purge in two store instances (two
// connection pools, as two app instances have) on the same database at the
// same moment, round after round: each round must leave exactly one purge
// note, and delete each old record once (the two instances' counts add up to
// the records inserted, and one of them is 0).
//
// On PostgreSQL the purges take turns on an advisory lock. On SQLite every
// transaction begins IMMEDIATE, so the second purge waits for the first to
// commit and then finds nothing left. Two pools in one process take the same
// file locks as two processes (SQLite's unix VFS shares a file's locks
// between the connections of a process and keeps their semantics).
func TestConcurrentPurge(t *testing.T) {
	const (
		rounds  = 8
		records = 40
	)
	for _, kind := range testdb.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ctx := context.Background()
			url := testdb.URL(t, kind)
			a := openTest(t, url)
			b, err := Open(ctx, url)
			if err != nil {
				t.Fatalf("second Open: %v", err)
			}
			t.Cleanup(func() { b.Close() })

			base := time.Now().UTC().Add(-30 * 24 * time.Hour).Truncate(time.Second)
			for r := range rounds {
				// Records older than this round's cutoff and newer than the last one's.
				roundStart := base.Add(time.Duration(r) * time.Hour)
				for i := range records {
					at := roundStart.Add(time.Duration(i) * time.Second)
					if _, err := a.db.ExecContext(ctx, `INSERT INTO audit_log (id, at, action, area_code, actor)
						VALUES ($1, $2, $3, $4, $5)`, fmt.Sprintf("r%d-%d", r, i), at, AuditApproved, areaBRM1, decidedMask); err != nil {
						t.Fatal(err)
					}
				}
				cutoff := roundStart.Add(30 * time.Minute)

				var wg sync.WaitGroup
				start := make(chan struct{})
				var n [2]int64
				var errs [2]error
				for i, s := range []*Store{a, b} {
					wg.Go(func() {
						<-start
						n[i], errs[i] = s.PurgeAudit(ctx, cutoff)
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
