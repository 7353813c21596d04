package models

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
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
		// No foreign key checks the keys (migration 00014): on PostgreSQL the articles are
		// locked against deletion until the keys are in, so none outlives its article.
		q := tx.Table("articles").Where("id IN ?", ids)
		if s.dialect == "postgres" {
			q = q.Clauses(clause.Locking{Strength: "KEY SHARE"})
		}
		var live []int64
		if err := q.Pluck("id", &live).Error; err != nil {
			return fmt.Errorf("reprint keys: find the articles: %w", err)
		}
		if len(live) == 0 {
			return nil
		}
		alive := make(map[int64]bool, len(live))
		for _, id := range live {
			alive[id] = true
		}
		keep := make([]ReprintKeys, 0, len(live))
		for _, b := range batch {
			if alive[b.ArticleID] {
				keep = append(keep, b)
			}
		}
		stored = len(keep)
		return s.replaceReprintKeys(tx, keep)
	})
	return stored, err
}

// replaceReprintKeys replaces the stored keys and marks of the articles of batch, which
// exist, in the transaction tx.
func (s *Store) replaceReprintKeys(tx *gorm.DB, batch []ReprintKeys) error {
	ids := make([]int64, len(batch))
	for i, b := range batch {
		ids[i] = b.ArticleID
	}
	if err := s.dropReprintKeys(tx, ids); err != nil {
		return fmt.Errorf("reprint keys: drop the old keys: %w", err)
	}
	if err := tx.Exec("DELETE FROM reprint_indexed WHERE article_id IN ?", ids).Error; err != nil {
		return fmt.Errorf("reprint keys: drop the old marks: %w", err)
	}
	return s.insertReprintKeys(tx, batch, true)
}

// dropReprintKeys deletes the stored keys of the articles ids, in the transaction tx. On
// PostgreSQL reprint_bands has no index by article (migration 00015): each article's keys are
// found by the keys its mark keeps, one probe of the primary key each.
func (s *Store) dropReprintKeys(tx *gorm.DB, ids []int64) error {
	if s.dialect != "postgres" {
		return tx.Exec("DELETE FROM reprint_bands WHERE article_id IN ?", ids).Error
	}
	for _, id := range ids {
		if err := tx.Exec("DELETE FROM reprint_bands WHERE article_id = ? AND band_hash = ANY "+
			"((SELECT band_hashes FROM reprint_indexed WHERE article_id = ?)::bigint[])", id, id).Error; err != nil {
			return err
		}
	}
	return nil
}

// band is one key of one article, as stored.
type band struct{ hash, article int64 }

// sortedBands lists the keys of batch ordered as the primary key of reprint_bands orders
// them: inserted in that order, each key lands beside the last one written instead of on a
// random page of the index, which took a third to a half of the time of the same rows
// unsorted (measured, see BENCHMARKS.md).
func sortedBands(batch []ReprintKeys) []band {
	n := 0
	for _, b := range batch {
		n += len(b.Keys)
	}
	out := make([]band, 0, n)
	byArticle := true // out is in article order: a stable sort by key sorts it
	for i, b := range batch {
		byArticle = byArticle && (i == 0 || batch[i-1].ArticleID <= b.ArticleID)
		for _, k := range b.Keys {
			out = append(out, band{int64(k), b.ArticleID})
		}
	}
	if !byArticle {
		slices.SortFunc(out, func(x, y band) int { return cmp.Or(cmp.Compare(x.hash, y.hash), cmp.Compare(x.article, y.article)) })
		return out
	}
	return radixByHash(out)
}

// radixByHash sorts bands by key, stably (a least-significant-digit radix sort, a byte a
// pass): an import batch's 33,000 keys in about a fifth of the comparison sort's time.
func radixByHash(bs []band) []band {
	if len(bs) < 2 {
		return bs
	}
	tmp := make([]band, len(bs))
	for shift := 0; shift < 64; shift += 8 {
		var count [257]int
		for _, b := range bs {
			count[int(byte((uint64(b.hash)^1<<63)>>shift))+1]++
		}
		if count[1+int(byte((uint64(bs[0].hash)^1<<63)>>shift))] == len(bs) {
			continue // every key has this byte: the pass would change nothing
		}
		for i := 1; i < len(count); i++ {
			count[i] += count[i-1]
		}
		for _, b := range bs {
			d := byte((uint64(b.hash) ^ 1<<63) >> shift)
			tmp[count[d]] = b
			count[d]++
		}
		bs, tmp = tmp, bs
	}
	return bs
}

// insertReprintKeys stores the keys and marks of articles that have none, in the transaction
// tx, the keys in the order of the primary key (sortedBands): on PostgreSQL by writeBands
// (COPY, or arrays unnested), with each article's keys kept in its mark too (migration
// 00015); on SQLite as rows of multi-row inserts. With onConflict a row
// already there is kept: replicas starting together may backfill the same article at once,
// and both compute the same keys from the same text. Without it (articles made in tx, or the
// bulk fill) there can be none.
func (s *Store) insertReprintKeys(tx *gorm.DB, batch []ReprintKeys, onConflict bool) error {
	bands := sortedBands(batch)
	if s.dialect != "postgres" {
		rows := make([]any, 0, 2*len(bands))
		for _, b := range bands {
			rows = append(rows, b.hash, b.article)
		}
		var marks []any
		for _, b := range batch {
			marks = append(marks, b.ArticleID, b.TextSHA256)
		}
		if err := insertPairs(tx, "reprint_bands (band_hash, article_id)", rows, onConflict); err != nil {
			return fmt.Errorf("reprint keys: store the keys: %w", err)
		}
		if err := insertPairs(tx, "reprint_indexed (article_id, text_sha256)", marks, onConflict); err != nil {
			return fmt.Errorf("reprint keys: mark the articles: %w", err)
		}
		return nil
	}
	conn := tx.Statement.ConnPool
	ctx := tx.Statement.Context
	if err := writeBands(tx, bands, onConflict); err != nil {
		return fmt.Errorf("reprint keys: store the keys: %w", err)
	}
	// A mark may be there from an earlier text (the bulk fill does not drop marks first).
	for i := 0; i < len(batch); i += bandChunk {
		part := batch[i:min(i+bandChunk, len(batch))]
		var q strings.Builder
		q.WriteString("INSERT INTO reprint_indexed (article_id, text_sha256, band_hashes) VALUES ")
		args := make([]any, 0, 3*len(part))
		for j, b := range part {
			if j > 0 {
				q.WriteString(",")
			}
			fmt.Fprintf(&q, "($%d, $%d, $%d::bigint[])", 3*j+1, 3*j+2, 3*j+3)
			ks := make([]int64, len(b.Keys))
			for k, h := range b.Keys {
				ks[k] = int64(h)
			}
			args = append(args, b.ArticleID, b.TextSHA256, ks)
		}
		q.WriteString(" ON CONFLICT (article_id) DO UPDATE SET text_sha256 = excluded.text_sha256, band_hashes = excluded.band_hashes")
		if _, err := conn.ExecContext(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("reprint keys: mark the articles: %w", err)
		}
	}
	return nil
}

// reprintRows bounds the keys of one statement on PostgreSQL: two arrays of 8 bytes a key,
// about 1.6 MB a statement.
const reprintRows = 100_000

// insertPairs inserts rows of two columns, given flat, bandChunk rows a statement; with
// onConflict a row already there is kept (see insertReprintKeys).
func insertPairs(tx *gorm.DB, into string, flat []any, onConflict bool) error {
	for i := 0; i < len(flat); i += 2 * bandChunk {
		part := flat[i:min(i+2*bandChunk, len(flat))]
		q := "INSERT INTO " + into + " VALUES " + strings.TrimSuffix(strings.Repeat("(?,?),", len(part)/2), ",")
		if onConflict {
			q += " ON CONFLICT DO NOTHING"
		}
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
	postings, err := s.ReprintPostings(ctx, keys, maxBucket)
	if err != nil {
		return nil, fmt.Errorf("reprint candidates of article %d: %w", articleID, err)
	}
	return CandidatesOf(postings, articleID, keys, minHits), nil
}

// CandidatesOf counts, for the article articleID with the given keys, the other articles
// holding each key in postings (ReprintPostings), and returns, in id order, those holding at
// least minHits of them.
func CandidatesOf(postings map[uint64][]int64, articleID int64, keys []uint64, minHits int) []int64 {
	hits := map[int64]int{}
	for _, k := range keys {
		for _, id := range postings[k] {
			if id != articleID {
				hits[id]++
			}
		}
	}
	var out []int64
	for id, n := range hits {
		if n >= minHits {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// ReprintPostings returns, for each of keys held by at least one and at most maxBucket
// articles, the articles holding it; keys held by more (boilerplate) are left out. Many
// articles' keys may be looked up at once (an import batch). On PostgreSQL see
// postgresPostings.
func (s *Store) ReprintPostings(ctx context.Context, keys []uint64, maxBucket int) (map[uint64][]int64, error) {
	return s.ReprintPostingsOf(ctx, keys, maxBucket, nil, nil)
}

// ReprintPostingsOf is ReprintPostings given articles stored with their keys just now (an
// import batch, models.CreateArticles): on PostgreSQL their holdings are taken from stored
// instead of read back, which would be a row for every key of theirs looked up. The outcome is
// ReprintPostings' with the articles that hidden (if not nil) names left out, as if they were
// not stored: an import's later batches, stored while an earlier batch's scan runs
// (app/imports). On PostgreSQL hidden is called once the look-up's snapshot is taken (it runs
// in one repeatable-read transaction), so it names every article the look-up could see that
// was noted before its commit (CreateArticlesNoting); on SQLite it is called first, and the
// articles to hide must be stored by then.
func (s *Store) ReprintPostingsOf(ctx context.Context, keys []uint64, maxBucket int, stored []ReprintKeys, hidden func() []int64) (map[uint64][]int64, error) {
	out := make(map[uint64][]int64, len(keys)) // most keys of a batch are held: by its own articles
	if len(keys) == 0 {
		return out, nil
	}
	if s.dialect == "postgres" {
		return out, s.postgresPostings(ctx, keys, maxBucket, stored, hidden, out)
	}
	var hide []int64
	if hidden != nil {
		hide = hidden()
	}
	notHidden := ""
	if len(hide) > 0 {
		notHidden = " AND article_id NOT IN (" + strings.TrimSuffix(strings.Repeat("?,", len(hide)), ",") + ")"
	}
	for i := 0; i < len(keys); i += bandChunk {
		part := keys[i:min(i+bandChunk, len(keys))]
		args := make([]any, 0, len(part)+1+2*len(hide))
		for _, k := range part {
			args = append(args, int64(k))
		}
		for _, h := range hide {
			args = append(args, h)
		}
		args = append(args, maxBucket)
		for _, h := range hide {
			args = append(args, h)
		}
		in := strings.TrimSuffix(strings.Repeat("?,", len(part)), ",")
		rows, err := s.db.WithContext(ctx).Raw("SELECT band_hash, article_id FROM reprint_bands WHERE band_hash IN ("+
			"SELECT band_hash FROM reprint_bands WHERE band_hash IN ("+in+")"+notHidden+" GROUP BY band_hash HAVING COUNT(*) <= ?)"+notHidden, args...).Rows()
		if err != nil {
			return nil, err
		}
		if err := scanPostings(rows, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// postgresPostings is ReprintPostings on PostgreSQL. The keys go, sorted, to one scan of the
// primary key (band_hash = ANY), a third of the time of one probe per key (LATERAL … LIMIT,
// measured); the planner is kept off a sequential scan, which it picks for a table filled since
// its last ANALYZE (0.6 s a look-up at 2,000 articles, measured). That scan reads every holder
// of a key, so keys once found held by more than maxBucket (boilerplate, see hotBands) are
// looked up apart, one probe each reading at most maxBucket+1 holders: the outcome is the same
// either way, only the cost differs.
func (s *Store) postgresPostings(ctx context.Context, keys []uint64, maxBucket int, stored []ReprintKeys, hidden func() []int64, out map[uint64][]int64) error {
	except := make([]int64, len(stored))
	for i, b := range stored {
		except[i] = b.ArticleID
	}
	var cold, hot []int64
	for _, k := range keys {
		if s.hotBands.has(int64(k)) {
			hot = append(hot, int64(k))
		} else {
			cold = append(cold, int64(k))
		}
	}
	slices.Sort(cold)
	cold = slices.Compact(cold)
	slices.Sort(hot)
	hot = slices.Compact(hot)
	db, err := s.db.DB()
	if err != nil {
		return err
	}
	opts := &sql.TxOptions{ReadOnly: true}
	if hidden != nil {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// The planner takes an = ANY of tens of thousands of keys for most of the table, which
	// past about 20,000 articles costs the plan over jit_above_cost (EXPLAIN: JIT on at 3.3 M
	// keys), and some 100,000 over the thresholds of inlining and optimisation, which took
	// 56-63 ms of such a query here: nothing in the scan is worth compiling. The look-up is
	// planned for the ids at hand (plan_cache_mode), whose <> ALL the plan then hashes; the
	// generic plan a prepared statement turns to after five runs compares each row with each
	// id. Its keys are a value the plan reads when it runs (a scalar subquery): as a constant
	// the planner estimated each of 33,000 keys, 15-18 ms a look-up against 0.15 ms (EXPLAIN).
	// One statement sets all three; as the transaction's first query it also takes its
	// snapshot, and only then is hidden asked.
	if _, err := tx.ExecContext(ctx, "SELECT set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true), "+
		"set_config('plan_cache_mode', 'force_custom_plan', true)"); err != nil {
		return err
	}
	if hidden != nil {
		except = append(except, hidden()...)
	}
	if len(cold) > 0 {
		rows, err := tx.QueryContext(ctx, "SELECT band_hash, article_id FROM reprint_bands WHERE band_hash = ANY ((SELECT $1::bigint[])::bigint[]) "+
			"AND article_id <> ALL ($2::bigint[])", cold, except)
		if err != nil {
			return err
		}
		if err := scanPostings(rows, out); err != nil {
			return err
		}
	}
	if len(hot) > 0 {
		rows, err := tx.QueryContext(ctx, "SELECT k.h, b.article_id FROM unnest($1::bigint[]) AS k(h) "+
			"CROSS JOIN LATERAL (SELECT article_id FROM reprint_bands WHERE band_hash = k.h AND article_id <> ALL ($3::bigint[]) LIMIT $2) AS b",
			hot, maxBucket+1, except)
		if err != nil {
			return err
		}
		if err := scanPostings(rows, out); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	for k, ids := range out {
		if len(ids) > maxBucket {
			s.hotBands.add(int64(k))
		}
	}
	if len(stored) > 0 {
		want := make(map[uint64]bool, len(keys))
		for _, k := range keys {
			want[k] = true
		}
		for _, b := range stored {
			for _, k := range b.Keys {
				if want[k] {
					out[k] = append(out[k], b.ArticleID)
				}
			}
		}
	}
	for k, ids := range out {
		if len(ids) > maxBucket {
			delete(out, k)
		}
	}
	return nil
}

// hotBands remembers keys found held by more than the look-up's MaxBucket articles, so that
// postgresPostings reads at most MaxBucket+1 of their holders instead of all of them: a
// bounded cache (hotBandsMax keys, emptied when full) that changes only what a look-up costs.
type hotBands struct {
	mu   sync.Mutex
	keys map[int64]struct{}
}

const hotBandsMax = 1 << 16

func (h *hotBands) has(k int64) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	_, ok := h.keys[k]
	return ok
}

func (h *hotBands) add(k int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.keys == nil || len(h.keys) >= hotBandsMax {
		h.keys = make(map[int64]struct{})
	}
	h.keys[k] = struct{}{}
}

func scanPostings(rows *sql.Rows, out map[uint64][]int64) error {
	defer rows.Close()
	for rows.Next() {
		var h, id int64
		if err := rows.Scan(&h, &id); err != nil {
			return err
		}
		out[uint64(h)] = append(out[uint64(h)], id)
	}
	return rows.Err()
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

// BulkFillReprintIndex fills an empty shared index of a corpus of at least minArticles
// articles the fast way, on PostgreSQL: in one transaction it drops the table's primary key,
// stores every batch that fill passes to put without it (appending to the table costs a
// tenth of maintaining a primary key on random hashes, measured), and builds it again,
// sorted, at the end. Meanwhile other sessions' look-ups and writes of the index wait
// (the table is locked), which only the first start on a database from before the index, or
// a fresh bulk-seeded one, ever meets. Replicas starting together fill it once: the others
// wait for the first and find the index full. It reports whether it filled the index; when
// it did not (SQLite, an index already holding keys, a small corpus) it did nothing.
func (s *Store) BulkFillReprintIndex(ctx context.Context, minArticles int, fill func(put func([]ReprintKeys) (int, error)) error) (bool, error) {
	if s.dialect != "postgres" {
		return false, nil
	}
	filled := false
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", reprintFillLock).Error; err != nil {
			return err
		}
		var keyed bool
		var articles int64
		if err := tx.Raw("SELECT EXISTS (SELECT 1 FROM reprint_bands)").Scan(&keyed).Error; err != nil {
			return err
		}
		if err := tx.Table("articles").Count(&articles).Error; err != nil {
			return err
		}
		if keyed || articles < int64(minArticles) {
			return nil
		}
		for _, q := range []string{"LOCK TABLE reprint_bands IN ACCESS EXCLUSIVE MODE",
			"ALTER TABLE reprint_bands DROP CONSTRAINT reprint_bands_pkey"} {
			if err := tx.Exec(q).Error; err != nil {
				return fmt.Errorf("reprint index bulk fill: %w", err)
			}
		}
		if err := fill(func(b []ReprintKeys) (int, error) { return len(b), s.insertReprintKeys(tx, b, false) }); err != nil {
			return err
		}
		for _, q := range []string{"SET LOCAL maintenance_work_mem = '256MB'",
			"ALTER TABLE reprint_bands ADD CONSTRAINT reprint_bands_pkey PRIMARY KEY (band_hash, article_id)"} {
			if err := tx.Exec(q).Error; err != nil {
				return fmt.Errorf("reprint index bulk fill: %w", err)
			}
		}
		filled = true
		return nil
	})
	return filled, err
}

// reprintFillLock is the advisory lock key of the bulk fill ("reprint" in ASCII).
const reprintFillLock = 0x7265707269_6e74
