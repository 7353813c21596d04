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
	s, mk := keyedStore(t)
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
		of, err := s.ReprintPostingsOf(ctx, keys, maxBucket, stored, nil)
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
		// Hiding an article looks up as if it were not stored, boilerplate counts included.
		hid, err := s.ReprintPostingsOf(ctx, keys, maxBucket, stored[:1], func() []int64 { return []int64{a3} })
		if err != nil {
			t.Fatal(err)
		}
		wh := map[uint64][]int64{}
		for k, ids := range want {
			ids = slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return id == a3 })
			if len(ids) > 0 && len(ids) <= maxBucket {
				wh[k] = ids
			}
		}
		if show(hid) != show(wh) {
			t.Fatalf("MaxBucket %d, article %d hidden: ReprintPostingsOf %s, want %s", maxBucket, a3, show(hid), show(wh))
		}
	}
}

// TestReviseArticleRewritesKeysInItsTransaction: a revision given its new text's keys
// replaces the article's keys in the shared index in its own transaction, with nothing left
// for the backfill; a revision refused (a text another article of the outlet has) leaves the
// old keys; one given no keys leaves the index alone, for the backfill to find.
func TestReviseArticleRewritesKeysInItsTransaction(t *testing.T) {
	ctx := context.Background()
	s := modeltest.Open(t)
	o := &models.Outlet{Name: "Outlet"}
	if err := s.CreateOutlet(ctx, 0, o); err != nil {
		t.Fatal(err)
	}
	sha := func(i int) string { return fmt.Sprintf("%064d", i) }
	mk := func(i int, keys ...uint64) models.NewArticle {
		text := fmt.Sprintf("text %d", i)
		return models.NewArticle{Article: &models.Article{OutletID: o.ID, Title: "t", Text: text, TextSHA256: sha(i),
			TextLength: len(text), CreatedAt: time.Now().UTC()}, Keys: keys}
	}
	batch := []models.NewArticle{mk(1, 1, 2), mk(2, 2, 3)}
	if err := s.CreateArticles(ctx, 0, batch, true); err != nil {
		t.Fatal(err)
	}
	a1, a2 := batch[0].Article.ID, batch[1].Article.ID
	holders := func() string {
		p, err := s.ReprintPostings(ctx, []uint64{1, 2, 3, 4, 5}, 10)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for k := range uint64(6) {
			ids := slices.Clone(p[k])
			slices.Sort(ids)
			if len(ids) > 0 {
				out = append(out, fmt.Sprint(k, ids))
			}
		}
		return fmt.Sprint(out)
	}
	left := func() int {
		n := 0
		if err := s.ArticlesToReprintIndex(ctx, func(models.Article) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	keep := func(string, []models.Annotation, []models.Region) {}
	edit := func(i int, keys []uint64) models.ArticleEdit {
		text := fmt.Sprintf("text %d", i)
		return models.ArticleEdit{Title: "t", Text: text, TextSHA256: sha(i), TextLength: len(text), Keys: keys}
	}
	if _, err := s.ReviseArticle(ctx, 0, a1, edit(2, []uint64{4, 5}), keep); err == nil {
		t.Fatal("a revision to another article's text was stored")
	}
	if got, want := holders(), fmt.Sprint([]string{fmt.Sprint(1, []int64{a1}), fmt.Sprint(2, []int64{a1, a2}), fmt.Sprint(3, []int64{a2})}); got != want {
		t.Fatalf("keys after a refused revision: %s, want %s", got, want)
	}
	if _, err := s.ReviseArticle(ctx, 0, a1, edit(10, []uint64{3, 4}), keep); err != nil {
		t.Fatal(err)
	}
	if got, want := holders(), fmt.Sprint([]string{fmt.Sprint(2, []int64{a2}), fmt.Sprint(3, []int64{a1, a2}), fmt.Sprint(4, []int64{a1})}); got != want {
		t.Fatalf("keys after article %d's revision: %s, want %s", a1, got, want)
	}
	if n := left(); n != 0 {
		t.Fatalf("%d articles left for the backfill after a revision stored its keys", n)
	}
	if _, err := s.ReviseArticle(ctx, 0, a2, edit(11, nil), keep); err != nil {
		t.Fatal(err)
	}
	if n := left(); n != 1 {
		t.Fatalf("%d articles left for the backfill after a revision without keys, want 1", n)
	}
}
