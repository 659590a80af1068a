package thaid

import "testing"

func TestMaskPID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"pid=1101700230708", "pid=1-1017-xxxxx-70-8"},
		{"1101700230708", "1-1017-xxxxx-70-8"},
		{"a 1-1017-00230-70-8 b", "a 1-1017-xxxxx-70-8 b"},
		{"a 1 1017 00230 70 8 b", "a 1-1017-xxxxx-70-8 b"},
		{"two 1101700230708,1112034563562.", "two 1-1017-xxxxx-70-8,1-1120-xxxxx-56-2."},
		{"invalid check 1101700230709", "invalid check 1-1017-xxxxx-70-9"},
		{"14 digits 11017002307081 stay", "14 digits 11017002307081 stay"},
		{"12 digits 110170023070 stay", "12 digits 110170023070 stay"},
		{"mixed 1-1017 00230-70-8 stays", "mixed 1-1017 00230-70-8 stays"},
		{"", ""},
		{"no digits", "no digits"},
		{"ต่อท้าย1101700230708ไทย", "ต่อท้าย1-1017-xxxxx-70-8ไทย"},
	}
	for _, tt := range tests {
		if got := MaskPID(tt.in); got != tt.want {
			t.Errorf("MaskPID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
