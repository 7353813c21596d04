//go:build experiments

// The experiments behind EVALUATION.md's "Fifth round", run by hand (they read the shared
// training data and take minutes), never by the test suite:
//
//	EXP_REPEATS=3 go test -tags experiments -run TestExpNested -v ./annotate/suggest/
//	EXP_LABEL=opinion ... (speculation by default; EXP_VARIANTS=rate=0.03,epochs=10 adds options;
//	EXP_CUT0=3 starts at the fourth cut)
//	go test -tags experiments -run TestExpOOF -v ./annotate/suggest/          # options by out-of-fold F1
//	EXP_REPEATS=3 go test -tags experiments -run TestExpAverage -v ./annotate/suggest/  # fold models averaged (EXP_INNER=8)
//	EXP_WEIGHTS=1,3,10,30 go test -tags experiments -run TestExpLoadedWeight -v ./annotate/suggest/
//
// The data directory is CREDENCE_TRAINING_DATA, or ../shared/training beside the repository.
// They measure only on the fit and calibration parts, never on the test parts.
package suggest

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/credence-project/credence/annotate"
)

// cvUnit is a doc whose features and rule output are computed once.
type cvUnit struct {
	doc   corpusDoc
	fc    *featCtx
	feats [][]string
	ys    []bool
	pd    preparedDoc
}

func cvPrepareAll(label annotate.Label, docs []corpusDoc, lists wordLists) []*cvUnit {
	out := make([]*cvUnit, len(docs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, doc := range docs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			fc := newFeatCtx(doc.Text, lists)
			u := &cvUnit{doc: doc, fc: fc}
			if doc.Sentence {
				u.feats = [][]string{fc.sentenceFeatures(-1)}
				u.ys = []bool{doc.Positive}
			} else if unitFor(label) == unitSentence {
				for si, s := range fc.d.sentences {
					if s.wordCount() < minSentenceWords {
						continue
					}
					y := false
					for _, g := range doc.Spans {
						if g.Label == label && Matches(s.start, s.end, g.Start, g.End) {
							y = true
						}
					}
					u.feats = append(u.feats, fc.sentenceFeatures(si))
					u.ys = append(u.ys, y)
				}
			} else {
				for ti, t := range fc.d.tokens {
					if t.sent < 0 {
						continue
					}
					y := false
					for _, g := range doc.Spans {
						if g.Label == label && g.Start < t.end && t.start < g.End {
							y = true
						}
					}
					u.feats = append(u.feats, fc.tokenFeatures(ti))
					u.ys = append(u.ys, y)
				}
			}
			pd := preparedDoc{doc: doc}
			if doc.Sentence {
				pd.cue = fc.sentenceCue(-1, label)
			}
			pd.addRulesAndSentences(fc, label)
			u.pd = pd
			out[i] = u
		}()
	}
	wg.Wait()
	return out
}

// weightFn gives a data set's examples a weight (per-source weighting); nil means 1.
type weightFn func(dataset string) float64

// weighSet weighs one data set's examples w times the others' (w ≤ 0: nil, every example 1).
func weighSet(set string, w float64) weightFn {
	if w <= 0 {
		return nil
	}
	return func(s string) float64 {
		if s == set {
			return w
		}
		return 1
	}
}

// setTrainOption applies one "name=value" of EXP_VARIANTS or EXP_OPTS to o; false for a name
// it does not know.
func setTrainOption(o *trainOptions, kv string) bool {
	name, val, _ := strings.Cut(kv, "=")
	x, _ := strconv.ParseFloat(val, 64)
	switch name {
	case "rate":
		o.Rate = x
	case "epochs":
		o.Epochs = int(x)
	case "mincount":
		o.MinCount = int(x)
	case "l2":
		o.L2 = x
	case "posw":
		o.PosWeight = x
	default:
		return false
	}
	return true
}

func cvTrain(label annotate.Label, units []*cvUnit, opts trainOptions, wf weightFn) *LabelModel {
	dict := newFeatDict()
	var exs []example
	for _, u := range units {
		w := 1.0
		if wf != nil {
			w = wf(u.doc.Dataset)
		}
		for i, f := range u.feats {
			if opts.Domain { // training only: the scores (cvPrep) never see it
				f = append(f[:len(f):len(f)], "d:"+u.doc.Dataset)
			}
			exs = append(exs, example{feats: dict.encode(f), y: u.ys[i], weight: w})
		}
	}
	lm := &LabelModel{Unit: unitFor(label), CueLists: opts.CueLists, ListLists: opts.ListLists}
	lm.linear = *trainLinear(exs, dict, nil, opts, nil)
	return lm
}

func cvPrep(label annotate.Label, lm *LabelModel, units []*cvUnit) []preparedDoc {
	out := make([]preparedDoc, len(units))
	for i, u := range units {
		pd := u.pd
		if u.doc.Sentence {
			pd.p = lm.prob(u.feats[0])
		} else {
			pd.units = lm.score(u.fc, label)
		}
		out[i] = pd
	}
	return out
}

func cvCalibrate(label annotate.Label, lm *LabelModel, cal []preparedDoc) {
	lm.Rules = trustRules(cal)
	th, at, ok := calibrate(func(th thresholds) PRF { return measureLearned(label, cal, th, lm.trusted()) })
	lm.Threshold, lm.CueThreshold, lm.AtCalib, lm.Calibrated = th.plain, th.cue, at, ok
}

func expFoldOf(salt string, d corpusDoc, k int) int {
	key := d.ID
	if d.Group != "" {
		key = d.Group
	}
	return int(idHash(salt+"\x00"+d.Dataset+"\x00"+key) % uint64(k))
}

func split(units []*cvUnit, in func(*cvUnit) bool) (a, b []*cvUnit) {
	for _, u := range units {
		if in(u) {
			a = append(a, u)
		} else {
			b = append(b, u)
		}
	}
	return
}

func addPRF(c *counts, p PRF) {
	c.sugg += p.Suggested
	c.hitS += p.Matched
	c.gold += p.Gold
	c.hitG += p.Found
}

// procOld: fit on 7/8 of rest, calibrate on the other 8th (the current procedure's proportions).
func procOld(label annotate.Label, rest []*cvUnit, opts trainOptions, salt string) *LabelModel {
	cal, fit := split(rest, func(u *cvUnit) bool { return expFoldOf(salt+"old", u.doc, 8) == 0 })
	lm := cvTrain(label, fit, opts, nil)
	cvCalibrate(label, lm, cvPrep(label, lm, cal))
	return lm
}

// procNew: thresholds from k-fold out-of-fold predictions over rest, then refit on all of rest.
func procNew(label annotate.Label, rest []*cvUnit, opts trainOptions, salt string, k int) (*LabelModel, PRF) {
	return procNewWeighted(label, rest, opts, salt, k, nil)
}

// procNewWeighted is procNew with the data sets' examples weighted by wf.
func procNewWeighted(label annotate.Label, rest []*cvUnit, opts trainOptions, salt string, k int, wf weightFn) (*LabelModel, PRF) {
	var oof []preparedDoc
	for f := range k {
		held, tr := split(rest, func(u *cvUnit) bool { return expFoldOf(salt+"new", u.doc, k) == f })
		lm := cvTrain(label, tr, opts, wf)
		oof = append(oof, cvPrep(label, lm, held)...)
	}
	lm := cvTrain(label, rest, opts, wf)
	cvCalibrate(label, lm, oof)
	if len(lm.ListLists) > 0 {
		calibrateListed(label, lm, oof)
	}
	return lm, lm.AtCalib
}

// calibrateListed chooses the threshold of the words of lm's ListLists where no rule fires,
// with the other two thresholds as calibrated: the best F1 on cal whose precision reaches
// MinPrecision, if it is above the F1 without one (then the listed words keep the plain threshold).
func calibrateListed(label annotate.Label, lm *LabelModel, cal []preparedDoc) {
	th := lm.thresholds()
	th.listed = 0
	best := measureLearned(label, cal, th, lm.trusted())
	lm.ListThreshold = 0
	for _, t := range thresholdGrid() {
		th.listed = t
		if m := measureLearned(label, cal, th, lm.trusted()); m.Precision >= MinPrecision && m.F1 > best.F1 {
			best, lm.ListThreshold = m, t
		}
	}
	lm.AtCalib = best
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

func loadExpCorpus(t *testing.T) *Corpus {
	dir := os.Getenv("CREDENCE_TRAINING_DATA")
	if dir == "" {
		dir = "../../../shared/training"
	}
	c, err := LoadCorpus(dir)
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("EXP_CLUSTERS") == "1" { // the word clusters (experiments_clusters_test.go)
		for name, set := range wordClusters(clusterTexts(c), defaultClusterConfig()) {
			c.Lists[name] = set
		}
	}
	return c
}

func optsVariants(label annotate.Label) map[string]trainOptions {
	base := labelOptions(label)
	out := map[string]trainOptions{"default": base}
	for _, v := range strings.Split(os.Getenv("EXP_VARIANTS"), ",") {
		o := base
		if !setTrainOption(&o, v) {
			continue
		}
		out[v] = o
	}
	return out
}

// TestExpNested compares the current procedure with out-of-fold thresholds and a refit, each
// measured on outer folds of fit+calib that neither saw.
func TestExpNested(t *testing.T) {
	label, c, docs := expFitCalib(t)
	t0 := time.Now()
	units := cvPrepareAll(label, docs, c.Lists)
	t.Logf("%s: %d docs prepared in %s", label, len(units), time.Since(t0))
	K := envInt("EXP_K", 5)
	R := envInt("EXP_REPEATS", 1)
	for name, opts := range optsVariants(label) {
		cOld, cNew := map[string]*counts{}, map[string]*counts{}
		wins, losses := 0, 0
		sumOld, sumNew := 0.0, 0.0
		for r := envInt("EXP_CUT0", 0); r < envInt("EXP_CUT0", 0)+R; r++ {
			for o := range K {
				test, rest := split(units, func(u *cvUnit) bool { return expFoldOf(fmt.Sprint("outer", r), u.doc, K) == o })
				salt := fmt.Sprint(r, "/", o)
				lo := procOld(label, rest, opts, salt)
				ln, _ := procNew(label, rest, opts, salt, envInt("EXP_INNER", 4))
				po, pn := cvPrep(label, lo, test), cvPrep(label, ln, test)
				for _, set := range datasetsOf(po) {
					if cOld[set] == nil {
						cOld[set], cNew[set] = &counts{}, &counts{}
					}
					addPRF(cOld[set], measureLearned(label, onlySet(po, set), lo.thresholds(), lo.trusted()))
					addPRF(cNew[set], measureLearned(label, onlySet(pn, set), ln.thresholds(), ln.trusted()))
				}
				fo := measureLearned(label, po, lo.thresholds(), lo.trusted())
				fn := measureLearned(label, pn, ln.thresholds(), ln.trusted())
				sumOld, sumNew = sumOld+fo.F1, sumNew+fn.F1
				switch {
				case fn.F1 > fo.F1:
					wins++
				case fn.F1 < fo.F1:
					losses++
				}
				t.Logf("%s cut %d fold %d: old th %.2f/%.2f F1 %.3f | new th %.2f/%.2f F1 %.3f", name, r, o,
					lo.Threshold, lo.CueThreshold, fo.F1, ln.Threshold, ln.CueThreshold, fn.F1)
			}
		}
		t.Logf("%s: the new procedure's F1 (all data sets) higher in %d outer folds, lower in %d; mean over the %d outer folds old %.4f, new %.4f",
			name, wins, losses, R*K, sumOld/float64(R*K), sumNew/float64(R*K))
		for _, set := range sortedKeys(cOld) {
			a, b := cOld[set].PRF(), cNew[set].PRF()
			t.Logf("%s %s pooled over %d repeats: old P %.3f R %.3f F1 %.3f | new P %.3f R %.3f F1 %.3f", name, set, R, a.Precision, a.Recall, a.F1, b.Precision, b.Recall, b.F1)
		}
	}
}

func datasetsOf(pds []preparedDoc) []string {
	seen := map[string]bool{}
	out := []string{"all"}
	for _, pd := range pds {
		if !seen[pd.doc.Dataset] {
			seen[pd.doc.Dataset] = true
			out = append(out, pd.doc.Dataset)
		}
	}
	return out
}

func onlySet(pds []preparedDoc, set string) []preparedDoc {
	if set == "all" {
		return pds
	}
	var out []preparedDoc
	for _, pd := range pds {
		if pd.doc.Dataset == set {
			out = append(out, pd)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestExpOOF is the new procedure over all of fit+calib: its 5-fold out-of-fold figure per option.
func TestExpOOF(t *testing.T) {
	label, c, docs := expFitCalib(t)
	units := cvPrepareAll(label, docs, c.Lists)
	K := envInt("EXP_K", 5)
	for name, opts := range optsVariants(label) {
		var oof []preparedDoc
		for f := range K {
			held, tr := split(units, func(u *cvUnit) bool { return expFoldOf("oof", u.doc, K) == f })
			lm := cvTrain(label, tr, opts, nil)
			oof = append(oof, cvPrep(label, lm, held)...)
		}
		lm := &LabelModel{}
		cvCalibrate(label, lm, oof)
		t.Logf("%s: OOF th %.2f/%.2f P %.3f R %.3f F1 %.3f", name, lm.Threshold, lm.CueThreshold, lm.AtCalib.Precision, lm.AtCalib.Recall, lm.AtCalib.F1)
	}
}

// TestExpLoadedWeight trains loaded language on the fit part with BASIL's examples weighted up
// and prints the precision-recall points on BASIL's calibration part (one threshold for both
// kinds of unit), the news-only calibration of idea (3).
func TestExpLoadedWeight(t *testing.T) {
	label := LabelLoadedLanguage
	c := loadExpCorpus(t)
	var fitDocs, calDocs []corpusDoc
	for _, d := range c.Docs[label] {
		switch {
		case d.Part == partFit:
			fitDocs = append(fitDocs, d)
		case d.Part == partCalib && d.Dataset == "basil":
			calDocs = append(calDocs, d)
		}
	}
	fit, cal := cvPrepareAll(label, fitDocs, c.Lists), cvPrepareAll(label, calDocs, c.Lists)
	for _, v := range strings.Split(os.Getenv("EXP_WEIGHTS"), ",") {
		w, _ := strconv.ParseFloat(v, 64)
		lm := cvTrain(label, fit, labelOptions(label), func(set string) float64 {
			if set == "basil" {
				return w
			}
			return 1
		})
		pd := cvPrep(label, lm, cal)
		var line []string
		bestF, bestAt := 0.0, ""
		for _, th := range thresholdGrid() {
			for _, cue := range thresholdGrid() {
				m := measureLearned(label, pd, thresholds{plain: th, cue: cue}, nil)
				if th == cue && int(th*100)%10 == 0 {
					line = append(line, fmt.Sprintf("%.1f:%d/%.2f/%.2f", th, m.Suggested, m.Precision, m.Recall))
				}
				if m.Precision >= 0.45 && m.Suggested >= 5 && m.F1 > bestF {
					bestF, bestAt = m.F1, fmt.Sprintf("%.2f/%.2f: %d sugg P %.3f R %.3f", th, cue, m.Suggested, m.Precision, m.Recall)
				}
			}
		}
		bestR := ""
		bp := 0.0
		for _, th := range thresholdGrid() {
			for _, cue := range thresholdGrid() {
				m := measureLearned(label, pd, thresholds{plain: th, cue: cue}, nil)
				if m.Recall >= 0.12 && m.Precision > bp {
					bp, bestR = m.Precision, fmt.Sprintf("%.2f/%.2f: %d sugg P %.3f R %.3f", th, cue, m.Suggested, m.Precision, m.Recall)
				}
			}
		}
		t.Logf("basil weight %v: %s", w, strings.Join(line, " "))
		t.Logf("basil weight %v: best F1 with P>=0.45 (>=5 sugg): %s; best P with R>=0.12: %s", w, bestAt, bestR)
	}
}

// averageLinear is the mean of models' weights (a weight a model lacks counts as 0) and biases,
// kept to four decimals and pruned as the trainer prunes. Each feature's sum is taken in the
// models' order, so the result does not depend on map order.
func averageLinear(ms []*linear, prune float64) *linear {
	sum := map[string]float64{}
	bias := 0.0
	for _, m := range ms {
		bias += m.Bias
		for f, v := range m.Weights {
			sum[f] += v
		}
	}
	n := float64(len(ms))
	out := &linear{Bias: round4(bias / n), Weights: map[string]float64{}}
	for f, s := range sum {
		if v := round4(s / n); math.Abs(v) >= prune {
			out.Weights[f] = v
		}
	}
	return out
}

// procFolds is procNew that also returns the k fold models behind the out-of-fold scores.
func procFolds(label annotate.Label, rest []*cvUnit, opts trainOptions, salt string, k int) (refit *LabelModel, folds []*LabelModel) {
	var oof []preparedDoc
	for f := range k {
		held, tr := split(rest, func(u *cvUnit) bool { return expFoldOf(salt+"new", u.doc, k) == f })
		lm := cvTrain(label, tr, opts, nil)
		folds = append(folds, lm)
		oof = append(oof, cvPrep(label, lm, held)...)
	}
	refit = cvTrain(label, rest, opts, nil)
	cvCalibrate(label, refit, oof)
	for _, lm := range folds {
		lm.Threshold, lm.CueThreshold, lm.Rules = refit.Threshold, refit.CueThreshold, refit.Rules
	}
	return refit, folds
}

// withWeights is a model with lm's thresholds and trusted rules and the weights of w.
func withWeights(lm *LabelModel, w *linear) *LabelModel {
	out := *lm
	out.linear = *w
	return &out
}

// cvPrepBag scores units by the mean probability of the models (bagging).
func cvPrepBag(label annotate.Label, ms []*LabelModel, units []*cvUnit) []preparedDoc {
	out := cvPrep(label, ms[0], units)
	for _, lm := range ms[1:] {
		o := cvPrep(label, lm, units)
		for i := range out {
			out[i].p += o[i].p
			for j := range out[i].units {
				out[i].units[j].p += o[i].units[j].p
			}
		}
	}
	n := float64(len(ms))
	for i := range out {
		out[i].p /= n
		for j := range out[i].units {
			out[i].units[j].p /= n
		}
	}
	return out
}

// TestExpAverage compares, on the outer folds of TestExpNested (the same cuts and inner folds),
// the current procedure (thresholds from out-of-fold scores, model refitted on all of the rest)
// with the same thresholds on the mean of the fold models' weights ("avg"), on the mean of
// the fold models' and the refit's weights ("avg+refit"), and on the mean of the fold models'
// probabilities ("bag", k models at inference).
//
//	EXP_REPEATS=3 go test -tags experiments -run TestExpAverage -v -timeout 60m ./annotate/suggest/
func TestExpAverage(t *testing.T) {
	label, c, docs := expFitCalib(t)
	units := cvPrepareAll(label, docs, c.Lists)
	K, R, inner := envInt("EXP_K", 5), envInt("EXP_REPEATS", 1), envInt("EXP_INNER", 4)
	opts := labelOptions(label)
	names := []string{"refit", "avg", "avg+refit", "bag"}
	pooled := map[string]map[string]*counts{}
	wins, losses := map[string]int{}, map[string]int{}
	sumF := map[string]float64{}
	for r := range R {
		for o := range K {
			t0 := time.Now()
			test, rest := split(units, func(u *cvUnit) bool { return expFoldOf(fmt.Sprint("outer", r), u.doc, K) == o })
			refit, folds := procFolds(label, rest, opts, fmt.Sprint(r, "/", o), inner)
			var ws []*linear
			for _, lm := range folds {
				ws = append(ws, &lm.linear)
			}
			avg := withWeights(refit, averageLinear(ws, opts.Prune))
			avgR := withWeights(refit, averageLinear(append(ws, &refit.linear), opts.Prune))
			preds := map[string][]preparedDoc{
				"refit": cvPrep(label, refit, test), "avg": cvPrep(label, avg, test),
				"avg+refit": cvPrep(label, avgR, test), "bag": cvPrepBag(label, folds, test),
			}
			line := fmt.Sprintf("cut %d fold %d (th %.2f/%.2f, %s):", r, o, refit.Threshold, refit.CueThreshold, time.Since(t0).Round(time.Second))
			base := measureLearned(label, preds["refit"], refit.thresholds(), refit.trusted()).F1
			for _, n := range names {
				pd := preds[n]
				for _, set := range datasetsOf(pd) {
					if pooled[n] == nil {
						pooled[n] = map[string]*counts{}
					}
					if pooled[n][set] == nil {
						pooled[n][set] = &counts{}
					}
					addPRF(pooled[n][set], measureLearned(label, onlySet(pd, set), refit.thresholds(), refit.trusted()))
				}
				f := measureLearned(label, pd, refit.thresholds(), refit.trusted()).F1
				sumF[n] += f
				switch {
				case f > base:
					wins[n]++
				case f < base:
					losses[n]++
				}
				line += fmt.Sprintf(" %s %.3f", n, f)
			}
			t.Log(line)
		}
	}
	for _, n := range names {
		t.Logf("%s: F1 (all data sets) above refit in %d outer folds, below in %d; mean over folds %.4f",
			n, wins[n], losses[n], sumF[n]/float64(R*K))
		for _, set := range sortedKeys(pooled[n]) {
			p := pooled[n][set].PRF()
			t.Logf("%s %s pooled: P %.3f R %.3f F1 %.3f", n, set, p.Precision, p.Recall, p.F1)
		}
	}
}

// expFitCalib is the label the experiment runs on (EXP_LABEL, speculation by default), the
// corpus, and the label's fit and calibration documents.
func expFitCalib(t *testing.T) (annotate.Label, *Corpus, []corpusDoc) {
	label := annotate.Label(os.Getenv("EXP_LABEL"))
	if label == "" {
		label = LabelSpeculation
	}
	c := loadExpCorpus(t)
	var docs []corpusDoc
	for _, d := range c.Docs[label] {
		if d.Part == partFit || d.Part == partCalib {
			docs = append(docs, d)
		}
	}
	return label, c, docs
}
