package suggest

import (
	"github.com/credence-project/credence/annotate"

	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// RuleInfo describes one built-in rule.
type RuleInfo struct {
	ID          string
	Label       annotate.Label
	Description string
}

// catalog lists the rules in priority order: when two rules propose the same label and span, the
// earlier one is reported and the later one's reason is appended.
var catalog = []RuleInfo{
	{"attribution.named", LabelSourcedFact, "an attribution verb (said, told, claims, stated, wrote, reported…) " +
		"or phrase (according to, citing, reported by) with a named source near it: a capitalised name that is " +
		"not a date, or a source noun for a person, document or organisation such as \"the report\", " +
		"\"officials\", \"the armorer\", \"the letter\", \"the board\"; the reason names the source's noun " +
		"phrase; span: the sentence (lexicon kinds verb, phrase, source, nonsource, determiner, block)"},
	{"attribution.pronoun", LabelSourcedFact, "an attribution verb whose source is a pronoun (he said, she added) " +
		"standing for a source named elsewhere; span: the sentence (kinds verb, pronoun, block)"},
	{"speculation.hedge", LabelSpeculation, "a hedge or possibility word outside quotations (may, might, could, " +
		"reportedly, allegedly, likely, perhaps, it is possible that); span: the sentence (kinds cue, block)"},
	{"speculation.rumour", LabelSpeculation, "hearsay and rumour (rumor has it, word going around, whispers, " +
		"scuttlebutt); span: the sentence (kind cue)"},
	{"speculation.question", LabelSpeculation, "a rhetorical question of four words or more outside quotations " +
		"that opens with a modal or auxiliary (Could this be…?, Was the production…?); span: the sentence (kind opener)"},
	{"speculation.conditional", LabelSpeculation, "a conditional sentence (If…, Unless…) whose main clause holds a " +
		"modal (would, could, might, may); span: the sentence (kinds opener, modal)"},
	{"opinion.first_person", LabelOpinion, "a first-person evaluation outside quotations (I think, we believe, " +
		"in my opinion, I hope, call me cynical); span: the sentence (kind cue)"},
	{"opinion.evaluative", LabelOpinion, "a judgement word outside quotations (should, disgraceful, thankfully, " +
		"clearly, ridiculous, no excuse); span: the sentence (kinds cue, block)"},
	{"loaded.name_calling", LabelLoadedLanguage, "name-calling and insulting epithets (jerk, super-douche, " +
		"narcissistic, dirtbag, smug, showboat); span: the word or phrase, or a chain of them joined by " +
		"commas or \"and\" (\"smug, spendthrift showboat\") (kinds cue, block)"},
	{"loaded.intensifier", LabelLoadedLanguage, "inflaming intensifiers (absolutely, over and over, nothing " +
		"short of, far-fetched); span: the word or phrase, or a chain of them (kinds cue, block)"},
	{"loaded.metaphor", LabelLoadedLanguage, "inflammatory metaphors, derisive idioms and sensational phrases " +
		"(shockwaves, bombshell, Hollywoodcide, money pit, vanity project, fiasco, clown show); span: the word " +
		"or phrase, or a chain of them (kinds cue, block)"},
}

// RuleIDs returns the ids of the built-in rules in priority order. RuleCatalog describes them.
func RuleIDs() []string {
	ids := make([]string, len(catalog))
	for i, r := range catalog {
		ids[i] = r.ID
	}
	return ids
}

// RuleCatalog returns every built-in rule with its label and a description for administrators.
func RuleCatalog() []RuleInfo { return slices.Clone(catalog) }

func knownRule(id string) bool { return ruleIndex(id) >= 0 }

func ruleIndex(id string) int {
	return slices.IndexFunc(catalog, func(r RuleInfo) bool { return r.ID == id })
}

// Rules is the built-in rule-based Suggester. It is safe for concurrent use, including Disable and
// Enable while suggestions are being computed.
type Rules struct {
	lex      *lexicon
	mu       sync.RWMutex
	disabled map[string]bool
}

// Option configures NewRules.
type Option func(*Rules)

// WithDisabled turns the given rules off from the start. An unknown id is a programming error and
// makes NewRules panic; use Rules.Disable for ids that come from configuration.
func WithDisabled(ids ...string) Option {
	return func(r *Rules) {
		if err := r.Disable(ids...); err != nil {
			panic(err)
		}
	}
}

// NewRules returns the rule-based suggester with the embedded lexicon and every rule enabled
// unless an option says otherwise.
func NewRules(opts ...Option) *Rules {
	r := &Rules{lex: builtinLexicon(), disabled: map[string]bool{}}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Disable turns rules off, for instance when administrators find a rule too noisy. It fails,
// changing nothing, if any id is unknown.
func (r *Rules) Disable(ids ...string) error { return r.set(ids, true) }

// Enable turns rules back on. It fails, changing nothing, if any id is unknown.
func (r *Rules) Enable(ids ...string) error { return r.set(ids, false) }

func (r *Rules) set(ids []string, off bool) error {
	for _, id := range ids {
		if !knownRule(id) {
			return fmt.Errorf("suggest: unknown rule %q (known: %s)", id, strings.Join(RuleIDs(), ", "))
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, id := range ids {
		if off {
			r.disabled[id] = true
		} else {
			delete(r.disabled, id)
		}
	}
	return nil
}

// Enabled returns the ids of the rules currently on, in priority order.
func (r *Rules) Enabled() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var ids []string
	for _, c := range catalog {
		if !r.disabled[c.ID] {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// Suggest runs every enabled rule over text.
func (r *Rules) Suggest(ctx context.Context, text string) ([]Suggestion, error) {
	if !utf8.ValidString(text) {
		return nil, ErrInvalidText
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	on := map[string]bool{}
	for _, id := range r.Enabled() {
		on[id] = true
	}
	d := analyse(text, r.lex)
	run := &ruleRun{lex: r.lex, d: d, on: on}
	for si := range d.sentences {
		if si%64 == 63 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		run.sentence(&d.sentences[si])
	}
	run.loaded()
	return mergeSameSpan(run.out), nil
}

// ruleRun holds the state of one Suggest call.
type ruleRun struct {
	lex *lexicon
	d   *document
	on  map[string]bool
	out []Suggestion
}

func (run *ruleRun) add(rule string, start, end int, cue, reason string) {
	run.out = append(run.out, Suggestion{
		Label: catalog[ruleIndex(rule)].Label, Start: start, End: end,
		Exact: run.d.slice(start, end), Rule: rule, Cue: cue, Reason: reason,
		Confidence: ruleConfidence(catalog[ruleIndex(rule)].Label), Model: RulesModelID,
	})
}

func (run *ruleRun) addSentence(rule string, s *sentence, cue, reason string) {
	run.add(rule, s.start, s.end, cue, reason)
}

// cueText returns the original text of a match.
func (run *ruleRun) cueText(m match) string {
	return run.d.slice(run.d.tokens[m.first].start, run.d.tokens[m.last].end)
}

func (run *ruleRun) sentence(s *sentence) {
	if s.wordCount() == 0 {
		return
	}
	run.attribution(s)
	if m, ok := run.firstCue(s, "speculation.hedge"); ok {
		run.addSentence("speculation.hedge", s, run.cueText(m),
			fmt.Sprintf("hedge %q presents the claim as possible, not established", run.cueText(m)))
	}
	if m, ok := run.firstCue(s, "speculation.rumour"); ok {
		run.addSentence("speculation.rumour", s, run.cueText(m),
			fmt.Sprintf("rumour cue %q: the claim rests on hearsay", run.cueText(m)))
	}
	run.question(s)
	run.conditional(s)
	if m, ok := run.firstCue(s, "opinion.first_person"); ok {
		run.addSentence("opinion.first_person", s, run.cueText(m),
			fmt.Sprintf("first-person evaluation %q", run.cueText(m)))
	}
	if m, ok := run.firstCue(s, "opinion.evaluative"); ok {
		run.addSentence("opinion.evaluative", s, run.cueText(m),
			fmt.Sprintf("judgement word %q evaluates rather than reports", run.cueText(m)))
	}
}

// firstCue finds the first cue of rule in the sentence that lies outside quotations, is not part
// of a block phrase of the rule, and is not a capitalised word inside a sentence (a name or a
// month: "May", "Hope") unless the sentence is a headline.
func (run *ruleRun) firstCue(s *sentence, rule string) (match, bool) {
	if !run.on[rule] {
		return match{}, false
	}
	d := run.d
	blocks := run.lex.set(rule, kindBlock)
	for _, m := range run.lex.set(rule, kindCue).all(d, s.firstTok, s.endTok) {
		if run.usableCue(s, m) && !blocks.covers(d, m.first, m.last) {
			return m, true
		}
	}
	return match{}, false
}

func (run *ruleRun) usableCue(s *sentence, m match) bool {
	d := run.d
	t := d.tokens[m.first]
	if d.quoted[t.start] || d.quoted[d.tokens[m.last].end-1] {
		return false
	}
	if !m.pat.words[0].exactCase && t.capitalised() && t.norm != "i" && !strings.HasPrefix(t.norm, "i'") &&
		m.first != s.firstTok && !s.titleCase {
		return false
	}
	return true
}

// attribution proposes sourced_fact for a sentence that credits a claim to a source.
func (run *ruleRun) attribution(s *sentence) {
	named, pronoun := run.on["attribution.named"], run.on["attribution.pronoun"]
	if !named && !pronoun {
		return
	}
	d, lex := run.d, run.lex
	blocks := lex.set("attribution.named", kindBlock)
	var pronounCue, pronounSrc string
	for _, m := range lex.set("attribution.named", kindVerb).all(d, s.firstTok, s.endTok) {
		if !run.usableCue(s, m) || blocks.covers(d, m.first, m.last) {
			continue
		}
		src, isNamed, ok := run.source(s, m)
		if !ok {
			continue
		}
		if isNamed && named {
			cue := run.cueText(m)
			run.addSentence("attribution.named", s, cue,
				fmt.Sprintf("attribution verb %q with a named source %q", cue, src))
			return
		}
		if !isNamed && pronounCue == "" {
			pronounCue, pronounSrc = run.cueText(m), src
		}
	}
	if named {
		for _, m := range lex.set("attribution.named", kindPhrase).all(d, s.firstTok, s.endTok) {
			if !run.usableCue(s, m) {
				continue
			}
			for k := m.last + 1; k < min(s.endTok, m.last+5); k++ {
				if run.namedSource(k) {
					cue := run.cueText(m)
					run.addSentence("attribution.named", s, cue,
						fmt.Sprintf("attribution phrase %q with a named source %q", cue, run.sourceText(k, m.last+1, s.endTok)))
					return
				}
			}
		}
	}
	if pronoun && pronounCue != "" {
		run.addSentence("attribution.pronoun", s, pronounCue,
			fmt.Sprintf("attribution verb %q with the pronoun %q for a source named nearby", pronounCue, pronounSrc))
	}
}

// source looks for the source of an attribution verb: a named source up to seven words before it
// ("the FBI report stated", "Folks that worked on the set said"), else a pronoun there,
// else a name or pronoun right after it ("said Baldwin", "said he").
func (run *ruleRun) source(s *sentence, m match) (src string, named, ok bool) {
	d := run.d
	pronounAt := -1
	for k := m.first - 1; k >= max(s.firstTok, m.first-7); k-- {
		t := d.tokens[k]
		if d.quoted[t.start] {
			continue
		}
		if run.isPronoun(k) {
			if pronounAt < 0 {
				pronounAt = k
			}
			continue
		}
		if run.namedSource(k) {
			return run.sourceText(k, s.firstTok, m.first), true, true
		}
	}
	if pronounAt >= 0 {
		return d.tokens[pronounAt].orig, false, true
	}
	for k := m.last + 1; k < min(s.endTok, m.last+3); k++ {
		if d.quoted[d.tokens[k].start] {
			break
		}
		if run.isPronoun(k) {
			return d.tokens[k].orig, false, true
		}
		if run.namedSource(k) {
			return run.sourceText(k, m.last+1, s.endTok), true, true
		}
	}
	return "", false, false
}

// sourceText returns the words naming the source found at token k, for the reason, within tokens
// [lo, hi) (the sentence on the source's side of the cue): a name with the capitalised words around
// it ("Mary Carmack-Altwies", "said Ana Lima"), and for a source noun, its noun phrase from a
// determiner up to three words back ("The letter", "the district attorney", "the FBI report").
func (run *ruleRun) sourceText(k, lo, hi int) string {
	d := run.d
	joined := func(a int) bool { // tokens a and a+1 are adjacent words of one phrase
		return d.tokens[a].sent == d.tokens[a+1].sent && d.gapIsJoin(d.tokens[a].end, d.tokens[a+1].start)
	}
	nameWord := func(j int) bool {
		return unicode.IsUpper([]rune(d.tokens[j].orig)[0]) && !run.isNonSource(j) && !d.quoted[d.tokens[j].start]
	}
	first, last := k, k
	for first > lo && first > k-4 && joined(first-1) && nameWord(first-1) {
		first--
	}
	for last+1 < hi && last < k+3 && joined(last) && nameWord(last+1) {
		last++
	}
	if _, ok := run.lex.set("attribution.named", kindSource).at(d, k); ok {
		for j := first - 1; j >= max(lo, k-3) && joined(j) && !d.quoted[d.tokens[j].start]; j-- {
			if _, ok := run.lex.set("attribution.named", kindDet).at(d, j); ok {
				first = j
				break
			}
			if run.isNonSource(j) {
				break
			}
		}
	}
	return d.slice(d.tokens[first].start, d.tokens[last].end)
}

func (run *ruleRun) isPronoun(k int) bool {
	_, ok := run.lex.set("attribution.pronoun", kindPronoun).at(run.d, k)
	return ok
}

func (run *ruleRun) isNonSource(k int) bool {
	_, ok := run.lex.set("attribution.named", kindNonSource).at(run.d, k)
	return ok || run.isPronoun(k)
}

// namedSource reports whether token k names a source: a source noun, or a capitalised word that
// is not a function word.
func (run *ruleRun) namedSource(k int) bool {
	if _, ok := run.lex.set("attribution.named", kindSource).at(run.d, k); ok {
		return true
	}
	t := run.d.tokens[k]
	return unicode.IsUpper([]rune(t.orig)[0]) && !run.isNonSource(k)
}

// skipConnectives returns the first token of the sentence after leading "and", "but", "so"…
func (run *ruleRun) skipConnectives(s *sentence) int {
	k := s.firstTok
	for k < s.endTok {
		switch run.d.tokens[k].norm {
		case "and", "but", "so", "or", "well", "then", "uh", "hmm", "now":
			k++
			continue
		}
		break
	}
	return k
}

func (run *ruleRun) question(s *sentence) {
	if !run.on["speculation.question"] || !s.question || s.wordCount() < 4 {
		return
	}
	k := run.skipConnectives(s)
	if k >= s.endTok || run.d.quoted[run.d.tokens[k].start] {
		return
	}
	if m, ok := run.lex.set("speculation.question", kindOpener).at(run.d, k); ok {
		cue := run.cueText(m)
		run.addSentence("speculation.question", s, cue,
			fmt.Sprintf("rhetorical question opening with %q raises a possibility without asserting it", cue))
	}
}

func (run *ruleRun) conditional(s *sentence) {
	if !run.on["speculation.conditional"] {
		return
	}
	d := run.d
	k := run.skipConnectives(s)
	if k >= s.endTok || d.quoted[d.tokens[k].start] {
		return
	}
	op, ok := run.lex.set("speculation.conditional", kindOpener).at(d, k)
	if !ok {
		return
	}
	for _, m := range run.lex.set("speculation.conditional", kindModal).all(d, op.last+1, s.endTok) {
		if d.quoted[d.tokens[m.first].start] {
			continue
		}
		cue := run.cueText(op) + " … " + run.cueText(m)
		run.addSentence("speculation.conditional", s, cue,
			fmt.Sprintf("conditional %q: the main clause's modal makes it a hypothetical, not a reported fact", cue))
		return
	}
}

var loadedReasons = map[string]string{
	"loaded.name_calling": "name-calling %q labels a person instead of describing them",
	"loaded.intensifier":  "intensifier %q inflates the claim",
	"loaded.metaphor":     "inflammatory, derisive or sensational phrase %q",
}

// loaded marks loaded words and phrases anywhere in the text, quotations included: a quoted insult
// is still an insult on the page. A cue inside a block phrase of its rule ("mess hall") is skipped.
// Where matches overlap, the longest wins; cues of one rule that follow each other in a sentence,
// joined by a space, hyphen, comma or "and", make one suggestion ("smug, spendthrift showboat").
func (run *ruleRun) loaded() {
	d := run.d
	var found []match
	var rules []string
	for _, c := range catalog {
		if c.Label != LabelLoadedLanguage || !run.on[c.ID] {
			continue
		}
		blocks := run.lex.set(c.ID, kindBlock)
		for _, m := range run.lex.set(c.ID, kindCue).all(d, 0, len(d.tokens)) {
			if d.tokens[m.first].sent < 0 || blocks.covers(d, m.first, m.last) {
				continue
			}
			found = append(found, m)
			rules = append(rules, c.ID)
		}
	}
	idx := make([]int, len(found))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		return cmp.Or(cmp.Compare(found[a].first, found[b].first), cmp.Compare(found[b].last, found[a].last))
	})
	type span struct {
		first, last int
		rule        string
	}
	var spans []span
	lastEnd := -1
	for _, i := range idx {
		m := found[i]
		if m.first <= lastEnd {
			continue
		}
		lastEnd = m.last
		if n := len(spans); n > 0 && spans[n-1].rule == rules[i] && d.chained(spans[n-1].last, m.first) {
			spans[n-1].last = m.last
			continue
		}
		spans = append(spans, span{m.first, m.last, rules[i]})
	}
	for _, sp := range spans {
		cue := run.cueText(match{first: sp.first, last: sp.last})
		run.add(sp.rule, d.tokens[sp.first].start, d.tokens[sp.last].end, cue, fmt.Sprintf(loadedReasons[sp.rule], cue))
	}
}

// chained reports whether tokens a and b (a < b) lie in one sentence and are consecutive items of a
// chain of epithets: adjacent words, or joined by one comma or by "and" ("smug, spendthrift",
// "arrogant and sanctimonious").
func (d *document) chained(a, b int) bool {
	ta, tb := d.tokens[a], d.tokens[b]
	if ta.sent != tb.sent {
		return false
	}
	switch b - a {
	case 1:
		gap := strings.TrimSpace(string(d.norm[ta.end:tb.start]))
		return (gap == "" || gap == "," || gap == "-") && tb.start-ta.end <= 3
	case 2:
		mid := d.tokens[a+1]
		return mid.norm == "and" && d.gapIsJoin(ta.end, mid.start) && d.gapIsJoin(mid.end, tb.start)
	}
	return false
}

// mergeSameSpan keeps one suggestion per label and span: the one from the rule listed first in
// the catalog, with the reasons of the others appended.
func mergeSameSpan(in []Suggestion) []Suggestion {
	slices.SortStableFunc(in, func(a, b Suggestion) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.Label, b.Label),
			cmp.Compare(a.End, b.End), cmp.Compare(ruleIndex(a.Rule), ruleIndex(b.Rule)))
	})
	var out []Suggestion
	for _, s := range in {
		if n := len(out); n > 0 && out[n-1].Label == s.Label && out[n-1].Start == s.Start && out[n-1].End == s.End {
			out[n-1].Reason += "; also " + s.Reason
			continue
		}
		out = append(out, s)
	}
	SortSuggestions(out)
	return out
}
