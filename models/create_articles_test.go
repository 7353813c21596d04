package models_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/credence-project/credence/models"
	"github.com/credence-project/credence/models/modeltest"
)

// TestCreateArticlesStoresKeysInTheirTransaction: a batch of new articles is stored with its
// audit rows and reprint keys in one transaction. Keys that cannot be stored (the same key
// twice) leave no article behind; stored ones are in the shared index at once, with nothing
// left for the backfill.
func TestCreateArticlesStoresKeysInTheirTransaction(t *testing.T) {
	ctx := context.Background()
	s, mk := keyedStore(t)
	if err := s.CreateArticles(ctx, 0, []models.NewArticle{mk(1, 11, 12), mk(2, 21, 21)}, true); err == nil {
		t.Fatal("a batch whose keys cannot be stored was stored")
	}
	as, _, err := s.ListArticles(ctx, models.ArticleFilter{Page: models.Page{Limit: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 0 {
		t.Fatalf("%d articles stored by a batch whose keys failed", len(as))
	}
	audit, _, err := s.ListAudit(ctx, models.AuditFilter{Entity: "article", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(audit) != 0 {
		t.Fatalf("%d audit rows of a batch that was not stored", len(audit))
	}
	batch := []models.NewArticle{mk(1, 11, 12), mk(2, 12, 21), mk(3)}
	if err := s.CreateArticles(ctx, 0, batch, true); err != nil {
		t.Fatal(err)
	}
	p, err := s.ReprintPostings(ctx, []uint64{11, 12, 21}, 10)
	if err != nil {
		t.Fatal(err)
	}
	a1, a2 := batch[0].Article.ID, batch[1].Article.ID
	if fmt.Sprint(p[11], p[12], p[21]) != fmt.Sprint([]int64{a1}, []int64{a1, a2}, []int64{a2}) {
		t.Fatalf("postings %v after storing articles %d and %d", p, a1, a2)
	}
	n := 0
	if err := s.ArticlesToReprintIndex(ctx, func(models.Article) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d new articles left for the backfill (article 3 has no keys, and is indexed so)", n)
	}
	if audit, _, err = s.ListAudit(ctx, models.AuditFilter{Entity: "article", Limit: 10}); err != nil || len(audit) != 3 {
		t.Fatalf("%d audit rows for 3 new articles (%v)", len(audit), err)
	}
}

// keyedStore opens a store with one outlet and returns a maker of that outlet's article i,
// with its own text, to store with the given reprint keys (models.NewArticle.Keys).
func keyedStore(t *testing.T) (*models.Store, func(i int, keys ...uint64) models.NewArticle) {
	t.Helper()
	s := modeltest.Open(t)
	o := &models.Outlet{Name: "Outlet"}
	if err := s.CreateOutlet(context.Background(), 0, o); err != nil {
		t.Fatal(err)
	}
	return s, func(i int, keys ...uint64) models.NewArticle {
		text := fmt.Sprintf("text %d", i)
		return models.NewArticle{Article: &models.Article{OutletID: o.ID, Title: "t", Text: text, TextSHA256: fmt.Sprintf("%064d", i),
			TextLength: len(text), CreatedAt: time.Now().UTC()}, Keys: keys}
	}
}

// TestBatchKeysStoredAsSingleWrites: the keys of a batch of new articles (written by COPY on
// PostgreSQL) are stored bit for bit as those of one article's write (PutReprintKeys, an
// INSERT), the extremes of the signed column included, and found by the look-up.
func TestBatchKeysStoredAsSingleWrites(t *testing.T) {
	ctx := context.Background()
	s, mk := keyedStore(t)
	keys := []uint64{0, 1, 1<<63 - 1, 1 << 63, 1<<63 + 1, 1<<64 - 1, 0xd6e8feb86659fd93}
	batch := []models.NewArticle{mk(1, keys...), mk(2), mk(3, keys[2:4]...)}
	if err := s.CreateArticles(ctx, 0, batch, true); err != nil {
		t.Fatal(err)
	}
	single := mk(4)
	if err := s.CreateArticles(ctx, 0, []models.NewArticle{single}, false); err != nil {
		t.Fatal(err)
	}
	if err := s.PutReprintKeys(ctx, single.Article.ID, single.Article.TextSHA256, keys); err != nil {
		t.Fatal(err)
	}
	p, err := s.ReprintPostings(ctx, keys, 10)
	if err != nil {
		t.Fatal(err)
	}
	a1, a3, a4 := batch[0].Article.ID, batch[2].Article.ID, single.Article.ID
	for i, k := range keys {
		want := []int64{a1, a4}
		if i == 2 || i == 3 {
			want = []int64{a1, a3, a4}
		}
		if got := fmt.Sprint(p[k]); got != fmt.Sprint(want) {
			t.Errorf("key %#x held by %s, want %v", k, got, want)
		}
	}
}
