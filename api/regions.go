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

type regionJSON struct {
	ID               int64     `json:"id"`
	ArticleID        int64     `json:"article_id"`
	Kind             string    `json:"kind"`
	Start            int       `json:"start"`
	End              int       `json:"end"`
	Exact            string    `json:"exact"`
	OriginOutletID   *int64    `json:"origin_outlet_id"`
	OriginOutletName string    `json:"origin_outlet_name"`
	Origin           string    `json:"origin"`
	Status           string    `json:"status"`
	Layer            string    `json:"layer"` // "review" or "consensus"
	Reason           string    `json:"reason"`
	Relation         string    `json:"relation,omitempty"`
	CreatedBy        *int64    `json:"created_by"` // the author of a manual region; null for a detected one
	OtherArticleID   *int64    `json:"other_article_id,omitempty"`
	Version          int64     `json:"version"`
	CreatedAt        time.Time `json:"created_at"`
	Anchor           string    `json:"anchor"`
}

func toRegionJSON(r *models.Region, text *annotate.Text) regionJSON {
	out := regionJSON{ID: r.ID, ArticleID: r.ArticleID, Kind: r.Kind, Start: r.Start, End: r.End, OriginOutletID: r.OriginOutletID,
		OriginOutletName: r.OriginOutletName, Origin: r.Origin, Status: annotate.RegionStatusFor(regionOwner(r), r.Status, r.Decision), Layer: r.Layer, Reason: r.Reason, Relation: r.Relation,
		OtherArticleID: r.OtherArticleID, CreatedBy: r.CreatedBy, Version: r.Version, CreatedAt: r.CreatedAt, Anchor: r.Anchor}
	if out.Anchor == "" {
		out.Anchor = "anchored"
	}
	switch {
	case out.Anchor == "orphaned":
		out.Exact = r.Exact // the passage as it read before the edit lost it
	case text != nil && text.CheckSpan(r.Start, r.End) == nil:
		out.Exact = text.Slice(r.Start, r.End)
	}
	return out
}

// regionOwner is a stored region as the domain's region rules see it.
func regionOwner(r *models.Region) annotate.RegionOwner {
	o := annotate.RegionOwner{Origin: r.Origin}
	if r.CreatedBy != nil {
		o.CreatedBy = *r.CreatedBy
	}
	return o
}

type regionRequest struct {
	Version        *int64  `json:"version"`
	Kind           *string `json:"kind"`
	Start          *int    `json:"start"`
	End            *int    `json:"end"`
	Exact          *string `json:"exact"`
	OriginOutletID *int64  `json:"origin_outlet_id"`
	Status         *string `json:"status"`
	Layer          string  `json:"layer"` // on create: "review" (default) or "consensus"
}

func (s *Server) listRegions(c *gin.Context) error {
	articleID, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	text, err := s.articleText(ctx, articleID)
	if err != nil {
		return err
	}
	out, err := s.regionsJSON(ctx, currentUser(c), articleID, text)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": out, "next_cursor": ""})
	return nil
}

// regionsJSON lists the regions of an article that u may see (annotate.RegionVisible: a
// reviewer sees the detected ones and their own), each with u's own status.
func (s *Server) regionsJSON(ctx context.Context, u *models.User, articleID int64, text *annotate.Text) ([]regionJSON, error) {
	rs, err := s.store.ListRegions(ctx, articleID, u.ID)
	if err != nil {
		return nil, err
	}
	return regionsJSONOf(u, rs, text), nil
}

// regionsJSONOf answers the regions of an article that u may see.
func regionsJSONOf(u *models.User, rs []models.Region, text *annotate.Text) []regionJSON {
	out := make([]regionJSON, 0, len(rs))
	for i := range rs {
		if annotate.RegionVisible(reader(u), regionOwner(&rs[i])) {
			out = append(out, toRegionJSON(&rs[i], text))
		}
	}
	return out
}

// checkOrigin validates the credited outlet of a region of the given kind (the domain's rule)
// and that the outlet exists; it returns the origin as stored (nil for none).
func (s *Server) checkOrigin(ctx context.Context, kind string, origin *int64) (*int64, error) {
	o, err := annotate.RegionOrigin(kind, origin)
	if err != nil || o == nil {
		return nil, err
	}
	if _, err := s.store.Outlet(ctx, *o); err != nil {
		if errors.Is(err, models.ErrNotFound) {
			return nil, annotate.Errorf(annotate.CodeUnknownOutlet, "origin_outlet_id", "no outlet with id %d", *o)
		}
		return nil, err
	}
	return o, nil
}

func (s *Server) createRegion(c *gin.Context) error {
	articleID, err := pathID(c)
	if err != nil {
		return err
	}
	var req regionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	ctx := c.Request.Context()
	text, err := s.articleText(ctx, articleID)
	if err != nil {
		return err
	}
	kind, start, end, _, err := annotate.NewRegion(text, annotate.RegionInput{Kind: req.Kind, Start: req.Start, End: req.End, Exact: req.Exact, OriginOutletID: req.OriginOutletID})
	if err != nil {
		return err
	}
	origin, err := s.checkOrigin(ctx, kind, req.OriginOutletID)
	if err != nil {
		return err
	}
	u := currentUser(c)
	layer, err := s.writeLayer(ctx, u, articleID, req.Layer)
	if err != nil {
		return err
	}
	if layer == annotate.LayerReview {
		err = s.checkWrite(ctx, u, articleID)
	}
	if err != nil {
		return err
	}
	r := &models.Region{ArticleID: articleID, Kind: kind, Start: start, End: end, OriginOutletID: origin, Origin: annotate.OriginManual,
		Status: annotate.StatusAccepted, CreatedBy: &u.ID, Layer: layer}
	r.IdempotencyKey = idempotencyKey(c)
	if err := s.store.CreateRegion(ctx, u.ID, r); err != nil && !errors.Is(err, models.ErrReplayed) {
		return err
	}
	full, err := s.store.Region(ctx, r.ID)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, toRegionJSON(full, text))
	return nil
}

// updateRegion accepts or rejects a proposed region, or re-credits one.
// updateRegion decides a region for the signed-in reviewer (status), or corrects it (kind,
// origin: its author's, or an admin's). A detected region's status is each reviewer's own.
func (s *Server) updateRegion(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var req regionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	ctx := c.Request.Context()
	u := currentUser(c)
	r, err := s.store.RegionFor(ctx, id, u.ID)
	if err != nil {
		return err
	}
	if req.Start != nil || req.End != nil {
		return annotate.Errorf(annotate.CodeInvalid, "start", "a region's span cannot change; delete it and mark the passage again")
	}
	if req.Status != nil {
		if _, err := annotate.ParseRegionStatus(*req.Status); err != nil {
			return err
		}
	}
	owner := regionOwner(r)
	change := annotate.RegionChange{Decide: req.Status != nil, Recredit: req.Kind != nil || req.OriginOutletID != nil}
	if err := s.checkRegionChange(ctx, u, r, change); err != nil {
		return err
	}
	version := patchVersion(req.Version) // 0 (none sent): the current one
	out := r
	if change.Recredit || owner.Origin == annotate.OriginManual && change.Decide {
		if out, err = s.recreditRegion(ctx, u, r, req, version); err != nil {
			return s.regionConflict(c, id, err)
		}
	}
	if owner.Origin == annotate.OriginDetected && change.Decide {
		if out, err = s.store.DecideRegion(ctx, id, u.ID, version, *req.Status); err != nil {
			return s.regionConflict(c, id, err)
		}
	}
	return s.writeRegion(c, http.StatusOK, out)
}

// writeRegion answers one region with its exact passage read from the article's text, as the
// list gives it.
func (s *Server) writeRegion(c *gin.Context, status int, r *models.Region) error {
	text, err := s.articleText(c.Request.Context(), r.ArticleID)
	if err != nil {
		return err
	}
	c.JSON(status, toRegionJSON(r, text))
	return nil
}

// checkRegionChange applies the domain's rules to a change of region r by u: who may change
// what (annotate.CheckRegionChange), and that u's own review of the article takes changes
// (annotate.CheckWrite) unless an admin acts on someone else's region.
func (s *Server) checkRegionChange(ctx context.Context, u *models.User, r *models.Region, ch annotate.RegionChange) error {
	owner := regionOwner(r)
	if r.Layer == annotate.LayerConsensus || u.Role == annotate.RoleCurator {
		// The consensus is the curators' (annotate.MayChange), and no review of theirs.
		return s.mayChange(ctx, u, r.ArticleID, r.Layer, owner.CreatedBy)
	}
	if err := annotate.CheckRegionChange(reader(u), owner, ch); err != nil {
		return err
	}
	if owner.Origin == annotate.OriginManual && owner.CreatedBy != u.ID {
		return nil
	}
	return s.checkWrite(ctx, u, r.ArticleID)
}

// recreditRegion changes a region's kind, origin or (for a manual region) its author's status.
func (s *Server) recreditRegion(ctx context.Context, u *models.User, r *models.Region, req regionRequest, version int64) (*models.Region, error) {
	p := models.RegionPatch{Kind: req.Kind, Version: version}
	if r.Origin == annotate.OriginManual {
		p.Status = req.Status
	}
	kind := r.Kind
	if req.Kind != nil {
		if err := annotate.CheckRegionKind(*req.Kind); err != nil {
			return nil, err
		}
		kind = *req.Kind
	}
	if req.OriginOutletID != nil {
		origin, err := s.checkOrigin(ctx, kind, req.OriginOutletID)
		if err != nil {
			return nil, err
		}
		p.OriginOutletID = &origin
	} else if kind == annotate.RegionComments && r.OriginOutletID != nil {
		var none *int64
		p.OriginOutletID = &none
	}
	if _, err := s.store.UpdateRegion(ctx, u.ID, r.ID, p); err != nil {
		return nil, err
	}
	return s.store.RegionFor(ctx, r.ID, u.ID)
}

// regionConflict answers a stale version with the region as it is now, in the one shape of a
// version conflict; other errors pass through.
func (s *Server) regionConflict(c *gin.Context, id int64, err error) error {
	if errors.Is(err, models.ErrVersionConflict) {
		if cur, cerr := s.store.RegionFor(c.Request.Context(), id, currentUser(c).ID); cerr == nil {
			text, _ := s.articleText(c.Request.Context(), cur.ArticleID) // without it, exact is left empty
			return versionConflict(resourceName(c), toRegionJSON(cur, text))
		}
	}
	return err
}

func (s *Server) deleteRegion(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	u := currentUser(c)
	r, err := s.store.Region(ctx, id)
	if err != nil {
		return err
	}
	if err := s.checkRegionChange(ctx, u, r, annotate.RegionChange{Delete: true}); err != nil {
		return err
	}
	if err := s.store.DeleteRegion(ctx, u.ID, id); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
