package models

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The hot read paths: every request authenticates, and opening an article reads the article,
// the reviewer's review and the annotations. Profiles of the load harness showed gorm's
// statement building and reflective scanning costing as much as SQLite itself on these, so
// they are written here in plain database/sql, each a statement prepared once per pool and
// scanned into its fields directly. Everything else stays with gorm.

// hotStmts holds the prepared hot statements of one pool, keyed by their text.
type hotStmts struct {
	db      *sql.DB
	dialect string
	m       sync.Map // query -> *sql.Stmt
	mu      sync.Mutex
}

// stmt returns the prepared statement for q, written with ? placeholders.
func (h *hotStmts) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := h.m.Load(q); ok {
		return st.(*sql.Stmt), nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if st, ok := h.m.Load(q); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := h.db.PrepareContext(ctx, Rebind(h.dialect, q))
	if err != nil {
		return nil, err
	}
	h.m.Store(q, st)
	return st, nil
}

func (h *hotStmts) close() {
	h.m.Range(func(_, v any) bool {
		v.(*sql.Stmt).Close()
		return true
	})
}

// Rebind turns the ? placeholders of q into PostgreSQL's $1, $2, ... for that dialect, and
// leaves q alone for SQLite. q must hold no literal question marks.
func Rebind(dialect, q string) string {
	if dialect != "postgres" {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (s *Store) queryRow(ctx context.Context, q string, args ...any) (*sql.Row, error) {
	st, err := s.hot.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryRowContext(ctx, args...), nil
}

func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := s.hot.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func rowErr(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

const userFields = "users.id, users.email, users.name, users.role, users.password_hash, users.disabled, users.deleted_at, users.created_at, users.updated_at"

func scanUser(sc interface{ Scan(...any) error }, u *User, more ...any) error {
	return sc.Scan(append([]any{&u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, &u.Disabled, &u.DeletedAt, &u.CreatedAt, &u.UpdatedAt}, more...)...)
}

// TokenUser returns the enabled, live user behind a token hash, in one query.
func (s *Store) TokenUser(ctx context.Context, hash string) (*User, error) {
	row, err := s.queryRow(ctx, "SELECT "+userFields+" FROM users JOIN api_tokens ON api_tokens.user_id = users.id "+
		"WHERE api_tokens.token_hash = ? AND users.deleted_at IS NULL AND NOT users.disabled", hash)
	if err != nil {
		return nil, err
	}
	var u User
	if err := scanUser(row, &u); err != nil {
		return nil, rowErr(err)
	}
	return &u, nil
}

// SessionUser returns an unexpired session and its enabled, live user, in one query.
func (s *Store) SessionUser(ctx context.Context, id string) (*Session, *User, error) {
	row, err := s.queryRow(ctx, "SELECT "+userFields+", sessions.id, sessions.user_id, sessions.csrf_token, sessions.created_at, sessions.expires_at "+
		"FROM sessions JOIN users ON users.id = sessions.user_id "+
		"WHERE sessions.id = ? AND sessions.expires_at > ? AND users.deleted_at IS NULL AND NOT users.disabled", id, time.Now().UTC())
	if err != nil {
		return nil, nil, err
	}
	var u User
	var sess Session
	if err := scanUser(row, &u, &sess.ID, &sess.UserID, &sess.CSRFToken, &sess.CreatedAt, &sess.ExpiresAt); err != nil {
		return nil, nil, rowErr(err)
	}
	return &sess, &u, nil
}

// ReaderView is what one reader sees of an article's metadata: the article (without its
// text, which never changes and is cached by the caller), the reader's review, and how many
// annotations the reader has on it.
type ReaderView struct {
	Article     Article
	Review      Review
	Annotations int64
}

// ArticleForReader reads an article's metadata with the reader's review and annotation
// count, in one query.
func (s *Store) ArticleForReader(ctx context.Context, articleID, userID int64) (*ReaderView, error) {
	row, err := s.queryRow(ctx, "SELECT articles.id, articles.outlet_id, articles.title, articles.url, articles.author, articles.published_at, "+
		"articles.text_sha256, articles.text_length, articles.data_version, articles.created_at, outlets.name, "+
		"reviews.assigned, reviews.assigned_at, reviews.completed_at, "+
		"(SELECT COUNT(*) FROM annotations WHERE annotations.article_id = articles.id AND annotations.user_id = ?) "+
		"FROM articles JOIN outlets ON outlets.id = articles.outlet_id "+
		"LEFT JOIN reviews ON reviews.article_id = articles.id AND reviews.user_id = ? "+
		"WHERE articles.id = ?", userID, userID, articleID)
	if err != nil {
		return nil, err
	}
	v := ReaderView{Review: Review{ArticleID: articleID, UserID: userID}}
	a := &v.Article
	var assigned sql.NullBool
	if err := row.Scan(&a.ID, &a.OutletID, &a.Title, &a.URL, &a.Author, &a.PublishedAt, &a.TextSHA256, &a.TextLength, &a.DataVersion,
		&a.CreatedAt, &a.OutletName, &assigned, &v.Review.AssignedAt, &v.Review.CompletedAt, &v.Annotations); err != nil {
		return nil, rowErr(err)
	}
	v.Review.Assigned = assigned.Bool
	return &v, nil
}

const annotationFields = "annotations.id, annotations.article_id, annotations.user_id, annotations.label, annotations.start_cp, annotations.end_cp, " +
	"annotations.exact, annotations.prefix, annotations.suffix, annotations.note, annotations.source_text, annotations.source_url, " +
	"annotations.status, annotations.suggestion_rule, annotations.version, annotations.created_at, annotations.updated_at, users.name"

// ListAnnotations pages through an article's annotations by id.
func (s *Store) ListAnnotations(ctx context.Context, f AnnotationFilter) ([]Annotation, bool, error) {
	q := "SELECT " + annotationFields + " FROM annotations JOIN users ON users.id = annotations.user_id " +
		"WHERE annotations.article_id = ? AND annotations.id > ?"
	args := []any{f.ArticleID, f.Page.After}
	if f.UserID != 0 {
		q += " AND annotations.user_id = ?"
		args = append(args, f.UserID)
	}
	q += " ORDER BY annotations.id LIMIT ?"
	args = append(args, f.Page.Limit+1)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []Annotation
	for rows.Next() {
		var a Annotation
		if err := rows.Scan(&a.ID, &a.ArticleID, &a.UserID, &a.Label, &a.Start, &a.End, &a.Exact, &a.Prefix, &a.Suffix, &a.Note,
			&a.SourceText, &a.SourceURL, &a.Status, &a.SuggestionRule, &a.Version, &a.CreatedAt, &a.UpdatedAt, &a.UserName); err != nil {
			return nil, false, err
		}
		out = append(out, a)
	}
	return trim(out, f.Page.Limit, rows.Err())
}

// ListRegions lists an article's regions in text order, with their origin outlets' names.
func (s *Store) ListRegions(ctx context.Context, articleID int64) ([]Region, error) {
	rows, err := s.query(ctx, "SELECT regions.id, regions.article_id, regions.kind, regions.start_cp, regions.end_cp, regions.origin_outlet_id, "+
		"regions.origin, regions.status, regions.reason, regions.relation, regions.other_article_id, regions.created_by, regions.version, "+
		"regions.created_at, regions.updated_at, COALESCE(outlets.name, '') FROM regions LEFT JOIN outlets ON outlets.id = regions.origin_outlet_id "+
		"WHERE regions.article_id = ? ORDER BY regions.start_cp, regions.id", articleID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Region
	for rows.Next() {
		var r Region
		if err := rows.Scan(&r.ID, &r.ArticleID, &r.Kind, &r.Start, &r.End, &r.OriginOutletID, &r.Origin, &r.Status, &r.Reason, &r.Relation,
			&r.OtherArticleID, &r.CreatedBy, &r.Version, &r.CreatedAt, &r.UpdatedAt, &r.OriginOutletName); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
