package suggest

import (
	"github.com/credence-project/credence/annotate"

	"context"
	"errors"
	"sync"
)

// Combine returns a Suggester that runs every given suggester concurrently and merges their
// suggestions, keeping one per label and span (the first in argument order). When some suggesters
// fail, it returns what the others produced together with an error joining the failures, so that a
// caller may show the rule-based suggestions while a model backend is down.
func Combine(suggesters ...Suggester) Suggester {
	return combined(suggesters)
}

type combined []Suggester

func (c combined) Suggest(ctx context.Context, text string) ([]Suggestion, error) {
	results := make([][]Suggestion, len(c))
	errs := make([]error, len(c))
	var wg sync.WaitGroup
	for i, s := range c {
		wg.Go(func() {
			results[i], errs[i] = s.Suggest(ctx, text)
		})
	}
	wg.Wait()
	var all []Suggestion
	for _, r := range results {
		all = append(all, r...)
	}
	// Stable sort keeps argument order among equal label and span, so dedupe keeps the first.
	SortSuggestions(all)
	all = dedupeSpansStable(all, results)
	return all, errors.Join(errs...)
}

// dedupeSpansStable keeps, for each label and span, the suggestion from the earliest suggester.
func dedupeSpansStable(sorted []Suggestion, bySuggester [][]Suggestion) []Suggestion {
	type key struct {
		label      annotate.Label
		start, end int
	}
	first := map[key]Suggestion{}
	for _, r := range bySuggester {
		for _, s := range r {
			k := key{s.Label, s.Start, s.End}
			if _, ok := first[k]; !ok {
				first[k] = s
			}
		}
	}
	out := sorted[:0]
	seen := map[key]bool{}
	for _, s := range sorted {
		k := key{s.Label, s.Start, s.End}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, first[k])
	}
	return out
}
