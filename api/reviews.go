package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/models"
)

// complete records that the signed-in reviewer has finished an article; scores count only
// finished reviews, and blind review lifts for them.
func (s *Server) complete(c *gin.Context) error {
	return s.setComplete(c, true)
}

// reopen undoes complete, so the reviewer can go on annotating.
func (s *Server) reopen(c *gin.Context) error {
	return s.setComplete(c, false)
}

func (s *Server) setComplete(c *gin.Context, done bool) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	u := currentUser(c)
	v, err := s.store.ArticleForReader(ctx, id, u.ID)
	if err != nil {
		return err
	}
	if !done {
		if err := annotate.CheckReopen(reader(u), domainReview(v)); err != nil {
			return err
		}
	}
	r, err := s.store.CompleteReview(ctx, id, u.ID, done)
	if errors.Is(err, models.ErrReviewLocked) {
		// Frozen between the read above and the reopen: the rule's own answer.
		return annotate.CheckReopen(reader(u), annotate.Review{Completed: true, ViewedOthers: true})
	}
	if err != nil {
		return err
	}
	rs, err := s.reviewStatus(ctx, r)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"article_id": r.ArticleID, "user_id": r.UserID, "completed_at": r.CompletedAt, "status": rs.Status,
		"locked": rs.Locked, "reopened_after_viewing": rs.ReopenedAfterViewing})
	return nil
}

type queueItemJSON struct {
	ArticleID   int64  `json:"article_id"`
	Title       string `json:"title"`
	Outlet      string `json:"outlet"`
	Assigned    bool   `json:"assigned"`
	Status      string `json:"status"`
	Annotations int64  `json:"annotations"`
}

func (s *Server) queue(c *gin.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	items, err := s.store.Queue(c.Request.Context(), currentUser(c).ID, p.Limit)
	if err != nil {
		return err
	}
	out := make([]queueItemJSON, len(items))
	for i, it := range items {
		out[i] = queueItemJSON{ArticleID: it.ArticleID, Title: it.Title, Outlet: it.Outlet, Assigned: it.Assigned,
			Status: annotate.Review{Completed: it.CompletedAt != nil, Annotations: it.Annotations}.Status(), Annotations: it.Annotations}
	}
	c.JSON(http.StatusOK, gin.H{"items": out, "next_cursor": ""})
	return nil
}
