package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/models"
)

type outletJSON struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	Slug         string    `json:"slug"`
	Homepage     string    `json:"homepage"`
	Domains      []string  `json:"domains"`
	Aliases      []string  `json:"aliases"`
	Country      string    `json:"country"`
	Notes        string    `json:"notes"`
	ArticleCount int64     `json:"article_count"`
	Version      int64     `json:"version"`
	Feeds        []string  `json:"feeds"`
	Warnings     []warning `json:"warnings,omitempty"`
}

// warning flags something about a stored value that a person should look at, without
// refusing it: a name that mixes scripts may be a lookalike of another ("Рaypal" with a
// Cyrillic "Р"), or a real name.
type warning struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func toOutletJSON(o *models.Outlet, feeds []string) outletJSON {
	return outletJSON{ID: o.ID, Name: o.Name, Slug: o.Slug, Homepage: o.Homepage, Domains: nonNil(o.Domains),
		Aliases: nonNil(o.Aliases), Country: o.Country, Notes: o.Notes, ArticleCount: o.ArticleCount, Version: o.Version,
		Feeds: nonNil(feeds), Warnings: nameWarnings(o)}
}

// outletsJSON answers outlets with their feed URLs, looked up for all of them at once.
func (s *Server) outletsJSON(ctx context.Context, os ...*models.Outlet) ([]outletJSON, error) {
	ids := make([]int64, len(os))
	for i, o := range os {
		ids[i] = o.ID
	}
	feeds, err := s.store.OutletFeedURLs(ctx, ids...)
	if err != nil {
		return nil, err
	}
	out := make([]outletJSON, len(os))
	for i, o := range os {
		out[i] = toOutletJSON(o, feeds[o.ID])
	}
	return out, nil
}

// outletJSON answers one outlet with its feed URLs.
func (s *Server) outletJSON(ctx context.Context, o *models.Outlet) (outletJSON, error) {
	out, err := s.outletsJSON(ctx, o)
	if err != nil {
		return outletJSON{}, err
	}
	return out[0], nil
}

// nameWarnings flags an outlet's name and aliases that mix writing systems.
func nameWarnings(o *models.Outlet) []warning {
	var out []warning
	for i, n := range append([]string{o.Name}, o.Aliases...) {
		if sc := annotate.Scripts(n); len(sc) > 1 {
			field := "name"
			if i > 0 {
				field = "aliases"
			}
			out = append(out, warning{Field: field, Code: "mixed_scripts",
				Message: fmt.Sprintf("%q mixes %s letters, as names made to look like another's do", n, strings.Join(sc, " and "))})
		}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

type outletRequest struct {
	Version  *int64    `json:"version"`
	Name     *string   `json:"name"`
	Slug     *string   `json:"slug"`
	Homepage *string   `json:"homepage"`
	Domains  *[]string `json:"domains"`
	Aliases  *[]string `json:"aliases"`
	Country  *string   `json:"country"`
	Notes    *string   `json:"notes"`
	Feeds    *[]string `json:"feeds"`
}

func (r *outletRequest) validate(create bool) error {
	if create && (r.Name == nil || strings.TrimSpace(*r.Name) == "") {
		return fieldErr(CodeInvalid, "name", "name is required")
	}
	trim := func(p *string, field string, max int) error {
		if p == nil {
			return nil
		}
		*p = annotate.NormaliseName(*p)
		if len(*p) > max {
			return fieldErr(CodeInvalid, field, "%s is longer than %d characters", field, max)
		}
		return nil
	}
	for _, f := range []struct {
		p     *string
		name  string
		limit int
	}{{r.Name, "name", 200}, {r.Slug, "slug", 200}, {r.Homepage, "homepage", 2048}, {r.Country, "country", 100}, {r.Notes, "notes", 10000}} {
		if err := trim(f.p, f.name, f.limit); err != nil {
			return err
		}
	}
	if r.Name != nil && *r.Name == "" {
		return fieldErr(CodeInvalid, "name", "name cannot be empty")
	}
	if err := r.checkNames(); err != nil {
		return err
	}
	if r.Slug != nil && (*r.Slug == "" || models.Slugify(*r.Slug) != *r.Slug) {
		return fieldErr(CodeInvalid, "slug", "slug must be lower-case letters, digits and dashes")
	}
	if r.Homepage != nil && *r.Homepage != "" {
		in := annotate.ArticleInput{URL: *r.Homepage, Title: "x", Text: "x"}
		if err := in.Normalise(); err != nil {
			return fieldErr(CodeInvalid, "homepage", "homepage must be an absolute http(s) URL")
		}
	}
	if r.Domains != nil {
		out := []string{}
		for _, d := range *r.Domains {
			n := annotate.NormaliseDomain(d)
			if n == "" || !strings.Contains(n, ".") || strings.ContainsAny(n, " @:") || len(n) > 253 {
				return fieldErr(CodeInvalid, "domains", "%q is not a domain such as example.com", d)
			}
			out = append(out, n)
		}
		r.Domains = &out
	}
	return nil
}

// checkNames refuses a name or alias holding invisible or display-changing characters
// (annotate.CheckName), and puts the aliases in NFC, trimmed (the name is already).
func (r *outletRequest) checkNames() error {
	if r.Name != nil {
		if err := annotate.CheckName("name", *r.Name); err != nil {
			return err
		}
	}
	if r.Aliases == nil {
		return nil
	}
	out := []string{}
	for _, a := range *r.Aliases {
		a = annotate.NormaliseName(a)
		if a == "" || len(a) > 200 {
			return fieldErr(CodeInvalid, "aliases", "aliases must be non-empty names of at most 200 characters")
		}
		if err := annotate.CheckName("aliases", a); err != nil {
			return err
		}
		out = append(out, a)
	}
	r.Aliases = &out
	return nil
}

func (s *Server) listOutlets(c *gin.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	os, more, err := s.store.ListOutlets(c.Request.Context(), models.OutletFilter{Query: strings.TrimSpace(c.Query("q")), Page: p})
	if err != nil {
		return err
	}
	ptrs := make([]*models.Outlet, len(os))
	for i := range os {
		ptrs[i] = &os[i]
	}
	out, err := s.outletsJSON(c.Request.Context(), ptrs...)
	if err != nil {
		return err
	}
	list(c, out, more, func(o outletJSON) int64 { return o.ID })
	return nil
}

func (s *Server) getOutlet(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	o, err := s.store.Outlet(c.Request.Context(), id)
	if err != nil {
		return err
	}
	return s.answerOutlet(c, http.StatusOK, o)
}

// answerOutlet answers an outlet with its feed URLs.
func (s *Server) answerOutlet(c *gin.Context, status int, o *models.Outlet) error {
	out, err := s.outletJSON(c.Request.Context(), o)
	if err != nil {
		return err
	}
	c.JSON(status, out)
	return nil
}

func (s *Server) createOutlet(c *gin.Context) error {
	var req outletRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if err := req.validate(true); err != nil {
		return err
	}
	feeds, err := feedsOf(req.Feeds) // checked before anything is stored, as on a change
	if err != nil {
		return err
	}
	o := &models.Outlet{Name: *req.Name}
	for dst, src := range map[*string]*string{&o.Slug: req.Slug, &o.Homepage: req.Homepage, &o.Country: req.Country, &o.Notes: req.Notes} {
		if src != nil {
			*dst = *src
		}
	}
	if req.Aliases != nil {
		o.Aliases = *req.Aliases
	}
	if req.Domains != nil {
		o.Domains = *req.Domains
	}
	if err := s.store.CreateOutlet(c.Request.Context(), currentUser(c).ID, o); err != nil {
		return err
	}
	// The feeds sent with a new outlet are kept, as a change's are (they used to be dropped
	// without a word, and the answer said feeds: []).
	if len(feeds) > 0 {
		if err := s.store.SetOutletFeeds(c.Request.Context(), o.ID, feeds); err != nil {
			return err
		}
	}
	s.app.Reprints.OutletsChanged()
	return s.answerOutlet(c, http.StatusCreated, o)
}

func (s *Server) updateOutlet(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var req outletRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if err := req.validate(false); err != nil {
		return err
	}
	feeds, err := feedsOf(req.Feeds) // checked before anything changes
	if err != nil {
		return err
	}
	o, err := s.store.UpdateOutlet(c.Request.Context(), currentUser(c).ID, id, models.OutletPatch{
		Version: patchVersion(req.Version), Name: req.Name, Slug: req.Slug, Homepage: req.Homepage, Country: req.Country,
		Notes: req.Notes, Aliases: req.Aliases, Domains: req.Domains, Feeds: optional(feeds, req.Feeds != nil),
	})
	if err != nil {
		if errors.Is(err, models.ErrVersionConflict) && o != nil {
			cur, ferr := s.outletJSON(c.Request.Context(), o)
			if ferr != nil {
				return ferr
			}
			return versionConflict(resourceName(c), cur)
		}
		return err
	}
	s.app.Reprints.OutletsChanged()
	return s.answerOutlet(c, http.StatusOK, o)
}

// optional is &v when set, else nil: a patch's field that was not sent.
func optional[T any](v T, set bool) *T {
	if !set {
		return nil
	}
	return &v
}

func (s *Server) deleteOutlet(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteOutlet(c.Request.Context(), currentUser(c).ID, id); err != nil {
		return err
	}
	s.app.Reprints.OutletsChanged()
	c.Status(http.StatusNoContent)
	return nil
}

type mergeRequest struct {
	IntoID int64 `json:"into_id"`
}

func (s *Server) mergeOutlet(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var req mergeRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if req.IntoID <= 0 {
		return fieldErr(CodeInvalid, "into_id", "into_id is required")
	}
	if err := s.checkMergeTarget(c, id, req.IntoID); err != nil {
		return err
	}
	o, moved, err := s.store.MergeOutlets(c.Request.Context(), currentUser(c).ID, id, req.IntoID)
	if err != nil {
		return err
	}
	s.app.Reprints.OutletsChanged()
	out, err := s.outletJSON(c.Request.Context(), o)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"outlet": out, "moved": moved, "id": out.ID, "name": out.Name, "aliases": out.Aliases, "domains": out.Domains, "article_count": out.ArticleCount})
	return nil
}

// checkMergeTarget refuses a merge of outlet id into itself or into an outlet that does not
// exist (422 invalid on into_id), for the merge and its preview alike.
func (s *Server) checkMergeTarget(c *gin.Context, id, into int64) error {
	if into == id {
		return fieldErr(CodeInvalid, "into_id", "an outlet cannot be merged into itself")
	}
	if _, err := s.store.Outlet(c.Request.Context(), into); err != nil {
		if errors.Is(err, models.ErrNotFound) {
			return fieldErr(CodeInvalid, "into_id", "no outlet %d to merge into", into)
		}
		return err
	}
	return nil
}

// mergePreview says what a merge would move, without moving it.
func (s *Server) mergePreview(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	o, err := s.store.Outlet(c.Request.Context(), id)
	if err != nil {
		return err
	}
	refs, err := s.store.OutletRefs(c.Request.Context(), id)
	if err != nil {
		return err
	}
	// With the outlet to merge into, the articles whose text it has already: each is kept once,
	// the staying article taking over the other's annotations, regions and reviews.
	into, err := queryID(c, "into_id")
	if err != nil {
		return err
	}
	if into > 0 {
		// The preview refuses what the merge refuses, so it never shows a merge that cannot happen.
		if err := s.checkMergeTarget(c, id, into); err != nil {
			return err
		}
		if refs["duplicates"], err = s.store.DuplicateArticles(c.Request.Context(), id, into); err != nil {
			return err
		}
	}
	out, err := s.outletJSON(c.Request.Context(), o)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"outlet": out, "moves": refs, "aliases_kept": append([]string{o.Name}, o.Aliases...), "domains_moved": nonNil(o.Domains)})
	return nil
}
