package api_test

import (
	"strings"
	"testing"
)

// TestRevisionOrphanedNotScored: re-importing an article's URL with an edited text makes a
// new revision through the HTTP import; its annotations and regions follow their passages or
// are orphaned; an orphan is listed to its reviewer with its old text, left out of scores
// and exports, and can be placed again with start and end.
func TestRevisionOrphanedNotScored(t *testing.T) {
	e := newEnv(t)
	pub := e.outlet("Daily Example", nil, []string{"daily.example"})
	e.outlet("Wire Service", nil, nil)
	line := func(text string) []byte {
		return []byte(`{"outlet_id": ` + itoa(pub) + `, "title": "Budget", "url": "https://daily.example/b", "text": "` + text + `"}` + "\n")
	}
	base := "Intro 🙄 line. The council is reckless. Wire copy says rates rise. The end."
	var rep importReport
	e.mustUpload("/api/v1/articles/import", "application/x-ndjson", line(base), &rep)
	id := rep.IDs[0]
	cp := func(s, sub string) int { return len([]rune(s[:strings.Index(s, sub)])) }
	var kept, lost struct {
		ID      int64
		Version int64
		Start   int
		Status  string
		Exact   string
	}
	e.must("reviewer", "POST", "/api/v1/articles/"+itoa(id)+"/annotations", map[string]any{"label": "opinion",
		"start": cp(base, "The end."), "end": cp(base, "The end.") + 8}, 201, &kept)
	e.must("reviewer", "POST", "/api/v1/articles/"+itoa(id)+"/annotations", map[string]any{"label": "loaded_language",
		"start": cp(base, "reckless"), "end": cp(base, "reckless") + 8}, 201, &lost)
	var reg struct {
		ID     int64
		Start  int
		Anchor string
	}
	e.must("reviewer", "POST", "/api/v1/articles/"+itoa(id)+"/regions", map[string]any{"kind": "comments",
		"start": cp(base, "Wire copy"), "end": cp(base, "Wire copy") + 25}, 201, &reg)

	edited := "New intro 🎉 first. Intro 🙄 line. The council is careless. Wire copy says rates rise. The end."
	e.mustUpload("/api/v1/articles/import", "application/x-ndjson", line(edited), &rep)
	var upd struct{ Updated, Created int }
	r := e.upload("/api/v1/articles/import", "application/x-ndjson", line(edited), "")
	r.json(t, &upd)
	if rep.Updated != 1 || rep.Created != 0 || upd.Updated != 0 {
		t.Fatalf("re-import answers: %+v then %+v", rep, upd)
	}
	var art struct{ Revision int }
	e.must("admin", "GET", "/api/v1/articles/"+itoa(id), nil, 200, &art)
	if art.Revision != 2 {
		t.Fatalf("revision %d, want 2", art.Revision)
	}
	var anns struct {
		Items []struct {
			ID     int64
			Start  int
			Status string
			Exact  string
		}
	}
	e.must("reviewer", "GET", "/api/v1/articles/"+itoa(id)+"/annotations", nil, 200, &anns)
	for _, a := range anns.Items {
		switch a.ID {
		case kept.ID:
			if a.Status != "anchored" || a.Start != cp(edited, "The end.") {
				t.Errorf("kept annotation %+v, want anchored at %d", a, cp(edited, "The end."))
			}
		case lost.ID:
			if a.Status != "orphaned" || a.Exact != "reckless" {
				t.Errorf("lost annotation %+v, want orphaned reading %q", a, "reckless")
			}
		}
	}
	var regs struct {
		Items []struct {
			ID     int64
			Start  int
			Anchor string
			Exact  string
		}
	}
	e.must("reviewer", "GET", "/api/v1/articles/"+itoa(id)+"/regions", nil, 200, &regs)
	if len(regs.Items) == 0 || regs.Items[0].Start != cp(edited, "Wire copy") || regs.Items[0].Anchor != "anchored" {
		t.Fatalf("region after the edit: %+v, want anchored at %d", regs.Items, cp(edited, "Wire copy"))
	}

	e.must("reviewer", "POST", "/api/v1/articles/"+itoa(id)+"/complete", nil, 200, nil)
	rows := parseJSONL(t, e.must("researcher", "GET", "/api/v1/exports/annotations", nil, 200, nil).Body)
	if len(rows) != 1 || rows[0].ID != kept.ID {
		t.Fatalf("export rows %+v, want only the anchored annotation %d", rows, kept.ID)
	}
	var scores struct {
		Items []struct {
			ArticleID int64 `json:"article_id"`
			Shares    map[string]float64
		}
	}
	e.must("researcher", "GET", "/api/v1/scores/articles", nil, 200, &scores)
	for _, s := range scores.Items {
		if s.ArticleID == id && s.Shares["loaded_language"] != 0 {
			t.Errorf("the orphaned loaded_language annotation was scored: %+v", s)
		}
	}
}

// TestRevisionOrphanPlacedAgain: an orphaned annotation cannot be changed without a new
// place (start and end), and placing it makes it anchored again.
func TestRevisionOrphanPlacedAgain(t *testing.T) {
	e := newEnv(t)
	pub := e.outlet("Daily Example", nil, []string{"daily.example"})
	line := func(text string) []byte {
		return []byte(`{"outlet_id": ` + itoa(pub) + `, "title": "B", "url": "https://daily.example/o", "text": "` + text + `"}` + "\n")
	}
	var rep importReport
	e.mustUpload("/api/v1/articles/import", "application/x-ndjson", line("Alpha beta gamma."), &rep)
	id := rep.IDs[0]
	var a struct {
		ID      int64
		Version int64
		Status  string
		Start   int
	}
	e.must("reviewer", "POST", "/api/v1/articles/"+itoa(id)+"/annotations", map[string]any{"label": "opinion", "start": 6, "end": 10}, 201, &a)
	e.mustUpload("/api/v1/articles/import", "application/x-ndjson", line("Alpha delta gamma."), &rep)
	var list struct {
		Items []struct {
			ID, Version int64
			Status      string
		}
	}
	e.must("reviewer", "GET", "/api/v1/articles/"+itoa(id)+"/annotations", nil, 200, &list)
	a.Version, a.Status = list.Items[0].Version, list.Items[0].Status
	if a.Status != "orphaned" {
		t.Fatalf("after the edit: %+v, want orphaned", a)
	}
	r := e.must("reviewer", "PATCH", "/api/v1/annotations/"+itoa(a.ID), map[string]any{"version": a.Version, "note": "x"}, 422, nil)
	if r.errCode() != "invalid" {
		t.Fatalf("a note on an orphan: %s", r.Body)
	}
	e.must("reviewer", "PATCH", "/api/v1/annotations/"+itoa(a.ID), map[string]any{"version": a.Version, "start": 6, "end": 11, "exact": "delta"}, 200, &a)
	if a.Status != "anchored" || a.Start != 6 {
		t.Fatalf("placed again: %+v, want anchored at 6", a)
	}
}
