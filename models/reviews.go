package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Review returns a reviewer's review of an article, or a zero Review when none exists.
func (s *Store) Review(ctx context.Context, articleID, userID int64) (*Review, error) {
	var r Review
	err := s.db.WithContext(ctx).Where("article_id = ? AND user_id = ?", articleID, userID).Take(&r).Error
	if err == gorm.ErrRecordNotFound {
		return &Review{ArticleID: articleID, UserID: userID}, nil
	}
	return &r, err
}

// ErrReviewLocked: the reviewer has seen the others' work since finishing, so only an admin's
// ReopenReview may reopen the review.
var ErrReviewLocked = errors.New("the review is frozen: its reviewer has seen the others' work")

// CompleteReview marks a reviewer's review of an article finished (or reopens it when done is
// false). A frozen review is not reopened here: ErrReviewLocked, checked in the transaction so
// that it holds against a concurrent read that showed the reviewer the others' work.
func (s *Store) CompleteReview(ctx context.Context, articleID, userID int64, done bool) (*Review, error) {
	var out Review
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		if !done {
			var cur Review
			err := tx.Where("article_id = ? AND user_id = ?", articleID, userID).Take(&cur).Error
			if err == nil && cur.ViewedOthersAt != nil {
				return ErrReviewLocked
			}
			if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
				return err
			}
		}
		now := nowUTC()
		var completed *time.Time
		if done {
			completed = &now
		}
		r := Review{ArticleID: articleID, UserID: userID, CompletedAt: completed, UpdatedAt: now}
		if err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "article_id"}, {Name: "user_id"}},
			DoUpdates: clause.Assignments(map[string]any{"completed_at": completed, "updated_at": now}),
		}).Create(&r).Error; err != nil {
			return err
		}
		if err := tx.Where("article_id = ? AND user_id = ?", articleID, userID).Take(&out).Error; err != nil {
			return err
		}
		if err := bumpArticle(tx, articleID); err != nil {
			return err
		}
		action := "complete"
		if !done {
			action = "reopen"
		}
		return audit(tx, userID, action, "review", articleID, nil, out)
	})
	return &out, err
}

// QueueItem is one article in a reviewer's queue.
type QueueItem struct {
	ArticleID   int64
	Title       string
	Outlet      string
	Assigned    bool
	StartedAt   *time.Time
	CompletedAt *time.Time
	Annotations int64
	Bucket      int // the queue's order: 0 assigned and not finished, 1 not finished, 2 finished
}

// QueueAfter is where a page of the queue starts: after this bucket and article (zero: the start).
type QueueAfter struct {
	Bucket    int
	ArticleID int64
}

// Queue lists the articles a reviewer has still to do: assigned ones first, then the ones
// not yet finished by them, oldest first. Finished assigned articles come last, so that a
// reviewer sees their progress. It answers at most limit items after the position given,
// and whether more follow.
func (s *Store) Queue(ctx context.Context, userID int64, after QueueAfter, limit int) ([]QueueItem, bool, error) {
	var out []QueueItem
	err := s.db.WithContext(ctx).Raw(`
		SELECT q.*, (SELECT count(*) FROM annotations n WHERE n.article_id = q.article_id AND n.user_id = ?) AS annotations
		FROM (SELECT a.id AS article_id, a.title, o.name AS outlet,
		             COALESCE(r.assigned, FALSE) AS assigned, r.updated_at AS started_at, r.completed_at,
		             CASE WHEN r.completed_at IS NOT NULL THEN 2 WHEN COALESCE(r.assigned, FALSE) THEN 0 ELSE 1 END AS bucket
		      FROM articles a
		      JOIN outlets o ON o.id = a.outlet_id
		      LEFT JOIN reviews r ON r.article_id = a.id AND r.user_id = ?) q
		WHERE q.bucket > ? OR (q.bucket = ? AND q.article_id > ?)
		ORDER BY q.bucket, q.article_id
		LIMIT ?`, userID, userID, after.Bucket, after.Bucket, after.ArticleID, limit+1).Scan(&out).Error
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, err
}

// MarkViewedOthers records that a finished reviewer is being shown other reviewers' work on an
// article, which freezes their review (the first time is kept). It reports false when the
// review is not finished (any more): the caller must then show only the reviewer's own work,
// for the review may have been reopened since the caller read it.
func (s *Store) MarkViewedOthers(ctx context.Context, articleID, userID int64) (bool, error) {
	marked := false
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		var before Review
		err := tx.Where("article_id = ? AND user_id = ? AND completed_at IS NOT NULL", articleID, userID).Take(&before).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		marked = true
		if before.ViewedOthersAt != nil {
			return nil
		}
		now := nowUTC()
		if err := tx.Model(&Review{}).Where("article_id = ? AND user_id = ?", articleID, userID).Update("viewed_others_at", now).Error; err != nil {
			return err
		}
		after := before
		after.ViewedOthersAt = &now
		return audit(tx, userID, "view_others", "review", articleID, before, after)
	})
	return marked, err
}
