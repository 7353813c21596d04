package models

import (
	"context"

	"gorm.io/gorm"
)

// SeedArticles inserts many articles in batches, for load tests and synthetic corpora. It
// writes no audit rows and skips duplicate checks: use CreateArticle for real data.
func (s *Store) SeedArticles(ctx context.Context, as []Article) error {
	return s.inTx(ctx, func(tx *gorm.DB) error { return tx.Omit("OutletName").CreateInBatches(as, 200).Error })
}

// SeedAnnotations inserts many annotations in batches, for load tests. It writes no audit
// rows and does not touch reviews or data versions: use CreateAnnotation for real data.
func (s *Store) SeedAnnotations(ctx context.Context, as []Annotation) error {
	for i := range as {
		setAnnotationDefaults(&as[i])
	}
	return s.inTx(ctx, func(tx *gorm.DB) error { return tx.Omit("UserName").CreateInBatches(as, 500).Error })
}
