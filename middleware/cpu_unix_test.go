//go:build unix

package middleware

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time (user and system) that the process has used: on a machine
// shared with other work, the benchmarks report it beside the wall time, which measures the
// neighbours as much as the code.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
