package suggest

import (
	"github.com/credence-project/credence/annotate"

	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"
)

// Doc is one text to evaluate on.
type Doc struct {
	ID   string
	Text string
}

// Gold is a hand-labelled passage of a Doc, in code point offsets.
type Gold struct {
	DocID string
	Label annotate.Label
	Start int
	End   int
}

// GoldRecord is one line of a gold file (testdata/gold.jsonl): the passage is given by its text,
// which is looked up in the document so the file survives edits that shift offsets.
type GoldRecord struct {
	File       string         `json:"file"`
	Label      annotate.Label `json:"label"`
	Exact      string         `json:"exact"`
	Occurrence int            `json:"occurrence,omitempty"` // 1-based; required when Exact occurs more than once
}

// ReadGold parses newline-delimited GoldRecords; blank lines are skipped.
func ReadGold(r io.Reader) ([]GoldRecord, error) {
	var out []GoldRecord
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var g GoldRecord
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&g); err != nil {
			return nil, fmt.Errorf("gold line %d: %w", n, err)
		}
		if !ValidLabel(g.Label) {
			return nil, fmt.Errorf("gold line %d: unknown label %q", n, g.Label)
		}
		if g.File == "" || g.Exact == "" {
			return nil, fmt.Errorf("gold line %d: file and exact are required", n)
		}
		out = append(out, g)
	}
	return out, sc.Err()
}

// Resolve finds the record's passage in text and returns its code point offsets. Curly and straight
// quotes compare equal, as do non-breaking and plain spaces; case matters. A passage found more than
// once needs an Occurrence.
func (g GoldRecord) Resolve(text string) (start, end int, err error) {
	hay, needle := foldForSearch(text), foldForSearch(g.Exact)
	var hits []int
	for from := 0; ; {
		i := strings.Index(hay[from:], needle)
		if i < 0 {
			break
		}
		hits = append(hits, from+i)
		_, size := utf8.DecodeRuneInString(hay[from+i:])
		from += i + size
	}
	occ := g.Occurrence
	switch {
	case len(hits) == 0:
		return 0, 0, fmt.Errorf("gold %s %q: not found in %s", g.Label, g.Exact, g.File)
	case occ == 0 && len(hits) > 1:
		return 0, 0, fmt.Errorf("gold %s %q: found %d times in %s, give an occurrence", g.Label, g.Exact, len(hits), g.File)
	case occ == 0:
		occ = 1
	case occ < 0 || occ > len(hits):
		return 0, 0, fmt.Errorf("gold %s %q: occurrence %d of %d in %s", g.Label, g.Exact, occ, len(hits), g.File)
	}
	// Folding maps one code point to one code point, so code point offsets in hay are offsets in text.
	start = utf8.RuneCountInString(hay[:hits[occ-1]])
	return start, start + utf8.RuneCountInString(needle), nil
}

// foldForSearch maps curly quotes to straight ones and non-breaking spaces to spaces.
func foldForSearch(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '‘', '’':
			return '\''
		case '“', '”':
			return '"'
		case '\u00a0':
			return ' '
		}
		return r
	}, s)
}

// LabelScore holds the evaluation figures of one label (or of all labels together).
type LabelScore struct {
	Label              annotate.Label
	Suggested          int // suggestions with this label
	Gold               int // gold passages with this label
	MatchedSuggestions int // suggestions that match at least one gold passage
	MatchedGold        int // gold passages matched by at least one suggestion
	Precision          float64
	Recall             float64
	F1                 float64
}

// Report is the result of Evaluate.
type Report struct {
	Labels  []LabelScore // one per label, in Labels() order
	Overall LabelScore   // micro-average: counts summed over labels
	Errors  []string     // documents the suggester failed on (scored as if it suggested nothing)
}

// MinOverlap is the matching criterion: a suggestion matches a gold passage of the same document
// and label when their overlap covers at least this share of the shorter of the two.
const MinOverlap = 0.5

// Matches reports whether spans [aStart, aEnd) and [bStart, bEnd) overlap by at least MinOverlap of
// the shorter one.
func Matches(aStart, aEnd, bStart, bEnd int) bool {
	shorter := min(aEnd-aStart, bEnd-bStart)
	if shorter <= 0 {
		return false
	}
	overlap := min(aEnd, bEnd) - max(aStart, bStart)
	return overlap > 0 && float64(overlap) >= MinOverlap*float64(shorter)
}

// Evaluate runs s on every document and scores its suggestions against the gold passages.
// Precision is the share of suggestions that match a gold passage of their label; recall is the
// share of gold passages matched by a suggestion of their label (see Matches). Several suggestions
// may match one passage and one suggestion may match several; each is counted once on its own side.
// A ratio with a zero denominator is reported as 0. Suggestions with a label outside Labels() count
// only against overall precision.
func Evaluate(s Suggester, docs []Doc, gold []Gold) Report {
	type counts struct{ sugg, gold, hitS, hitG int }
	per := map[annotate.Label]*counts{}
	for _, l := range Labels() {
		per[l] = &counts{}
	}
	var overall counts
	var rep Report
	byDoc := map[string][]Gold{}
	for _, g := range gold {
		byDoc[g.DocID] = append(byDoc[g.DocID], g)
		if c := per[g.Label]; c != nil {
			c.gold++
		}
		overall.gold++
	}
	for _, d := range docs {
		got, err := s.Suggest(context.Background(), d.Text)
		if err != nil {
			rep.Errors = append(rep.Errors, fmt.Sprintf("%s: %v", d.ID, err))
			got = nil
		}
		gs := byDoc[d.ID]
		hitGold := make([]bool, len(gs))
		for _, sg := range got {
			c := per[sg.Label]
			overall.sugg++
			if c != nil {
				c.sugg++
			}
			hit := false
			for i, g := range gs {
				if g.Label == sg.Label && Matches(sg.Start, sg.End, g.Start, g.End) {
					hit, hitGold[i] = true, true
				}
			}
			if hit {
				overall.hitS++
				c.hitS++
			}
		}
		for i, h := range hitGold {
			if h {
				overall.hitG++
				if c := per[gs[i].Label]; c != nil {
					c.hitG++
				}
			}
		}
	}
	score := func(label annotate.Label, c counts) LabelScore {
		ls := LabelScore{Label: label, Suggested: c.sugg, Gold: c.gold, MatchedSuggestions: c.hitS, MatchedGold: c.hitG}
		ls.Precision = ratio(c.hitS, c.sugg)
		ls.Recall = ratio(c.hitG, c.gold)
		if ls.Precision+ls.Recall > 0 {
			ls.F1 = 2 * ls.Precision * ls.Recall / (ls.Precision + ls.Recall)
		}
		return ls
	}
	for _, l := range Labels() {
		rep.Labels = append(rep.Labels, score(l, *per[l]))
	}
	rep.Overall = score("overall", overall)
	return rep
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Table renders the report as an aligned plain-text table.
func (r Report) Table() string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "label           \tsuggested\tmatched\tgold\tfound\tprecision\trecall\tF1\t")
	for _, ls := range append(append([]LabelScore(nil), r.Labels...), r.Overall) {
		fmt.Fprintf(tw, "%-16s\t%d\t%d\t%d\t%d\t%.3f\t%.3f\t%.3f\t\n", ls.Label, ls.Suggested,
			ls.MatchedSuggestions, ls.Gold, ls.MatchedGold, ls.Precision, ls.Recall, ls.F1)
	}
	tw.Flush()
	for _, e := range r.Errors {
		fmt.Fprintf(&b, "error: %s\n", e)
	}
	return b.String()
}
