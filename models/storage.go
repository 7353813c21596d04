package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
)

// ErrStorageFull says the database refused a write for want of space: SQLite's "database or
// disk is full" (SQLITE_FULL), PostgreSQL's disk_full (SQLSTATE 53100) or "could not extend
// file". Nothing of the refused write was stored; it may be retried once there is space.
var ErrStorageFull = errors.New("the database has no space left for writes")

// storageState remembers whether the last write failed for want of space, so that the health
// check and the metrics can say so while it lasts; the next write that commits clears it
// (there is no restart to wait for: SQLite and PostgreSQL both take writes again once there
// is space).
type storageState struct {
	full     atomic.Bool
	failures atomic.Int64
}

// note records the outcome of a write transaction and wraps a full-storage error in
// ErrStorageFull.
func (st *storageState) note(err error) error {
	switch {
	case err == nil:
		st.full.Store(false)
	case isStorageFull(err):
		st.full.Store(true)
		st.failures.Add(1)
		if !errors.Is(err, ErrStorageFull) {
			return fmt.Errorf("%w: %w", ErrStorageFull, err)
		}
	}
	return err
}

func isStorageFull(err error) bool {
	if errors.Is(err, ErrStorageFull) {
		return true
	}
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "database or disk is full") || strings.Contains(msg, "no space left on device") ||
		strings.Contains(msg, "sqlstate 53100") || strings.Contains(msg, "could not extend file")
}

// StorageFull tells whether the last write failed for want of space (and none has committed
// since), and how many writes have so far.
func (s *Store) StorageFull() (bool, int64) { return s.storage.full.Load(), s.storage.failures.Load() }

// LimitSQLiteSize caps the SQLite database at pages pages, or at its current size when that is
// larger (SQLite never caps below it, so 1 means "as it is now"),
// on the writer: further growth fails as a full disk does (SQLITE_FULL). The fault tests use
// it to fill the "disk" without filling the machine's; a large pages lifts the cap. It does
// nothing on PostgreSQL.
func (s *Store) LimitSQLiteSize(ctx context.Context, pages int64) error {
	if s.write == nil {
		return nil
	}
	_, err := s.write.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages))
	return err
}
