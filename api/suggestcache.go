package api

import (
	"context"
	"crypto/sha256"
	"slices"
	"strings"
	"sync"

	lru "github.com/hashicorp/golang-lru/v2/simplelru"

	"github.com/credence-project/credence/annotate/suggest"
)

// suggestionCache keeps the built-in suggester's answers for recently read texts. A reviewer
// opens an article's suggestions and then accepts or rejects them one by one, and each
// decision is checked against the suggestions the service makes on that text
// (checkSuggested): without the cache each decision recomputed every suggestion of the
// article, a whole suggestions request's work (about 200 ms for a 20,000-word article).
// The learned suggester is deterministic given its model, the rules switched off and the
// text, so an entry is keyed by all three (the text by its SHA-256); an external suggestion
// service is never cached (its answers may change or fail). Entries are bounded by a budget of
// bytes.
type suggestionCache struct {
	mu     sync.Mutex
	lru    *lru.LRU[suggestionKey, *cachedSuggestions]
	bytes  int
	budget int
}

type suggestionKey struct {
	model string // name, version and the rules switched off
	text  [sha256.Size]byte
}

type cachedSuggestions struct {
	items []suggest.Suggestion
	size  int
}

func newSuggestionCache(budget int) *suggestionCache {
	c := &suggestionCache{budget: budget}
	l, err := lru.NewLRU[suggestionKey, *cachedSuggestions](1<<16, func(_ suggestionKey, v *cachedSuggestions) { c.bytes -= v.size })
	if err != nil {
		panic(err) // only for a size <= 0
	}
	c.lru = l
	return c
}

// cachedSuggester answers from the cache, asking inner on a miss.
type cachedSuggester struct {
	inner suggest.Suggester
	model string
	cache *suggestionCache
}

func (c *suggestionCache) wrap(inner suggest.Suggester, m *suggest.Model, off []string) suggest.Suggester {
	off = slices.Sorted(slices.Values(off))
	return &cachedSuggester{inner: inner, model: m.Name + "\x00" + m.Version + "\x00" + strings.Join(off, "\x00"), cache: c}
}

// Suggest returns a copy of the cached suggestions of text, or inner's, which it keeps when
// inner answered without error.
func (s *cachedSuggester) Suggest(ctx context.Context, text string) ([]suggest.Suggestion, error) {
	k := suggestionKey{model: s.model, text: sha256.Sum256([]byte(text))}
	c := s.cache
	c.mu.Lock()
	v, ok := c.lru.Get(k)
	c.mu.Unlock()
	if ok {
		return slices.Clone(v.items), nil
	}
	items, err := s.inner.Suggest(ctx, text)
	if err != nil {
		return items, err
	}
	// The suggestions' texts are substrings of text, which the entry therefore keeps alive.
	v = &cachedSuggestions{items: slices.Clone(items), size: len(text) + len(items)*int(suggestionBytes)}
	if v.size > c.budget {
		return items, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.lru.Get(k); !ok {
		c.lru.Add(k, v)
		c.bytes += v.size
		for c.bytes > c.budget {
			c.lru.RemoveOldest()
		}
	}
	return items, nil
}

// suggestionBytes is about what one suggestion holds besides its text: the struct and its
// reason sentence.
const suggestionBytes = 256
