package models

import (
	"context"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// touchReview records that a reviewer has started an article.
func touchReview(tx *gorm.DB, articleID, userID int64) error {
	now := nowUTC()
	return tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "article_id"}, {Name: "user_id"}},
		DoUpdates: clause.Assignments(map[string]any{"updated_at": now}),
	}).Create(&Review{ArticleID: articleID, UserID: userID, UpdatedAt: now}).Error
}

// Layers and origins of annotations (the columns' CHECK constraints list the same).
const (
	LayerReview      = "review"
	LayerConsensus   = "consensus"
	OriginManual     = "manual"
	OriginSuggestion = "suggestion"
)

// setAnnotationDefaults fills what a new annotation leaves empty: anchored, typed by hand (or
// from a suggestion when it names its rule), in the reviewers' layer.
func setAnnotationDefaults(a *Annotation) {
	if a.Status == "" {
		a.Status = "anchored"
	}
	if a.Origin == "" {
		a.Origin = OriginManual
		if a.SuggestionRule != "" {
			a.Origin = OriginSuggestion
		}
	}
	if a.Layer == "" {
		a.Layer = LayerReview
	}
}

// CountAnnotations counts a reviewer's annotations on an article.
func (s *Store) CountAnnotations(ctx context.Context, articleID, userID int64) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&Annotation{}).Where("article_id = ? AND user_id = ?", articleID, userID).Count(&n).Error
	return n, err
}

// Annotation returns one annotation.
func (s *Store) Annotation(ctx context.Context, id int64) (*Annotation, error) {
	var a Annotation
	err := s.db.WithContext(ctx).Model(&Annotation{}).Select("annotations.*, users.name AS user_name").
		Joins("JOIN users ON users.id = annotations.user_id").Where("annotations.id = ?", id).Take(&a).Error
	return &a, notFound(err)
}

// AnnotationFilter narrows the annotations of an article.
type AnnotationFilter struct {
	ArticleID int64
	UserID    int64  // 0: every user
	Layer     string // LayerReview ("" too) or LayerConsensus
	Page      Page
}

// AnnotationPatch lists the fields of an annotation to change; nil leaves a field alone.
type AnnotationPatch struct {
	Version               int64
	Label, Note           *string
	SourceText, SourceURL *string
	Start, End            *int
	Exact, Prefix, Suffix *string
	Status                *string // anchored again when an orphaned annotation is placed
}

// UpdateAnnotation changes an annotation if Version is current (0: whatever is current),
// bumping it; a patch that changes no field leaves it, and its version, as they are. On a stale version it returns ErrVersionConflict and the current annotation.
func (s *Store) UpdateAnnotation(ctx context.Context, actor, id int64, p AnnotationPatch) (*Annotation, error) {
	var out Annotation
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		if err := tx.Take(&out, id).Error; err != nil {
			return notFound(err)
		}
		if p.Version == 0 {
			p.Version = out.Version
		}
		if out.Version != p.Version {
			return ErrVersionConflict
		}
		before := out
		set := func(dst *string, v *string) {
			if v != nil {
				*dst = *v
			}
		}
		set(&out.Label, p.Label)
		set(&out.Note, p.Note)
		set(&out.SourceText, p.SourceText)
		set(&out.SourceURL, p.SourceURL)
		set(&out.Exact, p.Exact)
		set(&out.Prefix, p.Prefix)
		set(&out.Suffix, p.Suffix)
		set(&out.Status, p.Status)
		if p.Start != nil {
			out.Start, out.End = *p.Start, *p.End
		}
		if out == before {
			return nil // nothing changes: no new version, no audit entry, the scores' data stays
		}
		out.Version++
		out.UpdatedAt = nowUTC()
		res := tx.Model(&Annotation{}).Where("id = ? AND version = ?", id, p.Version).Updates(map[string]any{
			"label": out.Label, "note": out.Note, "source_text": out.SourceText, "source_url": out.SourceURL,
			"start_cp": out.Start, "end_cp": out.End, "exact": out.Exact, "prefix": out.Prefix, "suffix": out.Suffix,
			"status": out.Status, "version": out.Version, "updated_at": out.UpdatedAt,
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrVersionConflict
		}
		if err := bumpArticle(tx, out.ArticleID); err != nil {
			return err
		}
		return audit(tx, actor, "update", "annotation", id, before, out)
	})
	if err != nil {
		return &out, err
	}
	return s.Annotation(ctx, id)
}

// DeleteAnnotation removes an annotation.
func (s *Store) DeleteAnnotation(ctx context.Context, actor, id int64) error {
	return s.inTx(ctx, func(tx *gorm.DB) error {
		var a Annotation
		if err := tx.Take(&a, id).Error; err != nil {
			return notFound(err)
		}
		if err := tx.Delete(&Annotation{}, id).Error; err != nil {
			return err
		}
		if a.SuggestionRule != "" {
			// The annotation came from an accepted suggestion: deleting it takes the acceptance
			// back, so the rule's acceptance rate stays honest and the suggestion can return.
			if err := tx.Where("article_id = ? AND user_id = ? AND rule = ? AND label = ? AND start_cp = ? AND end_cp = ? AND decision = 'accepted'",
				a.ArticleID, a.UserID, a.SuggestionRule, a.Label, a.Start, a.End).Delete(&SuggestionFeedback{}).Error; err != nil {
				return err
			}
		}
		if err := bumpArticle(tx, a.ArticleID); err != nil {
			return err
		}
		return audit(tx, actor, "delete", "annotation", id, a, nil)
	})
}
