package reprint

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
)

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
	forms, domains := ox.forms, ox.domains
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
		if m, ok := matchDomain(text, folded, i, domains[folded[i]]); ok {
			out = append(out, m)
			i = m.end - 1
			continue
		}
		var best *mention
		var bestForm nameForm
		for _, f := range forms[folded[i]] {
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
// (outletForms) and domains, each grouped by first folded rune, in their
// order. It is not modified once built.
type outletIndex struct {
	outlets []Outlet // a deep copy of the outlets it was built from
	forms   map[rune][]nameForm
	domains map[rune][]domainForm
}

func newOutletIndex(outlets []Outlet) *outletIndex {
	ox := &outletIndex{forms: map[rune][]nameForm{}, domains: map[rune][]domainForm{}}
	for _, o := range outlets {
		o.Aliases, o.Domains = slices.Clone(o.Aliases), slices.Clone(o.Domains)
		ox.outlets = append(ox.outlets, o)
	}
	for _, f := range outletForms(outlets) {
		ox.forms[f.words[0][0]] = append(ox.forms[f.words[0][0]], f)
	}
	for _, o := range outlets {
		for _, d := range o.Domains {
			d = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(d)), "www.")
			if d != "" {
				host := []rune(d)
				ox.domains[host[0]] = append(ox.domains[host[0]], domainForm{host, o.ID, d})
			}
		}
	}
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

// Cue patterns, matched against folded text (lower case, straight quotes).
// leftInline: the text just before the outlet name; rightInline: just after.
var (
	leftInline = regexp.MustCompile(`(?:\baccording to|\bper|\bvia|\btold|\btells|\btelling|\btell|\bsaid to|\bconfirmed to|` +
		`\b(?:speaking|spoke|talking|talked|speak|talk) (?:to|with)|\binterview(?:ed)? (?:with|by)|\bstatement to|\bcourtesy of|` +
		`\b(?:reported|revealed|published|confirmed|obtained|cited|broken|broke|written|released|aired|broadcast) by|` +
		`\bciting|\bwrote in|\bwriting in|\bwrites in|\bsource:|` +
		`\b(?:shared|sat down|spoke|speaking|talked|comments?|perspective|statement|conversation)\b[^.!?"]{0,60}\bwith)\s*$`)
	// nominal introducers name a piece of the outlet's content; at the end
	// of a paragraph they introduce what follows ("it’s an exclusive from OK!").
	leftNominal = regexp.MustCompile(`\b(?:exclusive|report|story|article|piece|excerpt|scoop|dispatch|coverage|update|more|this)\s+(?:from|by|in|at|on|via)\s*$`)
	leftAs      = regexp.MustCompile(`\bas\s*$`)
	rightAs     = regexp.MustCompile(`^\s*(?:has |had |have )?(?:previously |first |exclusively |originally |also |recently )?(?:reported|reports|revealed|noted|wrote|learned)\b`)
	rightBlock  = regexp.MustCompile(`^(?:\s*magazine)?\s*(?:(?:is|are|was|were|has been|have been) reporting\b|(?:has|had|have) (?:the latest|more|the story|the details|the full story|the scoop|an update|the exclusive|obtained)\b)`)
	rightInline = regexp.MustCompile(`^\s*(?:first |exclusively |previously |originally |also |now |later )?(?:reported|reports|revealed|reveals|confirmed|confirms|wrote|writes|noted|notes|learned|has learned|can reveal|can confirm|obtained|broke the news|said in a report|says in a report|stated|states|understands)\b|` +
		`^'s?\s+(?:\S+\s+){0,2}?(?:report|reporting|story|article|investigation|coverage|exclusive|sources?)\b`)
	leadInEnd = regexp.MustCompile(`(?::|\.\s*\.\s*\.|…|\.\.\.)\s*$`)
)

// cue is a classified outlet mention.
type cue struct {
	m        mention
	sentence span
	para     int  // index of the paragraph
	block    bool // introduces whole paragraphs
	leadIn   bool // the passage starts at the next paragraph
	phrase   string
}

// FindAttributions finds the passages of text that the text itself credits
// to an outlet other than selfOutletID. Rules:
//
// Outlets are recognised by name, alias or domain (see findMentions: case
// and typography tolerant, "the" optional for names of three words or more,
// possessive 's accepted, "NBC" for "NBC News"). A mention is a cue only in
// an attributing context: "according to X", "per X", "via X", "told X",
// "reported by X", "interview with X", "as X reported", "X reported / writes
// / has learned", "X's report", "an exclusive from X", "X is reporting that",
// "X has the latest ...". A bare mention ("an ABC News special") credits
// nothing. Mentions inside the readers' comments section are ignored.
//
// Extent. An inline cue credits its sentence (quoted speech is never split,
// so a quotation and its "she told TMZ" stay together), plus any following
// sentences of the same paragraph that are wholly quotation (the same
// speaker continuing). A cue introduces a block when it is "X is reporting",
// "X has the latest/more/the story", or a lead-in: the last sentence of its
// paragraph ending in a colon or an ellipsis, or a nominal introducer ("an
// exclusive from X") ending its paragraph. A lead-in's block starts at the
// next paragraph, other blocks at the cue's sentence. A block runs paragraph
// by paragraph until the article's own voice resumes: a paragraph opening
// with a commentary phrase ("It sounds like", "Ultimately,", "If there's
// justice"), using the first person singular or asking a question outside
// quotation marks, naming the publisher itself, the comments section, or a
// cue for another outlet. Cues for the same outlet inside a block extend it.
//
// Resumption. When a block stops at the author's commentary and the source
// quotes speech in a different style from the author (British outlets'
// ‘single’ quotes against the author's “double” ones), a later paragraph that
// quotes only in the source's style, before the next commentary, resumes the
// source, together with the unquoted paragraphs that follow it.
//
// The result is sorted by Start. Offsets are code points into text.
func FindAttributions(text string, outlets []Outlet, selfOutletID int64) []Attribution {
	rs := []rune(text)
	folded := fold(rs)
	paras := paragraphs(rs)
	limit := len(rs)
	if cs, _, ok := findComments(rs, paras); ok {
		limit = cs
	}
	mentions := findMentions(rs, folded, outlets)
	names := make(map[int64]string, len(outlets))
	for _, o := range outlets {
		names[o.ID] = o.Name
	}
	for i := range mentions {
		mentions[i].name = names[mentions[i].outlet]
	}
	var protected []span
	for _, m := range mentions {
		protected = append(protected, m.span)
	}
	cues, selfParas := classify(rs, folded, paras, mentions, protected, selfOutletID, limit)

	var out []Attribution
	var blocks []Attribution
	inBlock := func(c cue) bool {
		for _, b := range blocks {
			if b.OutletID == c.m.outlet && b.Start <= c.sentence.start && c.sentence.end <= b.End {
				return true
			}
		}
		return false
	}
	for ci, c := range cues {
		if inBlock(c) {
			continue // already credited by the block it sits in
		}
		a := Attribution{
			OutletID: c.m.outlet,
			Cue:      string(rs[c.m.start:c.m.end]),
			CueStart: c.m.start, CueEnd: c.m.end,
			Block: c.block,
		}
		phrase := strings.TrimSpace(string(rs[c.sentence.start:c.sentence.end]))
		if !c.block {
			a.Start, a.End = c.sentence.start, inlineEnd(rs, paras[c.para], c.sentence)
			a.Reason = fmt.Sprintf("the sentence credits %s: %q", c.m.name, c.phrase)
			out = append(out, a)
			continue
		}
		first := c.para
		a.Start = c.sentence.start
		if c.leadIn {
			first = c.para + 1
			if first >= len(paras) || paras[first].start >= limit {
				continue
			}
			a.Start = paras[first].start
		}
		last, why := first, "runs to the end of the text"
		for p := first + 1; p < len(paras); p++ {
			if stop := stopReason(rs, folded, paras, p, c.m.outlet, cues[ci+1:], selfParas, limit); stop != "" {
				why = stop
				break
			}
			last = p
		}
		a.End = paras[last].end
		intro := "introduces the paragraphs that follow"
		if !c.leadIn {
			intro = "introduces its paragraph and those that follow"
		}
		a.Reason = fmt.Sprintf("%q %s, credited to %s; the passage %s", clip(phrase, 90), intro, c.m.name, why)
		out = append(out, a)
		blocks = append(blocks, a)
		if strings.HasPrefix(why, "ends before the author's") {
			if r, ok := resume(rs, folded, paras, a, last, c, cues, selfParas, limit); ok {
				out = append(out, r)
				blocks = append(blocks, r)
			}
		}
	}
	slices.SortStableFunc(out, func(x, y Attribution) int { return cmp.Or(cmp.Compare(x.Start, y.Start), cmp.Compare(x.End, y.End)) })
	return out
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// classify finds which mentions are cues. It also returns the paragraphs
// that name the publisher itself, which mark the author's own voice.
func classify(rs, folded []rune, paras []paragraph, mentions []mention, protected []span, self int64, limit int) ([]cue, map[int]bool) {
	var cues []cue
	selfParas := map[int]bool{}
	pi := 0
	var sents []span
	sentsOf := -1
	for _, m := range mentions {
		if m.start >= limit {
			break
		}
		for pi < len(paras) && paras[pi].end <= m.start {
			pi++
		}
		if pi >= len(paras) {
			break
		}
		if m.outlet == self {
			selfParas[pi] = true
			continue
		}
		if sentsOf != pi {
			sents, sentsOf = sentences(rs, paras[pi].span, protected), pi
		}
		var sent span
		for _, s := range sents {
			if s.start <= m.start && m.start < s.end {
				sent = s
			}
		}
		left := strings.TrimRight(string(folded[sent.start:m.core]), " ")
		right := string(folded[m.end:sent.end])
		if strings.HasSuffix(string(folded[m.start:m.end]), "'s") {
			right = "'s" + right // the possessive was taken into the mention
		}
		if strings.HasSuffix(left, "'") { // ’s of the mention's possessive already consumed
			left = strings.TrimSuffix(left, "'")
		}
		lastInPara := len(sents) > 0 && sents[len(sents)-1] == sent
		leadIn := lastInPara && leadInEnd.MatchString(string(folded[sent.start:sent.end]))
		c := cue{m: m, sentence: sent, para: pi, phrase: cueContext(rs, sent, m)}
		switch {
		case rightBlock.MatchString(right):
			c.block, c.leadIn = true, leadIn
		case leftNominal.MatchString(left):
			c.block, c.leadIn = lastInPara, lastInPara
		case leftInline.MatchString(left), leftAs.MatchString(left) && rightAs.MatchString(right), rightInline.MatchString(right):
			c.block, c.leadIn = leadIn, leadIn
		default:
			continue
		}
		cues = append(cues, c)
	}
	return cues, selfParas
}

// cueContext is the cue as shown in reasons: up to three words before the
// outlet's name and two after, within the sentence, in the original text.
func cueContext(rs []rune, sent span, m mention) string {
	start := m.core
	for words := 0; start > sent.start && words < 3; {
		start--
		if unicode.IsSpace(rs[start]) && start > sent.start && !unicode.IsSpace(rs[start-1]) {
			words++
		}
	}
	for start < m.core && unicode.IsSpace(rs[start]) {
		start++
	}
	end := m.end
	for words := 0; end < sent.end && words < 3; end++ {
		if unicode.IsSpace(rs[end]) && end > m.end {
			words++
		}
	}
	return strings.TrimSpace(string(rs[start:end]))
}

// inlineEnd extends an inline cue's sentence over following sentences of the
// paragraph that are wholly quotation.
func inlineEnd(rs []rune, p paragraph, sent span) int {
	end := sent.end
	rest := span{sent.end, p.end}
	for rest.start < rest.end && unicode.IsSpace(rs[rest.start]) {
		rest.start++
	}
	if rest.start >= rest.end {
		return end
	}
	for _, s := range sentences(rs, rest, nil) {
		first, last := rs[s.start], rs[s.end-1]
		if (first == '“' || first == '"') && (last == '”' || last == '"') {
			end = s.end
			continue
		}
		break
	}
	return end
}

// Commentary openers: phrases with which bloggers turn from the reprinted
// copy to their own view. News copy rarely opens a paragraph with them.
var commentaryOpener = regexp.MustCompile(`^(?:if there(?:'s| is) (?:any )?justice|it sounds like|it seems|it looks like|it appears (?:that )?(?:he|she|they)'s|so,|well,|now,|ultimately,|in addition,|clearly|obviously|frankly|honestly|personally|in my (?:opinion|view)|i think|i believe|i guess|let's|let us|stay tuned|bottom line|the bottom line|needless to say|of course|sadly|thankfully|hopefully|make no mistake|mark my words|here's the thing|just saying|update:|editor's note)`)

var firstPerson = regexp.MustCompile(`(?:^|[^\p{L}'])(?:i|i'm|i'd|i've|i'll|me|my|mine|myself)(?:[^\p{L}']|$)`)

// ownVoice names the signal showing that paragraph p is the author's own
// voice, or returns "".
func ownVoice(rs, folded []rune, paras []paragraph, p int, selfParas map[int]bool) string {
	para := paras[p]
	u := strings.TrimSpace(string(unquoted(folded, rs, para.span)))
	head := strings.TrimLeft(string(folded[para.start:min(para.end, para.start+40)]), " \"'-")
	switch {
	case commentaryOpener.MatchString(head):
		return fmt.Sprintf("opens with the author's commentary (%q)", clip(string(rs[para.start:min(para.end, para.start+24)]), 24))
	case firstPerson.MatchString(u):
		return "speaks in the first person outside quotation marks"
	case strings.HasSuffix(u, "?"):
		return "asks the reader a question"
	case selfParas[p]:
		return "names the publisher itself"
	}
	return ""
}

// stopReason tells why paragraph p ends a block of outlet, or "".
func stopReason(rs, folded []rune, paras []paragraph, p int, outlet int64, later []cue, selfParas map[int]bool, limit int) string {
	if paras[p].start >= limit {
		return "ends before the comments section"
	}
	for _, c := range later {
		if c.para == p && c.m.outlet != outlet {
			return fmt.Sprintf("ends before a cue for %s", c.m.name)
		}
	}
	if v := ownVoice(rs, folded, paras, p, selfParas); v != "" {
		return "ends before the author's paragraph that " + v
	}
	return ""
}

// resume applies the quotation-style rule after a block that stopped at the
// author's commentary (see FindAttributions).
func resume(rs, folded []rune, paras []paragraph, block Attribution, last int, c cue, cues []cue, selfParas map[int]bool, limit int) (Attribution, bool) {
	var srcD, srcS, authD, authS int
	for p := range paras {
		d, s := quoteStyle(rs, paras[p].span)
		switch {
		case paras[p].start >= block.Start && paras[p].end <= block.End:
			srcD, srcS = srcD+d, srcS+s
		case paras[p].end <= c.m.start:
			authD, authS = authD+d, authS+s
		}
	}
	if srcS <= srcD || authD <= authS {
		return Attribution{}, false // the source does not quote in a style of its own
	}
	start := -1
	end := -1
	for p := last + 1; p < len(paras); p++ {
		if stopReason(rs, folded, paras, p, c.m.outlet, cues, selfParas, limit) != "" {
			if start >= 0 {
				break
			}
			continue
		}
		d, s := quoteStyle(rs, paras[p].span)
		if start < 0 {
			if s > 0 && d == 0 {
				start, end = p, p
			}
			continue
		}
		if d > 0 {
			break
		}
		end = p
	}
	if start < 0 {
		return Attribution{}, false
	}
	return Attribution{
		Start: paras[start].start, End: paras[end].end,
		OutletID: block.OutletID, Cue: block.Cue, CueStart: block.CueStart, CueEnd: block.CueEnd, Block: true,
		Reason: fmt.Sprintf("resumes the %s passage after the author's commentary: it quotes in the source's ‘single’ quotation marks, unlike the author's “double” ones; it ends before the author's next paragraph", c.m.name),
	}, true
}
