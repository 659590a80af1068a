package mockprovider

import (
	"context"
	"log/slog"
	"regexp"
)

// pidLike matches 13 digits, plain or grouped 1-2345-67890-12-3 (dashes or spaces), not inside a
// longer run of digits.
var pidLike = regexp.MustCompile(`(^|[^0-9])([0-9])[- ]?([0-9]{4})[- ]?([0-9]{5})[- ]?([0-9]{2})[- ]?([0-9])($|[^0-9])`)

// maskPID masks everything in s that looks like a citizen ID: "1101700230708" becomes
// "1-1017-xxxxx-70-8". Other text is left as is. Use it for log lines and screens.
func maskPID(s string) string {
	if len(s) < 13 {
		return s
	}
	// ReplaceAll cannot handle overlapping boundary characters, so loop until stable.
	for i := 0; i < 4; i++ {
		t := pidLike.ReplaceAllString(s, "${1}${2}-${3}-xxxxx-${5}-${6}${7}")
		if t == s {
			break
		}
		s = t
	}
	return s
}

// maskingHandler masks PIDs in the message and in string attributes before passing records on.
type maskingHandler struct{ next slog.Handler }

func (h maskingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h maskingHandler) Handle(ctx context.Context, r slog.Record) error {
	nr := slog.NewRecord(r.Time, r.Level, maskPID(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		nr.AddAttrs(maskAttr(a))
		return true
	})
	return h.next.Handle(ctx, nr)
}

func (h maskingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	out := make([]slog.Attr, len(as))
	for i, a := range as {
		out[i] = maskAttr(a)
	}
	return maskingHandler{h.next.WithAttrs(out)}
}

func (h maskingHandler) WithGroup(name string) slog.Handler {
	return maskingHandler{h.next.WithGroup(name)}
}

func maskAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString, slog.KindAny:
		return slog.String(a.Key, maskPID(v.String()))
	case slog.KindGroup:
		g := v.Group()
		out := make([]any, len(g))
		for i, x := range g {
			out[i] = maskAttr(x)
		}
		return slog.Group(a.Key, out...)
	}
	return slog.Attr{Key: a.Key, Value: v}
}
