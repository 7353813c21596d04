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
	Reason           string    `json:"reason"`
	Relation         string    `json:"relation,omitempty"`
	OtherArticleID   *int64    `json:"other_article_id,omitempty"`
	Version          int64     `json:"version"`
	CreatedAt        time.Time `json:"created_at"`
}

func toRegionJSON(r *models.Region, text *annotate.Text) regionJSON {
	out := regionJSON{ID: r.ID, ArticleID: r.ArticleID, Kind: r.Kind, Start: r.Start, End: r.End, OriginOutletID: r.OriginOutletID,
		OriginOutletName: r.OriginOutletName, Origin: r.Origin, Status: r.Status, Reason: r.Reason, Relation: r.Relation,
		OtherArticleID: r.OtherArticleID, Version: r.Version, CreatedAt: r.CreatedAt}
	if text != nil && text.CheckSpan(r.Start, r.End) == nil {
		out.Exact = text.Slice(r.Start, r.End)
	}
	return out
}

type regionRequest struct {
	Version        *int64  `json:"version"`
	Kind           *string `json:"kind"`
	Start          *int    `json:"start"`
	End            *int    `json:"end"`
	Exact          *string `json:"exact"`
	OriginOutletID *int64  `json:"origin_outlet_id"`
	Status         *string `json:"status"`
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
	out, err := s.regionsJSON(ctx, articleID, text)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": out, "next_cursor": ""})
	return nil
}

// regionsJSON lists an article's regions for the API.
func (s *Server) regionsJSON(ctx context.Context, articleID int64, text *annotate.Text) ([]regionJSON, error) {
	rs, err := s.store.ListRegions(ctx, articleID)
	if err != nil {
		return nil, err
	}
	out := make([]regionJSON, len(rs))
	for i := range rs {
		out[i] = toRegionJSON(&rs[i], text)
	}
	return out, nil
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
	r := &models.Region{ArticleID: articleID, Kind: kind, Start: start, End: end, OriginOutletID: origin, Origin: annotate.OriginManual,
		Status: annotate.StatusAccepted, CreatedBy: &u.ID}
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
	r, err := s.store.Region(ctx, id)
	if err != nil {
		return err
	}
	if req.Start != nil || req.End != nil {
		return annotate.Errorf(annotate.CodeInvalid, "start", "a region's span cannot change; delete it and mark the passage again")
	}
	p := models.RegionPatch{Status: req.Status, Kind: req.Kind}
	if req.Version != nil {
		p.Version = *req.Version
	}
	if req.Status != nil {
		if _, err := annotate.ParseRegionStatus(*req.Status); err != nil {
			return err
		}
	}
	kind := r.Kind
	if req.Kind != nil {
		if err := annotate.CheckRegionKind(*req.Kind); err != nil {
			return err
		}
		kind = *req.Kind
	}
	if req.OriginOutletID != nil {
		origin, err := s.checkOrigin(ctx, kind, req.OriginOutletID)
		if err != nil {
			return err
		}
		p.OriginOutletID = &origin
	} else if kind == annotate.RegionComments && r.OriginOutletID != nil {
		var none *int64
		p.OriginOutletID = &none
	}
	out, err := s.store.UpdateRegion(ctx, currentUser(c).ID, id, p)
	if errors.Is(err, models.ErrVersionConflict) {
		if cur, cerr := s.store.Region(ctx, id); cerr == nil {
			return versionConflict(resourceName(c), toRegionJSON(cur, nil))
		}
	}
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toRegionJSON(out, nil))
	return nil
}

func (s *Server) deleteRegion(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteRegion(c.Request.Context(), currentUser(c).ID, id); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
