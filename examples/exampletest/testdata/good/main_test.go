package main

// A test file may import the SDK's internal packages: it is not part of the copy.
import _ "github.com/thaid-go/thaid-go/internal/testclock"
