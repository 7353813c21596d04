package api_test

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
)

// TestOutletAdmin covers what the outlets page relies on: editing every field, a stale edit
// answered with the current outlet, a refused delete naming what refers to the outlet, and
// names, aliases and domains unique across outlets whatever their case.
func TestOutletAdmin(t *testing.T) {
	e := newEnv(t)
	id := e.outlet("Morning Herald", []string{"The Herald"}, []string{"herald.example"})
	p := "/api/v1/outlets/" + itoa(id)
	type outlet struct {
		Name, Homepage, Country, Notes string
		Domains, Aliases               []string
		Version                        int64
	}
	var o outlet
	e.must("admin", "PATCH", p, map[string]any{"version": 1, "name": "Morning Herald Ltd", "homepage": "https://herald.example/",
		"domains": []string{"herald.example", "Herald.CO.example"}, "aliases": []string{"The Herald", "MH"}, "country": "IE", "notes": "Daily."}, 200, &o)
	if o.Name != "Morning Herald Ltd" || o.Homepage != "https://herald.example/" || o.Country != "IE" || o.Notes != "Daily." ||
		!contains(o.Domains, "herald.co.example") || !contains(o.Aliases, "MH") || o.Version != 2 {
		t.Fatalf("edited %+v", o)
	}

	t.Run("ErrStaleEditShowsTheCurrentOutlet", func(t *testing.T) {
		r := e.do("admin", "PATCH", p, map[string]any{"version": 1, "notes": "overwrite"})
		var b struct {
			Error struct {
				Code    string
				Details struct{ Current outlet }
			}
		}
		r.json(t, &b)
		if r.Status != 409 || b.Error.Code != "version_conflict" || b.Error.Details.Current.Notes != "Daily." || b.Error.Details.Current.Version != 2 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		e.must("admin", "GET", p, nil, 200, &o)
		if o.Notes != "Daily." {
			t.Fatalf("a stale edit overwrote the notes: %+v", o)
		}
	})
	t.Run("ErrNamesUniqueAcrossOutlets", func(t *testing.T) {
		for field, body := range map[string]map[string]any{
			"name":    {"name": "the herald"},
			"aliases": {"name": "Evening Post", "aliases": []string{"mh"}},
			"domains": {"name": "Evening Post", "domains": []string{"WWW.HERALD.example"}},
		} {
			r := e.do("admin", "POST", "/api/v1/outlets", body)
			var b struct{ Error struct{ Code, Field string } }
			r.json(t, &b)
			if r.Status != 409 || b.Error.Code != "duplicate" || b.Error.Field != field {
				t.Errorf("%s: %d %s", field, r.Status, r.Body)
			}
		}
	})
	t.Run("ErrDeleteWhileReferred", func(t *testing.T) {
		e.article(id, "Referring", "An article of the Herald.")
		r := e.do("admin", "DELETE", p, nil)
		var b struct {
			Error struct {
				Code    string
				Message string
				Details map[string]int64
			}
		}
		r.json(t, &b)
		if r.Status != 409 || b.Error.Code != "in_use" || b.Error.Details["articles"] != 1 || !strings.Contains(b.Error.Message, "merge") {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
}

// TestUserAdmin: a role change, a password reset and disabling take effect at once.
func TestUserAdmin(t *testing.T) {
	e := newEnv(t)
	b := e.client()
	b.login("reviewer2@example.org", "password-reviewer2")
	p := "/api/v1/users/" + itoa(e.ids["reviewer2"])
	e.must("admin", "PATCH", p, map[string]any{"role": "researcher"}, 200, nil)
	if r := e.do("reviewer2", "GET", "/api/v1/queue", nil); r.Status != 403 {
		t.Fatalf("queue after the role changed to researcher: %d", r.Status)
	}
	if r := e.do("reviewer2", "GET", "/api/v1/scores/outlets", nil); r.Status == 401 || r.Status == 403 {
		t.Fatalf("researcher route after the role change: %d", r.Status)
	}
	e.must("admin", "PATCH", p, map[string]any{"password": "a-new-password"}, 200, nil)
	if r := b.do("GET", "/api/v1/me", nil, false); r.Status != 401 {
		t.Fatalf("session after a password reset: %d", r.Status)
	}
	if r := e.client().login("reviewer2@example.org", "password-reviewer2"); r.Status != 401 {
		t.Fatalf("old password after a reset: %d", r.Status)
	}
	e.must("admin", "PATCH", p, map[string]any{"disabled": true}, 200, nil)
	if r := e.do("reviewer2", "GET", "/api/v1/me", nil); r.Status != 401 {
		t.Fatalf("token of a disabled user: %d", r.Status)
	}
	e.must("admin", "PATCH", p, map[string]any{"disabled": false}, 200, nil)
	// Issue 16.9: tokens used to come back with the account; disabling revokes them for good.
	if r := e.do("reviewer2", "GET", "/api/v1/me", nil); r.Status != 401 {
		t.Fatalf("token after enabling again: %d, want 401 (revoked by the password reset and the disable)", r.Status)
	}
	if r := e.do("admin", "PATCH", "/api/v1/users/"+itoa(e.ids["admin"]), map[string]any{"disabled": true}); r.Status != 409 || r.errCode() != "self_lockout" {
		t.Fatalf("disabling oneself: %d %s", r.Status, r.Body)
	}
}

// TestAuditExport: the trail downloads as CSV and JSON Lines, filtered like the list.
func TestAuditExport(t *testing.T) {
	e := newEnv(t)
	o := e.outlet("Exported, \"quoted\"", nil, nil)
	e.must("admin", "PATCH", "/api/v1/outlets/"+itoa(o), map[string]any{"version": 1, "country": "NZ"}, 200, nil)
	a := e.article(o, "T", "Text.")
	e.must("admin", "POST", "/api/v1/assignments", map[string]any{"article_ids": []int64{a}, "reviewer_ids": []int64{e.ids["reviewer"]}}, 200, nil)

	r := e.do("admin", "GET", "/api/v1/exports/audit?format=csv&entity=outlet", nil)
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || !strings.Contains(r.Header.Get("Content-Disposition"), ".csv") {
		t.Fatalf("%d %v", r.Status, r.Header)
	}
	rows, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || strings.Join(rows[0], ",") != "id,at,actor_id,action,entity,entity_id,before,after" {
		t.Fatalf("csv %q", rows)
	}
	if rows[1][3] != "update" || rows[2][3] != "create" || rows[1][2] != itoa(e.ids["admin"]) || rows[1][5] != itoa(o) {
		t.Fatalf("csv rows %q", rows)
	}
	var after map[string]any
	if err := json.Unmarshal([]byte(rows[1][7]), &after); err != nil || after["country"] != "NZ" || after["name"] != "Exported, \"quoted\"" {
		t.Fatalf("after column %q: %v", rows[1][7], err)
	}

	r = e.do("admin", "GET", "/api/v1/exports/audit?actor_id="+itoa(e.ids["admin"]), nil)
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-ndjson") {
		t.Fatalf("%d %v", r.Status, r.Header)
	}
	var list struct{ Items []json.RawMessage }
	e.must("admin", "GET", "/api/v1/audit?actor_id="+itoa(e.ids["admin"])+"&limit=1000", nil, 200, &list)
	sc := bufio.NewScanner(bytes.NewReader(r.Body))
	n := 0
	actions := map[string]bool{}
	for sc.Scan() {
		var it struct {
			Action string
			Entity string
		}
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		if !jsonEqual(t, sc.Bytes(), list.Items[n]) {
			t.Fatalf("export line %d %s differs from the list's %s", n, sc.Bytes(), list.Items[n])
		}
		actions[it.Entity+" "+it.Action] = true
		n++
	}
	if n != len(list.Items) || !actions["review assign"] || !actions["article create"] {
		t.Fatalf("%d lines for %d entries: %v", n, len(list.Items), actions)
	}
	for _, q := range []string{"format=xml", "actor_id=x"} {
		if r := e.do("admin", "GET", "/api/v1/exports/audit?"+q, nil); r.Status != 400 {
			t.Errorf("?%s: %d", q, r.Status)
		}
	}
	e.must("researcher", "GET", "/api/v1/exports/audit", nil, 403, nil)
}

// TestAuditFilterByAction: ?action= narrows the list and the download to one kind of change,
// combines with ?entity=, and a malformed name is a 400 rather than an empty answer.
func TestAuditFilterByAction(t *testing.T) {
	e := newEnv(t)
	o := e.outlet("Filtered", nil, nil)
	e.must("admin", "PATCH", "/api/v1/outlets/"+itoa(o), map[string]any{"version": 1, "country": "NZ"}, 200, nil)
	e.article(o, "T", "Text.")

	var l struct {
		Items []struct{ Action, Entity string }
	}
	e.must("admin", "GET", "/api/v1/audit?action=update&limit=1000", nil, 200, &l)
	if len(l.Items) != 1 || l.Items[0].Action != "update" || l.Items[0].Entity != "outlet" {
		t.Fatalf("?action=update: %+v", l.Items)
	}
	e.must("admin", "GET", "/api/v1/audit?action=create&limit=1000", nil, 200, &l)
	entities := map[string]bool{}
	for _, it := range l.Items {
		if it.Action != "create" {
			t.Fatalf("?action=create answered a %q entry", it.Action)
		}
		entities[it.Entity] = true
	}
	if !entities["outlet"] || !entities["article"] {
		t.Fatalf("?action=create: %+v", l.Items)
	}
	e.must("admin", "GET", "/api/v1/audit?action=create&entity=article&limit=1000", nil, 200, &l)
	if len(l.Items) != 1 || l.Items[0].Entity != "article" {
		t.Fatalf("?action=create&entity=article: %+v", l.Items)
	}
	r := e.do("admin", "GET", "/api/v1/exports/audit?format=csv&action=update", nil)
	rows, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
	if err != nil || r.Status != 200 || len(rows) != 2 || rows[1][3] != "update" {
		t.Fatalf("download ?action=update: %d %q %v", r.Status, rows, err)
	}
	for _, path := range []string{"/api/v1/audit", "/api/v1/exports/audit"} {
		for _, q := range []string{"action=Update", "action=up%20date", "entity=outlet%27--"} {
			if r := e.do("admin", "GET", path+"?"+q, nil); r.Status != 400 || r.errCode() != "bad_request" {
				t.Errorf("%s?%s: %d %s", path, q, r.Status, r.Body)
			}
		}
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}
