// Command good is a fixture of CheckCopy: an app whose own packages come along in the copy.
package main

import (
	"fmt"

	"github.com/thaid-go/thaid-go/examples/exampletest/testdata/good/greet"
	"github.com/thaid-go/thaid-go/thaid"
)

func main() { fmt.Println(greet.Hello(), thaid.ScopeOpenID) }
