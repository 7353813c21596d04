package models

import (
	"context"

	"gorm.io/gorm"
)

const regionColumns = "regions.*, outlets.name AS origin_outlet_name"

// CreateRegion stores a region.
func (s *Store) CreateRegion(ctx context.Context, actor int64, r *Region) error {
	r.Version = 1
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

// UpdateRegion changes a region (accept, reject, re-credit).
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

// ReplaceDetectedRegions swaps an article's still-proposed detected regions for a new set,
// keeping those a reviewer already accepted or rejected (and not proposing them again).
func (s *Store) ReplaceDetectedRegions(ctx context.Context, articleID int64, proposals []Region) error {
	return s.inTx(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("article_id = ? AND origin = 'detected' AND status = 'proposed'", articleID).Delete(&Region{}).Error; err != nil {
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
			p.ArticleID, p.Origin, p.Status, p.Version = articleID, "detected", "proposed", 1
			if err := tx.Omit("OriginOutletName").Create(p).Error; err != nil {
				return err
			}
		}
		return bumpArticle(tx, articleID)
	})
}
