package reprint

import (
	"cmp"
	"slices"
)

// Matcher is the stateless half of the index: it turns a text into its LSH
// keys and aligns an article with candidate articles. A service that keeps
// the keys elsewhere (a database table shared by several replicas) stores
// Keys per article, selects as candidates the articles sharing at least
// MinKeyHits keys (ignoring keys held by more than MaxBucket articles), and
// hands them to Align: the same passages as Index.Matches, which is built on
// it.
type Matcher struct {
	cfg Config
	sk  *sketcher
}

// NewMatcher returns a matcher. Zero fields of cfg take their defaults.
func NewMatcher(cfg Config) *Matcher {
	cfg = cfg.withDefaults()
	return &Matcher{cfg: cfg, sk: newSketcher(cfg)}
}

// Config returns the configuration in force, defaults filled in.
func (m *Matcher) Config() Config { return m.cfg }

// Keys returns the sorted, de-duplicated LSH keys of a text: none for a text
// shorter than MinPassageWords words, which can share no reportable passage.
func (m *Matcher) Keys(text string) []uint64 {
	sc := scratchPool.Get().(*sketchScratch)
	sc.toks = appendTokens(sc.toks[:0], text)
	keys := slices.Clone(m.sk.keys(sc.toks, m.cfg.MinPassageWords, sc))
	scratchPool.Put(sc)
	return keys
}

// Align returns the passages a shares with the candidates other than itself
// (same ID), verified word by word, sorted by position in a, then by other
// article.
func (m *Matcher) Align(a Article, cands []Article) []Match {
	return m.alignTokens(a, tokenize(a.Text), cands)
}

func (m *Matcher) alignTokens(a Article, toks []token, cands []Article) []Match {
	cands = slices.DeleteFunc(slices.Clone(cands), func(c Article) bool { return c.ID == a.ID })
	if len(cands) == 0 {
		return nil
	}
	slices.SortFunc(cands, func(x, y Article) int { return cmp.Compare(x.ID, y.ID) })
	al := newAligner(m.cfg, toks)
	var out []Match
	var otoks []token
	for _, c := range cands {
		otoks = appendTokens(otoks[:0], c.Text)
		for _, p := range al.align(otoks) {
			out = append(out, Match{
				ArticleID:      a.ID,
				OtherArticleID: c.ID,
				Start:          int(toks[p.a0].start),
				End:            int(toks[p.a1-1].end),
				OtherStart:     int(otoks[p.b0].start),
				OtherEnd:       int(otoks[p.b1-1].end),
				Words:          p.words(),
				Similarity:     p.similarity(),
			})
		}
	}
	slices.SortFunc(out, func(x, y Match) int {
		return cmp.Or(cmp.Compare(x.Start, y.Start), cmp.Compare(x.OtherArticleID, y.OtherArticleID),
			cmp.Compare(x.OtherStart, y.OtherStart))
	})
	return out
}
