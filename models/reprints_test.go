package models_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/credence-project/credence/models"
	"github.com/credence-project/credence/models/modeltest"
)

// TestReprintKeysRewrittenAndLookedUp: an article's keys rewritten (a new text) leave none of
// the old ones behind, though PostgreSQL finds them by the keys its mark keeps and not by an
// index by article (migration 00015); ReprintPostingsOf, which takes the holdings of articles
// just stored from memory, gives ReprintPostings' answer for every MaxBucket; and a key once
// found held by too many (the boilerplate cache) is still answered exactly for a larger one.
func TestReprintKeysRewrittenAndLookedUp(t *testing.T) {
	ctx := context.Background()
	s := modeltest.Open(t)
	o := &models.Outlet{Name: "Outlet"}
	if err := s.CreateOutlet(ctx, 0, o); err != nil {
		t.Fatal(err)
	}
	mk := func(i int, keys ...uint64) models.NewArticle {
		text := fmt.Sprintf("text %d", i)
		return models.NewArticle{Article: &models.Article{OutletID: o.ID, Title: "t", Text: text, TextSHA256: fmt.Sprintf("%064d", i),
			TextLength: len(text), CreatedAt: time.Now().UTC()}, Keys: keys}
	}
	batch := []models.NewArticle{mk(1, 1, 2, 3), mk(2, 2, 3, 4), mk(3, 3, 5, 1<<63+9)}
	if err := s.CreateArticles(ctx, 0, batch, true); err != nil {
		t.Fatal(err)
	}
	a1, a2, a3 := batch[0].Article.ID, batch[1].Article.ID, batch[2].Article.ID
	if err := s.PutReprintKeys(ctx, a1, fmt.Sprintf("%064d", 100), []uint64{6, 7, 3}); err != nil {
		t.Fatal(err)
	}
	keys := []uint64{1, 2, 3, 4, 5, 6, 7, 1<<63 + 9}
	want := map[uint64][]int64{2: {a2}, 3: {a1, a2, a3}, 4: {a2}, 5: {a3}, 6: {a1}, 7: {a1}, 1<<63 + 9: {a3}}
	show := func(p map[uint64][]int64) string {
		var out []string
		for _, k := range keys {
			ids := slices.Clone(p[k])
			slices.Sort(ids)
			if len(ids) > 0 {
				out = append(out, fmt.Sprint(k, ids))
			}
		}
		return fmt.Sprint(out)
	}
	got, err := s.ReprintPostings(ctx, keys, 10)
	if err != nil {
		t.Fatal(err)
	}
	if show(got) != show(want) {
		t.Fatalf("postings after article %d's keys were rewritten: %s, want %s", a1, show(got), show(want))
	}
	stored := []models.ReprintKeys{{ArticleID: a2, Keys: []uint64{2, 3, 4}}, {ArticleID: a3, Keys: []uint64{3, 5, 1<<63 + 9}}}
	for _, maxBucket := range []int{1, 2, 3, 10, 2} {
		plain, err := s.ReprintPostings(ctx, keys, maxBucket)
		if err != nil {
			t.Fatal(err)
		}
		of, err := s.ReprintPostingsOf(ctx, keys, maxBucket, stored)
		if err != nil {
			t.Fatal(err)
		}
		w := map[uint64][]int64{}
		for k, ids := range want {
			if len(ids) <= maxBucket {
				w[k] = ids
			}
		}
		if show(plain) != show(w) || show(of) != show(w) {
			t.Fatalf("MaxBucket %d: ReprintPostings %s, ReprintPostingsOf %s, want %s", maxBucket, show(plain), show(of), show(w))
		}
	}
}
