package suggest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

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
	model *Model
	rules *Rules
	off   map[annotate.Label]bool // labels whose learned model is switched off
}

// NewLearned returns the learned suggester of model; rules serves the labels switched off with
// disabledRules (learned rule ids), or absent from the model. A nil rules means NewRules().
func NewLearned(model *Model, rules *Rules, disabledRules ...string) *Learned {
	if rules == nil {
		rules = NewRules()
	}
	l := &Learned{model: model, rules: rules, off: map[annotate.Label]bool{}}
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
}

// thresholds are a label's two calibrated thresholds: for units where one of the label's
// word-list rules fires (the lexicon's evidence) and for the others.
type thresholds struct{ plain, cue float64 }

func (th thresholds) passes(u scoredUnit) bool {
	if u.cue {
		return u.p >= th.cue
	}
	return u.p >= th.plain
}

func (lm *LabelModel) thresholds() thresholds { return thresholds{lm.Threshold, lm.CueThreshold} }

// minSentenceWords: shorter "sentences" (datelines, bylines, list labels) are never suggested.
const minSentenceWords = 3

// score returns the units of fc under lm, with their features when keep is set.
func (lm *LabelModel) score(fc *featCtx, label annotate.Label) []scoredUnit {
	d := fc.d
	var out []scoredUnit
	if lm.Unit == unitSentence {
		for si, s := range d.sentences {
			if s.wordCount() < minSentenceWords {
				continue
			}
			out = append(out, scoredUnit{start: s.start, end: s.end, p: lm.prob(fc.sentenceFeatures(si)), unit: si,
				cue: fc.sentenceCue(si, label)})
		}
		return out
	}
	for ti, t := range d.tokens {
		if t.sent < 0 {
			continue
		}
		u := scoredUnit{start: t.start, end: t.end, p: lm.prob(fc.tokenFeatures(ti)), unit: ti, cue: fc.tokRules[ti] != ""}
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

// decode keeps the units that pass their threshold; consecutive chained tokens make one span.
func decode(units []scoredUnit, th thresholds) []decoded {
	var out []decoded
	for i := 0; i < len(units); i++ {
		u := units[i]
		if !th.passes(u) {
			continue
		}
		d := decoded{start: u.start, end: u.end, p: u.p, best: u.unit}
		for i+1 < len(units) && units[i].joinNext && th.passes(units[i+1]) && units[i+1].unit == units[i].unit+1 {
			i++
			d.end = units[i].end
			if units[i].p > d.p {
				d.p, d.best = units[i].p, units[i].unit
			}
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
	fc := newFeatCtx(text, l.model.Lists)
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
	fc.precompute()
	labels := Labels()
	per := make([][]Suggestion, len(labels))
	var wg sync.WaitGroup
	for i, label := range labels {
		if l.off[label] {
			continue
		}
		wg.Go(func() { per[i] = l.suggestLabel(fc, label, rs) })
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
func (l *Learned) suggestLabel(fc *featCtx, label annotate.Label, rs []Suggestion) []Suggestion {
	lm := l.model.Labels[label]
	var out []Suggestion
	var spans [][2]int
	for _, dc := range decode(lm.score(fc, label), lm.thresholds()) {
		out = append(out, l.suggestion(fc, label, lm, dc))
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

// suggestion builds the reviewer's view of a decoded span: the reason names the features of its
// best unit that weighed most.
func (l *Learned) suggestion(fc *featCtx, label annotate.Label, lm *LabelModel, dc decoded) Suggestion {
	var feats []string
	if lm.Unit == unitSentence {
		feats = fc.sentenceFeatures(dc.best)
	} else {
		feats = fc.tokenFeatures(dc.best)
	}
	var parts []string
	cue := ""
	contrib := lm.contributions(feats)
	// Letter trigrams weigh in many decisions but explain little: they are named only when the
	// words, lexicons and rules do not make three reasons.
	slices.SortStableFunc(contrib, func(a, b string) int { return cmpBool(isLetters(a), isLetters(b)) })
	for _, f := range contrib {
		desc := describeFeature(f, fc, dc.best)
		if desc == "" || slices.Contains(parts, desc) {
			continue
		}
		if cue == "" && (strings.HasPrefix(f, "w:") || strings.HasPrefix(f, "b:")) {
			cue = strings.SplitN(f, ":", 2)[1]
		}
		parts = append(parts, desc)
		if len(parts) == 3 {
			break
		}
	}
	what := strings.ReplaceAll(string(label), "_", " ")
	reason := fmt.Sprintf("%s model, confidence %.2f", what, dc.p)
	if len(parts) > 0 {
		reason += ": " + strings.Join(parts, ", ")
	}
	return Suggestion{Label: label, Start: dc.start, End: dc.end, Exact: fc.d.slice(dc.start, dc.end),
		Rule: LearnedRuleID(label), Cue: cue, Reason: reason, Confidence: round4(dc.p), Model: l.model.ID()}
}

func isLetters(feat string) bool {
	k, _, _ := strings.Cut(feat, ":")
	return k == "c" || k == "s3" || k == "s4" || k == "p3"
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
