// Command bad is a fixture of CheckCopy: it imports an internal package of another module
// (golang.org/x/oauth2's), so a copy in the user's module cannot build. It is never compiled:
// CheckCopy refuses it before building.
package main

import (
	"fmt"

	"golang.org/x/oauth2/internal"
)

func main() { fmt.Println(internal.AuthStyleInHeader) }
