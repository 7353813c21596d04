package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// AttemptLimit limits the sign-in attempts counted under one key (an account from unknown
// browsers, an address, or one device cookie) in a window.
type AttemptLimit struct {
	Key    string
	Max    int           // attempts let through in one window
	Window time.Duration // how long a window lasts from its first attempt
	Free   int           // attempts let through at once; the n-th after them waits Step×n² first
	Step   time.Duration // 0: no waits, only Max
}

// takeAttempt is one atomic upsert, hand-written because it is the whole point: the row is
// created, or its window started over, or its count raised by one, only when the attempt is
// let through, and the statement says which by handing back the grant id it was given. Two
// simultaneous attempts cannot both see "under the limit": the row's lock (PostgreSQL) or the
// single writer (SQLite) orders them, and each sees the other's count. Every right-hand side
// reads the row as it was before the statement, on both engines. The casts tell PostgreSQL the
// parameters' type, which it would otherwise guess as integer from the arithmetic.
const takeAttempt = `
INSERT INTO login_attempts (key, window_start, attempts, not_before, grant_id)
VALUES (@key, CAST(@now AS BIGINT), 1, CAST(@now AS BIGINT), @grant)
ON CONFLICT (key) DO UPDATE SET
  window_start = CASE WHEN login_attempts.window_start <= CAST(@expired AS BIGINT) THEN CAST(@now AS BIGINT) ELSE login_attempts.window_start END,
  attempts = CASE
    WHEN login_attempts.window_start <= CAST(@expired AS BIGINT) THEN 1
    WHEN login_attempts.attempts < CAST(@max AS BIGINT) AND login_attempts.not_before <= CAST(@now AS BIGINT) THEN login_attempts.attempts + 1
    ELSE login_attempts.attempts END,
  not_before = CASE
    WHEN login_attempts.window_start <= CAST(@expired AS BIGINT) THEN CAST(@now AS BIGINT)
    WHEN login_attempts.attempts < CAST(@max AS BIGINT) AND login_attempts.not_before <= CAST(@now AS BIGINT) AND login_attempts.attempts + 1 > CAST(@free AS BIGINT)
      THEN CAST(@now AS BIGINT) + CAST(@step AS BIGINT) * (login_attempts.attempts + 1 - CAST(@free AS BIGINT)) * (login_attempts.attempts + 1 - CAST(@free AS BIGINT))
    ELSE login_attempts.not_before END,
  grant_id = CASE
    WHEN login_attempts.window_start <= CAST(@expired AS BIGINT) OR (login_attempts.attempts < CAST(@max AS BIGINT) AND login_attempts.not_before <= CAST(@now AS BIGINT)) THEN @grant
    ELSE login_attempts.grant_id END
RETURNING window_start, attempts, not_before, grant_id`

type attemptRow struct {
	WindowStart int64
	Attempts    int
	NotBefore   int64
	GrantID     string
}

// errDenied rolls back the attempts taken before a limit said no, so that a refused attempt
// counts under no key.
var errDenied = errors.New("sign-in attempt denied")

// TakeAttempts counts one sign-in attempt under every limit, before the password is checked,
// in one transaction: it is let through (true) only if every limit has room, and then counts
// under each; if any is full (or its wait not over) nothing is counted and the answer is how
// long to wait. Counts live in the database so that every replica sees them.
func (s *Store) TakeAttempts(ctx context.Context, now time.Time, limits ...AttemptLimit) (bool, time.Duration, error) {
	var wait time.Duration
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		for _, l := range limits {
			ok, w, err := take(tx, now, l)
			if err != nil {
				return err
			}
			if !ok {
				wait = w
				return errDenied
			}
		}
		return nil
	})
	if errors.Is(err, errDenied) {
		return false, wait, nil
	}
	return err == nil, 0, err
}

func take(tx *gorm.DB, now time.Time, l AttemptLimit) (bool, time.Duration, error) {
	grant := make([]byte, 16)
	_, _ = rand.Read(grant)
	g := hex.EncodeToString(grant)
	ms := now.UnixMilli()
	var row attemptRow
	err := tx.Raw(takeAttempt, map[string]any{
		"key": l.Key, "now": ms, "grant": g, "expired": ms - l.Window.Milliseconds(),
		"max": l.Max, "free": l.Free, "step": l.Step.Milliseconds(),
	}).Scan(&row).Error
	if err != nil {
		return false, 0, fmt.Errorf("count a sign-in attempt: %w", err)
	}
	if row.GrantID == g {
		return true, 0, nil
	}
	var wait int64
	if row.Attempts >= l.Max {
		wait = row.WindowStart + l.Window.Milliseconds() - ms
	}
	wait = max(wait, row.NotBefore-ms, 1)
	return false, time.Duration(wait) * time.Millisecond, nil
}

// ReturnAttempt gives back an attempt counted under a key: a successful sign-in's, on the
// address, so that people signing in behind one address do not use up its limit.
func (s *Store) ReturnAttempt(ctx context.Context, key string) error {
	return s.inTx(ctx, func(tx *gorm.DB) error {
		return tx.Exec("UPDATE login_attempts SET attempts = attempts - 1 WHERE key = ? AND attempts > 0", key).Error
	})
}

// ClearAttempts forgets a key's attempts (after a successful sign-in).
func (s *Store) ClearAttempts(ctx context.Context, key string) error {
	return s.inTx(ctx, func(tx *gorm.DB) error {
		return tx.Exec("DELETE FROM login_attempts WHERE key = ?", key).Error
	})
}

// DeviceUser tells whose device cookie this is (by the cookie's hash), or ErrNotFound.
func (s *Store) DeviceUser(ctx context.Context, id string, notBefore time.Time) (int64, error) {
	var d DeviceCookie
	err := s.db.WithContext(ctx).Where("id = ? AND created_at > ?", id, notBefore).Take(&d).Error
	return d.UserID, notFound(err)
}

// RenewDevice stores a browser's new device cookie for an account, in place of the old one
// (old is the old cookie's hash, or "").
func (s *Store) RenewDevice(ctx context.Context, old string, d *DeviceCookie) error {
	return s.inTx(ctx, func(tx *gorm.DB) error {
		if old != "" {
			if err := tx.Where("id = ?", old).Delete(&DeviceCookie{}).Error; err != nil {
				return err
			}
		}
		return tx.Create(d).Error
	})
}
