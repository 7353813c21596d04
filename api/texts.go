package api

import (
	"context"
	"sync"

	lru "github.com/hashicorp/golang-lru/v2/simplelru"

	"github.com/credence-project/credence/annotate"
)

// textCache keeps the code point index of recently used article texts, up to a budget of
// bytes. Stored texts never change (an edited article is a new snapshot), so a cached text is
// never stale, on any replica; the cache saves loading and indexing the text on every
// article read and annotation write.
type textCache struct {
	mu     sync.Mutex
	lru    *lru.LRU[int64, *annotate.Text]
	bytes  int
	budget int
}

func newTextCache(budget int) *textCache {
	c := &textCache{budget: budget}
	l, err := lru.NewLRU[int64, *annotate.Text](1<<20, func(_ int64, t *annotate.Text) { c.bytes -= t.Size() })
	if err != nil {
		panic(err) // only for a size <= 0
	}
	c.lru = l
	return c
}

func (c *textCache) get(id int64) (*annotate.Text, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Get(id)
}

// add keeps t, evicting the least recently used texts beyond the budget (a text larger than
// the whole budget is not kept).
func (c *textCache) add(id int64, t *annotate.Text) {
	if t.Size() > c.budget {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lru.Contains(id) {
		return
	}
	c.lru.Add(id, t)
	c.bytes += t.Size()
	for c.bytes > c.budget {
		c.lru.RemoveOldest()
	}
}

// articleText returns an article's indexed text, or models.ErrNotFound.
func (s *Server) articleText(ctx context.Context, id int64) (*annotate.Text, error) {
	if t, ok := s.texts.get(id); ok {
		return t, nil
	}
	raw, err := s.store.ArticleText(ctx, id)
	if err != nil {
		return nil, err
	}
	t := annotate.NewText(raw)
	s.texts.add(id, t)
	return t, nil
}
