package synth

import (
	"testing"
	"unicode/utf8"
)

// TestGenerateIsDeterministicAndTruthful: the same config gives the same
// corpus, and each plant's ground truth points at real text: the article's
// span holds the copied passage, whose words mostly equal the source's.
func TestGenerateIsDeterministicAndTruthful(t *testing.T) {
	cfg := Config{Articles: 200, Seed: 9}
	a, b := Generate(cfg), Generate(cfg)
	if len(a.Articles) != 200 || len(a.Plants) < 30 {
		t.Fatalf("%d articles, %d plants", len(a.Articles), len(a.Plants))
	}
	for i := range a.Articles {
		if a.Articles[i] != b.Articles[i] {
			t.Fatalf("article %d differs between runs", i)
		}
	}
	byID := map[int64]string{}
	for _, art := range a.Articles {
		byID[art.ID] = art.Text
		if n := utf8.RuneCountInString(art.Text); n < 2000 {
			t.Errorf("article %d has only %d runes", art.ID, n)
		}
	}
	for _, p := range a.Plants {
		if p.SourceID >= p.ArticleID || p.Words < 40 || p.Words > 120 || p.EditRate > 0.10 {
			t.Errorf("plant out of spec: %+v", p)
		}
		src := []rune(byID[p.SourceID])[p.SourceStart:p.SourceEnd]
		dst := []rune(byID[p.ArticleID])[p.Start:p.End]
		if len(src) == 0 || len(dst) == 0 {
			t.Fatalf("empty plant span %+v", p)
		}
		// Word replacements and whitespace changes alter the length only a
		// little.
		if d := len(dst) - len(src); d > len(src)/4 || -d > len(src)/4 {
			t.Errorf("plant %+v: copy is %d runes, source %d", p, len(dst), len(src))
		}
	}
}
