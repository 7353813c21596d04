package models

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// inTx runs fn in one transaction: on SQLite through the group committer (commit.go, which
// states the write rule), so concurrent writers share commits; on PostgreSQL directly, where
// transactions run side by side. Either way fn's changes are committed when inTx returns nil,
// and absent otherwise.
func (s *Store) inTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if s.commits != nil {
		return s.storage.note(s.commits.do(ctx, fn))
	}
	return s.storage.note(s.db.WithContext(ctx).Transaction(fn))
}

// inSQLTx is inTx for hand-written SQL that runs on the database/sql transaction itself (the
// hot writes' prepared statements, bound to it with tx.StmtContext).
func (s *Store) inSQLTx(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) (err error) {
	if s.commits != nil {
		return s.storage.note(s.commits.doSQL(ctx, fn))
	}
	db, err := s.db.DB()
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(ctx, tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// audit records a change in the same transaction as the change itself.
func audit(tx *gorm.DB, actor int64, action, entity string, id int64, before, after any) error {
	e := auditEntry(actor, action, entity, id, before, after)
	return tx.Create(&e).Error
}

// auditEntry is the audit row of a change, for audit or a batch of changes.
func auditEntry(actor int64, action, entity string, id int64, before, after any) AuditEntry {
	e := AuditEntry{At: time.Now().UTC(), Action: action, Entity: entity, EntityID: id}
	if actor != 0 {
		e.ActorID = &actor
	}
	if before != nil {
		b, _ := AuditJSON(before)
		s := string(b)
		e.Before = &s
	}
	if after != nil {
		b, _ := AuditJSON(after)
		s := string(b)
		e.After = &s
	}
	return e
}

// bumpArticle marks an article's annotations, regions or reviews as changed.
func bumpArticle(tx *gorm.DB, articleID int64) error {
	return tx.Model(&Article{}).Where("id = ?", articleID).Update("data_version", gorm.Expr("data_version + 1")).Error
}

// paginate applies a keyset page on the id column and returns whether there is more.
func paginate(q *gorm.DB, col string, p Page) *gorm.DB {
	if p.After > 0 {
		q = q.Where(col+" > ?", p.After)
	}
	return q.Order(col).Limit(p.Limit + 1)
}

// AuditFilter narrows the audit trail.
type AuditFilter struct {
	Entity  string
	Action  string
	ActorID int64
	Before  int64 // newest first: entries with id below this cursor
	Limit   int
}

// ListAudit returns entries newest first, and whether more follow.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, bool, error) {
	q := s.db.WithContext(ctx).Model(&AuditEntry{})
	if f.Entity != "" {
		q = q.Where("entity = ?", f.Entity)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.ActorID != 0 {
		q = q.Where("actor_id = ?", f.ActorID)
	}
	if f.Before > 0 {
		q = q.Where("id < ?", f.Before)
	}
	var out []AuditEntry
	if err := q.Order("id DESC").Limit(f.Limit + 1).Find(&out).Error; err != nil {
		return nil, false, err
	}
	more := len(out) > f.Limit
	if more {
		out = out[:f.Limit]
	}
	for i := range out {
		apiNamedEntry(&out[i]) // an entry stored with Go's field names reads as a new one
	}
	return out, more, nil
}
