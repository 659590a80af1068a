package exampletest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// CopyModule is the module path of the copy that CheckCopy builds: the user's own module.
const CopyModule = "example.com/myapp"

// ErrInternalImport reports a file of an example that imports an internal package of another
// module: copied into the user's module, it cannot build.
var ErrInternalImport = errors.New("imports an internal package of another module")

// CheckCopy copies the example whose module root is dir (usually ".", the directory of the test)
// into a module of its own, as a user copies it into their app, and builds it. It fails the test
// if that does not build, or if any file of the copy imports an internal package of another
// module (ErrInternalImport), such as the SDK's internal/.
//
// The copy holds every file of the example except its tests (_test.go), testdata/ and nested
// modules; its packages (a glue package such as thaidgin) come along, their imports rewritten
// from the example's module path to CopyModule. Its go.mod requires what the example's go.mod
// requires, at the same versions, with the same replace directives (local paths made absolute:
// the SDK is the repository's), and the example's go.sum: then `go mod tidy` and `go build` run
// with GOFLAGS=-mod=mod and need no network once the example's own tests have filled the module
// cache. GOPROXY stays as the environment gives it.
func CheckCopy(t *testing.T, dir string) {
	t.Helper()
	if err := buildCopy(context.Background(), dir, t.TempDir()); err != nil {
		t.Fatal(err)
	}
}

// goMod is the part of `go mod edit -json` that buildCopy reads.
type goMod struct {
	Module    struct{ Path string }
	Go        string
	Toolchain string
	Require   []struct {
		Path, Version string
		Indirect      bool
	}
	Replace []struct {
		Old, New struct{ Path, Version string }
	}
}

// buildCopy copies the example module at src into dst as module CopyModule, then runs go mod
// tidy and go build there.
func buildCopy(ctx context.Context, src, dst string) error {
	src, err := filepath.Abs(src)
	if err != nil {
		return err
	}
	out, err := goCmd(ctx, src, "mod", "edit", "-json")
	if err != nil {
		return err
	}
	var mod goMod
	if err := json.Unmarshal(out, &mod); err != nil {
		return fmt.Errorf("go mod edit -json in %s: %w", src, err)
	}
	if mod.Module.Path == "" {
		return fmt.Errorf("%s: go.mod names no module", src)
	}
	if err := copyFiles(src, dst, mod.Module.Path); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dst, "go.mod"), copyGoMod(src, mod), 0o644); err != nil {
		return err
	}
	if sum, err := os.ReadFile(filepath.Join(src, "go.sum")); err == nil {
		if err := os.WriteFile(filepath.Join(dst, "go.sum"), sum, 0o644); err != nil {
			return err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if _, err := goCmd(ctx, dst, "mod", "tidy"); err != nil {
		return err
	}
	_, err = goCmd(ctx, dst, "build", "-o", filepath.Join(dst, "bin")+string(filepath.Separator), "./...")
	return err
}

// copyFiles copies the files of the module at src that a user copies (not tests, testdata/,
// hidden directories or nested modules) into dst, rewriting the Go files' imports of module
// ownPath to CopyModule. It refuses imports of another module's internal packages.
func copyFiles(src, dst, ownPath string) error {
	var refused []error
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if rel == "." {
				return nil
			}
			name := d.Name()
			if name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir // another module
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		name := d.Name()
		if !d.Type().IsRegular() || name == "go.mod" || name == "go.sum" || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.HasSuffix(name, ".go") {
			var errs []error
			if b, errs, err = rewriteImports(rel, b, ownPath); err != nil {
				return err
			}
			refused = append(refused, errs...)
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		return err
	}
	return errors.Join(refused...)
}

// rewriteImports returns the Go file src (named name in errors) with its imports of module
// ownPath rewritten to CopyModule, and an ErrInternalImport for each import of another module's
// internal package.
func rewriteImports(name string, src []byte, ownPath string) ([]byte, []error, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ImportsOnly)
	if err != nil {
		return nil, nil, err
	}
	var refused []error
	out := slices.Clone(src)
	for _, imp := range slices.Backward(f.Imports) {
		path, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			return nil, nil, err
		}
		own := path == ownPath || strings.HasPrefix(path, ownPath+"/")
		if !own && slices.Contains(strings.Split(path, "/"), "internal") {
			refused = append(refused, fmt.Errorf("%s: %q %w", fset.Position(imp.Pos()), path, ErrInternalImport))
			continue
		}
		if own {
			start, end := fset.Position(imp.Path.Pos()).Offset, fset.Position(imp.Path.End()).Offset
			out = slices.Concat(out[:start], []byte(strconv.Quote(CopyModule+strings.TrimPrefix(path, ownPath))), out[end:])
		}
	}
	slices.Reverse(refused)
	return out, refused, nil
}

// copyGoMod writes the go.mod of the copy: module CopyModule with the go version, toolchain,
// requirements and replacements of the example's go.mod (a local replacement's path made
// absolute from src).
func copyGoMod(src string, mod goMod) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "module %s\n\ngo %s\n", CopyModule, mod.Go)
	if mod.Toolchain != "" {
		fmt.Fprintf(&b, "\ntoolchain %s\n", mod.Toolchain)
	}
	if len(mod.Require) > 0 {
		b.WriteString("\nrequire (\n")
		for _, r := range mod.Require {
			fmt.Fprintf(&b, "\t%s %s", r.Path, r.Version)
			if r.Indirect {
				b.WriteString(" // indirect")
			}
			b.WriteString("\n")
		}
		b.WriteString(")\n")
	}
	for _, r := range mod.Replace {
		old, repl := r.Old.Path, r.New.Path
		if r.Old.Version != "" {
			old += " " + r.Old.Version
		}
		if r.New.Version != "" {
			repl += " " + r.New.Version
		} else if !filepath.IsAbs(repl) {
			repl = filepath.Join(src, repl)
		}
		fmt.Fprintf(&b, "\nreplace %s => %s\n", old, repl)
	}
	return b.Bytes()
}

// goCmd runs the go command in dir, with GOFLAGS=-mod=mod and no workspace, and returns its
// standard output; its error carries the command's output.
func goCmd(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go %s in %s: %w\n%s%s", strings.Join(args, " "), dir, err, out, stderr.Bytes())
	}
	return out, nil
}
