package api_test

import (
	"slices"
	"strings"
	"testing"
)

// TestCuratorScoresOnlyReadyArticles: a curator's outlet scores, article scores and export are
// computed only from the articles open to curators (every assigned reviewer finished), while a
// researcher's hold every reviewed article, whichever of them asks first (the held corpus is
// never narrowed for the other).
func TestCuratorScoresOnlyReadyArticles(t *testing.T) {
	e := newEnv(t)
	e.addUser("curator", "curator")
	o := e.outlet("Curated Times", nil, nil)
	ready, waiting := halfReadyPair(e, o)

	outletArticles := func(who string) int {
		var res struct {
			Items []struct {
				OutletID int64 `json:"outlet_id"`
				Articles int   `json:"articles"`
			} `json:"items"`
		}
		e.must(who, "GET", "/api/v1/scores/outlets", nil, 200, &res)
		for _, r := range res.Items {
			if r.OutletID == o {
				return r.Articles
			}
		}
		return 0
	}
	scoredArticles := func(who string) []int64 {
		var res struct {
			Items []struct {
				ArticleID int64 `json:"article_id"`
			} `json:"items"`
		}
		e.must(who, "GET", "/api/v1/scores/articles", nil, 200, &res)
		var ids []int64
		for _, r := range res.Items {
			ids = append(ids, r.ArticleID)
		}
		return ids
	}
	exported := func(who string) map[int64]int {
		n := map[int64]int{}
		for _, r := range parseJSONL(t, e.must(who, "GET", "/api/v1/exports/annotations", nil, 200, nil).Body) {
			n[r.ArticleID]++
		}
		return n
	}
	// The researcher asks first, the curator next, the researcher again: neither sees the
	// other's corpus.
	for _, who := range []string{"researcher", "curator", "researcher", "curator"} {
		wantArticles, wantIDs := 2, []int64{ready, waiting}
		// The export has every annotation, finished or not (reviewer_completed says which).
		wantExport := map[int64]int{ready: 2, waiting: 2}
		if who == "curator" {
			wantArticles, wantIDs = 1, []int64{ready}
			wantExport = map[int64]int{ready: 2}
		}
		if got := outletArticles(who); got != wantArticles {
			t.Errorf("%s: outlet scores count %d articles, want %d", who, got, wantArticles)
		}
		if got := scoredArticles(who); !slices.Equal(got, wantIDs) {
			t.Errorf("%s: article scores of %v, want %v", who, got, wantIDs)
		}
		if got := exported(who); len(got) != len(wantExport) || got[ready] != wantExport[ready] || got[waiting] != wantExport[waiting] {
			t.Errorf("%s: export rows per article %v, want %v", who, got, wantExport)
		}
	}
	// Once the last reviewer finishes, the curator's scores hold the article at once.
	e.must("reviewer2", "POST", "/api/v1/articles/"+itoa(waiting)+"/complete", nil, 200, nil)
	if got := outletArticles("curator"); got != 2 {
		t.Errorf("curator after both finished: outlet scores count %d articles, want 2", got)
	}
}

// halfReadyPair gives outlet o two articles assigned to reviewer and reviewer2, both annotated
// by both: ready is finished by both (open to curators), waiting by reviewer only.
func halfReadyPair(e *env, o int64) (ready, waiting int64) {
	ready = e.article(o, "Both finished", strings.Repeat("abcdefghij", 10))
	waiting = e.article(o, "One still at work", strings.Repeat("klmnopqrst", 10))
	e.must("admin", "POST", "/api/v1/assignments", map[string]any{"article_ids": []int64{ready, waiting}, "reviewer_ids": []int64{e.ids["reviewer"], e.ids["reviewer2"]}, "per_article": 2}, 200, nil)
	for _, a := range []int64{ready, waiting} {
		path := "/api/v1/articles/" + itoa(a)
		e.must("reviewer", "POST", path+"/annotations", map[string]any{"label": "opinion", "start": 0, "end": 10}, 201, nil)
		e.must("reviewer", "POST", path+"/complete", nil, 200, nil)
		e.must("reviewer2", "POST", path+"/annotations", map[string]any{"label": "speculation", "start": 20, "end": 30}, 201, nil)
	}
	e.must("reviewer2", "POST", "/api/v1/articles/"+itoa(ready)+"/complete", nil, 200, nil)
	return ready, waiting
}
