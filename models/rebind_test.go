package models_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/credence-project/credence/models"
)

// rebindByRune is Rebind as it was first written, a rune at a time: the cached byte scan must
// give the same text for every query, ASCII or not, first time and remembered.
func rebindByRune(q string) string {
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

func TestRebindMatchesRuneScan(t *testing.T) {
	queries := []string{
		"",
		"SELECT 1",
		"SELECT * FROM articles WHERE id = ?",
		"UPDATE t SET a = ?, b = ? WHERE c IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		"SELECT 'Ré­sumé — “quoted” ’' || ? || '😀' FROM x WHERE y = ?",
		"?",
		"??",
		"ends with ?",
	}
	for round := range 2 { // the second round answers from the remembered texts
		for _, q := range queries {
			if got, want := models.Rebind("postgres", q), rebindByRune(q); got != want {
				t.Errorf("round %d: Rebind(%q) = %q, want %q", round, q, got, want)
			}
			if got := models.Rebind("sqlite", q); got != q {
				t.Errorf("sqlite: Rebind(%q) = %q, want it unchanged", q, got)
			}
		}
	}
	// More distinct queries than are remembered still rebind correctly.
	for i := range 2000 {
		q := "SELECT ? + " + strconv.Itoa(i) + " WHERE z = ?"
		if got, want := models.Rebind("postgres", q), rebindByRune(q); got != want {
			t.Fatalf("Rebind(%q) = %q, want %q", q, got, want)
		}
	}
}

func BenchmarkRebindArticleRead(b *testing.B) {
	q := "SELECT a.id, a.title FROM articles a LEFT JOIN reviews r ON r.article_id = a.id AND r.user_id = ? WHERE a.id = ? AND (a.deleted_at IS NULL OR ? = 1)"
	for b.Loop() {
		models.Rebind("postgres", q)
	}
}
