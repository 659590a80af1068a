// Command bad is a fixture of CheckCopy: it imports an internal package of the SDK's module, so a
// copy in another module cannot build.
package main

import (
	"fmt"
	"time"

	"github.com/thaid-go/thaid-go/internal/testclock"
)

func main() { fmt.Println(testclock.New(time.Time{}).Now()) }
