package main

import (
	"html/template"
	"net/url"
	"regexp"
	"strings"
)

// linkCandidate finds what may be a web address in a text: http:// or
// https:// (any letter case) and what follows up to a space, a quote or an
// angle bracket.
var linkCandidate = regexp.MustCompile(`(?i)https?://[^\s<>"']+`)

// linkTrailing is punctuation that ends a sentence or a bracket around an
// address rather than belonging to it.
const linkTrailing = `.,;:!?)]}`

// autolink returns text as HTML with every http(s) URL in it a link: the
// whole text escaped (no HTML of the text is kept), each link with
// rel="noopener noreferrer nofollow" (the page the link opens gets no handle
// on ours, no Referer, and no ranking from the school's site). Only http and
// https addresses with a host are linked; anything else (javascript:, data:,
// mailto:, a bare domain) stays text.
func autolink(text string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range linkCandidate.FindAllStringIndex(text, -1) {
		start, end := m[0], m[1]
		for end > start && strings.IndexByte(linkTrailing, text[end-1]) >= 0 {
			if text[end-1] == ')' && strings.Count(text[start:end], "(") >= strings.Count(text[start:end], ")") {
				break // a bracket of the address itself: https://th.wikipedia.org/wiki/X_(Y)
			}
			end--
		}
		u, err := url.Parse(text[start:end])
		if err != nil || u.Host == "" || (!strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https")) {
			continue
		}
		b.WriteString(template.HTMLEscapeString(text[last:start]))
		href := template.HTMLEscapeString(text[start:end])
		b.WriteString(`<a href="` + href + `" rel="noopener noreferrer nofollow">` + href + `</a>`)
		last = end
	}
	b.WriteString(template.HTMLEscapeString(text[last:]))
	return template.HTML(b.String()) // every byte of text above was escaped
}
