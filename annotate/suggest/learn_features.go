package suggest

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"

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
	lex := builtinLexicon()
	d := analyse(text, lex)
	fc := &featCtx{d: d, tokLists: make([][]string, len(d.tokens)), sentRules: make([][]string, len(d.sentences)),
		tokRules: make([]string, len(d.tokens))}
	fc.markLists(lists)
	on := map[string]bool{}
	for _, id := range RuleIDs() {
		on[id] = true
	}
	run := &ruleRun{lex: lex, d: d, on: on}
	for si := range d.sentences {
		run.sentence(&d.sentences[si])
	}
	run.loaded()
	fc.ruleOut = run.out
	for _, s := range run.out {
		if s.Label == LabelLoadedLanguage {
			for ti := fc.tokenAt(s.Start); ti < len(d.tokens) && d.tokens[ti].start < s.End; ti++ {
				fc.tokRules[ti] = s.Rule
			}
		}
		for si, sn := range d.sentences {
			if sn.start < s.End && s.Start < sn.end && !slices.Contains(fc.sentRules[si], s.Rule) {
				fc.sentRules[si] = append(fc.sentRules[si], s.Rule)
			}
		}
	}
	return fc
}

// sentenceCue reports whether a word-list rule of label fires on sentence si (every sentence of
// the text when si is -1).
func (fc *featCtx) sentenceCue(si int, label annotate.Label) bool {
	for i, rules := range fc.sentRules {
		if si >= 0 && i != si {
			continue
		}
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

func (fc *featCtx) markLists(lists wordLists) {
	toks := fc.d.tokens
	names := make([]string, 0, len(lists))
	for name := range lists {
		names = append(names, name)
	}
	slices.Sort(names)
	// One look-up a phrase instead of one a list: the entries with the lists that hold them
	// (in name order), and the longest entry in words.
	index := map[string][]string{}
	longest := 1
	for _, name := range names {
		for phrase := range lists[name] {
			index[phrase] = append(index[phrase], name)
			longest = max(longest, strings.Count(phrase, " ")+1)
		}
	}
	var parts []string
	for i := range toks {
		parts = parts[:0]
		for n := 1; n <= min(3, longest) && i+n <= len(toks); n++ {
			if toks[i+n-1].sent != toks[i].sent {
				break
			}
			parts = append(parts, bareWord(toks[i+n-1]))
			for _, name := range index[strings.Join(parts, " ")] {
				for k := i; k < i+n; k++ {
					if !slices.Contains(fc.tokLists[k], name) {
						fc.tokLists[k] = append(fc.tokLists[k], name)
					}
				}
			}
		}
	}
	for i := range fc.tokLists {
		slices.Sort(fc.tokLists[i])
	}
}

// featureSet collects features; distinct returns each once, sorted.
type featureSet struct{ list []string }

func (f *featureSet) add(s string) { f.list = append(f.list, s) }

func (f *featureSet) distinct() []string {
	slices.Sort(f.list)
	return slices.Compact(f.list)
}

func charTrigrams(f *featureSet, word string) {
	r := []rune("<" + word + ">")
	if len(r) < 5 {
		return
	}
	for i := 0; i+3 <= len(r); i++ {
		f.add("c:" + string(r[i:i+3]))
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
	var f featureSet
	quoted, listed := 0, map[string]int{}
	for ti := first; ti < end; ti++ {
		t := d.tokens[ti]
		w := bareWord(t)
		f.add("w:" + w)
		if ti+1 < end {
			f.add("b:" + w + " " + bareWord(d.tokens[ti+1]))
		}
		if ti+2 < end {
			f.add("t:" + w + " " + bareWord(d.tokens[ti+1]) + " " + bareWord(d.tokens[ti+2]))
		}
		if ti-first < 4 {
			f.add("s:" + w)
		}
		charTrigrams(&f, w)
		for _, l := range fc.tokLists[ti] {
			f.add("l:" + l)
			listed[l]++
		}
		if firstPerson[w] {
			f.add("fp")
		}
		if secondPerson[w] {
			f.add("2p")
		}
		if unicode.IsDigit([]rune(w)[0]) {
			f.add("num")
		}
		if d.quoted[t.start] {
			quoted++
		}
	}
	if end > first {
		f.add("f:" + bareWord(d.tokens[first]))
		switch {
		case quoted*10 >= (end-first)*9:
			f.add("q:all")
		case quoted > 0:
			f.add("q:some")
		}
	}
	for l, n := range listed {
		if n >= 2 {
			f.add("l2:" + l)
		}
	}
	f.add(lengthBucket(end - first))
	for _, i := range sentIdx {
		for _, r := range fc.sentRules[i] {
			f.add("r:" + r)
		}
		if d.sentences[i].question {
			f.add("p:?")
		}
		if s := d.sentences[i]; s.end > s.start && slices.Contains(d.runes[s.start:s.end], '!') {
			f.add("p:!")
		}
	}
	return f.distinct()
}

// precompute fills the feature caches of every sentence and token (two goroutines: they write
// different caches), after which scoring only reads fc and may run concurrently.
func (fc *featCtx) precompute() {
	var wg sync.WaitGroup
	wg.Go(func() {
		for si := range fc.d.sentences {
			fc.sentenceFeatures(si)
		}
	})
	for ti, t := range fc.d.tokens {
		if t.sent >= 0 {
			fc.tokenFeatures(ti)
		}
	}
	wg.Wait()
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
	d := fc.d
	t := d.tokens[ti]
	w := bareWord(t)
	var f featureSet
	f.add("w:" + w)
	prev, next := "<s>", "</s>"
	if ti > 0 && d.tokens[ti-1].sent == t.sent {
		prev = bareWord(d.tokens[ti-1])
		for _, l := range fc.tokLists[ti-1] {
			f.add("l-1:" + l)
		}
	}
	if ti+1 < len(d.tokens) && d.tokens[ti+1].sent == t.sent {
		next = bareWord(d.tokens[ti+1])
		for _, l := range fc.tokLists[ti+1] {
			f.add("l+1:" + l)
		}
	}
	f.add("w-1:" + prev)
	f.add("w+1:" + next)
	f.add("b-:" + prev + " " + w)
	f.add("b+:" + w + " " + next)
	r := []rune(w)
	if len(r) >= 5 {
		f.add("s3:" + string(r[len(r)-3:]))
		f.add("s4:" + string(r[len(r)-4:]))
		f.add("p3:" + string(r[:3]))
	}
	charTrigrams(&f, w)
	switch o := []rune(t.orig); {
	case unicode.IsDigit(o[0]):
		f.add("sh:d")
	case len(o) > 1 && strings.ToUpper(t.orig) == t.orig && unicode.IsLetter(o[0]):
		f.add("sh:XX")
	case unicode.IsUpper(o[0]):
		f.add("sh:Xx")
	}
	for _, l := range fc.tokLists[ti] {
		f.add("l:" + l)
	}
	if fc.tokRules[ti] != "" {
		f.add("r:" + fc.tokRules[ti])
	}
	if d.quoted[t.start] {
		f.add("q:all")
	}
	return f.distinct()
}

// listNames describe the third-party lexicons in reasons.
var listNames = map[string]string{
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

// describeFeature renders a feature for a reviewer; "" for features not worth naming.
func describeFeature(feat string, fc *featCtx, si int) string {
	kind, val, _ := strings.Cut(feat, ":")
	switch kind {
	case "w", "f":
		return fmt.Sprintf("the word “%s”", val)
	case "b", "b-", "b+":
		return fmt.Sprintf("the words “%s”", val)
	case "w-1":
		return fmt.Sprintf("after “%s”", val)
	case "w+1":
		return fmt.Sprintf("before “%s”", val)
	case "c", "s3", "s4", "p3":
		return fmt.Sprintf("the letters “%s”", strings.Trim(val, "<>"))
	case "l", "l-1", "l+1":
		if n, ok := listNames[val]; ok {
			return n
		}
		return "lexicon " + val
	case "r":
		return "rule " + val
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
