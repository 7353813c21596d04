package reprints_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/annotate/reprint"
	"github.com/credence-project/credence/annotate/reprint/synth"
	"github.com/credence-project/credence/app/reprints"
	"github.com/credence-project/credence/models"
	"github.com/credence-project/credence/models/modeltest"
)

// TestBulkFillEqualsInMemoryIndex: the bulk fill of an empty shared index (PostgreSQL: its
// indexes dropped, the keys appended, the indexes built again) yields for every article the
// in-memory index's candidates, leaves the table's indexes as the migration made them and
// nothing for the backfill to do; on an index holding keys it does nothing. SQLite has no
// bulk fill.
func TestBulkFillEqualsInMemoryIndex(t *testing.T) {
	cfg := synth.Default()
	cfg.Articles, cfg.Words, cfg.Outlets, cfg.Vocabulary = 120, 300, 6, 3000
	c := synth.Generate(cfg)
	s := modeltest.Open(t)
	ctx := context.Background()
	stored := storeCorpus(t, s, c)
	m := reprint.NewMatcher(reprint.DefaultConfig())
	fill := func(put func([]models.ReprintKeys) (int, error)) error {
		var batch []models.ReprintKeys
		err := s.ArticlesToReprintIndex(ctx, func(a models.Article) error {
			batch = append(batch, models.ReprintKeys{ArticleID: a.ID, TextSHA256: a.TextSHA256, Keys: m.Keys(a.Text)})
			if len(batch) == 50 {
				_, err := put(batch)
				batch = nil
				return err
			}
			return nil
		})
		if err == nil {
			_, err = put(batch)
		}
		return err
	}
	filled, err := s.BulkFillReprintIndex(ctx, 1, fill)
	if err != nil {
		t.Fatalf("bulk fill: %v", err)
	}
	if s.Dialect() != "postgres" {
		if filled {
			t.Fatal("SQLite reported a bulk fill")
		}
		return
	}
	if !filled {
		t.Fatal("the empty index of a corpus was not filled")
	}
	db, err := s.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	var defs []string
	rows, err := db.Query("SELECT indexdef FROM pg_indexes WHERE tablename = 'reprint_bands' ORDER BY indexname")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			t.Fatal(err)
		}
		defs = append(defs, d)
	}
	rows.Close()
	// The primary key only: migration 00015 dropped the index by article.
	want := []string{"CREATE UNIQUE INDEX reprint_bands_pkey ON public.reprint_bands USING btree (band_hash, article_id)"}
	if !slices.Equal(defs, want) {
		t.Fatalf("indexes after the bulk fill:\n%v\nwant\n%v", defs, want)
	}
	ix := reprint.NewIndex(reprint.DefaultConfig())
	for _, a := range stored {
		ix.Add(a)
	}
	withCands := 0
	for _, a := range stored {
		got, err := s.ReprintCandidates(ctx, a.ID, m.Keys(a.Text), m.Config().MinKeyHits, m.Config().MaxBucket)
		if err != nil {
			t.Fatal(err)
		}
		if want := ix.Candidates(a); !slices.Equal(got, want) {
			t.Fatalf("article %d: candidates after the bulk fill %v, in memory %v", a.ID, got, want)
		}
		if len(got) > 0 {
			withCands++
		}
	}
	if withCands < len(c.Plants) {
		t.Fatalf("only %d articles with candidates for %d planted reprints", withCands, len(c.Plants))
	}
	n := 0
	if err := s.ArticlesToReprintIndex(ctx, func(models.Article) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d articles left for the backfill after the bulk fill", n)
	}
	again, err := s.BulkFillReprintIndex(ctx, 1, func(func([]models.ReprintKeys) (int, error)) error {
		t.Fatal("a second bulk fill ran over a full index")
		return nil
	})
	if err != nil || again {
		t.Fatalf("second bulk fill: %v, %v", again, err)
	}
}

// TestDeletedArticleLeavesNoKeys: an article deleted (the duplicate an outlet merge folds
// away) takes its keys out of the shared index with it, though no foreign key ties them to it
// (migration 00014): the look-up finds only the article that stays.
func TestDeletedArticleLeavesNoKeys(t *testing.T) {
	s := modeltest.Open(t)
	ctx := context.Background()
	cfg := synth.Default()
	cfg.Articles, cfg.Words = 1, 200
	text := synth.Generate(cfg).Articles[0].Text
	var ids []int64
	var outlets []int64
	for i := range 2 {
		o := &models.Outlet{Name: fmt.Sprintf("Outlet %d", i)}
		if err := s.CreateOutlet(ctx, 0, o); err != nil {
			t.Fatal(err)
		}
		a := &models.Article{OutletID: o.ID, Title: "t", Text: text, TextSHA256: annotate.TextSHA256(text),
			TextLength: annotate.CodePoints(text), CreatedAt: time.Now().UTC()}
		if err := s.CreateArticle(ctx, 0, a); err != nil {
			t.Fatal(err)
		}
		ids, outlets = append(ids, a.ID), append(outlets, o.ID)
	}
	svc := reprints.New(s, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := svc.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	keys := reprint.NewMatcher(reprint.DefaultConfig()).Keys(text)
	holders := func() []int64 {
		p, err := s.ReprintPostings(ctx, keys, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, hs := range p {
			out = append(out, hs...)
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	if got := holders(); !slices.Equal(got, ids) {
		t.Fatalf("holders of the keys before the merge: %v, want %v", got, ids)
	}
	if _, _, err := s.MergeOutlets(ctx, 0, outlets[0], outlets[1]); err != nil {
		t.Fatal(err)
	}
	if got := holders(); !slices.Equal(got, ids[1:]) {
		t.Fatalf("holders of the keys after article %d was folded away: %v, want %v", ids[0], got, ids[1:])
	}
}
