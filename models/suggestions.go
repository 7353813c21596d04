package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// SuggestionFeedback is a reviewer's decision on one machine suggestion.
type SuggestionFeedback struct {
	ID        int64 `gorm:"primaryKey"`
	ArticleID int64
	UserID    int64
	Rule      string
	Label     string
	Start     int `gorm:"column:start_cp"`
	End       int `gorm:"column:end_cp"`
	Decision  string
	CreatedAt time.Time
}

// TableName of SuggestionFeedback.
func (SuggestionFeedback) TableName() string { return "suggestion_feedback" }

// SuggestionRule records whether an admin switched a rule off.
type SuggestionRule struct {
	Rule      string `gorm:"primaryKey"`
	Disabled  bool
	UpdatedAt time.Time
}

// RecordSuggestion stores a reviewer's decision on a suggestion; deciding again replaces it.
// With an annotation (an accepted suggestion), both are stored in one transaction.
func (s *Store) RecordSuggestion(ctx context.Context, f *SuggestionFeedback, accepted *Annotation) error {
	f.CreatedAt = nowUTC()
	return s.inTx(ctx, func(tx *gorm.DB) error {
		if accepted != nil && accepted.IdempotencyKey != "" {
			var prev Annotation
			if err := tx.Where("user_id = ? AND idempotency_key = ?", accepted.UserID, accepted.IdempotencyKey).Take(&prev).Error; err == nil {
				*accepted = prev
				return ErrReplayed
			}
		}
		if accepted != nil {
			setAnnotationDefaults(accepted)
			// Accepting a suggestion that the reviewer's accepted annotation still stands for (a
			// second click, a retry without an Idempotency-Key, a second tab) answers that
			// annotation: a second, identical one would count the passage twice in the review.
			var prev Annotation
			err := tx.Where("article_id = ? AND user_id = ? AND layer = ? AND origin = ? AND suggestion_rule = ? AND label = ? AND start_cp = ? AND end_cp = ?",
				accepted.ArticleID, accepted.UserID, accepted.Layer, OriginSuggestion, accepted.SuggestionRule, accepted.Label, accepted.Start, accepted.End).
				Order("id").Take(&prev).Error
			if err == nil {
				*accepted = prev
				return ErrReplayed
			}
			if !errors.Is(err, gorm.ErrRecordNotFound) {
				return err
			}
			accepted.Version = 1
			if err := tx.Omit("UserName").Create(accepted).Error; err != nil {
				return err
			}
			if err := touchReview(tx, accepted.ArticleID, accepted.UserID); err != nil {
				return err
			}
			if err := bumpArticle(tx, accepted.ArticleID); err != nil {
				return err
			}
			if err := audit(tx, accepted.UserID, "create", "annotation", accepted.ID, nil, accepted); err != nil {
				return err
			}
		}
		return tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "article_id"}, {Name: "user_id"}, {Name: "rule"}, {Name: "label"}, {Name: "start_cp"}, {Name: "end_cp"}},
			DoUpdates: clause.AssignmentColumns([]string{"decision", "created_at"}),
		}).Create(f).Error
	})
}

// ForgetSuggestion takes back a reviewer's decision on a suggestion (an undone rejection).
func (s *Store) ForgetSuggestion(ctx context.Context, f *SuggestionFeedback) error {
	res := s.db.WithContext(ctx).Where("article_id = ? AND user_id = ? AND rule = ? AND label = ? AND start_cp = ? AND end_cp = ?",
		f.ArticleID, f.UserID, f.Rule, f.Label, f.Start, f.End).Delete(&SuggestionFeedback{})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// SuggestionDecisions returns a reviewer's decisions on an article's suggestions.
func (s *Store) SuggestionDecisions(ctx context.Context, articleID, userID int64) ([]SuggestionFeedback, error) {
	var out []SuggestionFeedback
	err := s.db.WithContext(ctx).Where("article_id = ? AND user_id = ?", articleID, userID).Find(&out).Error
	return out, err
}

// RuleStats counts the decisions on one rule's suggestions.
type RuleStats struct {
	Rule     string
	Accepted int64
	Rejected int64
}

// SuggestionRuleStats counts accepted and rejected suggestions per rule.
func (s *Store) SuggestionRuleStats(ctx context.Context) ([]RuleStats, error) {
	var out []RuleStats
	err := s.db.WithContext(ctx).Model(&SuggestionFeedback{}).
		Select("rule, SUM(CASE WHEN decision = 'accepted' THEN 1 ELSE 0 END) AS accepted, SUM(CASE WHEN decision = 'rejected' THEN 1 ELSE 0 END) AS rejected").
		Group("rule").Order("rule").Scan(&out).Error
	return out, err
}

// DisabledRules lists the rules admins switched off.
func (s *Store) DisabledRules(ctx context.Context) ([]string, error) {
	var out []string
	err := s.db.WithContext(ctx).Model(&SuggestionRule{}).Where("disabled").Order("rule").Pluck("rule", &out).Error
	return out, err
}

// SetRuleDisabled switches a rule off or on for every replica.
func (s *Store) SetRuleDisabled(ctx context.Context, actor int64, rule string, disabled bool) error {
	return s.inTx(ctx, func(tx *gorm.DB) error {
		r := SuggestionRule{Rule: rule, Disabled: disabled, UpdatedAt: nowUTC()}
		if err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "rule"}},
			DoUpdates: clause.AssignmentColumns([]string{"disabled", "updated_at"}),
		}).Create(&r).Error; err != nil {
			return err
		}
		return audit(tx, actor, "update", "suggestion_rule", 0, nil, r)
	})
}
