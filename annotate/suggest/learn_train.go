package suggest

import (
	"context"
	"fmt"
	"slices"

	"github.com/credence-project/credence/annotate"
)

// TrainConfig tunes a training run; the zero value trains on everything.
type TrainConfig struct {
	// MaxDocs keeps at most this many units of each data set and part (for quick runs and
	// tests); 0 keeps all.
	MaxDocs int
	// Progress, if set, is told each label's progress in [0, 1].
	Progress func(label annotate.Label, frac float64)
	// Options overrides the trainer's options of a label (for experiments on the calibration
	// part; the built-in model uses labelOptions).
	Options map[annotate.Label]trainOptions
}

// labelOptions are the trainer's options for each label, chosen on the calibration parts.
// The figures behind the choice are in EVALUATION.md ("Choosing the trainer's options"): a slow
// learning rate regularises these small, separable data sets better than the L2 penalty does,
// letter trigrams help opinion and loaded language but not the Wikipedia-trained speculation
// model or the large PolNeAR one, and word trigrams, a sentence's opening words and repeated
// lexicon words help speculation.
func labelOptions(label annotate.Label) trainOptions {
	o := defaultTrainOptions()
	switch label {
	case LabelOpinion:
		// Speculation's patterns (x:) were measured for speculation only.
		o.Rate, o.Drop = 0.01, []string{"x:", "l:charged", "l2:charged"}
	case LabelSpeculation:
		// Thresholds from 5-fold out-of-fold scores and a refit on fit and calibration parts
		// together: F1 0.566 → 0.576 on WikiWeasel in a nested comparison (EVALUATION.md, "Fifth
		// round"); for the other labels it made no difference worth the extra training time.
		// Its weasel and peacock patterns (x:, learn_specfeatures.go): mean nested F1 0.566 →
		// 0.588, higher in 15 of 15 outer folds (EVALUATION.md, "Sixth round").
		o.Rate, o.NoChars, o.Folds, o.Drop = 0.02, true, 5, []string{"l:charged", "l2:charged"}
	case LabelSourcedFact:
		// Word trigrams, opening words and repeated lexicon words changed nothing on PolNeAR's
		// calibration part (F1 0.881 with and without) and would add 13,000 weights.
		o.Rate, o.NoChars, o.Drop = 0.02, true, []string{"t:", "s:", "l2:", "x:", "l:charged"}
	case LabelLoadedLanguage:
		// Thresholds and trusted rules from 5-fold out-of-fold scores, refit on fit and
		// calibration parts together, as speculation: mean nested F1 0.160 → 0.176, higher in 10
		// of 15 outer folds, lower in 5 (EVALUATION.md, "Eighth round"). CueLists: ["charged"]
		// gained in the nested comparison but not on the seed articles, and is not used
		// (EVALUATION.md, "Tenth round"; measured again with unweighted positives in the
		// thirteenth round, it gained nested and lost on the test parts). Positives weigh as much as negatives (PosWeight 1,
		// not √(negatives/positives) ≈ 5): mean nested F1 0.191 → 0.218, higher in 15 of 15
		// fresh outer folds and BASIL's precision up (EVALUATION.md, "Thirteenth round").
		o.Rate, o.Folds, o.PosWeight = 0.05, 5, 1
	}
	return o
}

// unitFor is the unit each label's model scores.
func unitFor(label annotate.Label) string {
	if label == LabelLoadedLanguage {
		return unitToken
	}
	return unitSentence
}

// limit keeps the first n docs of each data set and part.
func limit(docs []corpusDoc, n int) []corpusDoc {
	if n <= 0 {
		return docs
	}
	seen := map[string]int{}
	var out []corpusDoc
	for _, d := range docs {
		k := d.Dataset + "/" + d.Part
		if seen[k] < n {
			seen[k]++
			out = append(out, d)
		}
	}
	return out
}

func inPart(docs []corpusDoc, part string) []corpusDoc {
	var out []corpusDoc
	for _, d := range docs {
		if d.Part == part {
			out = append(out, d)
		}
	}
	return out
}

// examplesOf turns labelled docs into training examples of one label's unit: a sentence row is one
// example; in a document every sentence (or token) is one, positive when it matches a gold span.
func examplesOf(label annotate.Label, docs []corpusDoc, lists wordLists, dict *featDict, weight float64) []example {
	var out []example
	for _, doc := range docs {
		fc := newFeatCtx(doc.Text, lists)
		if doc.Sentence {
			out = append(out, example{feats: dict.encode(fc.sentenceFeatures(-1)), y: doc.Positive, weight: weight})
			continue
		}
		if unitFor(label) == unitSentence {
			for si, s := range fc.d.sentences {
				if s.wordCount() < minSentenceWords {
					continue
				}
				y := slices.ContainsFunc(doc.Spans, func(g Gold) bool { return g.Label == label && Matches(s.start, s.end, g.Start, g.End) })
				out = append(out, example{feats: dict.encode(fc.sentenceFeatures(si)), y: y, weight: weight})
			}
			continue
		}
		for ti, t := range fc.d.tokens {
			if t.sent < 0 {
				continue
			}
			y := slices.ContainsFunc(doc.Spans, func(g Gold) bool { return g.Label == label && g.Start < t.end && t.start < g.End })
			out = append(out, example{feats: dict.encode(fc.tokenFeatures(ti)), y: y, weight: weight})
		}
	}
	return out
}

// preparedDoc is a held-out doc scored once, so that thresholds can be tried cheaply.
type preparedDoc struct {
	doc       corpusDoc
	units     []scoredUnit // documents
	p         float64      // sentence rows
	cue       bool         // sentence rows: a rule of the label fires
	rules     [][2]int     // the word-list rules' suggestions of the label
	ruleIDs   []string     // the rule of each of them
	sentences [][2]int     // every sentence, for the baseline
}

func prepare(label annotate.Label, lm *LabelModel, docs []corpusDoc, lists wordLists) []preparedDoc {
	out := make([]preparedDoc, 0, len(docs))
	for _, doc := range docs {
		fc := newFeatCtx(doc.Text, lists)
		pd := preparedDoc{doc: doc}
		if doc.Sentence {
			pd.p, pd.cue = lm.prob(fc.sentenceFeatures(-1)), fc.sentenceCue(-1, label)
		} else {
			pd.units = lm.score(fc, label)
		}
		pd.addRulesAndSentences(fc, label)
		out = append(out, pd)
	}
	return out
}

// addRulesAndSentences records the word-list rules' suggestions of the label on the doc and
// its sentences (for the baseline).
func (pd *preparedDoc) addRulesAndSentences(fc *featCtx, label annotate.Label) {
	rs, _ := NewRules().Suggest(context.Background(), pd.doc.Text)
	for _, s := range rs {
		if s.Label == label {
			pd.rules = append(pd.rules, [2]int{s.Start, s.End})
			pd.ruleIDs = append(pd.ruleIDs, s.Rule)
		}
	}
	for _, s := range fc.d.sentences {
		if s.wordCount() >= minSentenceWords || pd.doc.Sentence {
			pd.sentences = append(pd.sentences, [2]int{s.start, s.end})
		}
	}
}

// counts accumulates the numbers behind a PRF.
type counts struct{ sugg, hitS, gold, hitG int }

func (c counts) PRF() PRF { return newPRF(c.sugg, c.hitS, c.gold, c.hitG) }

// addSpans scores suggested spans against a doc's gold passages of label (Matches, as Evaluate).
func (c *counts) addSpans(spans [][2]int, gold []Gold, label annotate.Label) {
	var gs []Gold
	for _, g := range gold {
		if g.Label == label {
			gs = append(gs, g)
		}
	}
	hitG := make([]bool, len(gs))
	for _, sp := range spans {
		hit := false
		for i, g := range gs {
			if Matches(sp[0], sp[1], g.Start, g.End) {
				hit, hitG[i] = true, true
			}
		}
		c.sugg++
		if hit {
			c.hitS++
		}
	}
	c.gold += len(gs)
	for _, h := range hitG {
		if h {
			c.hitG++
		}
	}
}

// addRow scores a sentence row: suggested or not, positive or not.
func (c *counts) addRow(suggested, positive bool) {
	if suggested {
		c.sugg++
	}
	if positive {
		c.gold++
	}
	if suggested && positive {
		c.hitS++
		c.hitG++
	}
}

// measureLearned scores what the learned suggester shows at thresholds th: the model's spans and
// the trusted rules' suggestions that no model span of the label covers.
func measureLearned(label annotate.Label, docs []preparedDoc, th thresholds, trusted map[string]bool) PRF {
	var c counts
	for _, pd := range docs {
		if pd.doc.Sentence {
			hit := th.passes(scoredUnit{p: pd.p, cue: pd.cue})
			for _, r := range pd.ruleIDs {
				hit = hit || trusted[r]
			}
			c.addRow(hit, pd.doc.Positive)
			continue
		}
		ds := decode(pd.units, th)
		if unitFor(label) == unitToken {
			ds = widenToRules(ds, pd.rules)
		}
		var spans [][2]int
		for _, d := range ds {
			spans = append(spans, [2]int{d.start, d.end})
		}
		for i, r := range pd.ruleIDs {
			if trusted[r] && !overlapsAny(pd.rules[i], spans) {
				spans = append(spans, pd.rules[i])
			}
		}
		c.addSpans(spans, pd.doc.Spans, label)
	}
	return c.PRF()
}

func overlapsAny(sp [2]int, spans [][2]int) bool {
	return slices.ContainsFunc(spans, func(o [2]int) bool { return o[0] < sp[1] && sp[0] < o[1] })
}

// Rules trusted beside a learned model: those that fired at least minTrustedFirings times on the
// calibration part and were right at least MinPrecision of the time.
const minTrustedFirings = 5

// trustRules measures each rule of the label on prepared calibration docs.
func trustRules(docs []preparedDoc) []RuleTrust {
	type ct struct{ n, hit int }
	per := map[string]*ct{}
	for _, pd := range docs {
		for i, r := range pd.ruleIDs {
			if per[r] == nil {
				per[r] = &ct{}
			}
			per[r].n++
			sp := pd.rules[i]
			if (pd.doc.Sentence && pd.doc.Positive) || (!pd.doc.Sentence && slices.ContainsFunc(pd.doc.Spans, func(g Gold) bool { return Matches(sp[0], sp[1], g.Start, g.End) })) {
				per[r].hit++
			}
		}
	}
	var out []RuleTrust
	for _, id := range RuleIDs() {
		if c := per[id]; c != nil {
			p := round4(float64(c.hit) / float64(c.n))
			out = append(out, RuleTrust{Rule: id, Fired: c.n, Precision: p, Trusted: c.n >= minTrustedFirings && p >= MinPrecision})
		}
	}
	return out
}

// measureFixed scores the rules (rules set) or the mark-every-sentence baseline.
func measureFixed(label annotate.Label, docs []preparedDoc, rules bool) PRF {
	var c counts
	for _, pd := range docs {
		spans := pd.sentences
		if rules {
			spans = pd.rules
		}
		if pd.doc.Sentence {
			c.addRow(len(spans) > 0, pd.doc.Positive)
			continue
		}
		c.addSpans(spans, pd.doc.Spans, label)
	}
	return c.PRF()
}

// figuresOn measures lm on test docs, per data set and pooled ("all" when there are several).
func figuresOn(label annotate.Label, lm *LabelModel, test []preparedDoc) []Figures {
	var sets []string
	for _, pd := range test {
		if !slices.Contains(sets, pd.doc.Dataset) {
			sets = append(sets, pd.doc.Dataset)
		}
	}
	var out []Figures
	for _, set := range sets {
		var docs []preparedDoc
		for _, pd := range test {
			if pd.doc.Dataset == set {
				docs = append(docs, pd)
			}
		}
		out = append(out, Figures{Dataset: set, Learned: measureLearned(label, docs, lm.thresholds(), lm.trusted()),
			Rules: measureFixed(label, docs, true), Baseline: measureFixed(label, docs, false)})
	}
	if len(sets) > 1 {
		out = append(out, Figures{Dataset: "all", Learned: measureLearned(label, test, lm.thresholds(), lm.trusted()),
			Rules: measureFixed(label, test, true), Baseline: measureFixed(label, test, false)})
	}
	return out
}

// trainLabel fits label's model on the fit part of docs, calibrates its thresholds and trusted
// rules on the calib part and measures it on the test part. With opts.Folds it chooses them on
// out-of-fold scores and fits on both parts instead (trainLabelFolds).
func trainLabel(label annotate.Label, docs []corpusDoc, lists wordLists, opts trainOptions, progress func(float64)) (*LabelModel, error) {
	fit, calib, test := inPart(docs, partFit), inPart(docs, partCalib), inPart(docs, partTest)
	if len(fit) == 0 || len(calib) == 0 {
		return nil, fmt.Errorf("training %s: no data to fit (%d) or calibrate (%d) on", label, len(fit), len(calib))
	}
	if opts.Folds > 1 {
		return trainLabelFolds(label, append(fit, calib...), test, lists, opts, progress), nil
	}
	lm := fitLabel(label, fit, lists, opts, func(f float64) { progress(0.8 * f) })
	finishLabel(label, lm, prepare(label, lm, calib, lists), test, lists)
	progress(1)
	return lm, nil
}

// fitLabel trains label's logistic regression on docs.
func fitLabel(label annotate.Label, docs []corpusDoc, lists wordLists, opts trainOptions, progress func(float64)) *LabelModel {
	dict := newFeatDict()
	exs := examplesOf(label, docs, lists, dict, 1)
	lm := &LabelModel{Unit: unitFor(label), CueLists: opts.CueLists}
	lm.linear = *trainLinear(exs, dict, nil, opts, progress)
	return lm
}

// finishLabel chooses lm's trusted rules and thresholds on the prepared calibration docs cal
// and measures it on the test docs.
func finishLabel(label annotate.Label, lm *LabelModel, cal []preparedDoc, test []corpusDoc, lists wordLists) {
	lm.Rules = trustRules(cal)
	th, at, ok := calibrate(func(th thresholds) PRF { return measureLearned(label, cal, th, lm.trusted()) })
	lm.Threshold, lm.CueThreshold, lm.AtCalib, lm.Calibrated = th.plain, th.cue, at, ok
	lm.Figures = figuresOn(label, lm, prepare(label, lm, test, lists))
}

// foldOf is the fold of a doc among k: by a hash of its group (a BASIL event triplet stays in one
// fold) or of its id.
func foldOf(d corpusDoc, k int) int {
	key := d.Group
	if key == "" {
		key = d.ID
	}
	return int(idHash("fold\x00"+d.Dataset+"\x00"+key) % uint64(k))
}

// trainLabelFolds scores every doc of pool (the fit and calibration parts) with a model trained
// on the other folds, chooses the trusted rules and thresholds on those out-of-fold scores, and
// trains the final model on all of pool. AtCalib is then the out-of-fold figure over pool. Each
// doc's features are extracted once; trainLinear numbers features by name, so sharing one
// dictionary between the folds gives the same weights as a dictionary per fold.
func trainLabelFolds(label annotate.Label, pool, test []corpusDoc, lists wordLists, opts trainOptions, progress func(float64)) *LabelModel {
	k := opts.Folds
	dict := newFeatDict()
	exs := make([][]example, len(pool))
	for i := range pool {
		exs[i] = examplesOf(label, pool[i:i+1], lists, dict, 1)
	}
	fit := func(keep func(i int) bool) *LabelModel {
		var train []example
		for i := range pool {
			if keep(i) {
				train = append(train, exs[i]...)
			}
		}
		lm := &LabelModel{Unit: unitFor(label), CueLists: opts.CueLists}
		lm.linear = *trainLinear(train, dict, nil, opts, nil)
		return lm
	}
	var oof []preparedDoc
	for f := range k {
		lm := fit(func(i int) bool { return foldOf(pool[i], k) != f })
		var held []corpusDoc
		for _, d := range pool {
			if foldOf(d, k) == f {
				held = append(held, d)
			}
		}
		oof = append(oof, prepare(label, lm, held, lists)...)
		progress(0.9 * float64(f+1) / float64(k+1))
	}
	lm := fit(func(int) bool { return true })
	progress(0.9)
	finishLabel(label, lm, oof, test, lists)
	progress(1)
	return lm
}

// Train fits, calibrates and measures one model per label on the corpus: fit part to train,
// calib part to choose the threshold, test part only to report.
func Train(c *Corpus, cfg TrainConfig) (*Model, error) {
	m := &Model{Name: ModelName, Labels: map[annotate.Label]*LabelModel{}, Lists: c.Lists}
	for _, src := range c.Sources {
		m.TrainedOn = append(m.TrainedOn, src)
	}
	for _, label := range Labels() {
		opts, ok := cfg.Options[label]
		if !ok {
			opts = labelOptions(label)
		}
		lm, err := trainLabel(label, limit(c.Docs[label], cfg.MaxDocs), c.Lists, opts, func(f float64) {
			if cfg.Progress != nil {
				cfg.Progress(label, f)
			}
		})
		if err != nil {
			return nil, err
		}
		m.Labels[label] = lm
	}
	return m, nil
}
