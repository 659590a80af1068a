package apiguard_test

import (
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/thaid-go/thaid-go/internal/apiguard"
)

var update = flag.Bool("update", false, "rewrite the records in api/ from the code")

// repoRoot is the repository's root, two folders up from this package.
const repoRoot = "../.."

// guarded are the modules whose exported API is recorded: the module's folder (relative to the
// repository) and its record. The examples and internal/ are not APIs: the examples are copied,
// not imported.
var guarded = []struct{ dir, record string }{
	{".", "api/thaid-go.txt"},
	{"middleware/otelthaid", "api/middleware-otelthaid.txt"},
	{"middleware/redisstore", "api/middleware-redisstore.txt"},
}

const header = `# The exported API of this module, one line per exported name, as internal/apiguard lists it.
# A test fails when the code differs from this record. After a deliberate change:
#   go test ./internal/apiguard -run TestAPI -update
# and add a line to CHANGELOG.md's "Unreleased" part (under "Breaking changes" when a line was
# removed or changed), saying what a user must change in their code.
`

// TestAPI holds each guarded module's exported API against its record.
func TestAPI(t *testing.T) {
	for _, g := range guarded {
		t.Run(g.dir, func(t *testing.T) {
			dir := filepath.Join(repoRoot, g.dir)
			got, err := apiguard.Module(dir, modulePath(t, dir))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 {
				t.Fatalf("no exported API found in %s", g.dir)
			}
			path := filepath.Join(repoRoot, g.record)
			if *update {
				writeRecord(t, path, got)
				return
			}
			want := readRecord(t, path)
			if d := apiguard.Diff(want, got); len(d) > 0 {
				t.Errorf("the exported API of %s differs from %s (+ in the code only, - in the record only):\n%s\n\n"+
					"If the change is deliberate, update the record with\n"+
					"\tgo test ./internal/apiguard -run TestAPI -update\n"+
					"and add a line to CHANGELOG.md's Unreleased part saying what a user must change.",
					g.dir, g.record, strings.Join(d, "\n"))
			}
		})
	}
}

// TestEveryLibraryModuleGuarded fails when the repository gains a Go module outside examples/ and
// internal/ (a library others import) without a record.
func TestEveryLibraryModuleGuarded(t *testing.T) {
	var dirs []string
	err := filepath.WalkDir(repoRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.Name() != "go.mod" {
			return nil
		}
		rel, err := filepath.Rel(repoRoot, filepath.Dir(p))
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if top, _, _ := strings.Cut(rel, "/"); top == "examples" || top == "internal" {
			return nil
		}
		dirs = append(dirs, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !slices.ContainsFunc(guarded, func(g struct{ dir, record string }) bool { return g.dir == d }) {
			t.Errorf("module %s has no API record: add it to guarded in this file and run the test with -update", d)
		}
	}
}

// TestGuardCatchesAddedFunction copies the thaid package, adds one exported function, and checks
// that the guard names exactly that function as added to the record.
func TestGuardCatchesAddedFunction(t *testing.T) {
	const importPath = "github.com/thaid-go/thaid-go/thaid"
	src := filepath.Join(repoRoot, "thaid")
	want, err := apiguard.Package(src, importPath)
	if err != nil {
		t.Fatal(err)
	}
	recorded := readRecord(t, filepath.Join(repoRoot, "api/thaid-go.txt"))
	for _, l := range want {
		if !slices.Contains(recorded, l) {
			t.Fatalf("the record lacks a line of today's thaid (run TestAPI first): %s", l)
		}
	}

	dst := t.TempDir()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	added := "package thaid\n\n// Added is new.\nfunc Added(n int) (string, error) { return \"\", nil }\n\nfunc notAPI() {}\n"
	if err := os.WriteFile(filepath.Join(dst, "added.go"), []byte(added), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := apiguard.Package(dst, importPath)
	if err != nil {
		t.Fatal(err)
	}
	d := apiguard.Diff(want, got)
	wantDiff := []string{"+ pkg github.com/thaid-go/thaid-go/thaid, func Added(int) (string, error)"}
	if !slices.Equal(d, wantDiff) {
		t.Errorf("diff after adding func Added = %q, want %q", d, wantDiff)
	}
}

// TestListing checks what counts as API and how it is written, on small packages.
func TestListing(t *testing.T) {
	const before = `package p

import "context"

// T is a type.
type T struct {
	Name  string
	inner int
	Embedded
	*unexported
}

type Embedded struct{}
type unexported struct{}

type I interface {
	Do(ctx context.Context, n int) error
	fmt() string
}

type Kind int

const (
	KindA Kind = iota
	KindB
	kindC
)

const Max = 10

var Default = []string{"a"}

var Err error

func New(ctx context.Context, name string) (*T, error) { return nil, nil }
func (t *T) Get(key string) string                    { return "" }
func (t unexported) Hidden()                          {}
func helper()                                         {}
`
	base := listing(t, before)
	wantBase := []string{
		"pkg p, const KindA Kind = iota (iota 0)",
		"pkg p, const KindB Kind = iota (iota 1)",
		"pkg p, const Max = 10",
		"pkg p, func New(context.Context, string) (*T, error)",
		"pkg p, method (*T) Get(string) string",
		"pkg p, type Embedded struct",
		"pkg p, type I interface",
		"pkg p, type I interface, Do(context.Context, int) error",
		"pkg p, type I interface, fmt() string",
		"pkg p, type Kind int",
		"pkg p, type T struct",
		"pkg p, type T struct, Name string",
		"pkg p, type T struct, embedded Embedded",
		"pkg p, var Default = []string{\"a\"}",
		"pkg p, var Err error",
	}
	if !slices.Equal(base, wantBase) {
		t.Fatalf("listing:\n%s\nwant:\n%s", strings.Join(base, "\n"), strings.Join(wantBase, "\n"))
	}

	cases := []struct {
		name, from, to string
		want           []string
	}{
		{"parameter renamed", "func New(ctx context.Context, name string)", "func New(c context.Context, n string)", nil},
		{"unexported function added", "func helper()", "func helper2()", nil},
		{"parameter type changed", "func New(ctx context.Context, name string)", "func New(ctx context.Context, name []byte)",
			[]string{"+ pkg p, func New(context.Context, []byte) (*T, error)", "- pkg p, func New(context.Context, string) (*T, error)"}},
		{"field added", "\tName  string\n", "\tName  string\n\tAge int\n", []string{"+ pkg p, type T struct, Age int"}},
		{"unexported field added", "\tinner int\n", "\tinner int\n\tother int\n", nil},
		{"method removed", "func (t *T) Get(key string) string                    { return \"\" }", "", []string{"- pkg p, method (*T) Get(string) string"}},
		{"interface method added", "\tfmt() string\n", "\tfmt() string\n\tClose() error\n", []string{"+ pkg p, type I interface, Close() error"}},
		{"default changed", `[]string{"a"}`, `[]string{"a", "b"}`,
			[]string{"+ pkg p, var Default = []string{\"a\", \"b\"}", "- pkg p, var Default = []string{\"a\"}"}},
		{"const reordered", "\tKindA Kind = iota\n\tKindB\n", "\tKindB Kind = iota\n\tKindA\n",
			[]string{"+ pkg p, const KindA Kind = iota (iota 1)", "+ pkg p, const KindB Kind = iota (iota 0)",
				"- pkg p, const KindA Kind = iota (iota 0)", "- pkg p, const KindB Kind = iota (iota 1)"}},
		{"method on unexported type added", "func (t unexported) Hidden()", "func (t unexported) Hidden()   {}\nfunc (t unexported) Other()", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(before, tc.from, tc.to, 1)
			if src == before {
				t.Fatalf("the case changes nothing: %q not found", tc.from)
			}
			d := apiguard.Diff(base, listing(t, src))
			if !slices.Equal(d, tc.want) {
				t.Errorf("diff = %q, want %q", d, tc.want)
			}
		})
	}
}

func listing(t *testing.T, src string) []string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "p.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := apiguard.Package(dir, "p")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func modulePath(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if p, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.Trim(strings.TrimSpace(p), `"`)
		}
	}
	t.Fatalf("%s/go.mod names no module", dir)
	return ""
}

func readRecord(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with: go test ./internal/apiguard -run TestAPI -update)", err)
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSuffix(l, "\r"); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	return lines
}

func writeRecord(t *testing.T, path string, lines []string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(header+strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d lines)", path, len(lines))
}
