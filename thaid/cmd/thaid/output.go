package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"unicode"
	"unicode/utf8"
)

// writeJSON writes v as indented JSON, without HTML escaping: what the command prints and the
// profile file it saves. Through a terminalWriter (as everything the command prints is), what
// encoding/json leaves raw (DEL, C1 controls, bidi controls) comes out as \uXXXX escapes too,
// which decode to the same string. It returns the encoder's error, which the printing to
// stdout ignores, as it does fmt's.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// terminalWriter passes everything the command prints to a terminal, with every control
// character but newline and tab (C0, DEL, C1) and every Unicode bidi control written as a
// \uXXXX escape, and every byte of invalid UTF-8 as \xNN. Much of what the command prints
// comes from the provider (alg, kid, claim names, names, error descriptions, discovery
// members): so a hostile provider cannot clear the screen, rewrite what was printed, or
// reorder a line with bidi overrides. The escapes keep JSON valid and decoding to the same
// strings. A rune split across two writes is held until the next one; flush writes what is
// held.
type terminalWriter struct {
	mu   sync.Mutex
	w    io.Writer
	held []byte // the start of a UTF-8 sequence that the next write completes
	buf  []byte
}

func newTerminalWriter(w io.Writer) *terminalWriter { return &terminalWriter{w: w} }

// Write implements io.Writer.
func (t *terminalWriter) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	in := p
	if len(t.held) > 0 {
		in = append(t.held, p...)
		t.held = nil
	}
	t.buf = t.buf[:0]
	for len(in) > 0 {
		if !utf8.FullRune(in) {
			t.held = append([]byte(nil), in...)
			break
		}
		r, size := utf8.DecodeRune(in)
		t.buf = appendTerminalSafe(t.buf, r, in[:size])
		in = in[size:]
	}
	if _, err := t.w.Write(t.buf); err != nil {
		return 0, err
	}
	return len(p), nil
}

// flush writes what is held of an incomplete UTF-8 sequence, escaped.
func (t *terminalWriter) flush() {
	t.mu.Lock()
	defer t.mu.Unlock()
	var b []byte
	for _, c := range t.held {
		b = fmt.Appendf(b, `\x%02x`, c)
	}
	t.held = nil
	_, _ = t.w.Write(b)
}

// appendTerminalSafe appends the rune r, whose encoding is raw, to b, escaped when a terminal
// could take it for an instruction.
func appendTerminalSafe(b []byte, r rune, raw []byte) []byte {
	switch {
	case r == utf8.RuneError && len(raw) == 1:
		return fmt.Appendf(b, `\x%02x`, raw[0])
	case r != '\n' && r != '\t' && (unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Bidi_Control, r)):
		return fmt.Appendf(b, `\u%04x`, r)
	}
	return append(b, raw...)
}
