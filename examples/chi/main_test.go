package main

import (
	"net/http"
	"testing"

	"github.com/thaid-go/thaid-go/examples/exampletest"
	"github.com/thaid-go/thaid-go/middleware"
)

// TestRun runs the command as main does (exampletest.CheckRun): with the demo mock, with a
// provider given by THAID_ISSUER through a whole login, with DOPA's endpoints named, and
// misconfigured; a PID is never printed in full.
func TestRun(t *testing.T) { exampletest.CheckRun(t, run) }

// TestFlow walks a login through the app's router header by header (exampletest.CheckFlow):
// HEAD, scripts' 401, return_to, every Set-Cookie with its attributes (also __Host- for HTTPS),
// Cache-Control, the cross-site logout refused and the logout.
func TestFlow(t *testing.T) {
	exampletest.CheckFlow(t, func(auth *middleware.Auth) exampletest.Server {
		return &http.Server{Handler: routes(auth)}
	})
}

// TestCopy copies the example's files (tests left out) into a module of its own, as a user
// does, and builds it (exampletest.CheckCopy): no file may import an internal package.
func TestCopy(t *testing.T) { exampletest.CheckCopy(t, ".") }
