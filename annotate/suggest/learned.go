package suggest

import (
	"context"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
	"weak"

	"github.com/credence-project/credence/annotate"
)

// LearnedRuleID is the rule id of a learned label's suggestions ("learned.opinion"); admins switch
// a learned label off by this id like any rule, and its label then falls back to the word lists.
func LearnedRuleID(label annotate.Label) string { return "learned." + string(label) }

// LearnedCatalog describes the learned models as rules, for the rules listing of administrators.
func LearnedCatalog() []RuleInfo {
	var out []RuleInfo
	for _, l := range Labels() {
		out = append(out, RuleInfo{ID: LearnedRuleID(l), Label: l, Description: learnedDescriptions[l]})
	}
	return out
}

var learnedDescriptions = map[annotate.Label]string{
	LabelSourcedFact: "learned model (logistic regression over words, letter trigrams, report verbs and the attribution " +
		"rules as features, trained on PolNeAR): sentences that report what a source said; span: the sentence",
	LabelSpeculation: "learned model (trained on WikiWeasel, with hedge lexicons and the speculation rules as features): " +
		"hedged, rumoured or speculative sentences; span: the sentence",
	LabelOpinion: "learned model (trained on NewsSD-ENG and CheckThat! 2025 subjectivity): the writer's own judgement; " +
		"span: the sentence",
	LabelLoadedLanguage: "learned model over words and their neighbours, combined with the bias lexicon and the loaded-" +
		"language rules (trained on BASIL, SemEval-2021 memes and WNC): loaded words and phrases; span: the words",
}

// Learned is the default Suggester: a learned model per label, each label falling back to the
// word-list rules when its model is switched off or missing. It is safe for concurrent use.
type Learned struct {
	model    *Model
	compiled *compiledModel
	rules    *Rules
	off      map[annotate.Label]bool // labels whose learned model is switched off
}

// NewLearned returns the learned suggester of model; rules serves the labels switched off with
// disabledRules (learned rule ids), or absent from the model. A nil rules means NewRules().
func NewLearned(model *Model, rules *Rules, disabledRules ...string) *Learned {
	if rules == nil {
		rules = NewRules()
	}
	l := &Learned{model: model, compiled: compiledOf(model), rules: rules, off: map[annotate.Label]bool{}}
	for _, id := range disabledRules {
		if label, ok := strings.CutPrefix(id, "learned."); ok {
			l.off[annotate.Label(label)] = true
		}
	}
	for _, label := range Labels() {
		if model.Labels[label] == nil {
			l.off[annotate.Label(label)] = true
		}
	}
	return l
}

// Model returns the model in use.
func (l *Learned) Model() *Model { return l.model }

// scoredUnit is a sentence or token with its probability under one label's model.
type scoredUnit struct {
	start, end int
	p          float64
	unit       int  // sentence or token index
	joinNext   bool // a token chained to the next one (same sentence, joined by space, hyphen, comma or "and")
	cue        bool // a word-list rule of the label fires on the unit
	listed     bool // a word of one of the model's ListLists (held to the listed threshold)
	weak       bool // a token that carries no judgement of its own (joinerWords): never a span's edge
}

// joinerWords are the function words a run of passing tokens may hold ("arrogant and
// sanctimonious", "a tidal wave of lies") but should not begin or end with: a run is trimmed of
// them at both ends, and a run of nothing else is not suggested. Chosen by hand for the reviewer,
// not on any figure (EVALUATION.md, "Tenth round").
var joinerWords = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "or": true, "but": true, "nor": true,
	"of": true, "to": true, "in": true, "on": true, "at": true, "for": true, "by": true,
	"with": true, "from": true, "as": true, "is": true, "are": true, "was": true, "were": true,
	"be": true, "been": true, "it": true, "its": true, "this": true, "that": true,
}

// thresholds are a label's calibrated thresholds: for units where one of the label's word-list
// rules fires (the lexicon's evidence) and for the others; listed, when above 0, for units
// without a rule that hold a word of one of the model's ListLists (experiments only so far:
// EVALUATION.md, "Eleventh round").
type thresholds struct{ plain, cue, listed float64 }

func (th thresholds) passes(u scoredUnit) bool {
	switch {
	case u.cue:
		return u.p >= th.cue
	case u.listed && th.listed > 0:
		return u.p >= th.listed
	}
	return u.p >= th.plain
}

func (lm *LabelModel) thresholds() thresholds {
	return thresholds{plain: lm.Threshold, cue: lm.CueThreshold, listed: lm.ListThreshold}
}

// cueListed reports whether one of a token's lexicons (lists) is among lm's CueLists.
func (lm *LabelModel) cueListed(lists []string) bool { return anyListed(lm.CueLists, lists) }

// anyListed reports whether one of lists is among names.
func anyListed(names, lists []string) bool {
	for _, l := range names {
		if slices.Contains(lists, l) {
			return true
		}
	}
	return false
}

// minSentenceWords: shorter "sentences" (datelines, bylines, list labels) are never suggested.
const minSentenceWords = 3

// score returns the units of fc under lm (the trainer's calibration: features as strings).
func (lm *LabelModel) score(fc *featCtx, label annotate.Label) []scoredUnit {
	if lm.Unit == unitSentence {
		return lm.scoreBy(fc, label, func(si int) float64 { return lm.prob(fc.sentenceFeatures(si)) })
	}
	return lm.scoreBy(fc, label, func(ti int) float64 { return lm.prob(fc.tokenFeatures(ti)) })
}

// scoreIDs is score from the feature numbers of ic: the same units and probabilities.
func (lm *LabelModel) scoreIDs(ic *inferCtx, label annotate.Label) []scoredUnit {
	w, units := ic.cm.weights[label], &ic.token
	if lm.Unit == unitSentence {
		units = &ic.sentence
	}
	return lm.scoreBy(ic.fc, label, func(i int) float64 { return lm.probIDs(w, units.of(i)) })
}

// scoreBy returns the units of fc under lm, prob giving the probability of unit i.
func (lm *LabelModel) scoreBy(fc *featCtx, label annotate.Label, prob func(i int) float64) []scoredUnit {
	d := fc.d
	var out []scoredUnit
	if lm.Unit == unitSentence {
		out = make([]scoredUnit, 0, len(d.sentences))
		for si, s := range d.sentences {
			if s.wordCount() < minSentenceWords {
				continue
			}
			out = append(out, scoredUnit{start: s.start, end: s.end, p: prob(si), unit: si,
				cue: fc.sentenceCue(si, label)})
		}
		return out
	}
	out = make([]scoredUnit, 0, len(d.tokens))
	for ti, t := range d.tokens {
		if t.sent < 0 {
			continue
		}
		u := scoredUnit{start: t.start, end: t.end, p: prob(ti), unit: ti, cue: fc.tokRules[ti] != "" || lm.cueListed(fc.tokLists[ti]),
			listed: anyListed(lm.ListLists, fc.tokLists[ti]), weak: joinerWords[bareWord(t)]}
		if ti+1 < len(d.tokens) {
			u.joinNext = d.chained(ti, ti+1) || (d.tokens[ti+1].sent == t.sent && d.gapIsJoin(t.end, d.tokens[ti+1].start))
		}
		out = append(out, u)
	}
	return out
}

// decoded is one span the decoder keeps: its offsets and the unit that scored highest in it.
type decoded struct {
	start, end int
	p          float64
	best       int
}

// decode keeps the units that pass their threshold; consecutive chained tokens make one span,
// trimmed of weak tokens at its edges.
func decode(units []scoredUnit, th thresholds) []decoded {
	var out []decoded
	for i := 0; i < len(units); i++ {
		if !th.passes(units[i]) {
			continue
		}
		first := i
		for i+1 < len(units) && units[i].joinNext && th.passes(units[i+1]) && units[i+1].unit == units[i].unit+1 {
			i++
		}
		lo, hi := first, i
		for lo <= hi && units[lo].weak {
			lo++
		}
		for hi >= lo && units[hi].weak {
			hi--
		}
		if lo > hi {
			continue
		}
		d := decoded{start: units[lo].start, end: units[hi].end, p: -1}
		for _, u := range units[lo : hi+1] {
			if !u.weak && u.p > d.p { // a joiner inside the run scores by its neighbours, so it is not the reason
				d.p, d.best = u.p, u.unit
			}
		}
		out = append(out, d)
	}
	return out
}

// widenToRules stretches each of a token model's spans (in text order) over the phrases of the
// label's word-list rules it overlaps, so that a rule's phrase ("shit for brains", "thrown under
// the bus", "arrogant and sanctimonious asshole") is shown whole when the model passes any word
// of it, not as the one word that passed; spans that then overlap are merged, keeping the higher
// score. The lexicon's phrase is the unit of its evidence.
func widenToRules(ds []decoded, rules [][2]int) []decoded {
	if len(rules) == 0 {
		return ds
	}
	for i := range ds {
		for _, r := range rules {
			if r[0] < ds[i].end && ds[i].start < r[1] {
				ds[i].start, ds[i].end = min(ds[i].start, r[0]), max(ds[i].end, r[1])
			}
		}
	}
	// Spans stay in text order: a span widened back past the one before it overlaps the same
	// phrase, which widened that one too.
	out := ds[:0]
	for _, d := range ds {
		if n := len(out); n > 0 && d.start < out[n-1].end {
			last := &out[n-1]
			last.start, last.end = min(last.start, d.start), max(last.end, d.end)
			if d.p > last.p {
				last.p, last.best = d.p, d.best
			}
			continue
		}
		out = append(out, d)
	}
	return out
}

// Suggest scores every sentence and token of text with each label's model and keeps what reaches
// the label's calibrated threshold; labels switched off come from the rules.
func (l *Learned) Suggest(ctx context.Context, text string) ([]Suggestion, error) {
	if !utf8.ValidString(text) {
		return nil, ErrInvalidText
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fc := newFeatCtxIndexed(text, l.compiled.lists)
	// The features ran every rule; what the rules suggest is what the enabled ones found.
	on := map[string]bool{}
	for _, id := range l.rules.Enabled() {
		on[id] = true
	}
	var rs []Suggestion
	for _, s := range fc.ruleOut {
		if on[s.Rule] {
			rs = append(rs, s)
		}
	}
	rs = mergeSameSpan(rs)
	var out []Suggestion
	for _, s := range rs {
		if l.off[s.Label] {
			out = append(out, s)
		}
	}
	// Every label's model reads the same features: computed once, then the labels are scored
	// side by side (each reads the caches only).
	ic := l.infer(fc)
	defer ic.release()
	labels := Labels()
	per := make([][]Suggestion, len(labels))
	var wg sync.WaitGroup
	for i, label := range labels {
		if l.off[label] {
			continue
		}
		wg.Go(func() { per[i] = l.suggestLabel(ic, label, rs) })
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, p := range per {
		out = append(out, p...)
	}
	SortSuggestions(out)
	return out, nil
}

// suggestLabel is what label's model suggests on fc, with the trusted rules' suggestions (of rs)
// where the model is silent.
func (l *Learned) suggestLabel(ic *inferCtx, label annotate.Label, rs []Suggestion) []Suggestion {
	lm := l.model.Labels[label]
	var out []Suggestion
	var spans [][2]int
	sl := &labelSuggester{ic: ic, label: label, lm: lm, rule: LearnedRuleID(label), model: l.model.ID(),
		what: strings.ReplaceAll(string(label), "_", " "), vocab: ic.cm.vocab[lm.Unit], w: ic.cm.weights[label]}
	ds := decode(lm.scoreIDs(ic, label), lm.thresholds())
	if lm.Unit == unitToken {
		var phrases [][2]int
		for _, s := range rs {
			if s.Label == label {
				phrases = append(phrases, [2]int{s.Start, s.End})
			}
		}
		ds = widenToRules(ds, phrases)
	}
	for _, dc := range ds {
		out = append(out, sl.suggestion(dc))
		spans = append(spans, [2]int{dc.start, dc.end})
	}
	// The rules measured precise enough on the calibration part speak where the model is silent.
	for _, tr := range lm.Rules {
		for _, s := range rs {
			if tr.Trusted && s.Rule == tr.Rule && !overlapsAny([2]int{s.Start, s.End}, spans) {
				s.Confidence = tr.Precision
				out = append(out, s)
			}
		}
	}
	return out
}

// labelSuggester builds the suggestions of one label's model on one document.
type labelSuggester struct {
	ic                *inferCtx
	label             annotate.Label
	lm                *LabelModel
	rule, model, what string
	vocab             *unitVocab
	w                 []float64
	contrib           []contribution // reused
}

// compiledModel is what the suggester reads of a model, prepared once a model: the features of
// each unit's models numbered in the order of their names, each label's weights by number, and
// the lexicons indexed. Scoring a unit then sums the weights of its feature numbers in that order,
// the order in which linear.prob sums them by name: the same sums, so the same probabilities.
type compiledModel struct {
	vocab   map[string]*unitVocab // by unit
	weights map[annotate.Label][]float64
	lists   *listIndex
}

// unitVocab numbers the features of the models of one unit (sentence or token).
type unitVocab struct {
	ids     map[string]int32
	filter  *featureFilter
	names   []string // by number, sorted
	letters []bool   // by number: isLetters
}

func newCompiledModel(m *Model) *compiledModel {
	cm := &compiledModel{vocab: map[string]*unitVocab{}, weights: map[annotate.Label][]float64{}, lists: newListIndex(m.Lists)}
	names := map[string][]string{}
	for _, lm := range m.Labels {
		for f := range lm.Weights {
			names[lm.Unit] = append(names[lm.Unit], f)
		}
	}
	for unit, ns := range names {
		slices.Sort(ns)
		ns = slices.Compact(ns)
		v := &unitVocab{ids: make(map[string]int32, len(ns)), names: ns, letters: make([]bool, len(ns))}
		for i, f := range ns {
			v.ids[f] = int32(i)
			v.letters[i] = isLetters(f)
		}
		v.filter = newFeatureFilter(ns)
		cm.vocab[unit] = v
	}
	for label, lm := range m.Labels {
		v := cm.vocab[lm.Unit]
		w := make([]float64, len(v.names)+1) // never empty, so a label always has a slice
		for f, x := range lm.Weights {
			w[v.ids[f]] = x
		}
		cm.weights[label] = w
	}
	return cm
}

// compiledModels holds the compiled form of every model in use, dropped when its model is
// collected. Models are immutable once built (Model), so one compilation serves every request.
var compiledModels sync.Map // weak.Pointer[Model] -> *compiledModel

func compiledOf(m *Model) *compiledModel {
	key := weak.Make(m)
	if cm, ok := compiledModels.Load(key); ok {
		return cm.(*compiledModel)
	}
	cm, loaded := compiledModels.LoadOrStore(key, newCompiledModel(m))
	if !loaded {
		runtime.AddCleanup(m, func(k weak.Pointer[Model]) { compiledModels.Delete(k) }, key)
	}
	return cm.(*compiledModel)
}

// probIDs is lm.prob of the features numbered ids (sorted) with weights w.
func (lm *LabelModel) probIDs(w []float64, ids []int32) float64 {
	z := lm.Bias
	for _, id := range ids {
		z += w[id]
	}
	return sigmoid(z)
}

// unitIDs are the feature numbers of every unit of one kind, end to end.
type unitIDs struct {
	ids []int32
	off []int32 // unit i's numbers are ids[off[i]:off[i+1]]
}

func (u *unitIDs) of(i int) []int32 { return u.ids[u.off[i]:u.off[i+1]] }

// fill numbers the features of units 0..n-1 in vocab; add puts unit i's features into f, and
// units skip says are left empty (never scored).
// fill numbers the features of units 0..n-1 in vocab with f (whose buffers it reuses); add puts
// unit i's features into f, and units skip says are left empty (never scored).
func (u *unitIDs) fill(f *featureSet, n int, vocab *unitVocab, words *wordNumbers, skip func(int) bool, add func(*featureSet, int)) {
	u.off, u.ids = u.off[:0], u.ids[:0]
	if vocab == nil {
		return
	}
	u.off = slices.Grow(u.off, n+1)[:n+1]
	u.off[0] = 0
	f.reuse(vocab.ids, vocab.filter, words.of, words.n)
	for i := range n {
		if !skip(i) {
			f.ids = f.ids[:0]
			add(f, i)
			u.ids = append(u.ids, f.distinctIDs()...)
		}
		u.off[i+1] = int32(len(u.ids))
	}
}

// inferCtx is a document's feature numbers for the models of a Learned, in buffers reused from
// one request to the next (inferPool).
type inferCtx struct {
	fc              *featCtx
	cm              *compiledModel
	sentence, token unitIDs
	sf, tf          featureSet // the sentences' and the tokens'
	words           wordNumbers
}

var inferPool = sync.Pool{New: func() any { return &inferCtx{words: wordNumbers{seen: map[string]int32{}}} }}

// infer numbers the features of every sentence and token of fc, the two kinds side by side, after
// which scoring only reads them and may run concurrently. Give it back with release.
func (l *Learned) infer(fc *featCtx) *inferCtx {
	ic := inferPool.Get().(*inferCtx)
	ic.fc, ic.cm = fc, l.compiled
	d := fc.d
	ic.words.number(d)
	var wg sync.WaitGroup
	wg.Go(func() {
		ic.sentence.fill(&ic.sf, len(d.sentences), ic.cm.vocab[unitSentence], &ic.words,
			func(si int) bool { return d.sentences[si].wordCount() < minSentenceWords }, fc.addSentenceFeatures)
	})
	ic.token.fill(&ic.tf, len(d.tokens), ic.cm.vocab[unitToken], &ic.words, func(ti int) bool { return d.tokens[ti].sent < 0 }, fc.addTokenFeatures)
	wg.Wait()
	return ic
}

// release gives ic's buffers back for another request; nothing may read ic afterwards.
func (ic *inferCtx) release() {
	ic.fc, ic.cm = nil, nil
	clear(ic.words.seen) // holds the text's words
	ic.sf.reuse(nil, nil, nil, 0)
	ic.tf.reuse(nil, nil, nil, 0)
	inferPool.Put(ic)
}

// wordNumbers numbers the distinct bare words of a document, so that the features of a word
// are looked up once (featureSet.perWord).
type wordNumbers struct {
	of   []int32 // per token
	n    int
	seen map[string]int32
}

// number numbers the words of d, reusing w's buffers.
func (w *wordNumbers) number(d *document) {
	clear(w.seen)
	seen := w.seen
	w.of = slices.Grow(w.of[:0], len(d.tokens))[:len(d.tokens)]
	for ti, t := range d.tokens {
		b := bareWord(t)
		k, ok := seen[b]
		if !ok {
			k = int32(len(seen))
			seen[b] = k
		}
		w.of[ti] = k
	}
	w.n = len(seen)
}
