// Package greet stands for an example's glue package (thaidgin, for one).
package greet

import "github.com/thaid-go/thaid-go/examples/exampletest/testdata/good/internal/words"

// Hello returns a greeting.
func Hello() string { return words.Hello }
