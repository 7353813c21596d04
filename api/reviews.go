package api

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"

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
	// Completing a finished review, or reopening one that is not finished, changes nothing:
	// no new completed_at, audit entry or data version, the same answer.
	r := &v.Review
	r.ArticleID, r.UserID = id, u.ID // a review never begun has no row yet
	if (r.CompletedAt != nil) != done {
		r, err = s.store.CompleteReview(ctx, id, u.ID, done)
		if errors.Is(err, models.ErrReviewLocked) {
			// Frozen between the read above and the reopen: the rule's own answer.
			return annotate.CheckReopen(reader(u), annotate.Review{Completed: true, ViewedOthers: true})
		}
		if err != nil {
			return err
		}
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

// queue pages through the reviewer's queue, whose order is not by id alone: its cursor
// names the place in the order (the bucket and the article; see queueCursor).
func (s *Server) queue(c *gin.Context) error {
	limit, err := pageLimit(c)
	if err != nil {
		return err
	}
	var after models.QueueAfter
	if v := c.Query("cursor"); v != "" {
		if after, err = decodeQueueCursor(v); err != nil {
			return fieldErr(CodeInvalidCursor, "cursor", "cursor is not one this service gave out")
		}
	}
	items, more, err := s.store.Queue(c.Request.Context(), currentUser(c).ID, after, limit)
	if err != nil {
		return err
	}
	out := make([]queueItemJSON, len(items))
	for i, it := range items {
		out[i] = queueItemJSON{ArticleID: it.ArticleID, Title: it.Title, Outlet: it.Outlet, Assigned: it.Assigned,
			Status: annotate.Review{Completed: it.CompletedAt != nil, Annotations: it.Annotations}.Status(), Annotations: it.Annotations}
	}
	next := ""
	if more && len(items) > 0 {
		last := items[len(items)-1]
		next = encodeQueueCursor(models.QueueAfter{Bucket: last.Bucket, ArticleID: last.ArticleID})
	}
	c.JSON(http.StatusOK, gin.H{"items": out, "next_cursor": next})
	return nil
}

// A queue cursor is "q1:<bucket>:<article id>", base64url: opaque to clients like the others.
func encodeQueueCursor(a models.QueueAfter) string {
	return base64.RawURLEncoding.EncodeToString([]byte("q1:" + strconv.Itoa(a.Bucket) + ":" + strconv.FormatInt(a.ArticleID, 10)))
}

func decodeQueueCursor(s string) (models.QueueAfter, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return models.QueueAfter{}, err
	}
	rest, ok := strings.CutPrefix(string(b), "q1:")
	bucket, id, ok2 := strings.Cut(rest, ":")
	if !ok || !ok2 {
		return models.QueueAfter{}, errors.New("bad cursor")
	}
	bk, err1 := strconv.Atoi(bucket)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || bk < 0 || bk > 2 || n < 0 {
		return models.QueueAfter{}, errors.New("bad cursor")
	}
	return models.QueueAfter{Bucket: bk, ArticleID: n}, nil
}
