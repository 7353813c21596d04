package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/models"
)

type assignRequest struct {
	ArticleIDs  []int64 `json:"article_ids"`
	ReviewerIDs []int64 `json:"reviewer_ids"`
	PerArticle  *int    `json:"per_article"`
	// Suggestions false hides machine suggestions from the reviewers of the pairs this request
	// creates (default true).
	Suggestions *bool `json:"suggestions"`
}

// maxAssignIDs bounds one assignment request; larger batches go in several requests.
const maxAssignIDs = 10000

func (r *assignRequest) validate() error {
	if len(r.ArticleIDs) == 0 {
		return fieldErr(CodeInvalid, "article_ids", "article_ids is required: a non-empty list of article ids")
	}
	if len(r.ArticleIDs) > maxAssignIDs || len(r.ReviewerIDs) > maxAssignIDs {
		return fieldErr(CodeInvalid, "article_ids", "at most %d ids per request; split the batch", maxAssignIDs)
	}
	if r.PerArticle != nil && *r.PerArticle < 1 {
		return fieldErr(CodeInvalid, "per_article", "per_article must be at least 1")
	}
	return nil
}

func assignmentsJSON(as []models.Assignment) []models.Assignment {
	if as == nil {
		return []models.Assignment{}
	}
	return as
}

// assign gives each article to per_article reviewers, balanced and never twice to one.
func (s *Server) assign(c *gin.Context) error {
	var req assignRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if err := req.validate(); err != nil {
		return err
	}
	per := 1
	if req.PerArticle != nil {
		per = *req.PerArticle
	}
	out, err := s.store.AssignArticles(c.Request.Context(), currentUser(c).ID, models.AssignRequest{ArticleIDs: req.ArticleIDs, ReviewerIDs: req.ReviewerIDs, PerArticle: per,
		HideSuggestions: req.Suggestions != nil && !*req.Suggestions})
	if err != nil {
		return err
	}
	created := 0
	for _, a := range out {
		if a.Created {
			created++
		}
	}
	c.JSON(http.StatusOK, gin.H{"items": assignmentsJSON(out), "created": created})
	return nil
}

type unassignRequest struct {
	ArticleIDs  []int64 `json:"article_ids"`
	ReviewerIDs []int64 `json:"reviewer_ids"`
}

// unassign takes articles away from reviewers (from all of them when reviewer_ids is absent).
func (s *Server) unassign(c *gin.Context) error {
	var req unassignRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if len(req.ArticleIDs) == 0 {
		return fieldErr(CodeInvalid, "article_ids", "article_ids is required: a non-empty list of article ids")
	}
	if len(req.ArticleIDs) > maxAssignIDs || len(req.ReviewerIDs) > maxAssignIDs {
		return fieldErr(CodeInvalid, "article_ids", "at most %d ids per request; split the batch", maxAssignIDs)
	}
	out, err := s.store.UnassignArticles(c.Request.Context(), currentUser(c).ID, req.ArticleIDs, req.ReviewerIDs)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": assignmentsJSON(out)})
	return nil
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
func (s *Server) assignmentProgress(c *gin.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	rs, err := s.store.ReviewerProgressAll(ctx)
	if err != nil {
		return err
	}
	as, more, err := s.store.ArticleProgressPage(ctx, p)
	if err != nil {
		return err
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
			st := annotate.Review{Completed: r.CompletedAt != nil, Annotations: r.Annotations}.Status()
			if r.CompletedAt != nil {
				out.Completed++
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
	return nil
}

type reopenRequest struct {
	ReviewerID int64 `json:"reviewer_id"`
}

// reopenFor lets an admin send a finished article back to its reviewer: the review is no
// longer complete and heads the reviewer's queue as assigned.
func (s *Server) reopenFor(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var req reopenRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if req.ReviewerID <= 0 {
		return fieldErr(CodeInvalid, "reviewer_id", "reviewer_id is required")
	}
	ctx := c.Request.Context()
	if _, err := s.store.Article(ctx, id); err != nil {
		return err
	}
	if _, err := s.store.User(ctx, req.ReviewerID); err != nil {
		if errors.Is(err, models.ErrNotFound) {
			return fieldErr(CodeUnknownReviewer, "reviewer_id", "no user with id %d", req.ReviewerID)
		}
		return err
	}
	r, err := s.store.ReopenReview(ctx, currentUser(c).ID, id, req.ReviewerID)
	if err != nil {
		return err
	}
	rs, err := s.reviewStatus(ctx, r)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"article_id": r.ArticleID, "user_id": r.UserID, "reviewer_id": r.UserID, "assigned": r.Assigned,
		"completed_at": r.CompletedAt, "status": rs.Status, "locked": rs.Locked, "reopened_after_viewing": rs.ReopenedAfterViewing})
	return nil
}
