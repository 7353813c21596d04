package models_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/credence-project/credence/models"
	"github.com/credence-project/credence/models/modeltest"
)

// storedArticle is every column of an articles row, as the database returns it, with the
// text's compression method on PostgreSQL.
type storedArticle struct {
	ID, OutletID                      int64
	Title, URL, Author, Text, SHA     string
	PublishedAt                       *time.Time
	TextLength, DataVersion, Revision int64
	CreatedAt                         time.Time
	Compression                       string
}

func storedArticles(t *testing.T, s *models.Store) []storedArticle {
	t.Helper()
	db, err := s.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	comp := "''"
	if s.Dialect() == "postgres" {
		comp = "coalesce(pg_column_compression(text), 'plain')"
	}
	rows, err := db.Query("SELECT id, outlet_id, title, url, author, text, text_sha256, published_at, text_length, data_version, revision, created_at, " + comp + " FROM articles ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []storedArticle
	for rows.Next() {
		var a storedArticle
		if err := rows.Scan(&a.ID, &a.OutletID, &a.Title, &a.URL, &a.Author, &a.Text, &a.SHA, &a.PublishedAt, &a.TextLength, &a.DataVersion, &a.Revision, &a.CreatedAt, &a.Compression); err != nil {
			t.Fatal(err)
		}
		if a.PublishedAt != nil {
			p := a.PublishedAt.UTC()
			a.PublishedAt = &p
		}
		a.CreatedAt = a.CreatedAt.UTC()
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestArticlesByCopyStoreWhatGormStored: an import's articles stored by CreateArticles (by
// COPY on PostgreSQL) are the rows gorm's INSERT stored: every column, ids ascending in batch
// order, the data version given, the timestamps to the microsecond (a creation time given and
// one the store set), a NULL publication time, a revision of 0 stored as 1, the long text
// compressed as the column says; the structs get the same ids, creation times and revisions;
// a batch with a duplicate fails with ErrDuplicate and stores nothing either way.
func TestArticlesByCopyStoreWhatGormStored(t *testing.T) {
	ctx := context.Background()
	mkBatch := func(n int) []models.NewArticle {
		batch := make([]models.NewArticle, n)
		pub := time.Date(2026, 3, 4, 5, 6, 7, 891234567, time.FixedZone("x", 3600))
		for i := range batch {
			text := fmt.Sprintf("Article %d says ünïcode things. ", i) + strings.Repeat(fmt.Sprintf("word%d ", i), 700)
			a := &models.Article{OutletID: 1, Title: fmt.Sprintf("Title %d", i), Author: "A. Writer", Text: text,
				TextSHA256: fmt.Sprintf("%064d", i), TextLength: len([]rune(text)), DataVersion: models.FirstScanVersion}
			if i%2 == 0 {
				a.URL = fmt.Sprintf("https://outlet.example/%d", i)
				p := pub.Add(time.Duration(i) * time.Hour)
				a.PublishedAt = &p
				a.CreatedAt = time.Date(2026, 12, 2, 6, 0, 0, 123456789+i, time.UTC)
			}
			if i%3 == 0 {
				a.Revision = 3
			}
			batch[i] = models.NewArticle{Article: a, Keys: []uint64{uint64(i)*7 + 1, uint64(i)*7 + 2}}
		}
		return batch
	}
	var got [2][]storedArticle
	var structs [2][]models.Article
	for k, gorm := range []bool{false, true} {
		s := modeltest.Open(t)
		models.SetGormInserts(s, gorm)
		if err := s.CreateOutlet(ctx, 0, &models.Outlet{Name: "Outlet", Domains: []string{"outlet.example"}}); err != nil {
			t.Fatal(err)
		}
		dup := mkBatch(3)
		dup[2].Article.URL = dup[0].Article.URL
		if err := s.CreateArticles(ctx, 0, dup, true); !errors.Is(err, models.ErrDuplicate) {
			t.Fatalf("gorm %v: a batch with a duplicate url: %v, want ErrDuplicate", gorm, err)
		}
		for _, n := range []int{5, 8} {
			batch := mkBatch(n + len(structs[k]))[len(structs[k]):]
			before := time.Now().UTC().Truncate(time.Microsecond)
			if err := s.CreateArticles(ctx, 0, batch, true); err != nil {
				t.Fatalf("gorm %v: %v", gorm, err)
			}
			for _, b := range batch {
				a := *b.Article
				if a.URL == "" && (a.CreatedAt.Before(before) || a.CreatedAt.After(time.Now().UTC())) {
					t.Fatalf("gorm %v: creation time set to %v, not the time of the call", gorm, a.CreatedAt)
				}
				structs[k] = append(structs[k], a)
			}
		}
		got[k] = storedArticles(t, s)
		if len(got[k]) != 13 {
			t.Fatalf("gorm %v: %d rows stored, want 13", gorm, len(got[k]))
		}
		for i, r := range got[k] {
			a := structs[k][i]
			want := a.CreatedAt
			if s.Dialect() == "postgres" {
				want = want.Truncate(time.Microsecond)
			}
			if r.ID != a.ID || !r.CreatedAt.Equal(want) || r.Revision != int64(a.Revision) {
				t.Fatalf("gorm %v: row %d is id %d created %v revision %d, its struct %d %v %d", gorm, i, r.ID, r.CreatedAt, r.Revision, a.ID, a.CreatedAt, a.Revision)
			}
			if i > 0 && r.ID <= got[k][i-1].ID {
				t.Fatalf("gorm %v: ids not ascending in batch order: %d after %d", gorm, r.ID, got[k][i-1].ID)
			}
			if s.Dialect() == "postgres" && r.Compression != "lz4" && r.Compression != "pglz" {
				t.Fatalf("gorm %v: text stored %s", gorm, r.Compression)
			}
		}
	}
	for i := range got[0] {
		c, g := got[0][i], got[1][i]
		if c.URL == "" { // the store set the creation time: the call's, checked above
			c.CreatedAt, g.CreatedAt = time.Time{}, time.Time{}
		}
		if !reflect.DeepEqual(c, g) {
			t.Fatalf("row %d stored by CreateArticles:\n%+v\nby gorm's INSERT:\n%+v", i, c, g)
		}
	}
}
