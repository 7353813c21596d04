package models

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"sync"
)

// The hot paths: every request authenticates, opening an article reads the article, the
// reviewer's review and the annotations, and annotation creates are most of what reviewers
// send. Profiles of the load harness showed gorm's statement building, reflective scanning
// and callbacks costing as much as SQLite itself on these, and gorm preparing each statement
// again inside every transaction (database/sql prepares a statement again when it was first
// prepared inside another transaction). They are therefore written in plain database/sql,
// beside their entities (users_sql.go, articles_sql.go, annotations_sql.go, regions_sql.go),
// each a statement prepared once per pool by hotStmts and scanned into its fields directly.
// Everything else stays with gorm. This file holds what they share.

// hotStmts holds the prepared hot statements of one pool, keyed by their text. A write
// statement is prepared on the writer pool before its transaction starts (on SQLite the
// transaction holds the pool's one connection) and bound to the transaction with
// tx.StmtContext, which reuses the statement prepared on that connection.
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
