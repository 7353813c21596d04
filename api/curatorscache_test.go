package api_test

import (
	"net/http"
	"slices"
	"testing"
	"time"
)

// TestCuratorScoresFollowTheOpenSet: a curator's outlet scores are narrowed to the articles
// open now, not to those open when the curator last asked (the narrowed corpus is kept between
// questions): an assignment that closes an article, and a review that opens one, show at once.
func TestCuratorScoresFollowTheOpenSet(t *testing.T) {
	e := newEnv(t)
	e.addUser("curator", "curator")
	e.addUser("reviewer3", "reviewer")
	o := e.outlet("Open Times", nil, nil)
	ready, waiting := halfReadyPair(e, o)
	articles := func(stage string, want int) {
		t.Helper()
		for range 2 { // the second question is answered from the kept copy
			var res struct {
				Items []struct {
					OutletID int64 `json:"outlet_id"`
					Articles int   `json:"articles"`
				} `json:"items"`
			}
			e.must("curator", "GET", "/api/v1/scores/outlets", nil, 200, &res)
			got := 0
			for _, r := range res.Items {
				if r.OutletID == o {
					got = r.Articles
				}
			}
			if got != want {
				t.Errorf("%s: the curator's outlet row counts %d articles, want %d", stage, got, want)
			}
		}
	}
	articles("one open", 1)
	e.must("researcher", "GET", "/api/v1/scores/outlets", nil, 200, nil)
	e.must("admin", "POST", "/api/v1/assignments", map[string]any{"article_ids": []int64{ready}, "reviewer_ids": []int64{e.ids["reviewer3"]}, "per_article": 1}, 200, nil)
	articles("after a third reviewer is assigned to the open one", 0)
	e.must("reviewer2", "POST", "/api/v1/articles/"+itoa(waiting)+"/complete", nil, 200, nil)
	articles("after the other is finished", 1)
	e.must("reviewer3", "POST", "/api/v1/articles/"+itoa(ready)+"/complete", nil, 200, nil)
	articles("after both are finished", 2)
}

// BenchmarkCuratorOutletScores: a curator's repeated GET /api/v1/scores/outlets with no change
// in between, over benchCorpus (every article open to curators). Reported: p50 and p95.
func BenchmarkCuratorOutletScores(b *testing.B) {
	e := benchEnv(b)
	benchCorpus(b, e)
	e.addUser("curator", "curator")
	get := func() {
		req := newRequest(e.t, "GET", e.ts.URL+"/api/v1/scores/outlets", nil)
		req.Header.Set("Authorization", "Bearer "+e.tokens["curator"])
		if r := send(e.t, http.DefaultClient, req); r.Status != 200 {
			b.Fatalf("curator outlet scores: %d %s", r.Status, r.Body)
		}
	}
	get()
	var took []time.Duration
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		get()
		took = append(took, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
}
