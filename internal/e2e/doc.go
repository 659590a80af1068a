// Package e2e holds end-to-end tests and benchmarks that run the whole SDK together: the
// middleware and thaid client of a relying party against the in-process mock provider, over
// loopback HTTP, as a browser would drive them. It has no non-test code.
package e2e
