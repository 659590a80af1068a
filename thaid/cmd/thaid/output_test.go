package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestTerminalWriter(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain ไทย text\n\twith tab", "plain ไทย text\n\twith tab"},
		{"\x1b[2J", `\u001b[2J`},
		{"a\rb\x00c\x7f", `a\u000db\u0000c\u007f`},
		{"\u009b31m", `\u009b31m`},
		{"\u202eevil\u2066\u200f\u061c", `\u202eevil\u2066\u200f\u061c`},
		{"bad \xff\x9b utf8", `bad \xff\x9b utf8`},
		{"\ufffd stays", "\ufffd stays"},
		{"cut \xe0\xb8", `cut \xe0\xb8`}, // an incomplete rune at the very end: escaped on flush
	}
	for _, tc := range tests {
		var b bytes.Buffer
		w := newTerminalWriter(&b)
		if n, err := w.Write([]byte(tc.in)); n != len(tc.in) || err != nil {
			t.Errorf("Write(%q) = %d, %v", tc.in, n, err)
		}
		w.flush()
		if b.String() != tc.want {
			t.Errorf("%q: got %q, want %q", tc.in, b.String(), tc.want)
		}
	}
}

// TestTerminalWriterKeepsJSON: JSON through the writer still decodes to the same strings.
func TestTerminalWriterKeepsJSON(t *testing.T) {
	v := map[string]any{"claim" + hostile: "value" + hostile, "name": "นาย\u2067x"}
	var b bytes.Buffer
	w := newTerminalWriter(&b)
	writeJSON(w, v)
	w.flush()
	var got map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("%v:\n%s", err, b.String())
	}
	if got["claim"+hostile] != "value"+hostile || got["name"] != v["name"] {
		t.Errorf("decoded %q, want %q", got, v)
	}
	noControls(t, "JSON", b.String())
}

// FuzzTerminalWriter: whatever is written, in two writes cut anywhere, the output holds no
// control character but newline and tab, no bidi control and no invalid UTF-8, and does not
// depend on where the writes were cut.
func FuzzTerminalWriter(f *testing.F) {
	f.Add([]byte("ok\n"), 1)
	f.Add([]byte(hostile), 3)
	f.Add([]byte("ไทย\xe0\xb8"), 4)
	f.Fuzz(func(t *testing.T, data []byte, cut int) {
		if cut < 0 || cut > len(data) {
			cut = len(data) / 2
		}
		var whole, split bytes.Buffer
		w := newTerminalWriter(&whole)
		_, _ = w.Write(data)
		w.flush()
		w = newTerminalWriter(&split)
		_, _ = w.Write(data[:cut])
		_, _ = w.Write(data[cut:])
		w.flush()
		if whole.String() != split.String() {
			t.Fatalf("cut at %d: %q, whole: %q", cut, split.String(), whole.String())
		}
		out := whole.String()
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out: %q", out)
		}
		for _, r := range out {
			if (unicode.Is(unicode.Cc, r) && r != '\n' && r != '\t') || unicode.Is(unicode.Bidi_Control, r) {
				t.Fatalf("%U in %q", r, out)
			}
		}
		if utf8.Valid(data) && !strings.ContainsFunc(string(data), func(r rune) bool {
			return unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Bidi_Control, r)
		}) && out != string(data) {
			t.Fatalf("harmless text changed: %q -> %q", data, out)
		}
	})
}
