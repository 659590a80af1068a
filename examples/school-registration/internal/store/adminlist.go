package store

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// AdminPageSize is how many registrations one page of the admin list holds
// when the filter names no page size.
const AdminPageSize = 50

// PIDSuffixDigits is how many last digits of a citizen ID the admin list's
// search takes ("the last four digits", as people read them out on the
// phone). The masked ID that pages show already has the last three; a
// longer suffix would let an admin learn, by trying suffixes, more of an
// applicant's ID than the pages show.
const PIDSuffixDigits = 4

// MaxSearchDigits is the longest run of digits the search takes: a phone
// number has 9 or 10. A longer one is most likely a citizen ID (13 digits),
// which must not be searched for (it would stand in the URL, the browser's
// history and a proxy's log): ErrSearchFullPID.
const MaxSearchDigits = 10

// MaxSearchLength is the longest search, in characters, so that its SQL
// stays small: a longer one gives ErrSearchTooLong.
const MaxSearchLength = 100

// ErrSearchTooLong means a search was longer than MaxSearchLength characters.
var ErrSearchTooLong = errors.New("store: search too long")

// ErrSearchFullPID means a search held a run of more than MaxSearchDigits
// digits: most likely a whole citizen ID, which the list never searches by.
var ErrSearchFullPID = errors.New("store: a search by a whole citizen ID: search by its last 4 digits")

// RegistrationFilter selects registrations for an admin's list. Every list
// is limited to the areas the admin (AdminPID) administers, or to every area
// with AllAreas (a super-admin), and never holds the admin's own
// registrations: no other field can widen it.
type RegistrationFilter struct {
	AdminPID string // 13 digits: the admin who reads the list
	AllAreas bool   // every area (a super-admin); else the areas of AdminPID
	Area     string // one area (""; every area the admin may see)
	School   string // one school, by code ("": every school)
	Status   Status // one status ("": every status)
	// Search selects the registrations that match every word of it (words are
	// separated by spaces). A word matches the school's name or code, a part
	// of the applicant's name (Thai or English), the email, the phone number
	// (digits: "081-234-5678" and "0812345678" are the same), or, for exactly
	// PIDSuffixDigits digits, the last digits of the citizen ID. A masked ID as
	// the pages show it (1-1017-xxxxx-70-8) matches the IDs it masks. Letter
	// case does not count. A run of more than MaxSearchDigits digits gives
	// ErrSearchFullPID.
	Search      string
	From, To    time.Time // registered at or after From, before To (zero: unbounded)
	NewestFirst bool      // else oldest first
	Page        int       // from 1; beyond the last page: the last page
	PageSize    int       // 0: AdminPageSize
}

// RegistrationPage is one page of an admin's list.
type RegistrationPage struct {
	Registrations []Registration
	// Counts are the registrations of each status that match every field of
	// the filter but Status (and Page).
	Counts map[Status]int
	Total  int // that match the whole filter, on every page
	Page   int // the page returned, from 1
	Pages  int // how many pages the whole filter gives (at least 1)
}

// AdminRegistrations returns a page of the registrations an admin may see,
// with the counts per status, for the admin page's list, search and filters.
func (s *Store) AdminRegistrations(ctx context.Context, f RegistrationFilter) (RegistrationPage, error) {
	where, args, err := f.where()
	if err != nil {
		return RegistrationPage{}, err
	}
	type count struct {
		status Status
		n      int
	}
	counts, err := queryAll(ctx, s.db, "admin registrations", func(row rowScanner) (count, error) {
		var c count
		err := row.Scan(&c.status, &c.n)
		return c, err
	}, `SELECT r.status, COUNT(*)`+registrationJoins+` WHERE `+where+` GROUP BY r.status`, args...)
	if err != nil {
		return RegistrationPage{}, err
	}
	p := RegistrationPage{Counts: map[Status]int{}}
	for _, c := range counts {
		p.Counts[c.status] = c.n
		if f.Status == "" || c.status == f.Status {
			p.Total += c.n
		}
	}
	size := f.PageSize
	if size <= 0 {
		size = AdminPageSize
	}
	p.Pages = max(1, (p.Total+size-1)/size)
	p.Page = min(max(1, f.Page), p.Pages)
	if p.Total == 0 {
		return p, nil
	}
	if f.Status != "" {
		args = append(args, string(f.Status))
		where += " AND r.status = $" + strconv.Itoa(len(args))
	}
	order := "ASC"
	if f.NewestFirst {
		order = "DESC"
	}
	args = append(args, size, (p.Page-1)*size)
	p.Registrations, err = queryAll(ctx, s.db, "admin registrations", scanRegistration,
		`SELECT `+registrationColumns+registrationJoins+` WHERE `+where+`
		ORDER BY r.created_at `+order+`, r.id `+order+`
		LIMIT $`+strconv.Itoa(len(args)-1)+` OFFSET $`+strconv.Itoa(len(args)), args...)
	return p, err
}

// RegistrationForAdmin returns one registration that the admin may decide:
// in one of their areas, and not their own. Any other gives ErrNotFound.
func (s *Store) RegistrationForAdmin(ctx context.Context, adminPID, id string) (Registration, error) {
	r, err := scanRegistration(s.db.QueryRowContext(ctx, `SELECT `+registrationColumns+registrationJoins+`
		WHERE r.id = $1 AND `+adminMayDecide("r"), id, adminPID))
	if errors.Is(err, sql.ErrNoRows) {
		return Registration{}, ErrNotFound
	}
	return r, err
}

// adminMayRead is the condition "the admin whose PID is the parameter
// admin (e.g. "$2") may read the registration (alias r, joined to its school
// s)": not their own, and of one of their areas, or of any area for a
// super-admin. The registration pages and the audit trail's failed-mail
// entries use it; deciding needs adminMayDecide.
func adminMayRead(admin string) string {
	return `r.citizen_pid <> ` + admin + ` AND (EXISTS (SELECT 1 FROM super_admins sa WHERE sa.pid = ` + admin + `)
	OR s.area_code IN (SELECT aa.area_code FROM area_admins aa WHERE aa.pid = ` + admin + `))`
}

// RegistrationForReader returns one registration that the admin may read:
// of one of their areas, or of any area for a super-admin, and not their
// own. Any other gives ErrNotFound.
func (s *Store) RegistrationForReader(ctx context.Context, adminPID, id string) (Registration, error) {
	r, err := scanRegistration(s.db.QueryRowContext(ctx, `SELECT `+registrationColumns+registrationJoins+`
		WHERE r.id = $1 AND `+adminMayRead("$2"), id, adminPID))
	if errors.Is(err, sql.ErrNoRows) {
		return Registration{}, ErrNotFound
	}
	return r, err
}

// RegistrationsForReader returns the registrations of ids that the admin may
// read (as RegistrationForReader), by id; the others are left out.
func (s *Store) RegistrationsForReader(ctx context.Context, adminPID string, ids []string) (map[string]Registration, error) {
	out := map[string]Registration{}
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{adminPID}
	in := make([]string, 0, len(ids))
	for _, id := range ids {
		args = append(args, id)
		in = append(in, "$"+strconv.Itoa(len(args)))
	}
	regs, err := queryAll(ctx, s.db, "registrations for reader", scanRegistration, `SELECT `+registrationColumns+registrationJoins+`
		WHERE r.id IN (`+strings.Join(in, ", ")+`) AND `+adminMayRead("$1"), args...)
	if err != nil {
		return nil, err
	}
	for _, r := range regs {
		out[r.ID] = r
	}
	return out, nil
}

// where returns the SQL condition (over registrationJoins) of every field
// but Status, Page and PageSize, and its arguments.
func (f RegistrationFilter) where() (string, []any, error) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	// Never the admin's own registrations; only the admin's areas unless AllAreas.
	admin := arg(f.AdminPID)
	conds = append(conds, "r.citizen_pid <> "+admin)
	if !f.AllAreas {
		conds = append(conds, "s.area_code IN (SELECT aa.area_code FROM area_admins aa WHERE aa.pid = "+admin+")")
	}
	if f.Area != "" {
		conds = append(conds, "s.area_code = "+arg(f.Area))
	}
	if f.School != "" {
		conds = append(conds, "r.school_code = "+arg(f.School))
	}
	if !f.From.IsZero() {
		conds = append(conds, "r.created_at >= "+arg(f.From.UTC()))
	}
	if !f.To.IsZero() {
		conds = append(conds, "r.created_at < "+arg(f.To.UTC()))
	}
	terms, err := searchTerms(f.Search)
	if err != nil {
		return "", nil, err
	}
	for _, t := range terms {
		conds = append(conds, t.condition(arg))
	}
	return strings.Join(conds, " AND "), args, nil
}

// searchTerm is one word of a search.
type searchTerm struct {
	text   string // lower case, for the text columns
	digits string // the word's digits when it is a number, else ""
	masked []string
}

// registrationNames is every part of a registration's name, in one string.
const registrationNames = `(r.title || ' ' || r.given_name || ' ' || r.middle_name || ' ' || r.family_name || ' ' ||
	r.title_en || ' ' || r.given_name_en || ' ' || r.middle_name_en || ' ' || r.family_name_en)`

// condition returns the term's SQL condition, adding its arguments with arg.
func (t searchTerm) condition(arg func(any) string) string {
	switch {
	case t.masked != nil:
		return "(substr(r.citizen_pid, 1, 5) = " + arg(t.masked[0]) + " AND substr(r.citizen_pid, 11, 3) = " + arg(t.masked[1]) + ")"
	case t.digits != "":
		like := arg("%" + t.digits + "%")
		c := "(r.phone LIKE " + like + " OR r.school_code LIKE " + like
		if len(t.digits) == PIDSuffixDigits {
			c += " OR substr(r.citizen_pid, " + strconv.Itoa(14-PIDSuffixDigits) + ", " + strconv.Itoa(PIDSuffixDigits) + ") = " + arg(t.digits)
		}
		return c + ")"
	}
	like := arg("%" + likeEscaper.Replace(t.text) + "%")
	return "(lower(s.name) LIKE " + like + ` ESCAPE '\' OR lower(` + registrationNames + ") LIKE " + like +
		` ESCAPE '\' OR lower(r.email) LIKE ` + like + ` ESCAPE '\')`
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// maskedPID is a citizen ID masked as the pages show it: 1-1017-xxxxx-70-8.
var maskedPID = regexp.MustCompile(`^(\d)-?(\d{4})-?[xX]{5}-?(\d{2})-?(\d)$`)

// numberSeparators are the characters people write between digits.
var numberSeparators = strings.NewReplacer("-", "", ".", "", "(", "", ")", "", " ", "", "\u00a0", "")

// searchTerms splits a search into its words. A search that is one number
// written with spaces or dashes ("081 234 5678") is one word.
func searchTerms(search string) ([]searchTerm, error) {
	search = thaiDigitsToASCII(strings.TrimSpace(search))
	if search == "" {
		return nil, nil
	}
	if utf8.RuneCountInString(search) > MaxSearchLength {
		return nil, ErrSearchTooLong
	}
	words := strings.Fields(search)
	if n := asNumber(search); isDigits(n) {
		words = []string{n}
	}
	var terms []searchTerm
	for _, w := range words {
		if m := maskedPID.FindStringSubmatch(w); m != nil {
			terms = append(terms, searchTerm{masked: []string{m[1] + m[2], m[3] + m[4]}})
			continue
		}
		if n := asNumber(w); isDigits(n) {
			if len(n) > MaxSearchDigits {
				return nil, ErrSearchFullPID
			}
			terms = append(terms, searchTerm{digits: n})
			continue
		}
		if longestDigitRun(w) > MaxSearchDigits {
			return nil, ErrSearchFullPID
		}
		terms = append(terms, searchTerm{text: strings.ToLower(w)})
	}
	return terms, nil
}

// asNumber returns s without the separators people write between digits,
// and a Thai phone number's +66 as 0.
func asNumber(s string) string {
	n := numberSeparators.Replace(s)
	if rest, ok := strings.CutPrefix(n, "+66"); ok {
		return "0" + rest
	}
	return n
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// longestDigitRun is the length of the longest run of digits in s.
func longestDigitRun(s string) int {
	longest, run := 0, 0
	for _, r := range s {
		if '0' <= r && r <= '9' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

// thaiDigitsToASCII turns Thai digits (๐-๙) into 0-9.
func thaiDigitsToASCII(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return '๐' <= r && r <= '๙' }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if '๐' <= r && r <= '๙' {
			r = '0' + (r - '๐')
		}
		b.WriteRune(r)
	}
	return b.String()
}
