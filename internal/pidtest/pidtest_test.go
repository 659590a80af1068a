package pidtest

import "testing"

func TestFromSeedIsValid(t *testing.T) {
	for seed := uint64(0); seed < 2000; seed += 7 {
		p := FromSeed(seed * 1_000_003)
		if len(p) != 13 || p[0] < '1' || p[0] > '8' {
			t.Fatalf("FromSeed(%d) = %q", seed, p)
		}
		sum := 0
		for i := 0; i < 12; i++ {
			sum += int(p[i]-'0') * (13 - i)
		}
		if want := byte('0' + (11-sum%11)%10); p[12] != want {
			t.Fatalf("FromSeed(%d) = %q: check digit %c, want %c", seed, p, p[12], want)
		}
	}
}

func TestDigitsIn(t *testing.T) {
	const pid = "1101700230708"
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{"x 1101700230708 y", true},
		{"1-1017-00230-70-8", true},
		{"1.1017.00230.70.8", true},
		{"๑๑๐๑๗๐๐๒๓๐๗๐๘", true},
		{"1 1017 00230 70 8", true},
		{"1-1017-xxxxx-70-8", false},
		{"110170023070", false},
	} {
		if got := DigitsIn(tc.s, pid); got != tc.want {
			t.Errorf("DigitsIn(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}
