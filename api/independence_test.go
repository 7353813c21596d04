package api_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// indFixture is two articles that reprint the same paragraphs (the shared corpus's sibling
// seeds), so that detected regions, reprint links and machine suggestions all exist.
type indFixture struct {
	x, y                   int64 // the articles; x's passage [xs, xe) is y's [ys, ye)
	xs, xe, ys, ye         int
	publisherX, okMagazine int64
}

func newIndFixture(t *testing.T, e *env) indFixture {
	t.Helper()
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("..", "annotate", "reprint", "testdata", "seeds", name))
		if err != nil {
			t.Fatalf("seed fixtures: %v", err)
		}
		return string(b)
	}
	var f indFixture
	f.okMagazine = e.outlet("OK! Magazine", []string{"OK!", "OK Magazine"}, []string{"okmagazine.com"})
	e.outlet("Daily Mail", []string{"The Daily Mail", "Mail Online"}, []string{"dailymail.co.uk"})
	f.publisherX = e.outlet("Blog A", nil, nil)
	f.x = e.article(f.publisherX, "Blog A", read("000_e837f9e330f3ba1f.txt"))
	f.y = e.article(e.outlet("Blog B", nil, nil), "Blog B", read("001_7b18f15062fc41bf.txt"))
	var rp struct {
		Items []struct {
			ArticleID  int64 `json:"article_id"`
			Start, End int
			OtherStart int `json:"other_start"`
			OtherEnd   int `json:"other_end"`
		}
	}
	e.must("admin", "GET", "/api/v1/articles/"+itoa(f.x)+"/reprints", nil, 200, &rp)
	if len(rp.Items) == 0 || rp.Items[0].ArticleID != f.y {
		t.Fatalf("fixture: the seeds do not link: %+v", rp.Items)
	}
	it := rp.Items[0]
	f.xs, f.xe, f.ys, f.ye = it.Start, it.End, it.OtherStart, it.OtherEnd
	return f
}

// detectedRegion returns the id of a detected region of an article.
func detectedRegion(t *testing.T, e *env, as string, article int64) int64 {
	t.Helper()
	var l struct {
		Items []struct {
			ID     int64
			Origin string
		}
	}
	e.must(as, "GET", "/api/v1/articles/"+itoa(article)+"/regions", nil, 200, &l)
	for _, r := range l.Items {
		if r.Origin == "detected" {
			return r.ID
		}
	}
	t.Fatalf("article %d has no detected region", article)
	return 0
}

// firstSuggestions returns up to n machine suggestions for an article, as decision bodies.
func firstSuggestions(t *testing.T, e *env, as string, article int64, n int) []map[string]any {
	t.Helper()
	var l struct {
		Items []struct {
			Label, Rule string
			Start, End  int
		}
	}
	e.must(as, "GET", "/api/v1/articles/"+itoa(article)+"/suggestions", nil, 200, &l)
	if len(l.Items) < n {
		t.Fatalf("fixture: %d suggestions on article %d, want %d", len(l.Items), article, n)
	}
	var out []map[string]any
	for _, s := range l.Items[:n] {
		out = append(out, map[string]any{"label": s.Label, "start": s.Start, "end": s.End, "rule": s.Rule})
	}
	return out
}

const secret = "B-SECRET" // in everything reviewer2 writes, so that a leak shows

// workAs does everything a reviewer can do to an article that others might see: annotations
// with notes and sources, manual regions, decisions on a detected region and on suggestions,
// and finishing it.
func workAs(t *testing.T, e *env, who string, article int64, start, end int) {
	t.Helper()
	p := "/api/v1/articles/" + itoa(article)
	for _, label := range []string{"opinion", "loaded_language", "sourced_fact"} {
		e.must(who, "POST", p+"/annotations", map[string]any{"label": label, "start": start, "end": end, "note": secret + " note",
			"source": map[string]any{"text": secret + " source"}}, 201, nil)
	}
	e.must(who, "POST", p+"/regions", map[string]any{"kind": "quote", "start": start, "end": end}, 201, nil)
	e.must(who, "POST", p+"/regions", map[string]any{"kind": "comments", "start": end, "end": end + 5}, 201, nil)
	e.must(who, "PATCH", "/api/v1/regions/"+itoa(detectedRegion(t, e, who, article)), map[string]any{"status": "accepted"}, 200, nil)
	sg := firstSuggestions(t, e, who, article, 2)
	e.must(who, "POST", p+"/suggestions/accept", sg[0], 201, nil)
	e.must(who, "POST", p+"/suggestions/reject", sg[1], 204, nil)
	e.must(who, "POST", p+"/complete", nil, 200, nil)
}

// TestBlindReviewMatrix: every route of the route table is classified, and no route shows
// reviewer A anything derived from reviewer B's work on an article A has not finished: A's
// answers on every route that returns annotation-derived data are byte for byte the same
// before and after B annotates, marks regions, decides detected regions and suggestions and
// finishes, on both articles of a reprint pair; A's writes answer nothing of B's; routes A may
// not call refuse. Once A finishes one article they see B's work there (the comparison can
// fail), but still not on the other article of the pair.
func TestBlindReviewMatrix(t *testing.T) {
	e := newEnv(t)
	f := newIndFixture(t, e)
	A, B := "reviewer", "reviewer2"
	x, y := "/api/v1/articles/"+itoa(f.x), "/api/v1/articles/"+itoa(f.y)
	// A's own work, unfinished, inside the shared passage of both articles.
	e.must(A, "POST", x+"/annotations", map[string]any{"label": "opinion", "start": f.xs, "end": f.xs + 20}, 201, nil)
	e.must(A, "POST", y+"/annotations", map[string]any{"label": "speculation", "start": f.ys, "end": f.ys + 20}, 201, nil)
	e.must(A, "POST", y+"/regions", map[string]any{"kind": "quote", "start": f.ys, "end": f.ye, "origin_outlet_id": f.okMagazine}, 201, nil)
	bID := itoa(e.ids[B])

	// Every route, by how it relates to other reviewers' work. "read": A's answers are
	// compared (the paths below); "write": the answer carries only the caller's own record
	// (checked below); anything else says why the route cannot show A another reviewer's work.
	reads := map[string][]string{
		"GET /api/v1/articles":                 {"/api/v1/articles?limit=100"},
		"GET /api/v1/articles/:id":             {x, y, x + "?include=annotations,regions", y + "?include=annotations,regions", x + "?include=annotations&user_id=" + bID},
		"GET /api/v1/articles/:id/annotations": {x + "/annotations", y + "/annotations", y + "/annotations?user_id=" + bID},
		"GET /api/v1/articles/:id/regions":     {x + "/regions", y + "/regions"},
		"GET /api/v1/articles/:id/reprints":    {x + "/reprints", y + "/reprints"},
		"GET /api/v1/articles/:id/suggestions": {x + "/suggestions", y + "/suggestions"},
		"GET /api/v1/queue":                    {"/api/v1/queue"},
		"GET /api/v1/outlets":                  {"/api/v1/outlets"},
		"GET /api/v1/outlets/:id":              {"/api/v1/outlets/" + itoa(f.publisherX)},
	}
	writes := map[string]bool{
		"POST /api/v1/articles/:id/annotations": true, "PATCH /api/v1/annotations/:id": true, "DELETE /api/v1/annotations/:id": true,
		"POST /api/v1/articles/:id/regions": true, "PATCH /api/v1/regions/:id": true, "DELETE /api/v1/regions/:id": true,
		"POST /api/v1/articles/:id/complete": true, "DELETE /api/v1/articles/:id/complete": true,
		"POST /api/v1/articles/:id/suggestions/accept": true, "POST /api/v1/articles/:id/suggestions/reject": true,
		"DELETE /api/v1/articles/:id/suggestions/decisions": true,
	}
	unrelated := map[string]string{
		"POST /api/v1/auth/login":   "answers the signed-in user only",
		"POST /api/v1/auth/logout":  "answers nothing",
		"GET /api/v1/me":            "the signed-in user only",
		"GET /api/v1/openapi.json":  "the document, no data",
		"GET /api/v1/tokens":        "the signed-in user's tokens only",
		"POST /api/v1/tokens":       "the signed-in user's token",
		"DELETE /api/v1/tokens/:id": "the signed-in user's tokens only",
	}
	for _, r := range e.srv.Routes() {
		key := r.Method + " " + r.Path
		_, read := reads[key]
		_, other := unrelated[key]
		mayCall := r.Public || r.Roles == nil
		for _, role := range r.Roles {
			mayCall = mayCall || role == "reviewer"
		}
		switch {
		case read || writes[key] || other:
			if !mayCall {
				t.Errorf("%s: classified as reviewer-callable, but reviewers may not call it", key)
			}
		case mayCall:
			t.Errorf("%s: a reviewer may call it, but the blind-review matrix does not classify it: add it to reads, writes or unrelated", key)
		default:
			// Closed to reviewers: A is refused, whatever the route would answer.
			path := strings.NewReplacer(":id", itoa(f.x), ":rule", "opinion.intensifier").Replace(r.Path)
			if res := e.do(A, r.Method, path, map[string]any{}); res.Status != 403 {
				t.Errorf("%s as a reviewer: %d, want 403 (%s)", key, res.Status, res.Body)
			}
		}
	}

	snapshot := func() map[string][]byte {
		out := map[string][]byte{}
		for _, paths := range reads {
			for _, p := range paths {
				r := e.do(A, "GET", p, nil)
				out[p] = append([]byte(itoa(int64(r.Status))+" "), r.Body...)
			}
		}
		return out
	}
	leaks := func(when string, shots map[string][]byte) {
		for p, b := range shots {
			if bytes.Contains(b, []byte(secret)) || bytes.Contains(b, []byte(`"user_id":`+bID+",")) || bytes.Contains(b, []byte(`"created_by":`+bID+",")) {
				t.Errorf("%s: GET %s shows reviewer A reviewer B's work: %.300s", when, p, b)
			}
		}
	}
	before := snapshot()
	workAs(t, e, B, f.x, f.xs, f.xe)
	workAs(t, e, B, f.y, f.ys, f.ye)
	if !bytes.Contains(e.must("researcher", "GET", x+"/annotations", nil, 200, nil).Body, []byte(secret)) {
		t.Fatal("fixture: B's work is not there to leak")
	}
	after := snapshot()
	leaks("after B finished", after)
	for p := range before {
		if !bytes.Equal(before[p], after[p]) {
			t.Errorf("GET %s changed for reviewer A when reviewer B worked:\nbefore %.400s\nafter  %.400s", p, before[p], after[p])
		}
	}

	// A's writes answer only A's own records; B's records are refused to A.
	own := func(key string, r response) {
		t.Helper()
		if bytes.Contains(r.Body, []byte(secret)) || bytes.Contains(r.Body, []byte(`"user_id":`+bID+",")) {
			t.Errorf("%s answered reviewer A with B's work: %s", key, r.Body)
		}
		delete(writes, key)
	}
	var mine struct{ ID int64 }
	r := e.must(A, "POST", y+"/annotations", map[string]any{"label": "opinion", "start": f.ys, "end": f.ys + 5}, 201, &mine)
	own("POST /api/v1/articles/:id/annotations", r)
	own("PATCH /api/v1/annotations/:id", e.must(A, "PATCH", "/api/v1/annotations/"+itoa(mine.ID), map[string]any{"version": 1, "note": "mine"}, 200, nil))
	own("DELETE /api/v1/annotations/:id", e.must(A, "DELETE", "/api/v1/annotations/"+itoa(mine.ID), nil, 204, nil))
	var bs struct {
		Items []struct {
			ID     int64
			UserID int64 `json:"user_id"`
		}
	}
	e.must("researcher", "GET", y+"/annotations", nil, 200, &bs)
	for _, a := range bs.Items {
		if a.UserID == e.ids[B] {
			own("PATCH /api/v1/annotations/:id", e.must(A, "PATCH", "/api/v1/annotations/"+itoa(a.ID), map[string]any{"version": 1, "note": "x"}, 403, nil))
			own("DELETE /api/v1/annotations/:id", e.must(A, "DELETE", "/api/v1/annotations/"+itoa(a.ID), nil, 403, nil))
			break
		}
	}
	var reg struct{ ID int64 }
	own("POST /api/v1/articles/:id/regions", e.must(A, "POST", y+"/regions", map[string]any{"kind": "comments", "start": f.ye, "end": f.ye + 3}, 201, &reg))
	det := detectedRegion(t, e, A, f.y)
	var decided struct{ Status string }
	own("PATCH /api/v1/regions/:id", e.must(A, "PATCH", "/api/v1/regions/"+itoa(det), map[string]any{"status": "rejected"}, 200, &decided))
	if decided.Status != "rejected" {
		t.Errorf("A's own decision on a region B accepted: %q", decided.Status)
	}
	own("DELETE /api/v1/regions/:id", e.must(A, "DELETE", "/api/v1/regions/"+itoa(reg.ID), nil, 204, nil))
	sg := firstSuggestions(t, e, A, f.y, 2)
	own("POST /api/v1/articles/:id/suggestions/accept", e.must(A, "POST", y+"/suggestions/accept", sg[0], 201, nil))
	own("POST /api/v1/articles/:id/suggestions/reject", e.must(A, "POST", y+"/suggestions/reject", sg[1], 204, nil))
	own("DELETE /api/v1/articles/:id/suggestions/decisions", e.must(A, "DELETE", y+"/suggestions/decisions", sg[1], 204, nil))
	own("POST /api/v1/articles/:id/complete", e.must(A, "POST", y+"/complete", nil, 200, nil))
	own("DELETE /api/v1/articles/:id/complete", e.must(A, "DELETE", y+"/complete", nil, 200, nil))
	for key := range writes {
		t.Errorf("%s: classified as a write but not checked", key)
	}

	// A finishes x: B's work there is shown to A now (so the comparison above could fail), but
	// the reprint counts of y, which A has not finished, still count only A's work.
	reprintsBefore := after[x+"/reprints"]
	e.must(A, "POST", x+"/complete", nil, 200, nil)
	if !bytes.Contains(e.must(A, "GET", x+"/annotations", nil, 200, nil).Body, []byte(secret)) {
		t.Error("after finishing x, A does not see B's work on it")
	}
	if got := e.must(A, "GET", x+"/reprints", nil, 200, nil).Body; !bytes.Equal(append([]byte("200 "), got...), reprintsBefore) {
		t.Errorf("after finishing x only, the reprint counts of y changed for A:\nbefore %s\nafter  %s", reprintsBefore, got)
	}
	leaks("after A finished x, on y", map[string][]byte{y + "/annotations": e.must(A, "GET", y+"/annotations", nil, 200, nil).Body,
		y + "?include=annotations,regions": e.must(A, "GET", y+"?include=annotations,regions", nil, 200, nil).Body})
}

type reviewState struct {
	Status               string
	Locked               bool
	ReopenedAfterViewing bool `json:"reopened_after_viewing"`
}

func articleReview(t *testing.T, e *env, as string, article int64) reviewState {
	t.Helper()
	var a struct{ Review reviewState }
	e.must(as, "GET", "/api/v1/articles/"+itoa(article), nil, 200, &a)
	return a.Review
}

// TestReviewFrozenAfterViewing: a finished review takes no writes until reopened; once its
// reviewer has been shown the others' work (the annotations route, or the reprint counts of the
// other article of a pair) it is frozen, even against reopening, until an admin reopens it,
// which marks it reopened_after_viewing in the article scores and the export.
func TestReviewFrozenAfterViewing(t *testing.T) {
	e := newEnv(t)
	f := newIndFixture(t, e)
	A, B := "reviewer", "reviewer2"
	x, y := "/api/v1/articles/"+itoa(f.x), "/api/v1/articles/"+itoa(f.y)
	workAs(t, e, B, f.x, f.xs, f.xe)
	workAs(t, e, B, f.y, f.ys, f.ye)
	var mine struct{ ID int64 }
	e.must(A, "POST", x+"/annotations", map[string]any{"label": "opinion", "start": f.xs, "end": f.xs + 20}, 201, &mine)
	det := detectedRegion(t, e, A, f.x)
	e.must(A, "POST", x+"/complete", nil, 200, nil)

	t.Run("ErrFinishedReviewTakesNoWrites", func(t *testing.T) {
		if r := e.do(A, "POST", x+"/annotations", map[string]any{"label": "speculation", "start": 0, "end": 5}); r.Status != 409 || r.errCode() != "review_completed" {
			t.Fatalf("a tag on a finished review: %d %s", r.Status, r.Body)
		}
		if st := articleReview(t, e, A, f.x); st.Status != "completed" || st.Locked {
			t.Fatalf("finished, not yet viewing: %+v", st)
		}
		// Looking at one's own work only does not freeze the review.
		e.must(A, "GET", x+"/annotations?user_id="+itoa(e.ids[A]), nil, 200, nil)
		e.must(A, "GET", x+"?include=annotations,regions&user_id="+itoa(e.ids[A]), nil, 200, nil)
		if articleReview(t, e, A, f.x).Locked {
			t.Fatal("the reviewer's own work froze the review")
		}
		e.must(A, "DELETE", x+"/complete", nil, 200, nil)
		e.must(A, "POST", x+"/annotations", map[string]any{"label": "speculation", "start": 0, "end": 5}, 201, nil)
		e.must(A, "POST", x+"/complete", nil, 200, nil)
	})

	var seen struct {
		Items []struct {
			UserID int64 `json:"user_id"`
		}
	}
	e.must(A, "GET", x+"/annotations", nil, 200, &seen)
	if len(seen.Items) < 4 {
		t.Fatalf("a finished reviewer sees everyone's: %d", len(seen.Items))
	}
	t.Run("ErrFrozenAfterViewing", func(t *testing.T) {
		if st := articleReview(t, e, A, f.x); !st.Locked || st.Status != "completed" {
			t.Fatalf("after viewing the others: %+v", st)
		}
		before := len(e.must("researcher", "GET", x+"/annotations", nil, 200, nil).Body)
		for _, w := range []struct {
			method, path string
			body         any
		}{
			{"POST", x + "/annotations", map[string]any{"label": "opinion", "start": 0, "end": 5}},
			{"PATCH", "/api/v1/annotations/" + itoa(mine.ID), map[string]any{"version": 1, "label": "speculation"}},
			{"DELETE", "/api/v1/annotations/" + itoa(mine.ID), nil},
			{"POST", x + "/regions", map[string]any{"kind": "comments", "start": 0, "end": 5}},
			{"PATCH", "/api/v1/regions/" + itoa(det), map[string]any{"status": "rejected"}},
			{"POST", x + "/suggestions/accept", firstSuggestions(t, e, A, f.x, 1)[0]},
			{"DELETE", x + "/complete", nil},
		} {
			if r := e.do(A, w.method, w.path, w.body); r.Status != 409 || r.errCode() != "review_locked" {
				t.Errorf("%s %s on a frozen review: %d %s, want 409 review_locked", w.method, w.path, r.Status, r.Body)
			}
		}
		if after := len(e.must("researcher", "GET", x+"/annotations", nil, 200, nil).Body); after != before {
			t.Errorf("refused writes changed the annotations (%d → %d bytes)", before, after)
		}
	})

	t.Run("OK an admin reopens it, marked for good", func(t *testing.T) {
		var re struct {
			Locked               bool
			ReopenedAfterViewing bool `json:"reopened_after_viewing"`
			Status               string
		}
		e.must("admin", "POST", x+"/reopen", map[string]any{"reviewer_id": e.ids[A]}, 200, &re)
		if re.Locked || !re.ReopenedAfterViewing || re.Status == "completed" {
			t.Fatalf("reopened: %+v", re)
		}
		e.must(A, "PATCH", "/api/v1/annotations/"+itoa(mine.ID), map[string]any{"version": 1, "label": "speculation"}, 200, nil)
		e.must(A, "POST", x+"/complete", nil, 200, nil)
		if st := articleReview(t, e, A, f.x); st.Locked || !st.ReopenedAfterViewing {
			t.Fatalf("finished again: %+v", st)
		}
		var rows struct {
			Items []struct {
				ArticleID            int64 `json:"article_id"`
				ReopenedAfterViewing int   `json:"reopened_after_viewing"`
			}
		}
		e.must("researcher", "GET", "/api/v1/scores/articles", nil, 200, &rows)
		marked := map[int64]int{}
		for _, r := range rows.Items {
			marked[r.ArticleID] = r.ReopenedAfterViewing
		}
		if marked[f.x] != 1 || marked[f.y] != 0 {
			t.Errorf("article scores reopened_after_viewing: %v, want 1 on x and 0 on y", marked)
		}
		for _, r := range parseJSONLMaps(t, e.must("researcher", "GET", "/api/v1/exports/annotations", nil, 200, nil).Body) {
			want := int64(r["user_id"].(float64)) == e.ids[A] && int64(r["article_id"].(float64)) == f.x
			if r["reopened_after_viewing"] != want {
				t.Errorf("export row %v: reopened_after_viewing %v, want %v", r["id"], r["reopened_after_viewing"], want)
			}
		}
	})

	t.Run("ErrFrozenThroughTheOtherArticleOfAPair", func(t *testing.T) {
		// A finishes y without looking at anyone's work there, then opens x's reprints, whose
		// counts for y include B's annotations: that shows A B's work on y.
		e.must(A, "POST", y+"/complete", nil, 200, nil)
		if articleReview(t, e, A, f.y).Locked {
			t.Fatal("fixture: y frozen before viewing")
		}
		e.must(A, "GET", x+"/reprints", nil, 200, nil)
		if !articleReview(t, e, A, f.y).Locked {
			t.Fatal("the reprint counts showed A B's work on y, but A's review of y is not frozen")
		}
		if r := e.do(A, "DELETE", y+"/complete", nil); r.errCode() != "review_locked" {
			t.Fatalf("reopening y: %d %s", r.Status, r.Body)
		}
	})
}

func parseJSONLMaps(t *testing.T, body []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(body), []byte("\n")) {
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		out = append(out, m)
	}
	return out
}

// TestRegionsPerReviewer: a manual region belongs to its author (403 for another reviewer); a
// detected region is proposed to every reviewer and each one's decision is their own; the scores
// credit a passage to a region's origin outlet when a majority of the article's finished
// reviewers made or accepted it or an equivalent region, and report region agreement.
func TestRegionsPerReviewer(t *testing.T) {
	e := newEnv(t)
	e.addUser("reviewer3", "reviewer")
	f := newIndFixture(t, e)
	x := "/api/v1/articles/" + itoa(f.x)

	t.Run("ManualRegionsBelongToTheirAuthor", func(t *testing.T) {
		var r struct{ ID int64 }
		e.must("reviewer", "POST", x+"/regions", map[string]any{"kind": "comments", "start": 0, "end": 10}, 201, &r)
		p := "/api/v1/regions/" + itoa(r.ID)
		e.must("reviewer2", "PATCH", p, map[string]any{"status": "rejected"}, 403, nil)
		e.must("reviewer2", "PATCH", p, map[string]any{"kind": "quote"}, 403, nil)
		e.must("reviewer2", "DELETE", p, nil, 403, nil)
		e.must("admin", "PATCH", p, map[string]any{"kind": "quote"}, 200, nil)
		e.must("reviewer", "DELETE", p, nil, 204, nil)
	})

	t.Run("DetectedRegionsAreDecidedPerReviewer", func(t *testing.T) {
		det := detectedRegion(t, e, "reviewer", f.x)
		status := func(as string) string {
			var l struct {
				Items []struct {
					ID     int64
					Status string
				}
			}
			e.must(as, "GET", x+"/regions", nil, 200, &l)
			for _, r := range l.Items {
				if r.ID == det {
					return r.Status
				}
			}
			t.Fatalf("%s does not see the detected region", as)
			return ""
		}
		e.must("reviewer", "PATCH", "/api/v1/regions/"+itoa(det), map[string]any{"status": "accepted"}, 200, nil)
		if a, b := status("reviewer"), status("reviewer2"); a != "accepted" || b != "proposed" {
			t.Fatalf("after reviewer accepted: reviewer sees %q, reviewer2 %q (want accepted, proposed)", a, b)
		}
		e.must("reviewer2", "PATCH", "/api/v1/regions/"+itoa(det), map[string]any{"status": "rejected"}, 200, nil)
		if a, b := status("reviewer"), status("reviewer2"); a != "accepted" || b != "rejected" {
			t.Fatalf("each decision is its reviewer's own: %q, %q", a, b)
		}
		e.must("reviewer2", "PATCH", "/api/v1/regions/"+itoa(det), map[string]any{"origin_outlet_id": f.okMagazine}, 403, nil)
		e.must("reviewer2", "DELETE", "/api/v1/regions/"+itoa(det), nil, 403, nil)
		e.must("reviewer", "PATCH", "/api/v1/regions/"+itoa(det), map[string]any{"status": "proposed"}, 200, nil)
		if a := status("reviewer"); a != "proposed" {
			t.Fatalf("a decision taken back: %q", a)
		}
	})

	t.Run("CreditingFollowsTheMajority", func(t *testing.T) {
		e := *e
		e.t = t
		quoted := e.outlet("Quoted Source", nil, nil)
		text := strings.Repeat("Own words of the blog here. ", 4) + strings.Repeat("Reprinted words from the source. ", 4) + "The end."
		qs := len("Own words of the blog here. ") * 4
		qe := qs + len("Reprinted words from the source. ")*4
		n := 0
		credited := func(votes ...[2]int) int {
			t.Helper()
			n++
			art := e.article(e.outlet("Majority blog "+itoa(int64(n)), nil, nil), "Majority", text)
			p := "/api/v1/articles/" + itoa(art)
			for i, who := range []string{"reviewer", "reviewer2", "reviewer3"} {
				e.must(who, "POST", p+"/annotations", map[string]any{"label": "opinion", "start": 0, "end": 5}, 201, nil)
				if i < len(votes) {
					e.must(who, "POST", p+"/regions", map[string]any{"kind": "quote", "start": votes[i][0], "end": votes[i][1], "origin_outlet_id": quoted}, 201, nil)
				}
				e.must(who, "POST", p+"/complete", nil, 200, nil)
			}
			var rows struct {
				Items []struct {
					ArticleID   int64 `json:"article_id"`
					OutletID    int64 `json:"outlet_id"`
					ScoredChars int   `json:"scored_chars"`
				}
			}
			e.must("researcher", "GET", "/api/v1/scores/articles?limit=1000", nil, 200, &rows)
			for _, r := range rows.Items {
				if r.ArticleID == art && r.OutletID == quoted {
					return r.ScoredChars
				}
			}
			return 0
		}
		if got := credited([2]int{qs, qe}); got != 0 {
			t.Errorf("one of three reviewers marked the quote: %d characters credited to its origin, want 0", got)
		}
		if got := credited([2]int{qs, qe}, [2]int{qs + 3, qe}); got != qe-qs {
			t.Errorf("two of three marked equivalent quotes: %d characters credited to the origin, want %d", got, qe-qs)
		}
		if got := credited([2]int{qs, qe}, [2]int{qs, qs + (qe-qs)/2}); got != 0 {
			t.Errorf("two of three marked quotes that are not equivalent: %d characters credited, want 0", got)
		}
		var agr struct {
			RegionAlpha *float64 `json:"region_alpha"`
		}
		e.must("researcher", "GET", "/api/v1/scores/agreement", nil, 200, &agr)
		if agr.RegionAlpha == nil {
			t.Error("the agreement scores carry no region_alpha")
		}
	})
}
