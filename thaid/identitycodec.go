package thaid

import (
	"bytes"
	"encoding/json"
	"errors"
)

// The forms of MarshalBinary, told apart by the first byte.
const (
	formVerifiedClaims   = 'c' // Verified is true; the rest is the claims (Raw) as JSON
	formUnverifiedClaims = 'u' // Verified is false; the rest is the claims (Raw) as JSON
	formFullJSON         = 'j' // the rest is the identity's JSON form
)

// MarshalBinary encodes the identity compactly, for session stores. An identity
// whose typed fields are exactly what its claims (Raw) give, as every Identity
// from Exchange or Refresh is, is kept as its claims alone, and UnmarshalBinary
// types them again as Exchange did; any other identity (one built by hand, say)
// is kept in its full JSON form. The encoding is not meant for display: it holds
// the PID and the names in clear, so seal it before it leaves the process.
func (id *Identity) MarshalBinary() ([]byte, error) {
	if id.Raw != nil {
		if again, err := identityFromClaims(id.Raw, id.Verified); err == nil {
			a, errA := json.Marshal(again)
			b, errB := json.Marshal(id)
			if errA == nil && errB == nil && bytes.Equal(a, b) {
				claims, err := json.Marshal(id.Raw)
				if err == nil {
					form := byte(formUnverifiedClaims)
					if id.Verified {
						form = formVerifiedClaims
					}
					return append([]byte{form}, claims...), nil
				}
			}
		}
	}
	full, err := json.Marshal(id)
	if err != nil {
		return nil, err
	}
	return append([]byte{formFullJSON}, full...), nil
}

// UnmarshalBinary decodes what MarshalBinary wrote. Errors match ErrInvalidClaim.
func (id *Identity) UnmarshalBinary(b []byte) error {
	if len(b) == 0 {
		return wrapf(ErrInvalidClaim, "empty identity encoding")
	}
	switch b[0] {
	case formVerifiedClaims, formUnverifiedClaims:
		got, err := decodeClaims(b[1:], b[0] == formVerifiedClaims)
		if err != nil {
			return err
		}
		*id = *got
		return nil
	case formFullJSON:
		var got Identity
		if err := json.Unmarshal(b[1:], &got); err != nil {
			if errors.Is(err, ErrInvalidClaim) {
				return err
			}
			return wrapf(ErrInvalidClaim, "identity encoding: %v", err)
		}
		*id = got
		return nil
	default:
		return wrapf(ErrInvalidClaim, "unknown identity encoding %q", b[0])
	}
}
