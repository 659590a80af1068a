package middleware

import (
	"net/http"
	"strings"
	"testing"
)

func TestNewID(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id := newID()
		if len(id) != 43 || !validID(id) {
			t.Fatalf("newID() = %q: want 43 base64url characters (256 bits)", id)
		}
		if seen[id] {
			t.Fatalf("newID repeated %q", id)
		}
		seen[id] = true
	}
}

func TestValidID(t *testing.T) {
	good := strings.Repeat("_", 42) + "w" // 'w' is 48: its two unused bits are zero
	tests := []struct {
		in   string
		want bool
	}{
		{good, true},
		{"", false},
		{good[:42], false},
		{good + "A", false},
		{strings.Repeat("A", 42) + "=", false},
		{strings.Repeat("A", 42) + "_", false}, // unused bits set: another spelling of "…w"
		{strings.Repeat("A", 42) + "x", false},
		{strings.Repeat("A", 42) + "+", false},
		{strings.Repeat("A", 42) + "/", false},
		{strings.Repeat("A", 42) + "\x00", false},
		{strings.Repeat("ก", 14) + "A", false},
	}
	for _, tt := range tests {
		if got := validID(tt.in); got != tt.want {
			t.Errorf("validID(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestCookieValue(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		cookie  string
		want    string
		wantOK  bool
	}{
		{"single", []string{"thaid_session=abc"}, "thaid_session", "abc", true},
		{"among others", []string{"a=1; thaid_session=abc; b=2"}, "thaid_session", "abc", true},
		{"spaces", []string{"a=1;   thaid_session=abc  ;b=2"}, "thaid_session", "abc", true},
		{"quoted", []string{`thaid_session="abc"`}, "thaid_session", "abc", true},
		{"second header", []string{"a=1", "thaid_session=abc"}, "thaid_session", "abc", true},
		{"prefix name is not it", []string{"thaid_session_login=x; thaid_session=abc"}, "thaid_session", "abc", true},
		{"longer name only", []string{"thaid_session_login=x"}, "thaid_session", "", false},
		{"suffix name only", []string{"xthaid_session=x"}, "thaid_session", "", false},
		{"missing", []string{"a=1; b=2"}, "thaid_session", "", false},
		{"no header", nil, "thaid_session", "", false},
		{"empty value", []string{"thaid_session="}, "thaid_session", "", true},
		{"host prefix", []string{"__Host-thaid_session=v"}, "__Host-thaid_session", "v", true},
		{"host prefix needed", []string{"thaid_session=v"}, "__Host-thaid_session", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tt.headers {
				h.Add("Cookie", v)
			}
			got, ok := cookieValue(h, tt.cookie)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("cookieValue = %q, %v; want %q, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestCookieValueDoesNotAllocate(t *testing.T) {
	h := http.Header{"Cookie": {"a=1; b=2; thaid_session=" + strings.Repeat("x", 43) + "; c=3"}}
	allocs := testing.AllocsPerRun(100, func() {
		if _, ok := cookieValue(h, "thaid_session"); !ok {
			t.Fatal("not found")
		}
	})
	if allocs != 0 {
		t.Errorf("cookieValue allocates %v times, want 0", allocs)
	}
}
