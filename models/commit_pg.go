package models

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// Group commit of annotation creates on PostgreSQL. A create is one statement
// (annotations_pg.go); what arrives while the workers are busy is sent together, as one pgx
// batch: the statements go to the server in one write, run in one implicit transaction and
// commit once, so a batch pays for one round trip and one commit (one WAL flush) instead of
// one each per create. Every caller waits for the batch's commit, so nothing is acknowledged
// before it is durable.
//
// One statement's error rolls the whole batch back (PostgreSQL aborts the transaction), and
// the server says so; then each create of the batch runs again alone, so that each caller
// gets its own answer and no create fails for another's. An error that leaves the outcome
// unknown (the connection lost before the commit was answered) fails every caller of the
// batch, as a lost commit does for a single create.
//
// Batches run on a few workers at once, each on a connection of the pool: PostgreSQL runs
// each batch on one backend, and several keep both the server's cores and its WAL flushes
// busy. A small pool gets fewer workers (pgCreateWorkersFor), so that batches hold no more
// than a quarter of it (one worker at least) and the other requests still find connections.
// A batch's creates run in the order of their article and user, so that two batches lock the
// articles' and reviews' rows in the same order and do not deadlock each other.
//
// Work runs detached from its request's cancellation, as on SQLite (commit.go): a create
// whose request was cancelled before its batch is answered with the cancellation and not run.

const (
	pgCreateWorkers  = 8
	pgCreateMaxBatch = 64
)

// pgCreateWorkersFor is the number of batch workers for a pool of the given size: one per
// four connections, at least one and at most pgCreateWorkers.
func pgCreateWorkersFor(pool int) int { return max(1, min(pgCreateWorkers, pool/4)) }

type pgCreateJob struct {
	ctx               context.Context
	articleID, userID int64
	query             string
	args              []any
	id                int64
	err               error // sql.ErrNoRows: nothing inserted (the idempotency key was used)
	done              chan struct{}
}

type pgCreates struct {
	db     *sql.DB
	jobs   chan *pgCreateJob
	mu     sync.RWMutex // held for reading while submitting; for writing to close
	closed bool
	wg     sync.WaitGroup

	workers                   int
	batches, creates, retried atomic.Int64
}

// newPGCreates starts the workers for a pool of the given size.
func newPGCreates(db *sql.DB, pool int) *pgCreates {
	p := &pgCreates{db: db, jobs: make(chan *pgCreateJob, 4*pgCreateMaxBatch), workers: pgCreateWorkersFor(pool)}
	for range p.workers {
		p.wg.Add(1)
		go p.run()
	}
	return p
}

// do runs one create's statement, whose single row is the new id, and returns the id once
// its batch has committed; sql.ErrNoRows when the statement inserted nothing.
func (p *pgCreates) do(ctx context.Context, articleID, userID int64, query string, args ...any) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	j := &pgCreateJob{ctx: ctx, articleID: articleID, userID: userID, query: query, args: args, done: make(chan struct{})}
	p.mu.RLock()
	if p.closed {
		p.mu.RUnlock()
		return 0, ErrClosed
	}
	p.jobs <- j
	p.mu.RUnlock()
	<-j.done // always answered: the workers drain the queue before they exit
	return j.id, j.err
}

func (p *pgCreates) close() {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.jobs)
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *pgCreates) run() {
	defer p.wg.Done()
	batch := make([]*pgCreateJob, 0, pgCreateMaxBatch)
	for j := range p.jobs {
		batch = append(batch[:0], j)
	more:
		for len(batch) < pgCreateMaxBatch {
			select {
			case j, ok := <-p.jobs:
				if !ok {
					break more
				}
				batch = append(batch, j)
			default:
				break more
			}
		}
		p.commit(batch)
	}
}

// commit runs one batch and answers every job in it.
func (p *pgCreates) commit(batch []*pgCreateJob) {
	live := batch[:0:0]
	for _, j := range batch {
		if err := j.ctx.Err(); err != nil {
			j.err = err
			close(j.done)
			continue
		}
		live = append(live, j)
	}
	if len(live) == 0 {
		return
	}
	slices.SortStableFunc(live, func(a, b *pgCreateJob) int {
		return cmp.Or(cmp.Compare(a.articleID, b.articleID), cmp.Compare(a.userID, b.userID))
	})
	p.batches.Add(1)
	p.creates.Add(int64(len(live)))
	rolledBack := p.send(live)
	if rolledBack && len(live) > 1 {
		// One create failed and took the others with it: each alone, for its own answer.
		p.retried.Add(int64(len(live)))
		for _, j := range live {
			p.send([]*pgCreateJob{j})
		}
	}
	for _, j := range live {
		close(j.done)
	}
}

// send runs the jobs' statements as one batch on one connection and sets each job's id and
// error. It reports whether the server rolled the batch back for a statement's error (each
// job then holds that error, or the abort's), so that nothing of it exists.
func (p *pgCreates) send(jobs []*pgCreateJob) (rolledBack bool) {
	ctx := context.WithoutCancel(jobs[0].ctx)
	fail := func(err error) {
		for _, j := range jobs {
			j.id, j.err = 0, err
		}
	}
	conn, err := p.db.Conn(ctx)
	if err != nil {
		fail(err)
		return false
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("annotation creates: the PostgreSQL driver connection is a %T, not pgx's", dc)
		}
		b := &pgx.Batch{}
		for _, j := range jobs {
			b.Queue(j.query, j.args...)
		}
		br := sc.Conn().SendBatch(ctx, b)
		for _, j := range jobs {
			j.id = 0
			j.err = br.QueryRow().Scan(&j.id)
			if errors.Is(j.err, pgx.ErrNoRows) {
				j.err = sql.ErrNoRows
			}
		}
		return br.Close()
	})
	var pgErr *pgconn.PgError
	switch {
	case err == nil:
		for _, j := range jobs {
			if j.err != nil && !errors.Is(j.err, sql.ErrNoRows) {
				// A statement's error with the batch's end answered: the server aborted it.
				rolledBack = true
			}
		}
	case errors.As(err, &pgErr):
		rolledBack = true // the commit itself refused (a deferred check): nothing committed
	default:
		fail(err) // the outcome is unknown
		return false
	}
	if rolledBack {
		for _, j := range jobs {
			if j.err == nil || errors.Is(j.err, sql.ErrNoRows) {
				j.id, j.err = 0, fmt.Errorf("annotation create rolled back with its batch: %w", cmp.Or(err, firstErr(jobs)))
			}
		}
	}
	return rolledBack
}

func firstErr(jobs []*pgCreateJob) error {
	for _, j := range jobs {
		if j.err != nil && !errors.Is(j.err, sql.ErrNoRows) {
			return j.err
		}
	}
	return nil
}

// PGCreateStats counts the annotation creates' group commit on PostgreSQL: Batches sent (each
// one round trip and one commit), the Creates they carried (Creates/Batches is the mean batch),
// Retried, the creates run again alone because their batch was rolled back for another's
// error, and the Workers sending batches.
type PGCreateStats struct {
	Batches, Creates, Retried int64
	Workers                   int
}

// PGCreateStats reports the group commit's counters; all zero on SQLite.
func (s *Store) PGCreateStats() PGCreateStats {
	p := s.pgCreates
	if p == nil {
		return PGCreateStats{}
	}
	return PGCreateStats{Batches: p.batches.Load(), Creates: p.creates.Load(), Retried: p.retried.Load(), Workers: p.workers}
}
