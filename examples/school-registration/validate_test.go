package main

import (
	"strings"
	"testing"
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

func TestFormatPhone(t *testing.T) {
	for in, want := range map[string]string{
		"0812345678": "081-234-5678",
		"021234567":  "02-123-4567",
		"044611234":  "044-611234",
		"12345":      "12345",
	} {
		if got := formatPhone(in); got != want {
			t.Errorf("formatPhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTelURI(t *testing.T) {
	for in, want := range map[string]string{
		"0812345678": "tel:+66812345678",
		"021234567":  "tel:+6621234567",
		"044611234":  "tel:+6644611234",
		"12345":      "",
		"":           "",
		"08123456a8": "",
		"1812345678": "",
	} {
		if got := string(telURI(in)); got != want {
			t.Errorf("telURI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTextLength(t *testing.T) {
	for in, want := range map[string]int{
		"โรงเรียน":               8,
		" ab \r\n":               2,
		"a\r\nb":                 3, // the form's CRLF is one line break, as the browser counted it
		"a\nb":                   3,
		strings.Repeat("ก", 200): 200,
	} {
		if got := textLength(in); got != want {
			t.Errorf("textLength(%q) = %d, want %d", in, got, want)
		}
	}
}
