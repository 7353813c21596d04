package annotate

import "strings"

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

// Reanchor finds a quote in a new version of a text. It prefers an occurrence of the exact
// passage whose context matches, then the occurrence nearest the old start. ok is false when
// the passage is gone or ambiguous: such an annotation is marked orphaned, never silently moved.
func Reanchor(t *Text, q Quote, oldStart int) (start, end int, ok bool) {
	if q.Exact == "" {
		return 0, 0, false
	}
	type hit struct{ start, score, dist int }
	var hits []hit
	s := t.String()
	for from := 0; ; {
		i := strings.Index(s[from:], q.Exact)
		if i < 0 {
			break
		}
		b := from + i
		cp := CodePoints(s[:b])
		score := 0
		if strings.HasSuffix(s[:b], q.Prefix) {
			score++
		}
		if strings.HasPrefix(s[b+len(q.Exact):], q.Suffix) {
			score++
		}
		d := cp - oldStart
		if d < 0 {
			d = -d
		}
		hits = append(hits, hit{cp, score, d})
		from = b + 1
	}
	if len(hits) == 0 {
		return 0, 0, false
	}
	best := hits[0]
	tie := false
	for _, h := range hits[1:] {
		switch {
		case h.score > best.score || (h.score == best.score && h.dist < best.dist):
			best, tie = h, false
		case h.score == best.score && h.dist == best.dist:
			tie = true
		}
	}
	if tie || (len(hits) > 1 && best.score == 0) {
		return 0, 0, false
	}
	return best.start, best.start + CodePoints(q.Exact), true
}
