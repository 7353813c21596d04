package models

import (
	"database/sql"
	"log/slog"
	"sync"
	"time"
)

// WAL checkpoints off the write path. In WAL mode SQLite appends commits to the log and
// copies them back into the database file at a checkpoint, which by default the committing
// connection runs itself whenever the log passes 1,000 pages. On the single writer connection
// that put every checkpoint inside the serial write path: the load harness showed it taking
// half of the writer's time. The writer therefore runs with wal_autocheckpoint off (set by
// the group committer on each transaction), and this goroutine runs passive checkpoints on a
// reader connection after writes, on the other core. A passive checkpoint never blocks the
// writer or readers; it copies what no reader still needs, as the automatic one would.

// checkpointEvery spaces checkpoints while writes go on, so each one copies a batch of pages.
const checkpointEvery = 50 * time.Millisecond

type walCheckpointer struct {
	db     *sql.DB
	dirty  chan struct{}
	stop   chan struct{}
	exited chan struct{}
	once   sync.Once
}

func newWALCheckpointer(db *sql.DB) *walCheckpointer {
	c := &walCheckpointer{db: db, dirty: make(chan struct{}, 1), stop: make(chan struct{}), exited: make(chan struct{})}
	go c.run()
	return c
}

// touch says a write committed: a checkpoint is due.
func (c *walCheckpointer) touch() {
	select {
	case c.dirty <- struct{}{}:
	default:
	}
}

func (c *walCheckpointer) run() {
	defer close(c.exited)
	for {
		select {
		case <-c.dirty:
		case <-c.stop:
			return
		}
		var busy, logFrames, copied int
		if err := c.db.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logFrames, &copied); err != nil {
			slog.Warn("WAL checkpoint failed", "err", err)
		}
		select {
		case <-time.After(checkpointEvery):
		case <-c.stop:
			return
		}
	}
}

func (c *walCheckpointer) close() {
	c.once.Do(func() { close(c.stop) })
	<-c.exited
}
