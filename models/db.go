package models

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

//go:embed migrations
var migrations embed.FS

// Store is the database behind the service. It holds no state of its own beyond the
// connection pool, so several service processes can share one PostgreSQL database.
type Store struct {
	db          *gorm.DB
	write       *sql.DB          // SQLite: the single-connection pool for writes, owned by the committer; nil on PostgreSQL
	dialect     string           // "sqlite" or "postgres"
	driverDSN   string           // PostgreSQL: the URL, for the session of a cluster-wide lock (cluster.go)
	hot         *hotStmts        // the hot read paths' prepared statements, on the reader pool (hot.go)
	writes      *hotStmts        // the hot writes' prepared statements, on the writer pool (hot.go)
	checkpoints *walCheckpointer // SQLite: WAL checkpoints beside the writer (checkpoint.go)
	commits     *groupCommitter  // SQLite: every transaction, batched on the writer (commit.go); nil on PostgreSQL
	pgCreates   *pgCreates       // PostgreSQL: annotation creates, batched (commit_pg.go); nil on SQLite
	auth        *authCache       // PostgreSQL: who is behind a token or session (authcache.go); nil on SQLite
	storage     storageState     // whether the database refuses writes for want of space (storage.go)
	hotBands    hotBands         // PostgreSQL: reprint keys known to be boilerplate (reprints.go)
	gormInserts bool             // tests: store an import's articles by gorm's INSERT, not COPY (articles_copy.go)
}

// Dialect names the engine: "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect }

// ParseDSN tells the engine of a --db value and the driver DSN: a postgres:// URL is
// PostgreSQL; "sqlite:PATH" or a bare path is SQLite.
func ParseDSN(dsn string) (dialect, driverDSN string, err error) {
	switch {
	case dsn == "":
		return "", "", errors.New("no database given: pass --db PATH or --db postgres://...")
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return "postgres", dsn, nil
	case strings.HasPrefix(dsn, "sqlite:"):
		return "sqlite", strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "//"), nil
	case strings.Contains(dsn, "://"):
		return "", "", fmt.Errorf("database %q: only sqlite paths and postgres:// URLs are supported", dsn)
	}
	return "sqlite", dsn, nil
}

// Default pool sizes: the connections one process keeps to PostgreSQL, and SQLite's readers
// beside its one writer. OpenOptions.Pool (serve's --db-pool) overrides them.
const (
	DefaultPostgresPool  = 32
	DefaultSQLiteReaders = 8
)

// OpenOptions tune Open.
type OpenOptions struct {
	// Pool is the most connections the process opens to PostgreSQL, or the most SQLite
	// readers; 0 takes the engine's default (DefaultPostgresPool, DefaultSQLiteReaders).
	Pool int
}

// Open connects to the database named by dsn (see ParseDSN) with the default pool.
func Open(dsn string) (*Store, error) { return OpenWith(dsn, OpenOptions{}) }

// OpenWith connects to the database named by dsn (see ParseDSN). SQLite runs in WAL mode with
// foreign keys, a busy timeout and immediate transactions, so concurrent writers wait for
// each other instead of failing with "database is locked".
func OpenWith(dsn string, opt OpenOptions) (*Store, error) {
	if opt.Pool < 0 {
		return nil, fmt.Errorf("database pool of %d connections: it must be at least 1 (0 for the default)", opt.Pool)
	}
	dialect, path, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	cfg := &gorm.Config{Logger: logger.Discard, NowFunc: func() time.Time { return time.Now().UTC() }, TranslateError: true, PrepareStmt: true}
	var db *gorm.DB
	switch dialect {
	case "postgres":
		db, err = gorm.Open(postgres.Open(path), cfg)
	default:
		db, err = gorm.Open(sqlite.Open(sqliteDSN(path)), cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	// Idle connections are kept up to the pool's size: database/sql keeps only two by default,
	// so under concurrent load every request past the second opened a new connection (on
	// SQLite, the file and its pragmas) and prepared its statements again.
	poolSize := DefaultPostgresPool
	if dialect == "sqlite" {
		// Readers only: writes go through the single writer connection below. Under WAL,
		// readers never wait for the writer.
		poolSize = DefaultSQLiteReaders
	}
	if opt.Pool > 0 {
		poolSize = opt.Pool
	}
	sqlDB.SetMaxOpenConns(poolSize)
	sqlDB.SetMaxIdleConns(poolSize)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	st := &Store{db: db, dialect: dialect, driverDSN: path, hot: &hotStmts{db: sqlDB, dialect: dialect}, writes: &hotStmts{db: sqlDB, dialect: dialect}}
	if dialect == "postgres" {
		st.pgCreates = newPGCreates(sqlDB, poolSize)
		st.auth = newAuthCache()
	}
	if dialect == "sqlite" {
		// One connection for writes: SQLite allows one writer at a time anyway, and queueing
		// writers in the group committer, in order, is far faster than letting them contend
		// for the file lock, where each loser sleeps in the busy handler's growing back-off.
		wdb, err := sql.Open(sqlite.DriverName, sqliteDSN(path))
		if err != nil {
			return nil, fmt.Errorf("open sqlite database for writing: %w", err)
		}
		wdb.SetMaxOpenConns(1)
		wdb.SetConnMaxIdleTime(5 * time.Minute)
		// gorm on the committer's transactions (commit.go). Not prepared: a statement
		// prepared inside one transaction is prepared again in the next anyway.
		pool := &txPool{db: wdb}
		wcfg := *cfg
		wcfg.PrepareStmt, wcfg.SkipDefaultTransaction = false, true
		w, err := gorm.Open(sqlite.New(sqlite.Config{Conn: pool}), &wcfg)
		if err != nil {
			wdb.Close()
			return nil, fmt.Errorf("open sqlite database for writing: %w", err)
		}
		st.write = wdb
		st.checkpoints = newWALCheckpointer(sqlDB)
		st.commits = newGroupCommitter(wdb, pool, w, st.checkpoints)
		st.writes = &hotStmts{db: wdb, dialect: dialect}
	}
	return st, nil
}

// busyTimeout is how long a SQLite connection waits for a lock before giving up.
const busyTimeout = 10 * time.Second

// sqliteDSN adds the service's settings to a SQLite path. synchronous=FULL syncs the
// write-ahead log at every commit, so an acknowledged write survives a power cut, not only a
// crash of the process (NORMAL syncs at checkpoints only, and a power cut can lose the last
// commits). Group commit (commit.go) shares each sync among the writes of a batch, which is
// what makes FULL affordable; BENCHMARKS.md measures both. A path that names its own
// _synchronous (SQLiteSynchronous) keeps it: the driver reads the first value of a parameter.
func sqliteDSN(path string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + fmt.Sprintf("_journal_mode=WAL&_foreign_keys=1&_busy_timeout=%d&_txlock=immediate&_synchronous=FULL", busyTimeout.Milliseconds())
}

// SQLiteSynchronous returns a --db value whose SQLite database runs with the given
// synchronous mode ("full", the default, or "normal", which may lose the last commits on a
// power cut but not on a crash of the process). PostgreSQL URLs are returned unchanged.
func SQLiteSynchronous(dsn, mode string) (string, error) {
	dialect, _, err := ParseDSN(dsn)
	if err != nil || dialect != "sqlite" {
		return dsn, err
	}
	switch strings.ToLower(mode) {
	case "", "full":
		return dsn, nil
	case "normal":
	default:
		return "", fmt.Errorf("SQLite synchronous mode must be full or normal, not %q", mode)
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "_synchronous=NORMAL", nil
}

// Migrate applies the embedded migrations of the store's dialect that have not run yet,
// each in its own transaction, recording them in goose_db_version.
func (s *Store) Migrate(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	sub, err := fs.Sub(migrations, "migrations/"+s.dialect)
	if err != nil {
		return err
	}
	d := goose.DialectSQLite3
	if s.dialect == "postgres" {
		d = goose.DialectPostgres
	}
	var opts []goose.ProviderOption
	if s.dialect == "postgres" {
		// Replicas that start together on a fresh database would otherwise both create
		// goose's table and run the same migrations at once (duplicate key in pg_type,
		// "relation already exists"): an advisory lock on one session makes the second wait
		// for the first, then find nothing left to do. Polled every second, for ten minutes.
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 600))
		if err != nil {
			return fmt.Errorf("migrations: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(d, sqlDB, sub, opts...)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, r := range res {
		slog.Debug("migration applied", "version", r.Source.Version, "took", r.Duration)
	}
	s.auth.run(s.driverDSN) // the schema has its triggers now
	return nil
}

// Ping checks that the database answers, for /healthz.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Close closes the connection pools.
func (s *Store) Close() error {
	if s.commits != nil {
		s.commits.close()
		s.checkpoints.close()
	}
	if s.pgCreates != nil {
		s.pgCreates.close()
	}
	s.auth.close()
	s.hot.close()
	s.writes.close()
	if s.write != nil {
		s.write.Close()
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// SQLDB exposes the underlying pool for backups and benchmarks.
func (s *Store) SQLDB() (*sql.DB, error) { return s.db.DB() }
