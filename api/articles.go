package api

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/models"
)

type articleJSON struct {
	ID          int64       `json:"id"`
	OutletID    int64       `json:"outlet_id"`
	OutletName  string      `json:"outlet_name"`
	Title       string      `json:"title"`
	URL         string      `json:"url"`
	Author      string      `json:"author"`
	PublishedAt *time.Time  `json:"published_at"`
	Text        *string     `json:"text,omitempty"`
	TextSHA256  string      `json:"text_sha256"`
	TextLength  int         `json:"text_length"`
	Revision    int         `json:"revision"`
	CreatedAt   time.Time   `json:"created_at"`
	Review      *reviewJSON `json:"review,omitempty"`
}

type reviewJSON struct {
	Status      string     `json:"status"`
	Assigned    bool       `json:"assigned"`
	CompletedAt *time.Time `json:"completed_at"`
	// Locked: the reviewer finished and has since been shown the others' work, so the review
	// is read-only and only an admin can reopen it.
	Locked bool `json:"locked"`
	// ReopenedAfterViewing: an admin reopened it after its reviewer had seen the others.
	ReopenedAfterViewing bool `json:"reopened_after_viewing"`
}

func toArticleJSON(a *models.Article, withText bool) articleJSON {
	out := articleJSON{ID: a.ID, OutletID: a.OutletID, OutletName: a.OutletName, Title: a.Title, URL: a.URL, Author: a.Author,
		PublishedAt: a.PublishedAt, TextSHA256: a.TextSHA256, TextLength: a.TextLength, Revision: a.Revision, CreatedAt: a.CreatedAt}
	if withText {
		t := a.Text
		out.Text = &t
	}
	return out
}

// reader is the signed-in user as the domain's rules see them.
func reader(u *models.User) annotate.Reader { return annotate.Reader{ID: u.ID, Role: u.Role} }

// domainReview is the reader's review of an article as the domain's rules see it.
func domainReview(v *models.ReaderView) annotate.Review { return v.Rules() }

func toDomainReview(r *models.Review) annotate.Review { return r.Rules() }

// toReviewJSON describes a review for the API.
func toReviewJSON(r *models.Review, d annotate.Review) reviewJSON {
	return reviewJSON{Status: d.Status(), Assigned: r.Assigned, CompletedAt: r.CompletedAt, Locked: d.Frozen(), ReopenedAfterViewing: r.ReopenedAfterViewing}
}

// reviewStatus describes a reviewer's review of an article for the API.
func (s *Server) reviewStatus(ctx context.Context, r *models.Review) (reviewJSON, error) {
	n, err := s.store.CountAnnotations(ctx, r.ArticleID, r.UserID)
	if err != nil {
		return reviewJSON{}, err
	}
	d := toDomainReview(r)
	d.Annotations = n
	return toReviewJSON(r, d), nil
}

// checkWrite is the rule for u changing their own work on an article: a finished review takes
// no changes until it is reopened, and a frozen one only after an admin reopened it.
func (s *Server) checkWrite(ctx context.Context, u *models.User, articleID int64) error {
	v, err := s.store.ArticleForReader(ctx, articleID, u.ID)
	if err != nil {
		return err
	}
	return annotate.CheckWrite(reader(u), domainReview(v))
}

func (s *Server) listArticles(c *gin.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	outlet, err := queryID(c, "outlet_id")
	if err != nil {
		return err
	}
	// A curator lists only the articles open to them (every assigned reviewer finished).
	curatable := currentUser(c).Role == annotate.RoleCurator
	as, more, err := s.store.ListArticles(c.Request.Context(), models.ArticleFilter{OutletID: outlet, Curatable: curatable, Page: p})
	if err != nil {
		return err
	}
	out := make([]articleJSON, len(as))
	for i := range as {
		out[i] = toArticleJSON(&as[i], false)
	}
	list(c, out, more, func(a articleJSON) int64 { return a.ID })
	return nil
}

// articleWithJSON is an article as the workspace opens it: with what ?include= asked for.
type articleWithJSON struct {
	articleJSON
	Annotations *[]annotationJSON `json:"annotations,omitempty"`
	Regions     *[]regionJSON     `json:"regions,omitempty"`
}

// getArticle answers one article with its text and the reader's review. With
// ?include=annotations,regions it also carries every annotation the reader may see (the same
// set as GET /articles/{id}/annotations, narrowed by ?user_id=) and the article's regions,
// so the workspace opens an article in one request.
func (s *Server) getArticle(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	inc, err := includes(c, "annotations", "regions")
	if err != nil {
		return err
	}
	userID, err := queryID(c, "user_id")
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	u := currentUser(c)
	// One round trip on PostgreSQL for the view, the annotations and the regions.
	o, err := s.store.OpenArticle(ctx, id, u.ID, models.ArticleOpening{Annotations: inc["annotations"], AnnotationsOf: userID, Regions: inc["regions"],
		OwnUntilDone: u.Role == annotate.RoleReviewer, // whom annotate.Reader.Blind can blind
		Scope: func(v *models.ReaderView) (int64, error) {
			return annotate.AnnotationScope(reader(u), domainReview(v), userID)
		}})
	if err != nil {
		return err
	}
	v := o.View
	cached, err := s.cachedArticleTextAt(ctx, id, v.Article.Revision)
	if err != nil {
		return err
	}
	out := articleWithJSON{articleJSON: toArticleJSON(&v.Article, false)} // the text goes first, from the cache
	if inc["annotations"] {
		list, err := s.visibleOf(ctx, u, v, userID, o.Annotations)
		if err != nil {
			return err
		}
		out.Annotations = &list
	}
	rj := toReviewJSON(&v.Review, domainReview(v)) // after the annotations, which may freeze it
	out.Review = &rj
	if inc["regions"] {
		list := regionsJSONOf(u, o.Regions, cached.text)
		out.Regions = &list
	}
	rest, err := json.Marshal(out)
	if err != nil {
		return err
	}
	writeArticleJSON(c, cached.segment(), rest)
	return nil
}

func (s *Server) createArticle(c *gin.Context) error {
	var in annotate.ArticleInput
	if err := bind(c, &in); err != nil {
		return err
	}
	a, err := s.app.Imports.CreateArticle(c.Request.Context(), currentUser(c).ID, in)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, toArticleJSON(a, true))
	return nil
}
