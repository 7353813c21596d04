package api

import (
	"bytes"
	"go/ast"
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
