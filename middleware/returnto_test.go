package middleware

import (
	"strings"
	"testing"
)

func TestSafeReturnTo(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"/", true},
		{"/dashboard", true},
		{"/a/b?x=1&y=%2F#frag", true},
		{"/ค้นหา?q=ไทย", true},
		{"/%E0%B8%81", true},
		{"", false},
		{"//evil.example", false},
		{"///evil.example", false},
		{`/\evil.example`, false},
		{`/a\b`, false},
		{"https://evil.example", false},
		{"http:/evil.example", false},
		{"%2F%2Fevil", false},
		{"/%2F%2Fevil.example", false},
		{"/%5Cevil.example", false},
		{"javascript:alert(1)", false},
		{"JAVASCRIPT:alert(1)", false},
		{"relative/path", false},
		{"/a\nLocation: //evil", false},
		{"/a\r\n", false},
		{"/\tevil", false},
		{"/a\x00", false},
		{"/a%00", false},
		{"/a%0d%0a", false},
		{"/\x7f", false},
		{"\x00/", false},
		{" /a", false},
		{"/" + string(make([]byte, 3000)), false},
		// Judged on what http.Redirect sends (issue 9): cleaned, decoded, encoded slashes.
		{"/./%2fevil.example", false},
		{"/./%2Fevil.example", false},
		{"/a/../%2fevil.example", false},
		{"/.//evil.example", false}, // a browser resolves it to the path //evil.example
		{"/a//b", false},
		{"/%5cevil.example", false},
		{"/a%2fb", false},
		{"/a%252fb", false},
		{"/a?next=%2Fhome", true}, // the query cannot change where the browser goes
		{"/" + strings.Repeat("a", 1023), true},
		{"/" + strings.Repeat("a", 1024), false},
	}
	for _, tt := range tests {
		if got := SafeReturnTo(tt.in); got != tt.want {
			t.Errorf("SafeReturnTo(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
