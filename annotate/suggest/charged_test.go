package suggest

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// TestChargedWordsFeedLoadedLanguageOnly: the project's charged words (lists/charged.txt) are read
// with their inflections and ride in the built-in model; a listed word gets the l:charged feature,
// its neighbours l-1:/l+1:charged; only the loaded-language model reads them, so the other labels'
// models are what they were without the list.
func TestChargedWordsFeedLoadedLanguageOnly(t *testing.T) {
	set := parseList(chargedList)
	for _, w := range []string{"disastrous", "slam", "slams", "slammed", "slamming", "rigged", "witch hunt", "so called", "vilify", "vilified"} {
		if !set[w] {
			t.Errorf("%q is not read from lists/charged.txt", w)
		}
	}
	for _, w := range []string{"# judgement of wrongdoing or character", "said", "the"} {
		if set[w] {
			t.Errorf("%q should not be a charged word", w)
		}
	}
	m := BuiltinModel()
	if !m.Lists["charged"]["disastrous"] {
		t.Fatal("the built-in model does not carry the charged words: retrain (credence suggest train)")
	}
	fc := newFeatCtx("Critics slammed the disastrous plan on Monday.", m.Lists)
	feats := func(word string) []string {
		for ti, tok := range fc.d.tokens {
			if bareWord(tok) == word {
				return fc.tokenFeatures(ti)
			}
		}
		t.Fatalf("no token %q", word)
		return nil
	}
	for word, want := range map[string][]string{
		"slammed":    {"l:charged"},
		"the":        {"l-1:charged", "l+1:charged"},
		"disastrous": {"l:charged"},
		"plan":       {"l-1:charged"},
	} {
		got := feats(word)
		for _, f := range want {
			if !slices.Contains(got, f) {
				t.Errorf("%s: no %s in %v", word, f, got)
			}
		}
	}
	if slices.Contains(feats("monday"), "l:charged") || slices.Contains(feats("plan"), "l:charged") {
		t.Error("an unlisted word has l:charged")
	}
	for _, label := range Labels() {
		o := labelOptions(label)
		if got := o.dropped("l:charged") && o.dropped("l2:charged"); got != (label != LabelLoadedLanguage) {
			t.Errorf("%s drops the charged-word features: %v", label, got)
		}
	}
	// The loaded-language model weighs the list: a listed word it never saw in training scores
	// above the same sentence's unlisted content words.
	l := NewLearned(m, NewRules())
	ic := l.infer(newFeatCtxIndexed("The council's plan was unconscionable, the mayor wrote on Monday.", l.compiled.lists))
	defer ic.release()
	var charged, others float64
	for _, u := range m.Labels[LabelLoadedLanguage].scoreIDs(ic, LabelLoadedLanguage) {
		switch bareWord(ic.fc.d.tokens[u.unit]) {
		case "unconscionable":
			charged = u.p
		case "council's", "plan", "mayor", "wrote", "monday":
			others = max(others, u.p)
		}
	}
	if charged <= others {
		t.Errorf("unconscionable scored %.2f, not above the plain words' %.2f", charged, others)
	}
	// And the built-in model suggests such words, naming the list in its reason.
	got, err := l.Suggest(context.Background(), "This is a shameful betrayal of the town.")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range got {
		if s.Label == LabelLoadedLanguage && strings.HasPrefix(s.Exact, "shameful") {
			found = strings.Contains(s.Reason, "a charged word")
		}
	}
	if !found {
		t.Errorf("no loaded-language suggestion of \"shameful\" that names the charged words: %+v", got)
	}
}

// TestDecodeTrimsJoinersAndWidensToRulePhrases: a run of passing tokens neither begins nor ends
// with a function word, a run of nothing else is dropped, and a span that overlaps a word-list
// rule's phrase is shown as the whole phrase.
func TestDecodeTrimsJoinersAndWidensToRulePhrases(t *testing.T) {
	// "the vicious and cruel plan ; and the" as tokens 0..6, every one passing but "plan"; the
	// tokens are chained within a run.
	u := func(i, start, end int, p float64, weak bool) scoredUnit {
		return scoredUnit{start: start, end: end, p: p, unit: i, joinNext: true, weak: weak}
	}
	units := []scoredUnit{
		u(0, 0, 3, 0.90, true),    // the
		u(1, 4, 11, 0.95, false),  // vicious
		u(2, 12, 15, 0.97, true),  // and
		u(3, 16, 21, 0.91, false), // cruel
		u(4, 22, 26, 0.10, false), // plan
		u(5, 27, 30, 0.99, true),  // and
		u(6, 31, 34, 0.99, true),  // the
	}
	got := decode(units, thresholds{plain: 0.5, cue: 0.5})
	want := []decoded{{start: 4, end: 21, p: 0.95, best: 1}}
	if !slices.Equal(got, want) {
		t.Fatalf("decode = %+v, want %+v (trimmed of \"the\", the joiners-only run dropped, best not a joiner)", got, want)
	}
	// A rule's phrase over "cious and cruel plan" widens both spans, which are then merged; a phrase
	// that overlaps no span changes nothing.
	ds := []decoded{{start: 4, end: 11, p: 0.95, best: 1}, {start: 16, end: 21, p: 0.97, best: 3}}
	got = widenToRules(ds, [][2]int{{8, 26}, {40, 50}})
	want = []decoded{{start: 4, end: 26, p: 0.97, best: 3}}
	if !slices.Equal(got, want) {
		t.Fatalf("widenToRules = %+v, want %+v", got, want)
	}
	// Through the suggester: the name-calling phrase is suggested whole.
	l := NewLearned(BuiltinModel(), NewRules())
	text := "Honestly, the man is a shit for brains and everyone knows it."
	s, err := l.Suggest(context.Background(), text)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range s {
		if x.Label == LabelLoadedLanguage && x.Exact != "shit for brains" {
			t.Errorf("loaded-language suggestion %q, want the rule's whole phrase", x.Exact)
		}
		if x.Label == LabelLoadedLanguage && slices.Contains([]string{"and", "the", "a"}, strings.ToLower(strings.Fields(x.Exact)[0])) {
			t.Errorf("suggestion %q begins with a joiner", x.Exact)
		}
	}
}

// TestCueListsMakeListedWordsRuleEvidence: with CueLists, a word of a listed lexicon is held to
// the threshold for rule-backed words; without, only the label's rules are (the built-in model
// uses none; EVALUATION.md, "Tenth round").
func TestCueListsMakeListedWordsRuleEvidence(t *testing.T) {
	m := BuiltinModel()
	base := m.Labels[LabelLoadedLanguage]
	if len(base.CueLists) != 0 {
		t.Fatalf("the built-in loaded-language model has cue lists %v", base.CueLists)
	}
	withList := *base
	withList.CueLists = []string{"charged"}
	fc := newFeatCtx("The disastrous plan was approved.", m.Lists)
	cueOf := func(lm *LabelModel) map[string]bool {
		out := map[string]bool{}
		for _, u := range lm.score(fc, LabelLoadedLanguage) {
			out[bareWord(fc.d.tokens[u.unit])] = u.cue
		}
		return out
	}
	if got := cueOf(base); got["disastrous"] {
		t.Errorf("without cue lists: %v", got)
	}
	got := cueOf(&withList)
	if !got["disastrous"] || got["plan"] || got["approved"] {
		t.Errorf("with the charged words as cue lists: %v", got)
	}
}

// TestWidenToRulesKeepsSpansApart: a span widened backwards over an earlier one is merged with
// it, so no two suggestions of the label overlap.
func TestWidenToRulesKeepsSpansApart(t *testing.T) {
	ds := []decoded{{start: 0, end: 3, p: 0.9, best: 0}, {start: 10, end: 12, p: 0.8, best: 2}, {start: 20, end: 25, p: 0.95, best: 4}}
	got := widenToRules(ds, [][2]int{{1, 21}})
	want := []decoded{{start: 0, end: 25, p: 0.95, best: 4}}
	if !slices.Equal(got, want) {
		t.Fatalf("widenToRules = %+v, want %+v", got, want)
	}
}

// TestListedThreshold: a unit with a word of the model's ListLists and no rule is held to the
// listed threshold when there is one, to the plain threshold when there is none; a rule's
// threshold comes first. The built-in model has none (EVALUATION.md, "Eleventh round").
func TestListedThreshold(t *testing.T) {
	th := thresholds{plain: 0.8, cue: 0.5, listed: 0.6}
	for _, tt := range []struct {
		u    scoredUnit
		th   thresholds
		want bool
	}{
		{scoredUnit{p: 0.7}, th, false},
		{scoredUnit{p: 0.7, listed: true}, th, true},
		{scoredUnit{p: 0.55, listed: true}, th, false},
		{scoredUnit{p: 0.55, listed: true, cue: true}, th, true},
		{scoredUnit{p: 0.7, listed: true}, thresholds{plain: 0.8, cue: 0.5}, false},
	} {
		if got := tt.th.passes(tt.u); got != tt.want {
			t.Errorf("%+v under %+v: %v, want %v", tt.u, tt.th, got, tt.want)
		}
	}
	m := BuiltinModel().Labels[LabelLoadedLanguage]
	if m.ListThreshold != 0 || len(m.ListLists) != 0 {
		t.Errorf("the built-in loaded-language model has a listed threshold %v for %v", m.ListThreshold, m.ListLists)
	}
	// With ListLists, the scorer marks the listed words.
	withList := *m
	withList.ListLists = []string{"charged"}
	fc := newFeatCtx("Critics slammed the plan on Monday.", BuiltinModel().Lists)
	for _, u := range withList.score(fc, LabelLoadedLanguage) {
		if w := bareWord(fc.d.tokens[u.unit]); u.listed != (w == "slammed") {
			t.Errorf("%q listed: %v", w, u.listed)
		}
	}
}
