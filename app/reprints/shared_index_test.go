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

// storeCorpus stores a synthetic corpus (one outlet per synthetic outlet) and returns the
// stored articles, in corpus order, with their store ids.
func storeCorpus(t *testing.T, s *models.Store, c synth.Corpus) []reprint.Article {
	t.Helper()
	ctx := context.Background()
	outlets := map[int64]int64{}
	out := make([]reprint.Article, len(c.Articles))
	for i, a := range c.Articles {
		if _, ok := outlets[a.OutletID]; !ok {
			o := &models.Outlet{Name: fmt.Sprintf("Synthetic %d", a.OutletID)}
			if err := s.CreateOutlet(ctx, 0, o); err != nil {
				t.Fatalf("create outlet: %v", err)
			}
			outlets[a.OutletID] = o.ID
		}
		at := a.PublishedAt
		m := &models.Article{OutletID: outlets[a.OutletID], Title: "t", Text: a.Text, PublishedAt: &at,
			TextSHA256: annotate.TextSHA256(a.Text), TextLength: annotate.CodePoints(a.Text), CreatedAt: time.Now().UTC()}
		if err := s.CreateArticle(ctx, 0, m); err != nil {
			t.Fatalf("create article %d: %v", i, err)
		}
		out[i] = reprint.Article{ID: m.ID, OutletID: m.OutletID, PublishedAt: at, Text: a.Text}
	}
	return out
}

// TestSharedIndexCandidatesEqualInMemoryIndex: on a synthetic corpus with planted reprints,
// the candidates the shared index in the database yields for every article are exactly the
// in-memory index's, and so are the verified passages, so moving the index into the database
// loses no quality.
func TestSharedIndexCandidatesEqualInMemoryIndex(t *testing.T) {
	cfg := synth.Default()
	cfg.Articles, cfg.Words, cfg.Outlets, cfg.Vocabulary = 150, 300, 8, 3000 // a small vocabulary: chance collisions too
	c := synth.Generate(cfg)
	s := modeltest.Open(t)
	ctx := context.Background()
	stored := storeCorpus(t, s, c)
	svc := reprints.New(s, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := svc.Sync(ctx); err != nil { // the backfill indexes every article
		t.Fatalf("backfill: %v", err)
	}
	ix := reprint.NewIndex(reprint.DefaultConfig())
	for _, a := range stored {
		ix.Add(a)
	}
	m := reprint.NewMatcher(reprint.DefaultConfig())
	withCands, matched := 0, 0
	for _, a := range stored {
		want := ix.Candidates(a)
		got, err := s.ReprintCandidates(ctx, a.ID, m.Keys(a.Text), m.Config().MinKeyHits, m.Config().MaxBucket)
		if err != nil {
			t.Fatalf("candidates of %d: %v", a.ID, err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("article %d: candidates from the database %v, in memory %v", a.ID, got, want)
		}
		gotMs, err := svc.Matches(ctx, a.ID)
		if err != nil {
			t.Fatalf("matches of %d: %v", a.ID, err)
		}
		if wantMs := ix.Matches(a); !slices.Equal(gotMs, wantMs) {
			t.Fatalf("article %d: matches through the database %+v, in memory %+v", a.ID, gotMs, wantMs)
		}
		if len(want) > 0 {
			withCands++
		}
		if len(gotMs) > 0 {
			matched++
		}
	}
	if withCands < len(c.Plants) || matched < len(c.Plants) {
		t.Fatalf("only %d articles with candidates and %d with matches for %d planted reprints: the comparison is too weak", withCands, matched, len(c.Plants))
	}
}

// TestSharedIndexNewArticleVisibleToOtherReplica: two services over one database stand for
// two replicas. An article scanned through one is a candidate through the other at once, with
// no sync or rebuild on the other; and the backfill of an indexed database has nothing to do.
func TestSharedIndexNewArticleVisibleToOtherReplica(t *testing.T) {
	cfg := synth.Default()
	cfg.Articles, cfg.Words, cfg.Outlets, cfg.ReprintRate = 40, 300, 4, 1
	c := synth.Generate(cfg)
	s := modeltest.Open(t)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	one, two := reprints.New(s, log), reprints.New(s, log)
	if err := two.Sync(ctx); err != nil { // replica two starts on an empty corpus
		t.Fatalf("sync: %v", err)
	}
	stored := storeCorpus(t, s, c)
	for _, a := range stored {
		if err := one.Scan(ctx, a.ID); err != nil {
			t.Fatalf("scan %d through replica one: %v", a.ID, err)
		}
	}
	ix := reprint.NewIndex(reprint.DefaultConfig())
	for _, a := range stored {
		ix.Add(a)
	}
	found := 0
	for _, a := range stored {
		got, err := two.Matches(ctx, a.ID)
		if err != nil {
			t.Fatalf("matches of %d through replica two: %v", a.ID, err)
		}
		if want := ix.Matches(a); !slices.Equal(got, want) {
			t.Fatalf("article %d through replica two: %+v, want %+v", a.ID, got, want)
		}
		found += len(got)
	}
	if found == 0 {
		t.Fatal("no reprint found through replica two")
	}
	n := 0
	if err := s.ArticlesToReprintIndex(ctx, func(models.Article) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d articles left for the backfill after every article was scanned", n)
	}
}
