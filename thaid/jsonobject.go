package thaid

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// decodeObject decodes a JSON object (an ID-token payload, a token or
// introspection answer, a set of claims) into a map. null is refused too.
func decodeObject(data []byte) (map[string]any, error) {
	// Sized for an ID token's claims, so that the map need not grow.
	m := make(map[string]any, 24)
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("null instead of an object")
	}
	return m, nil
}

// The readers below take one member of a decoded object. A missing or null
// member gives the zero value; a member of the wrong type gives an error that
// matches the sentinel of the caller's domain.

// stringMember reads a string member.
func stringMember(m map[string]any, name string, sentinel error) (string, error) {
	v, ok := m[name]
	if !ok || v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", wrapf(sentinel, "%s is a %s, not a string", name, jsonType(v))
	}
	return s, nil
}

// numericMember reads a claim that may come as a string or a JSON number
// (ThaID sends IAL either way), as text.
func numericMember(m map[string]any, name string) (string, error) {
	v := m[name]
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return strings.TrimSpace(x), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "", wrapf(ErrInvalidClaim, "%s is not a finite number", name)
		}
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	}
	return "", wrapf(ErrInvalidClaim, "%s is a %s", name, jsonType(v))
}

// maxUnix is 9999-12-31T23:59:59Z, the last time any thaid value may name.
const maxUnix = 253402300799

// validUnix reports whether f is a finite, non-negative number of seconds up to maxUnix.
func validUnix(f float64) bool {
	return !math.IsNaN(f) && !math.IsInf(f, 0) && f >= 0 && f <= maxUnix
}

// timeMember reads a NumericDate member (seconds since the epoch, possibly
// fractional); the zero time when it is missing or null.
func timeMember(m map[string]any, name string) (time.Time, error) {
	v, ok := m[name]
	if !ok || v == nil {
		return time.Time{}, nil
	}
	f, ok := v.(float64)
	if !ok || !validUnix(f) {
		return time.Time{}, wrapf(ErrInvalidToken, "%s is not a valid NumericDate", name)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
}

// jsonType names the JSON type of a decoded value, for error messages.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case float64, json.Number:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}
