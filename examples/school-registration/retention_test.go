package main

import (
	"context"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
	"github.com/thaid-go/thaid-go/examples/school-registration/internal/testdb"
)

// TestPurgeExpired: the app's retention purge removes the audit records older
// than AUDIT_RETENTION_DAYS by the database's clock and keeps the younger
// ones, with the shortest retention allowed (store.MinAuditRetention), on
// both databases.
func TestPurgeExpired(t *testing.T) {
	for _, kind := range testdb.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ctx := context.Background()
			st, err := store.Open(ctx, testdb.URL(t, kind))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if err := st.SeedSample(ctx); err != nil {
				t.Fatal(err)
			}
			at := time.Now().Add(-store.MinAuditRetention - 48*time.Hour)
			st.SetClock(func() time.Time { return at })
			old := store.AreaAdmin{PID: adminBRM1.PID, AreaCode: "3101"}
			if err := st.SetAreaAdmins(ctx, []store.AreaAdmin{old}); err != nil {
				t.Fatal(err)
			}
			at = time.Now().Add(-store.MinAuditRetention + 48*time.Hour)
			if err := st.SetAreaAdmins(ctx, []store.AreaAdmin{old, {PID: adminBRM3.PID, AreaCode: areaBRM3}}); err != nil {
				t.Fatal(err)
			}
			st.SetClock(time.Now)
			n, err := purgeExpired(ctx, st, store.MinAuditRetention)
			if err != nil || n != 1 {
				t.Fatalf("purgeExpired = %d, %v; want 1", n, err)
			}
			entries, err := st.Audit(ctx, store.AuditFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range entries {
				got = append(got, e.Action+"/"+e.AreaCode)
			}
			if len(got) != 2 || got[0] != store.AuditPurged+"/" || got[1] != store.AuditAdminGranted+"/"+areaBRM3 {
				t.Errorf("audit trail after the purge: %v, want the purge note and the younger grant", got)
			}
		})
	}
}
