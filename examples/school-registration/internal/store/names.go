package store

import "strings"

// PersonName is a person's name as ThaID sends it: title, given, middle and
// family name, in Thai and in English. Any part may be empty (a scope not
// granted, no middle name). The store keeps every part as it came.
type PersonName struct {
	Title  string // คำนำหน้า: นาย, นาง, นางสาว, ...
	Given  string
	Middle string
	Family string

	TitleEN  string // Mr., Mrs., Miss, ...
	GivenEN  string
	MiddleEN string
	FamilyEN string
}

// Full returns the Thai full name, its parts joined by one space ("นาย
// จอห์น ไมเคิล สมิธ"); without a Thai given or family name, the English one.
func (n PersonName) Full() string {
	if !n.HasThai() {
		return n.FullEN()
	}
	return strings.Join(n.Parts(), " ")
}

// FullEN returns the English full name ("Mr. John Michael Smith"), or "".
func (n PersonName) FullEN() string { return strings.Join(n.PartsEN(), " ") }

// Parts returns the words of Full in the groups a page keeps on one line: the
// title with the given name, then the middle name, then the family name.
func (n PersonName) Parts() []string {
	if !n.HasThai() {
		return n.PartsEN()
	}
	return nameGroups(n.Title, n.Given, n.Middle, n.Family)
}

// PartsEN returns the words of FullEN grouped as Parts does.
func (n PersonName) PartsEN() []string {
	if n.GivenEN == "" && n.MiddleEN == "" && n.FamilyEN == "" {
		return nil
	}
	return nameGroups(n.TitleEN, n.GivenEN, n.MiddleEN, n.FamilyEN)
}

// HasThai reports whether the name has a Thai given, middle or family name.
func (n PersonName) HasThai() bool { return n.Given != "" || n.Middle != "" || n.Family != "" }

func nameGroups(title, given, middle, family string) []string {
	var out []string
	for _, p := range []string{joinNonEmpty(title, given), middle, family} {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parts is n's parts in the order the columns are read: title, given,
// middle, family, then the same in English.
func (n *PersonName) parts() [8]*string {
	return [...]*string{&n.Title, &n.Given, &n.Middle, &n.Family, &n.TitleEN, &n.GivenEN, &n.MiddleEN, &n.FamilyEN}
}

// scanDest is n's parts as Scan destinations.
func (n *PersonName) scanDest() []any {
	dest := make([]any, 0, 8)
	for _, p := range n.parts() {
		dest = append(dest, p)
	}
	return dest
}

// trimmed returns n with every part trimmed of spaces.
func (n PersonName) trimmed() PersonName {
	for _, p := range n.parts() {
		*p = strings.TrimSpace(*p)
	}
	return n
}

func joinNonEmpty(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p)
	}
	return b.String()
}
