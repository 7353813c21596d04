package suggest

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/credence-project/credence/annotate"
)

// The learned models read features of two kinds of unit: a sentence (sourced fact, speculation,
// opinion) and a token (loaded language). Every feature is a readable string, so a model's weights
// say what it learned and a suggestion's reason can name the features that weighed most.
//
//	w:word        a word (lower case)        b:w1 w2     two adjacent words
//	c:abc         a letter trigram of a word  f:word      the sentence's first word
//	l:list        a word of a third-party lexicon (hedges, report verbs, bias words…)
//	r:rule        a built-in rule fired here (the rules are features of the models)
//	q:all|some    inside a quotation          p:?  p:!    question, exclamation
//	fp  2p        first or second person     len:N       length bucket   num  digits
//
// Token features add the neighbours (w-1:, w+1:, l-1:, l+1:), affixes (s3:, s4:, p3:) and the
// word's shape (sh:Xx capitalised, sh:XX capitals, sh:d digits).

// wordLists are third-party lexicons, each a set of lower-case words or phrases of up to three
// words. They are stored in the model file so that inference needs nothing else.
type wordLists map[string]map[string]bool

// featCtx is a document prepared for feature extraction.
type featCtx struct {
	d         *document
	tokLists  [][]string   // per token: the lists with an entry covering it, sorted
	sentRules [][]string   // per sentence: rule ids of sentence-level suggestions overlapping it
	tokRules  []string     // per token: the loaded-language rule covering it, or ""
	ruleOut   []Suggestion // every rule's suggestions, before merging
	sentFeats [][]string   // per sentence, computed once for every label's model
	tokFeats  [][]string
}

var firstPerson = map[string]bool{"i": true, "me": true, "my": true, "mine": true, "we": true, "our": true, "us": true, "i'm": true, "i've": true, "we're": true}
var secondPerson = map[string]bool{"you": true, "your": true, "yours": true, "you're": true}

// newFeatCtx analyses text, runs every built-in rule over it and marks the lexicon entries.
func newFeatCtx(text string, lists wordLists) *featCtx {
	return newFeatCtxIndexed(text, newListIndex(lists))
}

// newFeatCtxIndexed is newFeatCtx with the lexicons already indexed (the suggester indexes a
// model's lexicons once).
func newFeatCtxIndexed(text string, lists *listIndex) *featCtx {
	lex := builtinLexicon()
	d := analyse(text, lex)
	fc := &featCtx{d: d, tokLists: make([][]string, len(d.tokens)), sentRules: make([][]string, len(d.sentences)),
		tokRules: make([]string, len(d.tokens))}
	// The lexicons, the sentence rules over each half of the text and the loaded-language rules
	// side by side: each reads the document and writes its own output, joined in the order of a
	// single run.
	on := map[string]bool{}
	for _, id := range RuleIDs() {
		on[id] = true
	}
	runs := [3]*ruleRun{}
	for i := range runs {
		runs[i] = &ruleRun{lex: lex, d: d, on: on}
	}
	half := len(d.sentences) / 2
	var wg sync.WaitGroup
	wg.Go(func() { fc.markLists(lists) })
	wg.Go(func() {
		for si := half; si < len(d.sentences); si++ {
			runs[1].sentence(&d.sentences[si])
		}
	})
	wg.Go(runs[2].loaded)
	for si := range half {
		runs[0].sentence(&d.sentences[si])
	}
	wg.Wait()
	fc.ruleOut = slices.Concat(runs[0].out, runs[1].out, runs[2].out)
	for _, s := range fc.ruleOut {
		if s.Label == LabelLoadedLanguage {
			for ti := fc.tokenAt(s.Start); ti < len(d.tokens) && d.tokens[ti].start < s.End; ti++ {
				fc.tokRules[ti] = s.Rule
			}
		}
		// Sentences are in text order and do not overlap: the first one ending after the
		// suggestion's start is the first that may overlap it.
		si, _ := slices.BinarySearchFunc(d.sentences, s.Start, func(sn sentence, off int) int {
			if sn.end <= off {
				return -1
			}
			return 1
		})
		for ; si < len(d.sentences) && d.sentences[si].start < s.End; si++ {
			if sn := d.sentences[si]; sn.start < s.End && s.Start < sn.end && !slices.Contains(fc.sentRules[si], s.Rule) {
				fc.sentRules[si] = append(fc.sentRules[si], s.Rule)
			}
		}
	}
	return fc
}

// sentenceCue reports whether a word-list rule of label fires on sentence si (every sentence of
// the text when si is -1).
func (fc *featCtx) sentenceCue(si int, label annotate.Label) bool {
	all := fc.sentRules
	if si >= 0 {
		all = all[si : si+1]
	}
	for _, rules := range all {
		for _, r := range rules {
			if k := ruleIndex(r); k >= 0 && catalog[k].Label == label {
				return true
			}
		}
	}
	return false
}

// tokenAt returns the index of the first token ending after offset off.
func (fc *featCtx) tokenAt(off int) int {
	i, _ := slices.BinarySearchFunc(fc.d.tokens, off, func(t token, off int) int {
		if t.end <= off {
			return -1
		}
		return 1
	})
	return i
}

// bareWord is a token's folded text without a possessive "'s".
func bareWord(t token) string { return strings.TrimSuffix(t.norm, "'s") }

// listIndex is the lexicons indexed for one look-up a phrase instead of one a list: the entries
// with the lists that hold them (in name order), and the longest entry in words.
type listIndex struct {
	index   map[string]listEntry
	longest int
}

// listEntry is what the lexicons hold for a phrase: the lists with the phrase, and whether it
// starts a longer phrase (so that a look-up of the longer one may find something).
type listEntry struct {
	lists  []string
	prefix bool
}

func newListIndex(lists wordLists) *listIndex {
	names := make([]string, 0, len(lists))
	for name := range lists {
		names = append(names, name)
	}
	slices.Sort(names)
	x := &listIndex{index: map[string]listEntry{}, longest: 1}
	for _, name := range names {
		for phrase := range lists[name] {
			e := x.index[phrase]
			e.lists = append(e.lists, name)
			x.index[phrase] = e
			x.longest = max(x.longest, strings.Count(phrase, " ")+1)
			for i, r := range phrase {
				if r == ' ' {
					e := x.index[phrase[:i]]
					e.prefix = true
					x.index[phrase[:i]] = e
				}
			}
		}
	}
	return x
}

func (fc *featCtx) markLists(lists *listIndex) {
	toks := fc.d.tokens
	index, longest := lists.index, lists.longest
	var phrase []byte // the words from token i, joined by spaces
	for i := range toks {
		phrase = phrase[:0]
		for n := 1; n <= min(3, longest) && i+n <= len(toks); n++ {
			if toks[i+n-1].sent != toks[i].sent {
				break
			}
			if n > 1 {
				phrase = append(phrase, ' ')
			}
			phrase = append(phrase, bareWord(toks[i+n-1])...)
			e := index[string(phrase)]
			for _, name := range e.lists {
				for k := i; k < i+n; k++ {
					if !slices.Contains(fc.tokLists[k], name) {
						fc.tokLists[k] = append(fc.tokLists[k], name)
					}
				}
			}
			if !e.prefix {
				break // no longer phrase starts with these words
			}
		}
	}
	for i := range fc.tokLists {
		slices.Sort(fc.tokLists[i])
	}
}

// appendRunes appends the code points of s to r.
func appendRunes(r []rune, s string) []rune {
	for _, c := range s {
		r = append(r, c)
	}
	return r
}

func charTrigrams(f *featureSet, word string) {
	var buf [64]rune
	r := append(appendRunes(append(buf[:0], '<'), word), '>')
	if len(r) < 5 {
		return
	}
	for i := 0; i+3 <= len(r); i++ {
		f.addRunes("c:", r[i:i+3])
	}
}

func lengthBucket(n int) string {
	switch {
	case n <= 5:
		return "len:5"
	case n <= 10:
		return "len:10"
	case n <= 20:
		return "len:20"
	case n <= 40:
		return "len:40"
	}
	return "len:more"
}

// sentenceFeatures returns the features of the sentence with index si, or of the whole text when
// si is -1 (a training row that is one sentence).
func (fc *featCtx) sentenceFeatures(si int) []string {
	if si < 0 {
		return fc.computeSentenceFeatures(si)
	}
	if fc.sentFeats == nil {
		fc.sentFeats = make([][]string, len(fc.d.sentences))
	}
	if fc.sentFeats[si] == nil {
		fc.sentFeats[si] = fc.computeSentenceFeatures(si)
	}
	return fc.sentFeats[si]
}

func (fc *featCtx) computeSentenceFeatures(si int) []string {
	var f featureSet
	fc.addSentenceFeatures(&f, si)
	return f.distinct()
}

// addSentenceFeatures adds the features of sentence si (the whole text when -1) to f.
func (fc *featCtx) addSentenceFeatures(f *featureSet, si int) {
	d := fc.d
	first, end := 0, len(d.tokens)
	var sentIdx []int
	if si >= 0 {
		first, end = d.sentences[si].firstTok, d.sentences[si].endTok
		sentIdx = []int{si}
	} else {
		for i := range d.sentences {
			sentIdx = append(sentIdx, i)
		}
	}
	type count struct {
		list string
		n    int
	}
	quoted, listed := 0, []count{} // how many words of each list the sentence holds
	for ti := first; ti < end; ti++ {
		t := &d.tokens[ti]
		w := bareWord(*t)
		f.perWord(blockSentenceWord, ti, func() {
			f.addKV("w:", w)
			charTrigrams(f, w)
			if firstPerson[w] {
				f.add("fp")
			}
			if secondPerson[w] {
				f.add("2p")
			}
			if r, _ := utf8.DecodeRuneInString(w); unicode.IsDigit(r) {
				f.add("num")
			}
		})
		if ti+1 < end {
			f.addWords("b:", w, bareWord(d.tokens[ti+1]))
		}
		if ti+2 < end {
			f.addWords("t:", w, bareWord(d.tokens[ti+1]), bareWord(d.tokens[ti+2]))
		}
		if ti-first < 4 {
			f.addKV("s:", w)
		}
		for _, l := range fc.tokLists[ti] {
			f.addKV("l:", l)
			if k := slices.IndexFunc(listed, func(c count) bool { return c.list == l }); k >= 0 {
				listed[k].n++
			} else {
				listed = append(listed, count{l, 1})
			}
		}
		if d.quoted[t.start] {
			quoted++
		}
	}
	if end > first {
		f.addKV("f:", bareWord(d.tokens[first]))
		switch {
		case quoted*10 >= (end-first)*9:
			f.add("q:all")
		case quoted > 0:
			f.add("q:some")
		}
	}
	for _, c := range listed {
		if c.n >= 2 {
			f.addKV("l2:", c.list)
		}
	}
	fc.addSpeculationPatterns(f, first, end)
	f.add(lengthBucket(end - first))
	for _, i := range sentIdx {
		for _, r := range fc.sentRules[i] {
			f.addKV("r:", r)
		}
		if d.sentences[i].question {
			f.add("p:?")
		}
		if s := d.sentences[i]; s.end > s.start && slices.Contains(d.runes[s.start:s.end], '!') {
			f.add("p:!")
		}
	}
}

// tokenFeatures returns the features of token ti for the loaded-language model.
func (fc *featCtx) tokenFeatures(ti int) []string {
	if fc.tokFeats == nil {
		fc.tokFeats = make([][]string, len(fc.d.tokens))
	}
	if fc.tokFeats[ti] == nil {
		fc.tokFeats[ti] = fc.computeTokenFeatures(ti)
	}
	return fc.tokFeats[ti]
}

func (fc *featCtx) computeTokenFeatures(ti int) []string {
	var f featureSet
	fc.addTokenFeatures(&f, ti)
	return f.distinct()
}

// addTokenFeatures adds the features of token ti to f.
func (fc *featCtx) addTokenFeatures(f *featureSet, ti int) {
	d := fc.d
	t := &d.tokens[ti]
	w := bareWord(*t)
	f.perWord(blockTokenWord, ti, func() {
		f.addKV("w:", w)
		var buf [64]rune
		if r := appendRunes(buf[:0], w); len(r) >= 5 {
			f.addRunes("s3:", r[len(r)-3:])
			f.addRunes("s4:", r[len(r)-4:])
			f.addRunes("p3:", r[:3])
		}
		charTrigrams(f, w)
	})
	prev, next := "<s>", "</s>"
	if ti > 0 && d.tokens[ti-1].sent == t.sent {
		prev = bareWord(d.tokens[ti-1])
		for _, l := range fc.tokLists[ti-1] {
			f.addKV("l-1:", l)
		}
		f.perWord(blockTokenPrev, ti-1, func() { f.addKV("w-1:", prev) })
	} else {
		f.addKV("w-1:", prev)
	}
	if ti+1 < len(d.tokens) && d.tokens[ti+1].sent == t.sent {
		next = bareWord(d.tokens[ti+1])
		for _, l := range fc.tokLists[ti+1] {
			f.addKV("l+1:", l)
		}
		f.perWord(blockTokenNext, ti+1, func() { f.addKV("w+1:", next) })
	} else {
		f.addKV("w+1:", next)
	}
	f.addWords("b-:", prev, w)
	f.addWords("b+:", w, next)
	switch o, size := utf8.DecodeRuneInString(t.orig); {
	case unicode.IsDigit(o):
		f.add("sh:d")
	case size < len(t.orig) && isUpperAll(t.orig) && unicode.IsLetter(o):
		f.add("sh:XX")
	case unicode.IsUpper(o):
		f.add("sh:Xx")
	}
	for _, l := range fc.tokLists[ti] {
		f.addKV("l:", l)
	}
	if fc.tokRules[ti] != "" {
		f.addKV("r:", fc.tokRules[ti])
	}
	if d.quoted[t.start] {
		f.add("q:all")
	}
	if loadedContext {
		fc.addLoadedPatterns(f, ti)
	}
}

// listNames describe the lexicons in reasons: the third-party ones and the project's charged words.
var listNames = map[string]string{
	"charged":     "a charged word",
	"hedge":       "a hedge",
	"hedge_lrec":  "a hedge",
	"booster":     "a booster",
	"report":      "a report verb",
	"bias":        "a word of the bias lexicon",
	"factive":     "a factive verb",
	"assertive":   "an assertive verb",
	"implicative": "an implicative verb",
	"discourse":   "a discourse marker",
}

// describeFeature renders a feature for a reviewer; "" for features not worth naming. Letter
// features are named by the word they spell (labelSuggester.spelling).
func describeFeature(feat string, fc *featCtx, si int) string {
	kind, val, _ := strings.Cut(feat, ":")
	switch kind {
	case "w", "f":
		return fmt.Sprintf("the word “%s”", val)
	case "b", "b-", "b+":
		if w, ok := strings.CutPrefix(val, "<s> "); ok {
			return fmt.Sprintf("“%s” at the start of its sentence", w)
		}
		if w, ok := strings.CutSuffix(val, " </s>"); ok {
			return fmt.Sprintf("“%s” at the end of its sentence", w)
		}
		return fmt.Sprintf("the words “%s”", val)
	case "w-1":
		if val == "<s>" {
			return "at the start of its sentence"
		}
		return fmt.Sprintf("after “%s”", val)
	case "w+1":
		if val == "</s>" {
			return "at the end of its sentence"
		}
		return fmt.Sprintf("before “%s”", val)
	case "l", "l-1", "l+1":
		if n, ok := listNames[val]; ok {
			return n
		}
		return "lexicon " + val
	case "r":
		return "rule " + val
	case "x":
		if n, ok := loadedPatternNames[val]; ok {
			return n
		}
		return specPatternNames[val]
	case "q":
		if val == "some" {
			return "quotes someone"
		}
		return "inside a quotation"
	case "p":
		if val == "?" {
			return "a question"
		}
		return "an exclamation"
	case "fp":
		return "first person"
	case "2p":
		return "addresses the reader"
	case "sh":
		if val == "XX" {
			return "written in capitals"
		}
	}
	return ""
}
