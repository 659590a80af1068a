package main

import (
	"slices"
	"strings"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
	"github.com/thaid-go/thaid-go/thaid"
)

// Titles a full name may start with when ThaID sends the full name ("name",
// "name_en") without the title claim.
var (
	thaiTitles    = []string{"นาย", "นาง", "นางสาว", "เด็กชาย", "เด็กหญิง", "ด.ช.", "ด.ญ.", "น.ส."}
	englishTitles = []string{"Mr.", "Mrs.", "Miss", "Ms.", "Master", "Mr", "Mrs", "Ms"}
)

// citizenName returns the citizen's name as ThaID sent it, part by part, in
// Thai and English. Every name claim is kept as sent (trimmed). A part that
// only the full name carries is taken from it: with the default scopes
// ("name title given_name family_name", no "middle_name") the middle name of
// "นาย จอห์น ไมเคิล สมิธ" is the word between the given and the family name;
// with only "name", the words are split into title (a known one), given,
// middle and family name. Either way the parts joined give the full name as
// sent; when the parts and the full name disagree, the parts win.
func citizenName(id *thaid.Identity) store.PersonName {
	var n store.PersonName
	n.Title, n.Given, n.Middle, n.Family = nameParts(id.Name, thaiTitles,
		id.Title, id.GivenName, id.MiddleName, id.FamilyName)
	n.TitleEN, n.GivenEN, n.MiddleEN, n.FamilyEN = nameParts(id.NameEN, englishTitles,
		id.TitleEN, id.GivenNameEN, id.MiddleNameEN, id.FamilyNameEN)
	return n
}

// nameParts returns the title, given, middle and family name from the
// claims, completed from the full name where it agrees with them.
func nameParts(full string, titles []string, title, given, middle, family string) (string, string, string, string) {
	title, given, middle, family = strings.TrimSpace(title), strings.TrimSpace(given),
		strings.TrimSpace(middle), strings.TrimSpace(family)
	words := strings.Fields(full)
	if len(words) == 0 {
		return title, given, middle, family
	}
	if given == "" && middle == "" && family == "" {
		// The full name alone: [title] given [middle ...] family.
		if t := strings.Fields(title); len(t) > 0 && hasPrefix(words, t) {
			words = words[len(t):]
		} else if title == "" && len(words) > 1 && slices.Contains(titles, words[0]) {
			title, words = words[0], words[1:]
		}
		switch len(words) {
		case 0:
			return title, "", "", ""
		case 1:
			return title, words[0], "", ""
		}
		return title, words[0], strings.Join(words[1:len(words)-1], " "), words[len(words)-1]
	}
	if middle != "" || given == "" || family == "" {
		return title, given, middle, family
	}
	// Given and family name claims without a middle name: the full name may
	// hold one between them, and the title before them.
	g, f := strings.Fields(given), strings.Fields(family)
	for i := 0; i+len(g)+len(f) <= len(words); i++ {
		if !hasPrefix(words[i:], g) || !slices.Equal(words[len(words)-len(f):], f) {
			continue
		}
		prefix := strings.Join(words[:i], " ")
		if title != "" && prefix != "" && prefix != strings.Join(strings.Fields(title), " ") {
			break // another title than the claim's: the full name disagrees
		}
		if title == "" {
			title = prefix
		}
		return title, given, strings.Join(words[i+len(g):len(words)-len(f)], " "), family
	}
	return title, given, middle, family
}

func hasPrefix(words, prefix []string) bool {
	return len(words) >= len(prefix) && slices.Equal(words[:len(prefix)], prefix)
}
