package api

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"weak"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/annotate/score"
	"github.com/credence-project/credence/models"
)

// How the scores stay fresh without recomputing the corpus on every request.
//
// Per article, score.ScoreArticle's result is stored in article_score_cache keyed by (article,
// data_version, publisher, excluded reviewers, methodology version), so every replica shares it
// and nothing lives only in process memory. In process, a scoreCorpus per exclusion list holds
// those results with the outlet rows rolled up from them. A request first reads a fingerprint
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

const (
	changeWindow = 512 // score_changes ids re-checked below the newest seen
	maxCorpora   = 4   // exclusion lists held at once
	maxViews     = 16  // date ranges held per corpus
	maxDerived   = 32  // derived tables held per corpus
	// reloadAbove: more changed articles than this at once (an outlet merge) reload the corpus.
	reloadAbove = 20000
)

// scoreService holds the rolled-up scores of one server.
type scoreService struct {
	store *models.Store
	log   *slog.Logger

	mu      sync.Mutex
	corpora map[string]*scoreCorpus
	used    []string // exclusion keys, least recently used first
}

// scoreServices attaches a scoreService to each Server without keeping the Server alive.
var scoreServices sync.Map // weak.Pointer[Server] → *scoreService

func (s *Server) scores() *scoreService {
	k := weak.Make(s)
	if v, ok := scoreServices.Load(k); ok {
		return v.(*scoreService)
	}
	v, loaded := scoreServices.LoadOrStore(k, &scoreService{store: s.store, log: s.log, corpora: map[string]*scoreCorpus{}})
	if !loaded {
		runtime.AddCleanup(s, func(k weak.Pointer[Server]) { scoreServices.Delete(k) }, k)
	}
	return v.(*scoreService)
}

// corpus returns the held corpus for an exclusion list (sorted, unique), fresh.
func (ss *scoreService) corpus(ctx context.Context, excluded []int64) (*scoreCorpus, error) {
	key := models.ScoreCacheKey{Excluded: joinIDs(excluded), Methodology: score.MethodologyVersion}
	ss.mu.Lock()
	c := ss.corpora[key.Excluded]
	if c == nil {
		c = &scoreCorpus{store: ss.store, log: ss.log, key: key, excluded: excluded}
		ss.corpora[key.Excluded] = c
	}
	ss.used = append(slices.DeleteFunc(ss.used, func(k string) bool { return k == key.Excluded }), key.Excluded)
	if len(ss.used) > maxCorpora {
		delete(ss.corpora, ss.used[0])
		ss.used = ss.used[1:]
	}
	ss.mu.Unlock()

	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.refresh(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// scoreEntry is one article's result; entries are never changed, only replaced.
type scoreEntry struct {
	id, outlet int64
	published  *time.Time
	res        score.ArticleResult
}

// scoreCorpus is the per-article results under one exclusion list with what is derived from
// them. Its fields are guarded by mu.
type scoreCorpus struct {
	store    *models.Store
	log      *slog.Logger
	key      models.ScoreCacheKey
	excluded []int64

	mu       sync.Mutex
	loaded   bool
	floor    int64
	mark     models.ScoreMark
	seen     map[int64]bool // change ids above floor already applied
	entries  map[int64]*scoreEntry
	ids      []int64 // sorted ids of entries
	byOutlet map[int64]map[int64]bool
	gen      uint64 // counts loads and applied changes: derived tables are valid for one gen
	clock    uint64 // orders uses of views
	names    map[int64]string
	views    map[dateRange]*outletView
	derived  map[string]derivedTable
}

// dateRange selects articles by published_at: [from, to); nil ends are open. An article with
// no date is in the unbounded range only.
type dateRange struct{ from, to time.Time }

func (d dateRange) bounded() bool { return !d.from.IsZero() || !d.to.IsZero() }

func (d dateRange) includes(e *scoreEntry) bool {
	if !d.bounded() {
		return true
	}
	if e.published == nil {
		return false
	}
	return (d.from.IsZero() || !e.published.Before(d.from)) && (d.to.IsZero() || e.published.Before(d.to))
}

// outletView is the outlet rows over one date range, kept up to date change by change.
type outletView struct {
	rows   map[int64]score.OutletRow
	sorted []score.OutletRow // rebuilt (never modified) when rows change; nil when stale
	used   uint64
}

type derivedTable struct {
	gen   uint64
	value any
}

func (c *scoreCorpus) refresh(ctx context.Context) error {
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
func (c *scoreCorpus) advance(changes []models.ScoreChange, m models.ScoreMark) {
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
func (c *scoreCorpus) load(ctx context.Context, m models.ScoreMark) error {
	c.floor = max(0, m.ChangesMax-changeWindow)
	changes, err := c.store.ScoreChangesAbove(ctx, c.floor)
	if err != nil {
		return err
	}
	c.entries = map[int64]*scoreEntry{}
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
			if counts(e) {
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
	c.views = map[dateRange]*outletView{}
	c.derived = map[string]derivedTable{}
	c.gen++
	c.loaded = true
	c.advance(changes, m)
	return nil
}

// counts tells whether an article matters to any figure: someone completed it.
func counts(e *scoreEntry) bool { return len(e.res.Reviewers) > 0 || len(e.res.Excluded) > 0 }

func (c *scoreCorpus) decodeCached(a models.ScoreArticle) *scoreEntry {
	if a.Cached == nil {
		return nil
	}
	e := &scoreEntry{id: a.ID, outlet: a.OutletID, published: a.PublishedAt}
	if err := json.Unmarshal(a.Cached, &e.res); err != nil || e.res.Methodology != score.MethodologyVersion {
		return nil
	}
	return e
}

// put adds an entry (not to ids: callers keep those sorted).
func (c *scoreCorpus) put(e *scoreEntry) {
	c.entries[e.id] = e
	for _, p := range e.res.Outlets {
		set := c.byOutlet[p.OutletID]
		if set == nil {
			set = map[int64]bool{}
			c.byOutlet[p.OutletID] = set
		}
		set[e.id] = true
	}
}

// compute scores articles from their inputs and stores the results for every replica.
func (c *scoreCorpus) compute(ctx context.Context, ids []int64) ([]*scoreEntry, error) {
	inputs, err := c.store.ScoreInputs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*scoreEntry, 0, len(inputs))
	cache := make([]models.ScoreCacheEntry, 0, len(inputs))
	for _, in := range inputs {
		res := score.ScoreArticle(scoreInput(in), c.excluded)
		out = append(out, &scoreEntry{id: in.Article.ID, outlet: in.Article.OutletID, published: in.Article.PublishedAt, res: res})
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

// scoreInput turns stored rows into the score package's input.
func scoreInput(in models.ScoreInput) score.Article {
	a := score.Article{ID: in.Article.ID, OutletID: in.Article.OutletID, Length: in.Article.TextLength, Reviewers: in.Reviewers}
	for _, r := range in.Regions {
		reg := score.Region{Kind: score.RegionKind(r.Kind), Start: r.Start, End: r.End}
		if r.OriginOutletID != nil {
			reg.OriginOutletID = *r.OriginOutletID
		}
		a.Regions = append(a.Regions, reg)
	}
	for _, n := range in.Annotations {
		a.Annotations = append(a.Annotations, score.Annotation{ReviewerID: n.UserID, Label: score.Label(n.Label), Start: n.Start, End: n.End})
	}
	return a
}

// apply replaces the results of the changed articles and re-rolls only the outlets they
// credit, before or after the change, in every held view.
func (c *scoreCorpus) apply(ctx context.Context, changed []int64) error {
	stored, err := c.store.ScoreArticlesByID(ctx, c.key, changed)
	if err != nil {
		return err
	}
	fresh := map[int64]*scoreEntry{}
	var missing []int64
	for _, a := range stored {
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
			for _, p := range old.res.Outlets {
				affected[p.OutletID] = true
				delete(c.byOutlet[p.OutletID], id)
			}
			delete(c.entries, id)
			if i, ok := slices.BinarySearch(c.ids, id); ok {
				c.ids = slices.Delete(c.ids, i, i+1)
			}
		}
		if e := fresh[id]; e != nil && counts(e) {
			for _, p := range e.res.Outlets {
				affected[p.OutletID] = true
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

// outletRow rolls up one outlet over a date range.
func (c *scoreCorpus) outletRow(d dateRange, outlet int64) (score.OutletRow, bool) {
	var results []score.ArticleResult
	for id := range c.byOutlet[outlet] {
		if e := c.entries[id]; d.includes(e) {
			results = append(results, e.res)
		}
	}
	return score.RollUpOutlet(outlet, results, score.Options{})
}

// results returns the held results in a date range, in article id order.
func (c *scoreCorpus) results(d dateRange) []score.ArticleResult {
	out := make([]score.ArticleResult, 0, len(c.ids))
	for _, id := range c.ids {
		if e := c.entries[id]; d.includes(e) {
			out = append(out, e.res)
		}
	}
	return out
}

// outletRows returns the outlet rows of a date range, sorted by outlet id; the slice is shared
// and must not be modified.
func (c *scoreCorpus) outletRows(d dateRange) []score.OutletRow {
	v := c.views[d]
	if v == nil {
		v = &outletView{rows: map[int64]score.OutletRow{}}
		for _, r := range score.RollUp(c.results(d), score.Options{}) {
			v.rows[r.OutletID] = r
		}
		if len(c.views) >= maxViews {
			var oldest dateRange
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
		slices.SortFunc(v.sorted, func(a, b score.OutletRow) int { return cmpID(a.OutletID, b.OutletID) })
	}
	return v.sorted
}

func cmpID(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// derive returns a table computed from the held results, computing it at most once per
// change (key names the table and its parameters).
func (c *scoreCorpus) derive(key string, compute func() any) any {
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

// scoreQuery is the parsed query of a score route.
type scoreQuery struct {
	format      string // "json" or "csv"
	excluded    []int64
	outlets     []int64 // credited outlets; nil for all
	dates       dateRange
	minArticles int
	hideLow     bool
	byMonth     bool
}

func (q scoreQuery) wantsOutlet(id int64) bool {
	return q.outlets == nil || slices.Contains(q.outlets, id)
}

// filters echoes the query in the response, so that a published table says how it was made.
func (q scoreQuery) filters() gin.H {
	f := gin.H{"outlet_id": q.outlets, "min_articles": q.minArticles, "hide_low_sample": q.hideLow}
	if !q.dates.from.IsZero() {
		f["from"] = q.dates.from
	}
	if !q.dates.to.IsZero() {
		f["to"] = q.dates.to
	}
	if q.byMonth {
		f["by"] = "month"
	}
	return f
}

// parseScoreQuery reads the query parameters shared by the score routes; bad values are 400.
func parseScoreQuery(c *gin.Context) (scoreQuery, error) {
	q := scoreQuery{minArticles: score.DefaultMinArticles}
	var err error
	if q.format, err = parseFormat(c, "json", "json", "csv"); err != nil {
		return q, err
	}
	if q.excluded, err = parseIDList(c, "exclude_reviewers"); err != nil {
		return q, err
	}
	if q.outlets, err = parseIDList(c, "outlet_id"); err != nil {
		return q, err
	}
	if q.dates, err = parseDates(c); err != nil {
		return q, err
	}
	if v := c.Query("min_articles"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			return q, fieldErr(CodeBadRequest, "min_articles", "min_articles must be a whole number from 1 to 1000000")
		}
		q.minArticles = n
	}
	if q.hideLow, err = parseBool(c, "hide_low_sample"); err != nil {
		return q, err
	}
	switch v := c.Query("by"); v {
	case "":
	case "month":
		q.byMonth = true
	default:
		return q, fieldErr(CodeBadRequest, "by", "by must be \"month\" or absent, not %q", v)
	}
	return q, nil
}

func parseFormat(c *gin.Context, def string, allowed ...string) (string, error) {
	v := c.DefaultQuery("format", def)
	if !slices.Contains(allowed, v) {
		return "", fieldErr(CodeBadFormat, "format", "format must be one of %s, not %q", strings.Join(allowed, ", "), v)
	}
	return v, nil
}

func parseBool(c *gin.Context, name string) (bool, error) {
	v := c.Query(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fieldErr(CodeBadRequest, name, "%s must be true or false", name)
	}
	return b, nil
}

const maxIDList = 1000

// parseIDList reads a comma-separated list of positive ids (repeated parameters add up),
// sorted and without duplicates; nil when absent.
func parseIDList(c *gin.Context, name string) ([]int64, error) {
	var out []int64
	for _, v := range c.QueryArray(name) {
		for part := range strings.SplitSeq(v, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			id, err := strconv.ParseInt(part, 10, 64)
			if err != nil || id <= 0 {
				return nil, fieldErr(CodeBadRequest, name, "%s must be comma-separated positive integer ids; %q is not one", name, part)
			}
			out = append(out, id)
		}
	}
	if len(out) > maxIDList {
		return nil, fieldErr(CodeBadRequest, name, "%s may list at most %d ids", name, maxIDList)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// parseDates reads ?from= and ?to= (RFC 3339, or a date YYYY-MM-DD). from is inclusive; to is
// exclusive for a time and includes the whole day for a date.
func parseDates(c *gin.Context) (dateRange, error) {
	var d dateRange
	parse := func(name string, endOfDay bool) (time.Time, error) {
		v := c.Query(name)
		if v == "" {
			return time.Time{}, nil
		}
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return t.UTC(), nil
		}
		if t, err := time.Parse(time.DateOnly, v); err == nil {
			if endOfDay {
				t = t.AddDate(0, 0, 1)
			}
			return t, nil
		}
		return time.Time{}, fieldErr(CodeBadRequest, name, "%s must be a date (2024-05-31) or an RFC 3339 time, not %q", name, v)
	}
	var err error
	if d.from, err = parse("from", false); err != nil {
		return d, err
	}
	if d.to, err = parse("to", true); err != nil {
		return d, err
	}
	if !d.from.IsZero() && !d.to.IsZero() && !d.from.Before(d.to) {
		return d, fieldErr(CodeBadRequest, "to", "to must be after from")
	}
	return d, nil
}

func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

// scoreMeta is what every score response says beside its rows.
func scoreMeta(c *scoreCorpus, q scoreQuery) gin.H {
	opt := score.Options{MinArticles: q.minArticles, ExcludeReviewers: q.excluded}.Normalized()
	excl := q.excluded
	if excl == nil {
		excl = []int64{}
	}
	return gin.H{
		"methodology":        score.MethodologyVersion,
		"options":            opt,
		"excluded_reviewers": excl,
		"filters":            q.filters(),
		"data_version":       fmt.Sprintf("%d.%d.%d", c.mark.AuditMax, c.mark.ChangesMax, c.mark.Count),
	}
}

// periodRow is an outlet row of one month (by=month).
type periodRow struct {
	Period string `json:"period"`
	score.OutletRow
}

// lockedCorpus returns the scored corpus for q, locked: the caller unlocks it.
func (s *Server) lockedCorpus(c *gin.Context, q scoreQuery) (*scoreCorpus, error) {
	corpus, err := s.scores().corpus(c.Request.Context(), q.excluded)
	if err != nil {
		return nil, err
	}
	corpus.mu.Lock()
	return corpus, nil
}

// outletScores answers GET /api/v1/scores/outlets.
func (s *Server) outletScores(c *gin.Context) error {
	q, err := parseScoreQuery(c)
	if err != nil {
		return err
	}
	corpus, err := s.lockedCorpus(c, q)
	if err != nil {
		return err
	}
	var rows []periodRow
	if q.byMonth {
		rows = corpus.monthRows(q)
	} else {
		for _, r := range corpus.outletRows(q.dates) {
			if q.wantsOutlet(r.OutletID) {
				rows = append(rows, periodRow{OutletRow: r})
			}
		}
	}
	names := corpus.names
	meta := scoreMeta(corpus, q)
	corpus.mu.Unlock()

	items := make([]periodRow, 0, len(rows))
	for _, r := range rows {
		r.Outlet = names[r.OutletID]
		r.LowSample = r.Articles < q.minArticles
		if q.hideLow && r.LowSample {
			continue
		}
		items = append(items, r)
	}
	if q.format == "csv" {
		header := score.OutletColumns()
		if q.byMonth {
			header = append([]string{"period"}, header...)
		}
		writeCSV(c, "outlet-scores.csv", header, len(items), func(i int) []string {
			rec := items[i].Record()
			if q.byMonth {
				rec = append([]string{items[i].Period}, rec...)
			}
			return rec
		})
		return nil
	}
	meta["items"] = items
	meta["next_cursor"] = ""
	c.JSON(http.StatusOK, meta)
	return nil
}

// monthRows rolls up each month of the selected outlets (all when none is selected).
func (c *scoreCorpus) monthRows(q scoreQuery) []periodRow {
	key := fmt.Sprintf("months|%v|%v|%v", q.dates.from, q.dates.to, q.outlets)
	return c.derive(key, func() any {
		byMonth := map[string][]score.ArticleResult{}
		for _, id := range c.ids {
			e := c.entries[id]
			if e.published == nil || !q.dates.includes(e) {
				continue
			}
			if q.outlets != nil && !slices.ContainsFunc(e.res.Outlets, func(p score.OutletPart) bool { return q.wantsOutlet(p.OutletID) }) {
				continue
			}
			m := e.published.UTC().Format("2006-01")
			byMonth[m] = append(byMonth[m], e.res)
		}
		months := make([]string, 0, len(byMonth))
		for m := range byMonth {
			months = append(months, m)
		}
		slices.Sort(months)
		var out []periodRow
		for _, m := range months {
			if q.outlets != nil {
				for _, o := range q.outlets {
					if r, ok := score.RollUpOutlet(o, byMonth[m], score.Options{}); ok {
						out = append(out, periodRow{Period: m, OutletRow: r})
					}
				}
				continue
			}
			for _, r := range score.RollUp(byMonth[m], score.Options{}) {
				out = append(out, periodRow{Period: m, OutletRow: r})
			}
		}
		return out
	}).([]periodRow)
}

// articleScores answers GET /api/v1/scores/articles: JSON pages by article id, or every row
// as CSV.
func (s *Server) articleScores(c *gin.Context) error {
	q, err := parseScoreQuery(c)
	if err != nil {
		return err
	}
	p, err := page(c)
	if err != nil {
		return err
	}
	corpus, err := s.lockedCorpus(c, q)
	if err != nil {
		return err
	}
	var picked []*scoreEntry
	more := false
	for _, id := range corpus.ids {
		if q.format == "json" && id <= p.After {
			continue
		}
		e := corpus.entries[id]
		if !q.dates.includes(e) || len(e.res.Reviewers) == 0 {
			continue
		}
		if q.outlets != nil && !slices.ContainsFunc(e.res.Outlets, func(p score.OutletPart) bool { return q.wantsOutlet(p.OutletID) }) {
			continue
		}
		if q.format == "json" && len(picked) == p.Limit {
			more = true
			break
		}
		picked = append(picked, e)
	}
	names := corpus.names
	meta := scoreMeta(corpus, q)
	corpus.mu.Unlock()

	// Entries are immutable, so the rows are built and written without the lock.
	rowsOf := func(e *scoreEntry) []score.ArticleRow {
		rows := score.ArticleRows([]score.ArticleResult{e.res})
		rows = slices.DeleteFunc(rows, func(r score.ArticleRow) bool { return !q.wantsOutlet(r.OutletID) })
		for i := range rows {
			rows[i].Outlet = names[rows[i].OutletID]
		}
		return rows
	}
	if q.format == "csv" {
		startCSV(c, "article-scores.csv")
		w := csv.NewWriter(c.Writer)
		_ = w.Write(score.ArticleColumns())
		for i, e := range picked {
			for _, r := range rowsOf(e) {
				_ = w.Write(r.Record())
			}
			if i%1000 == 999 {
				w.Flush()
				c.Writer.Flush()
			}
		}
		w.Flush()
		return nil
	}
	items := []score.ArticleRow{}
	for _, e := range picked {
		items = append(items, rowsOf(e)...)
	}
	meta["items"] = items
	meta["next_cursor"] = ""
	if more && len(picked) > 0 {
		meta["next_cursor"] = encodeCursor(picked[len(picked)-1].id)
	}
	c.JSON(http.StatusOK, meta)
	return nil
}

// reviewerScores answers GET /api/v1/scores/reviewers: each counted reviewer's agreement with
// the others and shares beside the peers' on the same articles.
func (s *Server) reviewerScores(c *gin.Context) error {
	q, err := parseScoreQuery(c)
	if err != nil {
		return err
	}
	corpus, err := s.lockedCorpus(c, q)
	if err != nil {
		return err
	}
	key := fmt.Sprintf("reviewers|%v|%v", q.dates.from, q.dates.to)
	rows := corpus.derive(key, func() any { return score.ReviewerRollUp(corpus.results(q.dates)) }).([]score.ReviewerRow)
	meta := scoreMeta(corpus, q)
	corpus.mu.Unlock()

	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ReviewerID
	}
	names, err := s.store.UserNames(c.Request.Context(), ids)
	if err != nil {
		return err
	}
	items := make([]score.ReviewerRow, len(rows))
	for i, r := range rows {
		r.Reviewer = names[r.ReviewerID]
		items[i] = r
	}
	if q.format == "csv" {
		header := []string{"reviewer_id", "reviewer", "articles", "scored_chars", "shared_articles", "shared_chars", "agreement_alpha"}
		for _, l := range score.AllLabels {
			header = append(header, string(l)+"_share", string(l)+"_shared_share", string(l)+"_peer_share", string(l)+"_alpha")
		}
		writeCSV(c, "reviewer-scores.csv", header, len(items), func(i int) []string {
			r := items[i]
			rec := []string{i64s(r.ReviewerID), r.Reviewer, strconv.Itoa(r.Articles), strconv.Itoa(r.ScoredChars),
				strconv.Itoa(r.SharedArticles), strconv.Itoa(r.SharedChars), r.Alpha.String()}
			for l := range score.AllLabels {
				rec = append(rec, f64s(r.Share[l]), f64s(r.SharedShare[l]), f64s(r.PeerShare[l]), r.LabelAlpha[l].String())
			}
			return rec
		})
		return nil
	}
	meta["items"] = items
	meta["next_cursor"] = ""
	c.JSON(http.StatusOK, meta)
	return nil
}

// agreementScores answers GET /api/v1/scores/agreement: Krippendorff's alpha over the whole
// corpus, overall and per label.
func (s *Server) agreementScores(c *gin.Context) error {
	q, err := parseScoreQuery(c)
	if err != nil {
		return err
	}
	if q.format != "json" {
		return fieldErr(CodeBadFormat, "format", "the agreement is one object; format must be json")
	}
	corpus, err := s.lockedCorpus(c, q)
	if err != nil {
		return err
	}
	key := fmt.Sprintf("agreement|%v|%v", q.dates.from, q.dates.to)
	out := corpus.derive(key, func() any {
		results := corpus.results(q.dates)
		var articles, chars int
		reviewers := map[int64]bool{}
		for _, r := range results {
			if len(r.Reviewers) == 0 {
				continue
			}
			articles++
			chars += r.ScoredChars()
			for _, id := range r.Reviewers {
				reviewers[id] = true
			}
		}
		return gin.H{"agreement": score.CorpusAgreement(results), "articles": articles, "reviewers": len(reviewers), "scored_chars": chars}
	}).(gin.H)
	meta := scoreMeta(corpus, q)
	corpus.mu.Unlock()
	agr := out["agreement"].(score.AgreementRow)
	meta["agreement_alpha"] = agr.Alpha
	meta["label_alpha"] = agr.Labels
	meta["articles"] = out["articles"]
	meta["reviewers"] = out["reviewers"]
	meta["scored_chars"] = out["scored_chars"]
	c.JSON(http.StatusOK, meta)
	return nil
}

// startCSV sets the headers of a CSV download.
func startCSV(c *gin.Context, filename string) {
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="`+filename+`"`)
	c.Status(http.StatusOK)
}

// writeCSV writes a header and n records as a CSV download.
func writeCSV(c *gin.Context, filename string, header []string, n int, record func(i int) []string) {
	startCSV(c, filename)
	w := csv.NewWriter(c.Writer)
	_ = w.Write(header)
	for i := range n {
		_ = w.Write(record(i))
	}
	w.Flush()
}

func i64s(v int64) string   { return strconv.FormatInt(v, 10) }
func f64s(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// Query parameters of the score and export routes, for the OpenAPI document.
var (
	scoreParams        = []string{"format", "exclude_reviewers", "outlet_id", "from", "to", "min_articles", "hide_low_sample", "by"}
	articleScoreParams = append(slices.Clone(scoreParams), "limit", "cursor")
	exportParams       = []string{"format", "outlet_id", "from", "to", "label", "user_id"}
)

// scoreSchemas are the OpenAPI schemas of the score and export responses, built from the
// score package's column lists so that they cannot drift from the rows.
func scoreSchemas() map[string]any {
	nullNum := orNull(number)
	columns := func(names []string) map[string]any {
		props := map[string]any{}
		for _, n := range names {
			switch {
			case n == "outlet" || n == "period":
				props[n] = str
			case n == "low_sample":
				props[n] = boolean
			case strings.HasSuffix(n, "_alpha"):
				props[n] = nullNum
			case strings.HasSuffix(n, "_id") || n == "articles" || n == "reviewers" || n == "scored_chars":
				props[n] = integer
			default:
				props[n] = number
			}
		}
		return props
	}
	perLabel := func(s map[string]any) map[string]any {
		props := map[string]any{}
		for _, l := range score.AllLabels {
			props[string(l)] = s
		}
		return obj(props)
	}
	meta := map[string]any{
		"methodology": str, "data_version": str, "next_cursor": str,
		"excluded_reviewers": map[string]any{"type": "array", "items": integer},
		"options": obj(map[string]any{"seed": integer, "resamples": integer, "min_articles": integer, "confidence": number,
			"exclude_reviewers": map[string]any{"type": "array", "items": integer}}),
		"filters": map[string]any{"type": "object"},
	}
	withItems := func(item map[string]any) map[string]any {
		props := maps.Clone(meta)
		props["items"] = map[string]any{"type": "array", "items": item}
		return obj(props, "items", "methodology", "excluded_reviewers")
	}
	outletRow := columns(append([]string{"period"}, score.OutletColumns()...))
	reviewer := obj(map[string]any{"reviewer_id": integer, "reviewer": str, "articles": integer, "scored_chars": integer,
		"share": perLabel(number), "shared_articles": integer, "shared_chars": integer, "shared_share": perLabel(number),
		"peer_share": perLabel(number), "agreement_alpha": nullNum, "label_alpha": perLabel(nullNum)})
	agreement := maps.Clone(meta)
	agreement["agreement_alpha"] = nullNum
	agreement["label_alpha"] = perLabel(nullNum)
	agreement["articles"], agreement["reviewers"], agreement["scored_chars"] = integer, integer, integer
	export := map[string]any{"credits": map[string]any{"type": "array", "items": obj(map[string]any{"start": integer, "end": integer, "outlet_id": nullInt, "excluded": str})}}
	for _, col := range exportColumns {
		if col.name == "credits" {
			continue
		}
		switch col.kind {
		case "integer":
			export[col.name] = integer
		case "boolean":
			export[col.name] = boolean
		case "datetime":
			export[col.name] = tstamp
		default:
			export[col.name] = str
		}
	}
	export["credited_outlet_id"] = nullInt
	return map[string]any{
		"OutletScores":    withItems(obj(outletRow)),
		"ArticleScores":   withItems(obj(columns(score.ArticleColumns()))),
		"ReviewerScores":  withItems(reviewer),
		"CorpusAgreement": obj(agreement, "agreement_alpha", "label_alpha"),
		"ExportRecord":    obj(export, "id", "article_id", "outlet_id", "user_id", "label", "start", "end", "exact"),
		"DataPackage": obj(map[string]any{"profile": str, "name": str, "title": str, "description": str, "created": tstamp,
			"resources": map[string]any{"type": "array", "items": obj(map[string]any{"name": str, "path": str, "title": str,
				"profile": str, "format": str, "mediatype": str, "encoding": str, "schema": map[string]any{"type": "object"}})}}),
	}
}
