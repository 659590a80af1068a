package main

import (
	"strings"
	"testing"

	"github.com/thaid-go/thaid-go/thaid"
)

func TestPIDCheck(t *testing.T) {
	r := runCmd(t, "", "pid", "check", "1112034563562", "1-1017-00230-70-8")
	if r.code != exitOK || strings.Count(r.stdout, "valid ") != 2 {
		t.Errorf("exit %d, stdout:\n%s", r.code, r.stdout)
	}
	if strings.Contains(r.stdout, "1112034563562") || !strings.Contains(r.stdout, "1-1120-xxxxx-56-2") {
		t.Errorf("a valid PID is not masked:\n%s", r.stdout)
	}
	if r := runCmd(t, "", "pid", "check", "-show-pid", "1112034563562"); !strings.Contains(r.stdout, "1112034563562") {
		t.Errorf("-show-pid: %s", r.stdout)
	}

	tests := []struct{ pid, thai, english string }{
		{"1112034563563", "หลักตรวจสอบ", "check digit"},
		{"111203456356", "13 หลัก", "13 digits"},
		{"11120345635621", "13 หลัก", "13 digits"},
		{"1112O34563562", "อักขระ", "characters other than digits"},
		{"9112034563562", "หลักแรก", "first digit"},
		{"", "ว่างเปล่า", "empty"},
	}
	for _, tc := range tests {
		r := runCmd(t, "", "pid", "check", "1112034563562", tc.pid)
		if r.code != exitFail {
			t.Errorf("%q: exit %d", tc.pid, r.code)
		}
		if !strings.Contains(r.stdout, tc.thai) || !strings.Contains(r.stdout, tc.english) || !strings.Contains(r.stdout, "invalid") {
			t.Errorf("%q: want %q and %q:\n%s", tc.pid, tc.thai, tc.english, r.stdout)
		}
		if len(tc.pid) == 13 && strings.Contains(r.stdout, tc.pid) {
			t.Errorf("%q printed in full:\n%s", tc.pid, r.stdout)
		}
	}
	if r := runCmd(t, "", "pid", "check"); r.code != exitUsage {
		t.Errorf("no PID: exit %d", r.code)
	}
}

func TestPIDMask(t *testing.T) {
	r := runCmd(t, "", "pid", "mask", "1101700230708", "1112034563563")
	if r.code != exitOK || r.stdout != "1-1017-xxxxx-70-8\n1-1120-xxxxx-56-3\n" {
		t.Errorf("exit %d, stdout %q", r.code, r.stdout)
	}
	r = runCmd(t, "", "pid", "mask", "12345")
	if r.code != exitFail || !strings.Contains(r.stderr, "not a 13-digit citizen ID") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestPIDGenerate(t *testing.T) {
	r := runCmd(t, "", "pid", "generate", "-n", "200")
	lines := strings.Fields(r.stdout)
	if r.code != exitOK || len(lines) != 200 {
		t.Fatalf("exit %d, %d lines", r.code, len(lines))
	}
	seen := map[string]bool{}
	for _, s := range lines {
		p, err := thaid.ParsePID(s)
		if err != nil {
			t.Errorf("%s: %v", thaid.MaskPID(s), err)
			continue
		}
		if !strings.HasPrefix(p.Digits(), "100") || p.Kind() != thaid.KindThaiBornRegisteredOnTime {
			t.Errorf("%s: want first digit 1 and province 00", p)
		}
		seen[s] = true
	}
	if len(seen) < 190 {
		t.Errorf("only %d distinct PIDs of 200", len(seen))
	}
	r = runCmd(t, "", "pid", "generate", "-first-digit", "8")
	if p, err := thaid.ParsePID(strings.TrimSpace(r.stdout)); err != nil || p.Kind() != thaid.KindForeignerPermanent {
		t.Errorf("-first-digit 8: %q %v", r.stdout, err)
	}
	for _, args := range [][]string{{"-n", "0"}, {"-first-digit", "9"}, {"x"}} {
		if r := runCmd(t, "", append([]string{"pid", "generate"}, args...)...); r.code != exitUsage {
			t.Errorf("%q: exit %d", args, r.code)
		}
	}
}

func TestPIDUsage(t *testing.T) {
	if r := runCmd(t, "", "pid"); r.code != exitUsage {
		t.Errorf("no subcommand: exit %d", r.code)
	}
	if r := runCmd(t, "", "pid", "nope"); r.code != exitUsage || !strings.Contains(r.stderr, "use check, mask or generate") {
		t.Errorf("unknown subcommand: exit %d %q", r.code, r.stderr)
	}
}
