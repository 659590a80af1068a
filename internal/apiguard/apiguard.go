package apiguard

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Module lists the exported API of every importable package of the Go module whose go.mod is in
// dir: its packages outside internal/, testdata/ and nested modules, and not commands (package
// main). modulePath is the module's path, as its go.mod names it.
func Module(dir, modulePath string) ([]string, error) {
	var lines []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if p != dir {
			if name == "internal" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
				return filepath.SkipDir // another module
			}
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		pkg, err := Package(p, path.Join(modulePath, filepath.ToSlash(rel)))
		if err != nil {
			return err
		}
		lines = append(lines, pkg...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(lines)
	return lines, nil
}

// Package lists the exported API of the package in dir, whose import path is importPath. It
// reads the non-test Go files that the default build context selects. A command (package main)
// or a folder without Go files gives no lines.
func Package(dir, importPath string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		if ok, err := build.Default.MatchFile(dir, name); err != nil || !ok {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		if f.Name.Name == "main" {
			return nil, nil
		}
		dropParamNames(f)
		files = append(files, f)
	}
	w := &writer{fset: fset, prefix: "pkg " + importPath + ", "}
	for _, f := range files {
		for _, d := range f.Decls {
			w.decl(d)
		}
	}
	if w.err != nil {
		return nil, fmt.Errorf("apiguard: %s: %w", importPath, w.err)
	}
	slices.Sort(w.lines)
	return slices.Compact(w.lines), nil
}

// dropParamNames removes the parameter and result names of every function type in f (function
// declarations, function-typed parameters, fields and interface methods), one unnamed field per
// name, so that renaming a parameter changes no line.
func dropParamNames(f *ast.File) {
	unname := func(fl *ast.FieldList) {
		if fl == nil {
			return
		}
		var out []*ast.Field
		for _, fd := range fl.List {
			for range max(len(fd.Names), 1) {
				out = append(out, &ast.Field{Type: fd.Type})
			}
		}
		fl.List = out
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if ft, ok := n.(*ast.FuncType); ok {
			unname(ft.Params)
			unname(ft.Results)
		}
		return true
	})
}

type writer struct {
	fset   *token.FileSet
	prefix string
	lines  []string
	err    error
}

func (w *writer) add(format string, args ...any) {
	w.lines = append(w.lines, w.prefix+fmt.Sprintf(format, args...))
}

// expr prints a node as Go source on one line.
func (w *writer) expr(n ast.Node) string {
	var b bytes.Buffer
	if err := printer.Fprint(&b, w.fset, n); err != nil && w.err == nil {
		w.err = err
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func (w *writer) decl(d ast.Decl) {
	switch d := d.(type) {
	case *ast.FuncDecl:
		w.funcDecl(d)
	case *ast.GenDecl:
		switch d.Tok {
		case token.TYPE:
			for _, s := range d.Specs {
				w.typeSpec(s.(*ast.TypeSpec))
			}
		case token.CONST, token.VAR:
			w.valueSpecs(d)
		}
	}
}

func (w *writer) funcDecl(d *ast.FuncDecl) {
	if !d.Name.IsExported() {
		return
	}
	sig := w.signature(d.Type)
	if d.Recv == nil {
		w.add("func %s%s%s", d.Name.Name, w.typeParams(d.Type.TypeParams), sig)
		return
	}
	recv := d.Recv.List[0].Type
	base := recv
	if star, ok := base.(*ast.StarExpr); ok {
		base = star.X
	}
	switch b := base.(type) {
	case *ast.IndexExpr:
		base = b.X
	case *ast.IndexListExpr:
		base = b.X
	}
	if id, ok := base.(*ast.Ident); !ok || !id.IsExported() {
		return // a method of an unexported type is not part of the API
	}
	w.add("method (%s) %s%s", w.expr(recv), d.Name.Name, sig)
}

// signature prints a function type without parameter names: "(context.Context, Config) (*Client, error)".
func (w *writer) signature(ft *ast.FuncType) string {
	s := "(" + w.fieldTypes(ft.Params) + ")"
	if ft.Results != nil && len(ft.Results.List) > 0 {
		r := w.fieldTypes(ft.Results)
		if len(ft.Results.List) == 1 {
			s += " " + r
		} else {
			s += " (" + r + ")"
		}
	}
	return s
}

// fieldTypes prints the types of a function's parameters or results: one field each, as
// dropParamNames left them.
func (w *writer) fieldTypes(fl *ast.FieldList) string {
	if fl == nil {
		return ""
	}
	var parts []string
	for _, f := range fl.List {
		parts = append(parts, w.expr(f.Type))
	}
	return strings.Join(parts, ", ")
}

func (w *writer) typeParams(fl *ast.FieldList) string {
	if fl == nil || len(fl.List) == 0 {
		return ""
	}
	return w.expr(fl)
}

func (w *writer) typeSpec(s *ast.TypeSpec) {
	if !s.Name.IsExported() {
		return
	}
	name := s.Name.Name + w.typeParams(s.TypeParams)
	if s.Assign.IsValid() {
		w.add("type %s = %s", name, w.expr(s.Type))
		return
	}
	switch t := s.Type.(type) {
	case *ast.StructType:
		w.add("type %s struct", name)
		for _, f := range t.Fields.List {
			if len(f.Names) == 0 {
				if embeddedExported(f.Type) {
					w.add("type %s struct, embedded %s", name, w.expr(f.Type))
				}
				continue
			}
			for _, n := range f.Names {
				if n.IsExported() {
					w.add("type %s struct, %s %s", name, n.Name, w.expr(f.Type))
				}
			}
		}
	case *ast.InterfaceType:
		w.add("type %s interface", name)
		for _, m := range t.Methods.List {
			if len(m.Names) == 0 {
				w.add("type %s interface, embedded %s", name, w.expr(m.Type))
				continue
			}
			for _, n := range m.Names {
				if ft, ok := m.Type.(*ast.FuncType); ok {
					w.add("type %s interface, %s%s", name, n.Name, w.signature(ft))
				} else if n.IsExported() {
					w.add("type %s interface, %s %s", name, n.Name, w.expr(m.Type))
				}
			}
		}
	default:
		w.add("type %s %s", name, w.expr(s.Type))
	}
}

// embeddedExported reports whether an embedded field's type name is exported (T, *T, pkg.T).
func embeddedExported(t ast.Expr) bool {
	if star, ok := t.(*ast.StarExpr); ok {
		t = star.X
	}
	switch t := t.(type) {
	case *ast.Ident:
		return t.IsExported()
	case *ast.SelectorExpr:
		return t.Sel.IsExported()
	}
	return false
}

// valueSpecs lists a const or var declaration. In a const group, a spec without values repeats
// the previous one's type and expression with the next iota, as the compiler reads it.
func (w *writer) valueSpecs(d *ast.GenDecl) {
	kind := d.Tok.String()
	var lastType ast.Expr
	var lastValues []ast.Expr
	for i, s := range d.Specs {
		vs := s.(*ast.ValueSpec)
		typ, values := vs.Type, vs.Values
		implicit := false
		if d.Tok == token.CONST {
			if typ == nil && len(values) == 0 {
				typ, values, implicit = lastType, lastValues, true
			} else {
				lastType, lastValues = typ, values
			}
		}
		for j, n := range vs.Names {
			if !n.IsExported() {
				continue
			}
			line := kind + " " + n.Name
			if typ != nil {
				line += " " + w.expr(typ)
			}
			if j < len(values) && (typ == nil || d.Tok == token.CONST) {
				v := w.expr(values[j])
				if implicit || strings.Contains(v, "iota") {
					v += fmt.Sprintf(" (iota %d)", i)
				}
				line += " = " + v
			}
			w.add("%s", line)
		}
	}
}

// Diff returns what was added to and removed from the record in the listing: lines of got that
// want lacks, each prefixed "+ ", then lines of want that got lacks, each prefixed "- ".
func Diff(want, got []string) []string {
	var out []string
	for _, l := range got {
		if !slices.Contains(want, l) {
			out = append(out, "+ "+l)
		}
	}
	for _, l := range want {
		if !slices.Contains(got, l) {
			out = append(out, "- "+l)
		}
	}
	return out
}
