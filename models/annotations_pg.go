package models

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// A create on PostgreSQL is one statement, batched with concurrent creates (commit_pg.go): the insert, the review's start, the article's
// data version and the audit entry are data-modifying CTEs of one INSERT, which PostgreSQL
// runs atomically as its own transaction. That is one round trip to the server instead of
// seven (BEGIN, the idempotency look-up, four writes, COMMIT), and one commit. The
// idempotency key is the insert's conflict target: a create that repeats a key inserts
// nothing, so the other CTEs, which read the insert's RETURNING, write nothing either, and
// the first create's row is then read. ON CONFLICT waits for a concurrent create with the same
// key to commit or roll back, so two such creates never both insert.
//
// The audit entry holds the annotation as JSON, id included, and the id is the insert's: the
// statement joins the JSON before and after the id around it (see createAuditParts).
const (
	annotationCreatePGHead = "WITH ins AS (INSERT INTO annotations (article_id, user_id, label, start_cp, end_cp, exact, prefix, suffix, note, " +
		"source_text, source_url, status, suggestion_rule, origin, suggestion_model, layer, idempotency_key, version, created_at, updated_at) " +
		annotationCreatePGValues +
		"ON CONFLICT (user_id, idempotency_key) WHERE idempotency_key <> '' DO NOTHING RETURNING id), " +
		"bump AS (UPDATE articles SET data_version = data_version + 1 WHERE id = $1 AND EXISTS (SELECT 1 FROM ins)), " +
		"aud AS (INSERT INTO audit_log (at, actor_id, action, entity, entity_id, before, after) " +
		"SELECT $19, $2, 'create', 'annotation', ins.id, NULL, $21::text || ins.id::text || $22::text FROM ins) "
	// A reviewer's annotation starts their review; a curator's consensus work is no review.
	annotationCreatePGReview = "rev AS (INSERT INTO reviews (article_id, user_id, assigned, updated_at) SELECT $1, $2, FALSE, $19 FROM ins " +
		"ON CONFLICT (article_id, user_id) DO UPDATE SET updated_at = excluded.updated_at) "
	annotationCreatePGTail   = "SELECT id FROM ins"
	annotationCreatePGSQL    = annotationCreatePGHead + ", " + annotationCreatePGReview + annotationCreatePGTail
	annotationCreatePGNoRev  = annotationCreatePGHead + annotationCreatePGTail
	annotationCreatePGValues = "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) "
	// The guarded create's row (CreateReviewAnnotationAt): the same values, typed (a SELECT's
	// parameters get no type from the columns), inserted only while the article is at revision
	// $23 and the writer's review of it is not completed.
	annotationCreatePGGuard = "SELECT $1::bigint, $2::bigint, $3::text, $4::integer, $5::integer, $6::text, $7::text, $8::text, $9::text, $10::text, " +
		"$11::text, $12::text, $13::text, $14::text, $15::text, $16::text, $17::text, $18::integer, $19::timestamptz, $20::timestamptz " +
		"WHERE EXISTS (SELECT 1 FROM articles WHERE id = $1 AND revision = $23::integer) " +
		"AND NOT EXISTS (SELECT 1 FROM reviews WHERE article_id = $1 AND user_id = $2 AND completed_at IS NOT NULL) "
)

// annotationCreatePGGuardedSQL is annotationCreatePGSQL inserting annotationCreatePGGuard's row.
var annotationCreatePGGuardedSQL = strings.Replace(annotationCreatePGSQL, annotationCreatePGValues, annotationCreatePGGuard, 1)

// ErrNotWritten: CreateReviewAnnotationAt wrote nothing, and the caller is to take the
// checked path.
var ErrNotWritten = errors.New("the guarded create wrote nothing")

// CreateReviewAnnotationAt is CreateAnnotation for the writer's own review layer on
// PostgreSQL, with what the caller would otherwise read first checked by the statement
// itself: it inserts only while the article is at the given revision (the one whose text a
// was validated against) and the writer's review of it is not completed, the one state of a
// review in which annotate.CheckWrite refuses a write (TestGuardedCreateMatchesCheckWrite), and
// only if a's idempotency key is unused. Otherwise it writes nothing and answers
// ErrNotWritten, and the caller takes the checked path (ArticleForWrite, CheckWrite,
// CreateAnnotation), whose answer is then the right one: the review's error, the replay, or
// the article missing. A create thus costs one statement in its batch and no read before it.
// On SQLite it answers ErrNotWritten.
func (s *Store) CreateReviewAnnotationAt(ctx context.Context, a *Annotation, revision int) error {
	if s.dialect != "postgres" || a.Layer != LayerReview {
		return ErrNotWritten
	}
	setAnnotationDefaults(a)
	a.Version = 1
	now := nowUTC()
	a.CreatedAt, a.UpdatedAt = now, now
	head, tail, err := createAuditParts(a)
	if err != nil {
		return err
	}
	a.ID, err = s.pgCreates.do(ctx, a.ArticleID, a.UserID, annotationCreatePGGuardedSQL, a.ArticleID, a.UserID, a.Label, a.Start, a.End, a.Exact,
		a.Prefix, a.Suffix, a.Note, a.SourceText, a.SourceURL, a.Status, a.SuggestionRule, a.Origin, a.SuggestionModel, a.Layer, a.IdempotencyKey,
		a.Version, a.CreatedAt, a.UpdatedAt, head, tail, revision)
	switch {
	case err == nil:
		return s.storage.note(nil)
	case errors.Is(err, sql.ErrNoRows):
		return ErrNotWritten
	}
	return s.storage.note(s.translate(err))
}

// createAnnotationPG is CreateAnnotation on PostgreSQL.
func (s *Store) createAnnotationPG(ctx context.Context, a *Annotation) error {
	q := annotationCreatePGSQL
	if a.Layer == LayerConsensus {
		q = annotationCreatePGNoRev
	}
	a.Version = 1
	setAnnotationDefaults(a)
	now := nowUTC()
	a.CreatedAt, a.UpdatedAt = now, now
	head, tail, err := createAuditParts(a)
	if err != nil {
		return err
	}
	// A repeated key whose first create is deleted between the conflict and the read of it
	// inserts again: a few attempts, then the answer of the last.
	for attempt := 0; ; attempt++ {
		// Batched with concurrent creates (commit_pg.go); pgx prepares the statement once per
		// connection and keeps it.
		a.ID, err = s.pgCreates.do(ctx, a.ArticleID, a.UserID, q, a.ArticleID, a.UserID, a.Label, a.Start, a.End, a.Exact, a.Prefix, a.Suffix,
			a.Note, a.SourceText, a.SourceURL, a.Status, a.SuggestionRule, a.Origin, a.SuggestionModel, a.Layer, a.IdempotencyKey, a.Version,
			a.CreatedAt, a.UpdatedAt, head, tail)
		if err == nil {
			s.storage.note(nil)
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) || a.IdempotencyKey == "" {
			return s.storage.note(s.translate(err))
		}
		// Nothing inserted: the key was used. Answer what its create stored.
		if err := s.replayAnnotation(ctx, a); !errors.Is(err, sql.ErrNoRows) || attempt == 2 {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("annotation create with idempotency key %q: the first create's row keeps disappearing", a.IdempotencyKey)
			}
			return err
		}
	}
}

// replayAnnotation fills a with the user's annotation of the same idempotency key and answers
// ErrReplayed, or sql.ErrNoRows when there is none.
func (s *Store) replayAnnotation(ctx context.Context, a *Annotation) error {
	replay, err := s.writes.stmt(ctx, annotationReplaySQL)
	if err != nil {
		return fmt.Errorf("prepare %q: %w", annotationReplaySQL, err)
	}
	prev := *a
	err = replay.QueryRowContext(ctx, a.UserID, a.IdempotencyKey).Scan(&prev.ID, &prev.ArticleID, &prev.Label,
		&prev.Start, &prev.End, &prev.Exact, &prev.Prefix, &prev.Suffix, &prev.Note, &prev.SourceText, &prev.SourceURL, &prev.Status,
		&prev.SuggestionRule, &prev.Origin, &prev.SuggestionModel, &prev.Layer, &prev.Version, &prev.CreatedAt, &prev.UpdatedAt)
	if err != nil {
		return err
	}
	*a = prev
	return ErrReplayed
}

// auditIDKey is the key of an Annotation's id in its audit JSON (AuditJSON: the API's names).
const auditIDKey = `"id":`

// createAuditParts splits the audit entry of a new annotation (its JSON, as SQLite's create
// records it) around the id that the insert will give it: the entry is head, the id, tail.
// The id is the one top-level "id" key: inside a JSON string every quote is escaped, and an
// annotation holds no nested object, so "id": appears once, after { or a comma.
func createAuditParts(a *Annotation) (head, tail string, err error) {
	b := *a
	b.ID = 0
	after, err := AuditJSON(&b)
	if err != nil {
		return "", "", err
	}
	at := bytes.Index(after, []byte(auditIDKey+"0"))
	if at < 1 || (after[at-1] != '{' && after[at-1] != ',') || bytes.Count(after, []byte(auditIDKey)) != 1 {
		return "", "", fmt.Errorf("audit entry of an annotation: no one id key in its JSON: %.80s", after)
	}
	end := at + len(auditIDKey)
	return string(after[:end]), string(after[end+1:]), nil
}
