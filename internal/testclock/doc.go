// Package testclock is the settable clock that the repository's tests give to the provider, the
// thaid client and the middleware (their Now options), so that expiry is tested without waiting.
package testclock
