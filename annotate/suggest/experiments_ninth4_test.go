//go:build experiments

package suggest

import (
	"maps"
	"os"
	"strings"
	"testing"
)

// cpLists derives lists from the bias lexicon: "biascp<b>" holds the words whose conditional
// precision k/(n+1) among docs (seen at least 3 times) falls in bucket b.
func cpLists(base wordLists, docs []*nDoc, only string) wordLists {
	out := maps.Clone(base)
	if os.Getenv("EXP_NINTH_NULL") == "1" {
		return out // the same procedure without the derived lists
	}
	cnt := lexCounts(docs, false, only)
	edges := []float64{0.05, 0.15, 0.3, 0.5}
	for w, c := range cnt {
		if c.n < 3 || strings.Contains(w, " ") {
			continue
		}
		p := float64(c.k) / float64(c.n+1)
		b := 0
		for b < len(edges) && p >= edges[b] {
			b++
		}
		name := "biascp" + fmtI(b)
		if out[name] == nil {
			out[name] = map[string]bool{}
		}
		out[name][w] = true
	}
	return out
}

// TestExpNinthLexFeature: the bias lexicon's words by their conditional precision in the
// training folds, as lexicon features (EXP_NINTH_CP=all,basil), out of fold; thresholds chosen
// as the trainer chooses them, on the out-of-fold scores, for the baseline as for the variant.
func TestExpNinthLexFeature(t *testing.T) {
	label := LabelLoadedLanguage
	c := loadExpCorpus(t)
	pool := ninthPool(c, label)
	base := ninthOOF(t, label, pool, c.Lists)
	report := func(name string, pds []preparedDoc) {
		tr := trustRules(pds)
		trusted := map[string]bool{}
		for _, r := range tr {
			if r.Trusted {
				trusted[r.Rule] = true
			}
		}
		th, at, ok := calibrate(func(th thresholds) PRF { return measureLearned(label, pds, th, trusted) })
		basil := onlySet(pds, "basil")
		t.Logf("%-10s thresholds %.2f / %.2f (reached %v): all %s | BASIL %s | BASIL curve best P at R>=0.12: %s",
			name, th.plain, th.cue, ok, fp(at), fp(measureLearned(label, basil, th, trusted)), bestPAt(label, basil, 0.12, trusted))
	}
	var bpds []preparedDoc
	for _, nd := range base {
		bpds = append(bpds, nd.pd)
	}
	report("baseline", bpds)
	opts := labelOptions(label)
	k := opts.Folds
	for _, only := range strings.Split(os.Getenv("EXP_NINTH_CP"), ",") {
		if only == "" {
			continue
		}
		sel := only
		if only == "all" {
			sel = ""
		}
		var oof []preparedDoc
		for f := range k {
			var trainDocs, held []corpusDoc
			var trainN []*nDoc
			for i, d := range pool {
				if foldOf(d, k) != f {
					trainDocs = append(trainDocs, d)
					trainN = append(trainN, base[i])
				} else {
					held = append(held, d)
				}
			}
			lists := cpLists(c.Lists, trainN, sel)
			dict := newFeatDict()
			var exs []example
			if os.Getenv("EXP_NINTH_CROSSFIT") == "1" {
				// Each training doc's buckets come from the other training docs' inner folds, so
				// that no example's own label feeds its feature.
				for g := range k {
					var inN []*nDoc
					var inD []corpusDoc
					for i, d := range trainDocs {
						if expFoldOf("ninth-inner", d, k) != g {
							inN = append(inN, trainN[i])
						} else {
							inD = append(inD, d)
						}
					}
					exs = append(exs, examplesOf(label, inD, cpLists(c.Lists, inN, sel), dict, 1)...)
				}
			} else {
				exs = examplesOf(label, trainDocs, lists, dict, 1)
			}
			lm := &LabelModel{Unit: unitFor(label)}
			lm.linear = *trainLinear(exs, dict, nil, opts, nil)
			oof = append(oof, prepare(label, lm, held, lists)...)
			if f == 0 {
				for _, w := range []string{"l:biascp0", "l:biascp1", "l:biascp2", "l:biascp3", "l:biascp4"} {
					t.Logf("%s fold 0 weight %s = %.4f (%d words)", only, w, lm.linear.Weights[w], len(lists[strings.TrimPrefix(w, "l:")]))
				}
			}
		}
		report("cp "+only, oof)
	}
}
