//go:build experiments

// The experiments behind EVALUATION.md's "Ninth round" (loaded language in news: decisions over
// the shipped model's scores), run by hand, never by the test suite:
//
//	go test -tags experiments -run 'TestExpNinthOOF$' -v ./annotate/suggest/     # the cache
//	go test -tags experiments -run 'TestExpNinth$' -v ./annotate/suggest/        # data and sweeps
//	go test -tags experiments -run 'TestExpNinthNested$' -v ./annotate/suggest/  # decisions, nested
//	EXP_NINTH_CROSSFIT=1 EXP_NINTH_CP=all,basil go test -tags experiments -run 'TestExpNinthLexFeature$' -v -timeout 60m ./annotate/suggest/
//	go test -tags experiments -run 'TestExpNinthCPNested$' -v -timeout 80m ./annotate/suggest/
//
// The out-of-fold scores of the fit and calibration parts (the trainer's own five folds, models
// trained as trainLabelFolds trains them) are computed once and cached in EXP_NINTH_CACHE
// (default /tmp/credence-ninth-oof.json). Every choice is made on those scores; the test parts
// are scored with the built-in model (the trainer's refit on both parts) and printed only when
// EXP_NINTH_TEST=1.
package suggest

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/credence-project/credence/annotate"
)

// nDoc is a prepared doc with what the decisions read of its tokens.
type nDoc struct {
	pd     preparedDoc
	norm   []string // per unit
	bias   []bool   // a bias-lexicon entry covers the token
	quoted []bool
	sent   []int
	tokIdx map[int]int // token index → unit index
	fc     *featCtx
}

func ninthPrepare(label annotate.Label, lm *LabelModel, doc corpusDoc, lists wordLists) *nDoc {
	fc := newFeatCtx(doc.Text, lists)
	pd := preparedDoc{doc: doc, units: lm.score(fc, label)}
	pd.addRulesAndSentences(fc, label)
	nd := &nDoc{pd: pd, tokIdx: map[int]int{}, fc: fc}
	for i, u := range pd.units {
		t := fc.d.tokens[u.unit]
		nd.norm = append(nd.norm, t.norm)
		nd.bias = append(nd.bias, slices.Contains(fc.tokLists[u.unit], "bias"))
		nd.quoted = append(nd.quoted, fc.d.quoted[t.start])
		nd.sent = append(nd.sent, t.sent)
		nd.tokIdx[u.unit] = i
	}
	return nd
}

func ninthCachePath() string {
	if p := os.Getenv("EXP_NINTH_CACHE"); p != "" {
		return p
	}
	return "/tmp/credence-ninth-oof.json"
}

// ninthOOF returns the pool's docs scored out of fold, as trainLabelFolds scores them.
func ninthOOF(t *testing.T, label annotate.Label, pool []corpusDoc, lists wordLists) []*nDoc {
	builtin := BuiltinModel().Labels[label]
	out := make([]*nDoc, len(pool))
	for i, d := range pool {
		out[i] = ninthPrepare(label, builtin, d, lists)
	}
	cache := map[string][]float64{}
	if b, err := os.ReadFile(ninthCachePath()); err == nil {
		if err := json.Unmarshal(b, &cache); err != nil {
			t.Fatal(err)
		}
	}
	if len(cache) != len(pool) {
		opts := labelOptions(label)
		k := opts.Folds
		dict := newFeatDict()
		exs := make([][]example, len(pool))
		for i := range pool {
			exs[i] = examplesOf(label, pool[i:i+1], lists, dict, 1)
		}
		cache = map[string][]float64{}
		for f := range k {
			var train []example
			for i := range pool {
				if foldOf(pool[i], k) != f {
					train = append(train, exs[i]...)
				}
			}
			lm := &LabelModel{Unit: unitFor(label)}
			lm.linear = *trainLinear(train, dict, nil, opts, nil)
			for _, d := range pool {
				if foldOf(d, k) == f {
					nd := ninthPrepare(label, lm, d, lists)
					ps := make([]float64, len(nd.pd.units))
					for j, u := range nd.pd.units {
						ps[j] = u.p
					}
					cache[d.Dataset+"/"+d.ID] = ps
				}
			}
			t.Logf("fold %d scored", f)
		}
		b, _ := json.Marshal(cache)
		if err := os.WriteFile(ninthCachePath(), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, nd := range out {
		ps := cache[nd.pd.doc.Dataset+"/"+nd.pd.doc.ID]
		if len(ps) != len(nd.pd.units) {
			t.Fatalf("cache: %s has %d units, %d scores", nd.pd.doc.ID, len(nd.pd.units), len(ps))
		}
		for j := range ps {
			nd.pd.units[j].p = ps[j]
		}
	}
	return out
}

// TestExpNinthOOF only builds the cache and checks it reproduces the trainer's out-of-fold
// calibration figure.
func TestExpNinthOOF(t *testing.T) {
	label := LabelLoadedLanguage
	c := loadExpCorpus(t)
	pool := ninthPool(c, label)
	oof := ninthOOF(t, label, pool, c.Lists)
	var pds []preparedDoc
	for _, nd := range oof {
		pds = append(pds, nd.pd)
	}
	lm := BuiltinModel().Labels[label]
	p := measureLearned(label, pds, lm.thresholds(), lm.trusted())
	t.Logf("out of fold at the built-in thresholds %.2f / %.2f: P %.3f R %.3f F1 %.3f (built-in AtCalib %+v)", lm.Threshold, lm.CueThreshold, p.Precision, p.Recall, p.F1, lm.AtCalib)
}

// ninthPool is the fit and calibration parts in the trainer's order (trainLabel: fit, then calib).
func ninthPool(c *Corpus, label annotate.Label) []corpusDoc {
	docs := c.Docs[label]
	return append(inPart(docs, partFit), inPart(docs, partCalib)...)
}
