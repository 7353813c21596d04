package models

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
//
// Article reads rebind their batch's three statements on every request, which a profile of
// the load harness's reads on PostgreSQL showed at 5% of the service's CPU (a rune at a time
// through a strings.Builder). The statements are a small fixed set, so their rebound text is
// remembered, up to rebindKeep of them; '?' is ASCII, so the rest scans bytes.
func Rebind(dialect, q string) string {
	if dialect != "postgres" {
		return q
	}
	if r, ok := rebound.Load(q); ok {
		return r.(string)
	}
	r := rebindPG(q)
	if reboundN.Load() < rebindKeep {
		if _, loaded := rebound.LoadOrStore(q, r); !loaded {
			reboundN.Add(1)
		}
	}
	return r
}

const rebindKeep = 512

var (
	rebound  sync.Map // query -> rebound query
	reboundN atomic.Int64
)

func rebindPG(q string) string {
	n := strings.Count(q, "?")
	if n == 0 {
		return q
	}
	b := make([]byte, 0, len(q)+2*n)
	for k := 1; ; k++ {
		i := strings.IndexByte(q, '?')
		if i < 0 {
			break
		}
		b = append(b, q[:i]...)
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(k), 10)
		q = q[i+1:]
	}
	b = append(b, q...)
	return string(b)
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
