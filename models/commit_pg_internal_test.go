package models

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// openPGCommitTest opens a store on a fresh PostgreSQL database (CREDENCE_TEST_POSTGRES),
// with a table whose inserts answer an id, or nothing for a name already there.
func openPGCommitTest(t *testing.T) *Store {
	t.Helper()
	base := os.Getenv("CREDENCE_TEST_POSTGRES")
	if base == "" {
		t.Skip("PostgreSQL only: set CREDENCE_TEST_POSTGRES")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "credence_t_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if a, err := sql.Open("pgx", base); err == nil {
			_, _ = a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			a.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	s, err := Open(u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if s.pgCreates == nil {
		t.Fatal("PostgreSQL store without batched creates")
	}
	if err := s.db.Exec("CREATE TABLE items (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE CHECK (name <> 'bad'))").Error; err != nil {
		t.Fatal(err)
	}
	return s
}

const itemInsert = "INSERT INTO items (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id"

func itemJobs(names ...string) []*pgCreateJob {
	var out []*pgCreateJob
	for i, n := range names {
		out = append(out, &pgCreateJob{ctx: context.Background(), articleID: int64(i), query: itemInsert, args: []any{n}, done: make(chan struct{})})
	}
	return out
}

// TestPGBatchedCreatesIsolateFailures: a batch whose one statement fails is rolled back by
// the server and each create runs again alone, so only the failing one fails; a batch without
// failures commits once with every create.
func TestPGBatchedCreatesIsolateFailures(t *testing.T) {
	s := openPGCommitTest(t)
	p := s.pgCreates
	jobs := itemJobs("a", "bad", "b", "a")
	p.commit(jobs)
	var pgErr *pgconn.PgError
	if jobs[0].err != nil || jobs[0].id == 0 || jobs[2].err != nil || jobs[2].id == 0 {
		t.Fatalf("the good creates of a batch with a failing one: %v %v", jobs[0].err, jobs[2].err)
	}
	if !errors.As(jobs[1].err, &pgErr) || pgErr.Code != "23514" {
		t.Fatalf("the failing create answered %v, want its own check violation", jobs[1].err)
	}
	if !errors.Is(jobs[3].err, sql.ErrNoRows) {
		t.Fatalf("the repeated name answered %v, want sql.ErrNoRows (nothing inserted)", jobs[3].err)
	}
	if got := p.retried.Load(); got != 4 {
		t.Fatalf("%d creates run again alone, want the batch's 4", got)
	}
	ok := itemJobs("c", "d", "e")
	p.commit(ok)
	for i, j := range ok {
		if j.err != nil || j.id == 0 {
			t.Fatalf("create %d of a good batch: %v", i, j.err)
		}
	}
	if got := p.retried.Load(); got != 4 {
		t.Fatalf("a good batch was run again: %d retried", got)
	}
	var names []string
	if err := s.db.Raw("SELECT name FROM items ORDER BY name").Scan(&names).Error; err != nil {
		t.Fatal(err)
	}
	if len(names) != 5 || names[0] != "a" || names[1] != "b" || names[4] != "e" {
		t.Fatalf("items %v, want a b c d e", names)
	}
	// A cancelled create is answered with its cancellation and not run.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := itemJobs("f")
	c[0].ctx = ctx
	p.commit(c)
	if !errors.Is(c[0].err, context.Canceled) {
		t.Fatalf("cancelled create answered %v", c[0].err)
	}
}

// TestPGCreateWorkersFollowThePool: one batch worker per four connections of the pool, one at
// least and eight at most.
func TestPGCreateWorkersFollowThePool(t *testing.T) {
	for pool, want := range map[int]int{1: 1, 3: 1, 4: 1, 8: 2, 12: 3, 16: 4, 32: 8, 100: 8} {
		if got := pgCreateWorkersFor(pool); got != want {
			t.Errorf("pool of %d: %d workers, want %d", pool, got, want)
		}
	}
}
