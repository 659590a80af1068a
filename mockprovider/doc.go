// Package mockprovider is a ThaID-compatible OpenID provider for tests, demos and real-browser
// runs. It is a second, independent implementation of the protocol described in THAID.md: it
// imports nothing of the thaid-go SDK, so a bug in one cannot hide behind the same bug in the
// other.
package mockprovider
