package models

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// The shared reprint index (migration 00012): each article's LSH keys in reprint_bands, and
// in reprint_indexed the text they were computed from. Keys are the unsigned 64-bit keys of
// annotate/reprint, stored bit for bit as signed BIGINTs.

// bandChunk bounds the keys bound in one statement: two parameters a row on insert, one a key
// on look-up, well under SQLite's and PostgreSQL's limits.
const bandChunk = 1000

// ReprintKeys are the LSH keys of one article, computed from the text whose hash is TextSHA256.
type ReprintKeys struct {
	ArticleID  int64
	TextSHA256 string
	Keys       []uint64
}

// PutReprintKeys replaces the stored LSH keys of an article with keys, computed from the text
// whose hash is textSHA256, in one write (through the group committer on SQLite). An article
// deleted meanwhile is ErrNotFound.
func (s *Store) PutReprintKeys(ctx context.Context, articleID int64, textSHA256 string, keys []uint64) error {
	n, err := s.PutReprintKeysBatch(ctx, []ReprintKeys{{ArticleID: articleID, TextSHA256: textSHA256, Keys: keys}})
	if err == nil && n == 0 {
		return ErrNotFound
	}
	return err
}

// PutReprintKeysBatch is PutReprintKeys for many articles in one write, for the backfill.
// Articles deleted meanwhile are left out; it returns how many were stored.
func (s *Store) PutReprintKeysBatch(ctx context.Context, batch []ReprintKeys) (int, error) {
	stored := 0
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		stored = 0
		ids := make([]int64, len(batch))
		for i, b := range batch {
			ids[i] = b.ArticleID
		}
		var live []int64
		if err := tx.Table("articles").Where("id IN ?", ids).Pluck("id", &live).Error; err != nil {
			return fmt.Errorf("reprint keys: find the articles: %w", err)
		}
		if len(live) == 0 {
			return nil
		}
		if err := tx.Exec("DELETE FROM reprint_bands WHERE article_id IN ?", live).Error; err != nil {
			return fmt.Errorf("reprint keys: drop the old keys: %w", err)
		}
		if err := tx.Exec("DELETE FROM reprint_indexed WHERE article_id IN ?", live).Error; err != nil {
			return fmt.Errorf("reprint keys: drop the old marks: %w", err)
		}
		var rows, marks []any
		for _, b := range batch {
			if !slices.Contains(live, b.ArticleID) {
				continue
			}
			for _, k := range b.Keys {
				rows = append(rows, int64(k), b.ArticleID)
			}
			marks = append(marks, b.ArticleID, b.TextSHA256)
			stored++
		}
		if err := insertPairs(tx, "reprint_bands (band_hash, article_id)", rows); err != nil {
			return fmt.Errorf("reprint keys: store the keys: %w", err)
		}
		if err := insertPairs(tx, "reprint_indexed (article_id, text_sha256)", marks); err != nil {
			return fmt.Errorf("reprint keys: mark the articles: %w", err)
		}
		return nil
	})
	return stored, err
}

// insertPairs inserts rows of two columns, given flat, bandChunk rows a statement. A row
// already there is kept: replicas starting together may backfill the same article at once,
// and both compute the same keys from the same text.
func insertPairs(tx *gorm.DB, into string, flat []any) error {
	for i := 0; i < len(flat); i += 2 * bandChunk {
		part := flat[i:min(i+2*bandChunk, len(flat))]
		q := "INSERT INTO " + into + " VALUES " + strings.TrimSuffix(strings.Repeat("(?,?),", len(part)/2), ",") + " ON CONFLICT DO NOTHING"
		if err := tx.Exec(q, part...).Error; err != nil {
			return err
		}
	}
	return nil
}

// ReprintCandidates returns the ids of the articles other than articleID that share at least
// minHits of keys, not counting keys held by more than maxBucket articles (boilerplate), in id
// order: the candidates annotate/reprint's Index.Matches would align, found in the shared
// table instead of in memory.
func (s *Store) ReprintCandidates(ctx context.Context, articleID int64, keys []uint64, minHits, maxBucket int) ([]int64, error) {
	hits := map[int64]int{}
	for i := 0; i < len(keys); i += bandChunk {
		part := keys[i:min(i+bandChunk, len(keys))]
		args := make([]any, 0, len(part)+1)
		for _, k := range part {
			args = append(args, int64(k))
		}
		args = append(args, maxBucket)
		in := strings.TrimSuffix(strings.Repeat("?,", len(part)), ",")
		rows, err := s.db.WithContext(ctx).Raw("SELECT article_id, COUNT(*) FROM reprint_bands WHERE band_hash IN ("+
			"SELECT band_hash FROM reprint_bands WHERE band_hash IN ("+in+") GROUP BY band_hash HAVING COUNT(*) <= ?"+
			") GROUP BY article_id", args...).Rows()
		if err != nil {
			return nil, fmt.Errorf("reprint candidates of article %d: %w", articleID, err)
		}
		for rows.Next() {
			var id int64
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return nil, fmt.Errorf("reprint candidates of article %d: %w", articleID, err)
			}
			hits[id] += n
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("reprint candidates of article %d: %w", articleID, err)
		}
	}
	var out []int64
	for id, n := range hits {
		if n >= minHits && id != articleID {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out, nil
}

// ArticlesToReprintIndex streams, in id order, the articles (id, outlet, dates, text) whose
// keys are missing or were computed from another text than theirs: the work of the
// idempotent backfill. fn may store keys meanwhile; each batch is read before fn runs.
func (s *Store) ArticlesToReprintIndex(ctx context.Context, fn func(a Article) error) error {
	var after int64
	for {
		var batch []Article
		err := s.db.WithContext(ctx).Table("articles").
			Select("articles.id, articles.outlet_id, articles.published_at, articles.text, articles.text_sha256, articles.created_at").
			Joins("LEFT JOIN reprint_indexed ri ON ri.article_id = articles.id").
			Where("articles.id > ? AND (ri.article_id IS NULL OR ri.text_sha256 <> articles.text_sha256)", after).
			Order("articles.id").Limit(500).Find(&batch).Error
		if err != nil {
			return fmt.Errorf("articles to index for reprints: %w", err)
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

// ReprintArticles loads the texts (with outlet and dates) of the articles with the given ids,
// for alignment; deleted ones are left out.
func (s *Store) ReprintArticles(ctx context.Context, ids []int64) ([]Article, error) {
	var out []Article
	for i := 0; i < len(ids); i += bandChunk {
		var batch []Article
		if err := s.db.WithContext(ctx).Select("id, outlet_id, published_at, text, text_sha256, created_at").
			Where("id IN ?", ids[i:min(i+bandChunk, len(ids))]).Order("id").Find(&batch).Error; err != nil {
			return nil, fmt.Errorf("reprint articles: %w", err)
		}
		out = append(out, batch...)
	}
	return out, nil
}

// AnalyzeReprintIndex refreshes PostgreSQL's statistics of the reprint tables after a bulk
// backfill. Until autovacuum gets to a freshly filled table the planner takes it for small and
// scans all of it for a look-up (3.8 s instead of 59 ms at 5,000 articles, measured). SQLite's
// planner uses the primary key for the look-up without statistics: nothing to do there.
func (s *Store) AnalyzeReprintIndex(ctx context.Context) error {
	if s.dialect != "postgres" {
		return nil
	}
	if err := s.db.WithContext(ctx).Exec("ANALYZE reprint_bands, reprint_indexed").Error; err != nil {
		return fmt.Errorf("analyze the reprint index: %w", err)
	}
	return nil
}
