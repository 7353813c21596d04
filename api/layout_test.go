package api

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFilesByJob: no source file of the module is over 600 lines and no function of api over
// 60, so that each file holds one job and each handler reads at a glance (the house rule).
func TestFilesByJob(t *testing.T) {
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if n := bytes.Count(b, []byte("\n")); n > 600 {
			t.Errorf("%s has %d lines; split it by job (at most 600)", path, n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	fset, files := parseDir(t, ".")
	for _, f := range files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				if n := fset.Position(fd.End()).Line - fset.Position(fd.Pos()).Line + 1; n > 60 {
					t.Errorf("%s: %s has %d lines; at most 60 in api", fset.Position(fd.Pos()), fd.Name.Name, n)
				}
			}
		}
	}
}

// TestLayersPointOneWay: cmd → api → app → annotate, models. The application layer never
// reaches up into HTTP or the command line, and the domain and the store never into it.
func TestLayersPointOneWay(t *testing.T) {
	const mod = "github.com/credence-project/credence/"
	forbidden := map[string][]string{
		"app":      {mod + "api", mod + "cmd"},
		"annotate": {mod + "api", mod + "cmd", mod + "app", mod + "models"},
		"models":   {mod + "api", mod + "cmd", mod + "app"},
	}
	for top, bad := range forbidden {
		err := filepath.WalkDir(filepath.Join("..", top), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
			if err != nil {
				return err
			}
			for _, im := range f.Imports {
				p := strings.Trim(im.Path.Value, `"`)
				for _, b := range bad {
					if p == b || strings.HasPrefix(p, b+"/") {
						t.Errorf("%s imports %s: %s must not depend on it", path, p, top)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
