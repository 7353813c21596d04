package models

import (
	"context"
	"encoding/json"
	"testing"

	"gorm.io/gorm"
)

// TestScoreCorpusWorkBoundedWithStaleStatistics: a batch of ScoreCorpus reads about as many
// stored results and reviews as it has articles, wherever it starts, even when the score
// cache was filled after the last ANALYZE (a replica starting right after another one stored
// every result). Measured from EXPLAIN ANALYZE's row counts, not from time. Before, the
// planner, estimating one stored result, read and sorted every stored result for each batch,
// and the reviews' semi-join read from the first article on.
func TestScoreCorpusWorkBoundedWithStaleStatistics(t *testing.T) {
	s := openPGCommitTest(t)
	ctx := context.Background()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	const n = 6 * scoreBatch // the 12,000 articles inserted below
	for _, q := range []string{
		"INSERT INTO outlets (id, name, slug, created_at, updated_at) VALUES (1, 'O', 'o', now(), now())",
		"INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at) VALUES (1, 'a@x', 'a', 'reviewer', 'x', now(), now()), (2, 'b@x', 'b', 'reviewer', 'x', now(), now())",
		"INSERT INTO articles (id, outlet_id, title, text, text_sha256, text_length, created_at, data_version) SELECT g, 1, 't', 'text', md5(g::text), 4, now(), 1 FROM generate_series(1, 12000) g",
		"INSERT INTO reviews (article_id, user_id, completed_at, updated_at) SELECT g, u, now(), now() FROM generate_series(1, 12000) g, (VALUES (1), (2)) v(u)",
		"ANALYZE",
		"INSERT INTO article_score_cache (article_id, excluded, variant, methodology, data_version, outlet_id, result, computed_at) SELECT g, '', '', 'm', 1, 1, '{}', now() FROM generate_series(1, 12000) g",
	} {
		if err := s.db.Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	db, err := s.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	key := ScoreCacheKey{Methodology: "m"}
	for _, after := range []int64{0, n / 2, n - scoreBatch} {
		var batch []ScoreArticle
		stmt := s.scoreCorpusBatch(ctx, key, after).Session(&gorm.Session{DryRun: true}).Scan(&batch).Statement
		var plan string
		if err := db.QueryRowContext(ctx, "EXPLAIN (ANALYZE, FORMAT JSON) "+stmt.SQL.String(), stmt.Vars...).Scan(&plan); err != nil {
			t.Fatal(err)
		}
		var root []struct {
			Plan planNode `json:"Plan"`
		}
		if err := json.Unmarshal([]byte(plan), &root); err != nil {
			t.Fatal(err)
		}
		read := map[string]float64{}
		root[0].Plan.rowsRead(read)
		t.Logf("after %d: rows read %v", after, read)
		if read["article_score_cache"] > scoreBatch {
			t.Errorf("after %d: the batch read %v stored results for %d articles", after, read["article_score_cache"], scoreBatch)
		}
		if read["reviews"] > 2*(n-float64(after)) || read["reviews"] > 3*scoreBatch {
			t.Errorf("after %d: the batch read %v reviews for %d articles", after, read["reviews"], scoreBatch)
		}
	}
}

type planNode struct {
	Relation string     `json:"Relation Name"`
	Rows     float64    `json:"Actual Rows"`
	Loops    float64    `json:"Actual Loops"`
	Plans    []planNode `json:"Plans"`
}

// rowsRead adds up the rows each scan of a table produced, over all its loops.
func (p planNode) rowsRead(into map[string]float64) {
	if p.Relation != "" {
		into[p.Relation] += p.Rows * p.Loops
	}
	for _, c := range p.Plans {
		c.rowsRead(into)
	}
}
