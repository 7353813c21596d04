package models

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ScoreArticle is what the scores need to know about an article besides its annotations:
// its publisher, date, length and the version of its annotations, regions and reviews.
type ScoreArticle struct {
	ID          int64
	OutletID    int64
	PublishedAt *time.Time
	DataVersion int64
	TextLength  int
	// Cached is the stored per-article result for the requested key, nil when there is none
	// valid for the current data version and publisher.
	Cached []byte `gorm:"column:result"`
	// Scored: the key's variant scores the article (scoredArticle). ScoreCorpus returns scored
	// articles only; ScoreArticlesByID tells.
	Scored bool
}

// ScoreAnnotation is one annotation as the scores see it. Accepted machine suggestions are
// ordinary annotations of the reviewer who accepted them.
type ScoreAnnotation struct {
	ArticleID int64
	UserID    int64
	Label     string
	Start     int `gorm:"column:start_cp"`
	End       int `gorm:"column:end_cp"`
}

// ScoreInput is everything the score of one article is computed from.
type ScoreInput struct {
	Article   ScoreArticle
	Regions   []Region // every region of the reviewers' layer, with every reviewer's decisions (Region.Decisions)
	Reviewers []int64  // reviewers whose review is completed
	// ReopenedAfterViewing are the reviewers among them whose review an admin reopened after
	// they had seen the others' work.
	ReopenedAfterViewing []int64
	Annotations          []ScoreAnnotation
	// Curated: the article is adjudicated, and its consensus regions (Consensus) decide the
	// crediting whatever the reviewers' regions.
	Curated   bool
	Consensus []Region
}

// ScoreCacheKey names one family of cached per-article results.
type ScoreCacheKey struct {
	Excluded    string // sorted excluded reviewer ids, comma-separated
	Variant     ScoreVariant
	Methodology string
}

// ScoreCacheEntry is one computed per-article result to store.
type ScoreCacheEntry struct {
	ArticleID   int64
	DataVersion int64
	OutletID    int64
	Result      []byte
}

const scoreBatch = 2000

// ScoreCorpus calls fn, in article id order and in batches, with every article the key's
// variant scores (scoredArticle), and with its cached result under key when one is valid.
func (s *Store) ScoreCorpus(ctx context.Context, key ScoreCacheKey, fn func([]ScoreArticle) error) error {
	after := int64(0)
	for {
		var batch []ScoreArticle
		err := s.scoreCorpusBatch(ctx, key, after).Scan(&batch).Error
		if err != nil {
			return fmt.Errorf("score corpus after %d: %w", after, err)
		}
		if len(batch) == 0 {
			return nil
		}
		for i := range batch {
			batch[i].Scored = true
		}
		if err := fn(batch); err != nil {
			return err
		}
		after = batch[len(batch)-1].ID
	}
}

// ScoreArticlesByID returns the given articles (those that still exist), whether the key's
// variant scores them, and their cached results under key when valid, in id order.
func (s *Store) ScoreArticlesByID(ctx context.Context, key ScoreCacheKey, ids []int64) ([]ScoreArticle, error) {
	var out []ScoreArticle
	for chunk := range batchesOf(ids, 500) {
		var batch []ScoreArticle
		err := s.scoreArticles(ctx, key, ", "+scoredArticle(key.Variant)+" AS scored").
			Where("a.id IN ?", chunk).Order("a.id").Scan(&batch).Error
		if err != nil {
			return nil, fmt.Errorf("score articles: %w", err)
		}
		out = append(out, batch...)
	}
	return out, nil
}

// scoredArticle is the SQL condition on an article (aliased a) that the variant scores: one
// with a completed review in the variant's arm, or for the consensus layer an adjudicated one.
func scoredArticle(v ScoreVariant) string {
	if v.Consensus() {
		return fmt.Sprintf(adjudicatedArticle, "a.id")
	}
	return "EXISTS (SELECT 1 FROM reviews r WHERE r.article_id = a.id AND r.completed_at IS NOT NULL" + v.reviewArm() + ")"
}

// scoreCorpusBatch selects ScoreCorpus's next batch: the scored articles after an id. The
// bound is repeated inside the condition: PostgreSQL does not carry an inequality across
// a.id = r.article_id, and without it each batch's semi-join read the reviews (or
// adjudications) from the first article on, so loading the corpus grew with its square.
func (s *Store) scoreCorpusBatch(ctx context.Context, key ScoreCacheKey, after int64) *gorm.DB {
	return s.scoreArticles(ctx, key, "").Where("a.id > ?", after).Where(scoredArticleAfter(key.Variant), after).
		Order("a.id").Limit(scoreBatch)
}

// scoredArticleAfter is scoredArticle for the articles after an id (its one argument).
func scoredArticleAfter(v ScoreVariant) string {
	if v.Consensus() {
		return fmt.Sprintf(adjudicatedArticle, "a.id AND j.article_id > ?")
	}
	return "EXISTS (SELECT 1 FROM reviews r WHERE r.article_id = a.id AND r.article_id > ? AND r.completed_at IS NOT NULL" + v.reviewArm() + ")"
}

// scoreArticles selects articles (aliased a) with their result cached under key, or NULL,
// and the columns in more. The cached result is a correlated subquery, a probe of the
// cache's primary key per article, rather than a join: with the cache's statistics stale
// (filled by another replica since the last ANALYZE) PostgreSQL planned the join as a
// read and sort of every stored result for each batch of ScoreCorpus.
func (s *Store) scoreArticles(ctx context.Context, key ScoreCacheKey, more string) *gorm.DB {
	return s.db.WithContext(ctx).Table("articles AS a").
		Select(`a.id, a.outlet_id, a.published_at, a.data_version, a.text_length,
			(SELECT c.result FROM article_score_cache c WHERE c.article_id = a.id AND c.excluded = ? AND c.variant = ?
				AND c.methodology = ? AND c.data_version = a.data_version AND c.outlet_id = a.outlet_id) AS result`+more,
			key.Excluded, key.Variant.String(), key.Methodology)
}

// ScoreInputs loads what the scores of the given articles are computed from. Each article's
// DataVersion is read before its annotations, regions and reviews, so a result computed from
// these inputs and stored under that version is never served for a later version: a change
// made while they are read bumps the version past it.
//
// The variant decides whose work is read: in the reviewers' layer the completed reviews of its
// arm and their review-layer annotations; in the consensus layer the adjudicated articles'
// consensus annotations, all credited to the curator who completed the adjudication (the one
// "reviewer" of that layer).
func (s *Store) ScoreInputs(ctx context.Context, ids []int64, v ScoreVariant) ([]ScoreInput, error) {
	var out []ScoreInput
	for chunk := range batchesOf(ids, 500) {
		db := s.db.WithContext(ctx)
		var arts []ScoreArticle
		if err := db.Table("articles").Select("id, outlet_id, published_at, data_version, text_length").
			Where("id IN ?", chunk).Order("id").Scan(&arts).Error; err != nil {
			return nil, fmt.Errorf("score inputs: %w", err)
		}
		credit, err := s.RegionsForCredit(ctx, chunk)
		if err != nil {
			return nil, fmt.Errorf("score inputs: %w", err)
		}
		reviews, err := scoredReviews(db, chunk, v)
		if err != nil {
			return nil, err
		}
		layer := LayerReview
		if v.Consensus() {
			layer = LayerConsensus
		}
		var anns []ScoreAnnotation
		// Orphaned annotations lost their passage in an edit: kept for their reviewer, never scored.
		if err := db.Table("annotations").Select("article_id, user_id, label, start_cp, end_cp").
			Where("article_id IN ? AND status = 'anchored' AND layer = ?", chunk, layer).Order("article_id, id").Scan(&anns).Error; err != nil {
			return nil, fmt.Errorf("score inputs: annotations: %w", err)
		}
		idx := make(map[int64]*ScoreInput, len(arts))
		base := len(out)
		for _, a := range arts {
			out = append(out, ScoreInput{Article: a})
		}
		for i := base; i < len(out); i++ {
			idx[out[i].Article.ID] = &out[i]
		}
		for id, cr := range credit {
			if in := idx[id]; in != nil {
				in.Regions = cr.Regions
				in.Curated, in.Consensus = cr.Curated, cr.Consensus
			}
		}
		for _, r := range reviews {
			if in := idx[r.ArticleID]; in != nil {
				in.Reviewers = append(in.Reviewers, r.UserID)
				if r.ReopenedAfterViewing {
					in.ReopenedAfterViewing = append(in.ReopenedAfterViewing, r.UserID)
				}
			}
		}
		for _, a := range anns {
			if in := idx[a.ArticleID]; in != nil {
				if v.Consensus() {
					if len(in.Reviewers) == 0 {
						continue // not adjudicated: its consensus is not finished
					}
					a.UserID = in.Reviewers[0]
				}
				in.Annotations = append(in.Annotations, a)
			}
		}
	}
	return out, nil
}

// scoredReviews returns the reviews of the given articles whose work the variant counts, in
// article order: completed reviews of its arm, or in the consensus layer one per adjudicated
// article, by the curator who completed it.
func scoredReviews(db *gorm.DB, articles []int64, v ScoreVariant) ([]Review, error) {
	var reviews []Review
	var err error
	if v.Consensus() {
		err = db.Table("adjudications").Select("article_id, completed_by AS user_id, completed_at").
			Where("article_id IN ? AND completed_at IS NOT NULL AND completed_by IS NOT NULL", articles).Order("article_id").Scan(&reviews).Error
	} else {
		err = db.Table("reviews AS r").Where("r.article_id IN ? AND r.completed_at IS NOT NULL"+v.reviewArm(), articles).
			Order("r.article_id, r.user_id").Find(&reviews).Error
	}
	if err != nil {
		return nil, fmt.Errorf("score inputs: reviews: %w", err)
	}
	return reviews, nil
}

// SaveScoreCache stores computed per-article results under key, replacing older ones.
func (s *Store) SaveScoreCache(ctx context.Context, key ScoreCacheKey, entries []ScoreCacheEntry) error {
	type row struct {
		ArticleID   int64
		Excluded    string
		Variant     string
		Methodology string
		DataVersion int64
		OutletID    int64
		Result      string
		ComputedAt  time.Time
	}
	now := nowUTC()
	for chunk := range batchesOf(entries, 200) {
		rows := make([]row, len(chunk))
		for i, e := range chunk {
			rows[i] = row{e.ArticleID, key.Excluded, key.Variant.String(), key.Methodology, e.DataVersion, e.OutletID, string(e.Result), now}
		}
		// A transaction per chunk: on PostgreSQL a failed statement ends its transaction.
		err := s.inTx(ctx, func(tx *gorm.DB) error {
			return tx.Table("article_score_cache").Clauses(clause.OnConflict{
				Columns:   []clause.Column{{Name: "article_id"}, {Name: "excluded"}, {Name: "variant"}, {Name: "methodology"}},
				DoUpdates: clause.AssignmentColumns([]string{"data_version", "outlet_id", "result", "computed_at"}),
			}).Create(&rows).Error
		})
		if err != nil {
			// An article deleted meanwhile violates the foreign key; its result is moot.
			if strings.Contains(strings.ToLower(err.Error()), "foreign key") {
				continue
			}
			return fmt.Errorf("save score cache: %w", err)
		}
	}
	return nil
}

// ScoreMark is a cheap fingerprint of the data behind the scores: the newest audit entry
// (every change writes one, outlet renames included), and the newest score change with the
// number of score changes above a floor. A change committed later with a lower id than one
// already seen (possible on PostgreSQL, whose sequences do not follow commit order) still moves
// the count, as long as it is above the floor.
type ScoreMark struct {
	AuditMax   int64
	ChangesMax int64
	Count      int64
}

// ScoreMark reads the fingerprint with changes counted above floor.
func (s *Store) ScoreMark(ctx context.Context, floor int64) (ScoreMark, error) {
	var m ScoreMark
	err := s.db.WithContext(ctx).Raw(`SELECT
		(SELECT COALESCE(MAX(id), 0) FROM audit_log) AS audit_max,
		(SELECT COALESCE(MAX(id), 0) FROM score_changes) AS changes_max,
		(SELECT COUNT(*) FROM score_changes WHERE id > ?) AS count`, floor).Scan(&m).Error
	if err != nil {
		return m, fmt.Errorf("score mark: %w", err)
	}
	return m, nil
}

// ScoreChange is one recorded change to an article's scoring inputs.
type ScoreChange struct {
	ID        int64
	ArticleID int64
}

// ScoreChangesAbove returns the recorded changes with ids above floor, in id order.
func (s *Store) ScoreChangesAbove(ctx context.Context, floor int64) ([]ScoreChange, error) {
	var out []ScoreChange
	err := s.db.WithContext(ctx).Table("score_changes").Select("id, article_id").
		Where("id > ?", floor).Order("id").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("score changes: %w", err)
	}
	return out, nil
}

// OutletNames returns every outlet's name by id.
func (s *Store) OutletNames(ctx context.Context) (map[int64]string, error) {
	var rows []struct {
		ID   int64
		Name string
	}
	if err := s.db.WithContext(ctx).Table("outlets").Select("id, name").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("outlet names: %w", err)
	}
	out := make(map[int64]string, len(rows))
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}

// UserNames returns the names of the given users by id (deleted users included).
func (s *Store) UserNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	for chunk := range batchesOf(ids, 500) {
		var rows []struct {
			ID   int64
			Name string
		}
		if err := s.db.WithContext(ctx).Table("users").Select("id, name").Where("id IN ?", chunk).Scan(&rows).Error; err != nil {
			return nil, fmt.Errorf("user names: %w", err)
		}
		for _, r := range rows {
			out[r.ID] = r.Name
		}
	}
	return out, nil
}

// ExportFilter narrows an annotation export. Zero fields do not filter.
type ExportFilter struct {
	OutletIDs []int64 // the article's publisher
	From, To  *time.Time
	Label     string
	UserID    int64
	// Layer is LayerReview ("" too) or LayerConsensus: the consensus layer of adjudicated
	// articles only.
	Layer string
	// Curatable keeps to the articles open to curators: a curator's export.
	Curatable bool
}

// ExportRow is one annotation with what an export reports beside it.
type ExportRow struct {
	Annotation
	ArticleOutletID int64
	ArticleURL      string `gorm:"column:article_url"`
	ArticleTitle    string
	PublishedAt     *time.Time
	CompletedAt     *time.Time
}

func (s *Store) exportQuery(ctx context.Context, f ExportFilter) *gorm.DB {
	q := s.db.WithContext(ctx).Table("annotations AS n").
		Joins("JOIN articles a ON a.id = n.article_id").
		Joins("LEFT JOIN users u ON u.id = n.user_id").
		Joins("LEFT JOIN reviews r ON r.article_id = n.article_id AND r.user_id = n.user_id")
	return exportFilters(q, f)
}

// streamQuery is exportQuery without the joins the streamed export does not read: the
// article is joined only when a filter needs it (every annotation has its article, so the
// inner join never drops a row), and names are read once per page instead.
func (s *Store) streamQuery(ctx context.Context, f ExportFilter) *gorm.DB {
	q := s.db.WithContext(ctx).Table("annotations AS n").
		Joins("LEFT JOIN reviews r ON r.article_id = n.article_id AND r.user_id = n.user_id")
	if len(f.OutletIDs) > 0 || f.From != nil || f.To != nil {
		q = q.Joins("JOIN articles a ON a.id = n.article_id")
	}
	return exportFilters(q, f)
}

func exportFilters(q *gorm.DB, f ExportFilter) *gorm.DB {
	// Orphaned annotations lost their passage in an edit of the text: their offsets no longer
	// point at what was marked, so exports (like scores) leave them out.
	q = q.Where("n.status = 'anchored'")
	if len(f.OutletIDs) > 0 {
		q = q.Where("a.outlet_id IN ?", f.OutletIDs)
	}
	if f.From != nil {
		q = q.Where("a.published_at >= ?", *f.From)
	}
	if f.To != nil {
		q = q.Where("a.published_at < ?", *f.To)
	}
	if f.Label != "" {
		q = q.Where("n.label = ?", f.Label)
	}
	if f.UserID != 0 {
		q = q.Where("n.user_id = ?", f.UserID)
	}
	if f.Curatable {
		q = q.Where(fmt.Sprintf(curatableArticle, "n.article_id"))
	}
	if f.Layer == LayerConsensus {
		return q.Where("n.layer = ?", LayerConsensus).Where(fmt.Sprintf(adjudicatedArticle, "n.article_id"))
	}
	return q.Where("n.layer = ?", LayerReview)
}

// ExportAnnotations returns up to limit annotations with ids above after, in id order: one
// keyset page of an export, so that an export of any size holds one page in memory. Rows are
// scanned by hand: at hundreds of thousands of rows per export, reflection per row shows.
func (s *Store) ExportAnnotations(ctx context.Context, f ExportFilter, after int64, limit int) ([]ExportRow, error) {
	rows, err := s.exportQuery(ctx, f).
		Select(`n.id, n.article_id, n.user_id, n.label, n.start_cp, n.end_cp, n.exact, n.prefix, n.suffix, n.note,
			n.source_text, n.source_url, n.status, n.suggestion_rule, n.origin, n.suggestion_model, n.layer, n.version, n.created_at, n.updated_at,
			COALESCE(u.name, ''), a.outlet_id, a.url, a.title, a.published_at, r.completed_at`).
		Where("n.id > ?", after).Order("n.id").Limit(limit).Rows()
	if err != nil {
		return nil, fmt.Errorf("export annotations after %d: %w", after, err)
	}
	defer rows.Close()
	out := make([]ExportRow, 0, limit)
	for rows.Next() {
		var r ExportRow
		var published, completed sql.NullTime
		if err := rows.Scan(&r.ID, &r.ArticleID, &r.UserID, &r.Label, &r.Start, &r.End, &r.Exact, &r.Prefix, &r.Suffix, &r.Note,
			&r.SourceText, &r.SourceURL, &r.Status, &r.SuggestionRule, &r.Origin, &r.SuggestionModel, &r.Layer, &r.Version, &r.CreatedAt, &r.UpdatedAt,
			&r.UserName, &r.ArticleOutletID, &r.ArticleURL, &r.ArticleTitle, &published, &completed); err != nil {
			return nil, fmt.Errorf("export annotations after %d: %w", after, err)
		}
		if published.Valid {
			r.PublishedAt = &published.Time
		}
		if completed.Valid {
			r.CompletedAt = &completed.Time
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("export annotations after %d: %w", after, err)
	}
	return out, nil
}

// CountExportAnnotations counts the annotations an export with this filter holds.
func (s *Store) CountExportAnnotations(ctx context.Context, f ExportFilter) (int64, error) {
	var n int64
	if err := s.exportQuery(ctx, f).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count export: %w", err)
	}
	return n, nil
}

// batchesOf yields consecutive pieces of s of at most n elements.
func batchesOf[T any](s []T, n int) func(yield func([]T) bool) {
	return func(yield func([]T) bool) {
		for len(s) > 0 {
			k := min(n, len(s))
			if !yield(s[:k]) {
				return
			}
			s = s[k:]
		}
	}
}
