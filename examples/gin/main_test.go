package main

import (
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/thaid-go/thaid-go/internal/demo/demotest"
)

// TestRun starts the command as main does (on a free port), follows /me to the embedded mock's
// QR page, stops it, and checks that it printed the demo citizens with masked PIDs only.
func TestRun(t *testing.T) { demotest.CheckRun(t, server) }

// TestFlow walks a login through the app's router header by header (demotest.CheckFlow): HEAD,
// scripts' 401, return_to, every Set-Cookie with its attributes (also __Host- for HTTPS),
// Cache-Control, the cross-site logout refused and the logout.
func TestFlow(t *testing.T) { demotest.CheckFlow(t, server) }

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	m.Run()
}
