package thaid

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestParsePID(t *testing.T) {
	tests := []struct {
		in     string
		digits string
		rule   string
	}{
		{in: "1101700230708", digits: "1101700230708"},
		{in: "1-1017-00230-70-8", digits: "1101700230708"},
		{in: "1 1017 00230 70 8", digits: "1101700230708"},
		{in: "  1101700230708\n", digits: "1101700230708"},
		{in: "1112034563562", digits: "1112034563562"}, // THAID.md's example
		{in: "", rule: PIDRuleEmpty},
		{in: "   ", rule: PIDRuleEmpty},
		{in: "110170023070", rule: PIDRuleLength},
		{in: "11017002307080", rule: PIDRuleLength},
		{in: "1101700230709", rule: PIDRuleCheckDigit},
		{in: "1112034563561", rule: PIDRuleCheckDigit},
		{in: "110170023070x", rule: PIDRuleCharacters},
		{in: "１101700230708", rule: PIDRuleCharacters}, // full-width digit
		{in: "1.1017.00230.70.8", rule: PIDRuleCharacters},
		{in: "9101700230708", rule: PIDRuleFirstDigit},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := ParsePID(tt.in)
			if tt.rule == "" {
				if err != nil {
					t.Fatalf("ParsePID(%q): %v", tt.in, err)
				}
				if p.Digits() != tt.digits {
					t.Fatalf("Digits() = %q, want %q", p.Digits(), tt.digits)
				}
				return
			}
			if !errors.Is(err, ErrInvalidPID) {
				t.Fatalf("ParsePID(%q) error %v, want ErrInvalidPID", tt.in, err)
			}
			var pe *PIDError
			if !errors.As(err, &pe) || pe.Rule != tt.rule {
				t.Fatalf("ParsePID(%q) error %#v, want rule %q", tt.in, err, tt.rule)
			}
			if strings.Contains(err.Error(), "00230") {
				t.Fatalf("error %q shows the serial digits", err)
			}
		})
	}
}

func TestPIDNeverPrintsDigits(t *testing.T) {
	p := MustParsePID("1101700230708")
	const want = "1-1017-xxxxx-70-8"
	var logged strings.Builder
	logger := slog.New(slog.NewJSONHandler(&logged, nil))
	logger.Info("login", "pid", p)
	logger.Info("login", slog.Any("pid", p))
	outputs := map[string]string{
		"String":  p.String(),
		"Masked":  p.Masked(),
		"%v":      fmt.Sprintf("%v", p),
		"%s":      fmt.Sprintf("%s", p),
		"%d":      fmt.Sprintf("%d", p),
		"%+v":     fmt.Sprintf("%+v", p),
		"%#v":     fmt.Sprintf("%#v", p),
		"%q":      fmt.Sprintf("%q", p),
		"struct":  fmt.Sprintf("%+v", struct{ P PID }{p}),
		"pointer": fmt.Sprintf("%v", &p),
		"slog":    logged.String(),
	}
	for name, out := range outputs {
		if strings.Contains(out, "1101700230708") || strings.Contains(out, "00230") {
			t.Errorf("%s leaks the PID: %s", name, out)
		}
		if !strings.Contains(out, want) {
			t.Errorf("%s = %q, want it to contain %q", name, out, want)
		}
	}
	if p.Digits() != "1101700230708" {
		t.Fatalf("Digits() = %q", p.Digits())
	}
}

func TestPIDJSON(t *testing.T) {
	p := MustParsePID("1-1017-00230-70-8")
	b, err := json.Marshal(struct {
		P PID `json:"pid"`
	}{p})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"pid":"1101700230708"}` {
		t.Fatalf("Marshal = %s", b)
	}
	tests := []struct {
		in      string
		want    PID
		wantErr bool
	}{
		{in: `"1101700230708"`, want: p},
		{in: `"1-1017-00230-70-8"`, want: p},
		{in: `1101700230708`, want: p},
		{in: `""`},
		{in: `null`},
		{in: `"1101700230709"`, wantErr: true},
		{in: `true`, wantErr: true},
		{in: `"\u0031101700230708"`, want: p},
	}
	for _, tt := range tests {
		var got PID
		err := json.Unmarshal([]byte(tt.in), &got)
		if tt.wantErr {
			if !errors.Is(err, ErrInvalidPID) {
				t.Errorf("Unmarshal(%s) error %v, want ErrInvalidPID", tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Unmarshal(%s) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}
