package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// The annotations' hot paths, in plain SQL (see hot.go for why): the workspace lists an
// article's annotations on every refresh, and creates are most of what reviewers send. On
// SQLite every write runs on the single writer connection (commit.go), so the time a create
// spends in its transaction bounds the whole service's write rate.

// The statements of a create, prepared once on the writer pool.
const (
	annotationReplaySQL = "SELECT id, article_id, label, start_cp, end_cp, exact, prefix, suffix, note, source_text, source_url, status, suggestion_rule, " +
		"origin, suggestion_model, layer, version, created_at, updated_at FROM annotations WHERE user_id = ? AND idempotency_key = ?"
	annotationInsertSQL = "INSERT INTO annotations (article_id, user_id, label, start_cp, end_cp, exact, prefix, suffix, note, source_text, source_url, " +
		"status, suggestion_rule, origin, suggestion_model, layer, idempotency_key, version, created_at, updated_at) " +
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
	reviewTouchSQL = "INSERT INTO reviews (article_id, user_id, assigned, updated_at) VALUES (?, ?, FALSE, ?) " +
		"ON CONFLICT (article_id, user_id) DO UPDATE SET updated_at = excluded.updated_at"
	articleBumpSQL = "UPDATE articles SET data_version = data_version + 1 WHERE id = ?"
	auditInsertSQL = "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)"
)

const annotationFields = "annotations.id, annotations.article_id, annotations.user_id, annotations.label, annotations.start_cp, annotations.end_cp, " +
	"annotations.exact, annotations.prefix, annotations.suffix, annotations.note, annotations.source_text, annotations.source_url, " +
	"annotations.status, annotations.suggestion_rule, annotations.origin, annotations.suggestion_model, annotations.layer, " +
	"annotations.version, annotations.created_at, annotations.updated_at, users.name"

// ListAnnotations pages through an article's annotations by id.
func (s *Store) ListAnnotations(ctx context.Context, f AnnotationFilter) ([]Annotation, bool, error) {
	q, args := annotationListQuery(f)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []Annotation
	for rows.Next() {
		var a Annotation
		if err := scanAnnotation(rows, &a); err != nil {
			return nil, false, err
		}
		out = append(out, a)
	}
	return trim(out, f.Page.Limit, rows.Err())
}

// annotationListQuery is ListAnnotations' query, with ? placeholders, and its arguments.
func annotationListQuery(f AnnotationFilter) (string, []any) {
	q := "SELECT " + annotationFields + " FROM annotations JOIN users ON users.id = annotations.user_id " +
		"WHERE annotations.article_id = ? AND annotations.layer = ? AND annotations.id > ?"
	layer := f.Layer
	if layer == "" {
		layer = LayerReview
	}
	args := []any{f.ArticleID, layer, f.Page.After}
	if f.UserID != 0 {
		q += " AND annotations.user_id = ?"
		args = append(args, f.UserID)
	}
	q += " ORDER BY annotations.id LIMIT ?"
	return q, append(args, f.Page.Limit+1)
}

// scanAnnotation reads a row of annotationFields.
func scanAnnotation(sc interface{ Scan(...any) error }, a *Annotation) error {
	return sc.Scan(&a.ID, &a.ArticleID, &a.UserID, &a.Label, &a.Start, &a.End, &a.Exact, &a.Prefix, &a.Suffix, &a.Note,
		&a.SourceText, &a.SourceURL, &a.Status, &a.SuggestionRule, &a.Origin, &a.SuggestionModel, &a.Layer, &a.Version, &a.CreatedAt, &a.UpdatedAt,
		&a.UserName)
}

// CreateAnnotation stores a new annotation, marks the reviewer's review started, bumps the
// article's data version and records the audit entry, in one transaction. A create that
// repeats the user's Idempotency-Key returns ErrReplayed with a set to
// what the first create stored.
func (s *Store) CreateAnnotation(ctx context.Context, a *Annotation) error {
	if s.dialect == "postgres" {
		return s.createAnnotationPG(ctx, a)
	}
	// Prepared before the transaction: on SQLite it holds the writer pool's one connection.
	var st [5]*sql.Stmt
	for i, q := range []string{annotationReplaySQL, annotationInsertSQL, reviewTouchSQL, articleBumpSQL, auditInsertSQL} {
		var err error
		if st[i], err = s.writes.stmt(ctx, q); err != nil {
			return fmt.Errorf("prepare %q: %w", q, err)
		}
	}
	replay, insert, review, bump, auditRow := st[0], st[1], st[2], st[3], st[4]
	a.Version = 1
	setAnnotationDefaults(a)
	now := nowUTC()
	a.CreatedAt, a.UpdatedAt = now, now
	return s.inSQLTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if a.IdempotencyKey != "" {
			prev := *a
			err := tx.StmtContext(ctx, replay).QueryRowContext(ctx, a.UserID, a.IdempotencyKey).Scan(&prev.ID, &prev.ArticleID, &prev.Label,
				&prev.Start, &prev.End, &prev.Exact, &prev.Prefix, &prev.Suffix, &prev.Note, &prev.SourceText, &prev.SourceURL, &prev.Status,
				&prev.SuggestionRule, &prev.Origin, &prev.SuggestionModel, &prev.Layer, &prev.Version, &prev.CreatedAt, &prev.UpdatedAt)
			switch {
			case err == nil:
				*a = prev
				return ErrReplayed
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
		}
		if err := tx.StmtContext(ctx, insert).QueryRowContext(ctx, a.ArticleID, a.UserID, a.Label, a.Start, a.End, a.Exact, a.Prefix, a.Suffix,
			a.Note, a.SourceText, a.SourceURL, a.Status, a.SuggestionRule, a.Origin, a.SuggestionModel, a.Layer, a.IdempotencyKey, a.Version,
			a.CreatedAt, a.UpdatedAt).Scan(&a.ID); err != nil {
			return s.translate(err)
		}
		// A curator's consensus work is no review of theirs: only a reviewer's annotation starts one.
		if a.Layer != LayerConsensus {
			if _, err := tx.StmtContext(ctx, review).ExecContext(ctx, a.ArticleID, a.UserID, now); err != nil {
				return s.translate(err)
			}
		}
		if _, err := tx.StmtContext(ctx, bump).ExecContext(ctx, a.ArticleID); err != nil {
			return err
		}
		after, err := AuditJSON(a)
		if err != nil {
			return err
		}
		_, err = tx.StmtContext(ctx, auditRow).ExecContext(ctx, now, a.UserID, "create", "annotation", a.ID, nil, string(after))
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
