package api_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/credence-project/credence/annotate/score"
)

// The tests of this file come from an audit of the public contract (../shared/API.md) and
// docs/api.md against the running service: each one failed before its fix.

// TestQueuePagesToTheEnd: the queue is a list like the others (API.md "Lists are paginated"):
// a page that is not the last has a next_cursor, and following it reaches every article once,
// in the queue's order (assigned first, finished last). Before, the queue stopped at ?limit=
// (default 50) with an empty next_cursor, so a reviewer with more articles never saw the rest.
func TestQueuePagesToTheEnd(t *testing.T) {
	e := newEnv(t)
	o := e.outlet("Queue Daily", nil, nil)
	var ids []int64
	for i := range 7 {
		ids = append(ids, e.article(o, fmt.Sprintf("Queued %d", i), fmt.Sprintf("Article number %d of the queue, with its own words.", i)))
	}
	// One assigned (first), one finished (last), the rest in between.
	e.must("admin", "POST", "/api/v1/assignments", map[string]any{"article_ids": []int64{ids[4]}, "reviewer_ids": []int64{e.ids["reviewer"]}}, 200, nil)
	e.must("reviewer", "POST", "/api/v1/articles/"+itoa(ids[2])+"/complete", nil, 200, nil)

	type queue struct {
		Items []struct {
			ArticleID int64 `json:"article_id"`
			Status    string
		}
		NextCursor string `json:"next_cursor"`
	}
	var all queue
	e.must("reviewer", "GET", "/api/v1/queue?limit=1000", nil, 200, &all)
	var whole []int64
	for _, it := range all.Items {
		whole = append(whole, it.ArticleID)
	}
	want := []int64{ids[4], ids[0], ids[1], ids[3], ids[5], ids[6], ids[2]}
	if !slices.Equal(whole, want) || all.NextCursor != "" {
		t.Fatalf("the whole queue %v (next %q), want %v and no next page", whole, all.NextCursor, want)
	}
	var paged []int64
	path := "/api/v1/queue?limit=2"
	for pages := 0; ; pages++ {
		if pages > len(want) {
			t.Fatalf("the queue pages do not end: %v", paged)
		}
		var q queue
		e.must("reviewer", "GET", path, nil, 200, &q)
		for _, it := range q.Items {
			paged = append(paged, it.ArticleID)
		}
		if q.NextCursor == "" {
			break
		}
		if len(q.Items) != 2 {
			t.Fatalf("a page before the last has %d items", len(q.Items))
		}
		path = "/api/v1/queue?limit=2&cursor=" + q.NextCursor
	}
	if !slices.Equal(paged, want) {
		t.Fatalf("paging by 2 gives %v, want %v", paged, want)
	}

	// A cursor of another list, or none this service gave out, is 400 invalid_cursor.
	var users struct {
		NextCursor string `json:"next_cursor"`
	}
	e.must("admin", "GET", "/api/v1/users?limit=1", nil, 200, &users)
	for _, cur := range []string{users.NextCursor, "nonsense", "cTE6OTk5OTk5OTk5OTk5OTk5OTk5OTk5"} {
		if r := e.do("reviewer", "GET", "/api/v1/queue?cursor="+cur, nil); r.Status != 400 || r.errCode() != "invalid_cursor" {
			t.Errorf("cursor %q: %d %s, want 400 invalid_cursor", cur, r.Status, r.Body)
		}
	}
}

// TestAuditDownloadUnknownFormat: a ?format= that a download does not write is 400
// bad_format (docs/api.md, as on the score and annotation downloads); the audit download
// answered bad_request.
func TestAuditDownloadUnknownFormat(t *testing.T) {
	e := newEnv(t)
	r := e.do("admin", "GET", "/api/v1/exports/audit?format=xml", nil)
	var b struct{ Error struct{ Code, Field string } }
	r.json(t, &b)
	if r.Status != 400 || b.Error.Code != "bad_format" || b.Error.Field != "format" {
		t.Fatalf("%d %s, want 400 bad_format on format", r.Status, r.Body)
	}
}

// TestMergePreviewRefusesWhatMergeRefuses: the preview of a merge into the outlet itself or
// into no outlet answers as the merge does (422 invalid on into_id), where it showed a merge
// that cannot happen (an outlet's every article a "duplicate" of itself).
func TestMergePreviewRefusesWhatMergeRefuses(t *testing.T) {
	e := newEnv(t)
	o := e.outlet("Preview Daily", nil, nil)
	e.article(o, "Kept", "An article of the outlet that must not move.")
	for _, into := range []int64{o, 999999} {
		for _, r := range []response{
			e.do("admin", "POST", "/api/v1/outlets/"+itoa(o)+"/merge", map[string]any{"into_id": into}),
			e.do("admin", "GET", "/api/v1/outlets/"+itoa(o)+"/merge-preview?into_id="+itoa(into), nil),
		} {
			var b struct{ Error struct{ Code, Field string } }
			r.json(t, &b)
			if r.Status != 422 || b.Error.Code != "invalid" || b.Error.Field != "into_id" {
				t.Errorf("into %d: %d %s, want 422 invalid on into_id", into, r.Status, r.Body)
			}
		}
	}
	var out struct {
		ArticleCount int `json:"article_count"`
	}
	e.must("admin", "GET", "/api/v1/outlets/"+itoa(o), nil, 200, &out)
	if out.ArticleCount != 1 {
		t.Fatalf("the outlet has %d articles after the refused merges", out.ArticleCount)
	}
}

// TestValidationErrorsNameTheirField: a validation error names the field that is wrong: a
// sign-in without a password names password (it named email), a time that does not parse
// names its field with a sentence saying what a time looks like (it was Go's parser's
// message and no field), and nothing is stored.
func TestValidationErrorsNameTheirField(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	for _, tc := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"email": "reviewer@example.org"}, "password"},
		{map[string]any{"password": "password-reviewer"}, "email"},
	} {
		r := c.do("POST", "/api/v1/auth/login", tc.body, false)
		var b struct{ Error struct{ Code, Field string } }
		r.json(t, &b)
		if r.Status != 422 || b.Error.Code != "invalid" || b.Error.Field != tc.field {
			t.Errorf("sign-in with %v: %d %s, want 422 invalid on %s", tc.body, r.Status, r.Body, tc.field)
		}
	}

	o := e.outlet("Dated Daily", nil, nil)
	for _, when := range []string{"yesterday", "2026-01-02", "2026-13-01T00:00:00Z"} {
		r := e.do("admin", "POST", "/api/v1/articles", map[string]any{"outlet_id": o, "title": "Dated", "text": "A dated text.", "published_at": when})
		var b struct {
			Error struct{ Code, Field, Message string }
		}
		r.json(t, &b)
		if r.Status != 400 || b.Error.Code != "bad_request" || b.Error.Field != "published_at" ||
			b.Error.Message != fmt.Sprintf("field \"published_at\" must be an RFC 3339 time such as 2026-03-01T09:30:00Z, not %q", when) {
			t.Errorf("published_at %q: %d %s, want 400 bad_request on published_at saying what a time is", when, r.Status, r.Body)
		}
	}
	r := e.do("admin", "POST", "/api/v1/outlets", map[string]any{"name": "Typed", "domains": "typed.example"})
	var b struct {
		Error struct{ Field, Message string }
	}
	r.json(t, &b)
	if r.Status != 400 || b.Error.Field != "domains" || b.Error.Message != `field "domains" must be an array, not a JSON string` {
		t.Errorf("domains as a string: %d %s", r.Status, r.Body)
	}
	for _, v := range []string{"1.5", "1e30"} {
		r := e.do("reviewer", "POST", "/api/v1/articles/999/annotations", `{"label": "opinion", "start": `+v+`, "end": 3}`)
		r.json(t, &b)
		if r.Status != 400 || b.Error.Field != "start" || b.Error.Message != `field "start" must be an integer, not a JSON number `+v {
			t.Errorf("start %s: %d %s", v, r.Status, r.Body)
		}
	}
	var arts struct{ Items []struct{ ID int64 } }
	e.must("admin", "GET", "/api/v1/articles?outlet_id="+itoa(o), nil, 200, &arts)
	var outs struct{ Items []struct{ Name string } }
	e.must("admin", "GET", "/api/v1/outlets?q=Typed", nil, 200, &outs)
	if len(arts.Items) != 0 || len(outs.Items) != 0 {
		t.Fatalf("refused requests stored something: %+v %+v", arts.Items, outs.Items)
	}
}

// TestServedDocumentRequiresTheContractFields: every field API.md (and docs/api.md) promises
// in an answer is required by the served document's schema, so the check every API test's
// responses pass through (openapitest) fails an answer without it. Before, the queue, the
// audit trail and the outlet score rows required nothing, and an outlet or region could lose
// its version unnoticed.
func TestServedDocumentRequiresTheContractFields(t *testing.T) {
	e := newEnv(t)
	var doc struct {
		Components struct {
			Schemas map[string]json.RawMessage
		}
	}
	e.must("", "GET", "/api/v1/openapi.json", nil, 200, &doc)
	outletRow := []string{"outlet_id", "outlet", "articles", "reviewers", "scored_chars", "agreement_alpha", "credibility", "credibility_ci_low", "credibility_ci_high", "low_sample", "ci_reason"}
	for _, l := range score.AllLabels {
		outletRow = append(outletRow, string(l)+"_share", string(l)+"_ci_low", string(l)+"_ci_high")
	}
	for _, tc := range []struct {
		schema string
		path   []string // properties to walk down, "[]" for an array's items
		fields []string
	}{
		{"LoginResult", nil, []string{"user", "csrf_token"}},
		{"User", nil, []string{"id", "email", "name", "role", "disabled"}},
		{"TokenCreated", nil, []string{"id", "name", "token"}},
		{"Outlet", nil, []string{"id", "name", "slug", "homepage", "domains", "aliases", "country", "notes", "article_count", "version", "feeds"}},
		{"Feed", nil, []string{"id", "url", "last_polled_at", "status", "last_error", "polls", "not_modified", "created", "updated", "skipped_duplicates", "errors"}},
		{"Article", nil, []string{"id", "outlet_id", "title", "url", "author", "published_at", "text_sha256", "revision"}},
		{"ArticleText", nil, []string{"id", "text", "text_sha256", "revision"}},
		{"ImportReport", nil, []string{"created", "updated", "skipped_duplicates", "errors"}},
		{"ImportReport", []string{"errors", "[]"}, []string{"line", "code", "message"}},
		{"Annotation", nil, []string{"id", "user_id", "label", "start", "end", "exact", "status", "version", "origin", "layer"}},
		{"Region", nil, []string{"id", "kind", "start", "end", "origin_outlet_id", "origin", "status", "reason", "version", "anchor", "layer"}},
		{"Queue", nil, []string{"items", "next_cursor"}},
		{"Queue", []string{"items", "[]"}, []string{"article_id", "title", "outlet", "assigned", "status", "annotations"}},
		{"AuditEntry", nil, []string{"id", "at", "actor_id", "action", "entity", "entity_id", "before", "after"}},
		{"OutletScores", []string{"items", "[]"}, outletRow},
		{"ExportRecord", nil, []string{"article_id", "article_url", "article_title", "published_at", "user_id", "user", "reviewer_completed",
			"reopened_after_viewing", "outlet_id", "credited_outlet_id", "credits", "origin", "suggestion_model", "layer"}},
		{"Reprint", nil, []string{"article_id", "outlet_id", "start", "end", "other_start", "other_end", "similarity"}},
		{"Suggestion", nil, []string{"label", "start", "end", "exact", "reason", "confidence", "model"}},
		{"AssignResult", []string{"items", "[]"}, []string{"article_id", "reviewer_id"}},
		{"TrainJob", nil, []string{"id", "status", "progress"}},
	} {
		var s map[string]any
		if err := json.Unmarshal(doc.Components.Schemas[tc.schema], &s); err != nil || s == nil {
			t.Errorf("no schema %s: %v", tc.schema, err)
			continue
		}
		for _, p := range tc.path {
			if p == "[]" {
				s, _ = s["items"].(map[string]any)
			} else {
				props, _ := s["properties"].(map[string]any)
				s, _ = props[p].(map[string]any)
			}
		}
		req, _ := s["required"].([]any)
		for _, f := range tc.fields {
			if !slices.Contains(req, any(f)) {
				t.Errorf("%s %v does not require %q (required: %v)", tc.schema, tc.path, f, req)
			}
		}
	}
}

// TestRepeatedCompletionChangesNothing: completing a finished review again, or reopening a
// review that is not finished (or never begun), answers the review as it is and changes
// nothing: completed_at stays the first one, and no audit entry or new data version appears
// (the figures cite the data version, so a no-op must not move it). Before, each such request
// rewrote completed_at, logged a "complete" or "reopen" and moved the data version.
func TestRepeatedCompletionChangesNothing(t *testing.T) {
	e := newEnv(t)
	o := e.outlet("Twice Daily", nil, nil)
	art := e.article(o, "Twice", "An article finished twice over.")
	never := e.article(o, "Never", "An article nobody began.")
	path := "/api/v1/articles/" + itoa(art) + "/complete"
	e.must("reviewer", "POST", "/api/v1/articles/"+itoa(art)+"/annotations", map[string]any{"label": "opinion", "start": 0, "end": 10}, 201, nil)
	type review struct {
		CompletedAt *string `json:"completed_at"`
		Status      string
	}
	var first review
	e.must("reviewer", "POST", path, nil, 200, &first)
	state := func() (int64, string) {
		var a struct{ Items []struct{ ID int64 } }
		e.must("admin", "GET", "/api/v1/audit?limit=1", nil, 200, &a)
		var sc struct {
			DataVersion string `json:"data_version"`
		}
		e.must("researcher", "GET", "/api/v1/scores/outlets", nil, 200, &sc)
		return a.Items[0].ID, sc.DataVersion
	}
	audit0, data0 := state()
	var again review
	e.must("reviewer", "POST", path, nil, 200, &again)
	if first.CompletedAt == nil || again.CompletedAt == nil || *again.CompletedAt != *first.CompletedAt || again.Status != "completed" {
		t.Errorf("completed again: %+v, first %+v", again, first)
	}
	var open review
	e.must("reviewer", "DELETE", "/api/v1/articles/"+itoa(never)+"/complete", nil, 200, &open)
	if open.CompletedAt != nil || open.Status != "todo" {
		t.Errorf("reopening a review never begun: %+v", open)
	}
	if a, d := state(); a != audit0 || d != data0 {
		t.Errorf("after the repeated requests: audit %d data %s, want %d %s", a, d, audit0, data0)
	}
	// A real reopen still writes, once.
	e.must("reviewer", "DELETE", path, nil, 200, &open)
	e.must("reviewer", "DELETE", path, nil, 200, &open)
	if a, _ := state(); a != audit0+1 || open.CompletedAt != nil || open.Status != "in_progress" {
		t.Errorf("reopened twice: audit %d (want %d), %+v", a, audit0+1, open)
	}
}

// TestRegionAnswersCarryTheirPassage: a region's answer to a PATCH, and the current region of
// its version conflict, carry exact (the passage), as the list and the create do. Both
// answered "exact": "".
func TestRegionAnswersCarryTheirPassage(t *testing.T) {
	e := newEnv(t)
	src := e.outlet("Source Daily", nil, nil)
	art := e.article(e.outlet("Region Daily", nil, nil), "Regions", "Readers wrote: this is a comment. The rest is the article.")
	var reg struct {
		ID    int64
		Exact string
	}
	e.must("reviewer", "POST", "/api/v1/articles/"+itoa(art)+"/regions", map[string]any{"kind": "comments", "start": 0, "end": 33}, 201, &reg)
	if reg.Exact != "Readers wrote: this is a comment." {
		t.Fatalf("created with exact %q", reg.Exact)
	}
	var patched struct{ Exact, Kind string }
	e.must("reviewer", "PATCH", "/api/v1/regions/"+itoa(reg.ID), map[string]any{"kind": "quote", "origin_outlet_id": src}, 200, &patched)
	if patched.Exact != reg.Exact || patched.Kind != "quote" {
		t.Errorf("the PATCH answers %+v, want exact %q", patched, reg.Exact)
	}
	r := e.do("reviewer", "PATCH", "/api/v1/regions/"+itoa(reg.ID), map[string]any{"version": 99, "kind": "comments"})
	var conflict struct {
		Error struct {
			Code    string
			Details struct{ Current struct{ Exact string } }
		}
		Current struct{ Exact string }
	}
	r.json(t, &conflict)
	if r.Status != 409 || conflict.Error.Code != "version_conflict" || conflict.Current.Exact != reg.Exact || conflict.Error.Details.Current.Exact != reg.Exact {
		t.Errorf("a stale version: %d %s, want 409 with the current region's exact", r.Status, r.Body)
	}
}

// TestRepeatedAdjudicationChangesNothing: adjudicating an adjudicated article again, or
// reopening an adjudication that is open, answers it as it is and writes nothing (no new
// adjudicated_at, audit entry or data version), as for a review; before, each moved
// adjudicated_at and logged a "complete" or "reopen".
func TestRepeatedAdjudicationChangesNothing(t *testing.T) {
	e := newEnv(t)
	e.addUser("curator", "curator")
	art := e.article(e.outlet("Adjudicated Daily", nil, nil), "Adjudicated", "An article the curator adjudicates twice.")
	open := e.article(e.outlet("Open Daily", nil, nil), "Open", "An article whose adjudication stays open.")
	for _, id := range []int64{art, open} {
		e.must("admin", "POST", "/api/v1/articles/"+itoa(id)+"/adjudication/open", nil, 200, nil)
	}
	path := "/api/v1/articles/" + itoa(art) + "/complete"
	consensus := map[string]any{"layer": "consensus"}
	type adjudication struct {
		AdjudicatedAt *string `json:"adjudicated_at"`
		Status        string
	}
	var first, again, reopened adjudication
	e.must("curator", "POST", path, consensus, 200, &first)
	lastAudit := func() int64 {
		var a struct{ Items []struct{ ID int64 } }
		e.must("admin", "GET", "/api/v1/audit?limit=1", nil, 200, &a)
		return a.Items[0].ID
	}
	audit0 := lastAudit()
	e.must("curator", "POST", path, consensus, 200, &again)
	if first.AdjudicatedAt == nil || again.AdjudicatedAt == nil || *again.AdjudicatedAt != *first.AdjudicatedAt || again.Status != "adjudicated" {
		t.Errorf("adjudicated again: %+v, first %+v", again, first)
	}
	e.must("curator", "DELETE", "/api/v1/articles/"+itoa(open)+"/complete?layer=consensus", nil, 200, &reopened)
	if reopened.AdjudicatedAt != nil || reopened.Status != "open" {
		t.Errorf("reopening an open adjudication: %+v", reopened)
	}
	if a := lastAudit(); a != audit0 {
		t.Errorf("repeated requests wrote audit entries %d..%d", audit0+1, a)
	}
	// No such article is 404 not_found for an admin (a 500 before), with nothing written.
	e.must("admin", "DELETE", "/api/v1/articles/999999/complete?layer=consensus", nil, 404, nil)
	e.must("admin", "POST", "/api/v1/articles/999999/complete", consensus, 404, nil)
	e.must("admin", "POST", "/api/v1/articles/999999/adjudication/accept", map[string]any{"reviewer_id": e.ids["reviewer"], "label": "opinion"}, 404, nil)
	if a := lastAudit(); a != audit0 {
		t.Errorf("requests on no article wrote audit entries %d..%d", audit0+1, a)
	}
}

// TestDateFiltersAtTheEdgesOfTime: ?to=9999-12-31 (a script's "no upper bound") answers the
// scores and the export instead of a 500 (its end of day, year 10000, could not be written
// back as JSON), and a time that is in UTC outside years 0 to 9999 is 400 naming the
// parameter.
func TestDateFiltersAtTheEdgesOfTime(t *testing.T) {
	e := newEnv(t)
	for _, q := range []string{"to=9999-12-31", "from=0000-01-01&to=9999-12-31", "to=9999-12-31T23:59:59Z"} {
		for _, route := range []string{"/api/v1/scores/outlets", "/api/v1/scores/articles", "/api/v1/scores/reviewers", "/api/v1/scores/agreement", "/api/v1/exports/annotations"} {
			e.must("researcher", "GET", route+"?"+q, nil, 200, nil)
		}
	}
	for _, q := range []string{"to=9999-12-31T23:00:00-05:00", "from=0000-01-01T00:00:00%2B01:00"} {
		r := e.do("researcher", "GET", "/api/v1/scores/outlets?"+q, nil)
		var b struct{ Error struct{ Code, Field string } }
		r.json(t, &b)
		if r.Status != 400 || b.Error.Code != "bad_request" || (b.Error.Field != "to" && b.Error.Field != "from") {
			t.Errorf("%s: %d %s, want 400 bad_request naming the parameter", q, r.Status, r.Body)
		}
	}
}

// TestServedDocumentRequiresWhatCreatesNeed: the request schemas of the creates require what
// the handlers refuse to do without (422 invalid), so a client generated from the document
// sends it; before, every field of an account, outlet, annotation or region was optional.
func TestServedDocumentRequiresWhatCreatesNeed(t *testing.T) {
	e := newEnv(t)
	var doc struct {
		Paths map[string]map[string]struct {
			RequestBody struct {
				Content map[string]struct {
					Schema struct {
						Ref string `json:"$ref"`
					}
				}
			} `json:"requestBody"`
		}
		Components struct {
			Schemas map[string]struct {
				Required []string
			}
		}
	}
	e.must("", "GET", "/api/v1/openapi.json", nil, 200, &doc)
	for _, tc := range []struct {
		path   string
		fields []string
		body   map[string]any // the body without the first field
	}{
		{"/api/v1/users", []string{"email", "name", "role", "password"}, map[string]any{"name": "N", "role": "reviewer", "password": "long-enough-pass"}},
		{"/api/v1/outlets", []string{"name"}, map[string]any{"country": "DE"}},
		{"/api/v1/articles/{id}/annotations", []string{"label", "start", "end"}, map[string]any{"start": 0, "end": 3}},
		{"/api/v1/articles/{id}/regions", []string{"kind", "start", "end"}, map[string]any{"start": 0, "end": 3}},
	} {
		ref := doc.Paths[tc.path]["post"].RequestBody.Content["application/json"].Schema.Ref
		req := doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")].Required
		for _, f := range tc.fields {
			if !slices.Contains(req, f) {
				t.Errorf("POST %s: the request schema %s does not require %q (required: %v)", tc.path, ref, f, req)
			}
		}
		// And the handler does refuse the create without it.
		path := strings.Replace(tc.path, "{id}", itoa(e.article(e.outlet("Needs "+tc.fields[0], nil, nil), "Needs", "A text to mark up.")), 1)
		if r := e.do("admin", "POST", path, tc.body); r.Status != 422 {
			t.Errorf("POST %s without %s: %d %s, want 422", tc.path, tc.fields[0], r.Status, r.Body)
		}
	}
}
