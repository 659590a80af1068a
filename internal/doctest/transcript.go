package doctest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// TranscriptMarker starts the HTML comment that names the scenario of a transcript in Markdown:
// <!-- transcript: login -->.
const TranscriptMarker = "transcript"

// ErrNoScenario reports a transcript (a text block whose first line is a "$ " command) that
// names no scenario.
var ErrNoScenario = errors.New("a transcript must name its scenario")

// Command is one command of a transcript and the output the documentation shows for it.
type Command struct {
	// Text is the command as typed, without the "$ " prompt; continued lines (ending with a
	// backslash) are joined with newlines, as the shell reads them.
	Text string
	// Line is the line of the "$ " in the documentation.
	Line int
	// Want is the output shown, one string per line, and WantLine the line of its first line.
	Want     []string
	WantLine int
}

// IsTranscript reports whether b is a terminal transcript: a text or console block whose first
// line is a "$ " command.
func IsTranscript(b Block) bool {
	return (b.Lang == "text" || b.Lang == "console" || b.Lang == "") && strings.HasPrefix(b.Text, "$ ")
}

// Scenario returns the scenario a block's marker names ("" when it names none).
func Scenario(b Block) string {
	head, name, ok := strings.Cut(b.Marker, ":")
	if !ok || strings.TrimSpace(head) != TranscriptMarker {
		return ""
	}
	return strings.TrimSpace(name)
}

// ParseTranscript returns the commands of a transcript block.
func ParseTranscript(b Block) ([]Command, error) {
	lines := strings.Split(strings.TrimSuffix(b.Text, "\n"), "\n")
	var cmds []Command
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if !strings.HasPrefix(line, "$ ") {
			if len(cmds) == 0 {
				return nil, fmt.Errorf("%s:%d: a transcript starts with a \"$ \" command", b.File, b.Line+1+i)
			}
			c := &cmds[len(cmds)-1]
			if len(c.Want) == 0 {
				c.WantLine = b.Line + 1 + i
			}
			c.Want = append(c.Want, line)
			continue
		}
		c := Command{Text: strings.TrimPrefix(line, "$ "), Line: b.Line + 1 + i}
		for strings.HasSuffix(line, `\`) && i+1 < len(lines) {
			i++
			line = lines[i]
			c.Text += "\n" + line
		}
		cmds = append(cmds, c)
	}
	return cmds, nil
}

// Ports maps the ports that the documentation shows (9090 for thaid-mock, say) to the free ones
// that a run uses, on 127.0.0.1.
type Ports map[int]int

// Forward rewrites the documented addresses in s to the ones of the run.
func (p Ports) Forward(s string) string { return p.rewrite(s, false) }

// Back rewrites the addresses of the run in s to the documented ones, also URL-encoded.
func (p Ports) Back(s string) string { return p.rewrite(s, true) }

func (p Ports) rewrite(s string, back bool) string {
	var pairs []string
	for doc, run := range p {
		from, to := strconv.Itoa(doc), strconv.Itoa(run)
		if back {
			from, to = to, from
		}
		pairs = append(pairs, "127.0.0.1:"+from, "127.0.0.1:"+to, "127.0.0.1%3A"+from, "127.0.0.1%3A"+to)
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

var (
	// token is a run of base64url characters long enough to be a random value.
	tokenRE = regexp.MustCompile(`[A-Za-z0-9_-]{16,}`)
	// maskedPID is a PID as the SDK masks it; never normalised away.
	maskedPID  = regexp.MustCompile(`^\d-\d{4}-x{5}-\d{2}-\d$`)
	unixTimeRE = regexp.MustCompile(`\b1[6-9]\d{8}\b`)
	qrRefRE    = regexp.MustCompile(`/qr/phone/[A-Z0-9]+`)
	xmlTimeRE  = regexp.MustCompile(`time="[0-9.]+"`)
)

// Normalise replaces what differs from run to run in a line of output with a placeholder, so
// that a transcript compares what does not: random values (states, codes, nonces, key IDs,
// hashes: runs of 16 or more base64url characters that look random to looksRandom, except a
// masked PID) become <random>, Unix times from 2020 to 2033 <time>, the mock's QR
// reference <ref>, and JUnit's time attributes <t>. Trailing spaces are dropped.
func Normalise(line string) string {
	line = tokenRE.ReplaceAllStringFunc(line, func(t string) string {
		if maskedPID.MatchString(t) || !looksRandom(t) {
			return t
		}
		return "<random>"
	})
	line = unixTimeRE.ReplaceAllString(line, "<time>")
	line = qrRefRE.ReplaceAllString(line, "/qr/phone/<ref>")
	line = xmlTimeRE.ReplaceAllString(line, `time="<t>"`)
	return strings.TrimRight(line, " \t")
}

// looksRandom reports whether t looks like a random value rather than words: it mixes letters
// and digits, or changes case three times or more within its parts (split at - and _), as
// "sZeyn_En7Qp9" does and "ThaID-compatible" does not.
func looksRandom(t string) bool {
	var letter, digit bool
	changes := 0
	prev := 0 // case of the previous letter in this part: 1 upper, 2 lower, 0 none
	for _, r := range t {
		c := 0
		switch {
		case 'A' <= r && r <= 'Z':
			letter, c = true, 1
		case 'a' <= r && r <= 'z':
			letter, c = true, 2
		case '0' <= r && r <= '9':
			digit = true
			continue
		default: // - or _: a new part
			prev = 0
			continue
		}
		if prev != 0 && c != prev {
			changes++
		}
		prev = c
	}
	return letter && digit || changes >= 3
}

// Compare holds a command's output (got, with the run's ports already rewritten back) against
// the documented one, both normalised, and returns an error naming the first line that
// differs, with the whole output as the run printed it (normalised), to paste into the docs.
func Compare(file string, c Command, got string) error {
	want := trimBlank(c.Want)
	have := trimBlank(strings.Split(strings.TrimSuffix(got, "\n"), "\n"))
	for i, l := range have {
		have[i] = Normalise(l)
	}
	for i := range max(len(want), len(have)) {
		var w, h string
		if i < len(want) {
			w = Normalise(want[i])
		}
		if i < len(have) {
			h = have[i]
		}
		if i >= len(want) || i >= len(have) || w != h {
			line := c.WantLine + i
			if c.WantLine == 0 {
				line = c.Line + 1
			}
			command, _, _ := strings.Cut(c.Text, "\n")
			return fmt.Errorf("%s:%d: the output of \"$ %s\" differs from the documentation's\n\tdocs: %s\n\trun:  %s\nthe whole output of the run (normalised):\n\t| %s",
				file, line, command, show(w, i < len(want)), show(h, i < len(have)), strings.Join(have, "\n\t| "))
		}
	}
	return nil
}

func show(s string, present bool) string {
	if !present {
		return "(no line)"
	}
	return strconv.Quote(s)
}

func trimBlank(lines []string) []string {
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// Shell runs the commands of a transcript one after the other in one bash process, as a user
// types them in one terminal: standard output and standard error go to the same pipe, in the
// order written, and "echo $?" shows the previous command's status.
type Shell struct {
	// Dir is the working directory, Env the whole environment.
	Dir string
	Env []string
	// Ports rewrites the documented ports in each command to the run's, and the run's back in
	// the output.
	Ports Ports
	// OnLine, when set, is called with each complete line of output (rewritten back), with the
	// index of the command that printed it, as it comes: a scenario acts on it (opens a URL,
	// interrupts a server).
	OnLine func(cmd int, line string)

	mu   sync.Mutex
	proc *os.Process
}

// commandMark separates the commands' outputs: the byte 0x1e, then the index of the next
// command and a newline.
const commandMark = '\x1e'

// Run runs cmds and returns each one's output (rewritten back to the documented ports). An
// error means the shell itself could not run or was killed; a command that fails only shows in
// its output and in the next "echo $?".
func (sh *Shell) Run(ctx context.Context, cmds []Command) ([]string, error) {
	var script strings.Builder
	script.WriteString("exec 2>&1\nprintf '\\0360\\n'\n")
	for i, c := range cmds {
		script.WriteString(sh.Ports.Forward(c.Text))
		next := strconv.Itoa(i + 1)
		if i == len(cmds)-1 {
			next = "end"
		}
		fmt.Fprintf(&script, "\n__doctest_status=$?; printf '\\036%s\\n'; (exit $__doctest_status)\n", next)
	}
	f, err := os.CreateTemp(sh.Dir, "transcript-*.sh")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(script.String()); err != nil {
		f.Close()
		return nil, err
	}
	f.Close()

	cmd := exec.CommandContext(ctx, "bash", "--noprofile", "--norc", filepath.Base(f.Name()))
	cmd.Dir, cmd.Env = sh.Dir, sh.Env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	sh.mu.Lock()
	sh.proc = cmd.Process
	sh.mu.Unlock()
	defer syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // whatever a command left running

	outs := make([]bytes.Buffer, len(cmds))
	readErr := sh.read(stdout, outs)
	waitErr := cmd.Wait()
	res := make([]string, len(cmds))
	for i := range outs {
		res[i] = sh.Ports.Back(outs[i].String())
	}
	if ctx.Err() != nil {
		return res, fmt.Errorf("the transcript did not finish: %w", ctx.Err())
	}
	if readErr != nil {
		return res, readErr
	}
	var exit *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exit) {
		return res, waitErr
	}
	return res, nil
}

// read splits the shell's output among the commands at the marks, calling OnLine for each
// complete line.
func (sh *Shell) read(r io.Reader, outs []bytes.Buffer) error {
	br := bufio.NewReader(r)
	cur := -1
	var line strings.Builder // the current command's incomplete line
	for {
		chunk, err := br.ReadString('\n')
		for chunk != "" {
			text, rest, marked := strings.Cut(chunk, string(commandMark))
			if cur >= 0 && cur < len(outs) {
				outs[cur].WriteString(text)
				line.WriteString(text)
				if strings.HasSuffix(text, "\n") {
					if sh.OnLine != nil {
						sh.OnLine(cur, sh.Ports.Back(strings.TrimSuffix(line.String(), "\n")))
					}
					line.Reset()
				}
			}
			if !marked {
				break
			}
			idx, after, _ := strings.Cut(rest, "\n")
			if idx == "end" {
				cur = len(outs)
			} else if n, err := strconv.Atoi(idx); err == nil {
				cur = n
			}
			line.Reset()
			chunk = after
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// Interrupt sends SIGINT to every process of the shell (as Ctrl-C does in a terminal).
func (sh *Shell) Interrupt() error {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.proc == nil {
		return errors.New("the shell has not started")
	}
	return syscall.Kill(-sh.proc.Pid, syscall.SIGINT)
}
