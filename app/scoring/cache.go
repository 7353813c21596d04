// Package scoring keeps per-outlet scores fresh without recomputing the corpus on every
// request, and answers the score routes' questions from what it holds: outlet rows (overall
// or by month), per-article rows, reviewer agreement and the corpus-wide alpha.
//
// How the scores stay fresh. Per article, score.ScoreArticle's result is stored in article_score_cache keyed by (article,
// data_version, publisher, excluded reviewers, methodology version), so every replica shares it
// and nothing lives only in process memory. In process, a corpus per exclusion list holds
// those results, packed (packed.go), with the outlet rows rolled up from them and each row's
// JSON. A request first reads a fingerprint
// (models.ScoreMark: the newest audit entry and the newest entries of score_changes, which
// database triggers fill on every change to an article's data_version, publisher, date or a
// region's origin); when it is unchanged the cached rows are answered as they are. Otherwise
// only the changed articles are read (the stored result when another replica computed it
// already, else ScoreArticle), and only the outlets credited in them, before or after the
// change, get a new row (score.RollUpOutlet, which equals that outlet's row in RollUp). Other
// tables (reviewers, agreement, months) are derived from the held results once per change.
//
// PostgreSQL sequences do not follow commit order, so a change may appear with an id below one
// already seen: the fingerprint counts the changes above a floor changeWindow ids below the
// newest seen, and the changes above the floor are re-read and matched against those applied.
package scoring

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/annotate/score"
	"github.com/credence-project/credence/models"
)

const (
	changeWindow = 512 // score_changes ids re-checked below the newest seen
	maxCorpora   = 8   // exclusion lists and variants held at once
	maxViews     = 16  // date ranges held per corpus
	maxDerived   = 32  // derived tables held per corpus
	// reloadAbove: more changed articles than this at once (an outlet merge) reload the corpus.
	reloadAbove = 20000
)

// Service holds the rolled-up scores of one server: the corpora it has scored, each under
// one exclusion list, least recently used dropped first.
type Service struct {
	store *models.Store
	log   *slog.Logger

	mu      sync.Mutex
	corpora map[string]*corpus
	used    []string // exclusion and variant keys, least recently used first
}

// fresh returns the held corpus for an exclusion list (sorted, unique) and a variant (the
// layer and suggestion arm scored), brought up to date.
func (s *Service) fresh(ctx context.Context, excluded []int64, v models.ScoreVariant) (*corpus, error) {
	key := models.ScoreCacheKey{Excluded: models.JoinIDs(excluded, ","), Variant: v, Methodology: score.MethodologyVersion}
	held := key.Excluded + "|" + v.String()
	s.mu.Lock()
	c := s.corpora[held]
	if c == nil {
		c = &corpus{store: s.store, log: s.log, key: key, excluded: excluded}
		s.corpora[held] = c
	}
	s.used = append(slices.DeleteFunc(s.used, func(k string) bool { return k == held }), held)
	if len(s.used) > maxCorpora {
		delete(s.corpora, s.used[0])
		s.used = s.used[1:]
	}
	s.mu.Unlock()

	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.refresh(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// entry is one article's result, packed (packed.go); entries are never changed, only replaced.
type entry struct {
	id, outlet int64
	published  *time.Time
	outlets    []int64 // the ids of the result's Outlets, in their order
	reviewed   bool    // the result has counted reviewers
	counts     bool    // someone completed the article: it matters to some figure
	packed     []byte
}

func newEntry(id, outlet int64, published *time.Time, res *score.ArticleResult) *entry {
	e := &entry{id: id, outlet: outlet, published: published, packed: pack(res),
		reviewed: len(res.Reviewers) > 0, counts: len(res.Reviewers) > 0 || len(res.Excluded) > 0}
	if len(res.Outlets) > 0 {
		e.outlets = make([]int64, len(res.Outlets))
		for i, p := range res.Outlets {
			e.outlets[i] = p.OutletID
		}
	}
	return e
}

// result unpacks the entry's result.
func (e *entry) result() score.ArticleResult {
	r, err := unpack(e.packed)
	if err != nil {
		panic(err) // the bytes are pack's: a programming error
	}
	return r
}

// credits tells whether the result credits an outlet q asks about.
func (e *entry) credits(q Query) bool {
	return slices.ContainsFunc(e.outlets, q.wantsOutlet)
}

// corpus is the per-article results under one exclusion list with what is derived from
// them. Its fields are guarded by mu.
type corpus struct {
	store    *models.Store
	log      *slog.Logger
	key      models.ScoreCacheKey
	excluded []int64

	mu       sync.Mutex
	loaded   bool
	floor    int64
	mark     models.ScoreMark
	seen     map[int64]bool // change ids above floor already applied
	entries  map[int64]*entry
	ids      []int64 // sorted ids of entries
	byOutlet map[int64]map[int64]bool
	gen      uint64 // counts loads and applied changes: derived tables are valid for one gen
	clock    uint64 // orders uses of views
	names    map[int64]string
	views    map[Dates]*outletView
	derived  map[string]derivedTable
	// narrowed is the last curator's copy (curated.go), made at narrowedGen from narrowedOpen.
	narrowed     *corpus
	narrowedGen  uint64
	narrowedOpen []int64
}

// Dates selects articles by published_at: [from, to); nil ends are open. An article with
// no date is in the unbounded range only.
type Dates struct{ From, To time.Time }

func (d Dates) bounded() bool { return !d.From.IsZero() || !d.To.IsZero() }

func (d Dates) includes(e *entry) bool {
	if !d.bounded() {
		return true
	}
	if e.published == nil {
		return false
	}
	return (d.From.IsZero() || !e.published.Before(d.From)) && (d.To.IsZero() || e.published.Before(d.To))
}

// outletView is the outlet rows over one date range, kept up to date change by change.
type outletView struct {
	rows   map[int64]score.OutletRow
	sorted []score.OutletRow // rebuilt (never modified) when rows change; nil when stale
	// enc holds rows as answered in JSON (encodeRow), made when first asked for and dropped
	// with the row: a change re-encodes only the outlets it touches.
	enc  map[int64]*encodedRow
	used uint64
}

// encodedRow is one outlet row's JSON under the name it was encoded with, with low_sample
// false and true.
type encodedRow struct {
	name string
	low  [2][]byte
}

type derivedTable struct {
	gen   uint64
	value any
}

func (c *corpus) refresh(ctx context.Context) error {
	m, err := c.store.ScoreMark(ctx, c.floor)
	if err != nil {
		return err
	}
	if c.loaded && m == c.mark {
		return nil
	}
	if !c.loaded {
		return c.load(ctx, m)
	}
	changes, err := c.store.ScoreChangesAbove(ctx, c.floor)
	if err != nil {
		return err
	}
	var changed []int64
	dup := map[int64]bool{}
	for _, ch := range changes {
		if !c.seen[ch.ID] && !dup[ch.ArticleID] {
			dup[ch.ArticleID] = true
			changed = append(changed, ch.ArticleID)
		}
	}
	if len(changed) > reloadAbove {
		c.loaded = false
		return c.load(ctx, m)
	}
	if len(changed) > 0 {
		if err := c.apply(ctx, changed); err != nil {
			return err
		}
	}
	if m.AuditMax != c.mark.AuditMax {
		if c.names, err = c.store.OutletNames(ctx); err != nil {
			return err
		}
	}
	c.advance(changes, m)
	return nil
}

// advance records the changes read (all those above the floor) as applied.
func (c *corpus) advance(changes []models.ScoreChange, m models.ScoreMark) {
	top := m.ChangesMax
	if len(changes) > 0 {
		top = changes[len(changes)-1].ID
	}
	c.floor = max(c.floor, top-changeWindow)
	c.seen = map[int64]bool{}
	for _, ch := range changes {
		if ch.ID > c.floor {
			c.seen[ch.ID] = true
		}
	}
	c.mark = models.ScoreMark{AuditMax: m.AuditMax, ChangesMax: top, Count: int64(len(c.seen))}
}

// load reads the whole corpus: the stored results where valid, ScoreArticle for the rest.
// Changes are read first, so any change made during the load is applied again later.
func (c *corpus) load(ctx context.Context, m models.ScoreMark) error {
	c.floor = max(0, m.ChangesMax-changeWindow)
	changes, err := c.store.ScoreChangesAbove(ctx, c.floor)
	if err != nil {
		return err
	}
	c.entries = map[int64]*entry{}
	c.byOutlet = map[int64]map[int64]bool{}
	c.ids = nil
	var missing []int64
	err = c.store.ScoreCorpus(ctx, c.key, func(batch []models.ScoreArticle) error {
		for _, a := range batch {
			if e := c.decodeCached(a); e != nil {
				c.put(e)
				c.ids = append(c.ids, e.id)
			} else {
				missing = append(missing, a.ID)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for len(missing) > 0 {
		n := min(len(missing), 1000)
		entries, err := c.compute(ctx, missing[:n])
		if err != nil {
			return err
		}
		for _, e := range entries {
			if e.counts {
				c.put(e)
				c.ids = append(c.ids, e.id)
			}
		}
		missing = missing[n:]
	}
	slices.Sort(c.ids)
	if c.names, err = c.store.OutletNames(ctx); err != nil {
		return err
	}
	c.views = map[Dates]*outletView{}
	c.derived = map[string]derivedTable{}
	c.gen++
	c.loaded = true
	c.advance(changes, m)
	return nil
}

func (c *corpus) decodeCached(a models.ScoreArticle) *entry {
	if a.Cached == nil {
		return nil
	}
	var res score.ArticleResult
	if err := json.Unmarshal(a.Cached, &res); err != nil || res.Methodology != score.MethodologyVersion {
		return nil
	}
	return newEntry(a.ID, a.OutletID, a.PublishedAt, &res)
}

// put adds an entry (not to ids: callers keep those sorted).
func (c *corpus) put(e *entry) {
	c.entries[e.id] = e
	for _, o := range e.outlets {
		set := c.byOutlet[o]
		if set == nil {
			set = map[int64]bool{}
			c.byOutlet[o] = set
		}
		set[e.id] = true
	}
}

// compute scores articles from their inputs and stores the results for every replica.
func (c *corpus) compute(ctx context.Context, ids []int64) ([]*entry, error) {
	inputs, err := c.store.ScoreInputs(ctx, ids, c.key.Variant)
	if err != nil {
		return nil, err
	}
	out := make([]*entry, 0, len(inputs))
	cache := make([]models.ScoreCacheEntry, 0, len(inputs))
	for _, in := range inputs {
		res := score.ScoreArticle(scoreInput(in), c.excluded)
		out = append(out, newEntry(in.Article.ID, in.Article.OutletID, in.Article.PublishedAt, &res))
		b, err := json.Marshal(res)
		if err != nil {
			return nil, fmt.Errorf("encode score of article %d: %w", in.Article.ID, err)
		}
		cache = append(cache, models.ScoreCacheEntry{ArticleID: in.Article.ID, DataVersion: in.Article.DataVersion, OutletID: in.Article.OutletID, Result: b})
	}
	if err := c.store.SaveScoreCache(ctx, c.key, cache); err != nil {
		// The held results are right; only other replicas lose the shortcut.
		c.log.Warn("score cache not saved", "err", err)
	}
	return out, nil
}

// SetCredit gives an article's score input what its crediting follows, from its stored regions
// with every reviewer's decisions: the reviewers' votes, which score.CreditedRegions combines by
// majority. The scores and the export both call it, so they credit passages alike. This is the
// one place for a curator's decision to enter: set a.Curated and a.Regions to the consensus
// regions of an adjudicated article (and keep them out of the votes).
//
// An adjudicated article (curated) is credited by its consensus regions, in both layers.
func SetCredit(a *score.Article, rs []models.Region, curated bool, consensus []models.Region) {
	a.RegionVotes = regionVotes(rs)
	if curated {
		a.Curated, a.Regions = true, ConsensusRegions(consensus)
	}
}

// regionVotes turns stored regions into the reviewers' votes (annotate.RegionHolders).
func regionVotes(rs []models.Region) []score.RegionVote {
	out := make([]score.RegionVote, 0, len(rs))
	for _, r := range rs {
		decisions := make(map[int64]string, len(r.Decisions))
		for _, d := range r.Decisions {
			decisions[d.UserID] = d.Status
		}
		owner := annotate.RegionOwner{Origin: r.Origin}
		if r.CreatedBy != nil {
			owner.CreatedBy = *r.CreatedBy
		}
		v := score.RegionVote{Region: score.Region{Kind: score.RegionKind(r.Kind), Start: r.Start, End: r.End},
			Holders: annotate.RegionHolders(owner, r.Status, decisions)}
		if r.OriginOutletID != nil {
			v.OriginOutletID = *r.OriginOutletID
		}
		out = append(out, v)
	}
	return out
}

// ConsensusRegions turns an adjudicated article's consensus regions into the regions that
// credit it (score.Article.Regions with Curated): the curator's decision, in both layers.
func ConsensusRegions(rs []models.Region) []score.Region {
	out := make([]score.Region, 0, len(rs))
	for _, r := range rs {
		reg := score.Region{Kind: score.RegionKind(r.Kind), Start: r.Start, End: r.End}
		if r.OriginOutletID != nil {
			reg.OriginOutletID = *r.OriginOutletID
		}
		out = append(out, reg)
	}
	return out
}

// scoreInput turns stored rows into the score package's input.
func scoreInput(in models.ScoreInput) score.Article {
	a := score.Article{ID: in.Article.ID, OutletID: in.Article.OutletID, Length: in.Article.TextLength, Reviewers: in.Reviewers,
		ReopenedAfterViewing: in.ReopenedAfterViewing}
	SetCredit(&a, in.Regions, in.Curated, in.Consensus)
	for _, n := range in.Annotations {
		a.Annotations = append(a.Annotations, score.Annotation{ReviewerID: n.UserID, Label: score.Label(n.Label), Start: n.Start, End: n.End})
	}
	return a
}

// apply replaces the results of the changed articles and re-rolls only the outlets they
// credit, before or after the change, in every held view.
func (c *corpus) apply(ctx context.Context, changed []int64) error {
	stored, err := c.store.ScoreArticlesByID(ctx, c.key, changed)
	if err != nil {
		return err
	}
	fresh := map[int64]*entry{}
	var missing []int64
	for _, a := range stored {
		if !a.Scored {
			// No finished review the variant counts (most changes: work on an open review):
			// its result would count for nothing, so nothing is computed or stored.
			continue
		}
		if e := c.decodeCached(a); e != nil {
			fresh[a.ID] = e
		} else {
			missing = append(missing, a.ID)
		}
	}
	computed, err := c.compute(ctx, missing)
	if err != nil {
		return err
	}
	for _, e := range computed {
		fresh[e.id] = e
	}

	affected := map[int64]bool{}
	for _, id := range changed {
		if old := c.entries[id]; old != nil {
			for _, o := range old.outlets {
				affected[o] = true
				delete(c.byOutlet[o], id)
			}
			delete(c.entries, id)
			if i, ok := slices.BinarySearch(c.ids, id); ok {
				c.ids = slices.Delete(c.ids, i, i+1)
			}
		}
		if e := fresh[id]; e != nil && e.counts {
			for _, o := range e.outlets {
				affected[o] = true
			}
			c.put(e)
			i, _ := slices.BinarySearch(c.ids, id)
			c.ids = slices.Insert(c.ids, i, id)
		}
	}
	c.gen++
	clear(c.derived)
	for d, v := range c.views {
		for o := range affected {
			delete(v.enc, o)
			if row, ok := c.outletRow(d, o); ok {
				v.rows[o] = row
			} else {
				delete(v.rows, o)
			}
		}
		v.sorted = nil
	}
	return nil
}

// resultSeq yields the held results in a date range, in article id order, each unpacked only
// while it is yielded: the reviewer and agreement tables and the monthly rows read every
// result, and unpacked all at once they had cost about 1.5 kB an article of transient memory
// (150 MB at 100,000 articles) where a packed result is about 200 B.
func (c *corpus) resultSeq(d Dates) iter.Seq[*score.ArticleResult] {
	return entrySeq(c.ids, c.entries, d.includes)
}

// entrySeq yields the unpacked results of the entries of ids (ascending) that keep accepts.
func entrySeq(ids []int64, entries map[int64]*entry, keep func(*entry) bool) iter.Seq[*score.ArticleResult] {
	return func(yield func(*score.ArticleResult) bool) {
		for _, id := range ids {
			if e := entries[id]; keep(e) {
				r := e.result()
				if !yield(&r) {
					return
				}
			}
		}
	}
}

// outletRows returns the outlet rows of a date range, sorted by outlet id; the slice is shared
// and must not be modified.
func (c *corpus) outletRows(d Dates) []score.OutletRow {
	v := c.views[d]
	if v == nil {
		v = &outletView{rows: c.rollUp(d), enc: map[int64]*encodedRow{}}
		if len(c.views) >= maxViews {
			var oldest Dates
			least := ^uint64(0)
			for k, w := range c.views {
				if w.used < least && k.bounded() {
					oldest, least = k, w.used
				}
			}
			delete(c.views, oldest)
		}
		c.views[d] = v
	}
	c.clock++
	v.used = c.clock
	if v.sorted == nil {
		v.sorted = make([]score.OutletRow, 0, len(v.rows))
		for _, r := range v.rows {
			v.sorted = append(v.sorted, r)
		}
		slices.SortFunc(v.sorted, func(a, b score.OutletRow) int { return cmp.Compare(a.OutletID, b.OutletID) })
	}
	return v.sorted
}

// derive returns a table computed from the held results, computing it at most once per
// change (key names the table and its parameters).
func (c *corpus) derive(key string, compute func() any) any {
	if t, ok := c.derived[key]; ok && t.gen == c.gen {
		return t.value
	}
	if len(c.derived) >= maxDerived {
		clear(c.derived)
	}
	v := compute()
	c.derived[key] = derivedTable{gen: c.gen, value: v}
	return v
}

// monthRows rolls up each month of the selected outlets (all when none is selected).
func (c *corpus) monthRows(q Query) []PeriodRow {
	key := fmt.Sprintf("months|%v|%v|%v", q.Dates.From, q.Dates.To, q.Outlets)
	return c.derive(key, func() any {
		byMonth := map[string][]int64{}
		for _, id := range c.ids {
			e := c.entries[id]
			if e.published == nil || !q.Dates.includes(e) {
				continue
			}
			if q.Outlets != nil && !e.credits(q) {
				continue
			}
			m := e.published.UTC().Format("2006-01")
			byMonth[m] = append(byMonth[m], id)
		}
		months := make([]string, 0, len(byMonth))
		for m := range byMonth {
			months = append(months, m)
		}
		slices.Sort(months)
		all := func(*entry) bool { return true }
		var out []PeriodRow
		for _, m := range months {
			if q.Outlets != nil {
				for _, o := range q.Outlets {
					if r, ok := score.RollUpOutletSeq(o, entrySeq(byMonth[m], c.entries, all), score.Options{}); ok {
						out = append(out, PeriodRow{Period: m, OutletRow: r})
					}
				}
				continue
			}
			for _, r := range score.RollUpSeq(entrySeq(byMonth[m], c.entries, all), score.Options{}) {
				out = append(out, PeriodRow{Period: m, OutletRow: r})
			}
		}
		return out
	}).([]PeriodRow)
}
