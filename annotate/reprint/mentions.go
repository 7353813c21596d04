package reprint

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Recognising outlets in a text: their names, aliases and domains, as FindAttributions
// (attribution.go) needs them to find the passages a text credits to another outlet.

// mention is an occurrence of an outlet's name, alias or domain.
type mention struct {
	span          // shown as the cue's outlet part, including a leading "the"
	core   int    // start of the name itself, after any "the "
	outlet int64  // Outlet.ID
	form   string // the name form matched, as written in the outlet list
	name   string // Outlet.Name, for reasons
}

type nameForm struct {
	words   [][]rune // folded words
	display string
	outlet  int64
	isName  bool // Outlet.Name rather than an alias: wins ambiguities
	caps    bool // the form has capitals: an all-lowercase match is a common word
	acronym bool // derived acronym: must match in capitals
}

// genericSuffixes may follow an acronym in an outlet's name; "NBC News" is
// also written "NBC". Only acronyms are shortened, so "Fox News" does not
// turn every "fox" into an outlet.
var genericSuffixes = map[string]bool{"news": true, "magazine": true, "online": true, "media": true, "network": true}

func outletForms(outlets []Outlet) []nameForm {
	var forms []nameForm
	add := func(s string, id int64, isName, acronym bool) {
		words := strings.Fields(string(fold([]rune(s))))
		if len(words) == 0 {
			return
		}
		f := nameForm{display: s, outlet: id, isName: isName, acronym: acronym, caps: strings.ToLower(s) != s}
		for _, w := range words {
			f.words = append(f.words, []rune(w))
		}
		forms = append(forms, f)
	}
	for _, o := range outlets {
		names := append([]string{o.Name}, o.Aliases...)
		for i, n := range names {
			add(n, o.ID, i == 0, false)
			ws := strings.Fields(n)
			// "The Daily Mail" is also written "Daily Mail"; a one-word rest
			// ("The Post") is kept whole, as "post" alone is a common word.
			if len(ws) > 2 && strings.EqualFold(ws[0], "the") {
				add(strings.Join(ws[1:], " "), o.ID, i == 0, false)
			}
			if len(ws) == 2 && genericSuffixes[strings.ToLower(ws[1])] && isAcronym(ws[0]) {
				add(ws[0], o.ID, false, true)
			}
		}
	}
	// Longest forms first, so "OK! Magazine" wins over "OK!" at one place.
	slices.SortStableFunc(forms, func(a, b nameForm) int {
		return cmp.Or(cmp.Compare(len(b.display), len(a.display)), cmp.Compare(a.outlet, b.outlet))
	})
	return forms
}

func isAcronym(s string) bool {
	n := 0
	for _, r := range s {
		if !unicode.IsUpper(r) {
			return false
		}
		n++
	}
	return n >= 2
}

// findMentions returns the non-overlapping outlet mentions in text, leftmost
// first and longest at each position. Matching is case-insensitive and
// tolerant of apostrophe, quote and dash styles and of line breaks inside a
// name, with two guards against common words: a match written all in lower
// case does not count for a form that has capitals ("the post", "ok!"), and
// a derived acronym must be in capitals. A name followed by 's is matched
// with its possessive; a leading "the" is included in the mention.
//
// Forms and domains are grouped by their first folded rune (outletIndexOf),
// so each position tries only those that can match there, in their order.
func findMentions(text, folded []rune, outlets []Outlet) []mention {
	ox := outletIndexOf(outlets)
	var out []mention
	covered := func(i int) bool {
		return len(out) > 0 && i < out[len(out)-1].end
	}
	for i := 0; i < len(folded); i++ {
		if covered(i) {
			continue
		}
		if i > 0 && (isWordRune(folded[i-1]) || folded[i-1] == '-') {
			continue
		}
		if m, ok := matchDomain(text, folded, i, ox.domains.at(folded, i)); ok {
			out = append(out, m)
			i = m.end - 1
			continue
		}
		var best *mention
		var bestForm nameForm
		for _, f := range ox.forms.at(folded, i) {
			end, ok := matchWords(folded, i, f.words)
			if !ok {
				continue
			}
			if f.caps && !hasUpper(text[i:end]) || f.acronym && !allUpperLetters(text[i:end]) {
				continue
			}
			if best != nil {
				if end < best.end || end == best.end && !(f.isName && !bestForm.isName) {
					continue
				}
			}
			best, bestForm = &mention{span: span{i, end}, core: i, outlet: f.outlet, form: f.display}, f
		}
		if best == nil {
			continue
		}
		m := *best
		// possessive: "ABC’s", "Hutchins’"
		if m.end+1 < len(folded) && folded[m.end] == '\'' && folded[m.end+1] == 's' &&
			(m.end+2 == len(folded) || !isWordRune(folded[m.end+2])) {
			m.end += 2
		}
		if m.core >= 4 && string(folded[m.core-4:m.core]) == "the " && (m.core == 4 || !isWordRune(folded[m.core-5])) {
			m.start = m.core - 4
		}
		out = append(out, m)
		i = m.end - 1
	}
	return out
}

// outletIndex is what findMentions matches: the outlets' name forms
// (outletForms) and domains, each grouped by their first two folded runes, in
// their order. It is not modified once built.
type outletIndex struct {
	outlets []Outlet // a deep copy of the outlets it was built from
	forms   pairIndex[nameForm]
	domains pairIndex[domainForm]
}

// pairIndex lists, in their order, the forms that can match where a text has
// the runes r0, r1: those starting with r0 whose first word (a domain's host)
// has r1 second, and those whose first word is r0 alone (as at the end of a
// text, where there is no r1). Only these can match there, so findMentions,
// which asks at every word of a text, tries only them.
type pairIndex[F any] struct {
	first [utf8.RuneSelf]bool // an ASCII rune some form starts with
	pairs map[[2]rune][]F     // r1 -1: the forms whose first word is one rune
}

// build fills the index from forms in their order; lead gives a form's first
// word (a domain's host). The second runes are gathered first, so that each
// list is appended to in the order of forms.
func (x *pairIndex[F]) build(forms []F, lead func(F) []rune) {
	x.pairs = map[[2]rune][]F{}
	seconds := map[rune][]rune{}
	for _, f := range forms {
		w := lead(f)
		if r := w[0]; 0 <= r && r < utf8.RuneSelf {
			x.first[r] = true
		}
		if len(w) > 1 && !slices.Contains(seconds[w[0]], w[1]) {
			seconds[w[0]] = append(seconds[w[0]], w[1])
		}
	}
	for _, f := range forms {
		w := lead(f)
		if len(w) > 1 {
			k := [2]rune{w[0], w[1]}
			x.pairs[k] = append(x.pairs[k], f)
			continue
		}
		k := [2]rune{w[0], -1}
		x.pairs[k] = append(x.pairs[k], f)
		for _, r1 := range seconds[w[0]] {
			k := [2]rune{w[0], r1}
			x.pairs[k] = append(x.pairs[k], f)
		}
	}
}

// at returns the forms that can match at folded[i].
func (x *pairIndex[F]) at(folded []rune, i int) []F {
	r0 := folded[i]
	if 0 <= r0 && r0 < utf8.RuneSelf && !x.first[r0] {
		return nil
	}
	if i+1 < len(folded) {
		if l, ok := x.pairs[[2]rune{r0, folded[i+1]}]; ok {
			return l
		}
	}
	return x.pairs[[2]rune{r0, -1}]
}

func newOutletIndex(outlets []Outlet) *outletIndex {
	ox := &outletIndex{}
	for _, o := range outlets {
		o.Aliases, o.Domains = slices.Clone(o.Aliases), slices.Clone(o.Domains)
		ox.outlets = append(ox.outlets, o)
	}
	ox.forms.build(outletForms(outlets), func(f nameForm) []rune { return f.words[0] })
	var domains []domainForm
	for _, o := range outlets {
		for _, d := range o.Domains {
			d = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(d)), "www.")
			if d != "" {
				domains = append(domains, domainForm{[]rune(d), o.ID, d})
			}
		}
	}
	ox.domains.build(domains, func(d domainForm) []rune { return d.host })
	return ox
}

func sameOutlet(a, b Outlet) bool {
	return a.ID == b.ID && a.Name == b.Name && slices.Equal(a.Aliases, b.Aliases) && slices.Equal(a.Domains, b.Domains)
}

// outletIndexes keeps the last few outletIndexes built. A scan calls
// FindAttributions for every article with the same outlet list, and building
// the index (folding every name) cost as much as matching a 600-word article
// against 50 outlets; a list is looked up by content, compared in full, so an
// edited list is never matched with a stale index.
var outletIndexes struct {
	sync.Mutex
	recent []*outletIndex // most recent last, at most maxOutletIndexes
}

const maxOutletIndexes = 4

func outletIndexOf(outlets []Outlet) *outletIndex {
	outletIndexes.Lock()
	for i := len(outletIndexes.recent) - 1; i >= 0; i-- {
		if ox := outletIndexes.recent[i]; slices.EqualFunc(ox.outlets, outlets, sameOutlet) {
			outletIndexes.Unlock()
			return ox
		}
	}
	outletIndexes.Unlock()
	ox := newOutletIndex(outlets)
	outletIndexes.Lock()
	if len(outletIndexes.recent) == maxOutletIndexes {
		outletIndexes.recent = slices.Delete(outletIndexes.recent, 0, 1)
	}
	outletIndexes.recent = append(outletIndexes.recent, ox)
	outletIndexes.Unlock()
	return ox
}

type domainForm struct {
	host   []rune
	outlet int64
	name   string
}

// matchDomain matches an outlet's domain at i, as a whole host or the tail of
// one ("www.dailymail.co.uk"), and widens the mention over the surrounding
// URL so that "https://www.dailymail.co.uk/news/x.html" is one mention.
func matchDomain(text, folded []rune, i int, domains []domainForm) (mention, bool) {
	for _, d := range domains {
		end := i + len(d.host)
		if end > len(folded) || !slices.Equal(folded[i:end], d.host) {
			continue
		}
		// the host must end here: no further letters, digits or "-"; a
		// final "." is the sentence's.
		if end < len(folded) && (unicode.IsLetter(folded[end]) || unicode.IsDigit(folded[end]) || folded[end] == '-' ||
			folded[end] == '.' && end+1 < len(folded) && isWordRune(folded[end+1])) {
			continue
		}
		start := i
		for start > 0 && !unicode.IsSpace(folded[start-1]) && folded[start-1] != '(' && folded[start-1] != '"' {
			start--
		}
		stop := end
		for stop < len(folded) && folded[stop] == '/' {
			for stop < len(folded) && !unicode.IsSpace(folded[stop]) && folded[stop] != ')' && folded[stop] != '"' {
				stop++
			}
		}
		for stop > end && strings.ContainsRune(".,;:!?", folded[stop-1]) {
			stop--
		}
		return mention{span: span{start, stop}, core: start, outlet: d.outlet, form: d.name}, true
	}
	return mention{}, false
}

func hasUpper(rs []rune) bool {
	for _, r := range rs {
		if unicode.IsUpper(r) {
			return true
		}
	}
	return false
}

func allUpperLetters(rs []rune) bool {
	for _, r := range rs {
		if unicode.IsLetter(r) && !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// matchWords matches folded words at i, allowing any run of spaces or one
// line break between them. It returns the end of the match; the rune after
// must not continue a word when the form ends in a letter or digit.
func matchWords(folded []rune, i int, words [][]rune) (int, bool) {
	p := i
	for wi, w := range words {
		if wi > 0 {
			q := p
			for q < len(folded) && (folded[q] == ' ' || folded[q] == '\n') {
				q++
			}
			if q == p {
				return 0, false
			}
			p = q
		}
		if p+len(w) > len(folded) || !slices.Equal(folded[p:p+len(w)], w) {
			return 0, false
		}
		p += len(w)
	}
	last := words[len(words)-1]
	if isWordRune(last[len(last)-1]) && p < len(folded) && isWordRune(folded[p]) {
		return 0, false
	}
	return p, true
}
