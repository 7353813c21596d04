package models

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"gorm.io/gorm"
)

// The hot write path: annotation creates are most of what reviewers send. On SQLite every
// write runs on the single writer connection (see commit.go), so the time a create spends in
// its transaction bounds the whole service's write rate. Profiles showed gorm preparing each
// statement again inside every transaction (database/sql re-prepares statements that were
// first prepared inside another transaction) and its callbacks costing as much as SQLite's
// own work; the create is therefore written here in plain SQL, with statements prepared once
// on the writer pool and reused by every transaction on its connection.

type writeStmts struct {
	replay, insert, review, bump, audit *sql.Stmt
}

type hotWrites struct {
	db      *sql.DB
	dialect string
	mu      sync.Mutex
	st      *writeStmts
}

// stmts prepares the write statements on first use. It must not be called inside a
// transaction: on SQLite the writer pool has one connection, which the transaction holds.
func (h *hotWrites) stmts(ctx context.Context) (*writeStmts, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.st != nil {
		return h.st, nil
	}
	var st writeStmts
	for _, p := range []struct {
		dst **sql.Stmt
		q   string
	}{
		{&st.replay, "SELECT id, article_id, label, start_cp, end_cp, exact, prefix, suffix, note, source_text, source_url, status, suggestion_rule, version, created_at, updated_at " +
			"FROM annotations WHERE user_id = ? AND idempotency_key = ?"},
		{&st.insert, "INSERT INTO annotations (article_id, user_id, label, start_cp, end_cp, exact, prefix, suffix, note, source_text, source_url, " +
			"status, suggestion_rule, idempotency_key, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"},
		{&st.review, "INSERT INTO reviews (article_id, user_id, assigned, updated_at) VALUES (?, ?, FALSE, ?) " +
			"ON CONFLICT (article_id, user_id) DO UPDATE SET updated_at = excluded.updated_at"},
		{&st.bump, "UPDATE articles SET data_version = data_version + 1 WHERE id = ?"},
		{&st.audit, "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)"},
	} {
		s, err := h.db.PrepareContext(ctx, Rebind(h.dialect, p.q))
		if err != nil {
			for _, done := range []*sql.Stmt{st.replay, st.insert, st.review, st.bump, st.audit} {
				if done != nil {
					done.Close()
				}
			}
			return nil, fmt.Errorf("prepare %q: %w", p.q, err)
		}
		*p.dst = s
	}
	h.st = &st
	return h.st, nil
}

func (h *hotWrites) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.st != nil {
		for _, s := range []*sql.Stmt{h.st.replay, h.st.insert, h.st.review, h.st.bump, h.st.audit} {
			s.Close()
		}
		h.st = nil
	}
}

// rawTx is the database/sql transaction under a gorm transaction.
func rawTx(tx *gorm.DB) (*sql.Tx, error) {
	switch p := tx.Statement.ConnPool.(type) {
	case *sql.Tx:
		return p, nil
	case *gorm.PreparedStmtTX:
		if t, ok := p.Tx.(*sql.Tx); ok {
			return t, nil
		}
	}
	return nil, errors.New("models: not in a database/sql transaction")
}

// CreateAnnotation stores a new annotation, marks the reviewer's review started, bumps the
// article's data version and records the audit entry, in one transaction. A create that
// repeats the user's Idempotency-Key returns ErrReplayed with a set to
// what the first create stored.
func (s *Store) CreateAnnotation(ctx context.Context, a *Annotation) error {
	st, err := s.writes.stmts(ctx)
	if err != nil {
		return err
	}
	a.Version = 1
	if a.Status == "" {
		a.Status = "anchored"
	}
	now := nowUTC()
	a.CreatedAt, a.UpdatedAt = now, now
	return s.inTx(ctx, func(gtx *gorm.DB) error {
		tx, err := rawTx(gtx)
		if err != nil {
			return err
		}
		ctx := gtx.Statement.Context
		if a.IdempotencyKey != "" {
			prev := *a
			err := tx.StmtContext(ctx, st.replay).QueryRowContext(ctx, a.UserID, a.IdempotencyKey).Scan(&prev.ID, &prev.ArticleID, &prev.Label,
				&prev.Start, &prev.End, &prev.Exact, &prev.Prefix, &prev.Suffix, &prev.Note, &prev.SourceText, &prev.SourceURL, &prev.Status,
				&prev.SuggestionRule, &prev.Version, &prev.CreatedAt, &prev.UpdatedAt)
			switch {
			case err == nil:
				*a = prev
				return ErrReplayed
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
		}
		if err := tx.StmtContext(ctx, st.insert).QueryRowContext(ctx, a.ArticleID, a.UserID, a.Label, a.Start, a.End, a.Exact, a.Prefix, a.Suffix,
			a.Note, a.SourceText, a.SourceURL, a.Status, a.SuggestionRule, a.IdempotencyKey, a.Version, a.CreatedAt, a.UpdatedAt).Scan(&a.ID); err != nil {
			return s.translate(err)
		}
		if _, err := tx.StmtContext(ctx, st.review).ExecContext(ctx, a.ArticleID, a.UserID, now); err != nil {
			return s.translate(err)
		}
		if _, err := tx.StmtContext(ctx, st.bump).ExecContext(ctx, a.ArticleID); err != nil {
			return err
		}
		after, err := json.Marshal(a)
		if err != nil {
			return err
		}
		_, err = tx.StmtContext(ctx, st.audit).ExecContext(ctx, now, a.UserID, "create", "annotation", a.ID, nil, string(after))
		return err
	})
}

// translate maps a driver error to gorm's (and so the store's) errors, as gorm does for its
// own statements.
func (s *Store) translate(err error) error {
	if t, ok := s.db.Dialector.(gorm.ErrorTranslator); ok {
		return t.Translate(err)
	}
	return err
}
