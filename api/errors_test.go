package api

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/models"
)

// parseDir parses the non-test Go files of a directory of this module.
func parseDir(t *testing.T, dir string) (*token.FileSet, []*ast.File) {
	t.Helper()
	fset := token.NewFileSet()
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, n := range names {
		if strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, n, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return fset, files
}

// TestErrorCatalogue: every Code constant has its status in the one table, and every error
// the service builds names its code by a constant, so no handler picks a code (or a status)
// the table does not know.
func TestErrorCatalogue(t *testing.T) {
	fset, files := parseDir(t, ".")
	declared := map[string]bool{}
	returnsErr := map[string]bool{} // functions and methods whose last result is an error
	for _, f := range files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Type.Results != nil {
				rs := fd.Type.Results.List
				if id, ok := rs[len(rs)-1].Type.(*ast.Ident); ok && (id.Name == "error" || id.Name == "Handler") {
					returnsErr[fd.Name.Name] = true
				}
			}
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, sp := range g.Specs {
				vs := sp.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "Code" {
					for _, n := range vs.Names {
						declared[n.Name] = true
					}
				}
			}
		}
	}
	if len(declared) != len(catalogue) {
		t.Errorf("%d Code constants, %d entries in the catalogue: every code needs exactly one status", len(declared), len(catalogue))
	}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ExprStmt:
				// A handler that calls another and drops its error would answer 200 with nothing.
				if call, ok := n.X.(*ast.CallExpr); ok {
					if sel, ok := call.Fun.(*ast.SelectorExpr); ok && returnsErr[sel.Sel.Name] {
						if x, ok := sel.X.(*ast.Ident); ok && x.Name == "s" {
							t.Errorf("%s: the error of s.%s is dropped", fset.Position(n.Pos()), sel.Sel.Name)
						}
					}
					if id, ok := call.Fun.(*ast.Ident); ok && returnsErr[id.Name] {
						t.Errorf("%s: the error of %s is dropped", fset.Position(n.Pos()), id.Name)
					}
				}
			case *ast.CompositeLit:
				if id, ok := n.Type.(*ast.Ident); ok && id.Name == "apiError" {
					for _, el := range n.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok && kv.Key.(*ast.Ident).Name == "Code" {
							if _, lit := kv.Value.(*ast.BasicLit); lit {
								t.Errorf("%s: apiError with a literal code; declare a Code constant", fset.Position(kv.Pos()))
							}
						}
					}
				}
			case *ast.CallExpr:
				name := ""
				switch fn := n.Fun.(type) {
				case *ast.Ident:
					name = fn.Name
				case *ast.SelectorExpr:
					if x, ok := fn.X.(*ast.Ident); ok {
						name = x.Name + "." + fn.Sel.Name
					}
				}
				switch name {
				case "errf", "fieldErr", "Code", "annotate.Errorf":
					if len(n.Args) > 0 {
						if _, lit := n.Args[0].(*ast.BasicLit); lit {
							t.Errorf("%s: %s with a literal code; use a constant of the catalogue", fset.Position(n.Pos()), name)
						}
					}
				case "c.AbortWithStatusJSON", "c.AbortWithStatus":
					if p := fset.Position(n.Pos()); filepath.Base(p.Filename) != "errors.go" {
						t.Errorf("%s: an error status written by hand; return the error and let handle write it", p)
					}
				}
			}
			return true
		})
	}
	// The domain's and the store's codes reach clients through toAPIError: each has a status.
	for _, dir := range []string{"../annotate", "../models", "../app/users", "../app/imports", "../app/scoring", "../app/reprints", "../app/audit"} {
		_, files := parseDir(t, dir)
		for _, f := range files {
			for _, d := range f.Decls {
				g, ok := d.(*ast.GenDecl)
				if !ok || g.Tok != token.CONST {
					continue
				}
				for _, sp := range g.Specs {
					vs := sp.(*ast.ValueSpec)
					for i, n := range vs.Names {
						if !strings.HasPrefix(n.Name, "Code") || i >= len(vs.Values) {
							continue
						}
						lit, ok := vs.Values[i].(*ast.BasicLit)
						if !ok || lit.Kind != token.STRING {
							continue
						}
						v, _ := strconv.Unquote(lit.Value)
						if _, ok := catalogue[Code(v)]; !ok {
							t.Errorf("%s.%s = %q has no status in the catalogue", filepath.Base(dir), n.Name, v)
						}
					}
				}
			}
		}
	}
}

// TestErrorCatalogueStatuses: an error answers with its code's status from the table, the
// store's errors map to theirs, and a version conflict has one shape whichever resource.
func TestErrorCatalogueStatuses(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	answer := func(err error, resource string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest("GET", "/x", nil)
		c.Set(ctxResource, resource)
		handle(func(*gin.Context) error { return err })(c)
		return w
	}
	for code, status := range catalogue {
		if w := answer(errf(code, "m"), "thing"); w.Code != status || !strings.Contains(w.Body.String(), `"code":"`+string(code)+`"`) {
			t.Errorf("%s: answered %d %s, want %d", code, w.Code, w.Body, status)
		}
	}
	for _, c := range []struct {
		err    error
		status int
		code   string
	}{
		{models.ErrNotFound, 404, "not_found"},
		{models.ErrVersionConflict, 409, "version_conflict"},
		{models.ErrDuplicate, 409, "duplicate"},
		{&models.InUseError{Message: "used"}, 409, "in_use"},
		{&models.AssignmentError{Code: models.CodeUnknownReviewer, Field: "reviewer_ids", IDs: []int64{9}, Message: "no"}, 422, "unknown_reviewer"},
		{models.ErrNotCompleted, 409, "not_completed"},
		{os.ErrClosed, 500, "internal"},
	} {
		if w := answer(c.err, "thing"); w.Code != c.status || !strings.Contains(w.Body.String(), `"code":"`+c.code+`"`) {
			t.Errorf("%v: answered %d %s, want %d %s", c.err, w.Code, w.Body, c.status, c.code)
		}
	}
	for _, res := range []string{"outlet", "annotation", "region"} {
		w := answer(versionConflict(res, map[string]any{"version": 7}), res)
		want := `{"current":{"version":7},"error":{"code":"version_conflict","message":"the ` + res +
			` was changed by someone else; reload it and apply your change again","details":{"current":{"version":7}}}}`
		if w.Code != http.StatusConflict || w.Body.String() != want {
			t.Errorf("%s conflict: %d %s\nwant %s", res, w.Code, w.Body, want)
		}
	}
	if w := answer(nil, "thing"); w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Errorf("a handler that returns nil: %d %q", w.Code, w.Body)
	}
}
