package models

import (
	"context"
	"errors"
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
