package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/credence-project/credence/annotate/score"
	"github.com/credence-project/credence/api"
)

// corpus is a small annotated corpus built through the API, with what the test knows about
// it from having built it: the texts, regions and who completed what.
type corpus struct {
	e        *env
	outlets  []int64
	articles []fixtureArticle
	// reviewers who annotate: all but "admin" complete some articles; admin never completes,
	// so its annotations must never count.
	reviewers []string
}

type fixtureArticle struct {
	id, outlet int64
	length     int
	published  time.Time
	regions    []fixtureRegion
	completed  map[int64]bool // user ids
}

// completerOf names a reviewer who completed fixture article a.
func completerOf(t *testing.T, e *env, a fixtureArticle) string {
	t.Helper()
	for _, name := range []string{"reviewer", "reviewer2", "reviewer3"} {
		if a.completed[e.ids[name]] {
			return name
		}
	}
	t.Fatalf("fixture: nobody completed article %d", a.id)
	return ""
}

type fixtureRegion struct {
	kind       string
	start, end int
	origin     int64
}

// words gives texts with multi-byte characters, so that code point offsets matter.
var words = []string{"the", "FBI", "report", "stated", "“could", "somebody”", "have", "left", "a", "live", "round", "🙄", "Hollywoodcide", "naïve", "jerk", "super-douche", "according", "to", "NBC", "News", "—", "readers", "say"}

func text(r *rand.Rand, n int) string {
	var b strings.Builder
	for b.Len() < n {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[r.IntN(len(words))])
	}
	return b.String()
}

func runeLen(s string) int { return len([]rune(s)) }

// newCorpus builds n articles over three outlets with quote and comments regions, four
// annotating accounts, completions and published dates over four months.
func newCorpus(t *testing.T, e *env, n int, seed uint64) *corpus {
	t.Helper()
	e.addUser("reviewer3", "reviewer")
	r := rand.New(rand.NewPCG(seed, 7))
	c := &corpus{e: e, reviewers: []string{"reviewer", "reviewer2", "reviewer3", "admin"}}
	for i := range 3 {
		c.outlets = append(c.outlets, e.outlet(fmt.Sprintf("Outlet %c", 'A'+i), nil, nil))
	}
	for i := range n {
		txt := text(r, 200+r.IntN(300))
		fa := fixtureArticle{outlet: c.outlets[i%3], length: runeLen(txt), completed: map[int64]bool{},
			published: time.Date(2024, time.Month(1+i%4), 1+r.IntN(27), 12, 0, 0, 0, time.UTC)}
		var a struct{ ID int64 }
		e.must("admin", "POST", "/api/v1/articles", map[string]any{"outlet_id": fa.outlet, "title": fmt.Sprintf("Article %d", i),
			"text": txt, "published_at": fa.published, "url": fmt.Sprintf("https://example.org/a/%d", i)}, 201, &a)
		fa.id = a.ID
		path := "/api/v1/articles/" + itoa(a.ID)
		// A quote from the next outlet (or of unknown origin), sometimes nested in a longer one,
		// and readers' comments at the end of some articles.
		if i%4 != 3 {
			s := r.IntN(fa.length / 3)
			reg := fixtureRegion{kind: "quote", start: s, end: s + fa.length/4, origin: c.outlets[(i+1)%3]}
			if i%5 == 4 {
				reg.origin = 0
			}
			fa.regions = append(fa.regions, reg)
			if i%3 == 1 {
				fa.regions = append(fa.regions, fixtureRegion{kind: "quote", start: s + 5, end: s + 20, origin: c.outlets[(i+2)%3]})
			}
		}
		if i%2 == 0 {
			fa.regions = append(fa.regions, fixtureRegion{kind: "comments", start: fa.length - fa.length/5, end: fa.length})
		}
		// Regions are each reviewer's own and credit the text by the majority of the finished
		// reviewers: every reviewer who will finish the article marks them (an article nobody
		// finishes keeps none), so the crediting is fa.regions however reviewers are excluded.
		completes := func(k int) bool { return c.reviewers[k] != "admin" && (i+k)%4 != 3 && (i+k)%5 != 0 }
		var holders []string
		for k, who := range c.reviewers {
			if completes(k) || who == "reviewer3" && i%3 == 0 {
				holders = append(holders, who)
			}
		}
		if len(holders) == 0 {
			fa.regions = nil
		}
		for _, reg := range fa.regions {
			body := map[string]any{"kind": reg.kind, "start": reg.start, "end": reg.end}
			if reg.origin != 0 {
				body["origin_outlet_id"] = reg.origin
			}
			for _, who := range holders {
				e.must(who, "POST", path+"/regions", body, 201, nil)
			}
		}
		for k, who := range c.reviewers {
			if (i+k)%4 == 3 {
				continue // this account never looked at the article
			}
			for range 1 + r.IntN(4) {
				s := r.IntN(fa.length - 1)
				end := min(fa.length, s+1+r.IntN(60))
				e.must(who, "POST", path+"/annotations", map[string]any{"label": score.AllLabels[r.IntN(4)], "start": s, "end": end}, 201, nil)
			}
			if who != "admin" && (i+k)%5 != 0 {
				e.must(who, "POST", path+"/complete", nil, 200, nil)
				fa.completed[e.ids[who]] = true
			}
		}
		// One reviewer completes without tagging anything: a measurement of zero.
		if i%3 == 0 && !fa.completed[e.ids["reviewer3"]] {
			e.must("reviewer3", "POST", path+"/complete", nil, 200, nil)
			fa.completed[e.ids["reviewer3"]] = true
		}
		c.articles = append(c.articles, fa)
	}
	return c
}

// exportRow is the part of a JSONL export row the tests read.
type exportRow struct {
	ID                int64  `json:"id"`
	ArticleID         int64  `json:"article_id"`
	OutletID          int64  `json:"outlet_id"`
	CreditedOutletID  *int64 `json:"credited_outlet_id"`
	UserID            int64  `json:"user_id"`
	Label             string `json:"label"`
	Start             int    `json:"start"`
	End               int    `json:"end"`
	Exact             string `json:"exact"`
	ReviewerCompleted bool   `json:"reviewer_completed"`
	Credits           []struct {
		Start    int    `json:"start"`
		End      int    `json:"end"`
		OutletID *int64 `json:"outlet_id"`
		Excluded string `json:"excluded"`
	} `json:"credits"`
}

func parseJSONL(t *testing.T, body []byte) []exportRow {
	t.Helper()
	var out []exportRow
	dec := json.NewDecoder(bytes.NewReader(body))
	for dec.More() {
		var r exportRow
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("export line %d: %v", len(out)+1, err)
		}
		out = append(out, r)
	}
	return out
}

// owners credits each character of an article by brute force, straight from DESIGN rule 1:
// comments → no one (-1); inside quotes → the innermost quote's origin (latest start, then
// earliest end, then smallest origin), no one (0) when unknown; else the publisher.
func owners(a fixtureArticle) []int64 {
	out := make([]int64, a.length)
	for c := range out {
		out[c] = a.outlet
		var best *fixtureRegion
		comments := false
		for i := range a.regions {
			g := &a.regions[i]
			if c < g.start || c >= g.end {
				continue
			}
			if g.kind == "comments" {
				comments = true
				continue
			}
			if best == nil || g.start > best.start || (g.start == best.start && (g.end < best.end || (g.end == best.end && g.origin < best.origin))) {
				best = g
			}
		}
		switch {
		case comments:
			out[c] = -1
		case best != nil:
			out[c] = best.origin
		}
	}
	return out
}

// bruteOutlet is an outlet's figures recomputed by brute force.
type bruteOutlet struct {
	articles, chars int
	share           [score.NumLabels]float64
}

// bruteShares recomputes every outlet's shares from the export rows, character by character:
// for each article someone completed and each outlet credited in it, each counted reviewer's
// marked characters per label, averaged over the counted reviewers, summed over articles and
// divided by the outlet's credited characters.
func bruteShares(c *corpus, rows []exportRow, exclude map[int64]bool) map[int64]*bruteOutlet {
	byArticle := map[int64][]exportRow{}
	for _, r := range rows {
		byArticle[r.ArticleID] = append(byArticle[r.ArticleID], r)
	}
	out := map[int64]*bruteOutlet{}
	marked := map[int64]*[score.NumLabels]float64{}
	for _, a := range c.articles {
		var counted []int64
		for id := range a.completed {
			if !exclude[id] {
				counted = append(counted, id)
			}
		}
		if len(counted) == 0 {
			continue
		}
		own := owners(a)
		credited := map[int64]int{}
		for _, o := range own {
			if o > 0 {
				credited[o]++
			}
		}
		for o, n := range credited {
			if out[o] == nil {
				out[o] = &bruteOutlet{}
				marked[o] = &[score.NumLabels]float64{}
			}
			out[o].articles++
			out[o].chars += n
			for _, rev := range counted {
				for l, label := range score.AllLabels {
					hit := make([]bool, a.length)
					for _, r := range byArticle[a.id] {
						if r.UserID == rev && r.Label == string(label) {
							for ch := r.Start; ch < r.End; ch++ {
								hit[ch] = true
							}
						}
					}
					k := 0
					for ch, h := range hit {
						if h && own[ch] == o {
							k++
						}
					}
					marked[o][l] += float64(k) / float64(len(counted))
				}
			}
		}
	}
	for o, b := range out {
		for l := range b.share {
			b.share[l] = marked[o][l] / float64(b.chars)
		}
	}
	return out
}

type outletScoresResponse struct {
	Items             []map[string]any `json:"items"`
	NextCursor        string           `json:"next_cursor"`
	Methodology       string           `json:"methodology"`
	ExcludedReviewers []int64          `json:"excluded_reviewers"`
	DataVersion       string           `json:"data_version"`
}

func num(t *testing.T, row map[string]any, key string) float64 {
	t.Helper()
	v, ok := row[key].(float64)
	if !ok {
		t.Fatalf("row %v: %s is %T %v, want a number", row["outlet_id"], key, row[key], row[key])
	}
	return v
}

// checkAgainstBrute compares the scores route with the brute-force recomputation.
func checkAgainstBrute(t *testing.T, got []map[string]any, want map[int64]*bruteOutlet) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d outlet rows, brute force has %d outlets", len(got), len(want))
	}
	for _, row := range got {
		id := int64(num(t, row, "outlet_id"))
		b := want[id]
		if b == nil {
			t.Fatalf("outlet %d is scored but credited with nothing by brute force", id)
		}
		if int(num(t, row, "articles")) != b.articles || int(num(t, row, "scored_chars")) != b.chars {
			t.Errorf("outlet %d: articles %v scored_chars %v, brute force %d and %d", id, row["articles"], row["scored_chars"], b.articles, b.chars)
		}
		for l, label := range score.AllLabels {
			if g := num(t, row, string(label)+"_share"); math.Abs(g-b.share[l]) > 1e-9 {
				t.Errorf("outlet %d %s_share = %.12f, brute force %.12f", id, label, g, b.share[l])
			}
		}
	}
}

// TestOutletSharesMatchExport recomputes the outlet shares from the JSONL export by brute
// force and compares them with the scores route, with and without an excluded reviewer.
func TestOutletSharesMatchExport(t *testing.T) {
	e := newEnv(t)
	c := newCorpus(t, e, 12, 1)
	rows := parseJSONL(t, e.must("researcher", "GET", "/api/v1/exports/annotations", nil, 200, nil).Body)
	if len(rows) == 0 {
		t.Fatal("empty export")
	}
	byID := map[int64]fixtureArticle{}
	for _, a := range c.articles {
		byID[a.id] = a
	}
	for _, r := range rows {
		a := byID[r.ArticleID]
		if r.ReviewerCompleted != a.completed[r.UserID] {
			t.Errorf("annotation %d: reviewer_completed %v, but the reviewer completed: %v", r.ID, r.ReviewerCompleted, a.completed[r.UserID])
		}
		if r.OutletID != a.outlet {
			t.Errorf("annotation %d: outlet_id %d, want the publisher %d", r.ID, r.OutletID, a.outlet)
		}
		// Every credit piece agrees with brute-force crediting, and they tile the passage.
		own := owners(a)
		at := r.Start
		for _, p := range r.Credits {
			if p.Start != at {
				t.Fatalf("annotation %d: credits do not tile [%d,%d): %+v", r.ID, r.Start, r.End, r.Credits)
			}
			at = p.End
			for ch := p.Start; ch < p.End; ch++ {
				want := own[ch]
				switch {
				case want > 0 && (p.OutletID == nil || *p.OutletID != want):
					t.Fatalf("annotation %d: char %d credited %v, brute force %d", r.ID, ch, p.OutletID, want)
				case want == 0 && p.Excluded != "unattributed_quote", want == -1 && p.Excluded != "comments":
					t.Fatalf("annotation %d: char %d piece %+v, brute force owner %d", r.ID, ch, p, want)
				}
			}
		}
		if at != r.End {
			t.Fatalf("annotation %d: credits end at %d, not %d", r.ID, at, r.End)
		}
	}

	var got outletScoresResponse
	e.must("researcher", "GET", "/api/v1/scores/outlets", nil, 200, &got)
	checkAgainstBrute(t, got.Items, bruteShares(c, rows, nil))
	if got.Methodology != score.MethodologyVersion || len(got.ExcludedReviewers) != 0 {
		t.Errorf("methodology %q excluded %v", got.Methodology, got.ExcludedReviewers)
	}

	ex := e.ids["reviewer2"]
	e.must("admin", "GET", "/api/v1/scores/outlets?exclude_reviewers="+itoa(ex), nil, 200, &got)
	checkAgainstBrute(t, got.Items, bruteShares(c, rows, map[int64]bool{ex: true}))
	if !slices.Equal(got.ExcludedReviewers, []int64{ex}) {
		t.Errorf("excluded_reviewers = %v, want [%d]", got.ExcludedReviewers, ex)
	}
}

// fixtureScoreArticles gives the corpus as the score package's input, from what the test knows.
func fixtureScoreArticles(t *testing.T, c *corpus) []score.Article {
	t.Helper()
	rows := parseJSONL(t, c.e.must("admin", "GET", "/api/v1/exports/annotations", nil, 200, nil).Body)
	var out []score.Article
	for _, a := range c.articles {
		sa := score.Article{ID: a.id, OutletID: a.outlet, Length: a.length}
		for id := range a.completed {
			sa.Reviewers = append(sa.Reviewers, id)
		}
		for _, g := range a.regions {
			sa.Regions = append(sa.Regions, score.Region{Kind: score.RegionKind(g.kind), Start: g.start, End: g.end, OriginOutletID: g.origin})
		}
		for _, r := range rows {
			if r.ArticleID == a.id {
				sa.Annotations = append(sa.Annotations, score.Annotation{ReviewerID: r.UserID, Label: score.Label(r.Label), Start: r.Start, End: r.End})
			}
		}
		out = append(out, sa)
	}
	return out
}

// TestScoreRoutes checks every score route's rows against the score package over the same
// data, the CSV forms, the filters, and the errors.
func TestScoreRoutes(t *testing.T) {
	e := newEnv(t)
	c := newCorpus(t, e, 10, 2)
	input := fixtureScoreArticles(t, c)

	t.Run("OutletsJSON", func(t *testing.T) {
		var got struct {
			Items []score.OutletRow `json:"items"`
		}
		r := e.must("researcher", "GET", "/api/v1/scores/outlets", nil, 200, &got)
		want := score.OutletScores(input, score.Options{})
		if len(got.Items) != len(want) {
			t.Fatalf("%d rows, want %d", len(got.Items), len(want))
		}
		for i := range want {
			want[i].Outlet = fmt.Sprintf("Outlet %c", 'A'+int(want[i].OutletID-c.outlets[0]))
			if !slices.Equal(got.Items[i].Record(), want[i].Record()) {
				t.Errorf("row %d:\n got %v\nwant %v", i, got.Items[i].Record(), want[i].Record())
			}
		}
		var raw struct{ Items []map[string]any }
		r.json(t, &raw)
		for _, k := range []string{"outlet_id", "outlet", "articles", "reviewers", "scored_chars", "sourced_fact_share", "sourced_fact_ci_low",
			"sourced_fact_ci_high", "speculation_share", "opinion_ci_low", "loaded_language_ci_high", "agreement_alpha", "credibility",
			"credibility_ci_low", "credibility_ci_high", "low_sample"} {
			if _, ok := raw.Items[0][k]; !ok {
				t.Errorf("outlet row lacks %q", k)
			}
		}
	})

	t.Run("OutletsCSV", func(t *testing.T) {
		r := e.must("researcher", "GET", "/api/v1/scores/outlets?format=csv", nil, 200, nil)
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("Content-Type %q", ct)
		}
		recs, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(recs[0], score.OutletColumns()) {
			t.Errorf("header %v", recs[0])
		}
		want := score.OutletScores(input, score.Options{})
		if len(recs) != len(want)+1 {
			t.Fatalf("%d records, want %d rows and a header", len(recs), len(want))
		}
		for i := range want {
			want[i].Outlet = recs[i+1][1]
			if !slices.Equal(recs[i+1], want[i].Record()) {
				t.Errorf("csv row %d: %v, want %v", i, recs[i+1], want[i].Record())
			}
		}
	})

	t.Run("Filters", func(t *testing.T) {
		var got struct {
			Items   []score.OutletRow `json:"items"`
			Filters map[string]any    `json:"filters"`
		}
		e.must("researcher", "GET", "/api/v1/scores/outlets?outlet_id="+itoa(c.outlets[1]), nil, 200, &got)
		if len(got.Items) != 1 || got.Items[0].OutletID != c.outlets[1] {
			t.Errorf("outlet filter: %+v", got.Items)
		}
		// Only February and March: the score package over those articles alone.
		var sub []score.Article
		for i, a := range c.articles {
			if m := a.published.Month(); m == time.February || m == time.March {
				sub = append(sub, input[i])
			}
		}
		e.must("researcher", "GET", "/api/v1/scores/outlets?from=2024-02-01&to=2024-03-31", nil, 200, &got)
		want := score.OutletScores(sub, score.Options{})
		if len(got.Items) != len(want) {
			t.Fatalf("date filter: %d rows, want %d", len(got.Items), len(want))
		}
		for i := range want {
			want[i].Outlet = got.Items[i].Outlet
			if !slices.Equal(got.Items[i].Record(), want[i].Record()) {
				t.Errorf("date filter row %d:\n got %v\nwant %v", i, got.Items[i].Record(), want[i].Record())
			}
		}
		// min_articles moves the low-sample flag; hide_low_sample drops flagged rows.
		e.must("researcher", "GET", "/api/v1/scores/outlets?min_articles=1", nil, 200, &got)
		for _, r := range got.Items {
			if r.LowSample {
				t.Errorf("min_articles=1: outlet %d flagged with %d articles", r.OutletID, r.Articles)
			}
		}
		e.must("researcher", "GET", "/api/v1/scores/outlets?min_articles=1000&hide_low_sample=true", nil, 200, &got)
		if len(got.Items) != 0 {
			t.Errorf("hide_low_sample with min_articles=1000 left %d rows", len(got.Items))
		}
		// by=month: one row per outlet and month, equal to the score package over that month.
		var months struct {
			Items []struct {
				Period string `json:"period"`
				score.OutletRow
			} `json:"items"`
		}
		e.must("researcher", "GET", "/api/v1/scores/outlets?by=month&outlet_id="+itoa(c.outlets[0]), nil, 200, &months)
		if len(months.Items) == 0 {
			t.Fatal("by=month: no rows")
		}
		for _, m := range months.Items {
			var in []score.Article
			for i, a := range c.articles {
				if a.published.Format("2006-01") == m.Period {
					in = append(in, input[i])
				}
			}
			row, ok := score.RollUpOutlet(c.outlets[0], score.ScoreArticles(in, nil), score.Options{})
			row.Outlet, row.LowSample = m.Outlet, m.LowSample
			if !ok || !slices.Equal(row.Record(), m.Record()) {
				t.Errorf("month %s:\n got %v\nwant %v", m.Period, m.Record(), row.Record())
			}
		}
	})

	t.Run("Articles", func(t *testing.T) {
		want := score.ArticleScores(input, score.Options{})
		var all []score.ArticleRow
		cursor := ""
		for range 100 {
			var page struct {
				Items      []score.ArticleRow `json:"items"`
				NextCursor string             `json:"next_cursor"`
			}
			e.must("researcher", "GET", "/api/v1/scores/articles?limit=3&cursor="+cursor, nil, 200, &page)
			all = append(all, page.Items...)
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		if len(all) != len(want) {
			t.Fatalf("%d article rows over the pages, want %d", len(all), len(want))
		}
		for i := range want {
			want[i].Outlet = all[i].Outlet
			if !slices.Equal(all[i].Record(), want[i].Record()) {
				t.Errorf("article row %d:\n got %v\nwant %v", i, all[i].Record(), want[i].Record())
			}
		}
		r := e.must("admin", "GET", "/api/v1/scores/articles?format=csv", nil, 200, nil)
		recs, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
		if err != nil || !slices.Equal(recs[0], score.ArticleColumns()) || len(recs) != len(want)+1 {
			t.Errorf("article csv: %v, %d records, header %v", err, len(recs), recs[0])
		}
	})

	t.Run("ReviewersAndAgreement", func(t *testing.T) {
		var rev struct {
			Items []score.ReviewerRow `json:"items"`
		}
		e.must("researcher", "GET", "/api/v1/scores/reviewers", nil, 200, &rev)
		want := score.ReviewerAgreement(input, score.Options{})
		if len(rev.Items) != len(want) {
			t.Fatalf("%d reviewer rows, want %d", len(rev.Items), len(want))
		}
		for i := range want {
			want[i].Reviewer = rev.Items[i].Reviewer
			g, _ := json.Marshal(rev.Items[i])
			w, _ := json.Marshal(want[i])
			if !bytes.Equal(g, w) {
				t.Errorf("reviewer row %d:\n got %s\nwant %s", i, g, w)
			}
			if rev.Items[i].Reviewer == "" {
				t.Errorf("reviewer %d has no name", rev.Items[i].ReviewerID)
			}
			if rev.Items[i].ReviewerID == e.ids["admin"] {
				t.Error("admin never completed a review and must not be compared")
			}
		}
		var agr struct {
			Alpha score.NullFloat                 `json:"agreement_alpha"`
			Label score.PerLabel[score.NullFloat] `json:"label_alpha"`
		}
		e.must("researcher", "GET", "/api/v1/scores/agreement", nil, 200, &agr)
		wa := score.CorpusAgreement(score.ScoreArticles(input, nil))
		if agr.Alpha != wa.Alpha || agr.Label != wa.Labels || !agr.Alpha.Valid {
			t.Errorf("agreement %+v %+v, want %+v", agr.Alpha, agr.Label, wa)
		}
	})

	t.Run("Errors", func(t *testing.T) {
		for _, path := range []string{
			"/api/v1/scores/outlets?format=xml",
			"/api/v1/scores/outlets?exclude_reviewers=abc",
			"/api/v1/scores/outlets?exclude_reviewers=1,-2",
			"/api/v1/scores/outlets?outlet_id=0",
			"/api/v1/scores/outlets?from=yesterday",
			"/api/v1/scores/outlets?from=2024-05-01&to=2024-01-01",
			"/api/v1/scores/outlets?min_articles=0",
			"/api/v1/scores/outlets?min_articles=many",
			"/api/v1/scores/outlets?hide_low_sample=perhaps",
			"/api/v1/scores/outlets?by=week",
			"/api/v1/scores/articles?limit=0",
			"/api/v1/scores/articles?cursor=nonsense",
			"/api/v1/scores/reviewers?format=pdf",
			"/api/v1/scores/agreement?format=csv",
			"/api/v1/exports/annotations?format=xml",
			"/api/v1/exports/annotations?user_id=x",
			"/api/v1/exports/annotations?to=31/12/2024",
		} {
			r := e.do("researcher", "GET", path, nil)
			if r.Status != 400 || r.errCode() == "" {
				t.Errorf("%s: %d %s, want 400 in the error envelope", path, r.Status, r.Body)
			}
		}
		// API.md "Labels": any other value is 422, in a query as in a body.
		if r := e.do("researcher", "GET", "/api/v1/exports/annotations?label=rumour", nil); r.Status != 422 || r.errCode() != "invalid_label" {
			t.Errorf("label=rumour: %d %s, want 422 invalid_label", r.Status, r.Body)
		}
		for _, path := range []string{"/api/v1/scores/outlets", "/api/v1/scores/articles", "/api/v1/scores/reviewers",
			"/api/v1/scores/agreement", "/api/v1/exports/annotations", "/api/v1/exports/datapackage.json"} {
			if r := e.do("reviewer", "GET", path, nil); r.Status != 403 || r.errCode() != "forbidden" {
				t.Errorf("%s as reviewer: %d %s, want 403", path, r.Status, r.Body)
			}
			if r := e.do("", "GET", path, nil); r.Status != 401 {
				t.Errorf("%s anonymous: %d, want 401", path, r.Status)
			}
		}
	})
}

// TestScoresFresh: one new annotation on a completed review changes the scores at once, on
// this server and on a second one sharing the database; an outlet merge re-credits quotes.
func TestScoresFresh(t *testing.T) {
	e := newEnv(t)
	c := newCorpus(t, e, 6, 3)
	var before, again, after outletScoresResponse
	e.must("researcher", "GET", "/api/v1/scores/outlets", nil, 200, &before)
	e.must("researcher", "GET", "/api/v1/scores/outlets", nil, 200, &again)
	if again.DataVersion != before.DataVersion {
		t.Errorf("data_version moved without a change: %s → %s", before.DataVersion, again.DataVersion)
	}

	// A reviewer who completed article 0 tags its whole first part as loaded language.
	a := c.articles[0]
	who := completerOf(t, e, a)
	// A finished review takes no changes until it is reopened: reopen, tag, finish again.
	e.must(who, "DELETE", "/api/v1/articles/"+itoa(a.id)+"/complete", nil, 200, nil)
	e.must(who, "POST", "/api/v1/articles/"+itoa(a.id)+"/annotations", map[string]any{"label": "loaded_language", "start": 0, "end": a.length / 2}, 201, nil)
	e.must(who, "POST", "/api/v1/articles/"+itoa(a.id)+"/complete", nil, 200, nil)
	e.must("researcher", "GET", "/api/v1/scores/outlets", nil, 200, &after)
	if after.DataVersion == before.DataVersion {
		t.Error("data_version did not move after a new annotation")
	}
	rows := parseJSONL(t, e.must("researcher", "GET", "/api/v1/exports/annotations", nil, 200, nil).Body)
	checkAgainstBrute(t, after.Items, bruteShares(c, rows, nil))
	share := func(items []map[string]any) float64 {
		for _, r := range items {
			if int64(num(t, r, "outlet_id")) == a.outlet {
				return num(t, r, "loaded_language_share")
			}
		}
		t.Fatal("publisher of article 0 not scored")
		return 0
	}
	if share(after.Items) <= share(before.Items) {
		t.Errorf("loaded_language_share of outlet %d did not grow: %v → %v", a.outlet, share(before.Items), share(after.Items))
	}

	// A second server on the same database (another replica) answers the same, from the
	// shared per-article cache.
	srv2 := api.New(testConfig(), e.store, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	ts2 := httptest.NewServer(srv2.Handler())
	defer ts2.Close()
	req := newRequest(t, "GET", ts2.URL+"/api/v1/scores/outlets", nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens["researcher"])
	var other outletScoresResponse
	send(t, ts2.Client(), req).json(t, &other)
	g, _ := json.Marshal(other.Items)
	w, _ := json.Marshal(after.Items)
	if !bytes.Equal(g, w) {
		t.Errorf("second replica differs:\n%s\n%s", g, w)
	}
	sql, err := e.store.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	var cached int
	if err := sql.QueryRowContext(context.Background(), `SELECT count(*) FROM article_score_cache c JOIN articles a
		ON a.id = c.article_id AND a.data_version = c.data_version`).Scan(&cached); err != nil {
		t.Fatal(err)
	}
	if cached == 0 {
		t.Error("no current per-article result in article_score_cache")
	}

	// Merging an origin outlet into another moves its quote credits without touching the
	// articles' annotations: the scores must follow.
	from, into := c.outlets[1], c.outlets[2]
	e.must("admin", "POST", "/api/v1/outlets/"+itoa(from)+"/merge", map[string]any{"into_id": into}, 200, nil)
	for i := range c.articles {
		fa := &c.articles[i]
		if fa.outlet == from {
			fa.outlet = into
		}
		for k := range fa.regions {
			if fa.regions[k].origin == from {
				fa.regions[k].origin = into
			}
		}
	}
	var merged outletScoresResponse
	e.must("researcher", "GET", "/api/v1/scores/outlets", nil, 200, &merged)
	checkAgainstBrute(t, merged.Items, bruteShares(c, rows, nil))
}

// BenchmarkOutletScoresAfterAnnotation: each iteration adds one annotation through the API to
// an article the reviewer completed (reopen, annotate, complete again; not timed), then times
// GET /api/v1/scores/outlets.
// Reported: p50/p95 latency of that request, and the cold first request.
func BenchmarkOutletScoresAfterAnnotation(b *testing.B) {
	e := benchEnv(b)
	_, sample := benchCorpus(b, e)
	start := time.Now()
	e.mustB(b, "GET", "/api/v1/scores/outlets")
	cold := time.Since(start)
	var took []time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		// The reviewer reopens the finished review, annotates and finishes again: a completed
		// review is frozen, and only a completed review's work is scored.
		art := e.ts.URL + "/api/v1/articles/" + itoa(sample)
		for _, step := range []struct {
			method, url string
			body        any
			want        int
		}{
			{"DELETE", art + "/complete", nil, 200},
			{"POST", art + "/annotations", map[string]any{"label": "opinion", "start": i % 900, "end": i%900 + 40}, 201},
			{"POST", art + "/complete", nil, 200},
		} {
			req := newRequest(e.t, step.method, step.url, step.body)
			req.Header.Set("Authorization", "Bearer "+e.tokens["reviewer"])
			if r := send(e.t, http.DefaultClient, req); r.Status != step.want {
				b.Fatalf("%s %s: %d %s", step.method, step.url, r.Status, r.Body)
			}
		}
		b.StartTimer()
		t0 := time.Now()
		e.mustB(b, "GET", "/api/v1/scores/outlets")
		took = append(took, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(cold.Milliseconds()), "cold-ms") // after ResetTimer, which drops metrics
}

func (e *env) mustB(b *testing.B, method, path string) {
	b.Helper()
	req := newRequest(e.t, method, e.ts.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens["researcher"])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	if _, err := io.Copy(io.Discard, res.Body); err != nil || res.StatusCode != 200 {
		b.Fatalf("%s %s: %d %v", method, path, res.StatusCode, err)
	}
}
