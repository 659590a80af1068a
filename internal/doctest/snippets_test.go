package doctest_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/internal/doctest"
)

// repoRoot is the repository's root, two folders up from this package.
const repoRoot = "../.."

// markdownFiles are the Markdown files whose Go blocks are compiled: the README and the READMEs
// of the middleware's packages. (The examples' READMEs show code of modules that this one does
// not require; each example's own tests build its code.)
func markdownFiles(t *testing.T) []string {
	t.Helper()
	files := []string{"README.md"}
	err := filepath.WalkDir(filepath.Join(repoRoot, "middleware"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if d.Name() == "README.md" {
			rel, err := filepath.Rel(repoRoot, path)
			files = append(files, filepath.ToSlash(rel))
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// blocksOf returns the fenced blocks of a Markdown file of the repository.
func blocksOf(t *testing.T, file string) []doctest.Block {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot, file))
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := doctest.ParseMarkdown(file, src)
	if err != nil {
		t.Fatal(err)
	}
	return blocks
}

// docFragment declares a Go code block of a package's documentation: the doc.go file, the
// heading it stands under ("" before the first), the imports it needs and what is in scope (a
// Go parameter list).
type docFragment struct {
	file, heading, imports, params string
}

var docFragments = []docFragment{
	{
		file: "middleware/doc.go", heading: "Protect a handler in ten lines",
		imports: `import (
	"context"
	"net/http"
	"os"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/thaid"
)
`,
		params: "ctx context.Context, registrations http.Handler",
	},
	{
		file: "mockprovider/doc.go", heading: "In tests",
		imports: `import (
	"testing"

	"github.com/thaid-go/thaid-go/mockprovider"
)
`,
		params: "t *testing.T",
	},
	{
		file: "middleware/otelthaid/doc.go", heading: "",
		imports: `import (
	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/middleware/otelthaid"
	"github.com/thaid-go/thaid-go/thaid"
)
`,
		params: "client *thaid.Client",
	},
	{
		file: "middleware/redisstore/doc.go", heading: "Set up",
		imports: `import (
	"github.com/redis/go-redis/v9"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/middleware/redisstore"
	"github.com/thaid-go/thaid-go/thaid"
)
`,
		params: "client *thaid.Client, keys []thaid.Secret",
	},
}

// docSnippets returns the declared Go blocks of every doc.go of the repository but the
// examples', and an error
// for each code block that parses as Go and is not declared, and for each declaration that
// matches no block.
func docSnippets(t *testing.T) ([]doctest.Snippet, []error) {
	t.Helper()
	var snippets []doctest.Snippet
	var errs []error
	used := make([]bool, len(docFragments))
	err := filepath.WalkDir(repoRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		// The examples are modules of their own, on web frameworks that this module does not
		// require; each example's tests build its code, and its Example functions show it.
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == ".git" || path == filepath.Join(repoRoot, "examples")) {
			return filepath.SkipDir
		}
		if d.IsDir() || d.Name() != "doc.go" {
			return nil
		}
		rel, err := filepath.Rel(repoRoot, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		blocks, err := doctest.PackageDocBlocks(path, rel)
		if err != nil {
			return err
		}
		for _, b := range blocks {
			complete, statements := doctest.IsCompleteFile(b.Text), doctest.ParsesAsStatements(b.Text)
			declared := slices.IndexFunc(docFragments, func(f docFragment) bool { return f.file == rel && f.heading == b.Heading })
			switch {
			case declared >= 0 && (complete || statements):
				used[declared] = true
				f := docFragments[declared]
				snippets = append(snippets, doctest.Snippet{File: rel, Line: b.Line, Code: b.Text, Complete: complete,
					Params: f.params, Imports: f.imports})
			case complete || statements:
				errs = append(errs, errors.New(b.Where()+": this code block of the package documentation is Go that no test compiles: declare it in docFragments (internal/doctest/snippets_test.go)"))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range docFragments {
		if !used[i] {
			errs = append(errs, errors.New(f.file+": docFragments declares a Go block under the heading "+`"`+f.heading+`"`+", and there is none: update the declaration"))
		}
	}
	return snippets, errs
}

// TestGoSnippets compiles every Go snippet of the README, of the middleware's READMEs and the
// declared ones of the package documentation, against the current API.
func TestGoSnippets(t *testing.T) {
	var snippets []doctest.Snippet
	var problems []error
	for _, file := range markdownFiles(t) {
		s, errs := doctest.GoSnippets(blocksOf(t, file))
		snippets = append(snippets, s...)
		problems = append(problems, errs...)
	}
	s, errs := docSnippets(t)
	snippets = append(snippets, s...)
	problems = append(problems, errs...)
	if len(snippets) == 0 {
		t.Fatal("no Go snippet found: is the README where it was?")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	errs, err := doctest.CheckSnippets(ctx, ".", t.TempDir(), snippets)
	if err != nil {
		t.Fatal(err)
	}
	problems = append(problems, errs...)
	for _, p := range problems {
		t.Error(p)
	}
	if !t.Failed() {
		var where []string
		for _, s := range snippets {
			where = append(where, s.Where())
		}
		t.Logf("%d snippets build (and the tests among them pass): %s", len(snippets), strings.Join(where, ", "))
	}
}
