package models

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

const regionColumns = "regions.*, outlets.name AS origin_outlet_name"

// CreateRegion stores a region.
func (s *Store) CreateRegion(ctx context.Context, actor int64, r *Region) error {
	r.Version = 1
	if r.Layer == "" {
		r.Layer = LayerReview
	}
	return s.inTx(ctx, func(tx *gorm.DB) error {
		if r.IdempotencyKey != "" && r.CreatedBy != nil {
			var prev Region
			err := tx.Where("created_by = ? AND idempotency_key = ?", *r.CreatedBy, r.IdempotencyKey).Take(&prev).Error
			if err == nil {
				*r = prev
				return ErrReplayed
			}
		}
		if err := tx.Omit("OriginOutletName").Create(r).Error; err != nil {
			return err
		}
		if err := bumpArticle(tx, r.ArticleID); err != nil {
			return err
		}
		return audit(tx, actor, "create", "region", r.ID, nil, r)
	})
}

// Region returns one region with its origin outlet's name.
func (s *Store) Region(ctx context.Context, id int64) (*Region, error) {
	var r Region
	err := s.db.WithContext(ctx).Model(&Region{}).Select(regionColumns).
		Joins("LEFT JOIN outlets ON outlets.id = regions.origin_outlet_id").Where("regions.id = ?", id).Take(&r).Error
	return &r, notFound(err)
}

// RegionPatch lists the fields of a region to change.
type RegionPatch struct {
	Version        int64 // 0: no check
	Status         *string
	OriginOutletID **int64
	Kind           *string
}

// UpdateRegion changes a region (accept, reject, re-credit); a patch that changes nothing
// leaves it, and its version, as they are.
func (s *Store) UpdateRegion(ctx context.Context, actor, id int64, p RegionPatch) (*Region, error) {
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		var r Region
		if err := tx.Take(&r, id).Error; err != nil {
			return notFound(err)
		}
		if p.Version != 0 && p.Version != r.Version {
			return ErrVersionConflict
		}
		before := r
		if p.Status != nil {
			r.Status = *p.Status
		}
		if p.OriginOutletID != nil {
			r.OriginOutletID = *p.OriginOutletID
		}
		if p.Kind != nil {
			r.Kind = *p.Kind
		}
		if r.Status == before.Status && r.Kind == before.Kind && sameID(r.OriginOutletID, before.OriginOutletID) {
			return nil // nothing changes: no new version, no audit entry
		}
		res := tx.Model(&Region{}).Where("id = ? AND version = ?", id, r.Version).Updates(map[string]any{
			"status": r.Status, "origin_outlet_id": r.OriginOutletID, "kind": r.Kind,
			"version": r.Version + 1, "updated_at": nowUTC(),
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrVersionConflict
		}
		r.Version++
		if err := bumpArticle(tx, r.ArticleID); err != nil {
			return err
		}
		return audit(tx, actor, "update", "region", id, before, r)
	})
	if err != nil {
		return nil, err
	}
	return s.Region(ctx, id)
}

// sameID says whether two optional ids are both absent or the same id.
func sameID(a, b *int64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

// DeleteRegion removes a region.
func (s *Store) DeleteRegion(ctx context.Context, actor, id int64) error {
	return s.inTx(ctx, func(tx *gorm.DB) error {
		var r Region
		if err := tx.Take(&r, id).Error; err != nil {
			return notFound(err)
		}
		if err := tx.Delete(&Region{}, id).Error; err != nil {
			return err
		}
		if err := bumpArticle(tx, r.ArticleID); err != nil {
			return err
		}
		return audit(tx, actor, "delete", "region", id, r, nil)
	})
}

// ReplaceDetectedRegions swaps an article's detected regions that no reviewer has decided for a
// new set, keeping those a reviewer already accepted or rejected (and not proposing them again).
func (s *Store) ReplaceDetectedRegions(ctx context.Context, articleID int64, proposals []Region) error {
	return s.inTx(ctx, func(tx *gorm.DB) error { return replaceDetected(tx, articleID, proposals, true) })
}

// ReplaceDetectedRegionsBatch is ReplaceDetectedRegions for many articles (proposals by
// article id, in the order of ids) in one transaction: an import batch's reprint scan. Each
// step is one statement for the whole batch (bandChunk articles a statement): the undecided
// detected regions dropped, the decided ones read, the new ones inserted in the order of ids
// and of each article's proposals, and the articles bumped. The outcome is that of
// ReplaceDetectedRegions for each article in turn, which touch disjoint rows; a list naming
// an article twice is written article by article.
//
// The articles in first (may be nil) are new ones stored at FirstScanVersion, whose first
// proposals these are (an import's batch, app/imports): they are not bumped, as they already
// have the version the bump would give them, and only noted in score_changes, as the bump's
// trigger would note them (migration 00003; that is how a server holding scores learns of a
// new article). Their scores cannot differ between the versions 0 and 1 (a detected region no
// reviewer has decided credits nothing, annotate.RegionHolders). This saves an import the
// update of every new article's row: a new version of the row and of each of its index
// entries, 25-42 ms for 200 articles against about 1 ms for their 200 score_changes rows (psql).
func (s *Store) ReplaceDetectedRegionsBatch(ctx context.Context, ids []int64, proposals map[int64][]Region, first map[int64]bool) error {
	return s.inTx(ctx, func(tx *gorm.DB) error {
		if len(ids) != len(uniqueIDs(ids)) {
			for _, id := range ids {
				if err := replaceDetected(tx, id, proposals[id], !first[id]); err != nil {
					return err
				}
			}
			return nil
		}
		decided := map[int64][]Region{}
		for i := 0; i < len(ids); i += bandChunk {
			part := ids[i:min(i+bandChunk, len(ids))]
			if err := tx.Where("article_id IN ? AND origin = 'detected' AND NOT EXISTS (SELECT 1 FROM region_decisions d WHERE d.region_id = regions.id)", part).
				Delete(&Region{}).Error; err != nil {
				return err
			}
			var kept []Region
			if err := tx.Select("article_id, kind, start_cp, end_cp").Where("article_id IN ? AND origin = 'detected'", part).Find(&kept).Error; err != nil {
				return err
			}
			for _, d := range kept {
				decided[d.ArticleID] = append(decided[d.ArticleID], d)
			}
		}
		var rows []*Region
		for _, id := range ids {
			for i := range proposals[id] {
				p := &proposals[id][i]
				if slices.ContainsFunc(decided[id], func(d Region) bool { return d.Start == p.Start && d.End == p.End && d.Kind == p.Kind }) {
					continue
				}
				p.ArticleID, p.Origin, p.Status, p.Version, p.Layer = id, "detected", "proposed", 1, LayerReview
				rows = append(rows, p)
			}
		}
		if len(rows) > 0 {
			if err := tx.Omit("OriginOutletName").CreateInBatches(rows, 200).Error; err != nil {
				return err
			}
		}
		bump := ids
		if len(first) > 0 {
			bump = make([]int64, 0, len(ids))
			for _, id := range ids {
				if !first[id] {
					bump = append(bump, id)
				}
			}
		}
		for i := 0; i < len(bump); i += bandChunk {
			if err := tx.Model(&Article{}).Where("id IN ?", bump[i:min(i+bandChunk, len(bump))]).
				Update("data_version", gorm.Expr("data_version + 1")).Error; err != nil {
				return err
			}
		}
		if len(bump) < len(ids) {
			var noted []int64
			for _, id := range ids {
				if first[id] {
					noted = append(noted, id)
				}
			}
			return noteScoreChanges(tx, noted)
		}
		return nil
	})
}

// noteScoreChanges records a change to the scoring inputs of the articles ids that still
// exist, as the trigger on articles' data_version does (migration 00003), without the bump.
func noteScoreChanges(tx *gorm.DB, ids []int64) error {
	for i := 0; i < len(ids); i += bandChunk {
		if err := tx.Exec("INSERT INTO score_changes (article_id) SELECT id FROM articles WHERE id IN ? ORDER BY id",
			ids[i:min(i+bandChunk, len(ids))]).Error; err != nil {
			return fmt.Errorf("note score changes: %w", err)
		}
	}
	return nil
}

// FirstScanVersion is the data_version of a new article once its first reprint scan has
// written its proposals (ReplaceDetectedRegions bumps the stored 0 to 1). An import stores
// its new articles at this version and has their first proposals written without the bump
// (ReplaceDetectedRegionsBatch's first).
const FirstScanVersion = 1

func uniqueIDs(ids []int64) []int64 {
	u := slices.Clone(ids)
	slices.Sort(u)
	return slices.Compact(u)
}

func replaceDetected(tx *gorm.DB, articleID int64, proposals []Region, bump bool) error {
	// A detected region some reviewer has decided stays, so that no decision is lost; the
	// others give way to the new findings.
	if err := tx.Where("article_id = ? AND origin = 'detected' AND NOT EXISTS (SELECT 1 FROM region_decisions d WHERE d.region_id = regions.id)", articleID).
		Delete(&Region{}).Error; err != nil {
		return err
	}
	var decided []Region
	if err := tx.Where("article_id = ? AND origin = 'detected'", articleID).Find(&decided).Error; err != nil {
		return err
	}
	for i := range proposals {
		p := &proposals[i]
		dup := false
		for _, d := range decided {
			if d.Start == p.Start && d.End == p.End && d.Kind == p.Kind {
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		p.ArticleID, p.Origin, p.Status, p.Version, p.Layer = articleID, "detected", "proposed", 1, LayerReview
		if err := tx.Omit("OriginOutletName").Create(p).Error; err != nil {
			return err
		}
	}
	if !bump {
		return noteScoreChanges(tx, []int64{articleID})
	}
	return bumpArticle(tx, articleID)
}

// RegionFor returns one region with the reader's own decision on it (Region.Decision).
func (s *Store) RegionFor(ctx context.Context, id, readerID int64) (*Region, error) {
	r, err := s.Region(ctx, id)
	if err != nil {
		return nil, err
	}
	var d RegionDecision
	err = s.db.WithContext(ctx).Where("region_id = ? AND user_id = ?", id, readerID).Take(&d).Error
	switch {
	case err == nil:
		r.Decision = d.Status
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return nil, err
	}
	return r, nil
}

// DecideRegion records a reviewer's own accept or reject of a region; status "proposed" takes
// the decision back. Other reviewers' decisions are untouched. version, when not 0, must be the
// region's current version (a decision does not change the region, so it does not bump it).
func (s *Store) DecideRegion(ctx context.Context, regionID, userID, version int64, status string) (*Region, error) {
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		var r Region
		if err := tx.Take(&r, regionID).Error; err != nil {
			return notFound(err)
		}
		if version != 0 && version != r.Version {
			return ErrVersionConflict
		}
		var before *RegionDecision
		var prev RegionDecision
		if err := tx.Where("region_id = ? AND user_id = ?", regionID, userID).Take(&prev).Error; err == nil {
			before = &prev
		} else if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		if before == nil && status == "proposed" || before != nil && before.Status == status {
			return nil // the reviewer's decision stays what it was: nothing to record
		}
		var after *RegionDecision
		if status == "proposed" {
			if err := tx.Where("region_id = ? AND user_id = ?", regionID, userID).Delete(&RegionDecision{}).Error; err != nil {
				return err
			}
		} else {
			after = &RegionDecision{RegionID: regionID, UserID: userID, Status: status, UpdatedAt: nowUTC()}
			if err := tx.Clauses(clause.OnConflict{
				Columns:   []clause.Column{{Name: "region_id"}, {Name: "user_id"}},
				DoUpdates: clause.AssignmentColumns([]string{"status", "updated_at"}),
			}).Create(after).Error; err != nil {
				return err
			}
		}
		if err := bumpArticle(tx, r.ArticleID); err != nil {
			return err
		}
		return audit(tx, userID, "decide", "region", regionID, before, after)
	})
	if err != nil {
		return nil, err
	}
	return s.RegionFor(ctx, regionID, userID)
}

// CreditRegions is what the crediting rule needs of one article: every region with every
// reviewer's decision on it (Region.Decisions), and the reviewers who finished the article.
type CreditRegions struct {
	Regions  []Region // the reviewers' layer
	Finished []int64
	// Curated: a curator adjudicated the article, and its consensus regions (Consensus) decide
	// its crediting in both layers.
	Curated   bool
	Consensus []Region
	// ReopenedAfterViewing are the reviewers whose review of the article an admin reopened after
	// they had seen the others' work (finished again or not): exports mark their annotations.
	ReopenedAfterViewing []int64
}

// RegionsForCredit loads, for each of the given articles, its regions with every reviewer's
// decisions and its finished reviewers: the crediting of scores and exports follows them
// (annotate/score.CreditedRegions). Regions come in article then id order.
func (s *Store) RegionsForCredit(ctx context.Context, articleIDs []int64) (map[int64]*CreditRegions, error) {
	out := map[int64]*CreditRegions{}
	at := func(id int64) *CreditRegions {
		if out[id] == nil {
			out[id] = &CreditRegions{}
		}
		return out[id]
	}
	for chunk := range batchesOf(articleIDs, 500) {
		db := s.db.WithContext(ctx)
		var regions []Region
		// An orphaned region lost its passage in an edit of the text: it credits nothing.
		if err := db.Where("article_id IN ? AND anchor = 'anchored' AND layer = ?", chunk, LayerReview).Order("article_id, id").Find(&regions).Error; err != nil {
			return nil, fmt.Errorf("regions for credit: %w", err)
		}
		if err := curatedInto(db, chunk, at); err != nil {
			return nil, err
		}
		var decisions []RegionDecision
		if err := db.Table("region_decisions AS d").Select("d.region_id, d.user_id, d.status, d.updated_at").
			Joins("JOIN regions r ON r.id = d.region_id").Where("r.article_id IN ?", chunk).
			Order("d.region_id, d.user_id").Scan(&decisions).Error; err != nil {
			return nil, fmt.Errorf("regions for credit: decisions: %w", err)
		}
		var finished []Review
		if err := db.Where("article_id IN ? AND (completed_at IS NOT NULL OR reopened_after_viewing)", chunk).Order("article_id, user_id").Find(&finished).Error; err != nil {
			return nil, fmt.Errorf("regions for credit: reviews: %w", err)
		}
		byID := map[int64]*Region{}
		for i := range regions {
			cr := at(regions[i].ArticleID)
			cr.Regions = append(cr.Regions, regions[i])
		}
		for _, cr := range out {
			for i := range cr.Regions {
				byID[cr.Regions[i].ID] = &cr.Regions[i]
			}
		}
		for _, d := range decisions {
			if r := byID[d.RegionID]; r != nil {
				r.Decisions = append(r.Decisions, d)
			}
		}
		for _, r := range finished {
			cr := at(r.ArticleID)
			if r.CompletedAt != nil {
				cr.Finished = append(cr.Finished, r.UserID)
			}
			if r.ReopenedAfterViewing {
				cr.ReopenedAfterViewing = append(cr.ReopenedAfterViewing, r.UserID)
			}
		}
	}
	return out, nil
}

// curatedInto marks the adjudicated articles among the given ones Curated, with their
// consensus regions.
func curatedInto(db *gorm.DB, articles []int64, at func(int64) *CreditRegions) error {
	var adjudicated []int64
	if err := db.Model(&Adjudication{}).Where("article_id IN ? AND completed_at IS NOT NULL", articles).
		Order("article_id").Pluck("article_id", &adjudicated).Error; err != nil {
		return fmt.Errorf("regions for credit: adjudications: %w", err)
	}
	if len(adjudicated) == 0 {
		return nil
	}
	var consensus []Region
	if err := db.Where("article_id IN ? AND layer = ?", adjudicated, LayerConsensus).Order("article_id, id").Find(&consensus).Error; err != nil {
		return fmt.Errorf("regions for credit: consensus: %w", err)
	}
	for _, id := range adjudicated {
		at(id).Curated = true
	}
	for _, r := range consensus {
		cr := at(r.ArticleID)
		cr.Consensus = append(cr.Consensus, r)
	}
	return nil
}
