package api

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/annotate/suggest"
)

// countingSuggester suggests the first word of the text, counting its calls; it fails while
// fail is set.
type countingSuggester struct {
	calls int
	fail  bool
}

func (c *countingSuggester) Suggest(_ context.Context, text string) ([]suggest.Suggestion, error) {
	c.calls++
	if c.fail {
		return nil, errors.New("backend down")
	}
	end := strings.IndexByte(text+" ", ' ')
	return []suggest.Suggestion{{Label: annotate.Opinion, Start: 0, End: end, Exact: text[:end], Rule: "r", Model: "m"}}, nil
}

// TestSuggestionCache: a second request for the same text, model and switched-off rules is
// answered from the cache; another text, another model version or other rules off are not;
// a failed answer is not kept; callers get copies; the budget evicts the oldest texts.
func TestSuggestionCache(t *testing.T) {
	ctx := context.Background()
	c := newSuggestionCache(1 << 20)
	inner := &countingSuggester{}
	m1 := &suggest.Model{Name: "credence-lr", Version: "7"}
	m2 := &suggest.Model{Name: "credence-lr", Version: "8"}
	ask := func(m *suggest.Model, off []string, text string) []suggest.Suggestion {
		t.Helper()
		items, err := c.wrap(inner, m, off).Suggest(ctx, text)
		if err != nil {
			t.Fatal(err)
		}
		return items
	}
	first := ask(m1, []string{"b", "a"}, "Alpha beta")
	if inner.calls != 1 || len(first) != 1 || first[0].Exact != "Alpha" {
		t.Fatalf("first answer %+v after %d calls", first, inner.calls)
	}
	first[0].Exact = "changed by the caller"
	again := ask(m1, []string{"a", "b"}, "Alpha beta") // the same rules off, in another order
	if inner.calls != 1 || again[0].Exact != "Alpha" {
		t.Fatalf("repeat: %d calls, %+v (want the cached, unchanged answer)", inner.calls, again)
	}
	for i, q := range []struct {
		m    *suggest.Model
		off  []string
		text string
	}{{m1, []string{"a", "b"}, "Gamma beta"}, {m2, []string{"a", "b"}, "Alpha beta"}, {m1, []string{"a"}, "Alpha beta"}} {
		ask(q.m, q.off, q.text)
		if inner.calls != i+2 {
			t.Fatalf("case %d answered from the cache (%d calls)", i, inner.calls)
		}
	}
	inner.fail = true
	if _, err := c.wrap(inner, m1, nil).Suggest(ctx, "Delta"); err == nil {
		t.Fatal("the failure was not passed on")
	}
	inner.fail = false
	if ask(m1, nil, "Delta"); inner.calls != 6 {
		t.Fatalf("a failed answer was kept: %d calls", inner.calls)
	}

	small := newSuggestionCache(3 * (suggestionBytes + 100))
	texts := []string{strings.Repeat("a", 100), strings.Repeat("b", 100), strings.Repeat("c", 100), strings.Repeat("d", 100)}
	inner.calls = 0
	for _, text := range texts {
		if _, err := small.wrap(inner, m1, nil).Suggest(ctx, text); err != nil {
			t.Fatal(err)
		}
	}
	if small.lru.Len() != 3 || small.bytes > small.budget {
		t.Fatalf("%d entries, %d bytes of a budget of %d", small.lru.Len(), small.bytes, small.budget)
	}
	small.wrap(inner, m1, nil).Suggest(ctx, texts[0]) // the oldest was evicted
	small.wrap(inner, m1, nil).Suggest(ctx, texts[3]) // the newest is kept
	if inner.calls != 5 {
		t.Fatalf("%d calls after the evicted and the kept text, want 5", inner.calls)
	}
}
