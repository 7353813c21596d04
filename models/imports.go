package models

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// ArticleDuplicate tells whether an article would be refused as a duplicate (same URL, or
// same outlet and text hash) without storing anything, for an import preview. It returns
// the *DuplicateArticleError that CreateArticle would return, or nil.
func (s *Store) ArticleDuplicate(ctx context.Context, url string, outletID int64, textSHA256 string) (*DuplicateArticleError, error) {
	err := duplicateArticle(s.db.WithContext(ctx), &Article{URL: url, OutletID: outletID, TextSHA256: textSHA256})
	var dup *DuplicateArticleError
	if errors.As(err, &dup) {
		return dup, nil
	}
	return nil, err
}

// NewArticle is an article to store with the LSH keys of its text (annotate/reprint), which
// enter the shared reprint index in the article's own transaction.
type NewArticle struct {
	Article *Article
	Keys    []uint64
}

// TextKey names an article by outlet and text hash, which no two articles share.
type TextKey struct {
	OutletID   int64
	TextSHA256 string
}

// StoredDuplicates finds the stored articles that articles with these URLs, or these outlets
// and text hashes, would duplicate (see ArticleDuplicate): by URL, and by outlet and hash.
// Two queries however many articles: an import's batch checks all of its articles at once.
func (s *Store) StoredDuplicates(ctx context.Context, urls []string, texts []TextKey) (map[string]int64, map[TextKey]int64, error) {
	byURL, byText := map[string]int64{}, map[TextKey]int64{}
	db := s.db.WithContext(ctx)
	if len(urls) > 0 {
		var rows []struct {
			ID  int64
			URL string
		}
		if err := db.Table("articles").Select("id, url").Where("url IN ? AND url <> ''", urls).Scan(&rows).Error; err != nil {
			return nil, nil, fmt.Errorf("find stored duplicates by url: %w", err)
		}
		for _, r := range rows {
			byURL[r.URL] = r.ID
		}
	}
	if len(texts) > 0 {
		outlets, shas := make([]int64, 0, len(texts)), make([]string, 0, len(texts))
		for _, t := range texts {
			outlets, shas = append(outlets, t.OutletID), append(shas, t.TextSHA256)
		}
		var rows []struct {
			ID         int64
			OutletID   int64
			TextSHA256 string
		}
		if err := db.Table("articles").Select("id, outlet_id, text_sha256").Where("outlet_id IN ? AND text_sha256 IN ?", outlets, shas).Scan(&rows).Error; err != nil {
			return nil, nil, fmt.Errorf("find stored duplicates by text: %w", err)
		}
		for _, r := range rows {
			byText[TextKey{r.OutletID, r.TextSHA256}] = r.ID
		}
	}
	return byURL, byText, nil
}

// CreateArticles stores new articles with their audit rows and, with index, their reprint
// keys (an article's may be none: a short text) in one transaction: all of them or none. The caller has ruled duplicates out (StoredDuplicates);
// one stored meanwhile by another writer fails the whole batch with ErrDuplicate, and the
// caller then stores its articles one at a time (CreateArticle), which names the duplicate.
func (s *Store) CreateArticles(ctx context.Context, actor int64, batch []NewArticle, index bool) error {
	return s.CreateArticlesNoting(ctx, actor, batch, index, nil)
}

// CreateArticlesNoting is CreateArticles that, once the articles have their ids, calls
// noted with them (in batch order) before the transaction commits: no other session sees
// them before noted has returned. It may run again should the write be retried, and the
// transaction may fail after it.
func (s *Store) CreateArticlesNoting(ctx context.Context, actor int64, batch []NewArticle, index bool, noted func(ids []int64)) error {
	if len(batch) == 0 {
		return nil
	}
	return s.inTxOnConn(ctx, func(tx *gorm.DB) error {
		arts := make([]*Article, len(batch))
		for i, n := range batch {
			arts[i] = n.Article
		}
		if err := s.insertArticles(tx, arts); err != nil {
			if isUniqueViolation(err) {
				return fmt.Errorf("store %d articles: %w", len(arts), ErrDuplicate)
			}
			return err
		}
		if noted != nil {
			ids := make([]int64, len(arts))
			for i, a := range arts {
				ids[i] = a.ID
			}
			noted(ids)
		}
		entries := make([]AuditEntry, len(arts))
		keys := make([]ReprintKeys, len(arts))
		for i, a := range arts {
			entries[i] = auditEntry(actor, "create", "article", a.ID, nil, map[string]any{
				"id": a.ID, "outlet_id": a.OutletID, "title": a.Title, "url": a.URL, "text_sha256": a.TextSHA256,
			})
			keys[i] = ReprintKeys{ArticleID: a.ID, TextSHA256: a.TextSHA256, Keys: batch[i].Keys}
		}
		if err := tx.CreateInBatches(entries, 200).Error; err != nil {
			return fmt.Errorf("audit %d new articles: %w", len(arts), err)
		}
		if !index {
			return nil
		}
		return s.insertReprintKeys(tx, keys, false)
	})
}
