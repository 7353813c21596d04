package models

import (
	"github.com/credence-project/credence/annotate"

	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ErrNotCompleted says a review cannot be reopened because it is not finished.
var ErrNotCompleted = errors.New("review not completed")

// AssignmentError is an assignment request the store refuses: ids that name no article or no
// active reviewer, or more reviewers per article than there are to choose from.
type AssignmentError struct {
	Code    string // unknown_article, unknown_reviewer, too_few_reviewers
	Field   string
	Message string
	IDs     []int64
}

func (e *AssignmentError) Error() string { return e.Message }

// The codes of an AssignmentError (the api package gives each its HTTP status).
const (
	CodeUnknownArticle  = "unknown_article"
	CodeUnknownReviewer = "unknown_reviewer"
	CodeTooFewReviewers = "too_few_reviewers"
)

// Assignment is one article given to one reviewer. Created is false when the reviewer had the
// article already (assigned earlier, or finished on their own).
type Assignment struct {
	ArticleID  int64 `json:"article_id"`
	ReviewerID int64 `json:"reviewer_id"`
	Created    bool  `json:"created"`
}

// AssignRequest asks for each article to be reviewed by PerArticle distinct reviewers from
// ReviewerIDs (every active reviewer when empty).
type AssignRequest struct {
	ArticleIDs  []int64
	ReviewerIDs []int64
	PerArticle  int
	// HideSuggestions puts the reviews this request assigns in the arm shown no machine
	// suggestions (a study comparing reviews with and without pre-annotation).
	HideSuggestions bool
}

// chunk is how many ids go into one IN (...) list; both engines cap bound parameters.
const chunk = 500

func chunks(ids []int64) [][]int64 {
	var out [][]int64
	for len(ids) > chunk {
		out = append(out, ids[:chunk])
		ids = ids[chunk:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}

func uniqueSorted(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// activeReviewer is the condition on users that may be given articles.
const activeReviewer = "role = 'reviewer' AND NOT disabled AND deleted_at IS NULL"

// reviewerPool resolves the reviewers an assignment may use: the given ids, each of which
// must be an active reviewer, or every active reviewer.
func reviewerPool(tx *gorm.DB, ids []int64) ([]int64, error) {
	if len(ids) == 0 {
		var pool []int64
		err := tx.Model(&User{}).Where(activeReviewer).Order("id").Pluck("id", &pool).Error
		return pool, err
	}
	ids = uniqueSorted(ids)
	var users []User
	for _, c := range chunks(ids) {
		var part []User
		if err := tx.Where("id IN ? AND deleted_at IS NULL", c).Find(&part).Error; err != nil {
			return nil, err
		}
		users = append(users, part...)
	}
	byID := map[int64]User{}
	for _, u := range users {
		byID[u.ID] = u
	}
	var bad []int64
	var why []string
	for _, id := range ids {
		u, ok := byID[id]
		switch {
		case !ok:
			why = append(why, fmt.Sprintf("%d (no such user)", id))
		case u.Role != "reviewer":
			why = append(why, fmt.Sprintf("%d (%s, not a reviewer)", id, u.Role))
		case u.Disabled:
			why = append(why, fmt.Sprintf("%d (disabled)", id))
		default:
			continue
		}
		bad = append(bad, id)
	}
	if len(bad) > 0 {
		return nil, &AssignmentError{Code: CodeUnknownReviewer, Field: "reviewer_ids", IDs: bad,
			Message: "not active reviewers: " + strings.Join(why, ", ")}
	}
	return ids, nil
}

// missingArticles returns the ids that name no article.
func missingArticles(tx *gorm.DB, ids []int64) ([]int64, error) {
	found := map[int64]bool{}
	for _, c := range chunks(ids) {
		var got []int64
		if err := tx.Model(&Article{}).Where("id IN ?", c).Pluck("id", &got).Error; err != nil {
			return nil, err
		}
		for _, id := range got {
			found[id] = true
		}
	}
	var missing []int64
	for _, id := range ids {
		if !found[id] {
			missing = append(missing, id)
		}
	}
	return missing, nil
}

// AssignArticles gives each article to PerArticle distinct reviewers, balanced by their open
// assignments, never twice to one reviewer: pool reviewers who already hold an article
// (assigned, or finished on their own) count towards PerArticle. It returns every pool
// reviewer of each article afterwards, the new ones marked Created.
func (s *Store) AssignArticles(ctx context.Context, actor int64, req AssignRequest) ([]Assignment, error) {
	articles := uniqueSorted(req.ArticleIDs)
	per := req.PerArticle
	if per == 0 {
		per = 1
	}
	var out []Assignment
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		missing, err := missingArticles(tx, articles)
		if err != nil {
			return err
		}
		if len(missing) > 0 {
			return &AssignmentError{Code: CodeUnknownArticle, Field: "article_ids", IDs: missing, Message: "no article with id " + JoinIDs(missing, ", ")}
		}
		pool, err := reviewerPool(tx, req.ReviewerIDs)
		if err != nil {
			return err
		}
		if len(pool) == 0 {
			return &AssignmentError{Code: CodeTooFewReviewers, Field: "reviewer_ids", Message: "there is no active reviewer to assign articles to"}
		}
		if per > len(pool) {
			return &AssignmentError{Code: CodeTooFewReviewers, Field: "per_article",
				Message: fmt.Sprintf("per_article is %d but %s to choose from", per, reviewersAvailable(len(pool)))}
		}
		load := map[int64]int{}
		var loads []struct {
			UserID int64
			N      int
		}
		for _, c := range chunks(pool) {
			if err := tx.Model(&Review{}).Select("user_id, count(*) AS n").
				Where("user_id IN ? AND assigned AND completed_at IS NULL", c).Group("user_id").Scan(&loads).Error; err != nil {
				return err
			}
			for _, l := range loads {
				load[l.UserID] = l.N
			}
		}
		inPool := map[int64]bool{}
		for _, r := range pool {
			inPool[r] = true
		}
		holders := map[int64][]int64{}
		for _, c := range chunks(articles) {
			var rows []Review
			if err := tx.Where("article_id IN ? AND (assigned OR completed_at IS NOT NULL)", c).Order("article_id, user_id").Find(&rows).Error; err != nil {
				return err
			}
			for _, r := range rows {
				if inPool[r.UserID] {
					holders[r.ArticleID] = append(holders[r.ArticleID], r.UserID)
				}
			}
		}
		plan := annotate.PlanAssignments(articles, pool, per, holders, load) // the rule is the domain's
		now := nowUTC()
		for _, p := range plan {
			r := Review{ArticleID: p.ArticleID, UserID: p.ReviewerID, Assigned: true, AssignedAt: &now, SuggestionsHidden: req.HideSuggestions, UpdatedAt: now}
			if err := tx.Clauses(clause.OnConflict{
				Columns:   []clause.Column{{Name: "article_id"}, {Name: "user_id"}},
				DoUpdates: clause.Assignments(map[string]any{"assigned": true, "assigned_at": now, "suggestions_hidden": req.HideSuggestions}),
			}).Create(&r).Error; err != nil {
				return err
			}
			if err := audit(tx, actor, "assign", "review", p.ArticleID, nil, map[string]any{"article_id": p.ArticleID, "reviewer_id": p.ReviewerID,
				"suggestions_hidden": req.HideSuggestions}); err != nil {
				return err
			}
		}
		created := map[[2]int64]bool{}
		for _, p := range plan {
			created[[2]int64{p.ArticleID, p.ReviewerID}] = true
		}
		for _, a := range articles {
			rs := slices.Clone(holders[a])
			for _, p := range plan {
				if p.ArticleID == a {
					rs = append(rs, p.ReviewerID)
				}
			}
			slices.Sort(rs)
			for _, r := range rs {
				out = append(out, Assignment{ArticleID: a, ReviewerID: r, Created: created[[2]int64{a, r}]})
			}
		}
		return nil
	})
	return out, err
}

// UnassignArticles takes the given articles away from the given reviewers (from every
// reviewer when reviewerIDs is empty). A finished review is kept, only no longer marked as
// assigned; an untouched one disappears. It returns the pairs that were unassigned. An id that
// names no article refuses the whole request (unknown_article, as AssignArticles does), so a
// mistyped id is seen instead of silently unassigning the rest.
func (s *Store) UnassignArticles(ctx context.Context, actor int64, articleIDs, reviewerIDs []int64) ([]Assignment, error) {
	articles := uniqueSorted(articleIDs)
	var out []Assignment
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		missing, err := missingArticles(tx, articles)
		if err != nil {
			return err
		}
		if len(missing) > 0 {
			return &AssignmentError{Code: CodeUnknownArticle, Field: "article_ids", IDs: missing, Message: "no article with id " + JoinIDs(missing, ", ")}
		}
		for _, c := range chunks(articles) {
			q := tx.Where("article_id IN ? AND assigned", c)
			if len(reviewerIDs) > 0 {
				q = q.Where("user_id IN ?", uniqueSorted(reviewerIDs))
			}
			var rows []Review
			if err := q.Order("article_id, user_id").Find(&rows).Error; err != nil {
				return err
			}
			for _, r := range rows {
				var notes int64
				if err := tx.Model(&Annotation{}).Where("article_id = ? AND user_id = ?", r.ArticleID, r.UserID).Count(&notes).Error; err != nil {
					return err
				}
				where := tx.Model(&Review{}).Where("article_id = ? AND user_id = ?", r.ArticleID, r.UserID)
				var err error
				// A review reopened after viewing keeps its row: the mark must outlive the assignment.
				if r.CompletedAt == nil && notes == 0 && !r.ReopenedAfterViewing {
					err = where.Delete(&Review{}).Error
				} else {
					err = where.Updates(map[string]any{"assigned": false, "assigned_at": nil}).Error
				}
				if err != nil {
					return err
				}
				if err := audit(tx, actor, "unassign", "review", r.ArticleID, map[string]any{"article_id": r.ArticleID, "reviewer_id": r.UserID}, nil); err != nil {
					return err
				}
				out = append(out, Assignment{ArticleID: r.ArticleID, ReviewerID: r.UserID})
			}
		}
		return nil
	})
	return out, err
}

// ReopenReview lets a reviewer work on an article they finished: the review is no longer
// completed (so it stops counting in scores) and is assigned to them, so it heads their queue.
func (s *Store) ReopenReview(ctx context.Context, actor, articleID, userID int64) (*Review, error) {
	var out Review
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		var before Review
		if err := tx.Where("article_id = ? AND user_id = ?", articleID, userID).Take(&before).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotCompleted
			}
			return err
		}
		if before.CompletedAt == nil {
			return ErrNotCompleted
		}
		now := nowUTC()
		assignedAt := before.AssignedAt
		if assignedAt == nil {
			assignedAt = &now
		}
		// Reopening unfreezes a review whose reviewer has seen the others; it stays marked
		// reopened_after_viewing for good, so scores and exports can say so.
		reopenedAfterViewing := before.ReopenedAfterViewing || before.ViewedOthersAt != nil
		if err := tx.Model(&Review{}).Where("article_id = ? AND user_id = ?", articleID, userID).
			Updates(map[string]any{"completed_at": nil, "assigned": true, "assigned_at": assignedAt, "updated_at": now,
				"viewed_others_at": nil, "reopened_after_viewing": reopenedAfterViewing}).Error; err != nil {
			return err
		}
		if err := tx.Where("article_id = ? AND user_id = ?", articleID, userID).Take(&out).Error; err != nil {
			return err
		}
		if err := bumpArticle(tx, articleID); err != nil {
			return err
		}
		return audit(tx, actor, "reopen", "review", articleID, before, out)
	})
	return &out, err
}

// ReviewerProgress counts one reviewer's assigned articles by state.
type ReviewerProgress struct {
	UserID     int64 `gorm:"column:user_id"`
	Name       string
	Email      string
	Disabled   bool
	Assigned   int64
	Completed  int64
	InProgress int64
}

// Todo is the number of assigned articles not started yet.
func (p ReviewerProgress) Todo() int64 { return p.Assigned - p.Completed - p.InProgress }

// ArticleReviewer is one reviewer's state on one article.
type ArticleReviewer struct {
	ArticleID   int64
	UserID      int64
	Name        string
	Assigned    bool
	AssignedAt  *time.Time
	CompletedAt *time.Time
	Annotations int64
}

// ArticleProgress is an article with the reviewers who have it.
type ArticleProgress struct {
	ArticleID int64
	Title     string
	Outlet    string
	Reviewers []ArticleReviewer `gorm:"-"`
}

// ReviewerProgressAll counts, for every active reviewer and anyone else holding assignments,
// their assigned articles: completed, in progress and the rest, by the domain's rule of a
// review's state (annotate.Review.Status); the query only reads each assigned review.
func (s *Store) ReviewerProgressAll(ctx context.Context) ([]ReviewerProgress, error) {
	var rows []struct {
		UserID    int64 `gorm:"column:user_id"`
		Name      string
		Email     string
		Disabled  bool
		ArticleID *int64
		Completed bool
		Annotated bool
	}
	err := s.db.WithContext(ctx).Raw(`
		SELECT u.id AS user_id, u.name, u.email, u.disabled, r.article_id,
		       COALESCE(r.completed_at IS NOT NULL, FALSE) AS completed,
		       COALESCE(EXISTS (SELECT 1 FROM annotations n WHERE n.article_id = r.article_id AND n.user_id = u.id), FALSE) AS annotated
		FROM users u
		LEFT JOIN reviews r ON r.user_id = u.id AND r.assigned
		WHERE u.deleted_at IS NULL AND ((u.role = 'reviewer' AND NOT u.disabled) OR r.article_id IS NOT NULL)
		ORDER BY u.id, r.article_id`).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	var out []ReviewerProgress
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].UserID != r.UserID {
			out = append(out, ReviewerProgress{UserID: r.UserID, Name: r.Name, Email: r.Email, Disabled: r.Disabled})
		}
		p := &out[len(out)-1]
		if r.ArticleID == nil {
			continue // no assignment
		}
		p.Assigned++
		var annotations int64
		if r.Annotated {
			annotations = 1
		}
		switch (annotate.Review{Completed: r.Completed, Annotations: annotations}).Status() {
		case annotate.ReviewCompleted:
			p.Completed++
		case annotate.ReviewInProgress:
			p.InProgress++
		}
	}
	return out, nil
}

// ArticleProgressPage pages through the articles that are assigned to or finished by some
// reviewer, by id, each with its reviewers.
func (s *Store) ArticleProgressPage(ctx context.Context, p Page) ([]ArticleProgress, bool, error) {
	db := s.db.WithContext(ctx)
	q := db.Table("articles a").Select("a.id AS article_id, a.title, o.name AS outlet").
		Joins("JOIN outlets o ON o.id = a.outlet_id").
		Where("a.id IN (SELECT article_id FROM reviews WHERE assigned OR completed_at IS NOT NULL)")
	var arts []ArticleProgress
	arts, more, err := trim(arts, p.Limit, paginate(q, "a.id", p).Scan(&arts).Error)
	if err != nil || len(arts) == 0 {
		return arts, more, err
	}
	ids := make([]int64, len(arts))
	idx := map[int64]int{}
	for i, a := range arts {
		ids[i] = a.ArticleID
		idx[a.ArticleID] = i
	}
	var rows []ArticleReviewer
	err = db.Raw(`
		SELECT r.article_id, r.user_id, u.name, r.assigned, r.assigned_at, r.completed_at,
		       (SELECT count(*) FROM annotations n WHERE n.article_id = r.article_id AND n.user_id = r.user_id) AS annotations
		FROM reviews r JOIN users u ON u.id = r.user_id
		WHERE r.article_id IN ? AND (r.assigned OR r.completed_at IS NOT NULL)
		ORDER BY r.article_id, r.user_id`, ids).Scan(&rows).Error
	if err != nil {
		return nil, false, err
	}
	for _, r := range rows {
		i := idx[r.ArticleID]
		arts[i].Reviewers = append(arts[i].Reviewers, r)
	}
	return arts, more, nil
}

// reviewersAvailable says how many reviewers there are, in words that agree with the number.
func reviewersAvailable(n int) string {
	if n == 1 {
		return "there is only 1 reviewer"
	}
	return fmt.Sprintf("there are only %d reviewers", n)
}
