//go:build experiments

// The experiment behind EVALUATION.md's "Sixth round": feature families for speculation
// compared in the nested protocol of TestExpNested (the same 5 outer folds × EXP_REPEATS cuts of
// fit+calibration, the adopted procedure inside each: thresholds from 4-fold out-of-fold scores,
// refit on the rest), measured on the outer folds only, never on the test parts:
//
//	EXP_REPEATS=3 EXP_FEATS='base=x:;w=x:h;h=x:w;all=' go test -tags experiments -run TestExpFeatures -v -timeout 60m ./annotate/suggest/
//
// EXP_FEATS lists variants as name=prefixes dropped (joined by "+"; "-p" keeps a family p the
// label drops), optionally with "@W" to weigh the memes' examples W times (m3=@3), "^lists" to
// count those lexicons as rule evidence (cue=^charged), a final "~" for a data-set feature in
// training only (dom=~) and, last of all, "!options" for trainer options of that variant alone
// (r03=!rate=0.03,epochs=12; the names of setTrainOption); the first is the baseline. The tenth
// round's runs (EVALUATION.md):
//
//	EXP_LABEL=loaded_language EXP_REPEATS=3 EXP_INNER=5 EXP_FEATS='base=l:charged+l-1:charged+l+1:charged;ch=' go test -tags experiments -run 'TestExpFeatures$' -v -timeout 150m ./annotate/suggest/
//
// EXP_CUT0=3 starts at the fourth cut (fresh cuts, to check a choice made on the first three).
// EXP_CLUSTERS=1 adds the word clusters to the lexicons (experiments_clusters_test.go; the eleventh
// round: EXP_FEATS='adopt=l:k+l-1:k+l+1:k;k=').
// EXP_SETS=basil,semeval2021-memes takes the mean F1 over those sets only, and a variant ending
// in "|wnc-sample" (before any "!options") leaves that set out of its training and calibration
// (the thirteenth round: EXP_FEATS='base=;nownc=|wnc-sample').
// EXP_OPTS adds trainer options to every variant (as EXP_VARIANTS does: rate=0.03).
package suggest

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

type featVariant struct {
	name string
	opts trainOptions
	setW float64 // the weighed data set's examples weigh this much (0: 1); which set, the experiment says
	// without are data sets left out of this variant's training and calibration ("|wnc-sample").
	without []string
}

func featVariants(t *testing.T, base trainOptions) []featVariant {
	spec := os.Getenv("EXP_FEATS")
	if spec == "" {
		spec = "base=x:;all="
	}
	for _, kv := range strings.Split(os.Getenv("EXP_OPTS"), ",") {
		setTrainOption(&base, kv)
	}
	var out []featVariant
	for _, v := range strings.Split(spec, ";") {
		name, drops, ok := strings.Cut(v, "=")
		if !ok {
			t.Fatalf("EXP_FEATS: %q is not name=prefixes", v)
		}
		var setOpts []string
		if d, opts, ok := strings.Cut(drops, "!"); ok { // "x:!rate=0.03,l2=1e-4": trainer options of this variant
			drops, setOpts = d, strings.Split(opts, ",")
		}
		var without []string
		if d, sets, ok := strings.Cut(drops, "|"); ok { // "x:|wnc-sample": that set left out of training and calibration
			drops, without = d, strings.Split(sets, ",")
		}
		domain := false
		if d, ok := strings.CutSuffix(drops, "~"); ok { // "x:~": a data-set feature in training only
			drops, domain = d, true
		}
		var listLists []string
		if d, l, ok := strings.Cut(drops, "%"); ok { // "x:%charged": the charged words get a threshold of their own
			drops, listLists = d, strings.Split(l, "+")
		}
		var cueLists []string
		if d, l, ok := strings.Cut(drops, "^"); ok { // "x:^charged": the charged words count as rule evidence
			drops, cueLists = d, strings.Split(l, "+")
		}
		setW := 0.0
		if d, w, ok := strings.Cut(drops, "@"); ok { // "x:@3": the weighed set counts 3 times
			drops = d
			setW, _ = strconv.ParseFloat(w, 64)
		}
		o := base
		o.Drop = append([]string(nil), base.Drop...)
		for _, p := range splitPrefixes(drops) {
			if keep, ok := strings.CutPrefix(p, "-"); ok { // "-l:charged": a family the label drops, kept
				o.Drop = slices.DeleteFunc(o.Drop, func(d string) bool { return d == keep })
			} else if p != "" {
				o.Drop = append(o.Drop, p)
			}
		}
		for _, kv := range setOpts {
			if !setTrainOption(&o, kv) {
				t.Fatalf("EXP_FEATS: unknown trainer option %q", kv)
			}
		}
		o.CueLists = cueLists
		o.ListLists = listLists
		o.Domain = domain
		out = append(out, featVariant{name, o, setW, without})
	}
	return out
}

// splitPrefixes splits "a:+l-1:x+l+1:x+b+:" into its prefixes at each "+" that does not start a
// neighbour's offset ("l+1:") or belong to a family's name ("b+:", the bigram with the next
// word; until the twelfth round it became "b" and ":"). Until the eleventh round it split at
// every "+", so "l+1:charged" became "l" and "1:charged" and a variant dropping it dropped every
// feature starting with "l" (all lexicons, "len:"): EVALUATION.md, "Eleventh round".
func splitPrefixes(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "+") {
		if n := len(out); n > 0 && p != "" && (p[0] >= '0' && p[0] <= '9' || p[0] == ':') {
			out[n-1] += "+" + p
			continue
		}
		out = append(out, p)
	}
	return out
}

func TestSplitPrefixes(t *testing.T) {
	got := strings.Join(splitPrefixes("l:charged+l-1:charged+l+1:charged+x:+b-:+b+:+w+1:"), " | ")
	if want := "l:charged | l-1:charged | l+1:charged | x: | b-: | b+: | w+1:"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestExpFeatures(t *testing.T) {
	label, c, docs := expFitCalib(t)
	t0 := time.Now()
	units := cvPrepareAll(label, docs, c.Lists)
	t.Logf("%s: %d docs prepared in %s", label, len(units), time.Since(t0))
	// How often each pattern fires and how often the sentence is positive then (fit+calib).
	fired, pos := map[string]int{}, map[string]int{}
	for _, u := range units {
		for i, fs := range u.feats {
			for _, f := range fs {
				if strings.HasPrefix(f, "x:") && !strings.HasPrefix(f, "x:h-modal:") {
					fired[f]++
					if u.ys[i] {
						pos[f]++
					}
				}
			}
		}
	}
	for _, f := range sortedKeys(fired) {
		t.Logf("pattern %-18s fires in %5d units, positive %.2f", f, fired[f], float64(pos[f])/float64(fired[f]))
	}
	vs := featVariants(t, labelOptions(label))
	K, R, inner := envInt("EXP_K", 5), envInt("EXP_REPEATS", 1), envInt("EXP_INNER", 4)
	pooled := map[string]map[string]*counts{}
	wins, losses := map[string]int{}, map[string]int{}
	sumF, sumW := map[string]float64{}, map[string]float64{}
	for r := envInt("EXP_CUT0", 0); r < envInt("EXP_CUT0", 0)+R; r++ {
		for o := range K {
			t1 := time.Now()
			test, rest := split(units, func(u *cvUnit) bool { return expFoldOf(fmt.Sprint("outer", r), u.doc, K) == o })
			salt := fmt.Sprint(r, "/", o)
			line := fmt.Sprintf("cut %d fold %d:", r, o)
			base := 0.0
			for i, v := range vs {
				wf := weighSet("semeval2021-memes", v.setW)
				train := rest
				if len(v.without) > 0 {
					_, train = split(rest, func(u *cvUnit) bool { return slices.Contains(v.without, u.doc.Dataset) })
				}
				lm, _ := procNewWeighted(label, train, v.opts, salt, inner, wf)
				pd := cvPrep(label, lm, test)
				if pooled[v.name] == nil {
					pooled[v.name] = map[string]*counts{}
				}
				for _, set := range datasetsOf(pd) {
					if pooled[v.name][set] == nil {
						pooled[v.name][set] = &counts{}
					}
					addPRF(pooled[v.name][set], measureLearned(label, onlySet(pd, set), lm.thresholds(), lm.trusted()))
				}
				scored := pd
				if sets := os.Getenv("EXP_SETS"); sets != "" { // the mean F1 over these sets only
					scored = nil
					for _, set := range strings.Split(sets, ",") {
						scored = append(scored, onlySet(pd, set)...)
					}
				}
				f := measureLearned(label, scored, lm.thresholds(), lm.trusted()).F1
				fw := measureLearned(label, onlySet(pd, "wikiweasel"), lm.thresholds(), lm.trusted()).F1
				sumF[v.name] += f
				sumW[v.name] += fw
				if i == 0 {
					base = f
				} else if f > base {
					wins[v.name]++
				} else if f < base {
					losses[v.name]++
				}
				line += fmt.Sprintf(" %s %.3f (th %.2f/%.2f/%.2f, ww %.3f)", v.name, f, lm.Threshold, lm.CueThreshold, lm.ListThreshold, fw)
			}
			t.Logf("%s %s", line, time.Since(t1).Round(time.Second))
		}
	}
	n := float64(R * K)
	for i, v := range vs {
		head := fmt.Sprintf("%s: mean F1 over %d outer folds %.4f (WikiWeasel %.4f)", v.name, R*K, sumF[v.name]/n, sumW[v.name]/n)
		if i > 0 {
			head += fmt.Sprintf("; above %s in %d folds, below in %d", vs[0].name, wins[v.name], losses[v.name])
		}
		t.Log(head)
		for _, set := range sortedKeys(pooled[v.name]) {
			p := pooled[v.name][set].PRF()
			t.Logf("%s %s pooled: P %.3f R %.3f F1 %.3f", v.name, set, p.Precision, p.Recall, p.F1)
		}
	}
}
