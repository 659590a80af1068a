package exampletest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A module of two packages (and an internal one of its own) builds when copied: its imports of
// itself point into the copy, and its test file, which imports another module's internal
// package, stays behind.
func TestBuildCopy(t *testing.T) {
	dst := t.TempDir()
	if err := buildCopy(context.Background(), "testdata/good", dst); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{
		"main.go":        `"` + CopyModule + `/greet"`,
		"greet/greet.go": `"` + CopyModule + `/internal/words"`,
	} {
		b, err := os.ReadFile(filepath.Join(dst, file))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), want) || strings.Contains(string(b), "testdata/good") {
			t.Fatalf("the copy's %s does not import %s:\n%s", file, want, b)
		}
	}
	if _, err := os.Stat(filepath.Join(dst, "main_test.go")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the test file was copied (%v)", err)
	}
	if _, err := os.Stat(filepath.Join(dst, "bin", "myapp")); err != nil {
		t.Fatalf("no command built: %v", err)
	}
}

// A module that imports another module's internal package is refused, with the file and the
// import named.
func TestBuildCopyRefusesInternal(t *testing.T) {
	err := buildCopy(context.Background(), "testdata/bad", t.TempDir())
	if !errors.Is(err, ErrInternalImport) {
		t.Fatalf("buildCopy = %v, want ErrInternalImport", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "main.go:") || !strings.Contains(msg, "golang.org/x/oauth2/internal") {
		t.Fatalf("the error %q should name the file and the import", msg)
	}
}
