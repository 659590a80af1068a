package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/testdb"
)

// killHelperEnv, when set to a DATABASE_URL, turns the test binary into the
// writer process of TestKillDuringWrite.
const killHelperEnv = "SCHOOLREG_KILL_HELPER_DB"

func TestMain(m *testing.M) {
	if url := os.Getenv(killHelperEnv); url != "" {
		os.Exit(killHelper(url))
	}
	if url := os.Getenv(purgeHelperEnv); url != "" {
		os.Exit(purgeHelper(url))
	}
	os.Exit(m.Run())
}

// killHelper applies registrations in a loop, printing each id after its
// transaction committed, until it is killed.
func killHelper(url string) int {
	ctx := context.Background()
	s, err := Open(ctx, url)
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 1
	}
	out := bufio.NewWriter(os.Stdout)
	for i := 0; i < killSchools*SeatLimit; i++ {
		reg, err := s.Apply(ctx, app(i, fmt.Sprintf("K%05d", i/SeatLimit)))
		if err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			return 1
		}
		fmt.Fprintln(out, reg.ID)
		out.Flush()
	}
	return 0
}

const killSchools = 500

// TestKillDuringWrite runs a writer in another process, kills it with
// SIGKILL while it writes, and checks that every registration it reported as
// committed is there, whole, and that no partial transaction survived (the
// seat counters match the rows).
func TestKillDuringWrite(t *testing.T) {
	for _, kind := range testdb.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			url := testdb.URL(t, kind)
			s := openTest(t, url)
			ctx := context.Background()
			if _, err := s.ImportAreas(ctx, strings.NewReader("code,name\nK,kill test\n")); err != nil {
				t.Fatal(err)
			}
			var csv strings.Builder
			csv.WriteString("code,area_code,name\n")
			for i := range killSchools {
				fmt.Fprintf(&csv, "K%05d,K,school %d\n", i, i)
			}
			if _, err := s.ImportSchools(ctx, strings.NewReader(csv.String())); err != nil {
				t.Fatal(err)
			}

			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), killHelperEnv+"="+url)
			cmd.Stderr = os.Stderr
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Read committed ids until enough are in, then kill mid-stream.
			var committed []string
			sc := bufio.NewScanner(stdout)
			deadline := time.Now().Add(60 * time.Second)
			for len(committed) < 150 && time.Now().Before(deadline) && sc.Scan() {
				committed = append(committed, sc.Text())
			}
			if err := cmd.Process.Kill(); err != nil {
				t.Fatalf("kill: %v", err)
			}
			for sc.Scan() { // ids printed before the kill landed
				committed = append(committed, sc.Text())
			}
			_ = cmd.Wait()
			if len(committed) < 150 {
				t.Fatalf("writer reported only %d commits before the deadline", len(committed))
			}

			// Reopen, as a restarted app would.
			s.Close()
			s2 := openTest(t, url)
			for _, id := range committed {
				r, err := s2.Registration(ctx, id)
				if err != nil {
					t.Fatalf("committed registration %s: %v", id, err)
				}
				if r.Status != StatusPending || r.Name.Given == "" || r.Name.Family == "" || r.Phone == "" ||
					r.Email == "" || r.CitizenPID == "" || r.CreatedAt.IsZero() {
					t.Errorf("registration %s is not whole: %+v", id, r)
				}
			}
			bad, err := s2.SeatCheck(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(bad) != 0 {
				t.Errorf("seat counters disagree with rows at %v: a partial transaction survived", bad)
			}
			// At most one more commit than reported: the one whose id was not printed yet.
			schools, err := s2.SchoolsInArea(ctx, "K")
			if err != nil {
				t.Fatal(err)
			}
			taken := 0
			for _, sch := range schools {
				taken += sch.SeatsTaken
			}
			if taken != len(committed) && taken != len(committed)+1 {
				t.Errorf("%d registrations in the database, %d reported committed", taken, len(committed))
			}
		})
	}
}
