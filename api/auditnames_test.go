package api_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"testing"
)

// TestAuditUsesAPINames: the before and after of audit entries name fields as the API does
// ("outlet_id", "source_url"), not as the Go structs are written ("OutletID", "SourceURL"),
// at every depth, in the list and in the JSON Lines download.
func TestAuditUsesAPINames(t *testing.T) {
	e := newEnv(t)
	o := e.outlet("Named", []string{"The Named"}, []string{"named.example"})
	art := e.article(o, "T", "Some words to annotate here, and a few more words.")
	e.must("admin", "PATCH", "/api/v1/outlets/"+itoa(o), map[string]any{"notes": "renamed"}, 200, nil)
	var ann struct{ ID int64 }
	e.must("reviewer", "POST", "/api/v1/articles/"+itoa(art)+"/annotations", map[string]any{"label": "opinion", "start": 0, "end": 4,
		"source": map[string]any{"text": "s", "url": "https://src.example/a"}}, 201, &ann)
	e.must("reviewer", "PATCH", "/api/v1/annotations/"+itoa(ann.ID), map[string]any{"note": "n"}, 200, nil)
	e.must("reviewer", "POST", "/api/v1/articles/"+itoa(art)+"/regions", map[string]any{"kind": "quote", "start": 20, "end": 30, "origin_outlet_id": o}, 201, nil)
	e.must("reviewer", "POST", "/api/v1/articles/"+itoa(art)+"/complete", nil, 200, nil)
	e.must("admin", "PATCH", "/api/v1/users/"+itoa(e.ids["reviewer2"]), map[string]any{"name": "Renamed"}, 200, nil)

	var l struct {
		Items []struct {
			Action, Entity string
			Before, After  map[string]any
		}
	}
	e.must("admin", "GET", "/api/v1/audit?limit=1000", nil, 200, &l)
	goName := regexp.MustCompile(`^[A-Z]`)
	var walk func(where string, v any)
	walk = func(where string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if goName.MatchString(k) {
					t.Errorf("%s: Go field name %q", where, k)
				}
				walk(where+"."+k, e)
			}
		case []any:
			for _, e := range x {
				walk(where, e)
			}
		}
	}
	want := map[string][]string{
		"create annotation": {"id", "article_id", "user_id", "label", "start", "end", "source_text", "source_url", "layer", "origin"},
		"update annotation": {"id", "article_id", "note", "version"},
		"update outlet":     {"id", "name", "aliases", "domains", "notes", "article_count"},
		"create region":     {"id", "article_id", "kind", "origin_outlet_id", "created_by"},
		"update user":       {"id", "email", "name", "role", "disabled"},
	}
	seen := map[string]bool{}
	for _, it := range l.Items {
		what := it.Action + " " + it.Entity
		walk(what+" before", it.Before)
		walk(what+" after", it.After)
		if keys, ok := want[what]; ok && !seen[what] {
			seen[what] = true
			for _, k := range keys {
				if _, ok := it.After[k]; !ok {
					t.Errorf("%s: after has no %q: %v", what, k, it.After)
				}
			}
		}
		if _, ok := it.After["password_hash"]; ok {
			t.Errorf("%s: the password hash is in the audit", what)
		}
	}
	for what := range want {
		if !seen[what] {
			t.Errorf("no %s entry", what)
		}
	}
	r := e.do("admin", "GET", "/api/v1/exports/audit?format=jsonl", nil)
	for _, line := range bytes.Split(bytes.TrimSpace(r.Body), []byte("\n")) {
		var it struct{ Before, After any }
		if err := json.Unmarshal(line, &it); err != nil {
			t.Fatalf("download line %s: %v", line, err)
		}
		walk("download before", it.Before)
		walk("download after", it.After)
	}
}
