package suggest

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// only returns a Rules with every rule but id disabled.
func only(t *testing.T, id string) *Rules {
	t.Helper()
	r := NewRules()
	var others []string
	for _, x := range RuleIDs() {
		if x != id {
			others = append(others, x)
		}
	}
	if err := r.Disable(others...); err != nil {
		t.Fatal(err)
	}
	return r
}

func mustSuggest(t *testing.T, s Suggester, text string) []Suggestion {
	t.Helper()
	got, err := s.Suggest(context.Background(), text)
	if err != nil {
		t.Fatal(err)
	}
	checkOffsets(t, text, got)
	return got
}

// checkOffsets asserts the contract every Suggester keeps: code point offsets in range, Exact equal
// to the text between them, sorted order.
func checkOffsets(t *testing.T, text string, got []Suggestion) {
	t.Helper()
	runes := []rune(text)
	for _, s := range got {
		if s.Start < 0 || s.End > len(runes) || s.Start >= s.End {
			t.Fatalf("span [%d,%d) out of range for %d code points: %+v", s.Start, s.End, len(runes), s)
		}
		if string(runes[s.Start:s.End]) != s.Exact {
			t.Fatalf("Exact %q != text[%d:%d] %q", s.Exact, s.Start, s.End, string(runes[s.Start:s.End]))
		}
		if !ValidLabel(s.Label) {
			t.Fatalf("invalid label %q", s.Label)
		}
	}
	if !slices.IsSortedFunc(got, func(a, b Suggestion) int {
		c := append([]Suggestion{}, a, b)
		SortSuggestions(c)
		if c[0] == a && c[1] == b {
			return -1
		}
		return 1
	}) {
		t.Fatalf("suggestions not sorted: %+v", got)
	}
}

func TestRules(t *testing.T) {
	tests := []struct {
		name, rule, text string
		want             []string // Exact of each suggestion, in order; empty for none
		cue              string   // Cue of the first suggestion, if checked
	}{
		// attribution.named
		{"told with name", "attribution.named", "Baldwin previously told ABC’s George the trigger wasn’t pulled. It rained.",
			[]string{"Baldwin previously told ABC’s George the trigger wasn’t pulled."}, "told"},
		{"report stated", "attribution.named", "“It was not the gun,” the report stated. Next.",
			[]string{"“It was not the gun,” the report stated."}, "stated"},
		{"according to", "attribution.named", "The joints were worn, according to sources cited by NBC.",
			[]string{"The joints were worn, according to sources cited by NBC."}, "according to"},
		{"X claims", "attribution.named", "The armorer claims she checked the gun.",
			[]string{"The armorer claims she checked the gun."}, "claims"},
		{"wrote in a statement", "attribution.named", "Mary Smith wrote in a statement that she was ready.",
			[]string{"Mary Smith wrote in a statement that she was ready."}, "wrote"},
		{"said after name", "attribution.named", "“We will appeal,” said Spiro.",
			[]string{"“We will appeal,” said Spiro."}, "said"},
		{"passive told is not attribution", "attribution.named", "He was told the gun was empty.", nil, ""},
		{"verb inside quotation", "attribution.named", "“Baldwin said nothing to anyone about it.”", nil, ""},
		{"no source", "attribution.named", "It is said to be haunted.", nil, ""},
		{"hypothetical tells you", "attribution.named", "If Jesus tells you the gun is safe, check it.", nil, ""},
		// attribution.pronoun
		{"she added", "attribution.pronoun", "“Certain individuals may be culpable,” she added.",
			[]string{"“Certain individuals may be culpable,” she added."}, "added"},
		{"pronoun rule ignores names", "attribution.pronoun", "Baldwin said he was told.", nil, ""},
		// speculation.hedge
		{"may", "speculation.hedge", "Prosecutors may charge Baldwin. The sky is blue.",
			[]string{"Prosecutors may charge Baldwin."}, "may"},
		{"reportedly", "speculation.hedge", "The set was reportedly unsafe.", []string{"The set was reportedly unsafe."}, "reportedly"},
		{"it is possible that", "speculation.hedge", "It is possible that the round was live.",
			[]string{"It is possible that the round was live."}, "It is possible that"},
		{"Mayor is not may", "speculation.hedge", "Mayor Smith spoke at noon.", nil, ""},
		{"month May", "speculation.hedge", "The trial starts in May next year.", nil, ""},
		{"could not reports a finding", "speculation.hedge", "The gun could not be made to fire.", nil, ""},
		{"hedge inside quotation", "speculation.hedge", "“It may have been me,” he said.", nil, ""},
		{"headline May", "speculation.hedge", "Alec Baldwin May Be Charged in Fatal Shooting",
			[]string{"Alec Baldwin May Be Charged in Fatal Shooting"}, "May"},
		// speculation.rumour
		{"rumor has it", "speculation.rumour", "Rumor has it that people were doing “target practice” between takes.",
			[]string{"Rumor has it that people were doing “target practice” between takes."}, "Rumor has it"},
		{"scuttlebutt", "speculation.rumour", "We don’t know, but that’s the scuttlebutt.",
			[]string{"We don’t know, but that’s the scuttlebutt."}, "scuttlebutt"},
		{"no rumour", "speculation.rumour", "The rules were posted on the wall.", nil, ""},
		// speculation.question
		{"could this be", "speculation.question", "Could this be the news we waited for? It is.",
			[]string{"Could this be the news we waited for?"}, "Could"},
		{"short question", "speculation.question", "Their rationale? New facts.", nil, ""},
		{"quoted question", "speculation.question", "“Did she faint?” he thought.", nil, ""},
		{"statement", "speculation.question", "Could is a modal verb in English.", nil, ""},
		// speculation.conditional
		{"if may", "speculation.conditional", "If Baldwin is convicted, a prison term may follow.",
			[]string{"If Baldwin is convicted, a prison term may follow."}, "If … may"},
		{"if without modal", "speculation.conditional", "If there is justice, he will be charged.", nil, ""},
		// opinion.first_person
		{"I think", "opinion.first_person", "Hmm, I think he’ll get off. Fine.", []string{"Hmm, I think he’ll get off."}, "I think"},
		{"in my opinion", "opinion.first_person", "In my opinion the case is weak.", []string{"In my opinion the case is weak."}, "In my opinion"},
		{"we believe", "opinion.first_person", "We believe the verdict was wrong.", []string{"We believe the verdict was wrong."}, "We believe"},
		{"quoted I think", "opinion.first_person", "“I think it was an accident,” Baldwin said.", nil, ""},
		{"they think", "opinion.first_person", "They think it was an accident.", nil, ""},
		// opinion.evaluative
		{"disgraceful", "opinion.evaluative", "The handling was disgraceful.", []string{"The handling was disgraceful."}, "disgraceful"},
		{"thankfully", "opinion.evaluative", "Thankfully, nobody else was hurt.", []string{"Thankfully, nobody else was hurt."}, "Thankfully"},
		{"should", "opinion.evaluative", "He should have known better.", []string{"He should have known better."}, "should"},
		{"neutral", "opinion.evaluative", "The trial begins on Monday.", nil, ""},
		// loaded.name_calling
		{"jerk", "loaded.name_calling", "He is a violent jerk.", []string{"jerk"}, "jerk"},
		{"jerked is not jerk", "loaded.name_calling", "The car jerked forward.", nil, ""},
		{"possessive", "loaded.name_calling", "the narcissist’s behavior", []string{"narcissist’s"}, "narcissist’s"},
		{"super-douche", "loaded.name_calling", "I hope super-douche Alec is tried.", []string{"super-douche"}, "super-douche"},
		{"super douche spaced", "loaded.name_calling", "No, super douche Baldwin fired once.", []string{"super douche"}, "super douche"},
		{"narcissistic, nasty is one chain", "loaded.name_calling", "the narcissistic, nasty actor",
			[]string{"narcissistic, nasty"}, "narcissistic, nasty"},
		{"smug chain", "loaded.name_calling", "The smug, spendthrift showboat may finally have to answer.",
			[]string{"smug, spendthrift showboat"}, "smug, spendthrift showboat"},
		{"chain with and", "loaded.name_calling", "Knowing his arrogant and sanctimonious asshole personality",
			[]string{"arrogant and sanctimonious asshole"}, "arrogant and sanctimonious asshole"},
		{"no chain across sentences", "loaded.name_calling", "The mayor looked smug. Pompous aides followed.",
			[]string{"smug", "Pompous"}, "smug"},
		{"no chain across other words", "loaded.name_calling", "a smug reply from a showboat", []string{"smug", "showboat"}, "smug"},
		{"showboating", "loaded.name_calling", "Stop the showboating, councillor.", []string{"showboating"}, "showboating"},
		{"cronies", "loaded.name_calling", "He gave the contracts to his cronies.", []string{"cronies"}, "cronies"},
		{"SOB case", "loaded.name_calling", "Just charge the SOB. I sob at films.", []string{"SOB"}, "SOB"},
		// loaded.intensifier
		{"absolutely", "loaded.intensifier", "Alec absolutely pulled the trigger.", []string{"absolutely"}, "absolutely"},
		{"over and over", "loaded.intensifier", "claiming over and over that", []string{"over and over"}, "over and over"},
		{"over alone", "loaded.intensifier", "The game is over.", nil, ""},
		// loaded.metaphor
		{"shockwaves", "loaded.metaphor", "The charges sent shockwaves through Hollywood.", []string{"shockwaves"}, "shockwaves"},
		{"Hollywoodcide", "loaded.metaphor", "More like “Premeditated Hollywoodcide”", []string{"Hollywoodcide"}, "Hollywoodcide"},
		{"startling turn of events", "loaded.metaphor", "In a startling turn of events, prosecutors acted.",
			[]string{"startling turn of events"}, "startling turn of events"},
		{"bombshell", "loaded.metaphor", "A BOMBSHELL report landed.", []string{"BOMBSHELL"}, "BOMBSHELL"},
		{"turn alone", "loaded.metaphor", "In a turn of events, prosecutors acted.", nil, ""},
		{"money pit", "loaded.metaphor", "He must answer for the money pit he calls a marina.", []string{"money pit"}, "money pit"},
		{"money alone", "loaded.metaphor", "The money went into a pit fund.", nil, ""},
		{"vanity project", "loaded.metaphor", "Could this be the end of the mayor’s vanity project?",
			[]string{"vanity project"}, "vanity project"},
		{"project alone", "loaded.metaphor", "The mayor’s marina project is late.", nil, ""},
		{"fiasco", "loaded.metaphor", "Could the mayor's marina fiasco finally sink him?", []string{"fiasco"}, "fiasco"},
		{"clown show", "loaded.metaphor", "What a total clown show 🙄", []string{"clown show"}, "clown show"},
		{"clown alone", "loaded.metaphor", "A clown performed at the harbour fair.", nil, ""},
		{"media circus", "loaded.metaphor", "The hearing became a media circus.", []string{"media circus"}, "media circus"},
		{"circus alone", "loaded.metaphor", "The circus came to Port Aldine.", nil, ""},
		{"disaster waiting to happen", "loaded.metaphor", "This project was a disaster waiting to happen.",
			[]string{"disaster waiting to happen"}, "disaster waiting to happen"},
		{"disaster alone", "loaded.metaphor", "The flood was a disaster for farmers.", nil, ""},
		{"mess in a headline", "loaded.metaphor", "Marina mess: what the DA's letter says", []string{"mess"}, "mess"},
		{"a mess", "loaded.metaphor", "The paperwork is a mess.", []string{"mess"}, "mess"},
		{"mess hall", "loaded.metaphor", "Sailors ate in the mess hall.", nil, ""},
		{"mess with", "loaded.metaphor", "Don't mess with the budget.", nil, ""},
		{"messy is not mess", "loaded.metaphor", "The divorce was messy.", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.rule+"/"+tt.name, func(t *testing.T) {
			got := mustSuggest(t, only(t, tt.rule), tt.text)
			var exacts []string
			for _, s := range got {
				exacts = append(exacts, s.Exact)
				if s.Rule != tt.rule {
					t.Errorf("rule %q, want %q", s.Rule, tt.rule)
				}
				if s.Reason == "" || !strings.Contains(s.Reason, s.Cue) {
					t.Errorf("reason %q does not quote cue %q", s.Reason, s.Cue)
				}
			}
			if !slices.Equal(exacts, tt.want) {
				t.Fatalf("got %q, want %q", exacts, tt.want)
			}
			if len(got) > 0 && tt.cue != "" && got[0].Cue != tt.cue {
				t.Errorf("cue %q, want %q", got[0].Cue, tt.cue)
			}
		})
	}
}

// The reason of attribution.named names the source's noun phrase, never a date: the bug was
// "The letter, dated March 3, says…" credited to "March".
func TestAttributionSourceInReason(t *testing.T) {
	tests := []struct {
		name, text string
		source     string // "" when no attribution.named suggestion is wanted
	}{
		{"letter dated March", "The letter, dated March 3, says that two of the four contractors were paid.", "The letter"},
		{"letter with straight quotes", `The letter, dated March 3, says that work "was never inspected."`, "The letter"},
		{"document not a source noun", "The note, dated March 3, says the work never started.", ""},
		{"only a month before the verb", "On March 3, says nobody.", ""},
		{"weekday after the verb", "The shop said Friday that it would close.", ""},
		{"weekday after an organisation", "The company said Friday that it would appeal.", "The company"},
		{"date word at the start", "Yesterday the board said the review would start.", "the board"},
		{"dates around a name", "On Tuesday, March 3, Mayor Tom Brandt said he would testify.", "Mayor Tom Brandt"},
		{"abbreviated month", "In Sept. 2025 the audit found no errors.", "the audit"},
		{"noun phrase with modifiers", "In a letter to the county finance board, the district attorney wrote that costs rose.",
			"the district attorney"},
		{"possessive in the phrase", "Late on Monday the county’s top prosecutor said she would act.", "the county’s top prosecutor"},
		{"capitalised modifier", "The FBI report stated the gun worked.", "The FBI report"},
		{"indefinite article", "A spokesman for the mayor said the office would cooperate.", "A spokesman"},
		{"name after the verb", "“We just want boats,” said Ana Lima, who runs the café.", "Ana Lima"},
		{"name before the verb in a headline", "Marina Project Ran Over Budget, DA Says", "DA"},
		{"according to", "According to the report, the budget was $1.8 million.", "the report"},
		{"according to records", "According to county records, the budget was $1.8 million.", "records"},
		{"no determiner", "Investigators said the gun worked.", "Investigators"},
	}
	r := only(t, "attribution.named")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustSuggest(t, r, tt.text)
			if tt.source == "" {
				if len(got) != 0 {
					t.Fatalf("want no suggestion, got %+v", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("want one suggestion, got %+v", got)
			}
			want := fmt.Sprintf("named source %q", tt.source)
			if !strings.HasSuffix(got[0].Reason, want) {
				t.Fatalf("reason %q, want it to end with %s", got[0].Reason, want)
			}
		})
	}
}

func TestRulesReasonNamesCueAndSource(t *testing.T) {
	got := mustSuggest(t, NewRules(), "Carmack-Altwies told TMZ the case was open.")
	if len(got) != 1 || got[0].Reason != `attribution verb "told" with a named source "Carmack-Altwies"` {
		t.Fatalf("got %+v", got)
	}
}

// Offsets are code points: an emoji (one code point, four bytes, two UTF-16 units) and curly quotes
// before the passage must not shift them.
func TestRulesCodePointOffsets(t *testing.T) {
	text := "What a day 🙄 “really” — ok.\nRumor has it that the jerk left. He’s gone."
	got := mustSuggest(t, NewRules(), text)
	want := map[string][2]int{
		"Rumor has it that the jerk left.": {28, 60}, // byte offset 37, UTF-16 offset 29
		"jerk":                             {50, 54},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for _, s := range got {
		w, ok := want[s.Exact]
		if !ok || s.Start != w[0] || s.End != w[1] {
			t.Errorf("%q at [%d,%d), want %v", s.Exact, s.Start, s.End, w)
		}
	}
	if got[0].Label != LabelSpeculation || got[1].Label != LabelLoadedLanguage {
		t.Errorf("order/labels: %+v", got)
	}
}

func TestSentenceSplitting(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"abbreviations", "Mr. Baldwin met the D.A. in Santa Fe, N.M. on Monday. He left.",
			[]string{"Mr. Baldwin met the D.A. in Santa Fe, N.M. on Monday.", "He left."}},
		{"U.S. and initials", "The U.S. Army and Jae C. Hong agreed. Fine.",
			[]string{"The U.S. Army and Jae C. Hong agreed.", "Fine."}},
		{"spaced ellipsis", "The Daily Mail has the latest . . .\nProsecutors may act.",
			[]string{"The Daily Mail has the latest . . .", "Prosecutors may act."}},
		{"ellipsis inside sentence", "Alec killed the young mother… and what has he done? Nothing.",
			[]string{"Alec killed the young mother… and what has he done?", "Nothing."}},
		{"quotation kept whole", "“I cock the gun. I go, ‘Can you see that?’ And it goes off,” he recalled. Then silence.",
			[]string{"“I cock the gun. I go, ‘Can you see that?’ And it goes off,” he recalled.", "Then silence."}},
		{"quote closes sentence", "He told ABC “it wasn’t pulled. I didn’t pull it.” Baldwin also said more.",
			[]string{"He told ABC “it wasn’t pulled. I didn’t pull it.”", "Baldwin also said more."}},
		{"unbalanced quote", "Investigators concluded “could not fire. The end.",
			[]string{"Investigators concluded “could not fire.", "The end."}},
		{"name with bang", "OK! Magazine is reporting it. Yes!",
			[]string{"OK! Magazine is reporting it.", "Yes!"}},
		{"list marker and bullets", "  1. As his wife said. Well.\n    • Well, they do.",
			[]string{"As his wife said.", "Well.", "Well, they do."}},
		{"runs of marks", "Why?!?! Because.", []string{"Why?!?!", "Because."}},
		{"decimal", "The Colt .45 revolver cost $1.5 million. Ok.", []string{"The Colt .45 revolver cost $1.5 million.", "Ok."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := analyse(tt.text, builtinLexicon())
			var got []string
			for _, s := range d.sentences {
				got = append(got, d.slice(s.start, s.end))
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestRulesDisable(t *testing.T) {
	text := "The jerk may leave."
	r := NewRules()
	if got := mustSuggest(t, r, text); len(got) != 2 {
		t.Fatalf("got %+v", got)
	}
	if err := r.Disable("loaded.name_calling"); err != nil {
		t.Fatal(err)
	}
	got := mustSuggest(t, r, text)
	if len(got) != 1 || got[0].Rule != "speculation.hedge" {
		t.Fatalf("after Disable got %+v", got)
	}
	if slices.Contains(r.Enabled(), "loaded.name_calling") {
		t.Error("Enabled still lists the disabled rule")
	}
	if err := r.Enable("loaded.name_calling"); err != nil {
		t.Fatal(err)
	}
	if got := mustSuggest(t, r, text); len(got) != 2 {
		t.Fatalf("after Enable got %+v", got)
	}
	if err := r.Disable("speculation.hedge", "no.such.rule"); err == nil {
		t.Fatal("Disable accepted an unknown rule")
	}
	if !slices.Contains(r.Enabled(), "speculation.hedge") {
		t.Error("a failed Disable changed the rules")
	}
	r2 := NewRules(WithDisabled("speculation.hedge"))
	if got := mustSuggest(t, r2, text); len(got) != 1 || got[0].Rule != "loaded.name_calling" {
		t.Fatalf("WithDisabled got %+v", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("WithDisabled accepted an unknown rule")
		}
	}()
	NewRules(WithDisabled("no.such.rule"))
}

func TestRulesMergeSameSpan(t *testing.T) {
	got := mustSuggest(t, NewRules(), "Could somebody have left a live round in the gun?")
	if len(got) != 1 {
		t.Fatalf("got %+v", got)
	}
	s := got[0]
	if s.Rule != "speculation.hedge" || !strings.Contains(s.Reason, "; also rhetorical question") {
		t.Errorf("got %+v", s)
	}
}

func TestRuleCatalog(t *testing.T) {
	lex := builtinLexicon()
	ids := RuleIDs()
	if len(ids) != len(RuleCatalog()) {
		t.Fatal("RuleIDs and RuleCatalog disagree")
	}
	seen := map[string]bool{}
	for _, info := range RuleCatalog() {
		if seen[info.ID] || !ValidLabel(info.Label) || info.Description == "" {
			t.Errorf("bad catalog entry %+v", info)
		}
		seen[info.ID] = true
		used := false
		for _, e := range lex.entries {
			used = used || slices.Contains(e.rules, info.ID)
		}
		if !used {
			t.Errorf("rule %s has no lexicon entries", info.ID)
		}
	}
	for _, label := range Labels() {
		n := 0
		for _, info := range RuleCatalog() {
			if info.Label == label {
				n++
			}
		}
		if n == 0 {
			t.Errorf("no rule for label %s", label)
		}
	}
}

func TestLexiconRejectsBadFiles(t *testing.T) {
	bad := map[string]string{
		"columns": "speculation.hedge\tcue\tmay\n",
		"rule":    "speculation.guess\tcue\tmay\t\n",
		"kind":    "speculation.hedge\tword\tmay\t\n",
		"pattern": "speculation.hedge\tcue\t  \t\n",
		"symbol":  "speculation.hedge\tcue\tmay!\t\n",
	}
	for name, content := range bad {
		t.Run(name, func(t *testing.T) {
			fsys := mapFS(map[string]string{"lexicon/x.tsv": content})
			if _, err := loadLexicon(fsys); err == nil {
				t.Fatal("accepted")
			}
		})
	}
	lex, err := loadLexicon(mapFS(map[string]string{"lexicon/x.tsv": "# comment\n\nloaded.metaphor\tcue\tbad apple\tnote\n"}))
	if err != nil || lex.set("loaded.metaphor", kindCue).size != 1 {
		t.Fatalf("valid file: %v", err)
	}
}

func TestRulesDeterministicAndCancelled(t *testing.T) {
	c := loadCorpus(t)
	r := NewRules()
	for _, d := range c.tuneDocs {
		a := mustSuggest(t, r, d.Text)
		b := mustSuggest(t, r, d.Text)
		if !slices.Equal(a, b) {
			t.Fatalf("%s: two runs differ", d.ID)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Suggest(ctx, "Anything."); err == nil {
		t.Fatal("cancelled context accepted")
	}
	if _, err := r.Suggest(context.Background(), "bad \xff utf-8"); err != ErrInvalidText {
		t.Fatalf("invalid UTF-8: %v", err)
	}
}

func mapFS(files map[string]string) fs.FS {
	m := fstest.MapFS{}
	for name, content := range files {
		m[name] = &fstest.MapFile{Data: []byte(content)}
	}
	return m
}

// The demo's "Harbor Gossip" article (cmd/credence/demo/articles.jsonl, body copied verbatim to
// testdata) got no loaded-language suggestions at all; its source sentence was credited to "March".
func TestDemoHarborGossip(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "demo_harbor_gossip.txt"))
	if err != nil {
		t.Fatal(err)
	}
	got := mustSuggest(t, NewRules(), string(b))
	var loaded []string
	for _, s := range got {
		switch s.Label {
		case LabelLoadedLanguage:
			loaded = append(loaded, s.Rule+" "+s.Exact)
		case LabelSourcedFact:
			for _, date := range []string{`"March"`, `"Tuesday"`, `"March 3"`} {
				if strings.Contains(s.Reason, date) {
					t.Errorf("reason names a date: %q", s.Reason)
				}
			}
			if strings.HasPrefix(s.Exact, "The letter, dated March 3") &&
				s.Reason != `attribution verb "says" with a named source "The letter"` {
				t.Errorf("letter sentence: reason %q", s.Reason)
			}
		}
	}
	want := []string{
		"loaded.metaphor vanity project",
		"loaded.name_calling smug, spendthrift showboat",
		"loaded.metaphor money pit",
		"loaded.metaphor disaster waiting to happen",
		"loaded.metaphor clown show",
	}
	if !slices.Equal(loaded, want) {
		t.Fatalf("loaded language:\n got %q\nwant %q", loaded, want)
	}
}

// Chains join cues of one rule only, so each suggestion keeps one rule for the acceptance figures.
func TestLoadedChainsKeepOneRule(t *testing.T) {
	got := mustSuggest(t, NewRules(), "an absolutely nasty, smug jerk")
	var spans []string
	for _, s := range got {
		spans = append(spans, s.Rule+" "+s.Exact)
	}
	want := []string{"loaded.intensifier absolutely", "loaded.name_calling nasty, smug jerk"}
	if !slices.Equal(spans, want) {
		t.Fatalf("got %q, want %q", spans, want)
	}
}
