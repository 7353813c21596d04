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
	// Origin is "manual" or "suggestion" (an accepted machine suggestion of SuggestionModel).
	Origin          string `json:"origin"`
	SuggestionModel string `json:"suggestion_model,omitempty"`
	// Layer is "review" (a reviewer's own work) or "consensus" (a curator's adjudication).
	Layer     string    `json:"layer"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toAnnotationJSON(a *models.Annotation) annotationJSON {
	out := annotationJSON{ID: a.ID, ArticleID: a.ArticleID, UserID: a.UserID, UserName: a.UserName, Label: a.Label,
		Start: a.Start, End: a.End, Exact: a.Exact, Prefix: a.Prefix, Suffix: a.Suffix, Note: a.Note,
		Status: a.Status, Origin: a.Origin, SuggestionModel: a.SuggestionModel, Layer: a.Layer,
		Version: a.Version, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
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
	Layer   string           `json:"layer"` // on create: "review" (default) or "consensus"
}

func (r *annotationRequest) input() annotate.AnnotationInput {
	return annotate.AnnotationInput{Label: r.Label, Start: r.Start, End: r.End, Exact: r.Exact, Note: r.Note, Source: r.Source}
}

// newAnnotationRow is the stored form of a validated annotation.
func newAnnotationRow(articleID, userID int64, na annotate.Annotation) *models.Annotation {
	a := &models.Annotation{ArticleID: articleID, UserID: userID, Label: string(na.Label), Start: na.Start, End: na.End,
		Exact: na.Quote.Exact, Prefix: na.Quote.Prefix, Suffix: na.Quote.Suffix, Note: na.Note}
	if na.Source != nil {
		a.SourceText, a.SourceURL = na.Source.Text, na.Source.URL
	}
	return a
}

// domainAnnotation is a stored annotation as the domain validates it.
func domainAnnotation(a *models.Annotation) annotate.Annotation {
	out := annotate.Annotation{Label: annotate.Label(a.Label), Start: a.Start, End: a.End, Note: a.Note,
		Quote: annotate.Quote{Exact: a.Exact, Prefix: a.Prefix, Suffix: a.Suffix}}
	if a.SourceText != "" || a.SourceURL != "" {
		out.Source = &annotate.Source{Text: a.SourceText, URL: a.SourceURL}
	}
	return out
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
	u := currentUser(c)
	if a, ok, err := s.createGuarded(c, articleID, &req); ok || err != nil {
		if err != nil {
			return err
		}
		c.JSON(http.StatusCreated, toAnnotationJSON(a))
		return nil
	}
	// One read gives the article's revision, for its cached text, and the writer's review.
	rev, review, err := s.store.ArticleForWrite(ctx, articleID, u.ID)
	if err != nil {
		return err
	}
	text, err := s.cachedArticleTextAt(ctx, articleID, rev)
	if err != nil {
		return err
	}
	na, err := annotate.NewAnnotation(text.text, req.input())
	if err != nil {
		return err
	}
	a := newAnnotationRow(articleID, u.ID, na)
	if a.Layer, err = s.writeLayer(ctx, u, articleID, req.Layer); err != nil {
		return err
	}
	if a.Layer == annotate.LayerReview { // the consensus is no review of the writer's
		if err := annotate.CheckWrite(reader(u), toDomainReview(review)); err != nil {
			return err
		}
	}
	a.IdempotencyKey = idempotencyKey(c)
	if err := s.store.CreateAnnotation(ctx, a); err != nil && !errors.Is(err, models.ErrReplayed) {
		return err
	}
	a.UserName = u.Name
	c.JSON(http.StatusCreated, toAnnotationJSON(a))
	return nil
}

// createGuarded creates a reviewer's annotation on PostgreSQL without reading anything first,
// when the article's text is cached: validated against that text, the create's statement
// checks that the article is still at its revision and the review not completed
// (models.CreateReviewAnnotationAt). It reports false, with nothing written, when the checked
// path (createAnnotation) is to answer instead: the text not cached, or not valid for the
// annotation, the statement's checks failing, the idempotency key used, or another layer.
func (s *Server) createGuarded(c *gin.Context, articleID int64, req *annotationRequest) (*models.Annotation, bool, error) {
	u := currentUser(c)
	t, cached := s.texts.get(articleID)
	if s.store.Dialect() != "postgres" || !cached {
		return nil, false, nil
	}
	if layer, err := annotate.WriteLayer(reader(u), req.Layer); err != nil || layer != annotate.LayerReview {
		return nil, false, nil
	}
	na, err := annotate.NewAnnotation(t.text, req.input())
	if err != nil {
		return nil, false, nil // perhaps for a text revised since it was cached
	}
	a := newAnnotationRow(articleID, u.ID, na)
	a.Layer = annotate.LayerReview
	a.IdempotencyKey = idempotencyKey(c)
	switch err := s.store.CreateReviewAnnotationAt(c.Request.Context(), a, t.revision); {
	case errors.Is(err, models.ErrNotWritten):
		return nil, false, nil
	case err != nil:
		return nil, false, err
	}
	a.UserName = u.Name
	return a, true, nil
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
	layer, err := queryLayer(c)
	if err != nil {
		return err
	}
	if layer == annotate.LayerConsensus {
		return s.listConsensus(c, u, articleID, p)
	}
	out, more, err := s.visibleAnnotations(c.Request.Context(), u, v, userID, p)
	if err != nil {
		return err
	}
	list(c, out, more, func(a annotationJSON) int64 { return a.ID })
	return nil
}

// visibleAnnotations lists a page of the annotations u may see on the article of v (the
// reader's view of it), narrowed to one reviewer's if userID is not 0. Showing a finished
// reviewer the others' annotations freezes their review (see showOthers).
func (s *Server) visibleAnnotations(ctx context.Context, u *models.User, v *models.ReaderView, userID int64, p models.Page) ([]annotationJSON, bool, error) {
	scope, err := annotate.AnnotationScope(reader(u), domainReview(v), userID)
	if err != nil {
		return nil, false, err
	}
	as, more, err := s.store.ListAnnotations(ctx, models.AnnotationFilter{ArticleID: v.Article.ID, UserID: scope, Page: p})
	if err != nil {
		return nil, false, err
	}
	out, err := s.shownAnnotations(ctx, u, v, as)
	return out, more, err
}

// visibleOf is visibleAnnotations over the annotations of the article (or userID's) that
// models.OpenArticle read with v: the reader's scope is applied here, as ListAnnotations
// applies it in its query, so the answer holds the same annotations (on SQLite OpenArticle
// has read only those already).
func (s *Server) visibleOf(ctx context.Context, u *models.User, v *models.ReaderView, userID int64, all []models.Annotation) ([]annotationJSON, error) {
	scope, err := annotate.AnnotationScope(reader(u), domainReview(v), userID)
	if err != nil {
		return nil, err
	}
	as := all[:0:0]
	for i := range all {
		if scope == 0 || all[i].UserID == scope {
			as = append(as, all[i])
		}
	}
	return s.shownAnnotations(ctx, u, v, as)
}

// shownAnnotations answers annotations within u's scope on the article of v, recording
// first when they show a finished reviewer the others' work (showOthers).
func (s *Server) shownAnnotations(ctx context.Context, u *models.User, v *models.ReaderView, as []models.Annotation) ([]annotationJSON, error) {
	owners := make([]int64, len(as))
	for i := range as {
		owners[i] = as[i].UserID
	}
	shown, err := s.showOthers(ctx, u, v, owners)
	if err != nil {
		return nil, err
	}
	out := make([]annotationJSON, 0, len(as))
	for i := range as {
		if shown || as[i].UserID == u.ID {
			out = append(out, toAnnotationJSON(&as[i]))
		}
	}
	return out, nil
}

// showOthers is asked before u is answered with work by the given owners on the article of v.
// When that shows a finished reviewer other reviewers' work, the viewing is recorded first,
// which freezes the review (annotate.Reader.SeesOthers). It reports false when the answer may
// hold only u's own work: the review was reopened since v was read.
func (s *Server) showOthers(ctx context.Context, u *models.User, v *models.ReaderView, owners []int64) (bool, error) {
	if !reader(u).SeesOthers(domainReview(v), owners...) {
		return !reader(u).Blind(domainReview(v)), nil
	}
	shown, err := s.store.MarkViewedOthers(ctx, v.Article.ID, u.ID)
	if shown && v.Review.ViewedOthersAt == nil {
		now := time.Now().UTC()
		v.Review.ViewedOthersAt = &now // the view answers as the review now is: frozen
	}
	return shown, err
}

// ownAnnotation loads an annotation the current user may change: their own while their review
// takes changes (annotate.CheckWrite), or any for an admin.
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
	if err := s.mayChange(c.Request.Context(), u, a.ArticleID, a.Layer, a.UserID); err != nil {
		return nil, err
	}
	if a.UserID == u.ID && a.Layer == annotate.LayerReview {
		if err := s.checkWrite(c.Request.Context(), u, a.ArticleID); err != nil {
			return nil, err
		}
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
	if a.Status == "orphaned" && (req.Start == nil || req.End == nil) {
		return fieldErr(CodeInvalid, "start", "this annotation lost its passage when the article's text was edited: place it again with start and end (or delete it)")
	}
	text, err := s.articleText(c.Request.Context(), a.ArticleID)
	if err != nil {
		return err
	}
	na, err := domainAnnotation(a).Patch(text, req.input())
	if err != nil {
		return err
	}
	row := newAnnotationRow(a.ArticleID, a.UserID, na)
	anchored := "anchored" // validated against the current text, wherever it was before
	// Every field is written from the version read above, so only that version may be replaced:
	// a client that read a newer one than this request saw is told to reload, not overwritten.
	p := models.AnnotationPatch{Version: a.Version, Label: &row.Label, Note: &row.Note, SourceText: &row.SourceText, SourceURL: &row.SourceURL,
		Start: &row.Start, End: &row.End, Exact: &row.Exact, Prefix: &row.Prefix, Suffix: &row.Suffix, Status: &anchored}
	// No version is the current one (API.md "Second round"); patchVersion makes one below 1 stale.
	out, err := (*models.Annotation)(nil), error(models.ErrVersionConflict)
	if v := patchVersion(req.Version); v == 0 || v == a.Version {
		out, err = s.store.UpdateAnnotation(c.Request.Context(), currentUser(c).ID, a.ID, p)
	}
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
