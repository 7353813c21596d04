package models

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"io/fs"
	"strconv"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", for the lock's own session
)

// Several replicas may start at once on one PostgreSQL database. What each does once at start
// (the first admin, the demo data) runs under Exclusively, so the second waits for the first
// and then finds it done; Migrate takes goose's lock of its own (db.go).

// Exclusively runs fn while this process holds the cluster-wide lock named name: on PostgreSQL
// a session-level advisory lock, taken on a connection of its own outside the pool (so a pool
// of one connection still serves fn), waited for as long as ctx allows. Processes sharing the
// database run their fn one at a time. On SQLite, which one process serves, fn just runs.
func (s *Store) Exclusively(ctx context.Context, name string, fn func() error) error {
	if s.dialect != "postgres" {
		return fn()
	}
	db, err := sql.Open("pgx", s.driverDSN)
	if err != nil {
		return fmt.Errorf("lock %q: %w", name, err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("lock %q: %w", name, err)
	}
	defer conn.Close()
	key := lockKey(name)
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		return fmt.Errorf("lock %q: %w", name, err)
	}
	// Closing the session releases the lock too, should the unlock fail.
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key) //nolint:errcheck
	return fn()
}

// lockKey is the advisory lock's number for a name, apart from goose's (lock.DefaultLockID).
func lockKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("credence: " + name))
	return int64(h.Sum64())
}

// CheckMigrated returns an error naming the migrations of this build the database has not
// applied, for a process told not to migrate (serve --no-migrate): it refuses to start on a
// schema older than its code instead of failing later on a missing table. A database migrated
// further, by a newer build in a rolling upgrade, is accepted. It writes nothing.
func (s *Store) CheckMigrated(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	var table sql.NullString
	q := "SELECT to_regclass('goose_db_version')::text"
	if s.dialect == "sqlite" {
		q = "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'"
	}
	if err := sqlDB.QueryRowContext(ctx, q).Scan(&table); err != nil && err != sql.ErrNoRows {
		return fmt.Errorf("read the schema version: %w", err)
	}
	applied := map[int64]bool{}
	if table.Valid {
		rows, err := sqlDB.QueryContext(ctx, "SELECT version_id FROM goose_db_version WHERE is_applied")
		if err != nil {
			return fmt.Errorf("read the schema version: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var v int64
			if err := rows.Scan(&v); err != nil {
				return err
			}
			applied[v] = true
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	var missing []string
	files, err := fs.Glob(migrations, "migrations/"+s.dialect+"/*.sql")
	if err != nil {
		return err
	}
	for _, f := range files {
		base := f[strings.LastIndex(f, "/")+1:]
		v, err := strconv.ParseInt(strings.SplitN(base, "_", 2)[0], 10, 64)
		if err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
		if !applied[v] {
			missing = append(missing, strings.TrimSuffix(base, ".sql"))
		}
	}
	if len(missing) > 3 {
		missing = []string{missing[0], "…", missing[len(missing)-1]}
	}
	if len(missing) > 0 {
		return fmt.Errorf("the database lacks migrations of this build (%s): run `credence migrate` first, or start without --no-migrate", strings.Join(missing, ", "))
	}
	s.auth.run(s.driverDSN) // the schema has its triggers
	return nil
}
