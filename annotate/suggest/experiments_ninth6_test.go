//go:build experiments

package suggest

import (
	"os"
	"sync"
	"testing"
)

// ninthFit trains the loaded-language model on docs (nds their nDocs, for the counts). With cp,
// each doc's examples read bias-lexicon buckets counted on the other docs' inner folds
// (cross-fitted); otherwise the lexicons as shipped.
func ninthFit(c *Corpus, docs []corpusDoc, nds []*nDoc, cp bool) *LabelModel {
	label := LabelLoadedLanguage
	opts := labelOptions(label)
	dict := newFeatDict()
	var exs []example
	if !cp {
		exs = examplesOf(label, docs, c.Lists, dict, 1)
	} else {
		for g := range opts.Folds {
			var inN []*nDoc
			var inD []corpusDoc
			for i, d := range docs {
				if expFoldOf("ninth-inner", d, opts.Folds) != g {
					inN = append(inN, nds[i])
				} else {
					inD = append(inD, d)
				}
			}
			exs = append(exs, examplesOf(label, inD, cpLists(c.Lists, inN, ""), dict, 1)...)
		}
	}
	lm := &LabelModel{Unit: unitFor(label)}
	lm.linear = *trainLinear(exs, dict, nil, opts, nil)
	return lm
}

// ninthProc is the trainer's procedure on rest (thresholds and trusted rules on 5-fold
// out-of-fold scores, refit on all of rest), with or without the cp lists, measured on outer.
func ninthProc(c *Corpus, rest, outer []corpusDoc, restN []*nDoc, cp bool) []preparedDoc {
	label := LabelLoadedLanguage
	k := labelOptions(label).Folds
	listsFor := func(nds []*nDoc) wordLists {
		if cp {
			return cpLists(c.Lists, nds, "")
		}
		return c.Lists
	}
	var oof []preparedDoc
	for f := range k {
		var tr, held []corpusDoc
		var trN []*nDoc
		for i, d := range rest {
			if foldOf(d, k) == f {
				held = append(held, d)
			} else {
				tr, trN = append(tr, d), append(trN, restN[i])
			}
		}
		lm := ninthFit(c, tr, trN, cp)
		oof = append(oof, prepare(label, lm, held, listsFor(trN))...)
	}
	lm := ninthFit(c, rest, restN, cp)
	lm.Rules = trustRules(oof)
	th, _, _ := calibrate(func(th thresholds) PRF { return measureLearned(label, oof, th, lm.trusted()) })
	lm.Threshold, lm.CueThreshold = th.plain, th.cue
	pds := prepare(label, lm, outer, listsFor(restN))
	for i := range pds {
		pds[i].p = -1 // unused for documents; keeps the thresholds with the docs below
	}
	return append([]preparedDoc{{doc: corpusDoc{ID: "\x00th"}, p: th.plain, cue: th.cue > 0, units: []scoredUnit{{p: th.cue}}}}, withTrusted(pds, lm)...)
}

// withTrusted marks the trusted rules by keeping only their suggestions in the docs' rules, so
// that measureLearned with every rule trusted measures the chosen set.
func withTrusted(pds []preparedDoc, lm *LabelModel) []preparedDoc {
	tr := lm.trusted()
	for i := range pds {
		var rules [][2]int
		var ids []string
		for j, r := range pds[i].ruleIDs {
			if tr[r] {
				rules, ids = append(rules, pds[i].rules[j]), append(ids, r)
			}
		}
		pds[i].rules, pds[i].ruleIDs = rules, ids
	}
	return pds
}

// TestExpNinthCPNested: the cross-fitted bias-lexicon buckets against the shipped features, by the
// eighth round's protocol (outer folds of fit+calib, the trainer's procedure inside each), one cut
// (EXP_CUT0, default 0).
func TestExpNinthCPNested(t *testing.T) {
	label := LabelLoadedLanguage
	c := loadExpCorpus(t)
	pool := ninthPool(c, label)
	nds := ninthOOF(t, label, pool, c.Lists)
	salt := "ninth-nest" + fmtI(envInt("EXP_CUT0", 0))
	const k = 5
	type res struct {
		f1   [2]float64
		cnt  [2][3]counts // variant × (basil, other, all)
		note string
	}
	out := make([]res, k)
	var wg sync.WaitGroup
	sem := make(chan struct{}, envInt("EXP_PAR", 2))
	for o := range k {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			var rest, outer []corpusDoc
			var restN []*nDoc
			for i, d := range pool {
				if expFoldOf(salt, d, k) == o {
					outer = append(outer, d)
				} else {
					rest, restN = append(rest, d), append(restN, nds[i])
				}
			}
			for v, cp := range []bool{false, true} {
				pds := ninthProc(c, rest, outer, restN, cp)
				th := thresholds{plain: pds[0].p, cue: pds[0].units[0].p}
				all := map[string]bool{"loaded.name_calling": true, "loaded.intensifier": true, "loaded.metaphor": true}
				var fa counts
				for _, pd := range pds[1:] {
					var spans [][2]int
					for _, d := range decode(pd.units, th) {
						spans = append(spans, [2]int{d.start, d.end})
					}
					for i, r := range pd.ruleIDs {
						if all[r] && !overlapsAny(pd.rules[i], spans) {
							spans = append(spans, pd.rules[i])
						}
					}
					set := 1
					if pd.doc.Dataset == "basil" {
						set = 0
					}
					out[o].cnt[v][set].addSpans(spans, pd.doc.Spans, label)
					out[o].cnt[v][2].addSpans(spans, pd.doc.Spans, label)
					fa.addSpans(spans, pd.doc.Spans, label)
				}
				out[o].f1[v] = fa.PRF().F1
				out[o].note += " " + fmtF(th.plain) + "/" + fmtF(th.cue)
			}
			t.Logf("outer fold %d: F1 shipped %.4f, cp %.4f; thresholds%s", o, out[o].f1[0], out[o].f1[1], out[o].note)
		}()
	}
	wg.Wait()
	for v, name := range []string{"shipped features", "with cp buckets"} {
		var sum [3]counts
		mean, up, down := 0.0, 0, 0
		for _, r := range out {
			mean += r.f1[v] / k
			if r.f1[1] > r.f1[0] {
				up++
			} else if r.f1[1] < r.f1[0] {
				down++
			}
			for s := range 3 {
				sum[s].sugg += r.cnt[v][s].sugg
				sum[s].hitS += r.cnt[v][s].hitS
				sum[s].gold += r.cnt[v][s].gold
				sum[s].hitG += r.cnt[v][s].hitG
			}
		}
		t.Logf("%s: mean F1 %.4f (cp higher in %d folds, lower in %d); BASIL %s | memes+WNC %s | all %s", name, mean, up, down, fp(sum[0].PRF()), fp(sum[1].PRF()), fp(sum[2].PRF()))
	}
	_ = os.Getenv
}
