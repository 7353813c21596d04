package models_test

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/credence-project/credence/models"
	"github.com/credence-project/credence/models/modeltest"
)

// engineOnly lists the schema facts that one engine has on purpose, each with its reason.
// Anything else one engine has and the other lacks fails TestSchemaSameOnBothEngines.
var engineOnly = map[string]string{
	// PostgreSQL notifies the replicas' authentication caches of changed accounts, sessions and
	// tokens (migration 00017); SQLite has no notifications and no such cache.
	"postgres: trigger users.users_auth_notify":             "authentication cache notifications",
	"postgres: trigger sessions.sessions_auth_notify":       "authentication cache notifications",
	"postgres: trigger api_tokens.api_tokens_auth_notify":   "authentication cache notifications",
	"postgres: trigger users.users_auth_truncate":           "authentication cache notifications",
	"postgres: trigger sessions.sessions_auth_truncate":     "authentication cache notifications",
	"postgres: trigger api_tokens.api_tokens_auth_truncate": "authentication cache notifications",
	// SQLite stores a long text in the row's overflow pages, so scoring's scan of article
	// metadata would step through every text; PostgreSQL keeps long values out of line (TOAST).
	"sqlite: index articles.articles_score_meta unique=false partial=false (id,outlet_id,data_version,published_at,text_length)": "covering index for the scores on SQLite",
	// PostgreSQL finds an article's reprint keys by the keys its mark keeps (migration 00015):
	// an index by article beside the primary key cost about as much again on every key
	// written. SQLite appends to that index (article ids grow) and its trigger deletes by it.
	"sqlite: index reprint_bands.reprint_bands_article unique=false partial=false (article_id)": "SQLite finds an article's reprint keys by article",
	"postgres: column reprint_indexed.band_hashes unknown ARRAY notnull=true default=false":     "PostgreSQL finds an article's reprint keys by the keys its mark keeps",
}

// TestSchemaSameOnBothEngines migrates a SQLite and a PostgreSQL database and compares what
// the migrations made of them: the applied versions, the tables, each column's kind, nullness
// and whether it has a default, the primary keys, the indexes (name, columns, uniqueness,
// partialness) and the triggers. It compares whatever both have, so every new migration is
// checked too. It needs PostgreSQL: CREDENCE_TEST_POSTGRES (make test-postgres) sets it.
func TestSchemaSameOnBothEngines(t *testing.T) {
	if os.Getenv(modeltest.EnvPostgres) == "" {
		t.Skip(modeltest.EnvPostgres + " is not set: no PostgreSQL to compare SQLite with (make test-postgres)")
	}
	lite := migrated(t, filepath.Join(t.TempDir(), "schema.db"))
	pg := migrated(t, modeltest.DSN(t))
	got := map[string][]string{"sqlite": sqliteSchema(t, lite), "postgres": postgresSchema(t, pg)}
	if !slices.ContainsFunc(got["sqlite"], func(s string) bool { return strings.HasPrefix(s, "trigger ") }) {
		t.Fatalf("no trigger read from SQLite: the comparison would pass vacuously\n%s", strings.Join(got["sqlite"], "\n"))
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		other := map[string]string{"sqlite": "postgres", "postgres": "sqlite"}[engine]
		if len(got[engine]) < 50 {
			t.Fatalf("only %d schema facts read from %s: the comparison would pass vacuously", len(got[engine]), engine)
		}
		for _, fact := range got[engine] {
			if slices.Contains(got[other], fact) {
				continue
			}
			if _, ok := engineOnly[engine+": "+fact]; ok {
				continue
			}
			t.Errorf("%s has, %s has not: %s", engine, other, fact)
		}
	}
	for fact := range engineOnly {
		engine, f, _ := strings.Cut(fact, ": ")
		if !slices.Contains(got[engine], f) {
			t.Errorf("engineOnly names %q, which %s no longer has: drop it from the list", f, engine)
		}
	}
	t.Logf("%d schema facts on SQLite, %d on PostgreSQL", len(got["sqlite"]), len(got["postgres"]))
}

func migrated(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	s, err := models.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	db, err := s.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// kind maps a declared column type to what both engines agree on.
func kind(decl string) string {
	d := strings.ToUpper(decl)
	switch {
	case strings.Contains(d, "INT") || d == "BIGSERIAL" || d == "SERIAL":
		return "integer"
	case strings.Contains(d, "BOOL"):
		return "boolean"
	case strings.Contains(d, "TIME") || strings.Contains(d, "DATE"):
		return "time"
	case strings.Contains(d, "CHAR") || strings.Contains(d, "TEXT") || strings.Contains(d, "CLOB") || strings.Contains(d, "JSON"):
		return "text"
	case strings.Contains(d, "REAL") || strings.Contains(d, "FLOA") || strings.Contains(d, "DOUB") || strings.Contains(d, "NUMERIC"):
		return "real"
	case strings.Contains(d, "BLOB") || d == "BYTEA":
		return "blob"
	}
	return "unknown " + decl
}

// skipTable: the migrations' own bookkeeping, whose columns goose declares per engine
// (compared as the applied versions instead), and SQLite's internal tables.
func skipTable(name string) bool {
	return name == "goose_db_version" || strings.HasPrefix(name, "sqlite_")
}

func rowsOf(t *testing.T, db *sql.DB, q string, args ...any) [][]sql.NullString {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]sql.NullString
	for rows.Next() {
		r := make([]sql.NullString, len(cols))
		dst := make([]any, len(cols))
		for i := range r {
			dst[i] = &r[i]
		}
		if err := rows.Scan(dst...); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func index(table, name string, unique, partial bool, cols []string) string {
	return fmt.Sprintf("index %s.%s unique=%v partial=%v (%s)", table, name, unique, partial, strings.Join(cols, ","))
}

func sqliteSchema(t *testing.T, db *sql.DB) []string {
	var out []string
	for _, r := range rowsOf(t, db, "SELECT version_id FROM goose_db_version WHERE is_applied AND version_id > 0") {
		out = append(out, "migration "+r[0].String)
	}
	for _, tr := range rowsOf(t, db, "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'") {
		out = append(out, "trigger "+tr[1].String+"."+tr[0].String)
	}
	for _, tb := range rowsOf(t, db, "SELECT name FROM sqlite_master WHERE type = 'table'") {
		table := tb[0].String
		if skipTable(table) {
			continue
		}
		out = append(out, "table "+table)
		pk := map[int]string{}
		// cid, name, type, notnull, dflt_value, pk
		for _, c := range rowsOf(t, db, "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?)", table) {
			notNull := c[2].String == "1" || c[4].String != "0" // a primary key is never null
			out = append(out, fmt.Sprintf("column %s.%s %s notnull=%v default=%v", table, c[0].String, kind(c[1].String), notNull, c[3].Valid))
			if c[4].String != "0" {
				var n int
				fmt.Sscan(c[4].String, &n)
				pk[n] = c[0].String
			}
		}
		var pkCols []string
		for i := 1; i <= len(pk); i++ {
			pkCols = append(pkCols, pk[i])
		}
		out = append(out, fmt.Sprintf("primary key %s (%s)", table, strings.Join(pkCols, ",")))
		// seq, name, unique, origin (c: CREATE INDEX, u: UNIQUE constraint, pk), partial
		for _, ix := range rowsOf(t, db, "SELECT name, \"unique\", origin, partial FROM pragma_index_list(?)", table) {
			name := ix[0].String
			switch ix[2].String {
			case "pk":
				continue
			case "u":
				name = "(unique constraint)"
			}
			var cols []string
			for _, c := range rowsOf(t, db, "SELECT name FROM pragma_index_info(?) ORDER BY seqno", ix[0].String) {
				cols = append(cols, cmpOr(c[0], "(expression)"))
			}
			out = append(out, index(table, name, ix[1].String == "1", ix[3].String == "1", cols))
		}
	}
	slices.Sort(out)
	return out
}

func cmpOr(s sql.NullString, otherwise string) string {
	if s.Valid {
		return s.String
	}
	return otherwise
}

func postgresSchema(t *testing.T, db *sql.DB) []string {
	var out []string
	for _, r := range rowsOf(t, db, "SELECT version_id FROM goose_db_version WHERE is_applied AND version_id > 0") {
		out = append(out, "migration "+r[0].String)
	}
	for _, tr := range rowsOf(t, db, `SELECT c.relname, tg.tgname FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT tg.tgisinternal`) {
		out = append(out, "trigger "+tr[0].String+"."+tr[1].String)
	}
	for _, tb := range rowsOf(t, db, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'") {
		table := tb[0].String
		if skipTable(table) {
			continue
		}
		out = append(out, "table "+table)
		for _, c := range rowsOf(t, db, `SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns
			WHERE table_schema = 'public' AND table_name = $1`, table) {
			// A serial key's default is its sequence: SQLite's INTEGER PRIMARY KEY numbers
			// rows itself, without a declared default.
			def := c[3].Valid && !strings.HasPrefix(c[3].String, "nextval(")
			out = append(out, fmt.Sprintf("column %s.%s %s notnull=%v default=%v", table, c[0].String, kind(c[1].String), c[2].String == "NO", def))
		}
		ixs := rowsOf(t, db, `SELECT i.relname, ix.indisprimary, ix.indisunique, ix.indpred IS NOT NULL,
			EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = ix.indexrelid AND k.contype = 'u'),
			array_to_string(ARRAY(SELECT COALESCE(a.attname, '(expression)') FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
				LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum ORDER BY k.n), ',')
			FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid WHERE ix.indrelid = $1::regclass`, table)
		hasPK := false
		for _, ix := range ixs {
			cols := strings.Split(ix[5].String, ",")
			if ix[1].String == "true" {
				hasPK = true
				out = append(out, fmt.Sprintf("primary key %s (%s)", table, strings.Join(cols, ",")))
				continue
			}
			name := ix[0].String
			if ix[4].String == "true" {
				name = "(unique constraint)"
			}
			out = append(out, index(table, name, ix[2].String == "true", ix[3].String == "true", cols))
		}
		if !hasPK {
			out = append(out, fmt.Sprintf("primary key %s ()", table))
		}
	}
	slices.Sort(out)
	return out
}
