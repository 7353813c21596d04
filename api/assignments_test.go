package api_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

type assignResult struct {
	Items []struct {
		ArticleID  int64 `json:"article_id"`
		ReviewerID int64 `json:"reviewer_id"`
		Created    bool
	}
	Created int
}

// perReviewer counts the new assignments of a result by reviewer.
func (r assignResult) perReviewer() map[int64]int {
	n := map[int64]int{}
	for _, it := range r.Items {
		if it.Created {
			n[it.ReviewerID]++
		}
	}
	return n
}

type queueItem struct {
	ArticleID int64 `json:"article_id"`
	Assigned  bool
	Status    string
}

func (e *env) queue(as string) []queueItem {
	e.t.Helper()
	var q struct{ Items []queueItem }
	e.must(as, "GET", "/api/v1/queue", nil, 200, &q)
	return q.Items
}

func TestAssignments(t *testing.T) {
	e := newEnv(t)
	e.addUser("reviewer3", "reviewer")
	e.addUser("retired", "reviewer")
	e.must("admin", "PATCH", "/api/v1/users/"+itoa(e.ids["retired"]), map[string]any{"disabled": true}, 200, nil)
	o := e.outlet("Assigned Outlet", nil, nil)
	var arts []int64
	for i := range 6 {
		arts = append(arts, e.article(o, fmt.Sprintf("Article %d", i), fmt.Sprintf("Text of article %d.", i)))
	}
	r1, r2, r3 := e.ids["reviewer"], e.ids["reviewer2"], e.ids["reviewer3"]

	t.Run("OK balanced over every active reviewer", func(t *testing.T) {
		var res assignResult
		e.must("admin", "POST", "/api/v1/assignments", map[string]any{"article_ids": arts[:3]}, 200, &res)
		n := res.perReviewer()
		if len(res.Items) != 3 || res.Created != 3 || n[r1] != 1 || n[r2] != 1 || n[r3] != 1 || n[e.ids["retired"]] != 0 {
			t.Fatalf("assignments %+v", res)
		}
	})
	t.Run("OK the reviewers' queues follow, assigned first", func(t *testing.T) {
		for _, who := range []string{"reviewer", "reviewer2", "reviewer3"} {
			q := e.queue(who)
			if len(q) != 6 || !q[0].Assigned || q[1].Assigned || q[0].Status != "todo" {
				t.Fatalf("%s's queue %+v", who, q)
			}
		}
	})
	t.Run("OK never twice to one reviewer", func(t *testing.T) {
		var res assignResult
		e.must("admin", "POST", "/api/v1/assignments", map[string]any{"article_ids": arts[:3]}, 200, &res)
		if len(res.Items) != 3 || res.Created != 0 {
			t.Fatalf("second run %+v", res)
		}
		e.must("admin", "POST", "/api/v1/assignments", map[string]any{"article_ids": arts[:3], "per_article": 3}, 200, &res)
		seen := map[[2]int64]bool{}
		for _, it := range res.Items {
			k := [2]int64{it.ArticleID, it.ReviewerID}
			if seen[k] {
				t.Fatalf("%v twice: %+v", k, res)
			}
			seen[k] = true
		}
		if n := res.perReviewer(); len(res.Items) != 9 || res.Created != 6 || n[r1] != 2 || n[r2] != 2 || n[r3] != 2 {
			t.Fatalf("per_article 3: %+v", res)
		}
	})
	t.Run("OK fewest open assignments first", func(t *testing.T) {
		// Everyone holds 3; reviewer finishes two of theirs, so they get the next ones first.
		for _, a := range arts[:2] {
			e.must("reviewer", "POST", "/api/v1/articles/"+itoa(a)+"/complete", nil, 200, nil)
		}
		var res assignResult
		e.must("admin", "POST", "/api/v1/assignments", map[string]any{"article_ids": arts[3:5]}, 200, &res)
		if n := res.perReviewer(); n[r1] != 2 {
			t.Fatalf("the least loaded reviewer did not get both: %+v", res)
		}
	})
	t.Run("OK by hand to chosen reviewers", func(t *testing.T) {
		var res assignResult
		e.must("admin", "POST", "/api/v1/assignments", map[string]any{"article_ids": []int64{arts[5]}, "reviewer_ids": []int64{r2, r3}, "per_article": 2}, 200, &res)
		if n := res.perReviewer(); len(res.Items) != 2 || n[r2] != 1 || n[r3] != 1 {
			t.Fatalf("by hand %+v", res)
		}
	})

	for name, tc := range map[string]struct {
		body  any
		code  string
		field string
		names string
	}{
		"ErrEmptyList":        {map[string]any{"article_ids": []int64{}}, "invalid", "article_ids", ""},
		"ErrNoList":           {map[string]any{}, "invalid", "article_ids", ""},
		"ErrPerArticleZero":   {map[string]any{"article_ids": arts[:1], "per_article": 0}, "invalid", "per_article", ""},
		"ErrPerArticleTooBig": {map[string]any{"article_ids": arts[:1], "per_article": 4}, "too_few_reviewers", "per_article", "only 3 reviewers"},
		"ErrPerArticleTooBigForChosen": {map[string]any{"article_ids": arts[:1], "reviewer_ids": []int64{r1}, "per_article": 2},
			"too_few_reviewers", "per_article", "there is only 1 reviewer to choose from"},
		"ErrUnknownArticles": {map[string]any{"article_ids": []int64{arts[0], 424242, 434343}}, "unknown_article", "article_ids", "424242, 434343"},
		"ErrUnknownReviewer": {map[string]any{"article_ids": arts[:1], "reviewer_ids": []int64{r1, 515151}}, "unknown_reviewer", "reviewer_ids", "515151"},
		"ErrNotAReviewer":    {map[string]any{"article_ids": arts[:1], "reviewer_ids": []int64{e.ids["researcher"]}}, "unknown_reviewer", "reviewer_ids", itoa(e.ids["researcher"])},
		"ErrDisabledReviewer": {map[string]any{"article_ids": arts[:1], "reviewer_ids": []int64{e.ids["retired"]}},
			"unknown_reviewer", "reviewer_ids", "disabled"},
	} {
		t.Run(name, func(t *testing.T) {
			r := e.do("admin", "POST", "/api/v1/assignments", tc.body)
			var b struct {
				Error struct{ Code, Message, Field string }
			}
			r.json(t, &b)
			if r.Status != 422 || b.Error.Code != tc.code || b.Error.Field != tc.field || !strings.Contains(b.Error.Message, tc.names) {
				t.Fatalf("%d %s; want 422 %s on %s naming %q", r.Status, r.Body, tc.code, tc.field, tc.names)
			}
		})
	}
	t.Run("ErrMalformed", func(t *testing.T) {
		e.must("admin", "POST", "/api/v1/assignments", `{"article_ids": "1"}`, 400, nil)
	})
	t.Run("ErrNotAdmin", func(t *testing.T) {
		e.must("reviewer", "POST", "/api/v1/assignments", map[string]any{"article_ids": arts[:1]}, 403, nil)
	})

	t.Run("OK progress per reviewer and per article", func(t *testing.T) {
		e.must("reviewer2", "POST", "/api/v1/articles/"+itoa(arts[0])+"/annotations", map[string]any{"label": "opinion", "start": 0, "end": 4}, 201, nil)
		var p struct {
			Reviewers []struct {
				ReviewerID                int64 `json:"reviewer_id"`
				Assigned, Completed, Todo int64
				InProgress                int64 `json:"in_progress"`
			}
			Articles []struct {
				ArticleID           int64 `json:"article_id"`
				Assigned, Completed int
				Reviewers           []struct {
					ReviewerID int64 `json:"reviewer_id"`
					Status     string
				}
			}
			NextCursor string `json:"next_cursor"`
		}
		e.must("admin", "GET", "/api/v1/assignments/progress", nil, 200, &p)
		byID := map[int64]int{}
		for i, r := range p.Reviewers {
			byID[r.ReviewerID] = i
		}
		if len(p.Reviewers) != 3 {
			t.Fatalf("reviewers %+v", p.Reviewers)
		}
		me := p.Reviewers[byID[r1]]
		if me.Assigned != 5 || me.Completed != 2 || me.Todo != 3 {
			t.Fatalf("reviewer progress %+v", me)
		}
		if other := p.Reviewers[byID[r2]]; other.InProgress != 1 || other.Assigned != other.Completed+other.InProgress+other.Todo {
			t.Fatalf("reviewer2 progress %+v", other)
		}
		if len(p.Articles) != 6 || p.Articles[0].ArticleID != arts[0] || p.Articles[0].Assigned != 3 || p.Articles[0].Completed != 1 {
			t.Fatalf("article progress %+v", p.Articles)
		}
		st := map[int64]string{}
		for _, r := range p.Articles[0].Reviewers {
			st[r.ReviewerID] = r.Status
		}
		if st[r1] != "completed" || st[r2] != "in_progress" || st[r3] != "todo" {
			t.Fatalf("article 0 statuses %v", st)
		}
		e.must("admin", "GET", "/api/v1/assignments/progress?limit=4", nil, 200, &p)
		if len(p.Articles) != 4 || p.NextCursor == "" {
			t.Fatalf("first page %+v", p)
		}
		e.must("admin", "GET", "/api/v1/assignments/progress?limit=4&cursor="+p.NextCursor, nil, 200, &p)
		if len(p.Articles) != 2 || p.NextCursor != "" {
			t.Fatalf("second page %+v", p)
		}
	})

	t.Run("OK reopen a finished article for its reviewer", func(t *testing.T) {
		p := "/api/v1/articles/" + itoa(arts[0]) + "/reopen"
		var rv struct {
			Assigned    bool
			CompletedAt *string `json:"completed_at"`
		}
		e.must("admin", "POST", p, map[string]any{"reviewer_id": r1}, 200, &rv)
		if !rv.Assigned || rv.CompletedAt != nil {
			t.Fatalf("reopened %+v", rv)
		}
		if q := e.queue("reviewer"); q[0].ArticleID != arts[0] || q[0].Status == "completed" {
			t.Fatalf("the reopened article does not head the queue: %+v", q)
		}
		if r := e.do("admin", "POST", p, map[string]any{"reviewer_id": r1}); r.Status != 409 || r.errCode() != "not_completed" {
			t.Fatalf("reopen twice: %d %s", r.Status, r.Body)
		}
		if r := e.do("admin", "POST", p, map[string]any{}); r.Status != 422 {
			t.Fatalf("no reviewer: %d %s", r.Status, r.Body)
		}
		if r := e.do("admin", "POST", p, map[string]any{"reviewer_id": 616161}); r.Status != 422 || r.errCode() != "unknown_reviewer" {
			t.Fatalf("unknown reviewer: %d %s", r.Status, r.Body)
		}
		e.must("admin", "POST", "/api/v1/articles/717171/reopen", map[string]any{"reviewer_id": r1}, 404, nil)
		e.must("reviewer", "POST", p, map[string]any{"reviewer_id": r1}, 403, nil)
	})

	t.Run("OK unassign", func(t *testing.T) {
		var res assignResult
		e.must("admin", "POST", "/api/v1/assignments/remove", map[string]any{"article_ids": []int64{arts[5]}, "reviewer_ids": []int64{r2}}, 200, &res)
		if len(res.Items) != 1 || res.Items[0].ReviewerID != r2 {
			t.Fatalf("removed %+v", res)
		}
		for _, it := range e.queue("reviewer2") {
			if it.ArticleID == arts[5] && it.Assigned {
				t.Fatalf("still assigned in the queue: %+v", it)
			}
		}
		e.must("admin", "POST", "/api/v1/assignments/remove", map[string]any{"article_ids": []int64{arts[5]}}, 200, &res)
		if len(res.Items) != 1 || res.Items[0].ReviewerID != r3 {
			t.Fatalf("removed from everyone %+v", res)
		}
		e.must("admin", "POST", "/api/v1/assignments/remove", map[string]any{"article_ids": []int64{}}, 422, nil)
	})

	t.Run("ERR unassigning an unknown article changes nothing", func(t *testing.T) {
		queues := func() [][]queueItem {
			return [][]queueItem{e.queue("reviewer"), e.queue("reviewer2"), e.queue("reviewer3")}
		}
		before := queues()
		var audit struct{ Items []struct{ ID int64 } }
		e.must("admin", "GET", "/api/v1/audit?limit=1", nil, 200, &audit)
		// arts[0] is assigned; with an unknown id beside it nothing is unassigned, as an assignment
		// naming an unknown article assigns nothing.
		r := e.do("admin", "POST", "/api/v1/assignments/remove", map[string]any{"article_ids": []int64{arts[0], 919191}})
		if r.Status != 422 || r.errCode() != "unknown_article" || !strings.Contains(string(r.Body), "919191") {
			t.Fatalf("unassign an unknown article: %d %s", r.Status, r.Body)
		}
		var d struct {
			Error struct {
				Field   string
				Details struct{ IDs []int64 }
			}
		}
		r.json(t, &d)
		if d.Error.Field != "article_ids" || len(d.Error.Details.IDs) != 1 || d.Error.Details.IDs[0] != 919191 {
			t.Fatalf("the error names %+v, want article_ids [919191]", d.Error)
		}
		if after := queues(); !reflect.DeepEqual(before, after) {
			t.Fatalf("the queue changed: %+v -> %+v", before, after)
		}
		var audit2 struct{ Items []struct{ ID int64 } }
		e.must("admin", "GET", "/api/v1/audit?limit=1", nil, 200, &audit2)
		if !reflect.DeepEqual(audit, audit2) {
			t.Fatalf("audited: %+v -> %+v", audit, audit2)
		}
	})

	t.Run("OK every change is audited", func(t *testing.T) {
		var l struct {
			Items []struct{ Action string }
		}
		e.must("admin", "GET", "/api/v1/audit?entity=review&actor_id="+itoa(e.ids["admin"])+"&limit=1000", nil, 200, &l)
		n := map[string]int{}
		for _, it := range l.Items {
			n[it.Action]++
		}
		if n["assign"] != 3+6+2+2 || n["reopen"] != 1 || n["unassign"] != 2 {
			t.Fatalf("audited actions %v", n)
		}
	})
}
