//go:build experiments

// Issue 15's "quick TF-IDF plus logistic-regression baseline trained on ../shared/training
// alone", rebuilt and measured on the held-out test parts beside the shipped model (EVALUATION.md,
// "Eighth round"). Fixed before it was run; nothing is chosen on the test parts and the shipped
// model is not changed by it:
//
//	go test -tags experiments -run TestExpBaseline -v -timeout 60m ./annotate/suggest/
//
// Units and features (experiments_tfidf_test.go for the weighting and the solver):
//   - opinion, speculation, sourced fact: one unit a sentence, as the shipped models (a sentence
//     row is one unit; in a PolNeAR article or a meme every sentence of at least three words,
//     positive when it matches a gold span as Matches has it). Terms: the sentence's words,
//     lower-cased and folded, of two code points or more (scikit-learn's default token
//     pattern), and their adjacent pairs: word unigrams and bigrams.
//   - loaded language: one unit a word, positive when it lies in a gold span (as the shipped
//     model). Terms: the word ("w:"), the two word pairs that hold it ("b:"), and the other
//     words within two of it in its sentence ("c:", a context window of ±2, position-free).
//     Suggested spans: maximal runs of adjacent words of one sentence that pass the threshold.
//   - Variants (both fixed in advance): "lr", LogisticRegression(C=1) with every unit weighing 1,
//     the plain quick baseline; "lr-bal", the same with class_weight="balanced".
//   - Trained on the parts the shipped model trains on: the fit part, except speculation, which
//     the shipped model trains on fit and calibration parts together (then the baseline does
//     too, and its calibrated threshold comes from 5-fold out-of-fold scores, foldOf, as the
//     shipped model's thresholds).
//   - Thresholds: 0.5, and the one chosen on the calibration part (out of fold for speculation)
//     for the shipped model's bar: best F1 among those with precision ≥ MinPrecision (0.6), else
//     the most precise with recall ≥ 0.1 (calibrate, with one threshold for every unit).
//   - Scored with measureLearned (spans by Matches, sentence rows suggested or not), per data set
//     and pooled, on the test parts only.
package suggest

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/credence-project/credence/annotate"
)

// blUnit is one unit of the baseline: its terms, its gold label and where it lies.
type blUnit struct {
	terms      []string
	y          bool
	start, end int
	unit       int  // sentence or token index
	joinNext   bool // a word followed by the next word of its sentence
}

// blDoc is a corpus doc cut into the baseline's units.
type blDoc struct {
	doc   corpusDoc
	units []blUnit
}

// blWords are the unigram and bigram terms of tokens: words of two code points or more, in order.
func blWords(toks []token) []string {
	var ws []string
	for _, t := range toks {
		if utf8.RuneCountInString(t.norm) >= 2 {
			ws = append(ws, t.norm)
		}
	}
	out := slices.Clone(ws)
	for i := 1; i < len(ws); i++ {
		out = append(out, ws[i-1]+" "+ws[i])
	}
	return out
}

// blWindow is the terms of token ti: the word, the pairs that hold it and the words within two
// of it in its sentence.
func blWindow(d *document, ti int) []string {
	s := d.sentences[d.tokens[ti].sent]
	w := func(i int) string { return d.tokens[i].norm }
	out := []string{"w:" + w(ti)}
	if ti-1 >= s.firstTok {
		out = append(out, "b:"+w(ti-1)+" "+w(ti))
	}
	if ti+1 < s.endTok {
		out = append(out, "b:"+w(ti)+" "+w(ti+1))
	}
	for j := max(s.firstTok, ti-2); j < min(s.endTok, ti+3); j++ {
		if j != ti {
			out = append(out, "c:"+w(j))
		}
	}
	return out
}

// blPrepare cuts doc into label's units, labelled as examplesOf labels the shipped model's.
func blPrepare(label annotate.Label, doc corpusDoc) blDoc {
	d := analyse(doc.Text, builtinLexicon())
	out := blDoc{doc: doc}
	if doc.Sentence {
		out.units = []blUnit{{terms: blWords(d.tokens), y: doc.Positive}}
		return out
	}
	if unitFor(label) == unitSentence {
		for si, s := range d.sentences {
			if s.wordCount() < minSentenceWords {
				continue
			}
			y := slices.ContainsFunc(doc.Spans, func(g Gold) bool { return g.Label == label && Matches(s.start, s.end, g.Start, g.End) })
			out.units = append(out.units, blUnit{terms: blWords(d.tokens[s.firstTok:s.endTok]), y: y, start: s.start, end: s.end, unit: si})
		}
		return out
	}
	for ti, t := range d.tokens {
		if t.sent < 0 {
			continue
		}
		y := slices.ContainsFunc(doc.Spans, func(g Gold) bool { return g.Label == label && g.Start < t.end && t.start < g.End })
		join := ti+1 < len(d.tokens) && d.tokens[ti+1].sent == t.sent
		out.units = append(out.units, blUnit{terms: blWindow(d, ti), y: y, start: t.start, end: t.end, unit: ti, joinNext: join})
	}
	return out
}

func blPrepareAll(label annotate.Label, docs []corpusDoc) []blDoc {
	out := make([]blDoc, len(docs))
	for i, d := range docs {
		out[i] = blPrepare(label, d)
	}
	return out
}

func blFit(docs []blDoc, balanced bool) *tfidfLR {
	var terms [][]string
	var ys []bool
	for _, d := range docs {
		for _, u := range d.units {
			terms, ys = append(terms, u.terms), append(ys, u.y)
		}
	}
	return fitTFIDFLR(terms, ys, balanced, 1)
}

// blScore is docs scored by m, in the form measureLearned reads (no unit carries rule
// evidence, so both thresholds of a pair are the same).
func blScore(m *tfidfLR, docs []blDoc) []preparedDoc {
	out := make([]preparedDoc, len(docs))
	for i, d := range docs {
		pd := preparedDoc{doc: d.doc}
		if d.doc.Sentence {
			pd.p = m.prob(d.units[0].terms)
		} else {
			for _, u := range d.units {
				pd.units = append(pd.units, scoredUnit{start: u.start, end: u.end, p: m.prob(u.terms), unit: u.unit, joinNext: u.joinNext})
			}
		}
		out[i] = pd
	}
	return out
}

// blCalibrate is calibrate with one threshold for every unit.
func blCalibrate(label annotate.Label, cal []preparedDoc) (float64, PRF, bool) {
	memo := map[float64]PRF{}
	th, at, ok := calibrate(func(th thresholds) PRF {
		if p, ok := memo[th.plain]; ok {
			return p
		}
		p := measureLearned(label, cal, thresholds{plain: th.plain, cue: th.plain}, nil)
		memo[th.plain] = p
		return p
	})
	return th.plain, at, ok
}

// blRun is one variant of the baseline for one label: its test scores and thresholds.
type blRun struct {
	test    []preparedDoc
	th      float64
	atCal   PRF
	reached bool
	note    string
}

// blTrain trains the baseline on label's training parts as the shipped model's procedure has
// them, and chooses its threshold.
func blTrain(label annotate.Label, byPart map[string][]blDoc, balanced bool) blRun {
	t0 := time.Now()
	var run blRun
	if label == LabelSpeculation { // the shipped speculation model's procedure (labelOptions' Folds)
		k := 5
		pool := append(slices.Clone(byPart[partFit]), byPart[partCalib]...)
		var oof []preparedDoc
		for f := range k {
			var held, tr []blDoc
			for _, d := range pool {
				if foldOf(d.doc, k) == f {
					held = append(held, d)
				} else {
					tr = append(tr, d)
				}
			}
			oof = append(oof, blScore(blFit(tr, balanced), held)...)
		}
		m := blFit(pool, balanced)
		run.th, run.atCal, run.reached = blCalibrate(label, oof)
		run.test = blScore(m, byPart[partTest])
		run.note = fmt.Sprintf("fit+calib, %d-fold OOF threshold; %d terms, %d iterations, max gradient %.1e", k, len(m.w), m.iters, m.gmax)
	} else {
		m := blFit(byPart[partFit], balanced)
		run.th, run.atCal, run.reached = blCalibrate(label, blScore(m, byPart[partCalib]))
		run.test = blScore(m, byPart[partTest])
		run.note = fmt.Sprintf("fit; %d terms, %d iterations, max gradient %.1e", len(m.w), m.iters, m.gmax)
	}
	run.note += fmt.Sprintf(", %s", time.Since(t0).Round(time.Second))
	return run
}

func fmtPRF(p PRF) string {
	return fmt.Sprintf("%.3f | %.3f | %.3f | %d", p.Precision, p.Recall, p.F1, p.Suggested)
}

func TestExpBaseline(t *testing.T) {
	c := loadExpCorpus(t)
	shipped := EvaluateModel(BuiltinModel(), c, 0)
	only := os.Getenv("EXP_LABEL")
	var rows, curves []string
	for _, label := range Labels() {
		if only != "" && string(label) != only {
			continue
		}
		t0 := time.Now()
		byPart := map[string][]blDoc{}
		for _, part := range []string{partFit, partCalib, partTest} {
			byPart[part] = blPrepareAll(label, inPart(c.Docs[label], part))
		}
		n := map[string]int{}
		for part, ds := range byPart {
			for _, d := range ds {
				n[part] += len(d.units)
			}
		}
		t.Logf("%s: units fit %d, calib %d, test %d, prepared in %s", label, n[partFit], n[partCalib], n[partTest], time.Since(t0).Round(time.Second))
		runs := map[string]blRun{}
		for _, v := range []string{"lr", "lr-bal"} {
			r := blTrain(label, byPart, v == "lr-bal")
			runs[v] = r
			t.Logf("%s %s: %s; calibrated threshold %.2f (calibration P %.3f R %.3f F1 %.3f, reached P >= 0.6: %v)",
				label, v, r.note, r.th, r.atCal.Precision, r.atCal.Recall, r.atCal.F1, r.reached)
		}
		lm := BuiltinModel().Labels[label]
		shippedTest := prepare(label, lm, inPart(c.Docs[label], partTest), BuiltinModel().Lists)
		figs := map[string]Figures{}
		for _, f := range shipped[label] {
			figs[f.Dataset] = f
		}
		for _, set := range datasetsOf(runs["lr"].test) {
			if set == "all" && len(datasetsOf(runs["lr"].test)) == 2 {
				continue // one data set: "all" repeats it
			}
			line := fmt.Sprintf("| %s | %s | %s", label, set, fmtPRF(figs[set].Learned))
			for _, v := range []string{"lr", "lr-bal"} {
				r := runs[v]
				pd := onlySet(r.test, set)
				line += " | " + fmtPRF(measureLearned(label, pd, thresholds{plain: 0.5, cue: 0.5}, nil))
				line += fmt.Sprintf(" | %.2f: ", r.th) + fmtPRF(measureLearned(label, pd, thresholds{plain: r.th, cue: r.th}, nil))
			}
			rows = append(rows, line+fmt.Sprintf(" | %d |", figs[set].Learned.Gold))
			// Operating points compared, read off the test parts' curves (a reading, not a choice):
			// the shipped model's best precision at each baseline point's recall, and each
			// variant's curve at thresholds 0.1 … 0.9.
			sp := onlySet(shippedTest, set)
			for _, v := range []string{"lr", "lr-bal"} {
				r := runs[v]
				pd := onlySet(r.test, set)
				line := fmt.Sprintf("%s %s %s: curve", label, set, v)
				for i := 1; i <= 9; i++ {
					m := measureLearned(label, pd, thresholds{plain: float64(i) / 10, cue: float64(i) / 10}, nil)
					line += fmt.Sprintf(" %.1f:%d/%.3f/%.3f", float64(i)/10, m.Suggested, m.Precision, m.Recall)
				}
				for _, th := range []float64{0.5, r.th} {
					m := measureLearned(label, pd, thresholds{plain: th, cue: th}, nil)
					line += fmt.Sprintf("; at %.2f R %.3f: shipped's best P at that recall %s", th, m.Recall, bestPAt(label, sp, m.Recall, lm.trusted()))
				}
				line += fmt.Sprintf("; best P at R >= 0.10: %s (shipped %s)", bestPAt(label, pd, 0.10, nil), bestPAt(label, sp, 0.10, lm.trusted()))
				curves = append(curves, line)
			}
		}
	}
	t.Log("curves:\n" + strings.Join(curves, "\n"))
	t.Log("label | test set | shipped P | R | F1 | sugg | lr@0.5 P | R | F1 | sugg | lr@cal th: P | R | F1 | sugg | lr-bal@0.5 ... | lr-bal@cal ... | gold\n" + strings.Join(rows, "\n"))
}

// bestPAt is the most precise point of pds over the pairs of thresholds with recall ≥ r (5
// suggestions or more), as "threshold pair: suggested P R".
func bestPAt(label annotate.Label, pds []preparedDoc, r float64, trusted map[string]bool) string {
	best, at := -1.0, "none"
	for _, th := range thresholdGrid() {
		for _, cue := range thresholdGrid() {
			m := measureLearned(label, pds, thresholds{plain: th, cue: cue}, trusted)
			if m.Recall >= r && m.Suggested >= 5 && m.Precision > best {
				best, at = m.Precision, fmt.Sprintf("%.2f/%.2f: %d P %.3f R %.3f", th, cue, m.Suggested, m.Precision, m.Recall)
			}
		}
	}
	return at
}
