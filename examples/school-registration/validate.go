package main

import (
	"html/template"
	"net/mail"
	"strings"
)

// normalizePhone accepts a Thai mobile number (10 digits: 06, 08 or 09 then
// 8 digits) or landline (9 digits: 02–07 then 7 digits), written with spaces,
// dashes, dots or parentheses, or in +66 form. It returns the digits in
// national form (0812345678) or an error code for the template.
func normalizePhone(s string) (string, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", "required"
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '๐' && r <= '๙': // Thai digits
			b.WriteRune('0' + (r - '๐'))
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		case r == '+' && i == 0:
		default:
			return "", "phone"
		}
	}
	d := b.String()
	if strings.HasPrefix(s, "+") {
		if !strings.HasPrefix(d, "66") {
			return "", "phone"
		}
		d = "0" + d[2:]
	}
	switch {
	case len(d) == 10 && d[0] == '0' && (d[1] == '6' || d[1] == '8' || d[1] == '9'):
		return d, ""
	case len(d) == 9 && d[0] == '0' && d[1] >= '2' && d[1] <= '7':
		return d, ""
	}
	return "", "phone"
}

// normalizeEmail accepts a bare address (no display name) with a dotted
// domain, at most 254 characters. It returns it trimmed, or an error code.
func normalizeEmail(s string) (string, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", "required"
	}
	if len(s) > 254 {
		return "", "email"
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", "email"
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	if at < 1 || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", "email"
	}
	return s, ""
}

// formatPhone shows a number stored by normalizePhone the way Thai offices
// write it: mobile 081-234-5678; a landline as its area code, then its local
// number: Bangkok 02-123-4567, elsewhere 044-611234 (a three-digit area code
// and a six-digit local number, not split again, so that it does not read as
// a mobile number short of a digit). Anything else is shown as stored.
func formatPhone(d string) string {
	switch {
	case len(d) == 10:
		return d[:3] + "-" + d[3:6] + "-" + d[6:]
	case len(d) == 9 && strings.HasPrefix(d, "02"):
		return d[:2] + "-" + d[2:5] + "-" + d[5:]
	case len(d) == 9:
		return d[:3] + "-" + d[3:]
	}
	return d
}

// telURI is the tel: URI of a number stored by normalizePhone, in
// international form (tel:+6644611234), so that a phone dials it with one
// tap; "" for anything else.
func telURI(d string) template.URL {
	if (len(d) != 9 && len(d) != 10) || d[0] != '0' || strings.Trim(d, "0123456789") != "" {
		return ""
	}
	return template.URL("tel:+66" + d[1:])
}
