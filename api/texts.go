package api

import (
	"context"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/credence-project/credence/annotate"
)

// textCache keeps the code point index of recently used article texts. Stored texts never
// change (an edited article is a new snapshot), so a cached text is never stale, on any
// replica; the cache only saves loading and indexing the text on every annotation write.
type textCache struct {
	lru *lru.Cache[int64, *annotate.Text]
}

func newTextCache(size int) *textCache {
	c, err := lru.New[int64, *annotate.Text](size)
	if err != nil {
		panic(err) // only for a size <= 0
	}
	return &textCache{lru: c}
}

// articleText returns an article's indexed text, or models.ErrNotFound.
func (s *Server) articleText(ctx context.Context, id int64) (*annotate.Text, error) {
	if t, ok := s.texts.lru.Get(id); ok {
		return t, nil
	}
	raw, err := s.store.ArticleText(ctx, id)
	if err != nil {
		return nil, err
	}
	t := annotate.NewText(raw)
	s.texts.lru.Add(id, t)
	return t, nil
}
