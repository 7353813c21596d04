package api_test

import (
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// The passage after an emoji and curly quotes: code points, not bytes or UTF-16 units.
const emojiText = "Readers said “wow” 🙄 then: the FBI report stated the gun was real."

func TestAnnotations(t *testing.T) {
	e := newEnv(t)
	art := e.article(e.outlet("O", nil, nil), "T", emojiText)
	start := utf8.RuneCountInString("Readers said “wow” 🙄 then: ")
	end := start + utf8.RuneCountInString("the FBI report stated")
	path := "/api/v1/articles/" + itoa(art) + "/annotations"
	var a struct {
		ID                   int64
		UserID               int64 `json:"user_id"`
		Label, Exact, Prefix string
		Start, End           int
		Version              int64
		Source               *struct{ Text, URL string }
	}
	e.must("reviewer", "POST", path, map[string]any{"label": "sourced_fact", "start": start, "end": end, "exact": "the FBI report stated",
		"source": map[string]any{"text": "FBI report", "url": "https://fbi.example/report"}}, 201, &a)
	if a.Exact != "the FBI report stated" || a.UserID != e.ids["reviewer"] || a.Source == nil || a.Source.Text != "FBI report" || !strings.HasSuffix(a.Prefix, "🙄 then: ") {
		t.Fatalf("created %+v", a)
	}
	n := utf8.RuneCountInString(emojiText)
	for name, tc := range map[string]struct {
		body   map[string]any
		status int
		code   string
	}{
		"ErrQuoteMismatch": {map[string]any{"label": "opinion", "start": start, "end": end, "exact": "the CIA report stated"}, 422, "quote_mismatch"},
		"ErrUnknownLabel":  {map[string]any{"label": "propaganda", "start": start, "end": end}, 422, "invalid_label"},
		"ErrNoLabel":       {map[string]any{"start": start, "end": end}, 422, "invalid_label"},
		"ErrPastEnd":       {map[string]any{"label": "opinion", "start": 0, "end": n + 1}, 422, "invalid_span"},
		"ErrEmptySpan":     {map[string]any{"label": "opinion", "start": 5, "end": 5}, 422, "invalid_span"},
		"ErrNegative":      {map[string]any{"label": "opinion", "start": -1, "end": 3}, 422, "invalid_span"},
		"ErrNoSpan":        {map[string]any{"label": "opinion"}, 422, "invalid_span"},
		"ErrStartString":   {map[string]any{"label": "opinion", "start": "0", "end": 3}, 400, "bad_request"},
		"ErrBadSourceURL":  {map[string]any{"label": "sourced_fact", "start": 0, "end": 3, "source": map[string]any{"text": "x", "url": "javascript:alert(1)"}}, 422, "invalid"},
	} {
		t.Run(name, func(t *testing.T) {
			r := e.do("reviewer", "POST", path, tc.body)
			if r.Status != tc.status || r.errCode() != tc.code {
				t.Fatalf("%d %s, want %d %s", r.Status, r.Body, tc.status, tc.code)
			}
		})
	}
	t.Run("ErrMalformedChangesNothing", func(t *testing.T) {
		e.must("reviewer", "POST", path, `{"label": "opinion", "start": 0,`, 400, nil)
		var l struct{ Items []any }
		e.must("reviewer", "GET", path, nil, 200, &l)
		if len(l.Items) != 1 {
			t.Fatalf("bad requests stored something: %d annotations", len(l.Items))
		}
	})
	t.Run("ErrArticleMissing", func(t *testing.T) {
		e.must("reviewer", "POST", "/api/v1/articles/424242/annotations", map[string]any{"label": "opinion", "start": 0, "end": 1}, 404, nil)
	})
	// The last code point (the full stop) is a valid one-character span.
	e.must("reviewer", "POST", path, map[string]any{"label": "opinion", "start": n - 1, "end": n, "exact": "."}, 201, nil)

	p := "/api/v1/annotations/" + itoa(a.ID)
	e.must("reviewer", "PATCH", p, map[string]any{"version": 1, "label": "opinion", "note": "hedged"}, 200, &a)
	if a.Label != "opinion" || a.Version != 2 {
		t.Fatalf("patched %+v", a)
	}
	r := e.do("reviewer", "PATCH", p, map[string]any{"version": 1, "label": "speculation"})
	if r.Status != 409 || r.errCode() != "version_conflict" || !strings.Contains(string(r.Body), `"current"`) {
		t.Fatalf("stale patch: %d %s", r.Status, r.Body)
	}
	e.must("reviewer", "PATCH", p, map[string]any{"version": 2, "start": 0, "end": 7, "exact": "Readers"}, 200, &a)
	if a.Exact != "Readers" || a.Start != 0 {
		t.Fatalf("moved %+v", a)
	}
	e.must("reviewer", "PATCH", p, map[string]any{"version": 3, "end": 999}, 422, nil)
	e.must("reviewer", "DELETE", p, nil, 204, nil)
	e.must("reviewer", "DELETE", p, nil, 404, nil)
}

func TestBlindReview(t *testing.T) {
	e := newEnv(t)
	art := e.article(e.outlet("O", nil, nil), "T", "One two three four five six.")
	path := "/api/v1/articles/" + itoa(art) + "/annotations"
	e.must("reviewer", "POST", path, map[string]any{"label": "opinion", "start": 0, "end": 3}, 201, nil)
	e.must("reviewer2", "POST", path, map[string]any{"label": "speculation", "start": 4, "end": 7}, 201, nil)
	count := func(as string) int {
		var l struct {
			Items []struct {
				UserID int64 `json:"user_id"`
			}
		}
		e.must(as, "GET", path, nil, 200, &l)
		return len(l.Items)
	}
	if got := count("reviewer2"); got != 1 {
		t.Fatalf("before completing, reviewer2 sees %d annotations, want only their own", got)
	}
	e.must("reviewer2", "GET", path+"?user_id="+itoa(e.ids["reviewer"]), nil, 403, nil)
	if got := count("researcher"); got != 2 {
		t.Fatalf("researcher sees %d", got)
	}
	var done struct {
		Status string
	}
	e.must("reviewer2", "POST", "/api/v1/articles/"+itoa(art)+"/complete", nil, 200, &done)
	if done.Status != "completed" {
		t.Fatalf("complete: %+v", done)
	}
	if got := count("reviewer2"); got != 2 {
		t.Fatalf("after completing, reviewer2 sees %d, want 2", got)
	}
	var a struct{ Review struct{ Status string } }
	e.must("reviewer2", "GET", "/api/v1/articles/"+itoa(art), nil, 200, &a)
	if a.Review.Status != "completed" {
		t.Fatalf("article review status %q", a.Review.Status)
	}
	// reviewer2 has seen reviewer's work since finishing: the review is frozen, and only an
	// admin can reopen it.
	if r := e.do("reviewer2", "DELETE", "/api/v1/articles/"+itoa(art)+"/complete", nil); r.Status != 409 || r.errCode() != "review_locked" {
		t.Fatalf("reopening a frozen review: %d %s", r.Status, r.Body)
	}
	e.must("admin", "POST", "/api/v1/articles/"+itoa(art)+"/reopen", map[string]any{"reviewer_id": e.ids["reviewer2"]}, 200, nil)
	if got := count("reviewer2"); got != 1 {
		t.Fatalf("after reopening, reviewer2 sees %d", got)
	}
}

func TestQueue(t *testing.T) {
	e := newEnv(t)
	o := e.outlet("O", nil, nil)
	a1 := e.article(o, "First", "one")
	a2 := e.article(o, "Second", "two")
	e.must("reviewer", "POST", "/api/v1/articles/"+itoa(a1)+"/complete", nil, 200, nil)
	e.must("reviewer", "POST", "/api/v1/articles/"+itoa(a2)+"/annotations", map[string]any{"label": "opinion", "start": 0, "end": 3}, 201, nil)
	var q struct {
		Items []struct {
			ArticleID int64 `json:"article_id"`
			Status    string
			Outlet    string
		}
	}
	e.must("reviewer", "GET", "/api/v1/queue", nil, 200, &q)
	if len(q.Items) != 2 || q.Items[0].ArticleID != a2 || q.Items[0].Status != "in_progress" || q.Items[1].Status != "completed" || q.Items[0].Outlet != "O" {
		t.Fatalf("queue %+v", q)
	}
	// The article's own review status follows the same rule as the queue.
	var art struct{ Review struct{ Status string } }
	e.must("reviewer", "GET", "/api/v1/articles/"+itoa(a2), nil, 200, &art)
	if art.Review.Status != "in_progress" {
		t.Fatalf("article %d review status %q, the queue says in_progress", a2, art.Review.Status)
	}
	var reopened struct{ Status string }
	e.must("reviewer", "DELETE", "/api/v1/articles/"+itoa(a1)+"/complete", nil, 200, &reopened)
	if reopened.Status != "todo" {
		t.Fatalf("a reopened article without annotations is %q, want todo", reopened.Status)
	}
}

func TestRegions(t *testing.T) {
	e := newEnv(t)
	ok := e.outlet("OK!", nil, nil)
	art := e.article(e.outlet("Blog", nil, nil), "T", "Intro. Quoted passage here. Comments: lol")
	path := "/api/v1/articles/" + itoa(art) + "/regions"
	var r struct {
		ID               int64
		Kind, Origin     string
		Status, Exact    string
		OriginOutletName string `json:"origin_outlet_name"`
	}
	e.must("reviewer", "POST", path, map[string]any{"kind": "quote", "start": 7, "end": 27, "origin_outlet_id": ok}, 201, &r)
	if r.Origin != "manual" || r.Status != "accepted" || r.OriginOutletName != "OK!" || r.Exact != "Quoted passage here." {
		t.Fatalf("region %+v", r)
	}
	e.must("reviewer", "POST", path, map[string]any{"kind": "comments", "start": 28, "end": 41}, 201, nil)
	for name, body := range map[string]map[string]any{
		"ErrKind":            {"kind": "ad", "start": 0, "end": 3},
		"ErrSpan":            {"kind": "quote", "start": 0, "end": 300},
		"ErrUnknownOutlet":   {"kind": "quote", "start": 0, "end": 3, "origin_outlet_id": 99999},
		"ErrCommentsCredits": {"kind": "comments", "start": 0, "end": 3, "origin_outlet_id": ok},
	} {
		t.Run(name, func(t *testing.T) {
			if res := e.do("reviewer", "POST", path, body); res.Status != 422 {
				t.Fatalf("%d %s", res.Status, res.Body)
			}
		})
	}
	e.must("researcher", "POST", path, map[string]any{"kind": "comments", "start": 0, "end": 3}, 403, nil)
	e.must("reviewer", "PATCH", "/api/v1/regions/"+itoa(r.ID), map[string]any{"status": "rejected"}, 200, &r)
	if r.Status != "rejected" {
		t.Fatalf("rejected: %+v", r)
	}
	e.must("reviewer", "PATCH", "/api/v1/regions/"+itoa(r.ID), map[string]any{"status": "maybe"}, 422, nil)
	var l struct{ Items []any }
	e.must("researcher", "GET", path, nil, 200, &l)
	if len(l.Items) != 2 {
		t.Fatalf("regions: %d", len(l.Items))
	}
	e.must("reviewer", "DELETE", "/api/v1/regions/"+itoa(r.ID), nil, 204, nil)
}

func TestAuditTrail(t *testing.T) {
	e := newEnv(t)
	o := e.outlet("Audited", nil, nil)
	e.must("admin", "PATCH", "/api/v1/outlets/"+itoa(o), map[string]any{"version": 1, "country": "NZ"}, 200, nil)
	var l struct {
		Items []struct {
			Action, Entity string
			EntityID       int64  `json:"entity_id"`
			ActorID        *int64 `json:"actor_id"`
			Before, After  map[string]any
		}
	}
	e.must("admin", "GET", "/api/v1/audit?entity=outlet&actor_id="+itoa(e.ids["admin"]), nil, 200, &l)
	if len(l.Items) != 2 || l.Items[0].Action != "update" || l.Items[0].Before["country"] != "" || l.Items[0].After["country"] != "NZ" {
		t.Fatalf("audit %+v", l.Items)
	}
}

// TestIdempotentCreate: a retried create whose first answer was lost creates exactly once.
func TestIdempotentCreate(t *testing.T) {
	e := newEnv(t)
	art := e.article(e.outlet("O", nil, nil), "T", "Hello world, this is text.")
	path := "/api/v1/articles/" + itoa(art) + "/annotations"
	send1 := func(as string) int64 {
		req := newRequest(t, "POST", e.ts.URL+path, map[string]any{"label": "opinion", "start": 0, "end": 5})
		req.Header.Set("Authorization", "Bearer "+e.tokens[as])
		req.Header.Set("Idempotency-Key", "tab1-op42")
		r := send(t, http.DefaultClient, req)
		if r.Status != 201 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		var a struct{ ID int64 }
		r.json(t, &a)
		return a.ID
	}
	first, again := send1("reviewer"), send1("reviewer")
	if first != again {
		t.Fatalf("retry created a second annotation: %d then %d", first, again)
	}
	if other := send1("reviewer2"); other == first {
		t.Fatal("another reviewer's key must not collide")
	}
	var l struct{ Items []any }
	e.must("reviewer", "GET", path, nil, 200, &l)
	if len(l.Items) != 1 {
		t.Fatalf("%d annotations", len(l.Items))
	}
}
