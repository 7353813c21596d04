package api_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/credence-project/credence/annotate/score"
)

// benchCorpus fills the database by SQL with a generated corpus: CREDENCE_BENCH_ARTICLES
// articles (default 2,000) over one outlet per 100 articles, ten annotations per article from
// two of twenty reviewers who both completed it ("reviewer" and "reviewer2" of env among them),
// a quote region on one article in five and comments on one in ten. Rows go in as multi-row
// INSERTs, so that 100,000 articles (1.2 million rows) take a minute or two on either engine.
func benchCorpus(b *testing.B, e *env) (articles int, sample int64) {
	b.Helper()
	articles = 2000
	if v := os.Getenv("CREDENCE_BENCH_ARTICLES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 100 {
			b.Fatalf("CREDENCE_BENCH_ARTICLES=%q", v)
		}
		articles = n
	}
	outlets := max(articles/100, 2)
	ctx := context.Background()
	db, err := e.store.SQLDB()
	if err != nil {
		b.Fatal(err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	ins := &rowInserter{b: b, e: e, tx: tx}
	now := time.Now().UTC()
	reviewers := []int64{e.ids["reviewer"], e.ids["reviewer2"]}
	for i := len(reviewers); i < 20; i++ {
		ins.add("users (email, name, role, password_hash, created_at, updated_at)",
			fmt.Sprintf("bench%d@example.org", i), fmt.Sprintf("Bench %d", i), "reviewer", "x", now, now)
	}
	for i := range outlets {
		ins.add("outlets (name, slug, created_at, updated_at)", fmt.Sprintf("Bench outlet %d", i), fmt.Sprintf("bench-%d", i), now, now)
	}
	ins.flush()
	firstUser := ins.scalar("SELECT min(id) FROM users WHERE email LIKE 'bench%'")
	for i := 2; i < 20; i++ {
		reviewers = append(reviewers, firstUser+int64(i-2))
	}
	firstOutlet := ins.scalar("SELECT min(id) FROM outlets WHERE slug LIKE 'bench-%'")
	r := rand.New(rand.NewPCG(42, 42))
	txt := text(r, 1500)
	n := runeLen(txt)
	for a := range articles {
		pub := time.Date(2023, time.Month(1+a%24), 1+a%28, 0, 0, 0, 0, time.UTC)
		ins.add("articles (outlet_id, title, url, published_at, text, text_sha256, text_length, created_at)",
			firstOutlet+int64(a%outlets), fmt.Sprintf("Bench %d", a), fmt.Sprintf("https://bench.example/%d", a), pub, txt, fmt.Sprintf("%064d", a), n, now)
	}
	ins.flush()
	// One transaction, nothing else writing: the articles have consecutive ids in insert order.
	firstArticle := ins.scalar("SELECT min(id) FROM articles WHERE url LIKE 'https://bench.example/%'")
	for a := range articles {
		id := firstArticle + int64(a)
		if a%5 == 0 {
			ins.add("regions (article_id, kind, start_cp, end_cp, origin_outlet_id, origin, status, created_at, updated_at)",
				id, "quote", 100, 500, firstOutlet+int64((a+1)%outlets), "manual", "accepted", now, now)
		}
		if a%10 == 0 {
			ins.add("regions (article_id, kind, start_cp, end_cp, origin_outlet_id, origin, status, created_at, updated_at)",
				id, "comments", n-200, n, nil, "manual", "accepted", now, now)
		}
		pair := []int64{reviewers[a%20], reviewers[(a+1+a/20)%20]}
		if pair[0] == pair[1] {
			pair[1] = reviewers[(a+2)%20]
		}
		for k, u := range pair {
			ins.add("reviews (article_id, user_id, assigned, completed_at, updated_at)", id, u, true, now, now)
			for j := range 5 {
				s := r.IntN(n - 80)
				ins.add("annotations (article_id, user_id, label, start_cp, end_cp, exact, created_at, updated_at)",
					id, u, string(score.AllLabels[(j+k)%4]), s, s+10+r.IntN(70), "x", now, now)
			}
		}
		if pair[0] == e.ids["reviewer"] || pair[1] == e.ids["reviewer"] {
			sample = id
		}
	}
	ins.flush()
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if e.store.Dialect() == "postgres" {
		if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
			b.Fatal(err)
		}
	}
	return articles, sample
}

// rowInserter gathers rows per table and writes them as multi-row INSERTs.
type rowInserter struct {
	b     *testing.B
	e     *env
	tx    *sql.Tx
	order []string
	rows  map[string][][]any
}

const insertParams = 30000 // under SQLite's 32,766 and PostgreSQL's 65,535 parameters a statement

func (w *rowInserter) add(table string, vals ...any) {
	if w.rows == nil {
		w.rows = map[string][][]any{}
	}
	if _, ok := w.rows[table]; !ok {
		w.order = append(w.order, table)
	}
	w.rows[table] = append(w.rows[table], vals)
	if len(w.rows[table])*len(vals) >= insertParams {
		w.write(table)
	}
}

// flush writes every gathered row, tables in the order first added.
func (w *rowInserter) flush() {
	for _, t := range w.order {
		w.write(t)
	}
}

func (w *rowInserter) write(table string) {
	rows := w.rows[table]
	if len(rows) == 0 {
		return
	}
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(rows[0])), ", ") + ")"
	var q strings.Builder
	q.WriteString("INSERT INTO " + table + " VALUES ")
	args := make([]any, 0, len(rows)*len(rows[0]))
	for i, r := range rows {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(one)
		args = append(args, r...)
	}
	if _, err := w.tx.Exec(rebind(w.e, q.String()), args...); err != nil {
		w.b.Fatalf("insert into %s: %v", table, err)
	}
	w.rows[table] = rows[:0]
}

func (w *rowInserter) scalar(q string) int64 {
	var v int64
	if err := w.tx.QueryRow(q).Scan(&v); err != nil {
		w.b.Fatalf("%s: %v", q, err)
	}
	return v
}
