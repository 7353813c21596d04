package suggest

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"unicode"
)

// The word lists are data, curated by hand: see the header of each file for its columns.
//
//go:embed lexicon/*.tsv
var lexiconFS embed.FS

// Kinds of lexicon entries. Which kinds a rule reads is stated in its description (RuleCatalog).
const (
	kindCue       = "cue"        // marks the sentence (or, for loaded language, itself)
	kindBlock     = "block"      // cancels a cue or verb that it contains
	kindVerb      = "verb"       // attribution verb
	kindSource    = "source"     // common noun naming a source
	kindPronoun   = "pronoun"    // pronoun standing for a source named elsewhere
	kindNonSource = "nonsource"  // capitalised word that is not a name, or a date ("March", "Friday")
	kindDet       = "determiner" // opens a source noun's phrase ("the" in "the letter")
	kindPhrase    = "phrase"     // "according to": the source follows
	kindOpener    = "opener"     // first word of a speculative question or conditional
	kindModal     = "modal"      // modal verb a conditional needs
	kindAbbrev    = "abbrev"     // splitter: abbreviation before "."
	kindName      = "name"       // splitter: name ending in "!" or "."

	splitterRule = "splitter"
)

var validKinds = []string{kindCue, kindBlock, kindVerb, kindSource, kindPronoun, kindNonSource, kindDet,
	kindPhrase, kindOpener, kindModal, kindAbbrev, kindName}

// pword is one word of a pattern.
type pword struct {
	text      string // folded; lower-case unless exactCase
	prefix    bool   // pattern word ended in "*"
	exactCase bool   // pattern word had a capital letter: match the original text exactly
}

func (w pword) matches(t token) bool {
	s := t.norm
	if w.exactCase {
		s = t.orig
	}
	if w.prefix {
		return strings.HasPrefix(s, w.text)
	}
	// A possessive matches its word: "rageaholic’s" is "rageaholic".
	return s == w.text || strings.TrimSuffix(strings.TrimSuffix(s, "'s"), "’s") == w.text // norm has ', orig may have ’
}

// pattern is a lexicon phrase.
type pattern struct {
	text  string
	words []pword
	file  string
	line  int
}

// entry is one line of a lexicon file.
type entry struct {
	rules []string
	kind  string
	pat   pattern
	note  string
}

type lexicon struct {
	entries    []entry
	sets       map[string]*matcher // key rule+"/"+kind
	abbrevs    map[string]bool
	splitNames map[string]bool
}

// set returns the patterns of one rule and kind (never nil).
func (l *lexicon) set(rule, kind string) *matcher {
	if m := l.sets[rule+"/"+kind]; m != nil {
		return m
	}
	return &matcher{}
}

var (
	builtinOnce sync.Once
	builtinLex  *lexicon
	builtinErr  error
)

// builtinLexicon parses the embedded lexicon once. A malformed file is a programming error caught
// by the package's tests, so callers panic on it.
func builtinLexicon() *lexicon {
	builtinOnce.Do(func() { builtinLex, builtinErr = loadLexicon(lexiconFS) })
	if builtinErr != nil {
		panic(builtinErr)
	}
	return builtinLex
}

// loadLexicon reads every lexicon/*.tsv of fsys.
func loadLexicon(fsys fs.FS) (*lexicon, error) {
	files, err := fs.Glob(fsys, "lexicon/*.tsv")
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("lexicon: no lexicon/*.tsv files")
	}
	lex := &lexicon{sets: map[string]*matcher{}, abbrevs: map[string]bool{}, splitNames: map[string]bool{}}
	for _, name := range files {
		f, err := fsys.Open(name)
		if err != nil {
			return nil, err
		}
		err = lex.read(path.Base(name), f)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	return lex, nil
}

func (l *lexicon) read(file string, r fs.File) error {
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 4 {
			return fmt.Errorf("lexicon %s line %d: want 4 tab-separated columns (rule, kind, pattern, note), got %d", file, n, len(cols))
		}
		e := entry{kind: cols[1], note: cols[3]}
		for _, id := range strings.Split(cols[0], ",") {
			if id != splitterRule && !knownRule(id) {
				return fmt.Errorf("lexicon %s line %d: unknown rule %q", file, n, id)
			}
			e.rules = append(e.rules, id)
		}
		if !slices.Contains(validKinds, e.kind) {
			return fmt.Errorf("lexicon %s line %d: unknown kind %q", file, n, e.kind)
		}
		p, err := parsePattern(cols[2])
		if err != nil {
			return fmt.Errorf("lexicon %s line %d: %w", file, n, err)
		}
		p.file, p.line = file, n
		e.pat = p
		l.entries = append(l.entries, e)
		for _, id := range e.rules {
			switch {
			case id == splitterRule && e.kind == kindAbbrev:
				l.abbrevs[p.text] = true
			case id == splitterRule && e.kind == kindName:
				l.splitNames[p.text] = true
			case id == splitterRule:
				return fmt.Errorf("lexicon %s line %d: the splitter takes only abbrev and name entries", file, n)
			default:
				key := id + "/" + e.kind
				if l.sets[key] == nil {
					l.sets[key] = &matcher{}
				}
				l.sets[key].add(p)
			}
		}
	}
	return sc.Err()
}

// parsePattern reads a lexicon pattern: words separated by spaces or hyphens, lower-case words
// matching any case, a word with a capital matching exactly, a trailing "*" matching any ending.
func parsePattern(s string) (pattern, error) {
	p := pattern{text: strings.TrimSpace(s)}
	fields := strings.FieldsFunc(p.text, func(r rune) bool { return r == ' ' || r == '-' })
	if len(fields) == 0 {
		return p, fmt.Errorf("empty pattern")
	}
	for _, f := range fields {
		w := pword{}
		if strings.HasSuffix(f, "*") {
			w.prefix = true
			f = strings.TrimSuffix(f, "*")
		}
		var b strings.Builder
		for _, r := range f {
			if unicode.IsUpper(r) {
				w.exactCase = true
			}
			if !isWordRune(r) && foldRune(r) != '\'' && r != '.' {
				return p, fmt.Errorf("pattern %q: %q is not part of a word", s, r)
			}
			b.WriteRune(r)
		}
		w.text = b.String()
		if !w.exactCase {
			w.text = strings.Map(foldRune, w.text)
		}
		if w.text == "" {
			return p, fmt.Errorf("pattern %q: empty word", s)
		}
		p.words = append(p.words, w)
	}
	if !strings.ContainsAny(p.text, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		p.text = strings.Map(foldRune, p.text)
	}
	return p, nil
}

// matcher finds lexicon patterns in a document, indexed by first word.
type matcher struct {
	byFirst  map[string][]pattern // first word exact (folded, or original when exactCase)
	prefixed []pattern            // first word is a prefix pattern
	size     int
}

func (m *matcher) add(p pattern) {
	m.size++
	if p.words[0].prefix {
		m.prefixed = append(m.prefixed, p)
		return
	}
	if m.byFirst == nil {
		m.byFirst = map[string][]pattern{}
	}
	m.byFirst[p.words[0].text] = append(m.byFirst[p.words[0].text], p)
}

// match is a pattern found at tokens [first, last].
type match struct {
	first, last int // token indexes, inclusive
	pat         pattern
}

// at returns the longest pattern matching at token ti, if any. A phrase must lie in one sentence
// with only spaces or hyphens between its words.
func (m *matcher) at(d *document, ti int) (match, bool) {
	best, found := match{}, false
	try := func(p pattern) {
		last, ok := matchWords(d, ti, p.words)
		if ok && (!found || last > best.last) {
			best, found = match{first: ti, last: last, pat: p}, true
		}
	}
	t := d.tokens[ti]
	for _, p := range m.byFirst[t.norm] {
		try(p)
	}
	if t.orig != t.norm {
		for _, p := range m.byFirst[t.orig] {
			try(p)
		}
	}
	if stem, ok := strings.CutSuffix(t.norm, "'s"); ok {
		for _, p := range m.byFirst[stem] {
			try(p)
		}
	}
	for _, p := range m.prefixed {
		try(p)
	}
	return best, found
}

func matchWords(d *document, ti int, words []pword) (int, bool) {
	if ti+len(words) > len(d.tokens) {
		return 0, false
	}
	for k, w := range words {
		t := d.tokens[ti+k]
		if !w.matches(t) {
			return 0, false
		}
		if k > 0 {
			prev := d.tokens[ti+k-1]
			if prev.sent != t.sent || !d.gapIsJoin(prev.end, t.start) {
				return 0, false
			}
		}
	}
	return ti + len(words) - 1, true
}

// all returns every match in tokens [from, to), leftmost-longest and non-overlapping.
func (m *matcher) all(d *document, from, to int) []match {
	if m.size == 0 {
		return nil
	}
	var out []match
	for ti := from; ti < to; ti++ {
		if mt, ok := m.at(d, ti); ok && mt.last < to {
			out = append(out, mt)
			ti = mt.last
		}
	}
	return out
}

// covers reports whether some pattern of m matches a phrase containing tokens [first, last].
func (m *matcher) covers(d *document, first, last int) bool {
	if m.size == 0 {
		return false
	}
	for ti := max(0, first-6); ti <= first; ti++ {
		if mt, ok := m.at(d, ti); ok && mt.last >= last {
			return true
		}
	}
	return false
}
