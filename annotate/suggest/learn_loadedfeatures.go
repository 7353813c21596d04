package suggest

import "strings"

// Loaded language's pattern features (prefix "x:l"), EVALUATION.md "Seventh round": the shapes
// of news-style loaded wording, so that the token model can weigh a shape once for all its
// wordings (BASIL marks almost every loaded word once, so word identity cannot learn them):
//
//	x:lv-attack      an attack verb of reporting (slammed, blasted, railed, lambasted…)
//	x:lv-hype        a hype verb of reporting (touted, boasted, trumpeted, hailed…)
//	x:lv-nonneutral  a report verb (Recasens' list) that is not a neutral one (said, told…)
//	x:ls-scare       inside a quotation of one or two words (scare quotes)
//	x:ls-socalled    after "so-called", and the words "so-called" themselves
//	x:ls-epithet     an extreme adjective with a group noun (radical left, far-right groups)
//	x:ls-hyper       a hyperbole word (unprecedented, disastrous…) or "the worst … ever"
//	x:ls-intens      after an intensifier, or an intensifier before a bias-lexicon word
//	x:ls-noun        a loaded noun (regime, cronies, thugs, scheme, stunt…)
//	x:lc-…           the context of the word: its sentence quotes or attributes (a rule of
//	                 sourced fact fires), is an opinion-like sentence (an opinion rule fires),
//	                 is a headline; a bias-lexicon word quoted, in an attributed sentence, or
//	                 in neither (the writer's own wording)
//
// The families are measured apart by the nested comparison (experiments_loaded_test.go).

var (
	attackVerbs = wordSet("slam slams slammed slamming blast blasts blasted blasting rail rails railed railing " +
		"lash lashes lashed lashing rip rips ripped ripping bash bashes bashed bashing lambast lambaste " +
		"lambastes lambasted lambasting berate berates berated berating denounce denounces denounced " +
		"denouncing decry decries decried decrying deride derides derided deriding mock mocks mocked " +
		"mocking ridicule ridicules ridiculed scold scolds scolded chide chides chided assail assails " +
		"assailed excoriate excoriates excoriated skewer skewered savage savaged hammer hammers " +
		"hammered torch torched blister blistered fume fumes fumed fuming rant rants ranted ranting " +
		"rage raged raging scoff scoffs scoffed sneer sneered snap snapped bristle bristled seethe " +
		"seethed howl howled blame blames blamed condemn condemns condemned condemning attack attacks " +
		"attacked attacking accuse accuses accused dismiss dismissed scorn scorned vilify vilified " +
		"demonize demonized smear smeared")
	hypeVerbs = wordSet("tout touts touted touting boast boasts boasted boasting brag brags bragged " +
		"bragging trumpet trumpets trumpeted crow crowed gush gushed hail hails hailed herald heralded " +
		"cheer cheered champion championed laud lauds lauded flaunt flaunted peddle peddles peddled " +
		"hawk hawked tout trumpeting insist insists insisted insisting claim claims claimed concede " +
		"conceded admit admits admitted confess confessed vow vowed pledge pledged")
	neutralSpeech = wordSet("say says said saying tell tells told telling add adds added state states " +
		"stated note notes noted report reports reported announce announces announced ask asks asked " +
		"write writes wrote explain explains explained respond responds responded reply replies replied " +
		"comment comments commented speak speaks spoke according describe described testify testified " +
		"continue continued")
	extremeAdj = wordSet("radical radicals extreme extremist extremists far hard ultra militant fringe " +
		"rabid zealous fanatical hardcore leftist rightist reactionary socialist communist marxist " +
		"ultraconservative ultraliberal hardline")
	groupNouns = wordSet("left right liberal liberals conservative conservatives progressive progressives " +
		"activist activists agenda group groups democrat democrats republican republicans wing base " +
		"element elements ideologue ideologues islamist islamists socialist socialists leftists " +
		"supporters allies movement regime views policies policy ideology elements line liner liners " +
		"lawmakers members faction factions")
	hyperbole = wordSet("unprecedented disastrous catastrophic catastrophe devastating staggering stunning " +
		"shocking outrageous horrific horrendous massive monumental colossal unthinkable unbelievable " +
		"incredible astonishing extraordinary egregious draconian sweeping scathing blistering furious " +
		"fierce fiercely bitter bitterly explosive dramatic dramatically brutal vicious relentless " +
		"sensational spectacular unimaginable crippling crushing sweeping radical utterly")
	intensifiers = wordSet("very extremely incredibly deeply hugely utterly totally truly so too highly " +
		"wildly remarkably especially particularly increasingly fiercely bitterly sharply vehemently " +
		"openly blatantly staunchly strongly completely absolutely entirely grossly woefully")
	loadedNouns = wordSet("regime regimes crony cronies thug thugs mob mobs scheme schemes ploy ploys " +
		"stunt stunts crusade crusades tirade tirades rant rants propaganda henchmen zealot zealots " +
		"elite elites puppet puppets lackey lackeys minion minions cabal gang gangs hoax sham charade " +
		"scam scams smear smears diatribe meltdown fiasco debacle boondoggle handout handouts amnesty " +
		"giveaway giveaways bailout bailouts grab onslaught assault slush loophole loopholes pork " +
		"scandal scandals firestorm uproar furor furore outrage backlash obstruction obstructionist " +
		"obstructionists witch-hunt rhetoric antics gimmick gimmicks spree tantrum")
	superlatives = wordSet("worst best biggest greatest largest most least highest lowest deadliest")
)

// loadedPatternNames describe the x:l features in reasons.
var loadedPatternNames = map[string]string{
	"lv-attack":     "an attack verb of reporting (slammed, blasted…)",
	"lv-hype":       "a hype verb of reporting (touted, boasted…)",
	"lv-nonneutral": "a report verb other than “said”",
	"ls-scare":      "scare quotes",
	"ls-socalled":   "“so-called”",
	"ls-epithet":    "an extreme label for a group (radical left…)",
	"ls-hyper":      "hyperbole",
	"ls-intens":     "an intensified judgement",
	"ls-noun":       "a loaded noun (regime, cronies…)",
}

// addLoadedPatterns adds the x:l features of token ti to f.
func (fc *featCtx) addLoadedPatterns(f *featureSet, ti int) {
	d := fc.d
	toks := d.tokens
	t := &toks[ti]
	if t.sent < 0 {
		return
	}
	s := d.sentences[t.sent]
	word := func(k int) string {
		if k < s.firstTok || k >= s.endTok {
			return ""
		}
		return bareWord(toks[k])
	}
	w := word(ti)
	quoted := d.quoted[t.start]
	// Verbs of reporting.
	if attackVerbs[w] {
		f.add("x:lv-attack")
	}
	if hypeVerbs[w] {
		f.add("x:lv-hype")
	}
	inList := func(k int, list string) bool {
		if k < s.firstTok || k >= s.endTok {
			return false
		}
		for _, l := range fc.tokLists[k] {
			if l == list {
				return true
			}
		}
		return false
	}
	if inList(ti, "report") && !neutralSpeech[w] {
		f.add("x:lv-nonneutral")
	}
	// Shapes.
	if quoted {
		a, b := ti, ti
		for a > s.firstTok && d.quoted[toks[a-1].start] && ti-a < 3 {
			a--
		}
		for b+1 < s.endTok && d.quoted[toks[b+1].start] && b-ti < 3 {
			b++
		}
		if b-a+1 <= 2 {
			// A one- or two-word quotation: the quotation ends on both sides within the sentence.
			if (a == s.firstTok || !d.quoted[toks[a-1].start]) && (b+1 == s.endTok || !d.quoted[toks[b+1].start]) {
				f.add("x:ls-scare")
			}
		}
	}
	if (word(ti-2) == "so" && word(ti-1) == "called") || (w == "so" && word(ti+1) == "called") ||
		(w == "called" && word(ti-1) == "so") || (word(ti-3) == "so" && word(ti-2) == "called") {
		f.add("x:ls-socalled")
	}
	if extremeAdj[w] {
		for k := ti + 1; k <= ti+2; k++ {
			if groupNouns[word(k)] {
				f.add("x:ls-epithet")
				break
			}
		}
	}
	if groupNouns[w] && (extremeAdj[word(ti-1)] || extremeAdj[word(ti-2)] && word(ti-1) != "") {
		f.add("x:ls-epithet")
	}
	if hyperbole[w] {
		f.add("x:ls-hyper")
	}
	if superlatives[w] || strings.HasSuffix(w, "est") && len(w) > 5 {
		for k := ti + 1; k <= ti+5; k++ {
			if word(k) == "ever" {
				f.add("x:ls-hyper")
				break
			}
		}
	}
	if intensifiers[word(ti-1)] && w != "" && !intensifiers[w] && (inList(ti, "bias") || hyperbole[w]) {
		f.add("x:ls-intens")
	}
	if intensifiers[w] && (inList(ti+1, "bias") || hyperbole[word(ti+1)]) {
		f.add("x:ls-intens")
	}
	if loadedNouns[w] {
		f.add("x:ls-noun")
	}
	// Context.
	attributed, opinion := false, false
	for _, r := range fc.sentRules[t.sent] {
		attributed = attributed || strings.HasPrefix(r, "attribution.")
		opinion = opinion || strings.HasPrefix(r, "opinion.")
	}
	if attributed {
		f.add("x:lc-sent-attr")
	}
	if opinion {
		f.add("x:lc-sent-opinion")
	}
	if s.titleCase {
		f.add("x:lc-title")
	}
	if inList(ti, "bias") {
		switch {
		case quoted:
			f.add("x:lc-bias-quoted")
		case attributed:
			f.add("x:lc-bias-attr")
		default:
			f.add("x:lc-bias-own")
		}
	}
}
