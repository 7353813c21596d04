package models

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"
)

func openCommitTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if s.commits == nil {
		t.Fatal("SQLite store without a group committer")
	}
	if err := s.inTx(context.Background(), func(tx *gorm.DB) error { return tx.Exec("CREATE TABLE items (name TEXT PRIMARY KEY)").Error }); err != nil {
		t.Fatal(err)
	}
	return s
}

func itemNames(t *testing.T, s *Store) map[string]bool {
	t.Helper()
	var names []string
	if err := s.db.Table("items").Pluck("name", &names).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, n := range names {
		out[n] = true
	}
	return out
}

// TestGroupCommitIsolatesFailures: many writers at once share transactions; each writer's
// work is kept exactly when it succeeded, whatever its batch-mates did (a returned error, a
// constraint violation after a successful statement, a panic).
func TestGroupCommitIsolatesFailures(t *testing.T) {
	s := openCommitTest(t)
	const writers = 400
	var wg sync.WaitGroup
	errs := make([]error, writers)
	release := make(chan struct{})
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-release
			errs[i] = s.inTx(context.Background(), func(tx *gorm.DB) error {
				name := fmt.Sprint("item", i)
				if err := tx.Exec("INSERT INTO items (name) VALUES (?)", name).Error; err != nil {
					return err
				}
				switch i % 4 {
				case 1:
					return errors.New("the caller changed its mind")
				case 2: // a second statement fails after the first succeeded
					return tx.Exec("INSERT INTO items (name) VALUES (?)", name).Error
				case 3:
					if i%8 == 3 {
						panic("boom")
					}
				}
				return nil
			})
		}(i)
	}
	tx0, works0 := s.commits.transactions.Load(), s.commits.works.Load() // the table's creation
	close(release)
	wg.Wait()
	if tx, works := s.commits.transactions.Load()-tx0, s.commits.works.Load()-works0; works != writers || tx >= works {
		t.Errorf("%d writers ran as %d pieces of work in %d transactions: no transaction was shared", writers, works, tx)
	} else {
		t.Logf("%d writers in %d transactions", writers, tx)
	}
	names := itemNames(t, s)
	for i := 0; i < writers; i++ {
		kept := names[fmt.Sprint("item", i)]
		wantOK := i%4 == 0 || (i%4 == 3 && i%8 != 3)
		if (errs[i] == nil) != wantOK {
			t.Errorf("writer %d: err %v, want success %v", i, errs[i], wantOK)
		}
		if kept != (errs[i] == nil) {
			t.Errorf("writer %d: err %v but its row kept = %v", i, errs[i], kept)
		}
	}
}

// TestGroupCommitCancelledBeforeItsTurn: work whose request was cancelled before it ran is
// not started, and the caller hears the context's error.
func TestGroupCommitCancelledBeforeItsTurn(t *testing.T) {
	s := openCommitTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	hold := make(chan struct{})
	go s.inTx(context.Background(), func(tx *gorm.DB) error { // occupies the committer
		close(started)
		<-hold
		return nil
	})
	<-started
	done := make(chan error, 1)
	ran := false
	go func() {
		done <- s.inTx(ctx, func(tx *gorm.DB) error {
			ran = true
			return tx.Exec("INSERT INTO items (name) VALUES ('late')").Error
		})
	}()
	for len(s.commits.jobs) == 0 { // queued behind the first
		runtime.Gosched()
	}
	cancel()
	close(hold)
	if err := <-done; !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("cancelled work: err %v, ran %v", err, ran)
	}
	if itemNames(t, s)["late"] {
		t.Fatal("cancelled work was stored")
	}
}

// TestGroupCommitCloseDrains: closing the store finishes the work already queued, and work
// submitted afterwards is refused.
func TestGroupCommitCloseDrains(t *testing.T) {
	s := openCommitTest(t)
	const writers = 50
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs[i] = s.inTx(context.Background(), func(tx *gorm.DB) error {
				return tx.Exec("INSERT INTO items (name) VALUES (?)", fmt.Sprint("item", i)).Error
			})
		}(i)
	}
	wg.Wait()
	s.commits.close()
	if err := s.inTx(context.Background(), func(tx *gorm.DB) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Fatalf("after close: %v", err)
	}
	names := itemNames(t, s)
	for i, err := range errs {
		if err != nil || !names[fmt.Sprint("item", i)] {
			t.Errorf("writer %d: err %v, stored %v", i, err, names[fmt.Sprint("item", i)])
		}
	}
}

// TestWALCheckpointsBesideTheWriter: with automatic checkpoints off on the writer, committed
// pages still reach the database file, and under writes that never stop, with readers that
// never stop, the log is started over instead of growing with everything ever written.
//
// How far the log grows between two restarts depends on how much is written while a
// background checkpoint measures it, so the writers are paced by the checkpoints, not by the
// clock: a writer waits while a budget of writes went by since the last checkpoint it saw.
// The log is then bounded by resetFrames and twice the budget however fast or slow the
// machine is. With the restarts switched off it grows with everything written (about three
// times the rows' bytes, with the index pages) when the readers keep it busy, as on a loaded
// machine; on a quiet one SQLite often begins it anew itself after a background checkpoint
// (1.0–1.7 MB logs, no restart, in three runs with resetFrames out of reach), so the writer's
// restarts are required only of a log that reached resetFrames.
func TestWALCheckpointsBesideTheWriter(t *testing.T) {
	defer func(n int64, w time.Duration) { resetFrames, restartWait = n, w }(resetFrames, restartWait)
	resetFrames = 256 // 1 MiB
	// The readers' queries are short, but on a loaded machine a reader's thread may be
	// descheduled mid-query for longer than the service's wait; this test is about the log's
	// length, TestWALRestartBacksOffForALongReader about readers that hold it.
	restartWait = 10 * time.Second
	dir := t.TempDir()
	s, err := Open(filepath.Join(dir, "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.inTx(context.Background(), func(tx *gorm.DB) error {
		return tx.Exec("CREATE TABLE blobs (id INTEGER PRIMARY KEY, data TEXT)").Error
	}); err != nil {
		t.Fatal(err)
	}
	row := strings.Repeat("x", 4000)
	size := func(name string) int64 {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			return 0
		}
		return fi.Size()
	}
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for r := range 4 { // readers that never pause, each read short, as the service's are
		readers.Add(1)
		go func() {
			defer readers.Done()
			for i := int64(r); ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				var n int64
				if err := s.db.Raw("SELECT COUNT(*) FROM blobs WHERE id BETWEEN ? AND ?", i%4000, i%4000+10).Row().Scan(&n); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	const writes = 4000 // 16 MB, in concurrent writers' shared transactions
	const budget = 64   // writes (about 256 KB of rows) between two background checkpoints
	var pace struct {
		sync.Mutex
		seen, base int64 // the last checkpoint a writer saw, and the writes done by then
	}
	var done atomic.Int64
	wait := func() {
		for deadline := time.Now().Add(30 * time.Second); ; {
			pace.Lock()
			if n := s.checkpoints.runs.Load(); n != pace.seen {
				pace.seen, pace.base = n, done.Load()
			}
			ok := done.Load()-pace.base < budget
			pace.Unlock()
			if ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatal("no background checkpoint in 30 s")
			}
			time.Sleep(time.Millisecond)
		}
	}
	var writers sync.WaitGroup
	var maxWAL atomic.Int64
	for w := range 8 {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for i := w; i < writes; i += 8 {
				wait()
				if err := s.inTx(context.Background(), func(tx *gorm.DB) error {
					return tx.Exec("INSERT INTO blobs (data) VALUES (?)", row).Error
				}); err != nil {
					t.Error(err)
					return
				}
				done.Add(1)
				if n := size("w.db-wal"); n > maxWAL.Load() {
					maxWAL.Store(n)
				}
			}
		}()
	}
	writers.Wait()
	close(stop)
	readers.Wait()
	written := int64(writes * len(row))
	// The last commits reach the database file at the next background checkpoint.
	for deadline := time.Now().Add(30 * time.Second); size("w.db") < written*9/10 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if db := size("w.db"); db < written*9/10 {
		t.Errorf("database file %d bytes after %d bytes written: the pages stayed in the log", db, written)
	}
	// The writer starts the log over once it holds resetFrames frames (24-byte headers and
	// 4 KiB pages after the 32-byte file header). Where a background checkpoint finished while
	// no reader held the log, SQLite began it anew itself and it never got that long; how often
	// that happens depends on the scheduling, so only a log that reached the length must have
	// been started over by the writer.
	if st, full := s.WriteStats(), 32+resetFrames*(24+4096); st.LogRestarts == 0 && maxWAL.Load() >= full {
		t.Errorf("the log reached %d bytes (%d frames) and was never started over (%d transactions)", maxWAL.Load(), resetFrames, st.Transactions)
	}
	if maxWAL.Load() > written/3 {
		t.Errorf("the log grew to %d bytes for %d bytes written: it is not started over", maxWAL.Load(), written)
	}
	t.Logf("%d bytes written; database file %d bytes, largest log seen %d bytes; %d restarts in %d attempts, %d background checkpoints",
		written, size("w.db"), maxWAL.Load(), s.commits.restarts.Load(), s.commits.restartTries.Load(), s.checkpoints.runs.Load())
}

// TestWALRestartBacksOffForALongReader: a reader that keeps an old snapshot (a backup, say)
// holds the log; the writer's attempts to start it over then back off instead of costing
// every transaction a wait, and resume once the reader is gone.
func TestWALRestartBacksOffForALongReader(t *testing.T) {
	defer func(n int64) { resetFrames = n }(resetFrames)
	resetFrames = 64
	s, err := Open(filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.inTx(context.Background(), func(tx *gorm.DB) error {
		return tx.Exec("CREATE TABLE blobs (id INTEGER PRIMARY KEY, data TEXT)").Error
	}); err != nil {
		t.Fatal(err)
	}
	row := strings.Repeat("y", 400)
	write := func(d time.Duration) (n int, slowest time.Duration) {
		for end := time.Now().Add(d); time.Now().Before(end); n++ {
			start := time.Now()
			if err := s.inTx(ctx, func(tx *gorm.DB) error { return tx.Exec("INSERT INTO blobs (data) VALUES (?)", row).Error }); err != nil {
				t.Fatal(err)
			}
			slowest = max(slowest, time.Since(start))
		}
		return n, slowest
	}
	write(200 * time.Millisecond)

	sqlDB, err := s.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	reader, err := sqlDB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var count int64
	if _, err := reader.ExecContext(ctx, "BEGIN DEFERRED"); err != nil {
		t.Fatal(err)
	}
	if err := reader.QueryRowContext(ctx, "SELECT COUNT(*) FROM blobs").Scan(&count); err != nil {
		t.Fatal(err)
	}
	triesBefore := s.commits.restartTries.Load()
	n, slowest := write(2500 * time.Millisecond)
	tries := s.commits.restartTries.Load() - triesBefore
	t.Logf("%d writes beside the long reader, slowest %s, %d restart attempts", n, slowest, tries)
	if tries > 3 {
		t.Errorf("%d restart attempts in 2.5 s beside a reader that holds the log: no back-off", tries)
	}
	if _, err := reader.ExecContext(ctx, "COMMIT"); err != nil {
		t.Fatal(err)
	}
	reader.Close()
	// The next attempt comes after the back-off, up to maxRestartBackoff away: wait past it.
	restarts := s.commits.restarts.Load()
	for deadline := time.Now().Add(maxRestartBackoff + 30*time.Second); s.commits.restarts.Load() == restarts && time.Now().Before(deadline); {
		write(50 * time.Millisecond)
	}
	if s.commits.restarts.Load() == restarts {
		t.Error("the log was not started over after the reader finished")
	}
}
