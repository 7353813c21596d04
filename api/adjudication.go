package api

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/models"
)

// Curators and the consensus layer (DESIGN.md rule 8): a curator reads an article once its
// assigned reviewers have all finished (or an admin opened it), sees their work grouped into
// units, and builds the article's consensus, which researchers score with ?layer=consensus.

// curatorGate keeps curators to the articles open to them: on a route of one article it
// answers 403 not_ready for a curator while an assigned reviewer is still at work on it.
func (s *Server) curatorGate(c *gin.Context) {
	if !isCurator(c) {
		c.Next()
		return
	}
	id, err := pathID(c)
	if err == nil {
		err = s.checkCuratable(c.Request.Context(), id)
	}
	if err != nil {
		fail(c, err)
		return
	}
	c.Next()
}

// isCurator tells whether the caller is a curator, who reads only the articles open to curators.
func isCurator(c *gin.Context) bool {
	u := currentUser(c)
	return u != nil && u.Role == annotate.RoleCurator
}

// checkCuratable refuses an article that is not open to curators.
func (s *Server) checkCuratable(ctx context.Context, articleID int64) error {
	if _, err := s.store.Article(ctx, articleID); err != nil {
		return err
	}
	ok, err := s.store.Curatable(ctx, articleID)
	if err != nil {
		return err
	}
	if !ok {
		return errf(CodeNotReady, "not every reviewer assigned to article %d has finished it; an admin can open it to curators early", articleID)
	}
	return nil
}

type finishedReviewJSON struct {
	ReviewerID  int64     `json:"reviewer_id"`
	Name        string    `json:"name"`
	CompletedAt time.Time `json:"completed_at"`
}

// unitJSON is one unit of the reviewers' work: marks of one label (or region kind) whose spans
// overlap, with how many of the finished reviewers made them.
type unitJSON struct {
	Kind        string `json:"kind"` // the label, or for a region unit "quote" or "comments"
	Start       int    `json:"start"`
	End         int    `json:"end"`
	Exact       string `json:"exact"`
	Reviewers   int    `json:"reviewers"`
	Of          int    `json:"of"`
	Agreed      bool   `json:"agreed"`
	InConsensus bool   `json:"in_consensus"`
	// Annotations (annotation units) or Regions (region units): the reviewers' marks, made by
	// MarkReviewers (the same order).
	Annotations   []annotationJSON `json:"annotations,omitempty"`
	Regions       []regionJSON     `json:"regions,omitempty"`
	MarkReviewers []int64          `json:"mark_reviewers"`
}

type adjudicationJSON struct {
	ArticleID     int64                `json:"article_id"`
	Status        string               `json:"status"` // "open" or "adjudicated"
	OpenedByAdmin bool                 `json:"opened_by_admin"`
	AdjudicatedAt *time.Time           `json:"adjudicated_at"`
	AdjudicatedBy *int64               `json:"adjudicated_by"`
	Premerged     int                  `json:"premerged"` // units this opening merged (only the first opening merges)
	Reviewers     []finishedReviewJSON `json:"reviewers"`
	Units         []unitJSON           `json:"units"`
	RegionUnits   []unitJSON           `json:"region_units"`
	Consensus     struct {
		Annotations []annotationJSON `json:"annotations"`
		Regions     []regionJSON     `json:"regions"`
	} `json:"consensus"`
}

// adjudication answers GET /articles/{id}/adjudication: every finished reviewer's annotations
// and regions grouped into units, disagreements first, beside the consensus so far. The first
// time a curator (or admin) opens an article, the units every finished reviewer agrees on are
// merged into the consensus (models.Store.Premerge: once, so reopening never duplicates).
func (s *Server) adjudication(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	text, err := s.articleText(ctx, id)
	if err != nil {
		return err
	}
	d, err := s.store.AdjudicationData(ctx, id)
	if err != nil {
		return err
	}
	units, regionUnits := groupReviewerWork(d)
	made := 0
	if d.Adjudication.PremergedAt == nil && d.Adjudication.CompletedAt == nil && len(d.Finished) > 0 {
		anns, regs := agreedWork(d, units, regionUnits)
		if made, err = s.store.Premerge(ctx, currentUser(c).ID, id, anns, regs); err != nil {
			return err
		}
		if d, err = s.store.AdjudicationData(ctx, id); err != nil {
			return err
		}
	}
	c.JSON(http.StatusOK, adjudicationView(d, text, units, regionUnits, made))
	return nil
}

// groupReviewerWork groups the finished reviewers' annotations and regions into units.
func groupReviewerWork(d *models.AdjudicationData) (units, regionUnits []annotate.Unit) {
	finished := make([]int64, len(d.Finished))
	for i, f := range d.Finished {
		finished[i] = f.UserID
	}
	marks := make([]annotate.Mark, len(d.Reviews))
	for i, a := range d.Reviews {
		marks[i] = annotate.Mark{ID: a.ID, ReviewerID: a.UserID, Kind: a.Label, Start: a.Start, End: a.End}
	}
	var regionMarks []annotate.Mark
	for _, r := range d.Regions {
		m := annotate.Mark{ID: r.ID, ReviewerID: r.ReviewerID, Kind: r.Kind, Start: r.Start, End: r.End}
		if r.OriginOutletID != nil {
			m.Origin = *r.OriginOutletID
		}
		regionMarks = append(regionMarks, m)
	}
	return annotate.GroupUnits(marks, finished), annotate.GroupUnits(regionMarks, finished)
}

// agreedWork picks, for each unit every finished reviewer agrees on, the mark to copy into
// the consensus: the earliest made (its note and source come along).
func agreedWork(d *models.AdjudicationData, units, regionUnits []annotate.Unit) ([]models.Annotation, []models.Region) {
	annByID := map[int64]models.Annotation{}
	for _, a := range d.Reviews {
		annByID[a.ID] = a
	}
	regByID := map[int64]models.Region{}
	for _, r := range d.Regions {
		regByID[r.ID] = r.Region
	}
	var anns []models.Annotation
	var regs []models.Region
	for _, u := range units {
		if u.Agreed {
			anns = append(anns, annByID[earliest(u)])
		}
	}
	for _, u := range regionUnits {
		if u.Agreed {
			regs = append(regs, regByID[earliest(u)])
		}
	}
	return anns, regs
}

func earliest(u annotate.Unit) int64 {
	id := u.Marks[0].ID
	for _, m := range u.Marks {
		id = min(id, m.ID)
	}
	return id
}

// adjudicationView is the answer of the adjudication route.
func adjudicationView(d *models.AdjudicationData, text *annotate.Text, units, regionUnits []annotate.Unit, made int) adjudicationJSON {
	out := adjudicationJSON{ArticleID: d.Adjudication.ArticleID, Status: "open", OpenedByAdmin: d.Adjudication.OpenedAt != nil,
		AdjudicatedAt: d.Adjudication.CompletedAt, AdjudicatedBy: d.Adjudication.CompletedBy, Premerged: made,
		Reviewers: []finishedReviewJSON{}, Units: []unitJSON{}, RegionUnits: []unitJSON{}}
	if d.Adjudication.CompletedAt != nil {
		out.Status = "adjudicated"
	}
	for _, f := range d.Finished {
		out.Reviewers = append(out.Reviewers, finishedReviewJSON{ReviewerID: f.UserID, Name: f.Name, CompletedAt: f.CompletedAt})
	}
	out.Consensus.Annotations = make([]annotationJSON, len(d.Consensus))
	for i := range d.Consensus {
		out.Consensus.Annotations[i] = toAnnotationJSON(&d.Consensus[i])
	}
	out.Consensus.Regions = make([]regionJSON, len(d.ConsensusReg))
	for i := range d.ConsensusReg {
		out.Consensus.Regions[i] = toRegionJSON(&d.ConsensusReg[i], text)
	}
	annByID := map[int64]*models.Annotation{}
	for i := range d.Reviews {
		annByID[d.Reviews[i].ID] = &d.Reviews[i]
	}
	regByID := map[int64]*models.Region{}
	for i := range d.Regions {
		regByID[d.Regions[i].ID] = &d.Regions[i].Region
	}
	unit := func(u annotate.Unit) unitJSON {
		j := unitJSON{Kind: u.Kind, Start: u.Start, End: u.End, Reviewers: u.Reviewers, Of: u.Of, Agreed: u.Agreed}
		if text.CheckSpan(u.Start, u.End) == nil {
			j.Exact = text.Slice(u.Start, u.End)
		}
		return j
	}
	for _, u := range units {
		j := unit(u)
		for _, m := range u.Marks {
			j.Annotations = append(j.Annotations, toAnnotationJSON(annByID[m.ID]))
			j.MarkReviewers = append(j.MarkReviewers, m.ReviewerID)
		}
		for _, c := range d.Consensus {
			j.InConsensus = j.InConsensus || (c.Label == u.Kind && c.Start < u.End && u.Start < c.End)
		}
		out.Units = append(out.Units, j)
	}
	for _, u := range regionUnits {
		j := unit(u)
		for _, m := range u.Marks {
			j.Regions = append(j.Regions, regionMarkJSON(*regByID[m.ID], text))
			j.MarkReviewers = append(j.MarkReviewers, m.ReviewerID)
		}
		for _, c := range d.ConsensusReg {
			j.InConsensus = j.InConsensus || (c.Kind == u.Kind && c.Start < u.End && u.Start < c.End)
		}
		out.RegionUnits = append(out.RegionUnits, j)
	}
	return out
}

type acceptUnitsRequest struct {
	ReviewerID int64  `json:"reviewer_id"`
	Label      string `json:"label"`
}

// acceptUnits answers POST /articles/{id}/adjudication/accept: every annotation one finished
// reviewer made with one label is copied into the consensus (those the consensus has already,
// same label and span, are skipped).
func (s *Server) acceptUnits(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var req acceptUnitsRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	label, err := annotate.ParseLabel(req.Label)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	if _, err := s.articleText(ctx, id); err != nil {
		return err // no such article: 404, not "reviewer has not finished" it
	}
	d, err := s.store.AdjudicationData(ctx, id)
	if err != nil {
		return err
	}
	var picked []models.Annotation
	finished := false
	for _, f := range d.Finished {
		finished = finished || f.UserID == req.ReviewerID
	}
	if !finished {
		return fieldErr(CodeInvalid, "reviewer_id", "reviewer %d has not finished article %d", req.ReviewerID, id)
	}
	for _, a := range d.Reviews {
		if a.UserID == req.ReviewerID && a.Label == string(label) {
			picked = append(picked, a)
		}
	}
	made, err := s.store.CopyToConsensus(ctx, currentUser(c).ID, id, picked)
	if err != nil {
		return err
	}
	items := make([]annotationJSON, len(made))
	for i := range made {
		made[i].UserName = currentUser(c).Name
		items[i] = toAnnotationJSON(&made[i])
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "created": len(items), "skipped": len(picked) - len(items)})
	return nil
}

// openAdjudication answers POST /articles/{id}/adjudication/open (admin): curators may take
// the article up before every assigned reviewer has finished it.
func (s *Server) openAdjudication(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	if _, err := s.store.Article(ctx, id); err != nil {
		return err
	}
	a, err := s.store.OpenAdjudication(ctx, currentUser(c).ID, id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"article_id": a.ArticleID, "opened_at": a.OpenedAt, "opened_by": a.OpenedBy})
	return nil
}

type curationItemJSON struct {
	ArticleID     int64      `json:"article_id"`
	Title         string     `json:"title"`
	Outlet        string     `json:"outlet"`
	Finished      int64      `json:"finished_reviews"`
	Status        string     `json:"status"` // "open" or "adjudicated"
	OpenedByAdmin bool       `json:"opened_by_admin"`
	AdjudicatedAt *time.Time `json:"adjudicated_at"`
}

// curationQueue answers GET /api/v1/adjudications: the articles open to curators.
func (s *Server) curationQueue(c *gin.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	items, more, err := s.store.CurationQueue(c.Request.Context(), p)
	if err != nil {
		return err
	}
	out := make([]curationItemJSON, len(items))
	for i, it := range items {
		out[i] = curationItemJSON{ArticleID: it.ArticleID, Title: it.Title, Outlet: it.Outlet, Finished: it.Finished, Status: "open",
			OpenedByAdmin: it.OpenedAt != nil, AdjudicatedAt: it.CompletedAt}
		if it.CompletedAt != nil {
			out[i].Status = "adjudicated"
		}
	}
	list(c, out, more, func(it curationItemJSON) int64 { return it.ArticleID })
	return nil
}

// queryLayer reads ?layer=review|consensus ("" is the reviewers' layer). Any other value is
// 400 bad_request, as every query value a route cannot use is (docs/api.md, Conventions); a
// layer in a body that is no layer stays 422 invalid.
func queryLayer(c *gin.Context) (string, error) {
	l := c.Query("layer")
	layer, err := annotate.ParseLayer(l)
	if err != nil {
		return "", fieldErr(CodeBadRequest, "layer", "layer must be review or consensus, not %q", l)
	}
	return layer, nil
}

// completionLayer reads the layer a completion route is about: POST's optional body
// {"layer": …}, DELETE's ?layer=. Empty means the reviewers' layer.
func completionLayer(c *gin.Context) (string, error) {
	if c.Request.Method == http.MethodDelete {
		return queryLayer(c)
	}
	body, err := io.ReadAll(c.Request.Body) // bounded by limitBody
	if err != nil {
		return "", decodeError(err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return annotate.LayerReview, nil
	}
	c.Request.Body = io.NopCloser(bytes.NewReader(body))
	var req struct {
		Layer string `json:"layer"`
	}
	if err := bind(c, &req); err != nil {
		return "", err
	}
	return annotate.ParseLayer(req.Layer)
}

// completeLayer answers POST and DELETE /articles/{id}/complete: a reviewer finishing (or
// reopening) their review, or with the consensus layer a curator marking the article
// adjudicated (or reopening the adjudication).
func (s *Server) completeLayer(c *gin.Context) error {
	layer, err := completionLayer(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	done := c.Request.Method == http.MethodPost
	if layer == annotate.LayerReview {
		if u.Role == annotate.RoleCurator {
			return fieldErr(CodeForbidden, "layer", `curators complete only the consensus layer: send {"layer": "consensus"}`)
		}
		if done {
			return s.complete(c)
		}
		return s.reopen(c)
	}
	if _, err := annotate.WriteLayer(reader(u), layer); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	// Adjudicating an adjudicated article, or reopening an open one, changes nothing (no new
	// adjudicated_at, audit entry or data version), as for a review (setComplete).
	ctx := c.Request.Context()
	if _, err := s.articleText(ctx, id); err != nil {
		return err // no such article: 404 (it was a 500 from the store's foreign key)
	}
	a, err := s.store.AdjudicationOf(ctx, id)
	if err == nil && (a.CompletedAt != nil) != done {
		a, err = s.store.CompleteAdjudication(ctx, u.ID, id, done)
	}
	if err != nil {
		return err
	}
	status := "open"
	if a.CompletedAt != nil {
		status = "adjudicated"
	}
	// The shape of a review's completion, with the curator as its user.
	c.JSON(http.StatusOK, gin.H{"article_id": a.ArticleID, "user_id": u.ID, "completed_at": a.CompletedAt, "layer": annotate.LayerConsensus,
		"status": status, "adjudicated_at": a.CompletedAt, "adjudicated_by": a.CompletedBy, "locked": false, "reopened_after_viewing": false})
	return nil
}

// consensusWrite checks a write to the consensus layer of an article: refused once the
// article is adjudicated.
func (s *Server) consensusWrite(ctx context.Context, articleID int64) error {
	a, err := s.store.AdjudicationOf(ctx, articleID)
	if err != nil {
		return err
	}
	return annotate.CheckConsensusWrite(a.CompletedAt != nil)
}

// writeLayer is the layer a create by u on the article goes to (annotate.WriteLayer), checked
// against the article's adjudication when it is the consensus.
func (s *Server) writeLayer(ctx context.Context, u *models.User, articleID int64, asked string) (string, error) {
	layer, err := annotate.WriteLayer(reader(u), asked)
	if err != nil || layer != annotate.LayerConsensus {
		return layer, err
	}
	return layer, s.consensusWrite(ctx, articleID)
}

// mayChange checks that u may change or delete an annotation or region of the given layer
// and author on the article (annotate.MayChange), and for the consensus that the article is
// not adjudicated.
func (s *Server) mayChange(ctx context.Context, u *models.User, articleID int64, layer string, author int64) error {
	if err := annotate.MayChange(reader(u), layer, author); err != nil {
		return err
	}
	if layer == annotate.LayerConsensus {
		return s.consensusWrite(ctx, articleID)
	}
	return nil
}

// listConsensus answers GET /articles/{id}/annotations?layer=consensus: the article's
// consensus annotations, for curators, admins and researchers (never reviewers: it is made
// from the other reviewers' work).
func (s *Server) listConsensus(c *gin.Context, u *models.User, articleID int64, p models.Page) error {
	if u.Role == annotate.RoleReviewer {
		return fieldErr(CodeForbidden, "layer", "reviewers do not see the consensus layer: it is made from the other reviewers' work")
	}
	as, more, err := s.store.ListAnnotations(c.Request.Context(), models.AnnotationFilter{ArticleID: articleID, Layer: models.LayerConsensus, Page: p})
	if err != nil {
		return err
	}
	out := make([]annotationJSON, len(as))
	for i := range as {
		out[i] = toAnnotationJSON(&as[i])
	}
	list(c, out, more, func(a annotationJSON) int64 { return a.ID })
	return nil
}

// regionMarkJSON is a reviewer's mark of a region unit. A mark is its reviewer's: a detected
// region is one of their marks because they accepted it, so its status is their decision, as
// their own region list says, not the "proposed" of a reader who has not decided.
func regionMarkJSON(r models.Region, text *annotate.Text) regionJSON {
	if r.Origin == annotate.OriginDetected {
		r.Decision = annotate.StatusAccepted
	}
	return toRegionJSON(&r, text)
}
