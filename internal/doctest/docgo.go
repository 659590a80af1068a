package doctest

import (
	"fmt"
	"go/ast"
	"go/doc/comment"
	"go/parser"
	"go/token"
	"strings"
)

// DocBlock is a code block of a package's documentation (its package comment).
type DocBlock struct {
	// File is the Go file, as given to PackageDocBlocks; Line is the line of the block's first
	// line in it.
	File string
	Line int
	// Heading is the "# Heading" the block stands under ("" before the first heading).
	Heading string
	// Text is the code, without the comment's indentation.
	Text string
}

// Where returns the block's position: "middleware/doc.go:8".
func (b DocBlock) Where() string { return fmt.Sprintf("%s:%d", b.File, b.Line) }

// PackageDocBlocks returns the code blocks of the package comment of the Go file at path
// (read from disk), named name in the results.
func PackageDocBlocks(path, name string) ([]DocBlock, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		return nil, err
	}
	if f.Doc == nil {
		return nil, nil
	}
	var p comment.Parser
	doc := p.Parse(f.Doc.Text())
	var blocks []DocBlock
	heading := ""
	next := 0 // the comment line from which to look for the next block
	for _, b := range doc.Content {
		switch b := b.(type) {
		case *comment.Heading:
			heading = plainText(b.Text)
		case *comment.Code:
			line, at := findLine(fset, f.Doc.List, next, b.Text)
			next = at + 1
			blocks = append(blocks, DocBlock{File: name, Line: line, Heading: heading, Text: b.Text})
		}
	}
	return blocks, nil
}

// findLine returns the file line of the comment line, from index from on, that holds the
// first line of code (and that comment line's index); list is a comment group's, never empty.
func findLine(fset *token.FileSet, list []*ast.Comment, from int, code string) (line, index int) {
	first, _, _ := strings.Cut(code, "\n")
	first = strings.TrimSpace(first)
	for i := from; i < len(list); i++ {
		if strings.TrimSpace(strings.TrimPrefix(list[i].Text, "//")) == first {
			return fset.Position(list[i].Pos()).Line, i
		}
	}
	return fset.Position(list[0].Pos()).Line, from
}

// plainText returns the text of a heading.
func plainText(ts []comment.Text) string {
	var b strings.Builder
	for _, t := range ts {
		switch t := t.(type) {
		case comment.Plain:
			b.WriteString(string(t))
		case comment.Italic:
			b.WriteString(string(t))
		case *comment.Link:
			b.WriteString(plainText(t.Text))
		case *comment.DocLink:
			b.WriteString(plainText(t.Text))
		}
	}
	return b.String()
}
