package api

import (
	"context"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/annotate/reprint"
	"github.com/credence-project/credence/models"
)

// ReprintService keeps the corpus-wide reprint index of this process in step with the
// database and turns its findings into proposed regions. The index is derived data: each
// replica builds it from the database at start and picks up articles other replicas
// stored before each look-up, so nothing about it lives only in memory.
type ReprintService struct {
	store *models.Store
	log   *slog.Logger

	mu      sync.Mutex // serialises syncs
	index   *reprint.Index
	lastID  int64
	outlets []reprint.Outlet
	stale   bool // outlets changed since they were loaded
}

// NewReprintService makes an empty service; call Sync to fill it.
func NewReprintService(store *models.Store, log *slog.Logger) *ReprintService {
	return &ReprintService{store: store, log: log, index: reprint.NewIndex(reprint.DefaultConfig()), stale: true}
}

// Sync adds every article stored since the last sync to the index.
func (r *ReprintService) Sync(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.syncLocked(ctx)
}

func (r *ReprintService) syncLocked(ctx context.Context) error {
	start, n := time.Now(), 0
	err := r.store.ArticleTextsAfter(ctx, r.lastID, func(a models.Article) error {
		r.index.Add(toReprintArticle(&a))
		r.lastID = a.ID
		n++
		return nil
	})
	if n > 100 {
		r.log.Info("reprint index synced", "articles", n, "indexed", r.index.Len(), "took", time.Since(start))
	}
	return err
}

// Rebuild drops the index and builds it again from the database.
func (r *ReprintService) Rebuild(ctx context.Context) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.index = reprint.NewIndex(reprint.DefaultConfig())
	r.lastID = 0
	r.stale = true
	err := r.syncLocked(ctx)
	return r.index.Len(), err
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

func (r *ReprintService) outletsLocked(ctx context.Context) ([]reprint.Outlet, error) {
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
func (r *ReprintService) OutletsChanged() {
	r.mu.Lock()
	r.stale = true
	r.mu.Unlock()
}

// Scan indexes an article, and proposes quote regions for it (and again for the articles
// it shares passages with, whose proposals may change: a new sibling, say).
func (r *ReprintService) Scan(ctx context.Context, articleID int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.syncLocked(ctx); err != nil {
		return err
	}
	outlets, err := r.outletsLocked(ctx)
	if err != nil {
		return err
	}
	a, ok := r.index.Get(articleID)
	if !ok {
		return models.ErrNotFound
	}
	if err := r.proposeLocked(ctx, a, outlets); err != nil {
		return err
	}
	for _, m := range r.index.Matches(a) {
		if other, ok := r.index.Get(m.OtherArticleID); ok {
			if err := r.proposeLocked(ctx, other, outlets); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *ReprintService) proposeLocked(ctx context.Context, a reprint.Article, outlets []reprint.Outlet) error {
	matches := r.index.Matches(a)
	others := map[int64]reprint.Article{}
	for _, m := range matches {
		if o, ok := r.index.Get(m.OtherArticleID); ok {
			others[o.ID] = o
		}
	}
	attrs := reprint.FindAttributions(a.Text, outlets, a.OutletID)
	props := mergeProposals(reprint.Propose(a, outlets, attrs, matches, others))
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
	return r.store.ReplaceDetectedRegions(ctx, a.ID, regions)
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
func (r *ReprintService) Matches(ctx context.Context, articleID int64) ([]reprint.Match, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.syncLocked(ctx); err != nil {
		return nil, err
	}
	a, ok := r.index.Get(articleID)
	if !ok {
		return nil, models.ErrNotFound
	}
	ms := r.index.Matches(a)
	sort.Slice(ms, func(i, j int) bool {
		return ms[i].Start < ms[j].Start || ms[i].Start == ms[j].Start && ms[i].OtherArticleID < ms[j].OtherArticleID
	})
	return ms, nil
}

func (s *Server) outletsChanged() { s.reprint.OutletsChanged() }

// articleAdded scans a new article for reprints. A failure is logged, not returned: the
// article is stored, and a rebuild or the next scan picks it up.
func (s *Server) articleAdded(ctx context.Context, a *models.Article) {
	if err := s.reprint.Scan(ctx, a.ID); err != nil {
		s.log.Warn("reprint scan failed", "article_id", a.ID, "err", err)
	}
}

type reprintJSON struct {
	ArticleID  int64   `json:"article_id"`
	OutletID   int64   `json:"outlet_id"`
	OutletName string  `json:"outlet_name"`
	Title      string  `json:"title"`
	Start      int     `json:"start"`
	End        int     `json:"end"`
	OtherStart int     `json:"other_start"`
	OtherEnd   int     `json:"other_end"`
	Similarity float64 `json:"similarity"`
	// Annotations counts, per label, the annotations reviewers made on the shared passage in
	// the other article: how it was annotated elsewhere.
	Annotations map[string]int `json:"annotations"`
}

// reprints lists the passages this article shares with other articles.
func (s *Server) reprints(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	if _, err := s.store.Article(ctx, id); err != nil {
		return err
	}
	ms, err := s.reprint.Matches(ctx, id)
	if err != nil {
		return err
	}
	out := make([]reprintJSON, 0, len(ms))
	for _, m := range ms {
		other, err := s.store.Article(ctx, m.OtherArticleID)
		if err != nil {
			continue // deleted since it was indexed
		}
		counts, err := s.labelCounts(c, m.OtherArticleID, m.OtherStart, m.OtherEnd)
		if err != nil {
			return err
		}
		out = append(out, reprintJSON{ArticleID: m.OtherArticleID, OutletID: other.OutletID, OutletName: other.OutletName, Title: other.Title, Start: m.Start, End: m.End,
			OtherStart: m.OtherStart, OtherEnd: m.OtherEnd, Similarity: m.Similarity, Annotations: counts})
	}
	c.JSON(http.StatusOK, gin.H{"items": out, "next_cursor": ""})
	return nil
}

// labelCounts counts an article's annotations, by label, that overlap [start, end).
func (s *Server) labelCounts(c *gin.Context, articleID int64, start, end int) (map[string]int, error) {
	counts := map[string]int{}
	p := models.Page{Limit: maxLimit}
	for {
		as, more, err := s.store.ListAnnotations(c.Request.Context(), models.AnnotationFilter{ArticleID: articleID, Page: p})
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			if a.Start < end && a.End > start {
				counts[a.Label]++
			}
		}
		if !more || len(as) == 0 {
			return counts, nil
		}
		p.After = as[len(as)-1].ID
	}
}

// rescan re-runs detection for one article (admin).
func (s *Server) rescan(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.store.Article(c.Request.Context(), id); err != nil {
		return err
	}
	if err := s.reprint.Scan(c.Request.Context(), id); err != nil {
		return err
	}
	return s.listRegions(c)
}

// rebuildReprints rebuilds the whole index from the database (admin).
func (s *Server) rebuildReprints(c *gin.Context) error {
	start := time.Now()
	n, err := s.reprint.Rebuild(c.Request.Context())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"indexed": n, "took_ms": time.Since(start).Milliseconds()})
	return nil
}
