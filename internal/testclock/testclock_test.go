package testclock_test

import (
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/internal/testclock"
)

func TestClock(t *testing.T) {
	start := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	c := testclock.New(start)
	if !c.Now().Equal(start) {
		t.Fatalf("Now = %v, want %v", c.Now(), start)
	}
	c.Advance(90 * time.Second)
	if got := c.Now().Sub(start); got != 90*time.Second {
		t.Fatalf("after Advance(90s) the clock moved %v", got)
	}
}
