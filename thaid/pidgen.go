package thaid

import (
	"math/rand/v2"
	"strconv"
)

// GeneratePID returns a random valid PID whose first digit is firstDigit (0 to 8),
// for tests and fixtures. A nil rng uses the global math/rand/v2 source.
func GeneratePID(rng *rand.Rand, firstDigit int) (PID, error) {
	if firstDigit < 0 || firstDigit > 8 {
		return PID{}, &PIDError{Input: strconv.Itoa(firstDigit), Rule: PIDRuleFirstDigit}
	}
	intN := rand.IntN
	if rng != nil {
		intN = rng.IntN
	}
	var b [13]byte
	b[0] = byte(firstDigit) + '0'
	for i := 1; i < 12; i++ {
		b[i] = byte(intN(10)) + '0'
	}
	b[12] = checkDigit(b[:12])
	return PID{digits: string(b[:])}, nil
}
