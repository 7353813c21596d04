package reprints

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/credence-project/credence/annotate/reprint"
	"github.com/credence-project/credence/app/safe"
	"github.com/credence-project/credence/models"
)

// Keys computes the LSH keys of texts on all cores: what models.CreateArticles stores with
// each new article, in its transaction.
func (r *Service) Keys(texts []string) [][]uint64 {
	out := make([][]uint64, len(texts))
	parallel(len(texts), func(i int) { out[i] = r.m.Keys(texts[i]) })
	return out
}

// parallel runs fn(0..n-1) on all cores. A panic in fn is raised again in the caller's
// goroutine (tryParallel), where a request's recoverer answers 500 and the service lives on.
func parallel(n int, fn func(i int)) {
	if err := tryParallel(n, fn); err != nil {
		panic(err)
	}
}

// tryParallel is parallel that returns a panic in fn as an error (a *safe.PanicError, with the
// worker's stack), once every worker has stopped: a panic left in a worker goroutine would end
// the whole process. The scans and the backfill use it, so that text that breaks the analysis
// fails that scan (ScanFailed) or that backfill and nothing else: an outlet's name broken by a
// line break once took the service down from a worker here (TestTryParallelReturnsAWorkersPanic).
func tryParallel(n int, fn func(i int)) error {
	var wg sync.WaitGroup
	var once sync.Once
	var caught error
	workers := min(n, runtime.GOMAXPROCS(0))
	for w := range workers {
		wg.Go(func() {
			err := safe.Call(func() error {
				for i := w; i < n; i += workers {
					fn(i)
				}
				return nil
			})
			if err != nil {
				once.Do(func() { caught = fmt.Errorf("reprints: a worker: %w", err) })
			}
		})
	}
	wg.Wait()
	return caught
}

// ScanBatch is Scan for articles stored together, whose keys (keys[i] of articles[i]) are in
// the shared index already (models.CreateArticles): it proposes quote regions for each, and
// again for the stored articles they share passages with. The look-ups of the whole batch go
// to the database at once, and so do the proposals; alignment runs on all cores. The outcome
// is Scan's for each article in turn: every article whose passages the batch can change is
// proposed for again, against the corpus with the whole batch in it.
func (r *Service) ScanBatch(ctx context.Context, articles []models.Article, keys [][]uint64) error {
	return r.ScanBatchHiding(ctx, articles, keys, nil)
}

// ScanBatchHiding is ScanBatch against the corpus without the articles that hidden (if not
// nil) names when the scan looks candidates up (see models.ReprintPostingsOf): an import's
// batches stored after this one while this one's scan runs, which the scan must not see, as
// it would not had it run before they were stored (app/imports).
func (r *Service) ScanBatchHiding(ctx context.Context, articles []models.Article, keys [][]uint64, hidden func() []int64) error {
	return r.scanBatch(ctx, articles, keys, hidden, false)
}

// ScanImported is ScanBatchHiding for new articles an import stored at
// models.FirstScanVersion, never scanned: their proposals are written without bumping them,
// only noting them in score_changes (models.ReplaceDetectedRegionsBatch), which leaves them
// as ScanBatchHiding leaves new articles stored at version 0. The stored articles they share
// passages with are bumped.
func (r *Service) ScanImported(ctx context.Context, articles []models.Article, keys [][]uint64, hidden func() []int64) error {
	return r.scanBatch(ctx, articles, keys, hidden, true)
}

func (r *Service) scanBatch(ctx context.Context, articles []models.Article, keys [][]uint64, hidden func() []int64, imported bool) error {
	if len(articles) == 0 {
		return nil
	}
	outlets, err := r.loadOutlets(ctx)
	if err != nil {
		return err
	}
	cfg := r.m.Config()
	texts := map[int64]reprint.Article{} // every article at hand, by id
	inBatch := map[int64]bool{}
	for i := range articles {
		texts[articles[i].ID] = toReprintArticle(&articles[i])
		inBatch[articles[i].ID] = true
	}
	batchKeys := make([]models.ReprintKeys, len(articles))
	nkeys := 0
	for i := range articles {
		batchKeys[i] = models.ReprintKeys{ArticleID: articles[i].ID, Keys: keys[i]}
		nkeys += len(keys[i])
	}
	postings := make(map[uint64][]int64, nkeys)
	// matchAll finds the passages of each of as (keys ks[i]) with the corpus.
	matchAll := func(as []reprint.Article, ks [][]uint64) ([][]reprint.Match, error) {
		var want []uint64
		for _, k := range ks {
			for _, h := range k {
				if _, ok := postings[h]; !ok {
					want = append(want, h)
				}
			}
		}
		got, err := r.store.ReprintPostingsOf(ctx, want, cfg.MaxBucket, batchKeys, hidden)
		if err != nil {
			return nil, err
		}
		for _, h := range want {
			postings[h] = got[h] // nil: no holder, or boilerplate
		}
		cands := make([][]int64, len(as))
		var load []int64
		for i, a := range as {
			cands[i] = models.CandidatesOf(postings, a.ID, ks[i], cfg.MinKeyHits)
			for _, id := range cands[i] {
				if _, ok := texts[id]; !ok {
					load = append(load, id)
					texts[id] = reprint.Article{} // loaded below
				}
			}
		}
		stored, err := r.store.ReprintArticles(ctx, load)
		if err != nil {
			return nil, err
		}
		for _, id := range load {
			delete(texts, id) // deleted meanwhile unless loaded again here
		}
		for i := range stored {
			texts[stored[i].ID] = toReprintArticle(&stored[i])
		}
		out := make([][]reprint.Match, len(as))
		err = tryParallel(len(as), func(i int) {
			cs := make([]reprint.Article, 0, len(cands[i]))
			for _, id := range cands[i] {
				if c, ok := texts[id]; ok {
					cs = append(cs, c)
				}
			}
			if len(cs) > 0 {
				out[i] = r.m.Align(as[i], cs)
			}
		})
		return out, err
	}
	as := make([]reprint.Article, len(articles))
	for i := range articles {
		as[i] = texts[articles[i].ID]
	}
	ms, err := matchAll(as, keys)
	if err != nil {
		return err
	}
	// The stored articles the batch shares passages with: their proposals may change.
	var others []reprint.Article
	seen := map[int64]bool{}
	for _, m := range ms {
		for _, x := range m {
			if o, ok := texts[x.OtherArticleID]; ok && !inBatch[o.ID] && !seen[o.ID] {
				seen[o.ID] = true
				others = append(others, o)
			}
		}
	}
	okeys := make([][]uint64, len(others))
	if err := tryParallel(len(others), func(i int) { okeys[i] = r.m.Keys(others[i].Text) }); err != nil {
		return err
	}
	oms, err := matchAll(others, okeys)
	if err != nil {
		return err
	}
	all, allMs := append(as, others...), append(ms, oms...)
	regions := make([][]models.Region, len(all))
	// Each article's attributions are found once: for its own proposals, and for those of
	// the articles it shares passages with.
	analyses := make([]reprint.Analysis, len(all))
	if err := tryParallel(len(all), func(i int) { analyses[i] = reprint.Analyse(all[i].Text, outlets, all[i].OutletID) }); err != nil {
		return err
	}
	analysed := make(map[int64]int, len(all))
	for i, a := range all {
		analysed[a.ID] = i
	}
	attributionsOf := func(o reprint.Article) []reprint.Attribution {
		if i, ok := analysed[o.ID]; ok && all[i].Text == o.Text && all[i].OutletID == o.OutletID {
			return analyses[i].Attributions
		}
		return reprint.FindAttributions(o.Text, outlets, o.OutletID)
	}
	if err := tryParallel(len(all), func(i int) { regions[i] = r.regions(all[i], outlets, analyses[i], allMs[i], texts, attributionsOf) }); err != nil {
		return err
	}
	proposals := make(map[int64][]models.Region, len(all))
	order := make([]int64, len(all))
	for i, a := range all {
		proposals[a.ID], order[i] = regions[i], a.ID
	}
	var first map[int64]bool
	if imported {
		first = inBatch
	}
	return r.store.ReplaceDetectedRegionsBatch(ctx, order, proposals, first)
}

// ScanFailed logs a failed ScanBatch of stored articles: like ArticleAdded, the failure does
// not undo their import, and the articles keep their keys; a rebuild or their next scan
// proposes their regions.
func (r *Service) ScanFailed(articles []models.Article, err error) {
	ids := make([]int64, len(articles))
	for i := range articles {
		ids[i] = articles[i].ID
	}
	r.log.Warn("reprint scan failed", "article_ids", ids, "err", err)
}
