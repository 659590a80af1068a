package main

import (
	"html"
	"regexp"
	"strings"
	"testing"
)

func TestAutolink(t *testing.T) {
	const rel = `" rel="noopener noreferrer nofollow">`
	for _, c := range []struct{ in, want string }{
		{"ดูที่ https://www.obec.go.th/news ครับ", `ดูที่ <a href="https://www.obec.go.th/news` + rel + `https://www.obec.go.th/news</a> ครับ`},
		{"สมัคร (http://school.example.ac.th/apply).", `สมัคร (<a href="http://school.example.ac.th/apply` + rel + `http://school.example.ac.th/apply</a>).`},
		{"https://th.wikipedia.org/wiki/X_(Y)", `<a href="https://th.wikipedia.org/wiki/X_(Y)` + rel + `https://th.wikipedia.org/wiki/X_(Y)</a>`},
		{"HTTPS://A.example/?q=1&r=<b>", `<a href="HTTPS://A.example/?q=1&amp;r=` + rel + `HTTPS://A.example/?q=1&amp;r=</a>&lt;b&gt;`},
		{`<script>alert(1)</script> <a href="https://x.example">x</a>`,
			`&lt;script&gt;alert(1)&lt;/script&gt; &lt;a href=&#34;<a href="https://x.example` + rel + `https://x.example</a>&#34;&gt;x&lt;/a&gt;`},
		{"javascript:alert(1) data:text/html,x mailto:a@b.example www.example.com", "javascript:alert(1) data:text/html,x mailto:a@b.example www.example.com"},
		{"https:// and http:///path", "https:// and http:///path"},
		{"two: https://a.example, https://b.example!", `two: <a href="https://a.example` + rel + `https://a.example</a>, <a href="https://b.example` + rel + `https://b.example</a>!`},
		{"line\nhttps://a.example\nnext", "line\n<a href=\"https://a.example" + rel + "https://a.example</a>\nnext"},
	} {
		if got := string(autolink(c.in)); got != c.want {
			t.Errorf("autolink(%q)\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}

// ourLink is a link autolink writes.
var ourLink = regexp.MustCompile(`<a href="((?i:https?)://[^"<>]+)" rel="noopener noreferrer nofollow">([^<>]+)</a>`)

// FuzzAutolink: whatever the text, the HTML holds no markup but autolink's
// own links, each to an http(s) address, and reads as the text (a NUL byte
// as U+FFFD, as html/template escapes it).
func FuzzAutolink(f *testing.F) {
	for _, s := range []string{"https://a.example/x?y=1&z=2", "<b>https://a.example</b>", `"https://a.example"`, "(https://a.example/(x))", "hTTp://a", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := string(autolink(s))
		for _, m := range ourLink.FindAllStringSubmatch(out, -1) {
			if m[1] != m[2] {
				t.Fatalf("autolink(%q): a link to %q reads %q", s, m[1], m[2])
			}
		}
		rest := ourLink.ReplaceAllString(out, "$2")
		if strings.ContainsAny(rest, `<>"'`) {
			t.Fatalf("autolink(%q) = %q: markup beside its links", s, out)
		}
		want := strings.ReplaceAll(s, "\x00", "\uFFFD") // as html/template escapes a NUL
		if got := html.UnescapeString(rest); strings.ToValidUTF8(got, "") != strings.ToValidUTF8(want, "") {
			t.Fatalf("autolink(%q) reads %q", s, got)
		}
	})
}
