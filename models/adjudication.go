package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Adjudication storage: when an article is open to curators, what they see of the finished
// reviews, the one-time pre-merge of what every finished reviewer agrees on, and completion.

// curatableArticle is a SQL condition (a format: the article id column goes in %s) for an
// article open to curators: an admin opened it, or someone finished it and no reviewer it is
// assigned to is still working on it.
const curatableArticle = "(EXISTS (SELECT 1 FROM adjudications o WHERE o.article_id = %[1]s AND o.opened_at IS NOT NULL) OR " +
	"(EXISTS (SELECT 1 FROM reviews f WHERE f.article_id = %[1]s AND f.completed_at IS NOT NULL) AND " +
	"NOT EXISTS (SELECT 1 FROM reviews p WHERE p.article_id = %[1]s AND p.assigned AND p.completed_at IS NULL)))"

// ErrNotCuratable is returned for an article not open to curators yet.
var ErrNotCuratable = errors.New("models: the article is not open to curators")

// Curatable tells whether an article is open to curators (see curatableArticle).
func (s *Store) Curatable(ctx context.Context, articleID int64) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Table("articles AS a").Where("a.id = ?", articleID).
		Where(fmt.Sprintf(curatableArticle, "a.id")).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("curatable article %d: %w", articleID, err)
	}
	return n > 0, nil
}

// AdjudicationOf returns the article's adjudication row, or a zero one (ArticleID set) when
// no curator or admin has touched it.
func (s *Store) AdjudicationOf(ctx context.Context, articleID int64) (*Adjudication, error) {
	var a Adjudication
	err := s.db.WithContext(ctx).Where("article_id = ?", articleID).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return &Adjudication{ArticleID: articleID}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("adjudication of article %d: %w", articleID, err)
	}
	return &a, nil
}

// FinishedReview is a completed review with its reviewer's name.
type FinishedReview struct {
	UserID      int64
	Name        string
	CompletedAt time.Time
}

// AdjudicationData is what a curator adjudicates an article from.
type AdjudicationData struct {
	Adjudication Adjudication
	Finished     []FinishedReview // in user id order
	Reviews      []Annotation     // the finished reviewers' review-layer annotations, in id order
	Consensus    []Annotation     // the article's consensus annotations, in id order
	Regions      []ReviewerRegion // the regions each finished reviewer stands behind, in region id order
	ConsensusReg []Region         // the article's consensus regions, in id order
}

// ReviewerRegion is a region one finished reviewer stands behind: their own manual region,
// or a detected one they accepted.
type ReviewerRegion struct {
	Region
	ReviewerID int64
}

// AdjudicationData loads what a curator adjudicates the article from.
func (s *Store) AdjudicationData(ctx context.Context, articleID int64) (*AdjudicationData, error) {
	adj, err := s.AdjudicationOf(ctx, articleID)
	if err != nil {
		return nil, err
	}
	out := &AdjudicationData{Adjudication: *adj}
	db := s.db.WithContext(ctx)
	if err := db.Table("reviews AS r").Select("r.user_id, COALESCE(u.name, '') AS name, r.completed_at").
		Joins("LEFT JOIN users u ON u.id = r.user_id").
		Where("r.article_id = ? AND r.completed_at IS NOT NULL", articleID).Order("r.user_id").Scan(&out.Finished).Error; err != nil {
		return nil, fmt.Errorf("adjudication of article %d: reviews: %w", articleID, err)
	}
	finished := make([]int64, len(out.Finished))
	for i, f := range out.Finished {
		finished[i] = f.UserID
	}
	anns := func(q *gorm.DB, dst *[]Annotation) error {
		return q.Model(&Annotation{}).Select("annotations.*, COALESCE(users.name, '') AS user_name").
			Joins("LEFT JOIN users ON users.id = annotations.user_id").Order("annotations.id").Find(dst).Error
	}
	if len(finished) > 0 {
		if err := anns(db.Where("annotations.article_id = ? AND annotations.layer = ? AND annotations.user_id IN ?", articleID, LayerReview, finished), &out.Reviews); err != nil {
			return nil, fmt.Errorf("adjudication of article %d: annotations: %w", articleID, err)
		}
		if out.Regions, err = reviewerRegions(db, articleID, finished); err != nil {
			return nil, fmt.Errorf("adjudication of article %d: regions: %w", articleID, err)
		}
	}
	if err := anns(db.Where("annotations.article_id = ? AND annotations.layer = ?", articleID, LayerConsensus), &out.Consensus); err != nil {
		return nil, fmt.Errorf("adjudication of article %d: consensus: %w", articleID, err)
	}
	if err := withOriginName(db).Where("regions.article_id = ? AND regions.layer = ?", articleID, LayerConsensus).Order("regions.id").Find(&out.ConsensusReg).Error; err != nil {
		return nil, fmt.Errorf("adjudication of article %d: consensus regions: %w", articleID, err)
	}
	return out, nil
}

// withOriginName reads regions with their origin outlet's name (origin_outlet_name), which the
// curator's page shows: a quote unit and a consensus region say whom they credit.
func withOriginName(db *gorm.DB) *gorm.DB {
	return db.Model(&Region{}).Select(regionColumns).Joins("LEFT JOIN outlets ON outlets.id = regions.origin_outlet_id")
}

// reviewerRegions lists the regions the given reviewers stand behind on an article: each one's
// accepted manual regions, and the detected regions each accepted (their own decision).
func reviewerRegions(db *gorm.DB, articleID int64, reviewers []int64) ([]ReviewerRegion, error) {
	var regions []Region
	if err := withOriginName(db).Where("regions.article_id = ? AND regions.layer = ?", articleID, LayerReview).Order("regions.id").Find(&regions).Error; err != nil {
		return nil, err
	}
	var accepted []RegionDecision
	if err := db.Table("region_decisions AS d").Select("d.region_id, d.user_id, d.status").Joins("JOIN regions r ON r.id = d.region_id").
		Where("r.article_id = ? AND d.status = 'accepted' AND d.user_id IN ?", articleID, reviewers).Order("d.region_id, d.user_id").Scan(&accepted).Error; err != nil {
		return nil, err
	}
	counted := map[int64]bool{}
	for _, id := range reviewers {
		counted[id] = true
	}
	byRegion := map[int64][]int64{}
	for _, d := range accepted {
		byRegion[d.RegionID] = append(byRegion[d.RegionID], d.UserID)
	}
	var out []ReviewerRegion
	for _, r := range regions {
		if r.Origin == "manual" && r.CreatedBy != nil && counted[*r.CreatedBy] && r.Status == "accepted" {
			out = append(out, ReviewerRegion{Region: r, ReviewerID: *r.CreatedBy})
		}
		if r.Origin == "detected" {
			for _, u := range byRegion[r.ID] {
				out = append(out, ReviewerRegion{Region: r, ReviewerID: u})
			}
		}
	}
	return out, nil
}

// ensureAdjudication creates the article's adjudication row if there is none.
func ensureAdjudication(tx *gorm.DB, articleID int64) error {
	return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&Adjudication{ArticleID: articleID, UpdatedAt: nowUTC()}).Error
}

// Premerge copies into the consensus layer, once per article, the annotations and regions
// every finished reviewer agrees on (the caller decides which: annotate.GroupUnits). The first
// curator to open the article claims the pre-merge; later openings, concurrent ones included,
// find it claimed and copy nothing, so reopening never duplicates, and a unit the curator
// deleted from the consensus does not come back. A copy whose label (kind) and span the
// consensus already has is skipped too. It returns how many annotations and regions it made.
func (s *Store) Premerge(ctx context.Context, curator, articleID int64, anns []Annotation, regions []Region) (int, error) {
	made := 0
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		made = 0
		if err := ensureAdjudication(tx, articleID); err != nil {
			return err
		}
		now := nowUTC()
		// The UPDATE is the claim: on PostgreSQL a concurrent opening waits for this row and
		// then sees premerged_at set; on SQLite writes are serial anyway.
		res := tx.Model(&Adjudication{}).Where("article_id = ? AND premerged_at IS NULL", articleID).
			Updates(map[string]any{"premerged_at": now, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return nil
		}
		n, err := copyToConsensus(tx, curator, articleID, anns, regions, "premerge")
		made = n
		return err
	})
	return made, err
}

// CopyToConsensus adds annotations and regions to the article's consensus layer as the
// curator's (a curator accepting a reviewer's units), skipping those whose label (kind) and
// span the consensus has already. It returns the annotations it made, in order.
func (s *Store) CopyToConsensus(ctx context.Context, curator, articleID int64, anns []Annotation) ([]Annotation, error) {
	var made []Annotation
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		if err := refuseAdjudicated(tx, articleID); err != nil {
			return err
		}
		copies := append([]Annotation(nil), anns...)
		if _, err := copyToConsensus(tx, curator, articleID, copies, nil, "accept"); err != nil {
			return err
		}
		made = made[:0]
		for _, a := range copies {
			if a.ID != 0 {
				made = append(made, a)
			}
		}
		return nil
	})
	return made, err
}

// ErrAdjudicated is returned for a change to the consensus of an adjudicated article.
var ErrAdjudicated = errors.New("models: the article is adjudicated")

func refuseAdjudicated(tx *gorm.DB, articleID int64) error {
	var n int64
	if err := tx.Model(&Adjudication{}).Where("article_id = ? AND completed_at IS NOT NULL", articleID).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return ErrAdjudicated
	}
	return nil
}

// copyToConsensus inserts the given annotations and regions into the consensus layer as the
// curator's, skipping those the consensus has already; anns are updated in place with the new
// ids (a skipped one keeps ID 0). It returns how many it inserted.
func copyToConsensus(tx *gorm.DB, curator, articleID int64, anns []Annotation, regions []Region, action string) (int, error) {
	var have []Annotation
	if err := tx.Where("article_id = ? AND layer = ?", articleID, LayerConsensus).Find(&have).Error; err != nil {
		return 0, err
	}
	type key struct {
		kind       string
		start, end int
	}
	seen := map[key]bool{}
	for _, a := range have {
		seen[key{a.Label, a.Start, a.End}] = true
	}
	now := nowUTC()
	made := 0
	for i := range anns {
		a := &anns[i]
		if seen[key{a.Label, a.Start, a.End}] {
			a.ID = 0
			continue
		}
		seen[key{a.Label, a.Start, a.End}] = true
		*a = Annotation{ArticleID: articleID, UserID: curator, Label: a.Label, Start: a.Start, End: a.End, Exact: a.Exact, Prefix: a.Prefix,
			Suffix: a.Suffix, Note: a.Note, SourceText: a.SourceText, SourceURL: a.SourceURL, Status: "anchored", Origin: OriginManual,
			Layer: LayerConsensus, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := tx.Omit("UserName").Create(a).Error; err != nil {
			return made, err
		}
		if err := audit(tx, curator, action, "annotation", a.ID, nil, a); err != nil {
			return made, err
		}
		made++
	}
	var haveReg []Region
	if err := tx.Where("article_id = ? AND layer = ?", articleID, LayerConsensus).Find(&haveReg).Error; err != nil {
		return made, err
	}
	for _, r := range haveReg {
		seen[key{"region:" + r.Kind, r.Start, r.End}] = true
	}
	for _, r := range regions {
		if seen[key{"region:" + r.Kind, r.Start, r.End}] {
			continue
		}
		seen[key{"region:" + r.Kind, r.Start, r.End}] = true
		c := Region{ArticleID: articleID, Kind: r.Kind, Start: r.Start, End: r.End, OriginOutletID: r.OriginOutletID, Origin: "manual",
			Status: "accepted", Reason: "agreed by every finished reviewer", CreatedBy: &curator, Layer: LayerConsensus, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := tx.Omit("OriginOutletName").Create(&c).Error; err != nil {
			return made, err
		}
		if err := audit(tx, curator, action, "region", c.ID, nil, c); err != nil {
			return made, err
		}
		made++
	}
	if made > 0 {
		return made, bumpArticle(tx, articleID)
	}
	return 0, nil
}

// CompleteAdjudication marks the article adjudicated by the curator (or, done false, reopens
// the adjudication). Its consensus then counts in the consensus layer's scores, and its
// consensus regions decide the crediting in both layers.
func (s *Store) CompleteAdjudication(ctx context.Context, curator, articleID int64, done bool) (*Adjudication, error) {
	var out Adjudication
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		if err := ensureAdjudication(tx, articleID); err != nil {
			return err
		}
		now := nowUTC()
		set := map[string]any{"completed_at": nil, "completed_by": nil, "updated_at": now}
		action := "reopen"
		if done {
			set["completed_at"], set["completed_by"], action = now, curator, "complete"
		}
		if err := tx.Model(&Adjudication{}).Where("article_id = ?", articleID).Updates(set).Error; err != nil {
			return err
		}
		if err := tx.Where("article_id = ?", articleID).Take(&out).Error; err != nil {
			return err
		}
		if err := bumpArticle(tx, articleID); err != nil {
			return err
		}
		return audit(tx, curator, action, "adjudication", articleID, nil, out)
	})
	return &out, err
}

// OpenAdjudication opens an article to curators before every assigned reviewer has finished.
func (s *Store) OpenAdjudication(ctx context.Context, actor, articleID int64) (*Adjudication, error) {
	var out Adjudication
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		if err := ensureAdjudication(tx, articleID); err != nil {
			return err
		}
		now := nowUTC()
		if err := tx.Model(&Adjudication{}).Where("article_id = ? AND opened_at IS NULL", articleID).
			Updates(map[string]any{"opened_at": now, "opened_by": actor, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := tx.Where("article_id = ?", articleID).Take(&out).Error; err != nil {
			return err
		}
		return audit(tx, actor, "open", "adjudication", articleID, nil, out)
	})
	return &out, err
}

// CurationItem is one article in the curators' queue.
type CurationItem struct {
	ArticleID   int64
	Title       string
	Outlet      string
	Finished    int64
	OpenedAt    *time.Time
	CompletedAt *time.Time
}

// CurationQueue pages through the articles open to curators, by id.
func (s *Store) CurationQueue(ctx context.Context, p Page) ([]CurationItem, bool, error) {
	var out []CurationItem
	q := s.db.WithContext(ctx).Table("articles AS a").
		Select(`a.id AS article_id, a.title, o.name AS outlet, j.opened_at, j.completed_at,
			(SELECT count(*) FROM reviews r WHERE r.article_id = a.id AND r.completed_at IS NOT NULL) AS finished`).
		Joins("JOIN outlets o ON o.id = a.outlet_id").
		Joins("LEFT JOIN adjudications j ON j.article_id = a.id").
		Where(fmt.Sprintf(curatableArticle, "a.id"))
	err := paginate(q, "a.id", p).Scan(&out).Error
	if err != nil {
		return nil, false, fmt.Errorf("curation queue: %w", err)
	}
	return trim(out, p.Limit, nil)
}

// CuratableArticleIDs returns the ids of every article open to curators (see
// curatableArticle), in id order: what a curator's scores and downloads are computed from.
func (s *Store) CuratableArticleIDs(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Table("articles AS a").Where(fmt.Sprintf(curatableArticle, "a.id")).
		Order("a.id").Pluck("a.id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("curatable articles: %w", err)
	}
	return ids, nil
}
