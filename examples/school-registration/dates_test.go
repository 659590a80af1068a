package main

import (
	"testing"
	"time"
)

func TestParseDay(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // in Bangkok time, yyyy-mm-dd (Gregorian); "" refused
	}{
		{"15/3/2569", "2026-03-15"},
		{"15/03/2569", "2026-03-15"},
		{"1-5-2569", "2026-05-01"},
		{"1.5.2569", "2026-05-01"},
		{"2569-05-01", "2026-05-01"}, // a Buddhist-era year typed into an ISO date
		{"2026-05-01", "2026-05-01"},
		{"15/3/2026", "2026-03-15"},
		{"29/2/2567", "2024-02-29"}, // 2567 BE is the leap year 2024
		{"29/2/2568", ""},
		{"31/4/2569", ""},
		{"2400-01-01", "2400-01-01"}, // up to 2400: Gregorian
		{"2401-01-01", "1858-01-01"}, // from 2401: Buddhist era
		{"9999-12-31", "9456-12-31"},
		{"10000-01-01", ""},
		{"0000-01-01", ""},
		{"999-01-01", ""},
		{"1857-12-31", ""}, // before 2401 BE: would read back as Gregorian
		{"1858-01-01", "1858-01-01"},
		{"15/3/69", ""},
		{"2569/3", ""},
		{"13/13/2569", ""},
		{"๑๕/๓/๒๕๖๙", ""},
		{"", ""},
	} {
		got, ok := parseDay(c.in, false)
		if s := got.Format(time.DateOnly); ok != (c.want != "") || (ok && s != c.want) {
			t.Errorf("parseDay(%q) = %s, %v; want %q", c.in, s, ok, c.want)
		}
		if ok && (got.Location() != bangkok || got.Hour() != 0) {
			t.Errorf("parseDay(%q) = %v: want the start of the day in Bangkok", c.in, got)
		}
		if next, ok := parseDay(c.in, true); ok && !next.Equal(got.AddDate(0, 0, 1)) {
			t.Errorf("parseDay(%q, dayAfter) = %v", c.in, next)
		}
	}
}

func TestReadDayFilter(t *testing.T) {
	errs := map[string]string{}
	f := readDayFilter("2026-05-01", "31/5/2569", errs)
	if len(errs) != 0 || f.ShownFrom != "1/5/2569" || f.ShownTo != "31/5/2569" || f.To.Sub(f.From).Hours() != 31*24 {
		t.Errorf("readDayFilter: %+v, %v", f, errs)
	}
	errs = map[string]string{}
	f = readDayFilter("2/5/2569", "1/5/2569", errs)
	if errs["to"] != "date_order" || len(errs) != 1 {
		t.Errorf("from after to: %v", errs)
	}
	errs = map[string]string{}
	readDayFilter("1/5/2569", "1/5/2569", errs)
	if len(errs) != 0 {
		t.Errorf("one day: %v", errs)
	}
	errs = map[string]string{}
	f = readDayFilter("32/1/2569", "", errs)
	if errs["from"] != "date" || f.ShownFrom != "32/1/2569" {
		t.Errorf("a wrong date: %+v, %v", f, errs)
	}
}

// FuzzParseDay: a date accepted is a whole day in Bangkok, of a Gregorian
// year from 1858 (2401 BE) to 9998 (SQLite compares it correctly as text),
// and reads back the same through beDay.
func FuzzParseDay(f *testing.F) {
	for _, s := range []string{"15/3/2569", "2026-05-01", "29/2/2567", "9999-12-31", "1/1/1858", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := parseDay(s, false)
		if !ok {
			return
		}
		if d.Year() < 1858 || d.Year() > 9998 || d.Location() != bangkok || d.Hour() != 0 || d.Minute() != 0 {
			t.Fatalf("parseDay(%q) = %v", s, d)
		}
		if again, ok := parseDay(beDay(d), false); !ok || !again.Equal(d) {
			t.Fatalf("parseDay(%q) = %v, written %q, read back %v, %v", s, d, beDay(d), again, ok)
		}
	})
}
