package api

import (
	"context"
	"sync"

	lru "github.com/hashicorp/golang-lru/v2/simplelru"

	"github.com/credence-project/credence/annotate"
)

// textCache keeps the code point index of recently used article texts, up to a budget of
// bytes. A stored text changes only with the article's revision (an edited re-import), so an
// entry remembers its revision and a one-row check of the current revision keeps it true on
// every replica; the cache saves loading and indexing the text on every article read and
// annotation write.
type textCache struct {
	mu     sync.Mutex
	lru    *lru.LRU[int64, *cachedText]
	bytes  int
	budget int
}

// cachedText is an article's text with, once an article read asked for it, the start of the
// article's JSON answer, ready-compressed (articlegz.go).
type cachedText struct {
	text     *annotate.Text
	revision int
	segOnce  sync.Once
	seg      *textSegment
}

// size counts the text, its index and room for the JSON segment (the text escaped, and
// compressed).
func (t *cachedText) size() int { return t.text.Size() + 2*len(t.text.String()) }

func newTextCache(budget int) *textCache {
	c := &textCache{budget: budget}
	l, err := lru.NewLRU[int64, *cachedText](1<<20, func(_ int64, t *cachedText) { c.bytes -= t.size() })
	if err != nil {
		panic(err) // only for a size <= 0
	}
	c.lru = l
	return c
}

func (c *textCache) get(id int64) (*cachedText, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Get(id)
}

// add keeps t, evicting the least recently used texts beyond the budget (a text larger than
// the whole budget is not kept), and returns the entry now cached for id.
func (c *textCache) add(id int64, t *cachedText) *cachedText {
	if t.size() > c.budget {
		return t
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.lru.Get(id); ok {
		if prev.revision >= t.revision {
			return prev
		}
		c.lru.Remove(id)
	}
	c.lru.Add(id, t)
	c.bytes += t.size()
	for c.bytes > c.budget {
		c.lru.RemoveOldest()
	}
	return t
}

// cachedArticleText returns an article's cache entry, loading it on a miss or when the
// article has been revised since it was cached, or models.ErrNotFound.
func (s *Server) cachedArticleText(ctx context.Context, id int64) (*cachedText, error) {
	if _, ok := s.texts.get(id); ok {
		rev, err := s.store.ArticleRevisionNumber(ctx, id)
		if err != nil {
			return nil, err
		}
		return s.cachedArticleTextAt(ctx, id, rev)
	}
	return s.loadArticleText(ctx, id)
}

// cachedArticleTextAt is cachedArticleText for a caller that has just read the article's
// revision.
func (s *Server) cachedArticleTextAt(ctx context.Context, id int64, rev int) (*cachedText, error) {
	if t, ok := s.texts.get(id); ok && t.revision == rev {
		return t, nil
	}
	return s.loadArticleText(ctx, id)
}

func (s *Server) loadArticleText(ctx context.Context, id int64) (*cachedText, error) {
	raw, rev, err := s.store.ArticleTextRevision(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.texts.add(id, &cachedText{text: annotate.NewText(raw), revision: rev}), nil
}

// articleText returns an article's indexed text, or models.ErrNotFound.
func (s *Server) articleText(ctx context.Context, id int64) (*annotate.Text, error) {
	t, err := s.cachedArticleText(ctx, id)
	if err != nil {
		return nil, err
	}
	return t.text, nil
}
