package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/models"
)

type annotationJSON struct {
	ID        int64            `json:"id"`
	ArticleID int64            `json:"article_id"`
	UserID    int64            `json:"user_id"`
	UserName  string           `json:"user_name"`
	Label     string           `json:"label"`
	Start     int              `json:"start"`
	End       int              `json:"end"`
	Exact     string           `json:"exact"`
	Prefix    string           `json:"prefix"`
	Suffix    string           `json:"suffix"`
	Note      string           `json:"note"`
	Source    *annotate.Source `json:"source"`
	Status    string           `json:"status"`
	Version   int64            `json:"version"`
	CreatedAt time.Time        `json:"created_at"`
	UpdatedAt time.Time        `json:"updated_at"`
}

func toAnnotationJSON(a *models.Annotation) annotationJSON {
	out := annotationJSON{ID: a.ID, ArticleID: a.ArticleID, UserID: a.UserID, UserName: a.UserName, Label: a.Label,
		Start: a.Start, End: a.End, Exact: a.Exact, Prefix: a.Prefix, Suffix: a.Suffix, Note: a.Note,
		Status: a.Status, Version: a.Version, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
	if a.SourceText != "" || a.SourceURL != "" {
		out.Source = &annotate.Source{Text: a.SourceText, URL: a.SourceURL}
	}
	return out
}

type annotationRequest struct {
	Version *int64           `json:"version"`
	Label   *string          `json:"label"`
	Start   *int             `json:"start"`
	End     *int             `json:"end"`
	Exact   *string          `json:"exact"`
	Note    *string          `json:"note"`
	Source  *annotate.Source `json:"source"`
}

func (s *Server) createAnnotation(c *gin.Context) error {
	articleID, err := pathID(c)
	if err != nil {
		return err
	}
	var req annotationRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	ctx := c.Request.Context()
	text, err := s.articleText(ctx, articleID)
	if err != nil {
		return err
	}
	if req.Label == nil {
		return annotate.Errorf(annotate.CodeInvalidLabel, "label", "label is required")
	}
	if req.Start == nil || req.End == nil {
		return annotate.Errorf(annotate.CodeInvalidSpan, "start", "start and end are required")
	}
	label, err := annotate.ParseLabel(*req.Label)
	if err != nil {
		return err
	}
	q, err := text.Anchor(*req.Start, *req.End, req.Exact)
	if err != nil {
		return err
	}
	note := ""
	if req.Note != nil {
		note = *req.Note
	}
	if err := annotate.CheckNote(note); err != nil {
		return err
	}
	if err := annotate.CheckSource(req.Source); err != nil {
		return err
	}
	u := currentUser(c)
	a := &models.Annotation{ArticleID: articleID, UserID: u.ID, Label: string(label), Start: *req.Start, End: *req.End,
		Exact: q.Exact, Prefix: q.Prefix, Suffix: q.Suffix, Note: note}
	if req.Source != nil {
		a.SourceText, a.SourceURL = req.Source.Text, req.Source.URL
	}
	a.IdempotencyKey = idempotencyKey(c)
	if err := s.store.CreateAnnotation(ctx, a); err != nil && !errors.Is(err, models.ErrReplayed) {
		return err
	}
	a.UserName = u.Name
	c.JSON(http.StatusCreated, toAnnotationJSON(a))
	return nil
}

// listAnnotations returns an article's annotations. Review is blind: a reviewer who has not
// finished the article sees only their own.
func (s *Server) listAnnotations(c *gin.Context) error {
	articleID, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := page(c)
	if err != nil {
		return err
	}
	userID, err := queryID(c, "user_id")
	if err != nil {
		return err
	}
	u := currentUser(c)
	v, err := s.store.ArticleForReader(c.Request.Context(), articleID, u.ID)
	if err != nil {
		return err
	}
	out, more, err := s.visibleAnnotations(c.Request.Context(), u, v, userID, p)
	if err != nil {
		return err
	}
	list(c, out, more, func(a annotationJSON) int64 { return a.ID })
	return nil
}

// visibleAnnotations lists a page of the annotations u may see on the article of v (the
// reader's view of it), narrowed to one reviewer's if userID is not 0.
func (s *Server) visibleAnnotations(ctx context.Context, u *models.User, v *models.ReaderView, userID int64, p models.Page) ([]annotationJSON, bool, error) {
	scope, err := annotationScope(u, v.Review.CompletedAt != nil, userID)
	if err != nil {
		return nil, false, err
	}
	as, more, err := s.store.ListAnnotations(ctx, models.AnnotationFilter{ArticleID: v.Article.ID, UserID: scope, Page: p})
	if err != nil {
		return nil, false, err
	}
	out := make([]annotationJSON, len(as))
	for i := range as {
		out[i] = toAnnotationJSON(&as[i])
	}
	return out, more, nil
}

// annotationScope is the blind-review rule: whose annotations u may see on an article, given
// whether u has marked it done and the user_id asked for (0: everyone's). A reviewer sees only
// their own until done; asking for another reviewer's before then is refused.
func annotationScope(u *models.User, completed bool, userID int64) (int64, error) {
	if u.Role != annotate.RoleReviewer || userID == u.ID || completed {
		return userID, nil
	}
	if userID != 0 {
		return 0, errf(CodeBlindReview, "other reviewers' annotations are hidden until you mark the article done")
	}
	return u.ID, nil
}

// ownAnnotation loads an annotation the current user may change: their own, or any for an admin.
func (s *Server) ownAnnotation(c *gin.Context) (*models.Annotation, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	a, err := s.store.Annotation(c.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	u := currentUser(c)
	if a.UserID != u.ID && u.Role != annotate.RoleAdmin {
		return nil, errf(CodeForbidden, "only the annotation's author or an admin may change it")
	}
	return a, nil
}

func (s *Server) updateAnnotation(c *gin.Context) error {
	a, err := s.ownAnnotation(c)
	if err != nil {
		return err
	}
	var req annotationRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if req.Version == nil {
		return fieldErr(CodeInvalid, "version", "version is required: send the version you read")
	}
	p := models.AnnotationPatch{Version: *req.Version, Note: req.Note}
	if req.Label != nil {
		l, err := annotate.ParseLabel(*req.Label)
		if err != nil {
			return err
		}
		ls := string(l)
		p.Label = &ls
	}
	if req.Note != nil {
		if err := annotate.CheckNote(*req.Note); err != nil {
			return err
		}
	}
	if req.Source != nil {
		empty := *req.Source == annotate.Source{}
		if !empty {
			if err := annotate.CheckSource(req.Source); err != nil {
				return err
			}
		}
		p.SourceText, p.SourceURL = &req.Source.Text, &req.Source.URL
	}
	if req.Start != nil || req.End != nil || req.Exact != nil {
		start, end := a.Start, a.End
		if req.Start != nil {
			start = *req.Start
		}
		if req.End != nil {
			end = *req.End
		}
		text, err := s.articleText(c.Request.Context(), a.ArticleID)
		if err != nil {
			return err
		}
		q, err := text.Anchor(start, end, req.Exact)
		if err != nil {
			return err
		}
		p.Start, p.End, p.Exact, p.Prefix, p.Suffix = &start, &end, &q.Exact, &q.Prefix, &q.Suffix
	}
	out, err := s.store.UpdateAnnotation(c.Request.Context(), currentUser(c).ID, a.ID, p)
	if err != nil {
		if errors.Is(err, models.ErrVersionConflict) {
			if cur, cerr := s.store.Annotation(c.Request.Context(), a.ID); cerr == nil {
				return versionConflict(resourceName(c), toAnnotationJSON(cur))
			}
		}
		return err
	}
	c.JSON(http.StatusOK, toAnnotationJSON(out))
	return nil
}

func (s *Server) deleteAnnotation(c *gin.Context) error {
	a, err := s.ownAnnotation(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteAnnotation(c.Request.Context(), currentUser(c).ID, a.ID); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
