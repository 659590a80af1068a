package thaid

import (
	"testing"

	"github.com/thaid-go/thaid-go/internal/pidtest"
)

// pidA is a valid PID (check digit 8); thaiA is it in Thai digits.
const (
	pidA  = "1101700230708"
	thaiA = "๑๑๐๑๗๐๐๒๓๐๗๐๘"
)

func TestMaskPID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"pid=" + pidA, "pid=1-1017-xxxxx-70-8"},
		{pidA, "1-1017-xxxxx-70-8"},
		{"pid=" + pidA + ";", "pid=1-1017-xxxxx-70-8;"},
		{"abc" + pidA + "def", "abc1-1017-xxxxx-70-8def"},
		{"a 1-1017-00230-70-8 b", "a 1-1017-xxxxx-70-8 b"},
		{"a 1 1017 00230 70 8 b", "a 1-1017-xxxxx-70-8 b"},
		{"1.1017.00230.70.8", "1-1017-xxxxx-70-8"},
		{"110-170-023-070-8", "1-1017-xxxxx-70-8"},
		{"1–1017–00230–70–8", "1-1017-xxxxx-70-8"},                     // en dashes
		{"1\u00a01017\u00a000230\u00a070\u00a08", "1-1017-xxxxx-70-8"}, // no-break spaces
		{"1_1017/00230,70\t8", "1-1017-xxxxx-70-8"},                    // mixed separators
		{"mixed 1-1017 00230-70-8 too", "mixed 1-1017-xxxxx-70-8 too"},
		{"1 -- 1017 . 00230 70 8", "1-1017-xxxxx-70-8"}, // several separators between groups
		{thaiA, "1-1017-xxxxx-70-8"},
		{"เลขประจำตัว " + thaiA + " ครับ", "เลขประจำตัว 1-1017-xxxxx-70-8 ครับ"},
		{"๑-๑๐๑๗-๐๐๒๓๐-๗๐-๘", "1-1017-xxxxx-70-8"},
		{"1101๗๐๐230708", "1-1017-xxxxx-70-8"}, // Thai and ASCII digits mixed
		{"ต่อท้าย" + pidA + "ไทย", "ต่อท้าย1-1017-xxxxx-70-8ไทย"},
		{"invalid check 1101700230709", "invalid check 1-1017-xxxxx-70-9"},
		// next to other digits: the whole run is masked, but its first digit and last two
		{"9" + pidA, "9xxxxxxxxxxx08"},
		{pidA + "42", "1xxxxxxxxxxxx42"},
		{"14 digits 11017002307081", "14 digits 1xxxxxxxxxxx81"},
		{"99-" + pidA, "9x-xxxxxxxxxxx08"},
		{"99110170023070", "9xxxxxxxxxxx70"}, // thaid decode's documentation's example
		{pidA + ".0", "1xxxxxxxxxxx8.0"},
		{"two " + pidA + ",1112034563562.", "two 1xxxxxxxxxxxx,xxxxxxxxxxx62."}, // a comma joins them
		{"two " + pidA + "; 1112034563562", "two 1-1017-xxxxx-70-8; 1-1120-xxxxx-56-2"},
		{"๙" + thaiA, "๙xxxxxxxxxxx๐๘"}, // Thai digits kept where shown
		// shorter runs stay: times, dates, phone numbers, versions
		{"12 digits 110170023070 stay", "12 digits 110170023070 stay"},
		{"1767225600", "1767225600"},
		{"2026-12-01T10:00:00Z", "2026-12-01T10:00:00Z"},
		{"02-123-4567", "02-123-4567"},
		{"ial 2.3", "ial 2.3"},
		{"exp 1767225600 ๒๕๖๙", "exp 1xxxxxxxxx xx๖๙"}, // a time and a year: 14 digits in one run
		{"1101700230708x", "1-1017-xxxxx-70-8x"},
		// separators around a run are not part of it
		{"- " + pidA + " -", "- 1-1017-xxxxx-70-8 -"},
		{"", ""},
		{"no digits", "no digits"},
		{"ไม่มีตัวเลข", "ไม่มีตัวเลข"},
		{"\xe0\xb9", "\xe0\xb9"}, // the start of a Thai digit, cut
		{"bad utf-8 \xff" + pidA, "bad utf-8 \xff1-1017-xxxxx-70-8"},
	}
	for _, tt := range tests {
		got := MaskPID(tt.in)
		if got != tt.want {
			t.Errorf("MaskPID(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if again := MaskPID(got); again != got {
			t.Errorf("MaskPID is not idempotent on %q: %q, then %q", tt.in, got, again)
		}
	}
}

// TestMaskPIDNoAllocation: text without a PID is returned as it is, without allocating.
func TestMaskPIDNoAllocation(t *testing.T) {
	for _, s := range []string{
		`level=INFO msg="thaid login succeeded" user_id=somchai`,
		"ผู้ใช้ นาย สมชาย ใจดี เข้าสู่ระบบสำเร็จ",
		"ปี ๒๕๖๙ time=2026-12-01T10:00:00Z exp=1767225600",
	} {
		if n := testing.AllocsPerRun(100, func() { _ = MaskPID(s) }); n != 0 {
			t.Errorf("MaskPID(%q): %v allocations, want 0", s, n)
		}
	}
}

// FuzzMaskPID: a valid PID in any of the forms, anywhere in the fuzzer's text, never survives
// MaskPID with its 13 digits in order once separators are removed; and MaskPID is idempotent.
func FuzzMaskPID(f *testing.F) {
	f.Add(uint64(0), uint8(0), "", "", '-')
	f.Add(uint64(123456789), uint8(1), "9", "x", ' ')
	f.Add(uint64(987654321), uint8(2), "a.", ".5", '.')
	f.Add(uint64(5), uint8(4), "๑๒", "", '/')
	f.Add(uint64(77), uint8(7), "1 2 3", "4-5", '\u00a0')
	f.Add(uint64(31), uint8(8), "2026-12-01 ", " 10:00", '\u2010')
	f.Fuzz(func(t *testing.T, seed uint64, form uint8, before, after string, sep rune) {
		pid := pidtest.FromSeed(seed)
		if pidtest.DigitsIn(before+"|"+after, pid) {
			return // the PID is in the fuzzer's own text, in no form of this test
		}
		text := before + pidtest.InForm(pid, form, sep) + after
		m := MaskPID(text)
		if pidtest.DigitsIn(m, pid) {
			t.Fatalf("PID %s survives MaskPID(%q) = %q", pid, text, m)
		}
		if again := MaskPID(m); again != m {
			t.Fatalf("not idempotent on %q: %q, then %q", text, m, again)
		}
	})
}
