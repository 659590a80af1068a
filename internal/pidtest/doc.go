// Package pidtest holds what the repository's masking tests need to make and find citizen IDs:
// valid PIDs from a fuzzer's seed, a PID written in the forms text may carry it in, and a check
// that a text still holds a PID's 13 digits in order in any spelling. It is written apart from
// the masking code it tests.
package pidtest
