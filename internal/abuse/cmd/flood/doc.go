// Command flood is the load generator of the abuse suite (package abuse). It sends GET requests
// to one URL as fast as it can from a fixed number of keep-alive connections, with no cookies and
// without following redirects, and counts the response statuses. The suite builds it without
// -race, so that the race detector of the test process does not slow the flood.
//
//	flood -url URL [-n 200000] [-c 64] [-mark N]
//
// With -mark it prints the line "mark" on stdout just before it sends the N-th request. At the
// end it prints one line:
//
//	result requests=200000 seconds=8.412 redirects=200000 others=0 statuses=302:200000
//
// where redirects counts 302 and 303 answers, and others everything else, transport errors
// included (as the status "error"; the first one is printed on stderr).
//
// Exit status: 0 when the flood was sent, whatever the statuses (judging them is the caller's
// business), and for -h (which prints the flags on stdout); 1 when it was interrupted (SIGINT,
// SIGTERM) before the end; 2 for a wrong command line (an unknown flag, an argument, a missing
// or relative -url, -n below 0 or -c below 1).
package main
