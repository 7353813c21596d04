//go:build experiments

package suggest

import (
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/credence-project/credence/annotate"
)

// spanMatch decides whether a suggested span matches a gold span.
type spanMatch func(a0, a1, b0, b1 int) bool

var ninthMatchers = []struct {
	name string
	m    spanMatch
}{
	{"Matches (half of the shorter)", Matches},
	{"half of each", func(a0, a1, b0, b1 int) bool {
		ov := min(a1, b1) - max(a0, b0)
		return ov > 0 && 2*ov >= a1-a0 && 2*ov >= b1-b0
	}},
	{"exact", func(a0, a1, b0, b1 int) bool { return a0 == b0 && a1 == b1 }},
}

func addSpansWith(c *counts, spans [][2]int, gold []Gold, m spanMatch) {
	hitG := make([]bool, len(gold))
	for _, sp := range spans {
		hit := false
		for i, g := range gold {
			if g.Label == LabelLoadedLanguage && m(sp[0], sp[1], g.Start, g.End) {
				hit, hitG[i] = true, true
			}
		}
		c.sugg++
		if hit {
			c.hitS++
		}
	}
	for i, g := range gold {
		if g.Label == LabelLoadedLanguage {
			c.gold++
			if hitG[i] {
				c.hitG++
			}
		}
	}
}

type decision func(nd *nDoc) [][2]int

// measureBy returns the figures of dec on docs: BASIL, memes+WNC ("other") and all.
func measureBy(docs []*nDoc, dec decision, m spanMatch) (basil, other, all PRF) {
	var cb, co, ca counts
	for _, nd := range docs {
		sp := dec(nd)
		addSpansWith(&ca, sp, nd.pd.doc.Spans, m)
		if nd.pd.doc.Dataset == "basil" {
			addSpansWith(&cb, sp, nd.pd.doc.Spans, m)
		} else {
			addSpansWith(&co, sp, nd.pd.doc.Spans, m)
		}
	}
	return cb.PRF(), co.PRF(), ca.PRF()
}

func shipDec(th thresholds, trusted map[string]bool) decision {
	return func(nd *nDoc) [][2]int {
		var spans [][2]int
		for _, d := range decode(nd.pd.units, th) {
			spans = append(spans, [2]int{d.start, d.end})
		}
		for i, r := range nd.pd.ruleIDs {
			if trusted[r] && !overlapsAny(nd.pd.rules[i], spans) {
				spans = append(spans, nd.pd.rules[i])
			}
		}
		return spans
	}
}

// unionDec keeps the rules in keep where they fire and adds learned spans at t or above that no
// kept rule's span overlaps.
func unionDec(t float64, keep map[string]bool) decision {
	return func(nd *nDoc) [][2]int {
		var spans [][2]int
		for i, r := range nd.pd.ruleIDs {
			if keep[r] {
				spans = append(spans, nd.pd.rules[i])
			}
		}
		rs := slices.Clone(spans)
		for _, d := range decode(nd.pd.units, thresholds{plain: t, cue: t}) {
			if sp := [2]int{d.start, d.end}; !overlapsAny(sp, rs) {
				spans = append(spans, sp)
			}
		}
		return spans
	}
}

// isNews is the domain gate: a text of at least minSents sentences.
func isNews(nd *nDoc, minSents int) bool { return len(nd.fc.d.sentences) >= minSents }

func gated(minSents int, news, other decision) decision {
	return func(nd *nDoc) [][2]int {
		if isNews(nd, minSents) {
			return news(nd)
		}
		return other(nd)
	}
}

var ninthStop = map[string]bool{}

func init() {
	for _, w := range strings.Fields("the a an of to in on for and or but with by at from as is are was were be been being it its this that these those he she they his her their we our you your i me him them not no so than then there here who whom which what when where how has have had do does did will would can could should may might must said says say about into over after before up out also just very more most") {
		ninthStop[w] = true
	}
}

// contentNext reports whether unit j is a content word adjacent to unit i (same sentence,
// whitespace between).
func contentNext(nd *nDoc, i, j int) bool {
	if j < 0 || j >= len(nd.pd.units) || nd.sent[i] != nd.sent[j] {
		return false
	}
	a, b := nd.pd.units[min(i, j)], nd.pd.units[max(i, j)]
	if b.unit != a.unit+1 {
		return false
	}
	gap := string(nd.fc.d.runes[a.end:b.start])
	if strings.TrimSpace(gap) != "" {
		return false
	}
	w := nd.norm[j]
	if ninthStop[w] || w == "" {
		return false
	}
	for _, r := range w {
		if !(r >= 'a' && r <= 'z') && r != '-' && r != '\'' {
			return false
		}
	}
	return true
}

// granular changes the spans of the base decision: "merge" joins two spans of a sentence with
// one word between them, "right"/"both" extend each span by an adjacent content word.
func granular(base decision, how string) decision {
	return func(nd *nDoc) [][2]int {
		spans := base(nd)
		startAt, endAt := map[int]int{}, map[int]int{}
		for i, u := range nd.pd.units {
			startAt[u.start], endAt[u.end] = i, i
		}
		out := make([][2]int, 0, len(spans))
		for _, sp := range spans {
			i0, ok0 := startAt[sp[0]]
			i1, ok1 := endAt[sp[1]]
			if !ok0 || !ok1 {
				out = append(out, sp)
				continue
			}
			if (how == "right" || how == "both") && contentNext(nd, i1, i1+1) {
				sp[1] = nd.pd.units[i1+1].end
			}
			if how == "both" && contentNext(nd, i0, i0-1) {
				sp[0] = nd.pd.units[i0-1].start
			}
			out = append(out, sp)
		}
		if how != "merge" {
			return out
		}
		sort.Slice(out, func(a, b int) bool { return out[a][0] < out[b][0] })
		var merged [][2]int
		for _, sp := range out {
			if n := len(merged); n > 0 {
				prev := merged[n-1]
				if i1, ok := endAt[prev[1]]; ok && i1+2 < len(nd.pd.units) && nd.pd.units[i1+2].start == sp[0] && nd.sent[i1] == nd.sent[i1+2] && nd.pd.units[i1+2].unit == nd.pd.units[i1].unit+2 {
					merged[n-1][1] = sp[1]
					continue
				}
			}
			merged = append(merged, sp)
		}
		return merged
	}
}

// lexCounts counts, over docs, how often each bias-lexicon word (by quotation context when
// byQuote) lies in a gold span.
type lexCount struct{ n, k int }

func lexCounts(docs []*nDoc, byQuote bool, only string) map[string]*lexCount {
	out := map[string]*lexCount{}
	for _, nd := range docs {
		if only != "" && nd.pd.doc.Dataset != only {
			continue
		}
		for i, u := range nd.pd.units {
			if !nd.bias[i] {
				continue
			}
			key := lexKey(nd, i, byQuote)
			c := out[key]
			if c == nil {
				c = &lexCount{}
				out[key] = c
			}
			c.n++
			if slices.ContainsFunc(nd.pd.doc.Spans, func(g Gold) bool { return g.Start < u.end && u.start < g.End }) {
				c.k++
			}
		}
	}
	return out
}

func lexKey(nd *nDoc, i int, byQuote bool) string {
	if byQuote && nd.quoted[i] {
		return "q:" + nd.norm[i]
	}
	return nd.norm[i]
}

// lexDec adds to base the bias-lexicon words whose conditional precision in counts (k/(n+1))
// reaches q with n >= minN, where no base span overlaps them.
func lexDec(base decision, cnt func(nd *nDoc) map[string]*lexCount, q float64, minN int, byQuote bool) decision {
	return func(nd *nDoc) [][2]int {
		spans := base(nd)
		bs := slices.Clone(spans)
		cs := cnt(nd)
		for i, u := range nd.pd.units {
			if !nd.bias[i] {
				continue
			}
			c := cs[lexKey(nd, i, byQuote)]
			if c == nil || c.n < minN || float64(c.k)/float64(c.n+1) < q {
				continue
			}
			if sp := [2]int{u.start, u.end}; !overlapsAny(sp, bs) {
				spans = append(spans, sp)
			}
		}
		return spans
	}
}

func fp(p PRF) string {
	return fmt.Sprintf("P %.3f R %.3f F1 %.3f (%d sugg., %d/%d gold)", p.Precision, p.Recall, p.F1, p.Suggested, p.Found, p.Gold)
}

func grid(lo, hi, step float64) []float64 {
	var g []float64
	for t := lo; t <= hi+1e-9; t += step {
		g = append(g, math.Round(t*100)/100)
	}
	return g
}

var _ = os.Getenv
var _ annotate.Label

func fmtF(f float64) string { return fmt.Sprintf("%.2f", f) }
func fmtI(i int) string     { return fmt.Sprint(i) }
func fmtB(b bool) string {
	if b {
		return "y"
	}
	return "n"
}

func fmtF3(f float64) string { return fmt.Sprintf("%.3f", f) }
