package main

import (
	"encoding/json"
	"maps"
	"slices"

	"github.com/thaid-go/thaid-go/thaid"
)

// maskValue returns v with every PID-looking number in it masked (thaid.MaskPID),
// in strings and in JSON numbers, at any depth. ThaID's sub may itself be a PID,
// so every member is masked, not only pid.
func maskValue(v any) any {
	switch x := v.(type) {
	case string:
		return thaid.MaskPID(x)
	case json.Number:
		if m := thaid.MaskPID(x.String()); m != x.String() {
			return m
		}
		return x
	case float64:
		n := json.Number(fmtFloat(x))
		return maskValue(n)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, vv := range x {
			out[k] = maskValue(vv)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, vv := range x {
			out[i] = maskValue(vv)
		}
		return out
	}
	return v
}

// maskClaims masks a claim set unless show is set.
func maskClaims(m map[string]any, show bool) map[string]any {
	if show || m == nil {
		return m
	}
	return maskValue(m).(map[string]any)
}

func fmtFloat(f float64) string {
	b, err := json.Marshal(f)
	if err != nil {
		return "0"
	}
	return string(b)
}

func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }
