package models_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/credence-project/credence/models"
	"github.com/credence-project/credence/models/modeltest"
)

// TestArticleTextCompressedWithLZ4: on a PostgreSQL server built with lz4, migration 00018
// makes article texts (and superseded revisions' texts) compress with lz4 instead of pglz,
// and a long text stored by an import's batch write is compressed so and reads back whole.
// On a server without lz4 the migration leaves the default, which this test then checks.
func TestArticleTextCompressedWithLZ4(t *testing.T) {
	if os.Getenv(modeltest.EnvPostgres) == "" {
		t.Skip(modeltest.EnvPostgres + " is not set: SQLite does not compress values")
	}
	ctx := context.Background()
	s, mk := keyedStore(t)
	db, err := s.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	var methods string
	if err := db.QueryRowContext(ctx, "SELECT array_to_string(enumvals, ',') FROM pg_settings WHERE name = 'default_toast_compression'").Scan(&methods); err != nil {
		t.Fatal(err)
	}
	want, wantStored := "l", "lz4" // pg_attribute.attcompression, pg_column_compression
	if !slices.Contains(strings.Split(methods, ","), "lz4") {
		want, wantStored = "", "pglz"
		t.Logf("this server has no lz4 (%s): checking that the texts keep the default", methods)
	}
	for _, table := range []string{"articles", "article_revisions"} {
		var got string
		if err := db.QueryRowContext(ctx, "SELECT attcompression FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'text'", table).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if strings.Trim(got, "\x00") != want {
			t.Errorf("%s.text compression %q, want %q", table, got, want)
		}
	}
	n := mk(1)
	n.Article.Text = strings.Repeat("A long article text, compressible as any prose is. ", 200)
	if err := s.CreateArticles(ctx, 0, []models.NewArticle{n}, true); err != nil {
		t.Fatal(err)
	}
	var stored string
	if err := db.QueryRowContext(ctx, "SELECT coalesce(pg_column_compression(text), '') FROM articles WHERE id = $1", n.Article.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != wantStored {
		t.Errorf("a %d-byte text stored with compression %q, want %q", len(n.Article.Text), stored, wantStored)
	}
	text, err := s.ArticleText(ctx, n.Article.ID)
	if err != nil || text != n.Article.Text {
		t.Fatalf("the text read back differs (%d bytes of %d, %v)", len(text), len(n.Article.Text), err)
	}
}
