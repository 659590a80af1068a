// Package bench holds benchmarks that compare the SDK with other libraries side by side. It is a
// Go module of its own, so that what it compares with (gorilla/securecookie) never enters the
// SDK's own go.mod. It has no non-test code.
package bench
