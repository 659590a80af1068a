package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// beOffset is how many years the Buddhist era (พ.ศ.) counts ahead of the
// Gregorian one (ค.ศ.).
const beOffset = 543

// beFromYear is the first year a date filter reads as Buddhist era: a year
// from 2401 is พ.ศ. (2401 BE is 1858 CE; 2401 CE is centuries away), one
// from 1858 to 2400 is ค.ศ., so that a date written either way, or sent by
// a bookmark of an older page, reads as meant. Earlier Gregorian years are
// refused: written in the Buddhist era they would read as Gregorian.
const beFromYear = 2401

// minGregorianYear is the first Gregorian year a date filter takes.
const minGregorianYear = beFromYear - beOffset

// parseDay reads a date filter's value as the start of that day in Bangkok
// time; dayAfter gives the start of the next day instead, for an inclusive
// "to" date. It takes day/month/year, as Thai offices write dates
// ("15/3/2569", also with dashes or dots), and year-month-day ("2569-03-15",
// as an ISO date or an older page's date field sends it). A year after 2400
// is a Buddhist-era year (beFromYear). It reports false for anything else,
// and for a Gregorian year outside 1858-9998 (after 9998: SQLite compares
// times as text, and "10000-01-01" would sort before "2026-...").
func parseDay(v string, dayAfter bool) (time.Time, bool) {
	parts := strings.FieldsFunc(strings.TrimSpace(v), func(r rune) bool { return r == '/' || r == '-' || r == '.' })
	if len(parts) != 3 {
		return time.Time{}, false
	}
	var n [3]int
	for i, p := range parts {
		if p == "" || len(p) > 4 || strings.Trim(p, "0123456789") != "" {
			return time.Time{}, false
		}
		n[i], _ = strconv.Atoi(p)
	}
	day, month, year := n[0], n[1], n[2]
	if len(parts[0]) == 4 { // year-month-day
		year, month, day = n[0], n[1], n[2]
	} else if len(parts[2]) != 4 {
		return time.Time{}, false
	}
	if year >= beFromYear {
		year -= beOffset
	}
	if year < minGregorianYear || year > 9998 || month < 1 || month > 12 || day < 1 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, bangkok)
	if t.Day() != day { // 31 April, 29 February of a common year
		return time.Time{}, false
	}
	if dayAfter {
		t = t.AddDate(0, 0, 1)
	}
	return t, true
}

// beDay writes a day the way the date filters take it and Thai offices
// write it: day/month/Buddhist-era year ("15/3/2569").
func beDay(t time.Time) string {
	t = t.In(bangkok)
	return fmt.Sprintf("%d/%d/%d", t.Day(), int(t.Month()), t.Year()+beOffset)
}

// dayFilter is a from-to pair of date filters, read by readDayFilter.
type dayFilter struct {
	From, To time.Time // To is the start of the day after the "to" date; zero: unbounded
	// Shown are the values as the fields show them again: the accepted ones
	// in the Buddhist era, the others as typed.
	ShownFrom, ShownTo string
}

// readDayFilter reads the "from" and "to" date filters, adding their errors
// to errs: "date" for a value parseDay refuses, "date_order" on "to" when it
// is before "from" (the filter would be empty).
func readDayFilter(from, to string, errs map[string]string) dayFilter {
	f := dayFilter{ShownFrom: from, ShownTo: to}
	if from != "" {
		if t, ok := parseDay(from, false); ok {
			f.From, f.ShownFrom = t, beDay(t)
		} else {
			errs["from"] = "date"
		}
	}
	if to != "" {
		if t, ok := parseDay(to, true); ok {
			f.To, f.ShownTo = t, beDay(t.AddDate(0, 0, -1))
		} else {
			errs["to"] = "date"
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		errs["to"] = "date_order"
	}
	return f
}
