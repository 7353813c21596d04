//go:build experiments

package suggest

import (
	"os"
	"slices"
	"sort"
	"testing"
)

func TestExpNinth(t *testing.T) {
	label := LabelLoadedLanguage
	c := loadExpCorpus(t)
	oof := ninthOOF(t, label, ninthPool(c, label), c.Lists)
	lm := BuiltinModel().Labels[label]
	th, trusted := lm.thresholds(), lm.trusted()
	ship := shipDec(th, trusted)
	allRules := map[string]bool{}
	for _, nd := range oof {
		for _, r := range nd.pd.ruleIDs {
			allRules[r] = true
		}
	}
	line := func(name string, docs []*nDoc, dec decision) {
		b, o, a := measureBy(docs, dec, Matches)
		t.Logf("%-44s BASIL %s | memes+WNC %s | all %s", name, fp(b), fp(o), fp(a))
	}

	// 1. What the data look like.
	sents := map[string][]int{}
	for _, nd := range oof {
		sents[nd.pd.doc.Dataset] = append(sents[nd.pd.doc.Dataset], len(nd.fc.d.sentences))
	}
	for _, set := range sortedKeys(sents) {
		s := sents[set]
		sort.Ints(s)
		n5 := 0
		for _, v := range s {
			if v >= 5 {
				n5++
			}
		}
		t.Logf("sentences per text, %s: %d texts, min %d median %d max %d; %d with 5 or more", set, len(s), s[0], s[len(s)/2], s[len(s)-1], n5)
	}
	type rate struct{ n, k int }
	rates := map[string]*rate{}
	add := func(key string, y bool) {
		r := rates[key]
		if r == nil {
			r = &rate{}
			rates[key] = r
		}
		r.n++
		if y {
			r.k++
		}
	}
	goldWords := 0
	goldQuoted := 0
	for _, nd := range oof {
		if nd.pd.doc.Dataset != "basil" {
			continue
		}
		for i, u := range nd.pd.units {
			y := slices.ContainsFunc(nd.pd.doc.Spans, func(g Gold) bool { return g.Start < u.end && u.start < g.End })
			q := "unquoted"
			if nd.quoted[i] {
				q = "quoted"
			}
			add("all "+q, y)
			if nd.bias[i] {
				add("bias-lexicon "+q, y)
			}
			if y {
				goldWords++
				if nd.quoted[i] {
					goldQuoted++
				}
			}
		}
	}
	for _, k := range sortedKeys(rates) {
		r := rates[k]
		t.Logf("BASIL (fit+calib) words %-22s %6d, loaded %4d (%.4f)", k, r.n, r.k, float64(r.k)/float64(r.n))
	}
	t.Logf("BASIL loaded words inside quotations: %d of %d", goldQuoted, goldWords)
	// Rules by data set.
	type rc struct{ n, hit int }
	per := map[string]*rc{}
	for _, nd := range oof {
		for i, r := range nd.pd.ruleIDs {
			key := nd.pd.doc.Dataset + " " + r
			if per[key] == nil {
				per[key] = &rc{}
			}
			per[key].n++
			sp := nd.pd.rules[i]
			if slices.ContainsFunc(nd.pd.doc.Spans, func(g Gold) bool { return Matches(sp[0], sp[1], g.Start, g.End) }) {
				per[key].hit++
			}
		}
	}
	for _, k := range sortedKeys(per) {
		t.Logf("rule %-40s fired %4d, right %4d (%.3f)", k, per[k].n, per[k].hit, float64(per[k].hit)/float64(per[k].n))
	}

	// 2. The shipped decision and the rules alone, out of fold.
	line("shipped 0.82/0.78 + trusted", oof, ship)
	line("rules alone", oof, unionDec(2, allRules))

	// 3. (a) Union: rules where they fire, learned spans above t elsewhere.
	noMeta := map[string]bool{"loaded.name_calling": true, "loaded.intensifier": true}
	for _, tt := range grid(0.5, 0.98, 0.04) {
		line("union(all rules, t="+fmtF(tt)+")", oof, unionDec(tt, allRules))
		line("union(name+intens., t="+fmtF(tt)+")", oof, unionDec(tt, noMeta))
		line("gated>=5: union(all,t="+fmtF(tt)+") / shipped", oof, gated(5, unionDec(tt, allRules), ship))
	}

	// 4. (b) Granularity, under three criteria.
	for _, m := range ninthMatchers {
		for _, g := range []struct {
			name string
			dec  decision
		}{{"shipped", ship}, {"rules", unionDec(2, allRules)}, {"shipped, merged", granular(ship, "merge")},
			{"shipped, +right word", granular(ship, "right")}, {"shipped, +both words", granular(ship, "both")}} {
			b, o, a := measureBy(oof, g.dec, m.m)
			t.Logf("[%s] %-22s BASIL %s | memes+WNC %s | all %s", m.name, g.name, fp(b), fp(o), fp(a))
		}
	}

	// 5. (c) Bias-lexicon words by their conditional precision in the other folds.
	const k = 5
	for _, only := range []string{"", "basil"} {
		for _, byQuote := range []bool{false, true} {
			byFold := make([]map[string]*lexCount, k)
			for f := range k {
				var rest []*nDoc
				for _, nd := range oof {
					if foldOf(nd.pd.doc, k) != f {
						rest = append(rest, nd)
					}
				}
				byFold[f] = lexCounts(rest, byQuote, only)
			}
			cnt := func(nd *nDoc) map[string]*lexCount { return byFold[foldOf(nd.pd.doc, k)] }
			for _, minN := range []int{2, 3, 5} {
				for _, q := range []float64{0.1, 0.2, 0.3, 0.45, 0.6} {
					name := "lex(" + only + ",quote=" + fmtB(byQuote) + ",n>=" + fmtI(minN) + ",q=" + fmtF(q) + ")"
					line(name+" + shipped", oof, lexDec(ship, cnt, q, minN, byQuote))
					line(name+" news only", oof, gated(5, lexDec(ship, cnt, q, minN, byQuote), ship))
				}
			}
		}
	}
	if os.Getenv("EXP_NINTH_TEST") == "1" {
		ninthTest(t, c, oof, ship, allRules)
	}
}

func ninthTest(t *testing.T, c *Corpus, oof []*nDoc, ship decision, allRules map[string]bool) {
	label := LabelLoadedLanguage
	lm := BuiltinModel().Labels[label]
	var test []*nDoc
	for _, d := range inPart(c.Docs[label], partTest) {
		test = append(test, ninthPrepare(label, lm, d, c.Lists))
	}
	// Fixed before the test run: each family's choice on the whole out-of-fold pool.
	pooled := lexCounts(oof, true, "")
	cnt := func(*nDoc) map[string]*lexCount { return pooled }
	for _, v := range []namedDec{
		{"shipped", ship},
		{"rules alone", unionDec(2, allRules)},
		{"gated union t=0.58", gated(5, unionDec(0.58, allRules), ship)},
		{"lex q=0.45 (quote-aware, n>=2) + shipped", lexDec(ship, cnt, 0.45, 2, true)},
		{"shipped, +both words", granular(ship, "both")},
	} {
		for _, m := range ninthMatchers {
			b, o, a := measureBy(test, v.dec, m.m)
			t.Logf("TEST [%s] %-40s BASIL %s | memes+WNC %s | all %s", m.name, v.name, fp(b), fp(o), fp(a))
		}
	}
}

type namedDec struct {
	name string
	dec  decision
}
