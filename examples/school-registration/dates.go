package main

import "time"

// parseDay reads a date filter's value (YYYY-MM-DD, as <input type=date>
// sends it) as the start of that day in Bangkok time; dayAfter gives the
// start of the next day instead, for an inclusive "to" date. It reports
// false for anything else, and for years outside 1000-9998: SQLite compares
// times as text, and "10000-01-01" would sort before "2026-...".
func parseDay(v string, dayAfter bool) (time.Time, bool) {
	t, err := time.ParseInLocation(time.DateOnly, v, bangkok)
	if err != nil || t.Year() < 1000 || t.Year() > 9998 {
		return time.Time{}, false
	}
	if dayAfter {
		t = t.AddDate(0, 0, 1)
	}
	return t, true
}
