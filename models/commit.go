package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
)

// Group commit. SQLite runs one write transaction at a time, so on SQLite every transaction
// of the store goes through one goroutine that owns the writer connection. Whatever arrived
// while the previous transaction was committing is run together in one transaction, each
// caller's work in its own savepoint: a caller whose work fails is rolled back to its
// savepoint alone, and the others go on. Every caller waits for the shared commit, so nothing
// is acknowledged before it is durable, and a failed commit fails every caller in the batch
// (none of whose work then exists). Batching pays for one BEGIN and COMMIT, and writes shared
// pages (the article's row, index pages) to the log once, for the whole batch.
//
// A caller's work runs detached from its request's cancellation: cancelling a statement
// interrupts the connection, and SQLite answers an interrupted write by rolling back the whole
// transaction, other callers' work included. Work whose request was cancelled before its turn
// is not started.
//
// The write rule. On SQLite every write of the store runs here, through Store.inTx (gorm) or
// Store.inSQLTx (the hand-written hot writes, which need the database/sql transaction itself);
// there is no other handle on the writer connection. The committer begins each transaction
// with database/sql and gorm runs on it through txPool, a gorm.ConnPool that sends statements
// to the transaction in progress, so both kinds of work share one transaction. The exceptions,
// which write without the committer:
//   - migrations (Store.Migrate), which goose runs in transactions of its own before the
//     service takes requests;
//   - the background WAL checkpoints (checkpoint.go) and the writer's own log restart
//     (restartLog), which copy committed pages and change no data;
//   - a backup (credence backup) only reads.
// On PostgreSQL inTx and inSQLTx are plain transactions on the pool, side by side.

// maxRestartBackoff bounds the wait between attempts to start the log over while a reader
// holds an old snapshot.
const maxRestartBackoff = 30 * time.Second

// maxBatch bounds the work in one transaction, so one commit's latency stays bounded.
const maxBatch = 128

// ErrClosed is returned for work submitted after the store was closed.
var ErrClosed = errors.New("models: the store is closed")

type writeJob struct {
	ctx  context.Context
	fn   func(tx *gorm.DB) error                     // gorm work, or
	raw  func(ctx context.Context, tx *sql.Tx) error // hand-written SQL on the transaction itself
	done chan error
}

// txPool is the gorm.ConnPool of the committer's gorm handle: while the committer runs a
// transaction every statement goes to it, else to the writer connection. Only the committer
// uses the handle, and only while a transaction is in progress.
type txPool struct {
	db *sql.DB
	tx atomic.Pointer[sql.Tx]
}

func (p *txPool) conn() gorm.ConnPool {
	if tx := p.tx.Load(); tx != nil {
		return tx
	}
	return p.db
}

func (p *txPool) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	return p.conn().PrepareContext(ctx, q)
}

func (p *txPool) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return p.conn().ExecContext(ctx, q, args...)
}

func (p *txPool) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return p.conn().QueryContext(ctx, q, args...)
}

func (p *txPool) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return p.conn().QueryRowContext(ctx, q, args...)
}

// GetDBConn lets gorm's DB() find the writer pool.
func (p *txPool) GetDBConn() (*sql.DB, error) { return p.db, nil }

type groupCommitter struct {
	db     *sql.DB  // the single-connection writer pool
	pool   *txPool  // gorm's connection: the transaction in progress
	gdb    *gorm.DB // gorm on pool
	ckpt   *walCheckpointer
	jobs   chan *writeJob
	mu     sync.RWMutex // held for reading while submitting; for writing to close
	closed bool
	exited chan struct{}

	transactions, works atomic.Int64 // committed or rolled back transactions, and the work they ran
	restarts            atomic.Int64 // write-ahead log restarts (restartLog)
	restartTries        atomic.Int64 // and attempts, including those readers held off

	// Only the committer's goroutine touches these.
	nextRestart time.Time     // no restart attempt before this
	backoff     time.Duration // after a failed attempt: the wait before the next, doubling
}

func newGroupCommitter(db *sql.DB, pool *txPool, gdb *gorm.DB, ckpt *walCheckpointer) *groupCommitter {
	g := &groupCommitter{db: db, pool: pool, gdb: gdb, ckpt: ckpt, jobs: make(chan *writeJob, 4*maxBatch), exited: make(chan struct{})}
	go g.run()
	return g
}

// do runs fn in a transaction shared with other callers' work and returns once that
// transaction has committed (nil) or fn's work has been rolled back (the error).
func (g *groupCommitter) do(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return g.submit(&writeJob{ctx: ctx, fn: fn})
}

// doSQL is do for work written against database/sql.
func (g *groupCommitter) doSQL(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	return g.submit(&writeJob{ctx: ctx, raw: fn})
}

func (g *groupCommitter) submit(j *writeJob) error {
	if err := j.ctx.Err(); err != nil {
		return err
	}
	j.done = make(chan error, 1)
	g.mu.RLock()
	if g.closed {
		g.mu.RUnlock()
		return ErrClosed
	}
	g.jobs <- j
	g.mu.RUnlock()
	return <-j.done // always answered: the committer drains the queue before it exits
}

// close stops taking work, finishes what was queued and waits for the last commit.
func (g *groupCommitter) close() {
	g.mu.Lock()
	if !g.closed {
		g.closed = true
		close(g.jobs)
	}
	g.mu.Unlock()
	<-g.exited
}

func (g *groupCommitter) run() {
	defer close(g.exited)
	batch := make([]*writeJob, 0, maxBatch)
	for j := range g.jobs {
		batch = append(batch[:0], j)
	more:
		for len(batch) < maxBatch {
			select {
			case j, ok := <-g.jobs:
				if !ok {
					break more
				}
				batch = append(batch, j)
			default:
				break more
			}
		}
		g.commit(batch)
	}
}

// commit runs one batch in one transaction and answers every job in it.
func (g *groupCommitter) commit(batch []*writeJob) {
	live := batch[:0:0]
	for _, j := range batch {
		if err := j.ctx.Err(); err != nil {
			j.done <- err
			continue
		}
		live = append(live, j)
	}
	if len(live) == 0 {
		return
	}
	if time.Now().After(g.nextRestart) && g.ckpt.claimRestart() {
		g.restartLog()
		g.ckpt.release()
	}
	g.transactions.Add(1)
	g.works.Add(int64(len(live)))
	tx, err := g.db.BeginTx(context.Background(), nil)
	if err != nil {
		for _, j := range live {
			j.done <- err
		}
		return
	}
	g.pool.tx.Store(tx)
	defer g.pool.tx.Store(nil)
	// Checkpoints run beside the writer (checkpoint.go). Set on every transaction, so a
	// connection the pool replaced after an error gets it too.
	if _, err := tx.Exec("PRAGMA wal_autocheckpoint = 0"); err != nil {
		abort(tx, live, fmt.Errorf("wal_autocheckpoint: %w", err))
		return
	}
	results := make([]error, len(live))
	if len(live) == 1 {
		results[0] = g.runJob(tx, live[0])
	} else {
		for i, j := range live {
			if _, err := tx.Exec("SAVEPOINT job"); err != nil {
				abort(tx, live, fmt.Errorf("savepoint: %w", err))
				return
			}
			results[i] = g.runJob(tx, j)
			if results[i] != nil {
				if _, err := tx.Exec("ROLLBACK TO SAVEPOINT job"); err != nil {
					// The transaction itself is gone (SQLite rolls back on some errors): none
					// of this batch's work exists, so every caller hears so.
					abort(tx, live, fmt.Errorf("rollback to savepoint after %v: %w", results[i], err))
					return
				}
			}
			if _, err := tx.Exec("RELEASE SAVEPOINT job"); err != nil {
				abort(tx, live, fmt.Errorf("release savepoint: %w", err))
				return
			}
		}
	}
	ok := false
	for _, err := range results {
		ok = ok || err == nil
	}
	var end error
	if ok {
		end = tx.Commit()
		g.ckpt.touch()
	} else {
		end = tx.Rollback()
	}
	for i, j := range live {
		err := results[i]
		if err == nil && end != nil {
			err = fmt.Errorf("commit: %w", end)
		}
		j.done <- err
	}
}

// restartLog finishes a checkpoint on the writer between two transactions and waits, briefly,
// for the readers of older snapshots to finish, so that the log starts over from its
// beginning (see resetFrames). Readers are never blocked; writers wait in the queue, for as
// long as the oldest reader's query at most, and never more than restartWait. A reader that
// keeps its snapshot longer (a backup, a long scoring run) makes the attempt fail; the next
// one then waits a second, then two, up to maxRestartBackoff, so that such a reader costs the
// writers one short wait now and then instead of one on every transaction.
func (g *groupCommitter) restartLog() {
	var v, busy, frames, copied int64
	// Pragmas are read as rows, not run with Exec: they answer a row, and a statement left
	// stepped on a row stays in progress and keeps the next COMMIT from completing.
	pragma := func(q string, dst ...any) {
		if err := g.db.QueryRow(q).Scan(dst...); err != nil {
			slog.Warn("WAL checkpoint on the writer", "pragma", q, "err", err)
		}
	}
	pragma(fmt.Sprintf("PRAGMA busy_timeout = %d", restartWait.Milliseconds()), &v)
	g.restartTries.Add(1)
	busy = 1
	pragma("PRAGMA wal_checkpoint(RESTART)", &busy, &frames, &copied)
	if busy == 0 {
		g.restarts.Add(1)
		g.backoff = 0
	} else {
		g.backoff = min(max(2*g.backoff, time.Second), maxRestartBackoff)
		g.nextRestart = time.Now().Add(g.backoff)
	}
	pragma(fmt.Sprintf("PRAGMA busy_timeout = %d", busyTimeout.Milliseconds()), &v)
}

// WriteStats counts the store's write transactions on SQLite: Transactions committed or
// rolled back by the group committer, the callers' Works they ran (Works/Transactions is the
// mean batch), and LogRestarts, the times the writer started the write-ahead log over.
type WriteStats struct {
	Transactions, Works, LogRestarts int64
}

// WriteStats reports the group committer's counters; all zero on PostgreSQL.
func (s *Store) WriteStats() WriteStats {
	if s.commits == nil {
		return WriteStats{}
	}
	return WriteStats{Transactions: s.commits.transactions.Load(), Works: s.commits.works.Load(), LogRestarts: s.commits.restarts.Load()}
}

// runJob runs one caller's work with its request's values but not its cancellation.
func (g *groupCommitter) runJob(tx *sql.Tx, j *writeJob) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in a write transaction: %v", p)
		}
	}()
	ctx := context.WithoutCancel(j.ctx)
	if j.raw != nil {
		return j.raw(ctx, tx)
	}
	return j.fn(g.gdb.WithContext(ctx))
}

func abort(tx *sql.Tx, jobs []*writeJob, err error) {
	tx.Rollback()
	for _, j := range jobs {
		j.done <- err
	}
}
