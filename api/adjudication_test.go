package api_test

import (
	"slices"
	"strings"
	"sync"
	"testing"
)

// adjudicationView is the part of GET /articles/{id}/adjudication the tests read.
type adjudicationView struct {
	Status    string `json:"status"`
	Premerged int    `json:"premerged"`
	Reviewers []struct {
		ReviewerID int64 `json:"reviewer_id"`
	} `json:"reviewers"`
	Units       []unitView `json:"units"`
	RegionUnits []unitView `json:"region_units"`
	Consensus   struct {
		Annotations []struct {
			ID     int64  `json:"id"`
			UserID int64  `json:"user_id"`
			Label  string `json:"label"`
			Start  int    `json:"start"`
			End    int    `json:"end"`
			Layer  string `json:"layer"`
		} `json:"annotations"`
		Regions []struct {
			ID               int64  `json:"id"`
			Kind             string `json:"kind"`
			Start            int    `json:"start"`
			End              int    `json:"end"`
			Layer            string `json:"layer"`
			OriginOutletName string `json:"origin_outlet_name"`
		} `json:"regions"`
	} `json:"consensus"`
}

type unitView struct {
	Kind        string `json:"kind"`
	Start       int    `json:"start"`
	End         int    `json:"end"`
	Reviewers   int    `json:"reviewers"`
	Of          int    `json:"of"`
	Agreed      bool   `json:"agreed"`
	InConsensus bool   `json:"in_consensus"`
	Annotations []struct {
		ID     int64 `json:"id"`
		UserID int64 `json:"user_id"`
	} `json:"annotations"`
	Regions []struct {
		OriginOutletName string `json:"origin_outlet_name"`
	} `json:"regions"`
}

// adjudicationFixture is an article reviewed by reviewer and reviewer2, both assigned: both
// mark opinion [0,10) and a quote [40,60) from another outlet (agreed), reviewer alone marks
// speculation [20,30), and they mark loaded language with different boundaries.
func adjudicationFixture(t *testing.T, e *env, name string) (article int64, path string) {
	t.Helper()
	o := e.outlet(name+" Publisher", nil, nil)
	other := e.outlet(name+" Origin", nil, nil)
	article = e.article(o, "Adjudicate me", strings.Repeat("abcdefghij", 10))
	e.must("admin", "POST", "/api/v1/assignments", map[string]any{"article_ids": []int64{article}, "reviewer_ids": []int64{e.ids["reviewer"], e.ids["reviewer2"]}, "per_article": 2}, 200, nil)
	path = "/api/v1/articles/" + itoa(article)
	for _, who := range []string{"reviewer", "reviewer2"} {
		e.must(who, "POST", path+"/annotations", map[string]any{"label": "opinion", "start": 0, "end": 10}, 201, nil)
		e.must(who, "POST", path+"/regions", map[string]any{"kind": "quote", "start": 40, "end": 60, "origin_outlet_id": other}, 201, nil)
	}
	e.must("reviewer", "POST", path+"/annotations", map[string]any{"label": "speculation", "start": 20, "end": 30}, 201, nil)
	e.must("reviewer", "POST", path+"/annotations", map[string]any{"label": "loaded_language", "start": 70, "end": 80}, 201, nil)
	e.must("reviewer2", "POST", path+"/annotations", map[string]any{"label": "loaded_language", "start": 72, "end": 85}, 201, nil)
	return article, path
}

// TestCuratorAccess: a curator reads an article only once every assigned reviewer has
// finished it (or an admin opened it), writes only the consensus layer, never changes a
// reviewer's work; reviewers never write or see the consensus.
func TestCuratorAccess(t *testing.T) {
	e := newEnv(t)
	e.addUser("curator", "curator")
	art, path := adjudicationFixture(t, e, "A")
	e.must("reviewer", "POST", path+"/complete", nil, 200, nil)
	for _, p := range []string{path, path + "/annotations", path + "/regions", path + "/reprints", path + "/adjudication"} {
		if res := e.do("curator", "GET", p, nil); res.Status != 403 || res.errCode() != "not_ready" {
			t.Errorf("curator GET %s while reviewer2 works on it: %d %s", p, res.Status, res.Body)
		}
	}
	var list struct{ Items []struct{ ID int64 } }
	e.must("curator", "GET", "/api/v1/articles", nil, 200, &list)
	if len(list.Items) != 0 {
		t.Errorf("curator lists articles not open to them: %+v", list.Items)
	}
	t.Run("AdminOpensEarly", func(t *testing.T) {
		other := e.article(e.outlet("Early", nil, nil), "Early", "Some text to adjudicate early.")
		e.must("admin", "POST", "/api/v1/assignments", map[string]any{"article_ids": []int64{other}, "reviewer_ids": []int64{e.ids["reviewer"]}}, 200, nil)
		e.must("curator", "GET", "/api/v1/articles/"+itoa(other), nil, 403, nil)
		e.must("curator", "POST", "/api/v1/articles/"+itoa(other)+"/adjudication/open", nil, 403, nil)
		e.must("admin", "POST", "/api/v1/articles/"+itoa(other)+"/adjudication/open", nil, 200, nil)
		e.must("curator", "GET", "/api/v1/articles/"+itoa(other), nil, 200, nil)
		var q struct {
			Items []struct {
				ArticleID     int64 `json:"article_id"`
				OpenedByAdmin bool  `json:"opened_by_admin"`
				Status        string
			}
		}
		e.must("curator", "GET", "/api/v1/adjudications", nil, 200, &q)
		if len(q.Items) != 1 || q.Items[0].ArticleID != other || !q.Items[0].OpenedByAdmin || q.Items[0].Status != "open" {
			t.Errorf("curation queue %+v", q.Items)
		}
	})
	e.must("reviewer2", "POST", path+"/complete", nil, 200, nil)
	e.must("curator", "GET", path, nil, 200, nil)
	e.must("curator", "GET", "/api/v1/articles", nil, 200, &list)
	if !containsID(list.Items, art) {
		t.Errorf("the finished article is not listed for the curator: %+v", list.Items)
	}

	t.Run("CuratorWritesOnlyConsensus", func(t *testing.T) {
		res := e.do("curator", "POST", path+"/annotations", map[string]any{"label": "opinion", "start": 0, "end": 5})
		if res.Status != 403 || !strings.Contains(string(res.Body), "consensus") {
			t.Errorf("curator annotating the review layer: %d %s", res.Status, res.Body)
		}
		var a struct {
			ID    int64
			Layer string
		}
		e.must("curator", "POST", path+"/annotations", map[string]any{"label": "opinion", "start": 0, "end": 5, "layer": "consensus"}, 201, &a)
		if a.Layer != "consensus" {
			t.Errorf("consensus annotation has layer %q", a.Layer)
		}
		e.must("curator", "PATCH", "/api/v1/annotations/"+itoa(a.ID), map[string]any{"label": "speculation", "version": 1}, 200, nil)
		e.must("admin", "PATCH", "/api/v1/annotations/"+itoa(a.ID), map[string]any{"label": "opinion", "version": 2}, 200, nil)
		e.must("reviewer", "PATCH", "/api/v1/annotations/"+itoa(a.ID), map[string]any{"label": "opinion", "version": 3}, 403, nil)
		e.must("reviewer", "DELETE", "/api/v1/annotations/"+itoa(a.ID), nil, 403, nil)
		e.must("curator", "DELETE", "/api/v1/annotations/"+itoa(a.ID), nil, 204, nil)
		e.must("curator", "POST", path+"/regions", map[string]any{"kind": "comments", "start": 90, "end": 100}, 403, nil)
		var r struct {
			ID    int64
			Layer string
		}
		e.must("curator", "POST", path+"/regions", map[string]any{"kind": "comments", "start": 90, "end": 100, "layer": "consensus"}, 201, &r)
		if r.Layer != "consensus" {
			t.Errorf("consensus region has layer %q", r.Layer)
		}
		var regions struct{ Items []struct{ ID int64 } }
		e.must("reviewer", "GET", path+"/regions", nil, 200, &regions)
		if containsID(regions.Items, r.ID) {
			t.Error("the consensus region shows among the reviewers' regions")
		}
		e.must("reviewer", "DELETE", "/api/v1/regions/"+itoa(r.ID), nil, 403, nil)
		e.must("curator", "DELETE", "/api/v1/regions/"+itoa(r.ID), nil, 204, nil)
		// The curator's consensus work starts no review of theirs.
		var prog struct {
			Articles []struct {
				ArticleID int64 `json:"article_id"`
				Reviewers []struct {
					ReviewerID int64 `json:"reviewer_id"`
				}
			}
		}
		e.must("admin", "GET", "/api/v1/assignments/progress", nil, 200, &prog)
		for _, a := range prog.Articles {
			for _, r := range a.Reviewers {
				if r.ReviewerID == e.ids["curator"] {
					t.Errorf("the curator shows as a reviewer of article %d", a.ArticleID)
				}
			}
		}
	})
	t.Run("CuratorNeverChangesReviewersWork", func(t *testing.T) {
		var mine struct {
			Items []struct{ ID int64 }
		}
		e.must("curator", "GET", path+"/annotations?user_id="+itoa(e.ids["reviewer"]), nil, 200, &mine)
		if len(mine.Items) == 0 {
			t.Fatal("the curator sees none of the finished reviewer's annotations")
		}
		e.must("curator", "PATCH", "/api/v1/annotations/"+itoa(mine.Items[0].ID), map[string]any{"note": "x", "version": 1}, 403, nil)
		e.must("curator", "DELETE", "/api/v1/annotations/"+itoa(mine.Items[0].ID), nil, 403, nil)
	})
	t.Run("ReviewersNeverWriteOrSeeConsensus", func(t *testing.T) {
		e.must("reviewer", "POST", path+"/annotations", map[string]any{"label": "opinion", "start": 0, "end": 5, "layer": "consensus"}, 403, nil)
		e.must("reviewer", "POST", path+"/complete", map[string]any{"layer": "consensus"}, 403, nil)
		e.must("reviewer", "GET", path+"/annotations?layer=consensus", nil, 403, nil)
		e.must("researcher", "GET", path+"/annotations?layer=consensus", nil, 200, nil)
		e.must("curator", "POST", path+"/annotations", map[string]any{"label": "opinion", "start": 0, "end": 5, "layer": "gold"}, 422, nil)
		e.must("curator", "GET", "/api/v1/articles/"+itoa(art)+"/suggestions", nil, 403, nil)
		e.must("curator", "GET", "/api/v1/queue", nil, 403, nil)
	})
	t.Run("AdjudicatedConsensusIsFrozen", func(t *testing.T) {
		e.must("curator", "POST", path+"/complete", nil, 403, nil)
		var done struct{ Status string }
		e.must("curator", "POST", path+"/complete", map[string]any{"layer": "consensus"}, 200, &done)
		if done.Status != "adjudicated" {
			t.Errorf("completion %+v", done)
		}
		res := e.do("curator", "POST", path+"/annotations", map[string]any{"label": "opinion", "start": 0, "end": 5, "layer": "consensus"})
		if res.Status != 409 || res.errCode() != "adjudicated" {
			t.Errorf("consensus write on an adjudicated article: %d %s", res.Status, res.Body)
		}
		e.must("curator", "DELETE", path+"/complete?layer=consensus", nil, 200, &done)
		if done.Status != "open" {
			t.Errorf("reopened adjudication %+v", done)
		}
		e.must("curator", "POST", path+"/annotations", map[string]any{"label": "opinion", "start": 0, "end": 5, "layer": "consensus"}, 201, nil)
	})
}

func containsID(items []struct{ ID int64 }, id int64) bool {
	for _, it := range items {
		if it.ID == id {
			return true
		}
	}
	return false
}

// TestAdjudicationUnits: the finished reviewers' work comes grouped into units with counts,
// disagreements first; agreed units are pre-merged into the consensus on the first opening
// only (reopening, or opening twice at once, never duplicates, and a unit the curator removed
// does not come back); bulk accept copies one reviewer's units of one label.
func TestAdjudicationUnits(t *testing.T) {
	e := newEnv(t)
	e.addUser("curator", "curator")
	_, path := adjudicationFixture(t, e, "A")
	e.must("reviewer", "POST", path+"/complete", nil, 200, nil)
	e.must("reviewer2", "POST", path+"/complete", nil, 200, nil)

	var first adjudicationView
	e.must("curator", "GET", path+"/adjudication", nil, 200, &first)
	if len(first.Reviewers) != 2 {
		t.Fatalf("reviewers %+v", first.Reviewers)
	}
	type u struct {
		kind             string
		start, end, n    int
		agreed, inConsen bool
	}
	want := []u{{"speculation", 20, 30, 1, false, false}, {"loaded_language", 70, 85, 2, false, false}, {"opinion", 0, 10, 2, true, true}}
	if len(first.Units) != len(want) {
		t.Fatalf("units %+v", first.Units)
	}
	for i, w := range want {
		g := first.Units[i]
		if g.Kind != w.kind || g.Start != w.start || g.End != w.end || g.Reviewers != w.n || g.Of != 2 || g.Agreed != w.agreed || g.InConsensus != w.inConsen {
			t.Errorf("unit %d = %+v, want %+v", i, g, w)
		}
	}
	if len(first.RegionUnits) != 1 || !first.RegionUnits[0].Agreed || first.RegionUnits[0].Kind != "quote" {
		t.Errorf("region units %+v", first.RegionUnits)
	}
	if first.Premerged != 2 || len(first.Consensus.Annotations) != 1 || len(first.Consensus.Regions) != 1 {
		t.Fatalf("first opening merged %d: consensus %+v", first.Premerged, first.Consensus)
	}
	if c := first.Consensus.Annotations[0]; c.Label != "opinion" || c.Start != 0 || c.End != 10 || c.Layer != "consensus" || c.UserID != e.ids["curator"] {
		t.Errorf("pre-merged annotation %+v", c)
	}
	// Whom a quote credits is on the curator's page: the reviewers' marks of the quote unit and
	// the pre-merged consensus region carry the origin outlet's name, not only its id.
	for i, m := range first.RegionUnits[0].Regions {
		if m.OriginOutletName != "A Origin" {
			t.Errorf("quote unit's mark %d credits %q, want %q", i, m.OriginOutletName, "A Origin")
		}
	}
	if r := first.Consensus.Regions[0]; r.OriginOutletName != "A Origin" {
		t.Errorf("pre-merged consensus region credits %q, want %q", r.OriginOutletName, "A Origin")
	}

	t.Run("PremergeIdempotent", func(t *testing.T) {
		var again adjudicationView
		e.must("curator", "GET", path+"/adjudication", nil, 200, &again)
		if again.Premerged != 0 || len(again.Consensus.Annotations) != 1 || len(again.Consensus.Regions) != 1 {
			t.Fatalf("reopening merged %d: %+v", again.Premerged, again.Consensus)
		}
		// A pre-merged unit the curator deletes stays deleted.
		e.must("curator", "DELETE", "/api/v1/annotations/"+itoa(again.Consensus.Annotations[0].ID), nil, 204, nil)
		e.must("admin", "GET", path+"/adjudication", nil, 200, &again)
		if again.Premerged != 0 || len(again.Consensus.Annotations) != 0 || again.Units[2].InConsensus {
			t.Fatalf("a deleted pre-merged unit came back: %+v", again.Consensus)
		}
	})
	t.Run("PremergeOnceWhenOpenedTogether", func(t *testing.T) {
		_, p2 := adjudicationFixture(t, e, "B")
		e.must("reviewer", "POST", p2+"/complete", nil, 200, nil)
		e.must("reviewer2", "POST", p2+"/complete", nil, 200, nil)
		var wg sync.WaitGroup
		merged := make([]int, 4)
		for i := range merged {
			wg.Go(func() {
				var v adjudicationView
				who := []string{"curator", "admin"}[i%2]
				e.must(who, "GET", p2+"/adjudication", nil, 200, &v)
				merged[i] = v.Premerged
			})
		}
		wg.Wait()
		total := 0
		for _, m := range merged {
			total += m
		}
		var v adjudicationView
		e.must("curator", "GET", p2+"/adjudication", nil, 200, &v)
		if total != 2 || len(v.Consensus.Annotations) != 1 || len(v.Consensus.Regions) != 1 {
			t.Fatalf("four openings at once merged %v: consensus %+v", merged, v.Consensus)
		}
	})
	t.Run("BulkAcceptOneReviewersLabel", func(t *testing.T) {
		var res struct {
			Created, Skipped int
			Items            []struct {
				Label string
				Start int
				Layer string
			}
		}
		e.must("curator", "POST", path+"/adjudication/accept", map[string]any{"reviewer_id": e.ids["reviewer2"], "label": "loaded_language"}, 200, &res)
		if res.Created != 1 || len(res.Items) != 1 || res.Items[0].Start != 72 || res.Items[0].Layer != "consensus" {
			t.Fatalf("bulk accept %+v", res)
		}
		e.must("curator", "POST", path+"/adjudication/accept", map[string]any{"reviewer_id": e.ids["reviewer2"], "label": "loaded_language"}, 200, &res)
		if res.Created != 0 || res.Skipped != 1 {
			t.Errorf("accepting again %+v", res)
		}
		e.must("curator", "POST", path+"/adjudication/accept", map[string]any{"reviewer_id": e.ids["researcher"], "label": "opinion"}, 422, nil)
		e.must("curator", "POST", path+"/adjudication/accept", map[string]any{"reviewer_id": e.ids["reviewer"], "label": "gossip"}, 422, nil)
		var v adjudicationView
		e.must("curator", "GET", path+"/adjudication", nil, 200, &v)
		if !v.Units[1].InConsensus || v.Units[1].Kind != "loaded_language" {
			t.Errorf("the accepted unit is not marked in the consensus: %+v", v.Units[1])
		}
	})
}

// TestConsensusScoresMatchConsensusExport: curators adjudicate most articles of a corpus
// (pre-merge, bulk accepts, their own annotations and consensus regions); the outlet shares of
// ?layer=consensus, recomputed by brute force from the consensus export alone (the curator is
// each adjudicated article's one reviewer), agree with the scores route; and on adjudicated
// articles the consensus regions decide the crediting of the reviewers' layer too.
func TestConsensusScoresMatchConsensusExport(t *testing.T) {
	e := newEnv(t)
	e.addUser("curator", "curator")
	c := newCorpus(t, e, 9, 5)
	curator := e.ids["curator"]
	consensus := &corpus{e: e, outlets: c.outlets}
	review := &corpus{e: e, outlets: c.outlets}
	adjudicated := map[int64]bool{}
	for i, a := range c.articles {
		if len(a.completed) == 0 || i%3 == 2 {
			review.articles = append(review.articles, a)
			continue
		}
		path := "/api/v1/articles/" + itoa(a.id)
		e.must("curator", "GET", path+"/adjudication", nil, 200, nil)
		var finished []int64
		for id := range a.completed {
			finished = append(finished, id)
		}
		slices.Sort(finished)
		e.must("curator", "POST", path+"/adjudication/accept", map[string]any{"reviewer_id": finished[0], "label": "opinion"}, 200, nil)
		e.must("curator", "POST", path+"/adjudication/accept", map[string]any{"reviewer_id": finished[len(finished)-1], "label": "loaded_language"}, 200, nil)
		e.must("curator", "POST", path+"/annotations", map[string]any{"label": "sourced_fact", "start": 0, "end": min(a.length, 15), "layer": "consensus"}, 201, nil)
		// The curator keeps the first quote and drops the comments (odd articles get theirs).
		for _, g := range a.regions {
			if g.kind == "quote" || i%2 == 1 {
				body := map[string]any{"kind": g.kind, "start": g.start, "end": g.end, "layer": "consensus"}
				if g.origin != 0 {
					body["origin_outlet_id"] = g.origin
				}
				e.must("curator", "POST", path+"/regions", body, 201, nil)
				if g.kind == "quote" {
					break
				}
			}
		}
		e.must("curator", "POST", path+"/complete", map[string]any{"layer": "consensus"}, 200, nil)
		adjudicated[a.id] = true
		var v struct {
			Consensus struct {
				Regions []struct {
					Kind           string `json:"kind"`
					Start          int    `json:"start"`
					End            int    `json:"end"`
					OriginOutletID *int64 `json:"origin_outlet_id"`
				} `json:"regions"`
			} `json:"consensus"`
		}
		e.must("curator", "GET", path+"/adjudication", nil, 200, &v)
		adj := fixtureArticle{id: a.id, outlet: a.outlet, length: a.length, published: a.published, completed: map[int64]bool{curator: true}}
		for _, g := range v.Consensus.Regions {
			r := fixtureRegion{kind: g.Kind, start: g.Start, end: g.End}
			if g.OriginOutletID != nil {
				r.origin = *g.OriginOutletID
			}
			adj.regions = append(adj.regions, r)
		}
		consensus.articles = append(consensus.articles, adj)
		credited := a
		credited.regions = adj.regions
		review.articles = append(review.articles, credited)
	}
	if len(consensus.articles) < 3 {
		t.Fatalf("only %d articles adjudicated", len(consensus.articles))
	}

	rows := parseJSONL(t, e.must("researcher", "GET", "/api/v1/exports/annotations?layer=consensus", nil, 200, nil).Body)
	if len(rows) == 0 {
		t.Fatal("empty consensus export")
	}
	for _, r := range rows {
		if r.UserID != curator || !adjudicated[r.ArticleID] || !r.ReviewerCompleted {
			t.Fatalf("consensus export row %+v", r)
		}
	}
	var got outletScoresResponse
	e.must("researcher", "GET", "/api/v1/scores/outlets?layer=consensus", nil, 200, &got)
	checkAgainstBrute(t, got.Items, bruteShares(consensus, rows, nil))

	reviewRows := parseJSONL(t, e.must("researcher", "GET", "/api/v1/exports/annotations", nil, 200, nil).Body)
	for _, r := range reviewRows {
		if r.UserID == curator {
			t.Fatalf("the reviewers' export holds consensus row %+v", r)
		}
	}
	e.must("researcher", "GET", "/api/v1/scores/outlets", nil, 200, &got)
	checkAgainstBrute(t, got.Items, bruteShares(review, reviewRows, nil))

	t.Run("JSONLDCreatorIsCurator", func(t *testing.T) {
		var ld struct {
			First struct {
				Items []struct {
					Creator struct{ ID, Name string }
				}
			}
		}
		e.must("researcher", "GET", "/api/v1/exports/annotations?format=jsonld&layer=consensus", nil, 200, &ld)
		if len(ld.First.Items) != len(rows) {
			t.Fatalf("%d JSON-LD items, %d JSONL rows", len(ld.First.Items), len(rows))
		}
		for _, it := range ld.First.Items {
			if !strings.HasSuffix(it.Creator.ID, "/api/v1/users/"+itoa(curator)) || it.Creator.Name != "Curator" {
				t.Fatalf("creator %+v", it.Creator)
			}
		}
	})
	t.Run("ArticleScoresConsensusLayer", func(t *testing.T) {
		var arts struct {
			Items []struct {
				ArticleID int64 `json:"article_id"`
				Reviewers int   `json:"reviewers"`
			}
		}
		e.must("researcher", "GET", "/api/v1/scores/articles?layer=consensus&limit=1000", nil, 200, &arts)
		for _, it := range arts.Items {
			if !adjudicated[it.ArticleID] || it.Reviewers != 1 {
				t.Fatalf("consensus article row %+v", it)
			}
		}
		if len(arts.Items) == 0 {
			t.Fatal("no consensus article rows")
		}
	})
}
