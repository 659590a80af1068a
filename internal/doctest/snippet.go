package doctest

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// FragmentMarker starts the HTML comment that declares a Go fragment in Markdown:
// <!-- go fragment: ctx context.Context, client *thaid.Client -->.
const FragmentMarker = "go fragment"

// ErrUndeclared reports a Go block that is neither a complete file nor a declared fragment.
var ErrUndeclared = errors.New("a Go block must be a complete file (with its package clause) or declared as a fragment")

// Snippet is a piece of Go code from the documentation, as the doc test compiles it.
type Snippet struct {
	// File and Line say where the code's first line is ("README.md", 54); compile errors name
	// lines of File.
	File string
	Line int
	// Code is the Go code as the documentation shows it.
	Code string
	// Complete is true for a whole file (it has a package clause).
	Complete bool
	// Params declares, for a fragment, what is in scope: a Go parameter list
	// ("ctx context.Context, mux *http.ServeMux"), the parameters of the function that the
	// fragment becomes the body of. That function returns an error, so a fragment may
	// "return err".
	Params string
	// ParamsLine is where Params is written (the marker's line), for errors in it.
	ParamsLine int
	// Imports are import declarations added before the fragment's own, for fragments of package
	// documentation, which shows none (the test's table declares them).
	Imports string
}

// Where returns the snippet's position: "README.md:54".
func (s Snippet) Where() string { return fmt.Sprintf("%s:%d", s.File, s.Line) }

// GoSnippets returns the Go blocks among blocks as snippets. A Go block must be a complete file
// or carry a fragment marker; each that does neither gives an error wrapping ErrUndeclared.
func GoSnippets(blocks []Block) ([]Snippet, []error) {
	var out []Snippet
	var errs []error
	for _, b := range blocks {
		if b.Lang != "go" && b.Lang != "golang" {
			continue
		}
		s := Snippet{File: b.File, Line: b.Line + 1, Code: b.Text, Complete: IsCompleteFile(b.Text)}
		head, params, _ := strings.Cut(b.Marker, ":")
		isFragment := strings.TrimSpace(head) == FragmentMarker
		switch {
		case s.Complete && isFragment:
			errs = append(errs, fmt.Errorf("%s: a complete Go file (it has a package clause) with a %q marker: drop the marker", b.Where(), FragmentMarker))
			continue
		case s.Complete:
		case isFragment:
			s.Params, s.ParamsLine = strings.TrimSpace(params), b.MarkerLine
		default:
			errs = append(errs, fmt.Errorf("%s: %w: start it with its package clause and imports, or put <!-- %s: NAME TYPE, ... --> just before it, naming what is in scope", b.Where(), ErrUndeclared, FragmentMarker))
			continue
		}
		out = append(out, s)
	}
	return out, errs
}

// IsCompleteFile reports whether code starts, after comments, with a package clause.
func IsCompleteFile(code string) bool {
	_, err := parser.ParseFile(token.NewFileSet(), "", code, parser.PackageClauseOnly)
	return err == nil
}

// ParsesAsStatements reports whether code is Go statements (optionally after import
// declarations): what a fragment is. Package documentation uses it to find Go code that nobody
// declared.
func ParsesAsStatements(code string) bool {
	imports, body, _ := splitImports(code)
	src := "package p\n" + imports + "\nfunc _() {\n" + body + "\n}\n"
	_, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
	return err == nil && strings.TrimSpace(body) != ""
}

// splitImports splits a fragment into its leading import declarations and the statements after
// them; bodyLine is the line of code (1-based) on which the statements start. The import
// declarations run to the end of the line of the last one; a fragment whose imports do not parse
// has none.
func splitImports(code string) (imports, body string, bodyLine int) {
	const header = "package p;"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", header+code, parser.ImportsOnly)
	if err != nil || len(f.Decls) == 0 {
		return "", code, 1
	}
	end := fset.Position(f.Decls[len(f.Decls)-1].End()).Offset - len(header)
	if nl := strings.IndexByte(code[end:], '\n'); nl >= 0 {
		end += nl + 1
	} else {
		end = len(code)
	}
	return code[:end], code[end:], strings.Count(code[:end], "\n") + 1
}

// source returns the file that the snippet becomes, and its name: positions in it are mapped
// back to the documentation with line directives, so that the compiler names the
// documentation's lines.
func (s Snippet) source() (name string, src []byte) {
	var b bytes.Buffer
	if s.Complete {
		name = "snippet.go"
		if f, err := parser.ParseFile(token.NewFileSet(), "", s.Code, parser.PackageClauseOnly); err == nil &&
			(strings.HasSuffix(f.Name.Name, "_test") || testFunc.MatchString(s.Code)) {
			name = "snippet_test.go"
		}
		fmt.Fprintf(&b, "//line %s:%d\n%s", s.File, s.Line, s.Code)
		return name, b.Bytes()
	}
	imports, body, bodyLine := splitImports(s.Code)
	b.WriteString("package snippet\n\n")
	b.WriteString(s.Imports)
	if imports != "" {
		fmt.Fprintf(&b, "\n//line %s:%d\n%s", s.File, s.Line, imports)
	}
	fmt.Fprintf(&b, "\n//line %s:%d\nfunc _(%s) error {\n", s.File, cmp.Or(s.ParamsLine, s.Line), s.Params)
	fmt.Fprintf(&b, "//line %s:%d\n%s", s.File, s.Line+bodyLine-1, body)
	head := b.String()
	// A fragment shows code in its context: the names it declares are used later, by code that
	// the documentation does not show. Use them here, or the compiler refuses them.
	b.WriteString("\n")
	for _, name := range declaredNames(head + "\n}\n") {
		fmt.Fprintf(&b, "\t_ = %s\n", name)
	}
	if !endsWithReturn(body) {
		b.WriteString("\treturn nil\n")
	}
	b.WriteString("}\n")
	return "snippet.go", b.Bytes()
}

// declaredNames returns the names that the statements of the body of the function in src
// declare at its top level (with := or var); nil when src does not parse.
func declaredNames(src string) []string {
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	var names []string
	add := func(id *ast.Ident) {
		if id.Name != "_" && !slices.Contains(names, id.Name) {
			names = append(names, id.Name)
		}
	}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		for _, st := range fn.Body.List {
			switch st := st.(type) {
			case *ast.AssignStmt:
				if st.Tok == token.DEFINE {
					for _, e := range st.Lhs {
						if id, ok := e.(*ast.Ident); ok {
							add(id)
						}
					}
				}
			case *ast.DeclStmt:
				if g, ok := st.Decl.(*ast.GenDecl); ok && g.Tok == token.VAR {
					for _, sp := range g.Specs {
						for _, id := range sp.(*ast.ValueSpec).Names {
							add(id)
						}
					}
				}
			}
		}
	}
	return names
}

// endsWithReturn reports whether the last line of code with something on it is a return.
func endsWithReturn(code string) bool {
	lines := strings.Split(strings.TrimRight(code, " \t\n"), "\n")
	last := strings.TrimSpace(lines[len(lines)-1])
	return last == "return" || strings.HasPrefix(last, "return ")
}

// CheckSnippets compiles every snippet, each as a package of its own, in a module that requires
// what the module at modDir requires (with the same replacements and go.sum, so that no network
// is needed once that module's own build has filled the module cache), and runs go vet on them;
// then it runs the tests of the snippets that are complete test files (go test), which must
// pass. It returns one error per snippet that does not build, vet or pass, naming its lines; a
// non-nil second result reports a failure to run the check at all. work is an empty directory.
func CheckSnippets(ctx context.Context, modDir, work string, snippets []Snippet) ([]error, error) {
	if err := copyModule(ctx, modDir, work); err != nil {
		return nil, err
	}
	var tests []string
	for i, s := range snippets {
		dir := filepath.Join(work, snippetDir(i))
		if err := os.Mkdir(dir, 0o755); err != nil {
			return nil, err
		}
		name, src := s.source()
		if err := os.WriteFile(filepath.Join(dir, name), src, 0o644); err != nil {
			return nil, err
		}
		if strings.HasSuffix(name, "_test.go") {
			tests = append(tests, "./"+snippetDir(i))
		}
	}
	// Not -unreachable: the uses of a fragment's names come after its last statement, which
	// may be a return.
	if errs, err := runOnSnippets(ctx, work, snippets, "the snippet no longer builds against the current API", "vet", "-unreachable=false", "./..."); errs != nil || err != nil {
		return errs, err
	}
	if len(tests) == 0 {
		return nil, nil
	}
	return runOnSnippets(ctx, work, snippets, "the snippet's test fails", append([]string{"test", "-count=1"}, tests...)...)
}

// runOnSnippets runs the go command in work and, when it fails, returns an error per snippet
// that its output names (by the snippet's directory), with the lines that name it.
func runOnSnippets(ctx context.Context, work string, snippets []Snippet, what string, args ...string) ([]error, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	out, runErr := cmd.CombinedOutput()
	if runErr == nil {
		return nil, nil
	}
	problems := make(map[int][]string)
	var other []string
	for _, line := range strings.Split(string(out), "\n") {
		if line == "" || strings.HasPrefix(line, "# ") || strings.HasPrefix(line, "ok ") {
			continue
		}
		if m := snippetRef.FindStringSubmatchIndex(line); m != nil {
			i, _ := strconv.Atoi(line[m[2]:m[3]])
			if i < len(snippets) {
				msg := strings.TrimPrefix(line, "vet: ")
				if strings.HasSuffix(line[m[0]:m[1]], "/") { // a position: the documentation's own
					msg = strings.TrimPrefix(line[:m[0]]+line[m[1]:], "vet: ")
				}
				problems[i] = append(problems[i], msg)
				continue
			}
		}
		other = append(other, line)
	}
	var log string // the lines that name no snippet (a test's log), indented
	if len(other) > 0 {
		log = "\t" + strings.Join(other, "\n\t")
	}
	var errs []error
	for i, s := range snippets {
		if p := problems[i]; len(p) > 0 {
			errs = append(errs, fmt.Errorf("%s: %s:\n\t%s\n%s", s.Where(), what, strings.Join(p, "\n\t"), log))
		}
	}
	if len(errs) == 0 {
		return nil, fmt.Errorf("go %s failed, on no snippet's line: %v\n%s", strings.Join(args, " "), runErr, strings.Join(other, "\n"))
	}
	return errs, nil
}

// testFunc finds a test, example, benchmark or fuzz target: a file with one is a _test.go file.
var testFunc = regexp.MustCompile(`(?m)^func (Test|Example|Benchmark|Fuzz)`)

// snippetRef finds the directory of a snippet in a line of the go command's output: "s003/" in
// a position, or "example.com/snippets/s003" in a test's FAIL line.
var snippetRef = regexp.MustCompile(`\bs(\d{3})(?:/|\b)`)

func snippetDir(i int) string { return fmt.Sprintf("s%03d", i) }

// copyModule makes work a module (example.com/snippets) with the requirements, replacements
// (made absolute) and go.sum of the module at modDir.
func copyModule(ctx context.Context, modDir, work string) error {
	modDir, err := filepath.Abs(modDir)
	if err != nil {
		return err
	}
	for _, f := range []string{"go.mod", "go.sum"} {
		b, err := os.ReadFile(filepath.Join(modDir, f))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(work, f), b, 0o644); err != nil {
			return err
		}
	}
	out, err := goCmd(ctx, work, "mod", "edit", "-json")
	if err != nil {
		return err
	}
	var mod struct {
		Replace []struct {
			Old, New struct{ Path, Version string }
		}
	}
	if err := json.Unmarshal(out, &mod); err != nil {
		return err
	}
	args := []string{"mod", "edit", "-module", "example.com/snippets"}
	for _, r := range mod.Replace {
		if r.New.Version == "" && !filepath.IsAbs(r.New.Path) {
			args = append(args, "-replace", r.Old.Path+"="+filepath.Join(modDir, r.New.Path))
		}
	}
	_, err = goCmd(ctx, work, args...)
	return err
}

// goCmd runs the go command in dir and returns its standard output.
func goCmd(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out, nil
}
