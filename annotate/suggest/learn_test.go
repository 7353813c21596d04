package suggest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/credence-project/credence/annotate"
)

// writeTrainingFixture writes a small training directory in the shared data's layout, with
// sentences whose labels follow from their words, so that a model can learn them.
func writeTrainingFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, lines []string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	js := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, f := range listFiles {
		write(f, []string{"# a list", "may", "perhaps", "accuse", "clearly", "disgraceful"})
	}
	var nd, ct, ww, pn, ba, se, wn []string
	for i := range 60 {
		subj := i%2 == 0
		text := fmt.Sprintf("The council approved budget number %d on Monday.", i)
		if subj {
			text = fmt.Sprintf("This disgraceful plan number %d is clearly a terrible idea.", i)
		}
		split := []string{"train", "train", "train", "val", "test"}[i%5]
		nd = append(nd, js(map[string]any{"text": text, "label": map[bool]string{true: "SUBJ", false: "OBJ"}[subj], "split": split}))
		ct = append(ct, js(map[string]any{"id": fmt.Sprint("ct", i), "text": text, "label": map[bool]string{true: "SUBJ", false: "OBJ"}[subj],
			"split": []string{"train_en", "train_en", "dev_en", "dev_test_en", "train_en"}[i%5], "in_newssd_eng": false}))
		spec := fmt.Sprintf("The bridge %d may perhaps open next year.", i)
		if !subj {
			spec = fmt.Sprintf("The bridge %d opened in 1990.", i)
		}
		ww = append(ww, js(map[string]any{"text": spec, "label": map[bool]string{true: "uncertain", false: "certain"}[subj]}))
		art := fmt.Sprintf("Officials met on day %d.\nThe mayor said the plan would cost more.\nRoads were closed.", i)
		s := strings.Index(art, "The mayor")
		pn = append(pn, js(map[string]any{"id": fmt.Sprint("pn", i), "annotation_file": fmt.Sprint("pn", i, ".ann"), "text": art,
			"spans": []map[string]any{{"start": s, "end": s + 9, "label": "Source", "rel": "E1", "rel_type": "Attribution"},
				{"start": s + 10, "end": s + 14, "label": "Cue", "rel": "E1", "rel_type": "Attribution"},
				{"start": s + 15, "end": s + 40, "label": "Content", "rel": "E1", "rel_type": "Attribution"}}}))
		sent := fmt.Sprintf("The senator's scheme %d drew a vicious attack.", i)
		v := strings.Index(sent, "vicious")
		ba = append(ba, js(map[string]any{"id": fmt.Sprintf("trip%d/fox/p0", i), "article_uuid": fmt.Sprint("a", i), "text": sent,
			"spans": []map[string]any{{"start": v, "end": v + 7, "label": "lexical_bias"}}}))
		meme := fmt.Sprintf("THEY ARE CROOKS %d", i)
		se = append(se, js(map[string]any{"id": fmt.Sprint(i), "split": []string{"training_set_task2", "dev_set_task2", "test_set_task2"}[i%3],
			"text": meme, "spans": []map[string]any{{"start": 9, "end": 15, "label": "Loaded Language"}}}))
		wn = append(wn, js(map[string]any{"id": fmt.Sprintf("%s/%d", []string{"train", "train", "test"}[i%3], i),
			"text": fmt.Sprintf("he is a legendary player %d .", i), "spans": []map[string]any{{"start": 8, "end": 17, "label": "npov_edit_delete"}}}))
	}
	write("newssd-eng/newssd-eng.jsonl", nd)
	write("checkthat2025-task1-subjectivity-en/checkthat-en.jsonl", ct)
	write("wikiweasel-train/wikiweasel-train.jsonl", ww)
	write("polnear-train/polnear-train.jsonl", pn)
	write("basil/basil.jsonl", ba)
	write("semeval2021-task6-memes/semeval2021-task6-memes.jsonl", se)
	write("wnc-sample/wnc-sample.jsonl", wn)
	return dir
}

// TestTrainIsDeterministic trains twice on the same small sample and compares the weights
// files byte for byte; another seed must give other bytes, or the test could not fail.
func TestTrainIsDeterministic(t *testing.T) {
	dir := writeTrainingFixture(t)
	train := func(seed uint64) []byte {
		c, err := LoadCorpus(dir)
		if err != nil {
			t.Fatal(err)
		}
		cfg := TrainConfig{}
		if seed != 0 {
			cfg.Options = map[annotate.Label]trainOptions{}
			for _, l := range Labels() {
				o := labelOptions(l)
				o.Seed = seed
				cfg.Options[l] = o
			}
		}
		m, err := Train(c, cfg)
		if err != nil {
			t.Fatal(err)
		}
		b, err := m.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b := train(0), train(0)
	if !bytes.Equal(a, b) {
		t.Fatalf("two trainings on the same data differ: %d and %d bytes", len(a), len(b))
	}
	if bytes.Equal(a, train(99)) {
		t.Fatal("another seed gave the same bytes: the order of the examples plays no part")
	}
	m, err := ParseModel(a)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range Labels() {
		if m.Labels[l] == nil || len(m.Labels[l].Weights) == 0 || len(m.Labels[l].Figures) == 0 {
			t.Fatalf("label %s: no model or no figures after training: %+v", l, m.Labels[l])
		}
	}
	// The sample is easy: its test rows must be learned.
	for _, f := range m.Labels[LabelOpinion].Figures {
		if f.Learned.F1 < 0.9 {
			t.Errorf("opinion on %s: F1 %.3f on separable data", f.Dataset, f.Learned.F1)
		}
	}
}

// TestLoadCorpusParts: each data set is split as MODEL.md says, by document, and the gold
// spans of joined documents point at the right words.
func TestLoadCorpusParts(t *testing.T) {
	c, err := LoadCorpus(writeTrainingFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]map[string]int{}
	for _, l := range Labels() {
		for _, d := range c.Docs[l] {
			key := d.Dataset + "/" + string(l)
			if parts[key] == nil {
				parts[key] = map[string]int{}
			}
			parts[key][d.Part]++
			for _, g := range d.Spans {
				if g.Start < 0 || g.End > utf8.RuneCountInString(d.Text) || g.Start >= g.End {
					t.Fatalf("%s %s: span %d-%d outside the text", d.Dataset, d.ID, g.Start, g.End)
				}
				got := string([]rune(d.Text)[g.Start:g.End])
				if d.Dataset == "basil" && got != "vicious" {
					t.Fatalf("basil span is %q", got)
				}
			}
		}
	}
	// NewsSD keeps its own splits: 36 train, 12 val, 12 test.
	if p := parts["newssd-eng/opinion"]; p[partFit] != 36 || p[partCalib] != 12 || p[partTest] != 12 {
		t.Errorf("newssd parts %v", p)
	}
	// CheckThat's dev_en (12 of its 60 fixture rows) is shared between fit and calib by a hash of
	// the row id; its 36 train_en rows are fit and its 12 dev_test_en rows test.
	if p := parts["checkthat2025-en/opinion"]; p[partFit] <= 36 || p[partCalib] == 0 || p[partFit]+p[partCalib] != 48 || p[partTest] != 12 {
		t.Errorf("checkthat parts %v", p)
	}
	for _, set := range []string{"semeval2021-memes/loaded_language", "semeval2021-memes/speculation"} {
		if p := parts[set]; p[partFit] != 20 || p[partCalib] != 20 || p[partTest] != 20 {
			t.Errorf("%s parts %v", set, p)
		}
	}
	for _, set := range []string{"wikiweasel/speculation", "polnear/sourced_fact", "basil/loaded_language"} {
		if p := parts[set]; p[partFit] == 0 || p[partCalib] == 0 || p[partTest] == 0 {
			t.Errorf("%s: held-back parts missing: %v", set, p)
		}
	}
	if len(c.Lists["report"]) == 0 || !c.Lists["report"]["accused"] {
		t.Errorf("report verbs without inflections: %v", c.Lists["report"])
	}
}

// TestEvaluationMachinery checks the counting on constructed units: span matching, sentence
// rows, the every-sentence baseline and the threshold calibration.
func TestEvaluationMachinery(t *testing.T) {
	gold := []Gold{{Label: LabelLoadedLanguage, Start: 10, End: 20}, {Label: LabelLoadedLanguage, Start: 40, End: 44}}
	docs := []preparedDoc{
		{doc: corpusDoc{Spans: gold}, units: []scoredUnit{
			{start: 10, end: 14, p: 0.9, unit: 0, joinNext: true}, {start: 15, end: 20, p: 0.7, unit: 1},
			{start: 25, end: 30, p: 0.65, unit: 2}, {start: 40, end: 44, p: 0.3, unit: 3}},
			sentences: [][2]int{{0, 35}, {36, 50}}, rules: [][2]int{{40, 44}}, ruleIDs: []string{"loaded.name_calling"}},
		{doc: corpusDoc{Sentence: true, Positive: true}, p: 0.8, sentences: [][2]int{{0, 9}}},
		{doc: corpusDoc{Sentence: true, Positive: false}, p: 0.75, sentences: [][2]int{{0, 9}}},
	}
	// At 0.6: the chained tokens 10–20 make one span (a match), 25–30 misses; rows: one hit, one false alarm.
	got := measureLearned(LabelLoadedLanguage, docs, thresholds{plain: 0.6, cue: 0.6}, nil)
	if got.Suggested != 4 || got.Matched != 2 || got.Gold != 3 || got.Found != 2 {
		t.Fatalf("learned at 0.6: %+v", got)
	}
	if got.Precision != 0.5 || got.Recall != 0.6667 {
		t.Fatalf("learned at 0.6: P %v R %v", got.Precision, got.Recall)
	}
	// At 0.85 only the first token (which still matches its gold span) survives.
	if got := measureLearned(LabelLoadedLanguage, docs, thresholds{plain: 0.85, cue: 0.85}, nil); got.Suggested != 1 || got.Matched != 1 || got.Found != 1 {
		t.Fatalf("learned at 0.85: %+v", got)
	}
	base := measureFixed(LabelLoadedLanguage, docs, false)
	if base.Suggested != 4 || base.Matched != 3 || base.Recall != 1 {
		t.Fatalf("baseline: %+v", base)
	}
	rules := measureFixed(LabelLoadedLanguage, docs, true)
	if rules.Suggested != 1 || rules.Matched != 1 || rules.Found != 1 {
		t.Fatalf("rules: %+v", rules)
	}
	// Calibration takes the best F1 among thresholds with precision ≥ 0.6, not the best F1.
	th, at, ok := calibrate(func(th thresholds) PRF {
		thr := min(th.plain, th.cue)
		switch {
		case thr < 0.5:
			return newPRF(10, 5, 8, 8) // P 0.5, R 1: best F1 but too imprecise
		case thr < 0.7:
			return newPRF(8, 5, 8, 5) // P 0.625
		}
		return newPRF(2, 2, 8, 2) // P 1, R 0.25
	})
	if !ok || min(th.plain, th.cue) != 0.5 || at.Precision != 0.625 {
		t.Fatalf("calibrate: %v %+v %v", th, at, ok)
	}
	if _, _, ok := calibrate(func(thresholds) PRF { return newPRF(10, 1, 10, 1) }); ok {
		t.Fatal("calibrate claimed precision 0.6 on data that never reaches it")
	}
}

const learnedText = "Could this be the end? The narcissistic, nasty jerk lied, the FBI report stated. " +
	"I think this disgraceful decision should be reversed. The mayor said on Monday that the bridge may open next year."

// TestLearnedSuggestions: the built-in model's suggestions carry valid offsets, a reason, a
// confidence in [0, 1] and the model's name and version.
func TestLearnedSuggestions(t *testing.T) {
	l := NewLearned(BuiltinModel(), nil)
	got, err := l.Suggest(context.Background(), learnedText)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 {
		t.Fatal("no suggestions")
	}
	checkOffsets(t, learnedText, got)
	labels := map[annotate.Label]bool{}
	for _, s := range got {
		labels[s.Label] = true
		if s.Reason == "" || s.Confidence < 0 || s.Confidence > 1 || s.Model != BuiltinModel().ID() || s.Rule != LearnedRuleID(s.Label) {
			t.Errorf("suggestion %+v", s)
		}
		if !strings.Contains(s.Reason, "confidence") {
			t.Errorf("reason %q does not give the confidence", s.Reason)
		}
	}
	for _, want := range []annotate.Label{LabelSourcedFact, LabelOpinion} {
		if !labels[want] {
			t.Errorf("no %s suggestion in %+v", want, got)
		}
	}
	if _, err := l.Suggest(context.Background(), "bad \xff"); err != ErrInvalidText {
		t.Fatalf("invalid UTF-8: %v", err)
	}
}

// TestLearnedFallsBackToRules: a learned label switched off is served by the word lists, the
// others stay learned.
func TestLearnedFallsBackToRules(t *testing.T) {
	l := NewLearned(BuiltinModel(), nil, LearnedRuleID(LabelLoadedLanguage))
	got, err := l.Suggest(context.Background(), learnedText)
	if err != nil {
		t.Fatal(err)
	}
	sawRule := false
	for _, s := range got {
		if s.Label == LabelLoadedLanguage {
			if s.Model != RulesModelID || !strings.HasPrefix(s.Rule, "loaded.") {
				t.Fatalf("loaded language should come from the rules: %+v", s)
			}
			sawRule = true
			if s.Confidence <= 0 || s.Confidence > 1 {
				t.Errorf("rule confidence %v", s.Confidence)
			}
		} else if s.Model != BuiltinModel().ID() {
			t.Errorf("%s should stay learned: %+v", s.Label, s)
		}
	}
	if !sawRule {
		t.Fatalf("no rule-based loaded language in %+v", got)
	}
}

// TestBuiltinModelRoundTrip: the embedded file parses, and Marshal gives its bytes back.
func TestBuiltinModelRoundTrip(t *testing.T) {
	m := BuiltinModel()
	for _, l := range Labels() {
		lm := m.Labels[l]
		if lm == nil || len(lm.Weights) == 0 || lm.Threshold <= 0 || lm.Threshold >= 1 {
			t.Fatalf("built-in %s model: %+v", l, lm)
		}
	}
	unversioned := *m
	unversioned.Version = "" // the version is the file's digest, set when it is loaded
	b, err := unversioned.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, BuiltinModelBytes()) {
		t.Fatal("re-encoding the built-in model changed its bytes")
	}
}

// BenchmarkLearnedSuggest20kWords measures suggestions for a 20,000-word article (the seed
// articles repeated); EVALUATION.md reports the figure.
func BenchmarkLearnedSuggest20kWords(b *testing.B) {
	text := benchText(b)
	l := NewLearned(BuiltinModel(), nil)
	b.ReportMetric(float64(len(strings.Fields(text))), "words")
	for b.Loop() {
		if _, err := l.Suggest(context.Background(), text); err != nil {
			b.Fatal(err)
		}
	}
}

// TestLearnedOnSeedGold measures the learned suggester on the project's hand-labelled seed
// articles, which no model was trained on (EVALUATION.md quotes the tables from -v). It checks
// that the learned path runs on real articles and suggests every label, not the figures.
func TestLearnedOnSeedGold(t *testing.T) {
	c := loadCorpus(t)
	docs := append(append([]Doc(nil), c.tuneDocs...), c.heldDocs...)
	gold := append(append([]Gold(nil), c.tuneGold...), c.heldGold...)
	learned := Evaluate(NewLearned(BuiltinModel(), nil), docs, gold)
	rules := Evaluate(NewRules(), docs, gold)
	t.Logf("learned (%s), all five seed articles:\n%s", BuiltinModel().ID(), learned.Table())
	t.Logf("rules, all five seed articles:\n%s", rules.Table())
	if len(learned.Errors) > 0 {
		t.Fatalf("errors: %v", learned.Errors)
	}
	for _, ls := range learned.Labels {
		if ls.Suggested == 0 {
			t.Errorf("no %s suggestion on the seed articles", ls.Label)
		}
	}
}

// TestStripWikiMarkup: the WNC sample's markup leaves the training text, and each edited span
// still covers the same words afterwards (or goes, when it held markup only).
func TestStripWikiMarkup(t *testing.T) {
	cases := []struct {
		text  string
		spans []string // the edited passages, in order
		want  string
		kept  []string
	}{
		{`calvin is the reformer <del class =" diffchange diffchange - inline "> at the center of the movement </del> .`,
			[]string{`<del class =" diffchange diffchange - inline "> at the center of the movement </del>`},
			"calvin is the reformer at the center of the movement .", []string{"at the center of the movement"}},
		{`american generally {{ weasel word | date = july 2012 }} thought to be the culprit`,
			[]string{"generally {{ weasel word | date = july 2012 }} thought"},
			"american generally thought to be the culprit", []string{"generally thought"}},
		{`a rousing success .<ref name =" hist ">{{ cite web`, []string{"rousing", `<ref name =" hist ">`},
			"a rousing success .", []string{"rousing"}},
		{`thumb | right | 300px | wild and scenic red river`, []string{"wild and scenic"}, "wild and scenic red river", []string{"wild and scenic"}},
		{`| caption = leading the “skilling” revolution || 2006 ||`, []string{"leading the “skilling” revolution"},
			"leading the “skilling” revolution 2006", []string{"leading the “skilling” revolution"}},
		{`what have been called racism | racist views`, []string{"racist"}, "what have been called racism racist views", []string{"racist"}},
		{`no markup here`, []string{"markup"}, "no markup here", []string{"markup"}},
	}
	for _, c := range cases {
		var spans [][2]int
		for _, s := range c.spans {
			b := strings.Index(c.text, s)
			if b < 0 {
				t.Fatalf("%q not in %q", s, c.text)
			}
			from := utf8.RuneCountInString(c.text[:b])
			spans = append(spans, [2]int{from, from + utf8.RuneCountInString(s)})
		}
		got, kept := stripWikiMarkup(c.text, spans)
		if got != c.want {
			t.Errorf("stripWikiMarkup(%q) = %q, want %q", c.text, got, c.want)
			continue
		}
		var words []string
		for _, k := range kept {
			words = append(words, string([]rune(got)[k[0]:k[1]]))
		}
		if fmt.Sprint(words) != fmt.Sprint(c.kept) {
			t.Errorf("%q: spans became %q, want %q", c.text, words, c.kept)
		}
	}
}

// TestBuiltinWeightsHoldNoWikiMarkup: no loaded-language weight of the built-in model (the label
// the WNC sample trains) reads a word of the wiki markup that the sample carried ("diffchange",
// "<del class=…>", "<ref name=…>", "{{ cite web"). "cite" alone is an English word of BASIL.
func TestBuiltinWeightsHoldNoWikiMarkup(t *testing.T) {
	markup := map[string]bool{"diffchange": true, "del": true, "ins": true, "ref": true, "/ref": true,
		"accessdate": true, "{{": true, "}}": true, "|": true, "||": true, "thumb": true}
	for f, w := range BuiltinModel().Labels[LabelLoadedLanguage].Weights {
		kind, val, ok := strings.Cut(f, ":")
		if !ok || kind == "c" || kind == "s3" || kind == "s4" || kind == "p3" || kind == "l" || kind == "r" {
			continue // letter n-grams, lexicons and rules are not words
		}
		words := strings.Fields(val)
		for i, word := range words {
			if markup[word] || strings.Contains(word, "diffchange") || (word == "cite" && i+1 < len(words) && (words[i+1] == "web" || words[i+1] == "news")) {
				t.Errorf("weight %q (%v) reads wiki markup %q", f, w, word)
			}
		}
	}
}

// TestUntokenisePTB: the WikiWeasel conversion's Treebank escapes become the brackets and
// quotation marks news text uses, so the quotation features see them.
func TestUntokenisePTB(t *testing.T) {
	in := "Two QJ -LRB- 2-10-2 -RRB- locomotives, `` widely regarded as the best '' by -LSB- some -RSB- fans."
	want := "Two QJ (2-10-2) locomotives, “widely regarded as the best” by [some] fans."
	if got := untokenisePTB(in); got != want {
		t.Fatalf("untokenisePTB = %q, want %q", got, want)
	}
	fc := newFeatCtx(untokenisePTB("He called it `` a disgrace '' on Monday ."), nil)
	if !slices.Contains(fc.sentenceFeatures(-1), "q:some") {
		t.Errorf("a quotation opened by backticks is not read as one: %v", fc.sentenceFeatures(-1))
	}
}

// TestTrainLabelFolds: with Folds the thresholds are chosen on out-of-fold scores of the fit and
// calibration parts together, each doc scored exactly once, and a group (a BASIL triplet) never
// spans two folds.
func TestTrainLabelFolds(t *testing.T) {
	c, err := LoadCorpus(writeTrainingFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	docs := c.Docs[LabelSpeculation]
	pos, test := 0, 0
	for _, d := range docs {
		switch {
		case d.Part == partTest:
			test++
		case d.Sentence && d.Positive:
			pos++
		}
	}
	o := labelOptions(LabelSpeculation)
	if o.Folds < 2 {
		t.Fatalf("speculation is not trained with folds: %+v", o)
	}
	lm, err := trainLabel(LabelSpeculation, docs, c.Lists, o, func(float64) {})
	if err != nil {
		t.Fatal(err)
	}
	if lm.AtCalib.Gold != pos {
		t.Errorf("out-of-fold figure counts %d positive rows, the fit and calibration parts hold %d", lm.AtCalib.Gold, pos)
	}
	if !lm.Calibrated || lm.AtCalib.F1 < 0.9 {
		t.Errorf("out-of-fold figure on separable rows: %+v", lm.AtCalib)
	}
	if len(lm.Figures) == 0 || test == 0 {
		t.Fatalf("no test figures (%d test docs)", test)
	}
	folds := map[int]bool{}
	for i := range 40 {
		a := corpusDoc{Dataset: "basil", ID: fmt.Sprint("a", i), Group: fmt.Sprint("trip", i)}
		b := corpusDoc{Dataset: "basil", ID: fmt.Sprint("b", i), Group: fmt.Sprint("trip", i)}
		if foldOf(a, 5) != foldOf(b, 5) {
			t.Fatalf("triplet %d split over folds %d and %d", i, foldOf(a, 5), foldOf(b, 5))
		}
		folds[foldOf(a, 5)] = true
	}
	if len(folds) != 5 {
		t.Errorf("40 groups fell in %d of 5 folds", len(folds))
	}
}

// TestReasonsNameWordsNotLetters: a reason names a letter feature by the word of the passage
// that spells it ("the spelling of “smug”"), never as bare letters ("the letters “sm”"), and
// not again when the word itself is named; the sentence markers of neighbour features read as
// words ("at the end of its sentence"), never as "</s>".
func TestReasonsNameWordsNotLetters(t *testing.T) {
	l := NewLearned(BuiltinModel(), nil)
	text := "The smug, spendthrift showboat may finally have to answer for this. What an IDIOT. " + learnedText
	got, err := l.Suggest(context.Background(), text)
	if err != nil {
		t.Fatal(err)
	}
	spelled := 0
	for _, s := range got {
		if strings.Contains(s.Reason, "the letters") || strings.Contains(s.Reason, "<s>") || strings.Contains(s.Reason, "</s>") {
			t.Errorf("reason %q", s.Reason)
		}
		for _, part := range strings.Split(s.Reason, ", ") {
			w, ok := strings.CutPrefix(part, "the spelling of “")
			if !ok {
				continue
			}
			spelled++
			w = strings.TrimSuffix(w, "”")
			if !strings.Contains(strings.ToLower(s.Exact), w) {
				t.Errorf("%q names “%s”, which is not in the passage %q", s.Reason, w, s.Exact)
			}
			if strings.Contains(s.Reason, "the word “"+w+"”") {
				t.Errorf("%q names “%s” twice", s.Reason, w)
			}
		}
	}
	if spelled == 0 {
		t.Fatalf("no reason names a spelling: %+v", got)
	}
	for _, s := range got {
		if s.Label == LabelLoadedLanguage && s.Exact == "smug, spendthrift showboat" {
			if !strings.Contains(s.Reason, "the spelling of “smug”") {
				t.Errorf("showboat: %q, want its letters named as the spelling of “smug”", s.Reason)
			}
			return
		}
	}
	t.Errorf("no loaded-language suggestion for the showboat in %+v", got)
}
