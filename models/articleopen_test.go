package models_test

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/credence-project/credence/models"
)

// TestOpenArticleOwnUntilDone: with OwnUntilDone, PostgreSQL's batch reads only the reader's
// own annotations until the reader's review is completed, then everyone's; on SQLite the
// option reads everyone's (Scope narrows there). Without it everyone's are read. The caller's
// scope still decides what is shown; this checks only what is read.
func TestOpenArticleOwnUntilDone(t *testing.T) {
	s, a, _, u, _ := scoreFixture(t)
	annotate(t, s, a.ID, u[0].ID, "opinion", 0, 4)
	annotate(t, s, a.ID, u[1].ID, "speculation", 5, 9)
	owners := func(o models.ArticleOpening) []int64 {
		t.Helper()
		o.Annotations = true
		got, err := s.OpenArticle(ctx, a.ID, u[0].ID, o)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, n := range got.Annotations {
			ids = append(ids, n.UserID)
		}
		return ids
	}
	both := []int64{u[0].ID, u[1].ID}
	own := []int64{u[0].ID}
	if s.Dialect() != "postgres" {
		own = both
	}
	check := func(stage string, got, want []int64) {
		t.Helper()
		if len(got) != len(want) || (len(got) > 0 && (got[0] != want[0] || got[len(got)-1] != want[len(want)-1])) {
			t.Errorf("%s: read the annotations of %v, want %v", stage, got, want)
		}
	}
	check("not done, OwnUntilDone", owners(models.ArticleOpening{OwnUntilDone: true}), own)
	check("not done, without it", owners(models.ArticleOpening{}), both)
	check("not done, one user asked for", owners(models.ArticleOpening{OwnUntilDone: true, AnnotationsOf: u[1].ID}), []int64{u[1].ID})
	if _, err := s.CompleteReview(ctx, a.ID, u[0].ID, true); err != nil {
		t.Fatal(err)
	}
	check("done, OwnUntilDone", owners(models.ArticleOpening{OwnUntilDone: true}), both)
	if _, err := s.CompleteReview(ctx, a.ID, u[1].ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CompleteReview(ctx, a.ID, u[0].ID, false); err != nil {
		t.Fatal(err)
	}
	check("reopened, OwnUntilDone", owners(models.ArticleOpening{OwnUntilDone: true}), own)
}

// TestOwnUntilDoneMatchesTheFilter: the two-branch query OpenArticle sends for a blind reader
// (models.OwnUntilDoneQuery) reads the same rows in the same order as the single query with
// the reader-or-completed condition it replaced (written out here as it was), on the engine
// under test, for a reader with and without annotations, before and after finishing, after a
// reopening, across pages (after, limit) and layers, on an article with other articles'
// annotations beside it.
func TestOwnUntilDoneMatchesTheFilter(t *testing.T) {
	s, a, _, u, o := scoreFixture(t)
	third := mustUser(t, s, "r3@example.org", "reviewer")
	other := mustArticle(t, s, o[0].ID, "https://x.example/2", "Another text that reviewers read and tag.")
	for i, w := range []int64{u[0].ID, u[1].ID, third.ID, u[1].ID, u[0].ID, third.ID, u[1].ID} {
		annotate(t, s, a.ID, w, "opinion", i, i+3)
		annotate(t, s, other.ID, w, "speculation", i, i+2)
	}
	if err := s.CreateAnnotation(ctx, &models.Annotation{ArticleID: a.ID, UserID: u[1].ID, Label: "opinion", Start: 1, End: 5,
		Exact: "x", Status: "anchored", Layer: models.LayerConsensus}); err != nil {
		t.Fatal(err)
	}
	// The query before: everyone's, narrowed by one condition before ORDER BY.
	before := func(f models.AnnotationFilter, reader int64) (string, []any) {
		q, args := models.AnnotationListQuery(f)
		const cond = " AND (annotations.user_id = ? OR EXISTS (SELECT 1 FROM reviews r WHERE r.article_id = ? AND r.user_id = ? AND r.completed_at IS NOT NULL))"
		at := strings.Index(q, " ORDER BY ")
		q = q[:at] + cond + q[at:]
		limit := args[len(args)-1]
		return q, append(append(args[:len(args)-1:len(args)-1], reader, f.ArticleID, reader), limit)
	}
	ids := func(as []models.Annotation) []int64 {
		out := make([]int64, len(as))
		for i := range as {
			out[i] = as[i].ID
		}
		return out
	}
	compare := func(stage string, reader int64, wantOthers bool) {
		t.Helper()
		for _, f := range []models.AnnotationFilter{
			{ArticleID: a.ID, Page: models.Page{Limit: math.MaxInt32}},
			{ArticleID: a.ID, Page: models.Page{Limit: 2}},
			{ArticleID: a.ID, Page: models.Page{Limit: 3, After: 3}},
			{ArticleID: a.ID, Layer: models.LayerConsensus, Page: models.Page{Limit: 10}},
			{ArticleID: other.ID, Page: models.Page{Limit: 100}},
		} {
			q0, a0 := before(f, reader)
			q1, a1 := models.OwnUntilDoneQuery(f, reader)
			old, err := s.QueryAnnotations(ctx, q0, a0...)
			if err != nil {
				t.Fatalf("%s: the query before: %v", stage, err)
			}
			got, err := s.QueryAnnotations(ctx, q1, a1...)
			if err != nil {
				t.Fatalf("%s: the two-branch query: %v", stage, err)
			}
			if !reflect.DeepEqual(got, old) {
				t.Errorf("%s, %+v: read %v, the query before %v", stage, f, ids(got), ids(old))
			}
			others := false
			for _, n := range got {
				others = others || n.UserID != reader
			}
			if f.Layer == "" && f.ArticleID == a.ID && f.Page.Limit > 3 && others != wantOthers {
				t.Errorf("%s, %+v: others' annotations read: %v, want %v", stage, f, others, wantOthers)
			}
		}
	}
	outsider := mustUser(t, s, "r4@example.org", "reviewer") // no annotations, no review
	compare("not done", u[0].ID, false)
	compare("no annotations", outsider.ID, false)
	if _, err := s.CompleteReview(ctx, a.ID, u[0].ID, true); err != nil {
		t.Fatal(err)
	}
	compare("done", u[0].ID, true)
	compare("another reader, not done", u[1].ID, false)
	if _, err := s.CompleteReview(ctx, a.ID, u[0].ID, false); err != nil {
		t.Fatal(err)
	}
	compare("reopened", u[0].ID, false)
}

// TestOwnUntilDoneUsesTheReaderIndex (PostgreSQL): under the generic plan of a prepared
// statement, on a database whose statistics were never gathered (as the load harness's right
// after filling it), the blind reader's branch reads their own annotations by the
// (article_id, user_id) index, not by scanning the article's others' annotations through the
// (layer, article_id) one: EXPLAIN ANALYZE counts the rows filtered away.
func TestOwnUntilDoneUsesTheReaderIndex(t *testing.T) {
	s, a, _, u, _ := scoreFixture(t)
	if s.Dialect() != "postgres" {
		t.Skip("PostgreSQL's plans")
	}
	for i := 0; i < 40; i++ {
		annotate(t, s, a.ID, u[1].ID, "opinion", i%20, i%20+3)
	}
	annotate(t, s, a.ID, u[0].ID, "opinion", 0, 4)
	db, err := s.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	q, args := models.OwnUntilDoneQuery(models.AnnotationFilter{ArticleID: a.ID, Page: models.Page{Limit: math.MaxInt32}}, u[0].ID)
	lits := make([]string, len(args))
	for i, v := range args {
		if str, ok := v.(string); ok {
			lits[i] = "'" + str + "'"
		} else {
			lits[i] = fmt.Sprint(v)
		}
	}
	for _, stmt := range []string{"SET plan_cache_mode = force_generic_plan", "PREPARE own_q AS " + models.Rebind("postgres", q)} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	rows, err := conn.QueryContext(ctx, "EXPLAIN (ANALYZE, COSTS OFF) EXECUTE own_q("+strings.Join(lits, ", ")+")")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	removed := 0
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, line)
		if _, n, ok := strings.Cut(line, "Rows Removed by Filter: "); ok {
			k, _ := strconv.Atoi(strings.TrimSpace(n))
			removed += k
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if removed >= 40 {
		t.Errorf("the blind reader's read filtered away %d rows (the others' 40 annotations):\n%s", removed, strings.Join(plan, "\n"))
	}
}
