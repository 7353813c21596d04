package models

import (
	"context"
	"fmt"
)

// OriginCount is how many annotations of finished reviews came from one origin and model.
type OriginCount struct {
	Origin          string
	SuggestionModel string
	N               int64
}

// AnnotationOrigins counts the reviewers'-layer annotations of completed reviews (those the
// scores count) by origin and suggestion model, for the methodology's report of how much of the
// data came from machine suggestions.
func (s *Store) AnnotationOrigins(ctx context.Context) ([]OriginCount, error) {
	var out []OriginCount
	err := s.db.WithContext(ctx).Table("annotations AS n").
		Select("n.origin, n.suggestion_model, count(*) AS n").
		Joins("JOIN reviews r ON r.article_id = n.article_id AND r.user_id = n.user_id AND r.completed_at IS NOT NULL").
		Where("n.layer = ?", LayerReview).
		Group("n.origin, n.suggestion_model").Order("n.origin, n.suggestion_model").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("annotation origins: %w", err)
	}
	return out, nil
}
