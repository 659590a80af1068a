// Package doctest checks that the repository's documentation still describes the code: its Go
// snippets compile against the current API, and its terminal transcripts are what the commands
// print today. Its tests run in the test command (scripts/test.sh), as every module's do; it is
// a module of its own so that the SDK's go.mod gains nothing from the modules its snippets use.
//
// # Go snippets
//
// TestGoSnippets compiles (and vets) every Go block of README.md and of the READMEs under
// middleware/, each as a package of its own, in a module that requires the SDK and its separate
// modules from this repository, and runs the tests of those that are complete test files. An
// error names the documentation's own line. A Go block is one of two kinds, and a block that is
// neither fails the test:
//
//   - a complete file: it starts (after comments) with its package clause, and has its imports.
//     A file with a Test, Example, Benchmark or Fuzz function, or of a _test package, is
//     compiled as a test file.
//   - a fragment: statements, optionally after import declarations, preceded by a Markdown
//     comment that declares what is in scope as a Go parameter list, on the last non-blank line
//     before the fence.
//
// A fragment's declaration looks like this:
//
//	<!-- go fragment: ctx context.Context, mux *http.ServeMux -->
//
// The fragment becomes the body of a function with those parameters that returns an error, so
// "return err" works. Its import block must list every package that it and the declared names
// use (it is what the reader copies). The names it declares at its top level may go unused: the
// code after it, which the documentation does not show, would use them.
//
// Package documentation cannot hide a comment, so the code blocks of doc.go files (outside
// examples/, whose modules build on web frameworks that this one does not require) that are
// compiled are listed in this package's test (docFragments: the file, the heading the block
// stands under, its imports and what is in scope). Every other code block of a doc.go that
// parses as Go fails the test until it is listed, so that no Go code in a package's
// documentation goes unchecked.
//
// # Transcripts
//
// TestTranscripts runs the terminal transcripts of README.md: text blocks whose first line is a
// "$ " command. Each is preceded by a Markdown comment naming its scenario,
//
//	<!-- transcript: login -->
//
// which the test knows how to set up (a thaid-mock to start, an application to serve, a second
// terminal to play the browser in); a transcript without one fails. The test builds the
// commands (thaid, thaid-mock, thaid-rpcheck) from this repository and runs each transcript's
// commands in one bash, as typed, with those commands on PATH, in an empty directory, with
// standard error and standard output interleaved as a terminal shows them. The documented ports
// (9090 for thaid-mock, 8080 for the application and the login callback, 9099 for
// thaid-rpcheck) are replaced by free ones, and back in the output. Each command's output is then
// compared, line by line, with the one the documentation shows, after Normalise has replaced
// what changes from run to run (states, codes, nonces, key IDs, hashes, Unix times, the QR
// reference, JUnit times) with placeholders; the masked PIDs, names, claims, messages and exit
// statuses must match exactly.
package doctest
