package models_test

import (
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
