package api_test

import "testing"

// TestPatchWithoutVersionAppliesToCurrent: API.md "Second round": a PATCH that sends no
// version applies to the current version (a script written against the contract need not
// read first); one with a stale version still gets 409 version_conflict.
func TestPatchWithoutVersionAppliesToCurrent(t *testing.T) {
	e := newEnv(t)
	outlet := e.outlet("Daily", nil, nil)
	art := e.article(outlet, "T", "Some words to annotate here, and a few more words.")
	var ann, reg patched
	e.must("reviewer", "POST", "/api/v1/articles/"+itoa(art)+"/annotations", map[string]any{"label": "opinion", "start": 0, "end": 4}, 201, &ann)
	e.must("reviewer", "POST", "/api/v1/articles/"+itoa(art)+"/regions", map[string]any{"kind": "comments", "start": 20, "end": 30}, 201, &reg)
	for _, tc := range []struct {
		as, path string
		bodies   [2]map[string]any // two changes in turn (a PATCH that changes nothing keeps the version)
		check    func(v patched, i int) bool
	}{
		{"admin", "/api/v1/outlets/" + itoa(outlet), [2]map[string]any{{"name": "Daily Two"}, {"name": "Daily Three"}}, func(v patched, i int) bool {
			return v.Name == []string{"Daily Two", "Daily Three"}[i]
		}},
		{"reviewer", "/api/v1/annotations/" + itoa(ann.ID), [2]map[string]any{{"note": "a note"}, {"note": "another"}}, func(v patched, i int) bool {
			return v.Note == []string{"a note", "another"}[i]
		}},
		{"reviewer", "/api/v1/regions/" + itoa(reg.ID), [2]map[string]any{{"kind": "quote"}, {"kind": "comments"}}, func(v patched, i int) bool {
			return v.Kind == []string{"quote", "comments"}[i]
		}},
	} {
		// Twice without a version: each applies to whatever is current.
		for i := 0; i < 2; i++ {
			r := e.do(tc.as, "PATCH", tc.path, tc.bodies[i])
			if r.Status != 200 {
				t.Fatalf("PATCH %s without version (%d): %d %s, want 200", tc.path, i, r.Status, r.Body)
			}
			var v patched
			r.json(t, &v)
			if !tc.check(v, i) || v.Version != int64(2+i) {
				t.Fatalf("PATCH %s without version (%d): %s", tc.path, i, r.Body)
			}
		}
		stale := map[string]any{"version": 1}
		for k, v := range tc.bodies[0] {
			stale[k] = v
		}
		if r := e.do(tc.as, "PATCH", tc.path, stale); r.Status != 409 || r.errCode() != "version_conflict" {
			t.Errorf("PATCH %s with a stale version: %d %s, want 409 version_conflict", tc.path, r.Status, r.Body)
		}
		stale["version"] = 0
		if r := e.do(tc.as, "PATCH", tc.path, stale); r.Status != 409 {
			t.Errorf("PATCH %s with version 0, which nothing has: %d, want 409", tc.path, r.Status)
		}
	}
	e.must("admin", "PATCH", "/api/v1/users/"+itoa(e.ids["reviewer2"]), map[string]any{"name": "Renamed"}, 200, nil)
}

// patched is what the test reads back from the PATCHes of outlets, annotations and regions.
type patched struct {
	ID      int64
	Version int64
	Note    string
	Name    string
	Kind    string
}
