package thaid

import (
	"errors"
	"math/rand/v2"
	"testing"
)

func TestPIDKind(t *testing.T) {
	tests := []struct {
		first int
		kind  PersonKind
	}{
		{0, KindNonThai}, {1, KindThaiBornRegisteredOnTime}, {2, KindThaiBornRegisteredLate},
		{3, KindHouseRegister1984}, {4, KindMovedIn1984}, {5, KindMissedOrSpecial},
		{6, KindForeignerTemporary}, {7, KindChildOfForeignerTemp}, {8, KindForeignerPermanent},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	seen := map[string]bool{}
	for _, tt := range tests {
		p, err := GeneratePID(rng, tt.first)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParsePID(p.Digits()); err != nil {
			t.Fatalf("GeneratePID(%d) = invalid %v: %v", tt.first, p, err)
		}
		if p.Kind() != tt.kind {
			t.Errorf("Kind() of %v = %v, want %v", p, p.Kind(), tt.kind)
		}
		if s := p.Kind().String(); s == "" || s == "unknown" {
			t.Errorf("Kind(%d).String() = %q", tt.first, s)
		}
		if seen[p.Kind().String()] {
			t.Errorf("duplicate kind description %q", p.Kind())
		}
		seen[p.Kind().String()] = true
	}
	if (PID{}).Kind() != KindUnknown || !(PID{}).IsZero() || (PID{}).String() != "" {
		t.Fatal("zero PID is not unknown/zero/empty")
	}
	for _, bad := range []int{-1, 9, 10} {
		if _, err := GeneratePID(rng, bad); !errors.Is(err, ErrInvalidPID) {
			t.Errorf("GeneratePID(%d) error %v, want ErrInvalidPID", bad, err)
		}
	}
	if p, err := GeneratePID(nil, 1); err != nil || p.Kind() != KindThaiBornRegisteredOnTime {
		t.Errorf("GeneratePID(nil, 1) = %v, %v", p, err)
	}
}
