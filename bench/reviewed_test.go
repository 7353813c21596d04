package bench

import (
	"context"
	"testing"

	"github.com/credence-project/credence/models/modeltest"
)

// TestReviewedCorpus: with Scale.Reviewed every article has exactly two finished, assigned
// reviews, by the two reviewers ReviewersOf names, and every annotation is one of theirs, so
// that the scores count every article (bench --startup --reviewed measures that).
func TestReviewedCorpus(t *testing.T) {
	ctx := context.Background()
	store := modeltest.Open(t)
	sc := Scale{Outlets: 3, Articles: 1500, Annotations: 6000, Reviewers: 5, Researchers: 1, WordsPer: 60, Reviewed: true}
	c, err := Build(ctx, store, sc, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.ReviewersOf) != len(c.ArticleIDs) {
		t.Fatalf("%d reviewer pairs for %d articles", len(c.ReviewersOf), len(c.ArticleIDs))
	}
	db, err := store.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	var reviews, unfinished, strays int
	if err := db.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE completed_at IS NULL OR NOT assigned) FROM reviews`).
		Scan(&reviews, &unfinished); err != nil {
		t.Fatal(err)
	}
	if reviews != 2*sc.Articles || unfinished != 0 {
		t.Errorf("%d reviews (%d unfinished or unassigned), want %d finished", reviews, unfinished, 2*sc.Articles)
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM annotations n WHERE NOT EXISTS
		(SELECT 1 FROM reviews r WHERE r.article_id = n.article_id AND r.user_id = n.user_id)`).Scan(&strays); err != nil {
		t.Fatal(err)
	}
	if strays != 0 {
		t.Errorf("%d annotations by a reviewer who did not review the article", strays)
	}
	for i, p := range c.ReviewersOf {
		if p[0] == p[1] {
			t.Fatalf("article %d: one reviewer twice", c.ArticleIDs[i])
		}
	}
}
