package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/thaid-go/thaid-go/internal/pidtest"
)

// pidA is a valid PID (check digit 8) of the README's examples; thaiA is it in Thai digits.
const (
	pidA  = "1101700230708"
	thaiA = "๑๑๐๑๗๐๐๒๓๐๗๐๘"
)

// Text is masked by thaid.MaskPID (its tests hold the cases of every form); the tests here are
// of what the command adds: JSON numbers and member names.

func TestMaskNumber(t *testing.T) {
	tests := []struct {
		in   string
		want any
	}{
		{pidA, "1-1017-xxxxx-70-8"},
		{"1.101700230708e12", "1-1017-xxxxx-70-8"},
		{"1.101700230708E+12", "1-1017-xxxxx-70-8"},
		{pidA + ".0", "1-1017-xxxxx-70-8"},
		{pidA + "e0", "1-1017-xxxxx-70-8"},
		{"0." + pidA + "e13", "1-1017-xxxxx-70-8"},
		{"110170023070.8e1", "1-1017-xxxxx-70-8"},
		{"11017002307e2", "1-1017-xxxxx-70-0"}, // 1101700230700: its digits are not all in the literal
		{"-" + pidA, "-1-1017-xxxxx-70-8"},
		{pidA + ".5", "1xxxxxxxxxxx8.5"}, // not an integer, but the PID's digits are there
		{"1e30", "1" + strings.Repeat("x", 28) + "00"},
		{"1e400", "1" + strings.Repeat("x", 38) + "00"}, // 41 digits shown for 401,
		{"1767225600", json.Number("1767225600")},
		{"2.3", json.Number("2.3")},
		{"1.7672256e9", json.Number("1.7672256e9")},
		{"0", json.Number("0")},
	}
	for _, tc := range tests {
		if got := maskValue(json.Number(tc.in)); got != tc.want {
			t.Errorf("maskValue(%s) = %#v, want %#v", tc.in, got, tc.want)
		}
	}
	if got := maskValue(float64(1101700230708)); got != "1-1017-xxxxx-70-8" {
		t.Errorf("maskValue(float64) = %#v", got)
	}
	// A number that is not a PID keeps the form encoding/json gives it: a time stays 1796638270,
	// not 1.79663827e+09.
	for _, f := range []float64{1796638270, 2.3, 0, -5, 1e-7} {
		want, _ := json.Marshal(f)
		if got := maskValue(f); got != json.Number(want) {
			t.Errorf("maskValue(float64 %v) = %#v, want %s", f, got, want)
		}
	}
}

// TestMaskKeys: claim names are masked too, and two names that mask alike both stay.
func TestMaskKeys(t *testing.T) {
	in := map[string]any{pidA: 1, "1101799930708": 2, "x": map[string]any{"y" + pidA: []any{pidA}}}
	got := maskValue(in).(map[string]any)
	b, _ := json.Marshal(got)
	if strings.Contains(string(b), pidA) || strings.Contains(string(b), "1101799930708") {
		t.Errorf("a full PID left: %s", b)
	}
	if len(got) != 3 {
		t.Errorf("%d members, want 3 (no claim lost to a masked name): %s", len(got), b)
	}
}

// TestDecodeMasksEveryPID: decode masks a PID wherever the token holds it, in any form.
func TestDecodeMasksEveryPID(t *testing.T) {
	header := `{"alg":"ES256","kid":"` + pidA + `","x-` + pidA + `":1,"n":1.101700230708e12}`
	claims := `{"sub":"` + pidA + `","` + pidA + `":"a claim named by a PID",` +
		`"n1":1101700230708,"n2":1.101700230708e12,"n3":1101700230708.0,"n4":0.1101700230708e13,` +
		`"dash":"1-1017-00230-70-8","dot":"1.1017.00230.70.8","thai":"` + thaiA + `",` +
		`"longer":"99` + pidA + `","letters":"ab` + pidA + `cd","nested":{"a":[{"b":"x 1101700230708"}]},` +
		`"exp":1767225600,"iat":1767224700}`
	tok := b64(header) + "." + b64(claims) + ".c2ln"
	for _, args := range [][]string{{"decode", tok}, {"decode", "-json", tok}} {
		r := runCmd(t, "", args...)
		if r.code != exitOK {
			t.Fatalf("%q: exit %d: %s", args[:len(args)-1], r.code, r.stderr)
		}
		if pidtest.DigitsIn(r.stdout, pidA) {
			t.Errorf("%q: the PID's digits are in the output:\n%s", args[:len(args)-1], r.stdout)
		}
		for _, want := range []string{"1-1017-xxxxx-70-8", "1767225600", "a claim named by a PID", "exp       2026-01-01T00:00:00Z"} {
			if args[1] == "-json" && strings.HasPrefix(want, "exp ") {
				continue
			}
			if !strings.Contains(r.stdout, want) {
				t.Errorf("%q: output lacks %q:\n%s", args[:len(args)-1], want, r.stdout)
			}
		}
	}
}

// pidAsNumber writes pid as a JSON number in one of its forms; digits are other digits put
// before it (next to other digits).
func pidAsNumber(pid string, form uint8, digits string) string {
	trimmed := strings.TrimRight(pid, "0")
	switch form % 9 {
	case 1:
		return pid[:1] + "." + pid[1:] + "e12"
	case 2:
		return pid + ".0"
	case 3:
		return pid + "e0"
	case 4:
		return "0." + pid + "e13"
	case 5:
		return pid[:12] + "." + pid[12:] + "e1"
	case 6:
		return trimmed + "e" + strconv.Itoa(len(pid)-len(trimmed))
	case 7:
		return "-" + pid
	case 8:
		if digits != "" && digits[0] != '0' {
			return digits + pid
		}
		return "9" + digits + pid
	}
	return pid
}

// FuzzDecodeMasksPID: a token that holds a PID in any form, anywhere (a header member or its
// name, a claim or its name, at any depth, as a string or a JSON number), next to anything,
// never shows the PID's 13 digits in order, once separators are removed, in decode's output,
// as text or JSON.
func FuzzDecodeMasksPID(f *testing.F) {
	f.Add(uint64(0), uint8(0), uint8(0), "", "", false)
	f.Add(uint64(123456789), uint8(1), uint8(4), "9", "x", true)
	f.Add(uint64(987654321), uint8(2), uint8(5), "a.", ".5", false)
	f.Add(uint64(5), uint8(6), uint8(6), "12", "", true)
	f.Fuzz(func(t *testing.T, seed uint64, form, place uint8, before, after string, asJSON bool) {
		pid := pidtest.FromSeed(seed)
		if pidtest.DigitsIn(before+"|"+after, pid) {
			return // the PID in the fuzzer's own text, in no form of this test
		}
		// Forms 0 to 6 only, so that the seeds keep their meaning.
		text := before + pidtest.InForm(pid, form%7, 0) + after
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, before)
		if len(digits) > 20 {
			digits = digits[:20]
		}
		number := pidAsNumber(pid, form, digits)
		q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
		header, claims := `{"alg":"ES256"}`, `{"exp":1767225600}`
		switch place % 8 {
		case 0:
			claims = fmt.Sprintf(`{"x":%s}`, q(text))
		case 1:
			claims = fmt.Sprintf(`{%s:1}`, q(text))
		case 2:
			header = fmt.Sprintf(`{"alg":"ES256","kid":%s}`, q(text))
		case 3:
			header = fmt.Sprintf(`{"alg":"ES256",%s:"v"}`, q(text))
		case 4:
			claims = fmt.Sprintf(`{"n":%s}`, number)
		case 5:
			claims = fmt.Sprintf(`{"a":[{"b":%s},%s]}`, q(text), number)
		case 6:
			header = fmt.Sprintf(`{"alg":"ES256","n":%s}`, number)
		case 7:
			claims = fmt.Sprintf(`{"a":{%s:{"c":%s}}}`, q(text), number)
		}
		tok := b64(header) + "." + b64(claims) + ".c2ln"
		args := []string{"decode", tok}
		if asJSON {
			args = []string{"decode", "-json", tok}
		}
		r := runCmd(t, "", args...)
		if r.code != exitOK {
			t.Fatalf("exit %d for %s / %s: %s", r.code, header, claims, r.stderr)
		}
		if pidtest.DigitsIn(r.stdout+"\n"+r.stderr, pid) {
			t.Fatalf("PID %s shown in the output of %s / %s:\n%s%s", pid, header, claims, r.stdout, r.stderr)
		}
	})
}
