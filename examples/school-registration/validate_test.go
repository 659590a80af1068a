package main

import (
	"strings"
	"testing"

	"github.com/thaid-go/thaid-go/thaid"
)

// FuzzNormalizePhone: any input either fails with a code or gives a national
// Thai number of 9 or 10 digits starting with 0.
func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"0812345678", "+66 81 234 5678", "02-123-4567", "๐๘๑๒๓๔๕๖๗๘", "+", "", "(0)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, code := normalizePhone(s)
		if code != "" {
			if got != "" {
				t.Fatalf("normalizePhone(%q) = %q with error %q", s, got, code)
			}
			return
		}
		if (len(got) != 9 && len(got) != 10) || got[0] != '0' || strings.Trim(got, "0123456789") != "" {
			t.Fatalf("normalizePhone(%q) = %q", s, got)
		}
	})
}

func TestNameParts(t *testing.T) {
	tests := []struct {
		id            thaid.Identity
		given, family string
	}{
		{thaid.Identity{GivenName: "สมชาย", FamilyName: "ใจดี", Name: "นาย สมชาย ใจดี"}, "สมชาย", "ใจดี"},
		{thaid.Identity{Title: "นาย", Name: "นาย สมชาย ใจดี"}, "สมชาย", "ใจดี"},
		{thaid.Identity{Name: "จอห์น ไมเคิล สมิธ"}, "จอห์น ไมเคิล", "สมิธ"},
		{thaid.Identity{Name: "มาลี"}, "มาลี", ""},
		{thaid.Identity{}, "", ""},
	}
	for _, tc := range tests {
		given, family := nameParts(&tc.id)
		if given != tc.given || family != tc.family {
			t.Errorf("nameParts(%q) = %q, %q; want %q, %q", tc.id.Name, given, family, tc.given, tc.family)
		}
	}
}

func TestFormatPhone(t *testing.T) {
	for in, want := range map[string]string{
		"0812345678": "081-234-5678",
		"021234567":  "02-123-4567",
		"044611234":  "044-611-234",
		"12345":      "12345",
	} {
		if got := formatPhone(in); got != want {
			t.Errorf("formatPhone(%q) = %q, want %q", in, got, want)
		}
	}
}
