package models_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/credence-project/credence/models"
	"github.com/credence-project/credence/models/modeltest"
)

// TestConcurrentMigrationsOnPostgreSQL: replicas started together on a fresh PostgreSQL
// database each migrate it (serve without --no-migrate, or two `credence migrate`): every one
// succeeds and the schema is complete, where without goose's session lock they collided on
// creating goose's table and on the migrations themselves.
func TestConcurrentMigrationsOnPostgreSQL(t *testing.T) {
	dsn := modeltest.DSN(t)
	if !strings.HasPrefix(dsn, "postgres") {
		t.Skip("one process serves an SQLite file; make test-postgres runs this")
	}
	ctx := context.Background()
	const n = 4
	stores := make([]*models.Store, n)
	for i := range stores {
		s, err := models.Open(dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		stores[i] = s
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, s := range stores {
		wg.Go(func() {
			<-start
			errs[i] = s.Migrate(ctx)
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("migration %d of %d run at once: %v", i+1, n, err)
		}
	}
	if err := stores[0].CheckMigrated(ctx); err != nil {
		t.Fatal(err)
	}
	db, _ := stores[0].SQLDB()
	var dup int
	if err := db.QueryRow("SELECT count(*) FROM (SELECT version_id FROM goose_db_version GROUP BY version_id HAVING count(*) > 1) d").Scan(&dup); err != nil || dup != 0 {
		t.Fatalf("%d migrations recorded twice (%v)", dup, err)
	}
}

// TestExclusivelyOneAtATimeOnPostgreSQL: two stores, each with its pool as two replicas have,
// run their start-up steps under Exclusively: never two at once, and a pool of one connection
// still serves the step (the lock holds a session of its own).
func TestExclusivelyOneAtATimeOnPostgreSQL(t *testing.T) {
	dsn := modeltest.DSN(t)
	if !strings.HasPrefix(dsn, "postgres") {
		t.Skip("on SQLite Exclusively only runs its function; make test-postgres runs this")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stores []*models.Store
	for range 2 {
		s, err := models.OpenWith(dsn, models.OpenOptions{Pool: 1})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		stores = append(stores, s)
	}
	if err := stores[0].Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var inside, most, runs atomic.Int32
	var wg sync.WaitGroup
	for i := range 8 {
		s := stores[i%2]
		wg.Go(func() {
			err := s.Exclusively(ctx, "test step", func() error {
				now := inside.Add(1)
				defer inside.Add(-1)
				for m := most.Load(); now > m && !most.CompareAndSwap(m, now); m = most.Load() {
				}
				// Work on the pool while holding the lock: the count of users, twice, with
				// the other replicas waiting meanwhile.
				for range 2 {
					if _, err := s.CountUsers(ctx); err != nil {
						return err
					}
				}
				runs.Add(1)
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if runs.Load() != 8 || most.Load() != 1 {
		t.Fatalf("%d of 8 steps ran, at most %d at once; want 8, one at a time", runs.Load(), most.Load())
	}
}

// TestCheckMigrated: a process told not to migrate refuses a database its build's migrations
// have not all reached, saying to run `credence migrate`, and writes nothing while checking.
func TestCheckMigrated(t *testing.T) {
	ctx := context.Background()
	s, err := models.Open(modeltest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.CheckMigrated(ctx)
	if err == nil || !strings.Contains(err.Error(), "credence migrate") || !strings.Contains(err.Error(), "00001_init") {
		t.Fatalf("an empty database: %v, want a refusal naming the missing migrations and `credence migrate`", err)
	}
	if n, err := s.CountUsers(ctx); err == nil {
		t.Fatalf("the check created tables: the users table answers %d", n)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.CheckMigrated(ctx); err != nil {
		t.Fatalf("after Migrate: %v", err)
	}
	db, _ := s.SQLDB()
	if _, err := db.Exec("DELETE FROM goose_db_version WHERE version_id = (SELECT max(version_id) FROM goose_db_version)"); err != nil {
		t.Fatal(err)
	}
	if err := s.CheckMigrated(ctx); err == nil {
		t.Fatal("a database one migration behind was accepted")
	}
}

// TestOpenPool: the pool size is the one asked for, the engine's default for 0, and a
// negative one is refused.
func TestOpenPool(t *testing.T) {
	dsn := modeltest.DSN(t)
	def := models.DefaultSQLiteReaders
	if strings.HasPrefix(dsn, "postgres") {
		def = models.DefaultPostgresPool
	}
	for _, tc := range []struct{ pool, want int }{{0, def}, {3, 3}} {
		s, err := models.OpenWith(dsn, models.OpenOptions{Pool: tc.pool})
		if err != nil {
			t.Fatal(err)
		}
		db, _ := s.SQLDB()
		if got := db.Stats().MaxOpenConnections; got != tc.want {
			t.Errorf("pool %d: %d connections at most, want %d", tc.pool, got, tc.want)
		}
		s.Close()
	}
	if _, err := models.OpenWith(dsn, models.OpenOptions{Pool: -1}); err == nil {
		t.Fatal("a pool of -1 connections was accepted")
	}
}
