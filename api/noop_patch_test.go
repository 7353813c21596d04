package api_test

import (
	"testing"
)

// TestNoOpPatchChangesNothing: a PATCH that sends what the outlet, annotation or region holds
// already answers 200 with it as it was: the same version and updated_at, no audit entry, and
// the scores' data_version unchanged. A PATCH that does change something still bumps them.
func TestNoOpPatchChangesNothing(t *testing.T) {
	e := newEnv(t)
	outlet := e.outlet("Daily", []string{"The Daily", "Daily Post"}, []string{"daily.example", "news.example"})
	art := e.article(outlet, "T", "Some words to annotate here, and a few more words.")
	var ann, reg patched
	e.must("reviewer", "POST", "/api/v1/articles/"+itoa(art)+"/annotations", map[string]any{"label": "opinion", "start": 0, "end": 4, "note": "n",
		"source": map[string]any{"text": "s", "url": "https://src.example/a"}}, 201, &ann)
	e.must("reviewer", "POST", "/api/v1/articles/"+itoa(art)+"/regions", map[string]any{"kind": "comments", "start": 20, "end": 30}, 201, &reg)
	e.must("admin", "PATCH", "/api/v1/outlets/"+itoa(outlet), map[string]any{"feeds": []string{"https://daily.example/feed"}}, 200, nil)

	type state struct{ outlet, annotations, regions, dataVersion, audit string }
	read := func() state {
		var scores struct {
			DataVersion string `json:"data_version"`
		}
		e.must("admin", "GET", "/api/v1/scores/outlets", nil, 200, &scores)
		return state{
			outlet:      string(e.do("admin", "GET", "/api/v1/outlets/"+itoa(outlet), nil).Body),
			annotations: string(e.do("reviewer", "GET", "/api/v1/articles/"+itoa(art)+"/annotations", nil).Body),
			regions:     string(e.do("reviewer", "GET", "/api/v1/articles/"+itoa(art)+"/regions", nil).Body),
			dataVersion: scores.DataVersion,
			audit:       string(e.do("admin", "GET", "/api/v1/audit?limit=5", nil).Body),
		}
	}
	before := read()
	for _, tc := range []struct {
		as, path string
		body     map[string]any
	}{
		{"admin", "/api/v1/outlets/" + itoa(outlet), map[string]any{}},
		{"admin", "/api/v1/outlets/" + itoa(outlet), map[string]any{"name": "Daily", "aliases": []string{"The Daily", "Daily Post"},
			"domains": []string{"daily.example", "news.example"}, "feeds": []string{"https://daily.example/feed"}}},
		{"admin", "/api/v1/outlets/" + itoa(outlet), map[string]any{"version": 2, "name": "Daily", "homepage": "", "country": "", "notes": ""}},
		{"reviewer", "/api/v1/annotations/" + itoa(ann.ID), map[string]any{}},
		{"reviewer", "/api/v1/annotations/" + itoa(ann.ID), map[string]any{"label": "opinion", "note": "n", "start": 0, "end": 4, "version": ann.Version}},
		{"admin", "/api/v1/annotations/" + itoa(ann.ID), map[string]any{"source": map[string]any{"text": "s", "url": "https://src.example/a"}}},
		{"reviewer", "/api/v1/regions/" + itoa(reg.ID), map[string]any{}},
		{"reviewer", "/api/v1/regions/" + itoa(reg.ID), map[string]any{"kind": "comments", "version": reg.Version}},
	} {
		r := e.do(tc.as, "PATCH", tc.path, tc.body)
		var v patched
		r.json(t, &v)
		if r.Status != 200 || (v.ID != outlet && v.ID != ann.ID && v.ID != reg.ID) {
			t.Errorf("PATCH %s %v: %d %s", tc.path, tc.body, r.Status, r.Body)
		}
		if after := read(); after != before {
			t.Errorf("PATCH %s %v changed something:\nbefore %+v\nafter  %+v", tc.path, tc.body, before, after)
			before = after
		}
	}
	// An account patched with what it holds: no audit entry, and its sessions stay.
	u := itoa(e.ids["reviewer2"])
	var users struct {
		Items []struct {
			ID                int64
			Name, Role, Email string
		}
	}
	e.must("admin", "GET", "/api/v1/users?limit=1000", nil, 200, &users)
	var acct struct{ Name, Role, Email string }
	for _, it := range users.Items {
		if it.ID == e.ids["reviewer2"] {
			acct.Name, acct.Role, acct.Email = it.Name, it.Role, it.Email
		}
	}
	e.must("admin", "PATCH", "/api/v1/users/"+u, map[string]any{"name": acct.Name, "role": acct.Role, "email": acct.Email, "disabled": false}, 200, nil)
	if after := read(); after != before {
		t.Errorf("a no-op PATCH of an account changed something:\nbefore %+v\nafter  %+v", before, after)
	}
	e.must("reviewer2", "GET", "/api/v1/me", nil, 200, nil)

	// A stale version is still refused, change or not.
	if r := e.do("reviewer", "PATCH", "/api/v1/annotations/"+itoa(ann.ID), map[string]any{"version": ann.Version + 5}); r.Status != 409 || r.errCode() != "version_conflict" {
		t.Errorf("a no-op PATCH with a stale version: %d %s", r.Status, r.Body)
	}
	// A real change bumps the version and is audited.
	var v patched
	e.must("reviewer", "PATCH", "/api/v1/annotations/"+itoa(ann.ID), map[string]any{"note": "changed"}, 200, &v)
	if v.Version != ann.Version+1 || read().audit == before.audit || read().dataVersion == before.dataVersion {
		t.Errorf("a change: version %d (was %d), or not audited, or the data version stayed", v.Version, ann.Version)
	}
	e.must("admin", "PATCH", "/api/v1/outlets/"+itoa(outlet), map[string]any{"feeds": []string{}}, 200, &v)
	if v.Version != 3 {
		t.Errorf("a change of feeds only: outlet version %d, want 3", v.Version)
	}
}
