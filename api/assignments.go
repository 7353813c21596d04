package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/models"
)

type assignRequest struct {
	ArticleIDs  []int64 `json:"article_ids"`
	ReviewerIDs []int64 `json:"reviewer_ids"`
	PerArticle  *int    `json:"per_article"`
}

// maxAssignIDs bounds one assignment request; larger batches go in several requests.
const maxAssignIDs = 10000

func (r *assignRequest) validate() error {
	if len(r.ArticleIDs) == 0 {
		return fieldErr(http.StatusUnprocessableEntity, "invalid", "article_ids", "article_ids is required: a non-empty list of article ids")
	}
	if len(r.ArticleIDs) > maxAssignIDs || len(r.ReviewerIDs) > maxAssignIDs {
		return fieldErr(http.StatusUnprocessableEntity, "invalid", "article_ids", "at most %d ids per request; split the batch", maxAssignIDs)
	}
	if r.PerArticle != nil && *r.PerArticle < 1 {
		return fieldErr(http.StatusUnprocessableEntity, "invalid", "per_article", "per_article must be at least 1")
	}
	return nil
}

// assignmentError turns the store's refusal into a 422 (or 409) that names the bad ids.
func assignmentError(err error) error {
	var ae *models.AssignmentError
	switch {
	case errors.As(err, &ae):
		e := fieldErr(http.StatusUnprocessableEntity, ae.Code, ae.Field, "%s", ae.Message)
		if len(ae.IDs) > 0 {
			e.Details = gin.H{"ids": ae.IDs}
		}
		return e
	case errors.Is(err, models.ErrNotCompleted):
		return errf(http.StatusConflict, "not_completed", "the reviewer has not finished this article, so there is nothing to reopen")
	}
	return err
}

func assignmentsJSON(as []models.Assignment) []models.Assignment {
	if as == nil {
		return []models.Assignment{}
	}
	return as
}

// assign gives each article to per_article reviewers, balanced and never twice to one.
func (s *Server) assign(c *gin.Context) {
	var req assignRequest
	if !bind(c, &req) {
		return
	}
	if err := req.validate(); err != nil {
		fail(c, err)
		return
	}
	per := 1
	if req.PerArticle != nil {
		per = *req.PerArticle
	}
	out, err := s.store.AssignArticles(c.Request.Context(), currentUser(c).ID, models.AssignRequest{ArticleIDs: req.ArticleIDs, ReviewerIDs: req.ReviewerIDs, PerArticle: per})
	if err != nil {
		fail(c, assignmentError(err))
		return
	}
	created := 0
	for _, a := range out {
		if a.Created {
			created++
		}
	}
	c.JSON(http.StatusOK, gin.H{"items": assignmentsJSON(out), "created": created})
}

type unassignRequest struct {
	ArticleIDs  []int64 `json:"article_ids"`
	ReviewerIDs []int64 `json:"reviewer_ids"`
}

// unassign takes articles away from reviewers (from all of them when reviewer_ids is absent).
func (s *Server) unassign(c *gin.Context) {
	var req unassignRequest
	if !bind(c, &req) {
		return
	}
	if len(req.ArticleIDs) == 0 {
		fail(c, fieldErr(http.StatusUnprocessableEntity, "invalid", "article_ids", "article_ids is required: a non-empty list of article ids"))
		return
	}
	if len(req.ArticleIDs) > maxAssignIDs || len(req.ReviewerIDs) > maxAssignIDs {
		fail(c, fieldErr(http.StatusUnprocessableEntity, "invalid", "article_ids", "at most %d ids per request; split the batch", maxAssignIDs))
		return
	}
	out, err := s.store.UnassignArticles(c.Request.Context(), currentUser(c).ID, req.ArticleIDs, req.ReviewerIDs)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": assignmentsJSON(out)})
}

type reviewerProgressJSON struct {
	ReviewerID int64  `json:"reviewer_id"`
	Name       string `json:"name"`
	Email      string `json:"email"`
	Disabled   bool   `json:"disabled"`
	Assigned   int64  `json:"assigned"`
	Completed  int64  `json:"completed"`
	InProgress int64  `json:"in_progress"`
	Todo       int64  `json:"todo"`
}

type articleReviewerJSON struct {
	ReviewerID  int64      `json:"reviewer_id"`
	Name        string     `json:"name"`
	Assigned    bool       `json:"assigned"`
	Status      string     `json:"status"`
	AssignedAt  *time.Time `json:"assigned_at"`
	CompletedAt *time.Time `json:"completed_at"`
	Annotations int64      `json:"annotations"`
}

type articleProgressJSON struct {
	ArticleID int64                 `json:"article_id"`
	Title     string                `json:"title"`
	Outlet    string                `json:"outlet"`
	Assigned  int                   `json:"assigned"`
	Completed int                   `json:"completed"`
	Reviewers []articleReviewerJSON `json:"reviewers"`
}

// progress reports, per reviewer, their assigned articles by state, and per article (a page
// of those assigned or finished) who has it and who finished it.
func (s *Server) assignmentProgress(c *gin.Context) {
	p, ok := page(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	rs, err := s.store.ReviewerProgressAll(ctx)
	if err != nil {
		fail(c, err)
		return
	}
	as, more, err := s.store.ArticleProgressPage(ctx, p)
	if err != nil {
		fail(c, err)
		return
	}
	reviewers := make([]reviewerProgressJSON, len(rs))
	for i, r := range rs {
		reviewers[i] = reviewerProgressJSON{ReviewerID: r.UserID, Name: r.Name, Email: r.Email, Disabled: r.Disabled,
			Assigned: r.Assigned, Completed: r.Completed, InProgress: r.InProgress, Todo: r.Todo()}
	}
	articles := make([]articleProgressJSON, len(as))
	for i, a := range as {
		out := articleProgressJSON{ArticleID: a.ArticleID, Title: a.Title, Outlet: a.Outlet, Reviewers: []articleReviewerJSON{}}
		for _, r := range a.Reviewers {
			st := "todo"
			switch {
			case r.CompletedAt != nil:
				st = "completed"
				out.Completed++
			case r.Annotations > 0:
				st = "in_progress"
			}
			if r.Assigned {
				out.Assigned++
			}
			out.Reviewers = append(out.Reviewers, articleReviewerJSON{ReviewerID: r.UserID, Name: r.Name, Assigned: r.Assigned, Status: st,
				AssignedAt: r.AssignedAt, CompletedAt: r.CompletedAt, Annotations: r.Annotations})
		}
		articles[i] = out
	}
	next := ""
	if more && len(articles) > 0 {
		next = encodeCursor(articles[len(articles)-1].ArticleID)
	}
	c.JSON(http.StatusOK, gin.H{"reviewers": reviewers, "articles": articles, "next_cursor": next})
}

type reopenRequest struct {
	ReviewerID int64 `json:"reviewer_id"`
}

// reopenFor lets an admin send a finished article back to its reviewer: the review is no
// longer complete and heads the reviewer's queue as assigned.
func (s *Server) reopenFor(c *gin.Context) {
	id, ok := pathID(c)
	if !ok {
		return
	}
	var req reopenRequest
	if !bind(c, &req) {
		return
	}
	if req.ReviewerID <= 0 {
		fail(c, fieldErr(http.StatusUnprocessableEntity, "invalid", "reviewer_id", "reviewer_id is required"))
		return
	}
	ctx := c.Request.Context()
	if _, err := s.store.Article(ctx, id); err != nil {
		fail(c, err)
		return
	}
	if _, err := s.store.User(ctx, req.ReviewerID); err != nil {
		if errors.Is(err, models.ErrNotFound) {
			fail(c, fieldErr(http.StatusUnprocessableEntity, "unknown_reviewer", "reviewer_id", "no user with id %d", req.ReviewerID))
			return
		}
		fail(c, err)
		return
	}
	r, err := s.store.ReopenReview(ctx, currentUser(c).ID, id, req.ReviewerID)
	if err != nil {
		fail(c, assignmentError(err))
		return
	}
	rs, err := s.reviewStatus(ctx, r)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"article_id": r.ArticleID, "user_id": r.UserID, "reviewer_id": r.UserID, "assigned": r.Assigned,
		"completed_at": r.CompletedAt, "status": rs.Status})
}
