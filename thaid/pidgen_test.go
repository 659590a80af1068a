package thaid

import (
	"math/rand/v2"
	"testing"
)

func TestGeneratePIDAlwaysValid(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 2000; i++ {
		p, err := GeneratePID(rng, i%9)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParsePID(p.Digits()); err != nil {
			t.Fatalf("generated %s...: %v", p.Masked(), err)
		}
	}
}
