package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// DuplicateArticleError says which stored article an import collided with.
type DuplicateArticleError struct {
	ExistingID int64
	Reason     string // "url" or "text"
}

func (e *DuplicateArticleError) Error() string {
	if e.Reason == "url" {
		return fmt.Sprintf("an article with this url already exists (id %d)", e.ExistingID)
	}
	return fmt.Sprintf("this outlet already has an article with the same text (id %d)", e.ExistingID)
}
func (e *DuplicateArticleError) Unwrap() error { return ErrDuplicate }

// CreateArticle stores an article unless one with the same URL, or the same outlet and text
// hash, exists already (a *DuplicateArticleError then).
func (s *Store) CreateArticle(ctx context.Context, actor int64, a *Article) error {
	return s.createArticle(ctx, actor, a, nil)
}

// CreateArticleIndexed is CreateArticle that also stores the article's reprint keys (none for a
// short text), in the article's transaction: the shared reprint index never lacks a stored
// article, crash or not.
func (s *Store) CreateArticleIndexed(ctx context.Context, actor int64, a *Article, keys []uint64) error {
	if keys == nil {
		keys = []uint64{}
	}
	return s.createArticle(ctx, actor, a, keys)
}

func (s *Store) createArticle(ctx context.Context, actor int64, a *Article, keys []uint64) error {
	return s.inTx(ctx, func(tx *gorm.DB) error {
		if err := duplicateArticle(tx, a); err != nil {
			return err
		}
		if err := tx.Omit("OutletName").Create(a).Error; err != nil {
			if isUniqueViolation(err) {
				if derr := duplicateArticle(tx, a); derr != nil {
					return derr
				}
				return &DuplicateArticleError{Reason: "text"}
			}
			return err
		}
		if err := audit(tx, actor, "create", "article", a.ID, nil, map[string]any{
			"id": a.ID, "outlet_id": a.OutletID, "title": a.Title, "url": a.URL, "text_sha256": a.TextSHA256,
		}); err != nil || keys == nil {
			return err
		}
		return s.insertReprintKeys(tx, []ReprintKeys{{ArticleID: a.ID, TextSHA256: a.TextSHA256, Keys: keys}}, false)
	})
}

func duplicateArticle(tx *gorm.DB, a *Article) error {
	var existing Article
	if a.URL != "" {
		if err := tx.Select("id").Where("url = ?", a.URL).Take(&existing).Error; err == nil {
			return &DuplicateArticleError{ExistingID: existing.ID, Reason: "url"}
		}
	}
	if err := tx.Select("id").Where("outlet_id = ? AND text_sha256 = ?", a.OutletID, a.TextSHA256).Take(&existing).Error; err == nil {
		return &DuplicateArticleError{ExistingID: existing.ID, Reason: "text"}
	}
	return nil
}

const articleColumns = "articles.id, articles.outlet_id, articles.title, articles.url, articles.author, articles.published_at, articles.text_sha256, articles.text_length, articles.data_version, articles.revision, articles.created_at, outlets.name AS outlet_name"

// Article returns one article with its text and outlet name.
func (s *Store) Article(ctx context.Context, id int64) (*Article, error) {
	var a Article
	err := s.db.WithContext(ctx).Model(&Article{}).
		Select(articleColumns+", articles.text").
		Joins("JOIN outlets ON outlets.id = articles.outlet_id").
		Where("articles.id = ?", id).Take(&a).Error
	return &a, notFound(err)
}

// ArticleText returns only the text of an article.
func (s *Store) ArticleText(ctx context.Context, id int64) (string, error) {
	var texts []string
	if err := s.db.WithContext(ctx).Model(&Article{}).Where("id = ?", id).Limit(1).Pluck("text", &texts).Error; err != nil {
		return "", err
	}
	if len(texts) == 0 {
		return "", ErrNotFound
	}
	return texts[0], nil
}

// ArticleFilter narrows a list of articles.
type ArticleFilter struct {
	OutletID  int64
	Curatable bool // only articles open to curators
	Page      Page
}

// ListArticles pages through articles by id, without their texts.
func (s *Store) ListArticles(ctx context.Context, f ArticleFilter) ([]Article, bool, error) {
	q := s.db.WithContext(ctx).Model(&Article{}).Select(articleColumns).
		Joins("JOIN outlets ON outlets.id = articles.outlet_id")
	if f.OutletID != 0 {
		q = q.Where("articles.outlet_id = ?", f.OutletID)
	}
	if f.Curatable {
		q = q.Where(fmt.Sprintf(curatableArticle, "articles.id"))
	}
	var out []Article
	err := paginate(q, "articles.id", f.Page).Find(&out).Error
	return trim(out, f.Page.Limit, err)
}

// ArticleTextsAfter streams the texts of the articles with ids above after, in id order,
// for building the reprint index.
func (s *Store) ArticleTextsAfter(ctx context.Context, after int64, fn func(a Article) error) error {
	for {
		var batch []Article
		if err := s.db.WithContext(ctx).Select("id, outlet_id, published_at, text, text_sha256, created_at").
			Where("id > ?", after).Order("id").Limit(500).Find(&batch).Error; err != nil {
			return err
		}
		for _, a := range batch {
			if err := fn(a); err != nil {
				return err
			}
		}
		if len(batch) < 500 {
			return nil
		}
		after = batch[len(batch)-1].ID
	}
}
