package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Merging an outlet into another moves its articles. An article of the old outlet whose text
// the new one already has (same text_sha256, which articles_outlet_sha keeps unique per
// outlet) would collide, so such a pair becomes one article: the one already under the new
// outlet stays, and the other's annotations, regions, suggestion decisions and reviews move to
// it (a reviewer with a review of both keeps the staying article's), then the other is
// deleted. Nothing a reviewer made is lost; the preview counts these as duplicates.

// duplicateArticles pairs each article of from with the article of into that has its text.
func duplicateArticles(tx *gorm.DB, from, into int64) (map[int64]int64, error) {
	var rows []struct{ Gone, Kept int64 }
	err := tx.Raw(`SELECT a.id AS gone, b.id AS kept FROM articles a JOIN articles b ON b.text_sha256 = a.text_sha256 AND b.outlet_id = ?
		WHERE a.outlet_id = ?`, into, from).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("find articles of outlet %d that outlet %d has: %w", from, into, err)
	}
	out := make(map[int64]int64, len(rows))
	for _, r := range rows {
		out[r.Gone] = r.Kept
	}
	return out, nil
}

// DuplicateArticles counts the articles of from whose text into already has: what a merge of
// from into into keeps once (see above).
func (s *Store) DuplicateArticles(ctx context.Context, from, into int64) (int64, error) {
	d, err := duplicateArticles(s.db.WithContext(ctx), from, into)
	return int64(len(d)), err
}

// foldArticle moves everything made on article gone to article kept, and deletes gone.
func foldArticle(tx *gorm.DB, gone, kept int64) error {
	steps := []struct {
		what string
		sql  string
		args []any
	}{
		{"annotations", "UPDATE annotations SET article_id = ? WHERE article_id = ?", []any{kept, gone}},
		{"regions", "UPDATE regions SET article_id = ? WHERE article_id = ?", []any{kept, gone}},
		{"regions of other articles", "UPDATE regions SET other_article_id = ? WHERE other_article_id = ?", []any{kept, gone}},
		{"duplicate decisions", `DELETE FROM suggestion_feedback WHERE article_id = ? AND EXISTS (SELECT 1 FROM suggestion_feedback k
			WHERE k.article_id = ? AND k.user_id = suggestion_feedback.user_id AND k.rule = suggestion_feedback.rule AND k.label = suggestion_feedback.label
			AND k.start_cp = suggestion_feedback.start_cp AND k.end_cp = suggestion_feedback.end_cp)`, []any{gone, kept}},
		{"decisions", "UPDATE suggestion_feedback SET article_id = ? WHERE article_id = ?", []any{kept, gone}},
		{"reviews of both", "DELETE FROM reviews WHERE article_id = ? AND user_id IN (SELECT user_id FROM reviews WHERE article_id = ?)", []any{gone, kept}},
		{"reviews", "UPDATE reviews SET article_id = ? WHERE article_id = ?", []any{kept, gone}},
		{"the article", "DELETE FROM articles WHERE id = ?", []any{gone}},
	}
	for _, st := range steps {
		if err := tx.Exec(st.sql, st.args...).Error; err != nil {
			return fmt.Errorf("fold article %d into %d: %s: %w", gone, kept, st.what, err)
		}
	}
	return bumpArticle(tx, kept)
}

// lockOutlets takes the rows of both outlets for the merge's transaction, in id order, so that
// a second merge of the same outlet waits and then finds it gone (404) instead of "succeeding"
// on rows the first has moved. SQLite runs one write transaction at a time, so it needs none.
func (s *Store) lockOutlets(tx *gorm.DB, ids ...int64) error {
	if s.dialect != "postgres" {
		return nil
	}
	var got []Outlet
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id IN ?", ids).Order("id").Find(&got).Error; err != nil {
		return fmt.Errorf("lock outlets %v: %w", ids, err)
	}
	if len(got) != len(ids) {
		return ErrNotFound
	}
	return nil
}
