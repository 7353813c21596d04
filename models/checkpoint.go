package models

import (
	"database/sql"
	"log/slog"
	"sync"
	"sync/atomic"
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

// resetFrames is the log's length at which the writer itself checkpoints between two
// transactions and starts the log over (restartLog). SQLite reuses the log from its
// beginning only once a checkpoint has copied all of it and no reader still reads from it;
// with writes arriving all the time a checkpoint on another connection never catches the
// log complete, and in the load harness the log grew past 1 GiB (reads slow down as it
// grows). Most pages have been copied by then by the background checkpoints, so the
// writer's own checkpoint is short.
var resetFrames int64 = 4096 // 16 MiB of 4 KiB pages; a variable for the tests

// restartWait bounds how long the writer waits for readers when it starts the log over; a
// variable for the tests.
var restartWait = 100 * time.Millisecond

// claimRestart tells the writer a checkpoint of its own is due. If so it holds off the
// background checkpoints until release, and forgets the count until the next background
// checkpoint measures the log again. While a background checkpoint is running it answers
// false and keeps the count, so the next transaction asks again: SQLite refuses a second
// checkpoint at once (SQLITE_BUSY, without waiting), and counting that refusal as a reader
// holding the log would back the restarts off for seconds while the log grows.
func (c *walCheckpointer) claimRestart() bool {
	if c.frames.Load() < resetFrames || !c.mu.TryLock() {
		return false
	}
	c.frames.Store(0)
	return true
}

// release lets the background checkpoints run again after claimRestart.
func (c *walCheckpointer) release() { c.mu.Unlock() }

type walCheckpointer struct {
	db     *sql.DB
	dirty  chan struct{}
	stop   chan struct{}
	exited chan struct{}
	once   sync.Once
	mu     sync.Mutex   // held by one checkpoint at a time: the background one or the writer's
	frames atomic.Int64 // frames in the log at the last checkpoint
	runs   atomic.Int64 // background checkpoints run, for the tests
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
		c.checkpoint()
		select {
		case <-time.After(checkpointEvery):
		case <-c.stop:
			return
		}
	}
}

// checkpoint runs one passive checkpoint and notes the log's length for claimRestart.
func (c *walCheckpointer) checkpoint() {
	c.mu.Lock()
	defer c.mu.Unlock()
	var busy, logFrames, copied int64
	if err := c.db.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logFrames, &copied); err != nil {
		slog.Warn("WAL checkpoint failed", "err", err)
	} else {
		c.frames.Store(logFrames)
	}
	c.runs.Add(1)
}

func (c *walCheckpointer) close() {
	c.once.Do(func() { close(c.stop) })
	<-c.exited
}
