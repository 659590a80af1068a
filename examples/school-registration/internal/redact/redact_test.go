package redact

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

const pw = "s3cr3t-pass"

func TestURL(t *testing.T) {
	for _, tc := range []struct {
		raw, want string
		ok        bool
	}{
		{"redis://user:" + pw + "@host:6379/0", "redis://user:xxxxx@host:6379/0", true},
		{"redis://:" + pw + "@host:6379/0", "redis://:xxxxx@host:6379/0", true},
		{"redis://host:6379/0", "redis://host:6379/0", true},
		{"postgres://u@db/app?sslmode=require&password=" + pw, "postgres://u@db/app?sslmode=require&password=xxxxx", true},
		{"postgres://u@db/app?SSLPassword=" + pw, "postgres://u@db/app?SSLPassword=xxxxx", true},
		{"redis://user:" + pw + "@host:notaport/0", "", false}, // url.Parse fails
		{"redis://user:" + pw + "%zz@host:6379/0", "", false},  // bad escape
		{"user:" + pw + "@host:6379", "", false},               // opaque: Redacted would keep it
		{"127.0.0.1:6379", "", false},                          // not a URL
	} {
		got, ok := URL(tc.raw)
		if got != tc.want || ok != tc.ok {
			t.Errorf("URL(%q) = %q, %t; want %q, %t", tc.raw, got, ok, tc.want, tc.ok)
		}
		if strings.Contains(got, pw) {
			t.Errorf("URL(%q) shows the password", tc.raw)
		}
	}
}

func TestError(t *testing.T) {
	sentinel := errors.New("sentinel")
	for _, tc := range []struct{ raw, text string }{
		{"redis://user:" + pw + "@host/0", "dial redis://user:" + pw + "@host/0 failed"},
		{"redis://user:" + url.QueryEscape("p@ss/"+pw) + "@host/0", "auth as user with p@ss/" + pw},
		{"redis://user:" + url.QueryEscape("p@ss/"+pw) + "@host/0", "auth as user with p%40ss%2F" + pw},
		{"postgres://u@db/app?password=" + url.QueryEscape(pw+" x"), "password=" + pw + " x"},
		{`redis://user:` + url.PathEscape(pw+`"q`) + `@host/0`, fmt.Sprintf("%q", pw+`"q`)},
		{"redis://user:" + pw + "@host:notaport/0", "parse redis://user:" + pw + "@host:notaport/0"},
	} {
		err := Error(fmt.Errorf("%w: %s", sentinel, tc.text), tc.raw)
		if strings.Contains(err.Error(), pw) {
			t.Errorf("Error(…, %q) = %q: shows the password", tc.raw, err)
		}
		if !errors.Is(err, sentinel) {
			t.Errorf("Error(…, %q) does not wrap the original error", tc.raw)
		}
	}
	if Error(nil, "redis://x") != nil {
		t.Error("Error(nil) != nil")
	}
	// Text that holds no secret is kept.
	if got := Error(errors.New("dial tcp 127.0.0.1:1: connection refused"), "redis://u:"+pw+"@127.0.0.1:1/0").Error(); got != "dial tcp 127.0.0.1:1: connection refused" {
		t.Errorf("Error changed a text without secrets: %q", got)
	}
}
