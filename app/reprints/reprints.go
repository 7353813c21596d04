// Package reprints keeps the corpus-wide reprint index (annotate/reprint) in step with the
// store and turns its findings into proposed quote regions: the detection behind the
// regions the service proposes itself, and the passages an article shares with others.
package reprints

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/annotate/reprint"
	"github.com/credence-project/credence/models"
)

// Service keeps the shared reprint index in the database in step with the articles and
// turns its findings into proposed regions. The index (each article's LSH keys, see
// models.PutReprintKeys) lives in the database, so every replica looks candidates up in the
// same index, an article indexed by one replica is a candidate on all of them at once, start-up
// rebuilds nothing, and a replica's memory does not grow with the corpus: it holds no article
// beyond the look-up at hand.
type Service struct {
	store *models.Store
	log   *slog.Logger
	m     *reprint.Matcher

	mu      sync.Mutex // guards outlets and stale
	outlets []reprint.Outlet
	stale   bool // outlets changed since they were loaded
}

// New makes the service.
func New(store *models.Store, log *slog.Logger) *Service {
	return &Service{store: store, log: log, m: reprint.NewMatcher(reprint.DefaultConfig()), stale: true}
}

// Sync is the idempotent backfill: it stores the keys of every article that has none yet or
// whose text changed since they were computed (a database from before the shared index, an
// article whose scan failed after it was stored). On an indexed database it is one query.
// Keys are computed on all cores, the next batch's while the last is written. An empty index
// of a large corpus is filled in bulk (models.BulkFillReprintIndex), else syncBatch articles
// are written a transaction.
func (r *Service) Sync(ctx context.Context) error {
	start, n := time.Now(), 0
	filled, err := r.store.BulkFillReprintIndex(ctx, bulkFillMin, func(put func([]models.ReprintKeys) (int, error)) error {
		var err error
		n, err = r.keyBatches(ctx, bulkBatch, put)
		return err
	})
	if err == nil && !filled {
		n, err = r.keyBatches(ctx, syncBatch, func(keys []models.ReprintKeys) (int, error) {
			return r.store.PutReprintKeysBatch(ctx, keys)
		})
	}
	if err == nil && n >= analyzeAfter {
		err = r.store.AnalyzeReprintIndex(ctx)
	}
	if n > 0 {
		r.log.Info("reprint index backfilled", "articles", n, "bulk", filled, "took", time.Since(start))
	}
	return err
}

// keyBatches streams the articles to index (models.ArticlesToReprintIndex) in batches of
// size, computes their keys on all cores and hands each batch to put, which returns how many
// it stored; the next batch's keys are computed while put writes the last. It returns how
// many articles put stored.
func (r *Service) keyBatches(ctx context.Context, size int, put func([]models.ReprintKeys) (int, error)) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ready := make(chan []models.ReprintKeys, 1)
	read := make(chan error, 1)
	go func() {
		defer close(ready)
		var batch []models.Article
		send := func() error {
			if len(batch) == 0 {
				return nil
			}
			keys, err := keysOf(batch, r.m.Keys)
			batch = batch[:0]
			if err != nil {
				return err
			}
			select {
			case ready <- keys:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		err := r.store.ArticlesToReprintIndex(ctx, func(a models.Article) error {
			batch = append(batch, a)
			if len(batch) == size {
				return send()
			}
			return nil
		})
		if err == nil {
			err = send()
		}
		read <- err
	}()
	n := 0
	var err error
	for keys := range ready {
		if err != nil {
			continue // drain: the reader stops at the cancellation
		}
		var stored int
		stored, err = put(keys)
		n += stored
		if err != nil {
			cancel()
		}
	}
	if rerr := <-read; err == nil {
		err = rerr
	}
	return n, err
}

// keysOf computes the keys (keyFn, the matcher's Keys) of articles on all cores. A panic in
// keyFn is returned as an error, so that an article whose text breaks the analysis fails the
// backfill, which runs in its own goroutine, rather than the process (TestKeysOfReturnsAPanic).
func keysOf(batch []models.Article, keyFn func(text string) []uint64) ([]models.ReprintKeys, error) {
	keys := make([]models.ReprintKeys, len(batch))
	err := tryParallel(len(batch), func(i int) {
		keys[i] = models.ReprintKeys{ArticleID: batch[i].ID, TextSHA256: batch[i].TextSHA256, Keys: keyFn(batch[i].Text)}
	})
	return keys, err
}

// syncBatch is how many articles' keys the backfill writes in one transaction: about 50,000
// rows at 600 words an article.
const syncBatch = 50

// bulkFillMin is the least corpus whose empty index Sync fills in bulk, and bulkBatch the
// articles of one of its writes (about 300,000 keys).
const bulkFillMin, bulkBatch = 2000, 500

// analyzeAfter is how many articles a backfill must have indexed for it to refresh the
// database's statistics of the index, which a bulk fill leaves stale.
const analyzeAfter = 500

// Rebuild computes and stores the keys of every article again, returning how many articles
// it indexed. Look-ups meanwhile see each article's old keys or its new ones, never none.
func (r *Service) Rebuild(ctx context.Context) (int, error) {
	n := 0
	err := r.store.ArticleTextsAfter(ctx, 0, func(a models.Article) error {
		if err := r.store.PutReprintKeys(ctx, a.ID, a.TextSHA256, r.m.Keys(a.Text)); err != nil {
			if errors.Is(err, models.ErrNotFound) {
				return nil // deleted meanwhile
			}
			return err
		}
		n++
		return nil
	})
	return n, err
}

func toReprintArticle(a *models.Article) reprint.Article {
	ra := reprint.Article{ID: a.ID, OutletID: a.OutletID, Text: a.Text}
	if a.PublishedAt != nil {
		ra.PublishedAt = *a.PublishedAt
	} else {
		ra.PublishedAt = a.CreatedAt
	}
	return ra
}

func (r *Service) loadOutlets(ctx context.Context) ([]reprint.Outlet, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.stale {
		return r.outlets, nil
	}
	os, err := r.store.AllOutlets(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]reprint.Outlet, len(os))
	for i, o := range os {
		out[i] = reprint.Outlet{ID: o.ID, Name: o.Name, Aliases: o.Aliases, Domains: o.Domains}
	}
	r.outlets, r.stale = out, false
	return out, nil
}

// OutletsChanged makes the next scan reload outlet names, aliases and domains.
func (r *Service) OutletsChanged() {
	r.mu.Lock()
	r.stale = true
	r.mu.Unlock()
}

// article loads an article with its text, ErrNotFound if there is none.
func (r *Service) article(ctx context.Context, id int64) (*models.Article, error) {
	as, err := r.store.ReprintArticles(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, models.ErrNotFound
	}
	return &as[0], nil
}

// matches finds the passages a shares with other articles: candidates from the shared index
// (keys is a's, see reprint.Matcher), verified by alignment. It returns them with the
// articles they name.
func (r *Service) matches(ctx context.Context, a reprint.Article, keys []uint64) ([]reprint.Match, map[int64]reprint.Article, error) {
	cfg := r.m.Config()
	ids, err := r.store.ReprintCandidates(ctx, a.ID, keys, cfg.MinKeyHits, cfg.MaxBucket)
	if err != nil || len(ids) == 0 {
		return nil, nil, err
	}
	stored, err := r.store.ReprintArticles(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	cands := make([]reprint.Article, len(stored))
	others := make(map[int64]reprint.Article, len(stored))
	for i := range stored {
		cands[i] = toReprintArticle(&stored[i])
		others[cands[i].ID] = cands[i]
	}
	return r.m.Align(a, cands), others, nil
}

// Scan indexes an article (stores its keys in the shared index), and proposes quote regions
// for it and again for the articles it shares passages with, whose proposals may change: a
// new sibling, say.
func (r *Service) Scan(ctx context.Context, articleID int64) error {
	stored, err := r.article(ctx, articleID)
	if err != nil {
		return err
	}
	outlets, err := r.loadOutlets(ctx)
	if err != nil {
		return err
	}
	a := toReprintArticle(stored)
	keys := r.m.Keys(a.Text)
	if err := r.store.PutReprintKeys(ctx, a.ID, stored.TextSHA256, keys); err != nil {
		return err
	}
	ms, others, err := r.matches(ctx, a, keys)
	if err != nil {
		return err
	}
	if err := r.propose(ctx, a, outlets, ms, others); err != nil {
		return err
	}
	done := map[int64]bool{}
	for _, m := range ms {
		o, ok := others[m.OtherArticleID]
		if !ok || done[o.ID] {
			continue
		}
		done[o.ID] = true
		oms, oothers, err := r.matches(ctx, o, r.m.Keys(o.Text))
		if err != nil {
			return err
		}
		if err := r.propose(ctx, o, outlets, oms, oothers); err != nil {
			return err
		}
	}
	return nil
}

func (r *Service) propose(ctx context.Context, a reprint.Article, outlets []reprint.Outlet, matches []reprint.Match, others map[int64]reprint.Article) error {
	return r.store.ReplaceDetectedRegions(ctx, a.ID, r.regions(a, outlets, reprint.Analyse(a.Text, outlets, a.OutletID), matches, others, nil))
}

// regions are the quote regions proposed for a, given its passages shared with others.
func (r *Service) regions(a reprint.Article, outlets []reprint.Outlet, an reprint.Analysis, matches []reprint.Match, others map[int64]reprint.Article,
	othersAttributions func(reprint.Article) []reprint.Attribution) []models.Region {
	props := mergeProposals(reprint.ProposeAnalysed(a, outlets, an, matches, others, othersAttributions))
	regions := make([]models.Region, 0, len(props))
	for _, p := range props {
		reg := models.Region{Kind: p.Kind, Start: p.Start, End: p.End, Reason: p.Reason, Relation: p.Relation}
		if p.OriginOutletID != 0 {
			id := p.OriginOutletID
			reg.OriginOutletID = &id
		}
		if p.OtherArticleID != 0 {
			id := p.OtherArticleID
			reg.OtherArticleID = &id
		}
		regions = append(regions, reg)
	}
	return regions
}

// mergeProposals folds proposals that credit the same outlet for nearly the same passage
// (the same paragraphs found through several other articles, or by a cue and a match) into
// one, spanning them all, with every reason kept: reviewers decide once per passage.
func mergeProposals(ps []reprint.Proposal) []reprint.Proposal {
	sort.SliceStable(ps, func(i, j int) bool {
		return ps[i].Start < ps[j].Start || ps[i].Start == ps[j].Start && ps[i].End > ps[j].End
	})
	var out []reprint.Proposal
	for _, p := range ps {
		merged := false
		for k := range out {
			q := &out[k]
			if q.Kind != p.Kind || q.OriginOutletID != p.OriginOutletID {
				continue
			}
			overlap := min(q.End, p.End) - max(q.Start, p.Start)
			if overlap*5 < min(q.End-q.Start, p.End-p.Start)*4 { // under 80% of the shorter
				continue
			}
			q.Start, q.End = min(q.Start, p.Start), max(q.End, p.End)
			if !strings.Contains(q.Reason, p.Reason) {
				q.Reason += "; " + p.Reason
			}
			if q.Relation != p.Relation && p.Relation == reprint.RelationAttributed {
				q.Relation = p.Relation // the article's own words are the strongest evidence
			}
			merged = true
			break
		}
		if !merged {
			out = append(out, p)
		}
	}
	return out
}

// Matches lists the passages an article shares with others, in text order.
func (r *Service) Matches(ctx context.Context, articleID int64) ([]reprint.Match, error) {
	stored, err := r.article(ctx, articleID)
	if err != nil {
		return nil, err
	}
	a := toReprintArticle(stored)
	ms, _, err := r.matches(ctx, a, r.m.Keys(a.Text))
	return ms, err
}

// ArticleAdded scans a new article for reprints. A failure is logged, not returned: the
// article is stored, and a rebuild or the next scan picks it up.
func (r *Service) ArticleAdded(ctx context.Context, articleID int64) {
	if err := r.Scan(ctx, articleID); err != nil {
		r.log.Warn("reprint scan failed", "article_id", articleID, "err", err)
	}
}

// Shared is a passage an article shares with another article, with how reviewers annotated
// it there.
type Shared struct {
	reprint.Match
	Other *models.Article
	// Labels counts, per label, the annotations on the other article that overlap the passage.
	Labels map[string]int
}

// Shared lists the passages an article shares with others, in text order, with the label
// counts there that the reader may see: blind review holds on the other article of a reprint
// pair as on any (annotate.AnnotationScope with the reader's review of that article), and
// counts that show a finished reviewer the others' work there freeze that review first.
// Articles deleted since they were indexed are left out.
func (r *Service) Shared(ctx context.Context, rd annotate.Reader, articleID int64) ([]Shared, error) {
	if _, err := r.store.Article(ctx, articleID); err != nil {
		return nil, err
	}
	ms, err := r.Matches(ctx, articleID)
	if err != nil {
		return nil, err
	}
	out := make([]Shared, 0, len(ms))
	for _, m := range ms {
		other, err := r.store.ArticleForReader(ctx, m.OtherArticleID, rd.ID)
		if errors.Is(err, models.ErrNotFound) {
			continue // deleted since it was indexed
		}
		if err != nil {
			return nil, err
		}
		counts, err := r.labelCounts(ctx, rd, other, m.OtherStart, m.OtherEnd)
		if err != nil {
			return nil, err
		}
		out = append(out, Shared{Match: m, Other: &other.Article, Labels: counts})
	}
	return out, nil
}

// labelCounts counts, by label, the annotations on the article of v that overlap [start, end)
// and that the reader may see.
func (r *Service) labelCounts(ctx context.Context, rd annotate.Reader, v *models.ReaderView, start, end int) (map[string]int, error) {
	scope, err := annotate.AnnotationScope(rd, v.Rules(), 0)
	if err != nil {
		return nil, err
	}
	var hits []models.Annotation
	p := models.Page{Limit: 1000}
	for {
		as, more, err := r.store.ListAnnotations(ctx, models.AnnotationFilter{ArticleID: v.Article.ID, UserID: scope, Page: p})
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			if a.Start < end && a.End > start {
				hits = append(hits, a)
			}
		}
		if !more || len(as) == 0 {
			break
		}
		p.After = as[len(as)-1].ID
	}
	owners := make([]int64, len(hits))
	for i := range hits {
		owners[i] = hits[i].UserID
	}
	shown := !rd.Blind(v.Rules())
	if rd.SeesOthers(v.Rules(), owners...) {
		if shown, err = r.store.MarkViewedOthers(ctx, v.Article.ID, rd.ID); err != nil {
			return nil, err
		}
	}
	counts := map[string]int{}
	for _, a := range hits {
		if shown || a.UserID == rd.ID {
			counts[a.Label]++
		}
	}
	return counts, nil
}
