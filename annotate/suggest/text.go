package suggest

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// document is a text prepared for matching. Every slice is indexed by code point, so an offset in
// norm or quoted is an offset in the original text: folding never changes the number of code points.
type document struct {
	text      string  // string(runes): the text, when it is valid UTF-8
	byteAt    []int32 // byteAt[i] is the offset in text of code point i (len(runes)+1 of them)
	runes     []rune
	norm      []rune // lower-cased, curly quotes and apostrophes folded to ' and ", hyphens to -
	quoted    []bool // inside a balanced double quotation (“…” or "…") within one paragraph
	tokens    []token
	sentences []sentence
}

// token is a word: letters, digits and marks, with inner apostrophes ("didn't") kept. Hyphens
// split words; phrase matching lets a hyphen stand where a pattern has a space.
type token struct {
	start, end int
	norm       string // folded, lower-case
	orig       string
	sent       int // index of the sentence holding the token
}

// capitalised reports whether the token starts with an upper-case letter but is not all capitals
// (all capitals are emphasis, as in "IDIOT", not a sign of a name).
func (t token) capitalised() bool {
	r, size := utf8.DecodeRuneInString(t.orig)
	if size == 0 || !unicode.IsUpper(r) {
		return false
	}
	if size == len(t.orig) {
		return true
	}
	return !isUpperAll(t.orig)
}

// isUpperAll reports whether strings.ToUpper(s) == s for valid UTF-8 s, without building the
// upper-case copy: no code point changes under unicode.ToUpper.
func isUpperAll(s string) bool {
	for _, r := range s {
		if unicode.ToUpper(r) != r {
			return false
		}
	}
	return true
}

// encodedLen is the length in bytes of r in string([]rune{r}).
func encodedLen(r rune) int {
	if n := utf8.RuneLen(r); n > 0 {
		return n
	}
	return utf8.RuneLen(utf8.RuneError)
}

// sentence is a span of text ending at a terminator or a line break, trimmed of surrounding space
// and of list markers ("1.", "•").
type sentence struct {
	start, end       int
	firstTok, endTok int  // tokens[firstTok:endTok] lie in the sentence
	titleCase        bool // a headline: most words capitalised, so capitals say nothing
	question         bool // ends with "?" outside a quotation
}

func (s sentence) wordCount() int { return s.endTok - s.firstTok }

// foldRune maps typographic variants to one form without changing the code point count.
func foldRune(r rune) rune {
	switch r {
	case '‘', '’', '‚', '‛', '′', '`', '´':
		return '\''
	case '“', '”', '„', '‟', '″', '«', '»':
		return '"'
	case '‐', '‑', '‒':
		return '-'
	case '\u00a0', '\u2007', '\u202f', '\t':
		return ' '
	}
	return unicode.ToLower(r)
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf { // what the unicode tables say of ASCII, without their look-ups
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

func isTerminator(r rune) bool { return r == '.' || r == '!' || r == '?' || r == '…' }

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', '”', '’', ')', ']', '»':
		return true
	}
	return false
}

// analyse folds, tokenises and splits text; lex supplies the splitter's abbreviations.
func analyse(text string, lex *lexicon) *document {
	d := &document{runes: []rune(text), text: text}
	if !utf8.ValidString(text) {
		d.text = string(d.runes) // the text as its code points spell it
	}
	d.norm = make([]rune, len(d.runes))
	d.byteAt = make([]int32, len(d.runes)+1)
	b := 0
	for i, r := range d.runes {
		d.norm[i] = foldRune(r)
		d.byteAt[i] = int32(b)
		b += encodedLen(r)
	}
	d.byteAt[len(d.runes)] = int32(b)
	d.markQuotes()
	d.tokenise()
	d.split(lex)
	return d
}

// markQuotes marks code points inside double quotations that open and close within one paragraph.
// An unbalanced quotation mark is ignored rather than allowed to swallow the rest of the text.
func (d *document) markQuotes() {
	d.quoted = make([]bool, len(d.runes))
	open := -1
	for i, r := range d.runes {
		switch {
		case r == '\n':
			open = -1
		case r == '“' || (r == '"' && open < 0):
			open = i
		case (r == '”' || r == '"') && open >= 0:
			for k := open; k <= i; k++ {
				d.quoted[k] = true
			}
			open = -1
		}
	}
}

// tokenise finds the tokens. A token's texts are substrings of the text and of the folded text,
// so that tokenising allocates no string a token.
func (d *document) tokenise() {
	n := len(d.norm)
	norm := string(d.norm)
	starts := 0 // an upper bound on the tokens: code points that start a run of word code points
	for i, r := range d.norm {
		if isWordRune(r) && (i == 0 || !isWordRune(d.norm[i-1])) {
			starts++
		}
	}
	d.tokens = make([]token, 0, starts)
	nb := 0 // the byte offset in norm of code point i
	for i := 0; i < n; {
		if !isWordRune(d.norm[i]) {
			nb += encodedLen(d.norm[i])
			i++
			continue
		}
		j := i + 1
		for j < n {
			if isWordRune(d.norm[j]) {
				j++
				continue
			}
			if d.norm[j] == '\'' && j+1 < n && unicode.IsLetter(d.norm[j+1]) && unicode.IsLetter(d.norm[j-1]) {
				j += 2
				continue
			}
			break
		}
		ne := nb
		for k := i; k < j; k++ {
			ne += encodedLen(d.norm[k])
		}
		d.tokens = append(d.tokens, token{start: i, end: j, norm: norm[nb:ne], orig: d.slice(i, j)})
		nb, i = ne, j
	}
}

// split cuts the text into sentences. A sentence ends at a line break, or at a run of terminators
// (".", "!", "?", "…", spaced ellipsis ". . .") followed by optional closing quotes and then space,
// unless the terminator sits inside a balanced quotation, follows an abbreviation ("Mr.", "U.S.",
// "C."), or the next word starts in lower case (an ellipsis inside a sentence).
func (d *document) split(lex *lexicon) {
	n := len(d.runes)
	for ps := 0; ps < n; {
		pe := ps
		for pe < n && d.runes[pe] != '\n' {
			pe++
		}
		d.splitParagraph(ps, pe, lex)
		ps = pe + 1
	}
	// Assign tokens to sentences; a list marker trimmed off a sentence belongs to none.
	ti := 0
	for si := range d.sentences {
		sn := &d.sentences[si]
		for ti < len(d.tokens) && d.tokens[ti].start < sn.start {
			d.tokens[ti].sent = -1
			ti++
		}
		sn.firstTok = ti
		for ti < len(d.tokens) && d.tokens[ti].end <= sn.end {
			d.tokens[ti].sent = si
			ti++
		}
		sn.endTok = ti
		d.classify(sn)
	}
	for ; ti < len(d.tokens); ti++ {
		d.tokens[ti].sent = -1
	}
}

func (d *document) splitParagraph(ps, pe int, lex *lexicon) {
	start := d.skipListMarker(ps, pe)
	for i := start; i < pe; i++ {
		if !isTerminator(d.runes[i]) {
			continue
		}
		j := i + 1
		for j < pe {
			if isTerminator(d.runes[j]) {
				j++
				continue
			}
			// Spaced ellipsis ". . .".
			if d.runes[j-1] == '.' && d.runes[j] == ' ' && j+1 < pe && d.runes[j+1] == '.' {
				j += 2
				continue
			}
			break
		}
		if d.quoted[i] && !d.quoteEndsAt(j, pe) {
			i = j - 1 // inside a quotation that goes on: “I cock the gun. I go…”
			continue
		}
		for j < pe && isCloser(d.runes[j]) {
			j++
		}
		if j < pe && !unicode.IsSpace(d.runes[j]) {
			i = j - 1
			continue
		}
		k := j
		for k < pe && unicode.IsSpace(d.runes[k]) {
			k++
		}
		if k < pe && (d.continues(k) || (j == i+1 && d.abbreviation(i, lex))) {
			i = j - 1
			continue
		}
		d.addSentence(start, j)
		start = k
		i = k - 1
	}
	d.addSentence(start, pe)
}

// quoteEndsAt reports whether the closing mark of a quotation sits at j.
func (d *document) quoteEndsAt(j, pe int) bool {
	return j < pe && d.quoted[j] && (d.runes[j] == '”' || d.runes[j] == '"') && (j+1 == pe || !d.quoted[j+1])
}

// continues reports whether the word at k starts in lower case, so the preceding terminator was an
// ellipsis or an abbreviation inside the sentence.
func (d *document) continues(k int) bool {
	r := d.runes[k]
	for isCloser(r) || r == '“' || r == '‘' {
		k++
		if k >= len(d.runes) {
			return false
		}
		r = d.runes[k]
	}
	return unicode.IsLower(r)
}

// abbreviation reports whether the single terminator at i ends an abbreviation or a name.
func (d *document) abbreviation(i int, lex *lexicon) bool {
	b := i
	for b > 0 && (unicode.IsLetter(d.runes[b-1]) || d.runes[b-1] == '.') {
		b--
	}
	word := string(d.runes[b:i])
	if word == "" {
		return false
	}
	if d.runes[i] == '!' {
		return lex.splitNames[strings.ToLower(word)]
	}
	if d.runes[i] != '.' {
		return false
	}
	if strings.Contains(word, ".") { // U.S., N.M., D.A.
		return true
	}
	w := []rune(word)
	if len(w) == 1 && unicode.IsUpper(w[0]) { // an initial: "Jae C. Hong"
		return true
	}
	return lex.abbrevs[strings.ToLower(word)] || lex.splitNames[strings.ToLower(word)]
}

// skipListMarker returns the offset after leading space and a list marker ("1.", "2)", "•", "-")
// at the start of a paragraph, so that "  1. As Alec’s wife…" starts its sentence at "As".
func (d *document) skipListMarker(ps, pe int) int {
	s := ps
	for s < pe && unicode.IsSpace(d.runes[s]) {
		s++
	}
	k := s
	for k < pe && unicode.IsDigit(d.runes[k]) {
		k++
	}
	switch {
	case k > s && k-s <= 3 && k+1 < pe && (d.runes[k] == '.' || d.runes[k] == ')') && d.runes[k+1] == ' ':
		return k + 1
	case k == s && k+1 < pe && strings.ContainsRune("•*–·-", d.runes[k]) && d.runes[k+1] == ' ':
		return k + 1
	}
	return ps
}

// addSentence trims surrounding space and records a non-empty sentence.
func (d *document) addSentence(s, e int) {
	for s < e && unicode.IsSpace(d.runes[s]) {
		s++
	}
	for e > s && unicode.IsSpace(d.runes[e-1]) {
		e--
	}
	if s < e {
		d.sentences = append(d.sentences, sentence{start: s, end: e})
	}
}

func (d *document) classify(s *sentence) {
	words, caps := 0, 0
	for _, t := range d.tokens[s.firstTok:s.endTok] {
		if len([]rune(t.norm)) < 4 || !unicode.IsLetter([]rune(t.norm)[0]) {
			continue
		}
		words++
		if unicode.IsUpper([]rune(t.orig)[0]) {
			caps++
		}
	}
	s.titleCase = words >= 3 && caps*10 >= words*7
	e := s.end - 1
	for e > s.start && (isCloser(d.runes[e]) || unicode.IsSpace(d.runes[e])) {
		e--
	}
	for e > s.start && d.runes[e] == '!' {
		e-- // "?!?!"
	}
	s.question = d.runes[e] == '?' && !d.quoted[e]
}

// gapIsJoin reports whether only spaces and hyphens separate code points a (inclusive) and b
// (exclusive), so two words there may be read as one phrase.
func (d *document) gapIsJoin(a, b int) bool {
	if b-a > 3 {
		return false
	}
	for _, r := range d.norm[a:b] {
		if r != ' ' && r != '-' {
			return false
		}
	}
	return true
}

// slice returns the code points [s, e) of the text (a substring of it).
func (d *document) slice(s, e int) string { return d.text[d.byteAt[s]:d.byteAt[e]] }
