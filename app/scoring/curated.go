package scoring

import (
	"context"
	"slices"
)

// A curator reads only the articles open to curators (every assigned reviewer finished, or an
// admin opened it), so their scores are computed from those alone. Whether an article is open
// changes with reviews and assignments that need not change its score, so a curator's corpus is
// narrowed from the held full corpus to the articles open now on every question (the open set
// is read each time), and what is derived from the narrowed copy (views, tables) stays with it,
// never mixing with the full one. The last copy is kept for the next question that finds the
// same corpus (generation and fingerprint) and the same open articles.

// curated returns a copy of c holding only the given articles (sorted ids), with views and
// derived tables of its own. c must be locked; the copy shares c's immutable entries.
func (c *corpus) curated(open []int64) *corpus {
	r := &corpus{store: c.store, log: c.log, key: c.key, excluded: c.excluded,
		loaded: true, floor: c.floor, mark: c.mark, gen: c.gen, names: c.names,
		entries: map[int64]*entry{}, byOutlet: map[int64]map[int64]bool{},
		views: map[Dates]*outletView{}, derived: map[string]derivedTable{}}
	for _, id := range c.ids {
		if _, ok := slices.BinarySearch(open, id); ok {
			r.put(c.entries[id])
			r.ids = append(r.ids, id)
		}
	}
	return r
}

// lockedCurated is locked for a curator's question: it returns the corpus of q narrowed to
// the articles open to curators, locked (the caller unlocks it).
func (s *Service) lockedCurated(ctx context.Context, q Query) (*corpus, error) {
	open, err := s.store.CuratableArticleIDs(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.fresh(ctx, q.Excluded, q.Variant)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	r := c.narrowed
	if r == nil || c.narrowedGen != c.gen || r.mark != c.mark || !slices.Equal(c.narrowedOpen, open) {
		// Kept until the corpus or the open set changes: repeated questions reuse its rows.
		r = c.curated(open)
		c.narrowed, c.narrowedGen, c.narrowedOpen = r, c.gen, open
	}
	c.mu.Unlock()
	r.mu.Lock()
	return r, nil
}
