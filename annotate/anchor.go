package annotate

import (
	"strings"
	"unicode/utf8"
)

// ContextLen is how many code points of prefix and suffix an annotation keeps around its
// quote, as a W3C TextQuoteSelector does, so it can be re-anchored in edited text.
const ContextLen = 32

// Quote is a W3C TextQuoteSelector: the exact passage with some context either side.
type Quote struct {
	Exact  string `json:"exact"`
	Prefix string `json:"prefix"`
	Suffix string `json:"suffix"`
}

// Anchor checks a span against the text and, when the client sent the quoted text, that it
// matches. It returns the quote with context to store beside the offsets.
func (t *Text) Anchor(start, end int, exact *string) (Quote, error) {
	if err := t.CheckSpan(start, end); err != nil {
		return Quote{}, err
	}
	got := t.Slice(start, end)
	if exact != nil && *exact != got {
		return Quote{}, Errorf(CodeQuoteMismatch, "exact", "exact %q does not match the text at %d–%d, which reads %q", clip(*exact), start, end, clip(got))
	}
	return Quote{
		Exact:  got,
		Prefix: t.Slice(max(0, start-ContextLen), start),
		Suffix: t.Slice(end, min(t.Len(), end+ContextLen)),
	}, nil
}

func clip(s string) string {
	const n = 80
	if CodePoints(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// Reanchor finds a quote in a new version of a text, with W3C TextQuoteSelector semantics:
// a passage found once is found; among several occurrences, the one whose surroundings match
// the stored prefix and suffix best wins, but only by a clear margin (ContextMargin code
// points of context more than the runner-up, or all of the context there is). ok is false
// when the passage is gone (an edit inside it) or ambiguous: such an annotation is marked
// orphaned, never silently moved to a guess.
func Reanchor(t *Text, q Quote) (start, end int, ok bool) {
	if q.Exact == "" {
		return 0, 0, false
	}
	type hit struct{ start, score int }
	var hits []hit
	s := t.String()
	prefix, suffix := []rune(q.Prefix), []rune(q.Suffix)
	for from := 0; ; {
		i := strings.Index(s[from:], q.Exact)
		if i < 0 {
			break
		}
		b := from + i
		score := commonSuffix(s[:b], prefix) + commonPrefix(s[b+len(q.Exact):], suffix)
		hits = append(hits, hit{CodePoints(s[:b]), score})
		_, size := utf8.DecodeRuneInString(s[b:])
		from = b + size
	}
	switch len(hits) {
	case 0:
		return 0, 0, false
	case 1:
		return hits[0].start, hits[0].start + CodePoints(q.Exact), true
	}
	best, second := hits[0], hit{score: -1}
	for _, h := range hits[1:] {
		if h.score > best.score {
			best, second = h, best
		} else if h.score > second.score {
			second = h
		}
	}
	if best.score-second.score < min(ContextMargin, len(prefix)+len(suffix)) || best.score == second.score {
		return 0, 0, false
	}
	return best.start, best.start + CodePoints(q.Exact), true
}

// ContextMargin is how many code points more of its stored context one occurrence of a
// repeated passage must match than any other for Reanchor to choose it.
const ContextMargin = 8

// commonSuffix counts the code points at the end of s that equal the end of want.
func commonSuffix(s string, want []rune) int {
	n := 0
	for i := len(want) - 1; i >= 0 && s != ""; i-- {
		r, size := utf8.DecodeLastRuneInString(s)
		if r != want[i] {
			break
		}
		s = s[:len(s)-size]
		n++
	}
	return n
}

// commonPrefix counts the code points at the start of s that equal the start of want.
func commonPrefix(s string, want []rune) int {
	n := 0
	for _, w := range want {
		r, size := utf8.DecodeRuneInString(s)
		if s == "" || r != w {
			break
		}
		s = s[size:]
		n++
	}
	return n
}
