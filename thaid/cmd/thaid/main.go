package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/thaid-go/thaid-go/thaid"
)

// Exit statuses.
const (
	exitOK    = 0 // the command did what was asked: a login completed, a provider is usable, every PID is valid
	exitFail  = 1 // it ran but the answer is no: login failed, provider unusable, invalid PID, bad token
	exitUsage = 2 // the command line is wrong: unknown flag, missing value, a value that cannot work
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// env carries what a subcommand needs from its surroundings, so that tests run the
// command in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// subcommand is one verb of the command.
type subcommand struct {
	name, summary string
	run           func(ctx context.Context, e env, args []string) int
}

var subcommands = []subcommand{
	{"login", "log in once and report what the provider sent, with the thaid.Config that fits", runLogin},
	{"check", "check discovery, the JWKS and the endpoints of a provider", runCheck},
	{"pid", "check, mask or generate citizen IDs (pid check|mask|generate)", runPID},
	{"decode", "show a token's header and claims (PID masked); verify it with -issuer", runDecode},
}

// run runs the command with args (without the program name) and returns the exit status.
// Everything it prints goes through a terminalWriter.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	out, errOut := newTerminalWriter(stdout), newTerminalWriter(stderr)
	defer out.flush()
	defer errOut.flush()
	e := env{stdin: stdin, stdout: out, stderr: errOut}
	if len(args) == 0 {
		usage(e.stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(e.stdout)
		return exitOK
	}
	for _, sc := range subcommands {
		if sc.name == args[0] {
			return sc.run(ctx, e, args[1:])
		}
	}
	fmt.Fprintf(e.stderr, "thaid: unknown command %q\n\n", args[0])
	usage(e.stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "thaid: try a ThaID client ID, a provider, a token or a citizen ID from the terminal.\n\n")
	fmt.Fprintf(w, "Usage:\n  thaid <command> [flags] [arguments]\n\nCommands:\n")
	for _, sc := range subcommands {
		fmt.Fprintf(w, "  %-8s %s\n", sc.name, sc.summary)
	}
	fmt.Fprintf(w, "\nRun thaid <command> -h for a command's flags and an example.\n")
}

// newFlagSet returns a flag set whose -h prints the synopsis, the flags and the examples.
func newFlagSet(e env, name, synopsis, examples string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: %s\n\n", synopsis)
		fs.PrintDefaults()
		fmt.Fprintf(w, "\nExamples:\n%s", examples)
	}
	return fs
}

// parseFlags parses args and returns the exit status to end with, or -1 to go on.
// -h prints the usage to stdout and ends with exitOK; a flag that comes after a
// positional argument is refused, as flag would silently take it for an argument.
func parseFlags(e env, fs *flag.FlagSet, args []string) int {
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(e.stdout)
			fs.Usage()
			return exitOK
		}
	}
	fs.Usage = func() { fmt.Fprintf(e.stderr, "Run thaid %s -h for the flags and examples.\n", fs.Name()) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	for _, a := range fs.Args() {
		if strings.HasPrefix(a, "-") && a != "-" {
			fmt.Fprintf(e.stderr, "thaid %s: flag %s comes after an argument; put flags first\n", fs.Name(), a)
			return exitUsage
		}
	}
	return -1
}

// fail prints a one-line error for the subcommand and returns status. A PID in it (a stray
// argument, a provider's message) is masked: -show-pid is for the identity, not for errors.
func fail(e env, cmd string, status int, format string, args ...any) int {
	fmt.Fprintf(e.stderr, "thaid %s: %s\n", cmd, thaid.MaskPID(fmt.Sprintf(format, args...)))
	return status
}
