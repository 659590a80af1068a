package main

import (
	"strings"
	"testing"
)

// TestErrorSummaryOrder: the summary lists errors in the form's order, any
// field it does not know after them, each linked to its input, with the
// limit and the length typed.
func TestErrorSummaryOrder(t *testing.T) {
	errs := map[string]string{"reason": "too_long", "zeta": "invalid", "to": "date_order", "from": "date", "pid": "pid_length"}
	values := map[string]string{"reason": strings.Repeat("ก", 501), "pid": "1-1017-0023"}
	var got []string
	for _, e := range errorSummary(errs, values, map[string]string{"to": "f-to"}) {
		got = append(got, e.Field+">"+e.Anchor)
		switch e.Field {
		case "reason":
			if e.Max != maxReason || e.Got != 501 {
				t.Errorf("reason: max %d, got %d", e.Max, e.Got)
			}
		case "pid":
			if e.Got != 9 {
				t.Errorf("pid: %d digits counted, want 9", e.Got)
			}
		}
	}
	if want := "from>from to>f-to pid>pid reason>reason zeta>zeta"; strings.Join(got, " ") != want {
		t.Errorf("summary %v, want %s", got, want)
	}
}
