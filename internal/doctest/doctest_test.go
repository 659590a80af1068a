package doctest_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/internal/doctest"
)

const sample = "# Title\n" + // 1
	"\n" + // 2
	"<!-- go fragment: ctx context.Context -->\n" + // 3
	"```go\n" + // 4
	"import (\n" + // 5
	"\t\"context\"\n" + // 6
	"\t\"fmt\"\n" + // 7
	")\n" + // 8
	"\n" + // 9
	"n, err := fmt.Println(ctx != nil)\n" + // 10
	"if err != nil { return err }\n" + // 11
	"```\n" + // 12
	"\n" + // 13
	"```go\n" + // 14
	"x := 1\n" + // 15
	"```\n" + // 16
	"\n" + // 17
	"```go\n" + // 18
	"package main\n" + // 19
	"\n" + // 20
	"func main() {}\n" + // 21
	"```\n" + // 22
	"<!-- transcript: pid -->\n" + // 23
	"```text\n" + // 24
	"$ thaid pid mask \\\n" + // 25
	"    1101700230708\n" + // 26
	"1-1017-xxxxx-70-8\n" + // 27
	"$ echo $?\n" + // 28
	"0\n" + // 29
	"```\n" // 30

func TestParseMarkdown(t *testing.T) {
	blocks, err := doctest.ParseMarkdown("README.md", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) != 4 {
		t.Fatalf("%d blocks, want 4", len(blocks))
	}
	b := blocks[0]
	if b.Lang != "go" || b.Line != 4 || b.Marker != "go fragment: ctx context.Context" || b.MarkerLine != 3 || !strings.HasPrefix(b.Text, "import (\n") {
		t.Errorf("first block: %+v", b)
	}
	if blocks[1].Marker != "" {
		t.Errorf("the second block has marker %q: a marker must stand just before its fence", blocks[1].Marker)
	}
	if got := doctest.Scenario(blocks[3]); got != "pid" || !doctest.IsTranscript(blocks[3]) {
		t.Errorf("transcript block: scenario %q, IsTranscript %v", got, doctest.IsTranscript(blocks[3]))
	}
	if _, err := doctest.ParseMarkdown("README.md", []byte("```go\nx := 1\n")); err == nil || !strings.Contains(err.Error(), "README.md:1") {
		t.Errorf("an unclosed fence: %v, want an error naming README.md:1", err)
	}
}

// A Go block that is neither a complete file nor a declared fragment fails, naming its line.
func TestGoSnippetsUndeclared(t *testing.T) {
	blocks, _ := doctest.ParseMarkdown("README.md", []byte(sample))
	snippets, errs := doctest.GoSnippets(blocks)
	if len(errs) != 1 || !errors.Is(errs[0], doctest.ErrUndeclared) || !strings.HasPrefix(errs[0].Error(), "README.md:14: ") {
		t.Fatalf("errors %v, want one ErrUndeclared for README.md:14", errs)
	}
	if len(snippets) != 2 || snippets[0].Complete || snippets[0].Params != "ctx context.Context" || !snippets[1].Complete {
		t.Errorf("snippets %+v", snippets)
	}
	if snippets[0].Line != 5 || snippets[0].ParamsLine != 3 {
		t.Errorf("fragment at line %d, params at %d; want 5 and 3", snippets[0].Line, snippets[0].ParamsLine)
	}
}

// A snippet that does not build fails with the documentation's own line; a good one passes.
func TestCheckSnippetsNamesTheLine(t *testing.T) {
	src := strings.Replace(sample, "fmt.Println(ctx != nil)", "fmt.Println(ctx.Missing())", 1)
	blocks, _ := doctest.ParseMarkdown("README.md", []byte(src))
	snippets, _ := doctest.GoSnippets(blocks)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	errs, err := doctest.CheckSnippets(ctx, ".", t.TempDir(), snippets)
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "README.md:5: ") || !strings.Contains(errs[0].Error(), "README.md:10: ") {
		t.Fatalf("errors %v, want one for the fragment at README.md:5 naming line 10", errs)
	}

	blocks, _ = doctest.ParseMarkdown("README.md", []byte(sample))
	snippets, _ = doctest.GoSnippets(blocks)
	if errs, err := doctest.CheckSnippets(ctx, ".", t.TempDir(), snippets); err != nil || len(errs) != 0 {
		t.Fatalf("good snippets: %v %v", errs, err)
	}
}

func TestParsesAsStatements(t *testing.T) {
	for code, want := range map[string]bool{
		"p := mockprovider.Start(t, mockprovider.Options{})\n// a comment\n": true,
		"import \"fmt\"\n\nfmt.Println(1)\n":                                 true,
		"go run github.com/thaid-go/thaid-go/mockprovider/cmd/thaid-mock\n":  false,
		"-addr ADDR   listen address\n":                                      false,
		"GET  /jwks/   published keys\n":                                     false,
		"abuse: target=memory requests=200000 rate=23456/s\n":                false,
		"{\n  \"verified\": true,\n}\n":                                      false,
	} {
		if got := doctest.ParsesAsStatements(code); got != want {
			t.Errorf("ParsesAsStatements(%q) = %v, want %v", code, got, want)
		}
	}
}

func TestPackageDocBlocks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "doc.go")
	src := "// Package p is for tests.\n" + // 1
		"//\n" + // 2
		"//\tshell command\n" + // 3
		"//\n" + // 4
		"// # In ten lines\n" + // 5
		"//\n" + // 6
		"//\tx := p.New()\n" + // 7
		"//\tx.Run()\n" + // 8
		"package p\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	blocks, err := doctest.PackageDocBlocks(path, "p/doc.go")
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) != 2 {
		t.Fatalf("%d blocks, want 2", len(blocks))
	}
	if b := blocks[1]; b.Heading != "In ten lines" || b.Line != 7 || b.Text != "x := p.New()\nx.Run()\n" || b.Where() != "p/doc.go:7" {
		t.Errorf("second block %+v", b)
	}
	if blocks[0].Heading != "" || blocks[0].Line != 3 {
		t.Errorf("first block %+v", blocks[0])
	}
}

func TestParseTranscript(t *testing.T) {
	blocks, _ := doctest.ParseMarkdown("README.md", []byte(sample))
	cmds, err := doctest.ParseTranscript(blocks[3])
	if err != nil {
		t.Fatal(err)
	}
	want := []doctest.Command{
		{Text: "thaid pid mask \\\n    1101700230708", Line: 25, Want: []string{"1-1017-xxxxx-70-8"}, WantLine: 27},
		{Text: "echo $?", Line: 28, Want: []string{"0"}, WantLine: 29},
	}
	if !reflect.DeepEqual(cmds, want) {
		t.Errorf("commands %+v, want %+v", cmds, want)
	}
	if _, err := doctest.ParseTranscript(doctest.Block{File: "README.md", Line: 1, Text: "output first\n$ cmd\n"}); err == nil {
		t.Error("a transcript that does not start with a command parsed")
	}
}

func TestNormalise(t *testing.T) {
	for in, want := range map[string]string{
		"state=Cwp8y-VW54dra2k9x1WLdih02jnbW43A5ww3EtiN734&x=1":   "state=<random>&x=1",
		`  claim at_hash                "Qp_eLoDMb1ohtUF_Zm-k3g"`: `  claim at_hash                "<random>"`,
		"  kid ES256-sZeyn_En7Qp9   EC  P-256":                    "  kid <random>   EC  P-256",
		"  claim exp                    1796639170":               "  claim exp                    <time>",
		"http://127.0.0.1:9090/qr/phone/Y54F3NZB":                 "http://127.0.0.1:9090/qr/phone/<ref>",
		`<testcase name="a" time="0.001">`:                        `<testcase name="a" time="<t>">`,
		"  pid   1-5099-xxxxx-82-8 (masked)   ":                   "  pid   1-5099-xxxxx-82-8 (masked)",
		"thaid-mock: a ThaID-compatible OpenID provider":          "thaid-mock: a ThaID-compatible OpenID provider",
		"discovery missing  code_challenge_methods_supported":     "discovery missing  code_challenge_methods_supported",
		"1101700230708 and 13 digits stay":                        "1101700230708 and 13 digits stay",
	} {
		if got := doctest.Normalise(in); got != want {
			t.Errorf("Normalise(%q)\n = %q\nwant %q", in, got, want)
		}
	}
}

// Compare passes what differs only in random values, and names the line that differs otherwise.
func TestCompare(t *testing.T) {
	c := doctest.Command{Text: "thaid check", Line: 10, WantLine: 11,
		Want: []string{"kid ES256-sZeyn_En7Qp9 usable", "usable: yes", ""}}
	if err := doctest.Compare("README.md", c, "kid ES256-Ab3defGhIjkL usable\nusable: yes\n"); err != nil {
		t.Errorf("same output but for the key ID: %v", err)
	}
	err := doctest.Compare("README.md", c, "kid ES256-Ab3defGhIjkL usable\nusable: no\n")
	if err == nil || !strings.HasPrefix(err.Error(), "README.md:12: ") || !strings.Contains(err.Error(), `"usable: no"`) {
		t.Errorf("a changed line: %v, want an error naming README.md:12", err)
	}
	if err := doctest.Compare("README.md", c, "kid ES256-Ab3defGhIjkL usable\nusable: yes\nmore\n"); err == nil || !strings.Contains(err.Error(), "README.md:13: ") {
		t.Errorf("an extra line: %v, want an error naming README.md:13", err)
	}
}

// The shell runs commands in order in one bash, with standard error beside standard output,
// "echo $?" telling the previous status, and the documented ports rewritten both ways.
func TestShell(t *testing.T) {
	sh := &doctest.Shell{Dir: t.TempDir(), Env: []string{"PATH=" + os.Getenv("PATH")}, Ports: doctest.Ports{9090: 41234}}
	var seen []string
	sh.OnLine = func(cmd int, line string) { seen = append(seen, line) }
	cmds := []doctest.Command{
		{Text: "echo out; echo err >&2; echo 127.0.0.1:9090"},
		{Text: "printf 'no newline'; exit_with() { return $1; }; exit_with 3"},
		{Text: "echo $?"},
		{Text: "echo \\\n  continued"},
	}
	outs, err := sh.Run(context.Background(), cmds)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"out\nerr\n127.0.0.1:9090\n", "no newline", "3\n", "continued\n"}
	if !slices.Equal(outs, want) {
		t.Errorf("outputs %q, want %q", outs, want)
	}
	if !slices.Equal(seen, []string{"out", "err", "127.0.0.1:9090", "3", "continued"}) {
		t.Errorf("lines seen %q", seen)
	}
	if p := (doctest.Ports{9090: 41234}); p.Forward("http://127.0.0.1:9090/x") != "http://127.0.0.1:41234/x" ||
		p.Back("redirect_uri=http%3A%2F%2F127.0.0.1%3A41234%2F") != "redirect_uri=http%3A%2F%2F127.0.0.1%3A9090%2F" {
		t.Error("Ports does not rewrite the address both ways")
	}
}
