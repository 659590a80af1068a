package doctest

import (
	"fmt"
	"regexp"
	"strings"
)

// Block is a fenced code block of a Markdown file.
type Block struct {
	// File names the Markdown file, as errors show it ("README.md").
	File string
	// Lang is the fence's info string ("go", "text", "sh", ...).
	Lang string
	// Line is the line of the opening fence (1-based); the code starts on the next line.
	Line int
	// Text is the code, every line ending with a newline.
	Text string
	// Marker is the text of the HTML comment just before the fence ("" when there is none):
	// "go fragment: ctx context.Context" gives "go fragment: ctx context.Context".
	Marker string
	// MarkerLine is the marker's line, 0 when there is none.
	MarkerLine int
}

// Where returns the block's position for messages: "README.md:53".
func (b Block) Where() string { return fmt.Sprintf("%s:%d", b.File, b.Line) }

var markerRE = regexp.MustCompile(`^<!--\s*(.*?)\s*-->$`)

// ParseMarkdown returns the fenced code blocks of a Markdown file, with the HTML comment that
// stands on the last non-blank line before each fence, if any. It returns an error for a fence
// that is never closed.
func ParseMarkdown(file string, src []byte) ([]Block, error) {
	lines := strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n")
	var blocks []Block
	for i := 0; i < len(lines); i++ {
		fence, info, ok := openingFence(lines[i])
		if !ok {
			continue
		}
		b := Block{File: file, Lang: info, Line: i + 1}
		for j := i - 1; j >= 0; j-- {
			s := strings.TrimSpace(lines[j])
			if s == "" {
				continue
			}
			if m := markerRE.FindStringSubmatch(s); m != nil {
				b.Marker, b.MarkerLine = m[1], j+1
			}
			break
		}
		var text strings.Builder
		closed := false
		for i++; i < len(lines); i++ {
			if strings.TrimSpace(lines[i]) == fence {
				closed = true
				break
			}
			text.WriteString(lines[i])
			text.WriteByte('\n')
		}
		if !closed {
			return nil, fmt.Errorf("%s: the code block opened here is never closed", b.Where())
		}
		b.Text = text.String()
		blocks = append(blocks, b)
	}
	return blocks, nil
}

// openingFence reports whether line opens a fenced code block, with the fence (three or more
// backticks) and the info string's first word.
func openingFence(line string) (fence, info string, ok bool) {
	n := len(line) - len(strings.TrimLeft(line, "`"))
	if n < 3 {
		return "", "", false
	}
	info = strings.TrimSpace(line[n:])
	if strings.Contains(info, "`") {
		return "", "", false
	}
	if f := strings.Fields(info); len(f) > 0 {
		info = f[0]
	}
	return line[:n], info, true
}
