//go:build !unix

package middleware

import "time"

// processCPU is 0 where getrusage is not available: cpu-ns/op then reads 0.
func processCPU() time.Duration { return 0 }
