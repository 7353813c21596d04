package scoring

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/credence-project/credence/annotate/score"
	"github.com/credence-project/credence/models"
)

// New makes a service with nothing held yet; the first question loads the corpus.
func New(store *models.Store, log *slog.Logger) *Service {
	return &Service{store: store, log: log, corpora: map[string]*corpus{}}
}

// Query selects and shapes the rows of a score route.
type Query struct {
	Excluded    []int64 // reviewers left out (sorted, unique)
	Outlets     []int64 // credited outlets; nil for all
	Dates       Dates
	MinArticles int  // rows on fewer articles are marked low_sample
	HideLow     bool // and left out
	ByMonth     bool // outlet rows per month of publication
	// Variant is the layer scored (the reviewers' or the consensus) and, in the reviewers'
	// layer, the suggestion arm.
	Variant models.ScoreVariant
	// Curated keeps to the articles open to curators (every assigned reviewer finished, or
	// opened by an admin): a curator's question.
	Curated bool
}

func (q Query) wantsOutlet(id int64) bool {
	return q.Outlets == nil || slices.Contains(q.Outlets, id)
}

// Options are the score options a query stands for, as responses report them.
func (q Query) Options() score.Options {
	return score.Options{MinArticles: q.MinArticles, ExcludeReviewers: q.Excluded}.Normalized()
}

// PeriodRow is an outlet row of one month (by=month), or of all time (Period "").
type PeriodRow struct {
	Period string `json:"period"`
	score.OutletRow
}

// locked returns the corpus of q's exclusion list and variant, fresh and locked: the caller
// unlocks it.
func (s *Service) locked(ctx context.Context, q Query) (*corpus, error) {
	if q.Curated {
		return s.lockedCurated(ctx, q)
	}
	c, err := s.fresh(ctx, q.Excluded, q.Variant)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	return c, nil
}

// dataVersion names the state of the data the held results were computed from.
func (c *corpus) dataVersion() string {
	return fmt.Sprintf("%d.%d.%d", c.mark.AuditMax, c.mark.ChangesMax, c.mark.Count)
}

// DataVersion is the version of the data the scores are computed from now, as every score
// answer reports it (downloads are named by it).
func (s *Service) DataVersion(ctx context.Context) (string, error) {
	c, err := s.locked(ctx, Query{})
	if err != nil {
		return "", err
	}
	defer c.mu.Unlock()
	return c.dataVersion(), nil
}

// Outlets returns the outlet rows of q (per month with ByMonth), named, marked low_sample
// and, with HideLow, without those; and the data version they were computed from.
func (s *Service) Outlets(ctx context.Context, q Query) ([]PeriodRow, string, error) {
	c, err := s.locked(ctx, q)
	if err != nil {
		return nil, "", err
	}
	var rows []PeriodRow
	if q.ByMonth {
		rows = c.monthRows(q)
	} else {
		for _, r := range c.outletRows(q.Dates) {
			if q.wantsOutlet(r.OutletID) {
				rows = append(rows, PeriodRow{OutletRow: r})
			}
		}
	}
	names, version := c.names, c.dataVersion()
	c.mu.Unlock()

	items := make([]PeriodRow, 0, len(rows))
	for _, r := range rows {
		r.Outlet = names[r.OutletID]
		r.LowSample = r.Articles < q.MinArticles
		if q.HideLow && r.LowSample {
			continue
		}
		items = append(items, r)
	}
	return items, version, nil
}

// OutletsJSON is Outlets without ByMonth, encoded: the JSON array of the rows, as
// json.Marshal writes a []PeriodRow of them. Each row's
// encoding is held with the rows, so after a change only the outlets it touches (or whose
// name changed) are encoded again.
func (s *Service) OutletsJSON(ctx context.Context, q Query) (json.RawMessage, string, error) {
	if q.ByMonth {
		return nil, "", errors.New("scoring: OutletsJSON has no month rows")
	}
	c, err := s.locked(ctx, q)
	if err != nil {
		return nil, "", err
	}
	defer c.mu.Unlock()
	rows := c.outletRows(q.Dates)
	v := c.views[q.Dates]
	size := len(rows)
	if q.Outlets != nil {
		size = min(size, len(q.Outlets))
	}
	out := make([]byte, 0, 1024*size+2)
	out = append(out, '[')
	n := 0
	for _, r := range rows {
		if !q.wantsOutlet(r.OutletID) {
			continue
		}
		low := r.Articles < q.MinArticles
		if q.HideLow && low {
			continue
		}
		b, err := v.encoded(r, c.names[r.OutletID], low)
		if err != nil {
			return nil, "", err
		}
		if n > 0 {
			out = append(out, ',')
		}
		out = append(out, b...)
		n++
	}
	return append(out, ']'), c.dataVersion(), nil
}

// encoded returns the JSON of a row of v named name, encoding it when not held.
func (v *outletView) encoded(r score.OutletRow, name string, low bool) ([]byte, error) {
	e := v.enc[r.OutletID]
	if e == nil || e.name != name {
		e = &encodedRow{name: name}
		v.enc[r.OutletID] = e
	}
	i := 0
	if low {
		i = 1
	}
	if e.low[i] == nil {
		r.Outlet, r.LowSample = name, low
		b, err := json.Marshal(PeriodRow{OutletRow: r})
		if err != nil {
			return nil, fmt.Errorf("encode the row of outlet %d: %w", r.OutletID, err)
		}
		e.low[i] = b
	}
	return e.low[i], nil
}

// ArticlePage is a page of scored articles. Its entries are immutable, so rows are built
// from it without holding the corpus.
type ArticlePage struct {
	entries []*entry
	names   map[int64]string
	q       Query
	More    bool // there are articles after the last
}

// Len is the number of articles on the page.
func (p *ArticlePage) Len() int { return len(p.entries) }

// LastID is the id of the page's last article, for the cursor of the next page.
func (p *ArticlePage) LastID() int64 {
	if len(p.entries) == 0 {
		return 0
	}
	return p.entries[len(p.entries)-1].id
}

// Rows are the per-outlet rows of the page's i-th article, for the outlets q asks about.
func (p *ArticlePage) Rows(i int) []score.ArticleRow {
	rows := score.ArticleRows([]score.ArticleResult{p.entries[i].result()})
	rows = slices.DeleteFunc(rows, func(r score.ArticleRow) bool { return !p.q.wantsOutlet(r.OutletID) })
	for i := range rows {
		rows[i].Outlet = p.names[rows[i].OutletID]
	}
	return rows
}

// Articles returns the reviewed articles of q by id after the given one: at most limit, or
// all of them with limit 0.
func (s *Service) Articles(ctx context.Context, q Query, after int64, limit int) (*ArticlePage, string, error) {
	c, err := s.locked(ctx, q)
	if err != nil {
		return nil, "", err
	}
	defer c.mu.Unlock()
	p := &ArticlePage{names: c.names, q: q}
	for _, id := range c.ids {
		if id <= after {
			continue
		}
		e := c.entries[id]
		if !q.Dates.includes(e) || !e.reviewed {
			continue
		}
		if q.Outlets != nil && !e.credits(q) {
			continue
		}
		if limit > 0 && len(p.entries) == limit {
			p.More = true
			break
		}
		p.entries = append(p.entries, e)
	}
	return p, c.dataVersion(), nil
}

// Reviewers returns each counted reviewer's agreement with the others and shares beside the
// peers' on the same articles, named.
func (s *Service) Reviewers(ctx context.Context, q Query) ([]score.ReviewerRow, string, error) {
	c, err := s.locked(ctx, q)
	if err != nil {
		return nil, "", err
	}
	key := fmt.Sprintf("reviewers|%v|%v", q.Dates.From, q.Dates.To)
	rows := c.derive(key, func() any { return score.ReviewerRollUpSeq(c.resultSeq(q.Dates)) }).([]score.ReviewerRow)
	version := c.dataVersion()
	c.mu.Unlock()

	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ReviewerID
	}
	names, err := s.store.UserNames(ctx, ids)
	if err != nil {
		return nil, "", err
	}
	items := make([]score.ReviewerRow, len(rows))
	for i, r := range rows {
		r.Reviewer = names[r.ReviewerID]
		items[i] = r
	}
	return items, version, nil
}

// Agreement is Krippendorff's alpha over the corpus, with what it was computed on.
type Agreement struct {
	score.AgreementRow
	Articles    int
	Reviewers   int
	ScoredChars int
}

// Agreement returns the corpus-wide agreement of q's articles.
func (s *Service) Agreement(ctx context.Context, q Query) (Agreement, string, error) {
	c, err := s.locked(ctx, q)
	if err != nil {
		return Agreement{}, "", err
	}
	defer c.mu.Unlock()
	key := fmt.Sprintf("agreement|%v|%v", q.Dates.From, q.Dates.To)
	out := c.derive(key, func() any {
		var a Agreement
		reviewers := map[int64]bool{}
		counted := func(yield func(*score.ArticleResult) bool) {
			for r := range c.resultSeq(q.Dates) {
				if len(r.Reviewers) > 0 {
					a.Articles++
					a.ScoredChars += r.ScoredChars()
					for _, id := range r.Reviewers {
						reviewers[id] = true
					}
				}
				if !yield(r) {
					return
				}
			}
		}
		a.AgreementRow = score.CorpusAgreementSeq(counted)
		a.Reviewers = len(reviewers)
		return a
	}).(Agreement)
	return out, c.dataVersion(), nil
}
