package api_test

import (
	"sync"
	"testing"
)

// TestMergeOutletsWithTheSameArticle: merging an outlet whose article another outlet has
// already (the same text) keeps that article once, moves the reviewers' annotations, regions
// and reviews to it, and says so in the preview: never a 500 (articles_outlet_sha).
func TestMergeOutletsWithTheSameArticle(t *testing.T) {
	e := newEnv(t)
	const text = "The same syndicated article text, word for word, in both outlets."
	from, into := e.outlet("Copy Daily", nil, nil), e.outlet("Origin Daily", nil, nil)
	copied, kept := e.article(from, "Copy", text), e.article(into, "Original", text)
	other := e.article(from, "Only here", "An article that only the first outlet has, with other words.")
	var ann struct{ ID int64 }
	e.must("reviewer", "POST", "/api/v1/articles/"+itoa(copied)+"/annotations", map[string]any{"label": "opinion", "start": 0, "end": 8, "note": "on the copy"}, 201, &ann)
	e.must("reviewer", "POST", "/api/v1/articles/"+itoa(copied)+"/regions", map[string]any{"kind": "comments", "start": 20, "end": 30}, 201, nil)
	e.must("reviewer", "POST", "/api/v1/articles/"+itoa(copied)+"/complete", nil, 200, nil)
	e.must("reviewer2", "POST", "/api/v1/articles/"+itoa(kept)+"/annotations", map[string]any{"label": "speculation", "start": 0, "end": 8}, 201, nil)

	var pv struct{ Moves map[string]int64 }
	e.must("admin", "GET", "/api/v1/outlets/"+itoa(from)+"/merge-preview?into_id="+itoa(into), nil, 200, &pv)
	if pv.Moves["articles"] != 2 || pv.Moves["duplicates"] != 1 {
		t.Fatalf("preview %+v, want 2 articles of which 1 duplicate", pv.Moves)
	}
	var res struct{ Moved map[string]int64 }
	e.must("admin", "POST", "/api/v1/outlets/"+itoa(from)+"/merge", map[string]any{"into_id": into}, 200, &res)
	if res.Moved["duplicates"] != 1 || res.Moved["articles"] != 1 {
		t.Fatalf("moved %+v, want 1 article moved and 1 duplicate folded", res.Moved)
	}
	e.must("admin", "GET", "/api/v1/articles/"+itoa(copied), nil, 404, nil)
	var got struct {
		OutletID int64 `json:"outlet_id"`
	}
	e.must("admin", "GET", "/api/v1/articles/"+itoa(other), nil, 200, &got)
	if got.OutletID != into {
		t.Fatalf("the other article's outlet: %d", got.OutletID)
	}
	var anns struct {
		Items []struct {
			ID   int64
			Note string
		}
	}
	e.must("reviewer", "GET", "/api/v1/articles/"+itoa(kept)+"/annotations?user_id="+itoa(e.ids["reviewer"]), nil, 200, &anns)
	if len(anns.Items) != 1 || anns.Items[0].ID != ann.ID || anns.Items[0].Note != "on the copy" {
		t.Fatalf("the reviewer's annotations on the kept article: %+v", anns.Items)
	}
	var regs struct{ Items []struct{ Kind string } }
	e.must("reviewer", "GET", "/api/v1/articles/"+itoa(kept)+"/regions", nil, 200, &regs)
	if len(regs.Items) != 1 || regs.Items[0].Kind != "comments" {
		t.Fatalf("regions on the kept article: %+v", regs.Items)
	}
	// The reviewer's finished review moved too: reopening it on the kept article works.
	e.must("reviewer", "DELETE", "/api/v1/articles/"+itoa(kept)+"/complete", nil, 200, nil)
}

// TestConcurrentMergesOfOneOutlet: two merges of the same outlet at once: one merges, the
// other finds it gone (404) instead of both "succeeding".
func TestConcurrentMergesOfOneOutlet(t *testing.T) {
	e := newEnv(t)
	for round := 0; round < 5; round++ {
		from, a, b := e.outlet("From "+itoa(int64(round)), nil, nil), e.outlet("A "+itoa(int64(round)), nil, nil), e.outlet("B "+itoa(int64(round)), nil, nil)
		e.article(from, "T", "Text of round "+itoa(int64(round))+", moved by one of two merges.")
		statuses := make([]int, 2)
		var wg sync.WaitGroup
		for i, into := range []int64{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = e.do("admin", "POST", "/api/v1/outlets/"+itoa(from)+"/merge", map[string]any{"into_id": into}).Status
			}()
		}
		wg.Wait()
		ok, gone := 0, 0
		for _, st := range statuses {
			switch st {
			case 200:
				ok++
			case 404, 409:
				gone++
			}
		}
		if ok != 1 || gone != 1 {
			t.Fatalf("round %d: two merges of one outlet answered %v, want one 200 and one 404 or 409", round, statuses)
		}
	}
}
