package main

import (
	"testing"

	"github.com/thaid-go/thaid-go/internal/demo/demotest"
)

// TestRun starts the command as main does (on a free port), follows /me to the embedded mock's
// QR page, stops it, and checks that it printed the demo citizens with masked PIDs only.
func TestRun(t *testing.T) { demotest.CheckRun(t, run) }
