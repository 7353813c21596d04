package api_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The rows of docs/api.md this test reads: routes ("| `GET /api/v1/x/{id}` | who | what |")
// and error codes ("| `not_found` | 404 | when |").
var (
	docRouteRow = regexp.MustCompile("(?m)^\\| `(GET|POST|PUT|PATCH|DELETE) (/api/v1/[^`]*)` \\| ([^|]+) \\|")
	docCodeRow  = regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\| ([0-9]{3}) \\|")
)

// TestAPIReference: docs/api.md, the project's API reference, agrees with the route table and
// the served OpenAPI document: every route is listed with the roles the router enforces, no
// listed route is missing from the server, and every code of the error catalogue is in the
// error table with its status (and no code is listed that the catalogue lacks).
func TestAPIReference(t *testing.T) {
	e := newEnv(t)
	page, err := os.ReadFile(filepath.Join("..", "docs", "api.md"))
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]string{} // "GET /api/v1/x/{id}" → who
	for _, m := range docRouteRow.FindAllStringSubmatch(string(page), -1) {
		key := m[1] + " " + m[2]
		if _, dup := documented[key]; dup {
			t.Errorf("docs/api.md lists %s twice", key)
		}
		documented[key] = strings.TrimSpace(m[3])
	}
	if len(documented) == 0 {
		t.Fatal("docs/api.md has no route rows")
	}

	var doc struct {
		Paths      map[string]map[string]json.RawMessage
		Components struct {
			Schemas struct {
				Error struct {
					Properties struct {
						Error struct {
							Properties struct {
								Code struct {
									Enum   []string       `json:"enum"`
									Status map[string]int `json:"x-status"`
								}
							}
						}
					}
				}
			}
		}
	}
	e.must("", "GET", "/api/v1/openapi.json", nil, 200, &doc)

	served := map[string]bool{}
	for _, r := range e.srv.Routes() {
		key := r.Method + " " + ginToOpenAPI(r.Path)
		served[key] = true
		if _, ok := doc.Paths[ginToOpenAPI(r.Path)][strings.ToLower(r.Method)]; !ok {
			t.Errorf("%s is in the route table but not in the served OpenAPI document", key)
		}
		who, ok := documented[key]
		if !ok {
			t.Errorf("docs/api.md does not list %s (add a row to its route table)", key)
			continue
		}
		if want := whoMayCall(r.Public, r.Roles); !sameRoles(who, want) {
			t.Errorf("docs/api.md says %s is for %q; the route table says %q", key, who, want)
		}
	}
	for key := range documented {
		if !served[key] {
			t.Errorf("docs/api.md lists %s, which the server does not have", key)
		}
	}
	for p, ops := range doc.Paths {
		for method := range ops {
			if key := strings.ToUpper(method) + " " + p; !served[key] {
				t.Errorf("the OpenAPI document describes %s, which the route table lacks", key)
			}
		}
	}

	code := doc.Components.Schemas.Error.Properties.Error.Properties.Code
	if len(code.Enum) == 0 || len(code.Status) != len(code.Enum) {
		t.Fatalf("the served document does not list the error catalogue (%d codes, %d statuses)", len(code.Enum), len(code.Status))
	}
	listed := map[string]string{}
	for _, m := range docCodeRow.FindAllStringSubmatch(string(page), -1) {
		listed[m[1]] = m[2]
	}
	for _, c := range code.Enum {
		status, ok := listed[c]
		switch {
		case !ok:
			t.Errorf("docs/api.md's error table lacks the code %s (status %d)", c, code.Status[c])
		case status != itoa(int64(code.Status[c])):
			t.Errorf("docs/api.md gives %s the status %s; the catalogue says %d", c, status, code.Status[c])
		}
	}
	for c := range listed {
		if !slices.Contains(code.Enum, c) {
			t.Errorf("docs/api.md lists the error code %s, which the catalogue does not have", c)
		}
	}
}

func ginToOpenAPI(p string) string { return regexp.MustCompile(`:(\w+)`).ReplaceAllString(p, "{$1}") }

// whoMayCall says who may call a route in the words of docs/api.md.
func whoMayCall(public bool, roles []string) string {
	switch {
	case public:
		return "anyone"
	case roles == nil:
		return "signed in"
	}
	return strings.Join(roles, ", ")
}

func sameRoles(a, b string) bool {
	split := func(s string) []string {
		parts := strings.Split(s, ",")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		slices.Sort(parts)
		return parts
	}
	return slices.Equal(split(a), split(b))
}

// TestDocsStayInTheRepository: the README and the documents under docs/ point only at files
// of the repository (the project stands on its own): no relative link leaves it, and none
// names a file that does not exist.
func TestDocsStayInTheRepository(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(root, "*.md"))
	docs, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	files = append(files, docs...)
	link := regexp.MustCompile(`\]\(([^)#\s]+)[^)]*\)|\x60(\.\./[^\x60]*)\x60`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, f)
		for _, m := range link.FindAllStringSubmatch(string(b), -1) {
			target := m[1] + m[2]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") || strings.HasPrefix(target, "/") {
				continue // a web address, or a path of the running service
			}
			abs := filepath.Join(filepath.Dir(f), target)
			if inside, _ := filepath.Rel(root, abs); strings.HasPrefix(inside, "..") {
				t.Errorf("%s points outside the repository: %s", rel, target)
				continue
			}
			if _, err := os.Stat(abs); err != nil {
				t.Errorf("%s points at %s, which does not exist", rel, target)
			}
		}
	}
}
