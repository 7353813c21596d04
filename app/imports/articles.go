package imports

import (
	"context"
	"errors"
	"time"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/app/reprints"
	"github.com/credence-project/credence/models"
)

// Service brings articles into the corpus: one at a time (POST /api/v1/articles) or many from
// a file (Import). Each stored article is scanned for reprints.
type Service struct {
	store    *models.Store
	reprints *reprints.Service
}

// New makes the service; reprints may be nil (no reprint scan, as in some tools).
func New(store *models.Store, rp *reprints.Service) *Service {
	return &Service{store: store, reprints: rp}
}

// CreateArticle validates, normalises and stores one article, resolving its outlet by id,
// by name, alias or domain, or by the domain of its URL. Its reprint keys are stored with it,
// in its transaction; then it is scanned for reprints.
func (s *Service) CreateArticle(ctx context.Context, actor int64, in annotate.ArticleInput) (*models.Article, error) {
	if err := in.Normalise(); err != nil {
		return nil, err
	}
	outletID, err := s.ResolveOutlet(ctx, &in)
	if err != nil {
		return nil, err
	}
	a := &models.Article{OutletID: outletID, Title: in.Title, URL: in.URL, Author: in.Author, PublishedAt: in.PublishedAt,
		Text: in.Text, TextSHA256: annotate.TextSHA256(in.Text), TextLength: annotate.CodePoints(in.Text), CreatedAt: time.Now().UTC()}
	if s.reprints == nil {
		if err := s.store.CreateArticle(ctx, actor, a); err != nil {
			return nil, err
		}
		return s.store.Article(ctx, a.ID)
	}
	keys := s.reprints.Keys([]string{a.Text})
	if err := s.store.CreateArticleIndexed(ctx, actor, a, keys[0]); err != nil {
		return nil, err
	}
	full, err := s.store.Article(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	if err := s.reprints.ScanBatch(ctx, []models.Article{*full}, keys); err != nil {
		s.reprints.ScanFailed([]models.Article{*full}, err)
	}
	return full, nil
}

// ResolveOutlet finds the outlet of an article: by id, else by name, alias or domain, else by
// the domain of its URL. None found is an unknown_outlet error naming the field to fix.
func (s *Service) ResolveOutlet(ctx context.Context, in *annotate.ArticleInput) (int64, error) {
	switch {
	case in.OutletID > 0:
		if _, err := s.store.Outlet(ctx, in.OutletID); err != nil {
			if errors.Is(err, models.ErrNotFound) {
				return 0, annotate.Errorf(annotate.CodeUnknownOutlet, "outlet_id", "no outlet with id %d", in.OutletID)
			}
			return 0, err
		}
		return in.OutletID, nil
	case in.Outlet != "":
		id, err := s.store.ResolveOutlet(ctx, in.Outlet)
		if errors.Is(err, models.ErrNotFound) {
			return 0, annotate.Errorf(annotate.CodeUnknownOutlet, "outlet", "no outlet has the name, alias or domain %q", in.Outlet)
		}
		return id, err
	case in.URL != "":
		id, err := s.store.ResolveDomain(ctx, in.URLHost())
		if errors.Is(err, models.ErrNotFound) {
			return 0, annotate.Errorf(annotate.CodeUnknownOutlet, "outlet", "no outlet given, and no outlet has the domain %q of the url", in.URLHost())
		}
		return id, err
	}
	return 0, annotate.Errorf(annotate.CodeUnknownOutlet, "outlet_id", "outlet_id (or outlet: a name, alias or domain) is required")
}
