package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/credence-project/credence/annotate/score"
	"github.com/credence-project/credence/api"
	"github.com/credence-project/credence/app/scoring"
	"github.com/credence-project/credence/models"
)

// scoreCase is one outlet scores query: its URL query and the scoring question it stands for.
type scoreCase struct {
	name, query string
	q           scoring.Query
}

// encodedCases are queries over every part of the held rows: the default, low_sample marked
// and hidden, a selection, other exclusion lists, layers and arms, and a date range.
func encodedCases(e *env, c *corpus) []scoreCase {
	def := scoring.Query{MinArticles: score.DefaultMinArticles}
	with := func(f func(*scoring.Query)) scoring.Query { q := def; f(&q); return q }
	return []scoreCase{
		{"default", "", def},
		{"min_articles", "?min_articles=2", with(func(q *scoring.Query) { q.MinArticles = 2 })},
		{"hide_low", "?min_articles=2&hide_low_sample=true", with(func(q *scoring.Query) { q.MinArticles, q.HideLow = 2, true })},
		{"outlet_id", "?outlet_id=" + itoa(c.outlets[0]) + "," + itoa(c.outlets[2]),
			with(func(q *scoring.Query) { q.Outlets = []int64{c.outlets[0], c.outlets[2]} })},
		{"exclude", "?exclude_reviewers=" + itoa(e.ids["reviewer2"]), with(func(q *scoring.Query) { q.Excluded = []int64{e.ids["reviewer2"]} })},
		{"consensus", "?layer=consensus", with(func(q *scoring.Query) { q.Variant.Layer = models.LayerConsensus })},
		{"hidden", "?suggestions=hidden", with(func(q *scoring.Query) { q.Variant.Suggestions = models.ArmHidden })},
		{"dates", "?from=2024-02-01&to=2024-03-31", with(func(q *scoring.Query) {
			q.Dates.From = time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
			q.Dates.To = time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
		})},
	}
}

// checkEncoded asks every case through the long-lived server (whose rows and their encodings
// are held across the changes made so far) and checks the items against json.Marshal of the
// service's rows (a fresh encoding) and against a new server on the same database.
func checkEncoded(t *testing.T, e *env, cases []scoreCase, stage string) {
	t.Helper()
	fresh := httptest.NewServer(api.New(testConfig(), e.store, slog.New(slog.NewTextHandler(io.Discard, nil)), nil).Handler())
	defer fresh.Close()
	for _, tc := range cases {
		var held struct{ Items json.RawMessage }
		e.must("researcher", "GET", "/api/v1/scores/outlets"+tc.query, nil, 200, &held)
		rows, _, err := e.srv.App().Scores.Outlets(context.Background(), tc.q)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(rows)
		if got := string(held.Items); got != string(want) {
			t.Errorf("%s, %s: held rows differ from a fresh encoding:\n%s\n%s", stage, tc.name, got, want)
		}
		req := newRequest(t, "GET", fresh.URL+"/api/v1/scores/outlets"+tc.query, nil)
		req.Header.Set("Authorization", "Bearer "+e.tokens["researcher"])
		var other struct{ Items json.RawMessage }
		send(t, fresh.Client(), req).json(t, &other)
		if string(other.Items) != string(held.Items) {
			t.Errorf("%s, %s: a new replica answers otherwise:\n%s\n%s", stage, tc.name, other.Items, held.Items)
		}
	}
}

// TestOutletRowsEncodedStayFresh: the outlet rows a server holds encoded equal a fresh
// encoding after a change to one outlet's article, a rename and a merge of outlets, for every
// kind of query; a stale encoding (an outlet row or name not re-encoded) would differ.
func TestOutletRowsEncodedStayFresh(t *testing.T) {
	e := newEnv(t)
	c := newCorpus(t, e, 9, 5)
	cases := encodedCases(e, c)
	checkEncoded(t, e, cases, "start")

	a := c.articles[0]
	who := completerOf(t, e, a)
	def := cases[0].q
	before, _, err := e.srv.App().Scores.Outlets(context.Background(), def)
	if err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/articles/" + itoa(a.id)
	e.must(who, "DELETE", path+"/complete", nil, 200, nil)
	e.must(who, "POST", path+"/annotations", map[string]any{"label": "opinion", "start": 0, "end": a.length / 2}, 201, nil)
	e.must(who, "POST", path+"/complete", nil, 200, nil)
	checkEncoded(t, e, cases, "after an annotation")
	after, _, err := e.srv.App().Scores.Outlets(context.Background(), def)
	if err != nil {
		t.Fatal(err)
	}
	if mustJSON(before) == mustJSON(after) {
		t.Error("fixture: the annotation changed no outlet row")
	}

	e.must("admin", "PATCH", "/api/v1/outlets/"+itoa(c.outlets[1]), map[string]any{"name": "Outlet <B> & renamed"}, 200, nil)
	checkEncoded(t, e, cases, "after a rename")
	var renamed struct{ Items []map[string]any }
	e.must("researcher", "GET", "/api/v1/scores/outlets", nil, 200, &renamed)
	named := false
	for _, r := range renamed.Items {
		if int64(num(t, r, "outlet_id")) == c.outlets[1] {
			named = r["outlet"] == "Outlet <B> & renamed"
		}
	}
	if !named {
		t.Errorf("the renamed outlet's row keeps its old name: %v", renamed.Items)
	}

	e.must("admin", "POST", "/api/v1/outlets/"+itoa(c.outlets[1])+"/merge", map[string]any{"into_id": c.outlets[2]}, 200, nil)
	checkEncoded(t, e, cases, "after a merge")
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
