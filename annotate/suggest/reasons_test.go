package suggest

import (
	"strings"
	"testing"
)

// TestSpellsAsTheFeaturizer: spells, which names a reason's letter feature by its word without
// building strings, agrees with the featurizer itself: every letter feature a word's token gets
// (its trigrams, with the word's edges, and its affixes) is one the word spells, and none that
// another word's token gets and this one does not.
func TestSpellsAsTheFeaturizer(t *testing.T) {
	words := []string{"smug", "spendthrift", "showboat", "trouble", "her", "ab", "abc", "café", "naïve", "über", "idiot", "murderer", "ass", "sass", "aaaa", "o’brien", "showboat’s", "humug", "smugly", "trouble"}
	letters := func(w string) (string, map[string]bool) {
		fc := newFeatCtx(w, BuiltinModel().Lists)
		if len(fc.d.tokens) != 1 {
			t.Fatalf("%q: %d tokens", w, len(fc.d.tokens))
		}
		out := map[string]bool{}
		for _, f := range fc.computeTokenFeatures(0) {
			if isLetters(f) {
				out[f] = true
			}
		}
		return bareWord(fc.d.tokens[0]), out
	}
	all := map[string]bool{}
	own := map[string]map[string]bool{}
	bare := map[string]string{}
	for _, w := range words {
		b, fs := letters(w)
		bare[w], own[w] = b, fs
		for f := range fs {
			all[f] = true
		}
	}
	if len(all) < 50 {
		t.Fatalf("only %d letter features: the featurizer changed?", len(all))
	}
	for _, w := range words {
		for f := range all {
			kind, val, _ := strings.Cut(f, ":")
			if got, want := spells(kind, val, bare[w]), own[w][f]; got != want {
				t.Errorf("spells(%q, %q, %q) = %v, the featurizer says %v", kind, val, bare[w], got, want)
			}
		}
	}
}
