package api_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
)

// annotationOrigin is what every annotation says of where it came from.
type annotationOrigin struct {
	ID              int64
	Label           string
	Origin          string `json:"origin"`
	SuggestionModel string `json:"suggestion_model"`
	Layer           string `json:"layer"`
}

// TestAnnotationOriginProvenance: an annotation typed by hand is "manual"; one made by
// accepting a machine suggestion is "suggestion" with the suggestion's model, in the API and in
// the JSONL, CSV and JSON-LD exports.
func TestAnnotationOriginProvenance(t *testing.T) {
	e := newEnv(t)
	art := e.article(e.outlet("O", nil, nil), "T", suggestText)
	base := "/api/v1/articles/" + itoa(art)
	var manual annotationOrigin
	e.must("reviewer", "POST", base+"/annotations", map[string]any{"label": "opinion", "start": 0, "end": 5}, 201, &manual)
	if manual.Origin != "manual" || manual.SuggestionModel != "" || manual.Layer != "review" {
		t.Fatalf("manual annotation: %+v", manual)
	}
	var l suggestionList
	e.must("reviewer", "GET", base+"/suggestions", nil, 200, &l)
	if len(l.Items) < 2 {
		t.Fatalf("suggestions: %+v", l.Items)
	}
	s0, s1 := l.Items[0], l.Items[1]
	var named, derived annotationOrigin
	e.must("reviewer", "POST", base+"/suggestions/accept", map[string]any{"label": s0.Label, "start": s0.Start, "end": s0.End, "rule": s0.Rule, "model": "lexicon-rules@2"}, 201, &named)
	e.must("reviewer", "POST", base+"/suggestions/accept", map[string]any{"label": s1.Label, "start": s1.Start, "end": s1.End, "rule": s1.Rule}, 201, &derived)
	if named.Origin != "suggestion" || named.SuggestionModel != "lexicon-rules@2" || named.Layer != "review" {
		t.Errorf("accepted with its model: %+v", named)
	}
	if derived.Origin != "suggestion" || derived.SuggestionModel != "credence-rules" {
		t.Errorf("accepted without a model: %+v", derived)
	}
	e.must("reviewer", "POST", base+"/suggestions/accept", map[string]any{"label": s0.Label, "start": s0.Start, "end": s0.End, "rule": s0.Rule, "model": strings.Repeat("m", 201)}, 422, nil)

	t.Run("API", func(t *testing.T) {
		var list struct{ Items []annotationOrigin }
		e.must("reviewer", "GET", base+"/annotations", nil, 200, &list)
		got := map[int64]annotationOrigin{}
		for _, a := range list.Items {
			got[a.ID] = a
		}
		for _, want := range []annotationOrigin{manual, named, derived} {
			if g := got[want.ID]; g.Origin != want.Origin || g.SuggestionModel != want.SuggestionModel || g.Layer != "review" {
				t.Errorf("listed %+v, created %+v", g, want)
			}
		}
	})
	t.Run("Exports", func(t *testing.T) {
		body := e.must("researcher", "GET", "/api/v1/exports/annotations", nil, 200, nil).Body
		got := map[int64]annotationOrigin{}
		for _, line := range bytes.Split(bytes.TrimSpace(body), []byte("\n")) {
			var a annotationOrigin
			if err := json.Unmarshal(line, &a); err != nil {
				t.Fatal(err)
			}
			got[a.ID] = a
		}
		csvBody := e.must("researcher", "GET", "/api/v1/exports/annotations?format=csv", nil, 200, nil).Body
		recs, err := csv.NewReader(bytes.NewReader(csvBody)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		col := map[string]int{}
		for i, name := range recs[0] {
			col[name] = i
		}
		byID := map[string][]string{}
		for _, r := range recs[1:] {
			byID[r[col["id"]]] = r
		}
		for _, want := range []annotationOrigin{manual, named, derived} {
			if g := got[want.ID]; g.Origin != want.Origin || g.SuggestionModel != want.SuggestionModel || g.Layer != "review" {
				t.Errorf("JSONL %+v, want %+v", g, want)
			}
			r := byID[itoa(want.ID)]
			if r == nil || r[col["origin"]] != want.Origin || r[col["suggestion_model"]] != want.SuggestionModel || r[col["layer"]] != "review" {
				t.Errorf("CSV %v, want %+v", r, want)
			}
		}
		var ld struct {
			First struct {
				Items []struct {
					ID        string
					Generator *struct{ ID, Type, Name string }
				}
			}
		}
		e.must("researcher", "GET", "/api/v1/exports/annotations?format=jsonld", nil, 200, &ld)
		generators := map[string]string{}
		for _, it := range ld.First.Items {
			if it.Generator != nil {
				if it.Generator.Type != "Software" {
					t.Errorf("generator %+v", it.Generator)
				}
				generators[it.ID[strings.LastIndex(it.ID, "-")+1:]] = it.Generator.Name
			}
		}
		if len(generators) != 2 || generators[itoa(named.ID)] != "lexicon-rules@2" || generators[itoa(derived.ID)] != "credence-rules" {
			t.Errorf("JSON-LD generators %v", generators)
		}
	})
	t.Run("MethodologyReportsSuggestionShare", func(t *testing.T) {
		e.must("reviewer", "POST", base+"/complete", nil, 200, nil)
		res := e.do("", "GET", "/methodology", nil)
		if res.Status != 200 || !bytes.Contains(res.Body, []byte("of the 3 annotations in completed reviews, 2 (66.7%) came from accepted machine suggestions; by model: credence-rules 1, lexicon-rules@2 1.")) {
			t.Errorf("methodology %d does not report the share: %s", res.Status, section(res.Body, "suggestion-share"))
		}
	})
}

// section returns a bit of body around the first occurrence of marker, for failure messages.
func section(body []byte, marker string) string {
	i := bytes.Index(body, []byte(marker))
	if i < 0 {
		return "(no " + marker + ")"
	}
	return string(body[i:min(len(body), i+400)])
}

// TestAssignmentsHideSuggestions: an assignment with "suggestions": false shows its reviewer no
// suggestions on that article (an empty list marked hidden, and no decisions); others still
// get them.
func TestAssignmentsHideSuggestions(t *testing.T) {
	e := newEnv(t)
	art := e.article(e.outlet("O", nil, nil), "T", suggestText)
	e.must("admin", "POST", "/api/v1/assignments", map[string]any{"article_ids": []int64{art}, "reviewer_ids": []int64{e.ids["reviewer"]}, "suggestions": false}, 200, nil)
	e.must("admin", "POST", "/api/v1/assignments", map[string]any{"article_ids": []int64{art}, "reviewer_ids": []int64{e.ids["reviewer2"]}}, 200, nil)
	path := "/api/v1/articles/" + itoa(art) + "/suggestions"
	var hidden struct {
		Items  []any
		Hidden bool
	}
	e.must("reviewer", "GET", path, nil, 200, &hidden)
	if !hidden.Hidden || hidden.Items == nil || len(hidden.Items) != 0 {
		t.Fatalf("hidden arm got %+v", hidden)
	}
	var shown struct {
		Items []struct {
			Label, Rule string
			Start, End  int
		}
		Hidden bool
	}
	e.must("reviewer2", "GET", path, nil, 200, &shown)
	if shown.Hidden || len(shown.Items) == 0 {
		t.Fatalf("shown arm got %+v", shown)
	}
	s := shown.Items[0]
	res := e.do("reviewer", "POST", path+"/accept", map[string]any{"label": s.Label, "start": s.Start, "end": s.End, "rule": s.Rule})
	if res.Status != 403 || res.errCode() != "suggestions_hidden" {
		t.Errorf("accepting in the hidden arm: %d %s", res.Status, res.Body)
	}
	e.must("reviewer2", "POST", path+"/accept", map[string]any{"label": s.Label, "start": s.Start, "end": s.End, "rule": s.Rule}, 201, nil)
	e.must("admin", "POST", "/api/v1/assignments", map[string]any{"article_ids": []int64{art}, "suggestions": "no"}, 400, nil)
}

// TestScoresSplitBySuggestionArm: ?suggestions=shown|hidden scores only the completed reviews
// of that arm, so the two tables can be compared; the default counts both.
func TestScoresSplitBySuggestionArm(t *testing.T) {
	e := newEnv(t)
	text := strings.Repeat("abcdefghij", 10) // 100 characters
	art := e.article(e.outlet("O", nil, nil), "T", text)
	e.must("admin", "POST", "/api/v1/assignments", map[string]any{"article_ids": []int64{art}, "reviewer_ids": []int64{e.ids["reviewer"]}, "suggestions": false}, 200, nil)
	e.must("admin", "POST", "/api/v1/assignments", map[string]any{"article_ids": []int64{art}, "reviewer_ids": []int64{e.ids["reviewer2"]}}, 200, nil)
	base := "/api/v1/articles/" + itoa(art)
	e.must("reviewer", "POST", base+"/annotations", map[string]any{"label": "opinion", "start": 0, "end": 10}, 201, nil)
	e.must("reviewer2", "POST", base+"/annotations", map[string]any{"label": "opinion", "start": 0, "end": 30}, 201, nil)
	e.must("reviewer", "POST", base+"/complete", nil, 200, nil)
	e.must("reviewer2", "POST", base+"/complete", nil, 200, nil)
	type row struct {
		Reviewers    int     `json:"reviewers"`
		OpinionShare float64 `json:"opinion_share"`
	}
	outlets := func(q string) (row, map[string]any) {
		var out struct {
			Items   []row
			Filters map[string]any
		}
		e.must("researcher", "GET", "/api/v1/scores/outlets"+q, nil, 200, &out)
		if len(out.Items) != 1 {
			t.Fatalf("%s: %d rows", q, len(out.Items))
		}
		return out.Items[0], out.Filters
	}
	for _, c := range []struct {
		q         string
		reviewers int
		share     float64
	}{{"", 2, 0.2}, {"?suggestions=hidden", 1, 0.1}, {"?suggestions=shown", 1, 0.3}} {
		r, f := outlets(c.q)
		if r.Reviewers != c.reviewers || r.OpinionShare != c.share {
			t.Errorf("%q: %+v, want %d reviewers and share %v", c.q, r, c.reviewers, c.share)
		}
		if c.q != "" && f["suggestions"] != strings.TrimPrefix(c.q, "?suggestions=") {
			t.Errorf("%q: filters %v do not say the arm", c.q, f)
		}
	}
	var reviewers struct {
		Items []struct {
			ReviewerID int64 `json:"reviewer_id"`
		}
	}
	e.must("researcher", "GET", "/api/v1/scores/reviewers?suggestions=hidden", nil, 200, &reviewers)
	if len(reviewers.Items) != 1 || reviewers.Items[0].ReviewerID != e.ids["reviewer"] {
		t.Errorf("reviewers of the hidden arm: %+v", reviewers.Items)
	}
	csvBody := e.must("researcher", "GET", "/api/v1/scores/outlets?format=csv&suggestions=shown", nil, 200, nil).Body
	recs, err := csv.NewReader(bytes.NewReader(csvBody)).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("CSV %v %v", recs, err)
	}
	for _, bad := range []string{"?suggestions=some", "?layer=gold", "?layer=consensus&suggestions=hidden"} {
		if res := e.do("researcher", "GET", "/api/v1/scores/outlets"+bad, nil); res.Status != 400 {
			t.Errorf("%s: %d %s", bad, res.Status, res.Body)
		}
	}
}
