package suggest

import "strings"

// Speculation's pattern features (prefix "x:"), EVALUATION.md "Sixth round". Word n-grams see
// "many critics say" only as that exact phrase; these name the shapes of weasel and peacock
// wording, so that the model can weigh a shape once for all its wordings:
//
//	x:w-vague-says   a vague subject (some, many, critics, experts…) with a report or belief
//	                 verb up to four words on ("many historians believe", "some have argued")
//	x:w-by-vague     a vague agent after "by" ("criticized by some", "by many observers")
//	x:w-it-is        "it is (widely) believed / thought / said / claimed…" and the like
//	x:w-passive      a reporting verb in the passive without an agent ("is considered to",
//	                 "was said that", "are widely regarded as")
//	x:w-according    "according to" a vague source ("according to some", "to many reports")
//	x:w-one-of       "one of the" followed by a superlative ("one of the most", "…the largest")
//	x:p-regarded     a peacock or weasel participle after a manner adverb, with or without "is"
//	                 ("widely regarded", "generally considered", "often cited")
//	x:p-as-best      "regarded / considered / described… as" one of the best or the most…
//	x:p-some-of      a vague quantity of a group ("many of the", "some of them")
//	x:p-there-are    "there are (some / many / those) who"
//	x:p-adverb       an evidential adverb (arguably, reportedly, allegedly, supposedly…)
//	x:p-vague-noun   a vague plural subject noun anywhere (critics, experts, observers…)
//
// Opinion and sourced fact leave them out (labelOptions). A third family, the hedge cue's context
// (quoted, negated, among the opening words, the modal's verb phrase), made no difference in the
// nested comparison and was taken out again (EVALUATION.md, "Sixth round").

var (
	vagueSubjects = wordSet("some many most several numerous various others critics experts scholars " +
		"historians observers commentators analysts people sources researchers scientists authors " +
		"writers fans proponents opponents supporters detractors skeptics sceptics believers")
	beliefVerbs = wordSet("say says said saying claim claims claimed claiming believe believes believed " +
		"argue argues argued arguing consider considers considered think thinks thought feel feels felt " +
		"suggest suggests suggested contend contends contended maintain maintains maintained assert " +
		"asserts asserted regard regards regarded view views viewed describe describes described " +
		"speculate speculated speculates suspect suspects suspected allege alleges alleged hold holds held " +
		"insist insists insisted note notes noted")
	passiveReport = wordSet("believed thought said claimed considered regarded reported alleged rumored " +
		"rumoured suggested seen known described viewed deemed held expected supposed presumed " +
		"estimated understood argued speculated suspected acknowledged recognized recognised " +
		"accepted assumed perceived credited hailed praised touted criticized criticised")
	beForms      = wordSet("is are was were be been being")
	mannerAdverb = wordSet("widely generally often commonly largely frequently sometimes usually " +
		"also still now traditionally popularly universally broadly")
	vagueSources = wordSet("some many several most others critics experts sources reports rumors rumours " +
		"legend tradition observers analysts historians scholars accounts estimates")
	peacockParticiple = wordSet("regarded considered seen recognized recognised acknowledged known " +
		"thought believed accepted cited described viewed hailed praised touted credited")
	asVerbs          = wordSet("regarded considered seen described hailed named viewed ranked touted recognized recognised")
	evidentialAdverb = wordSet("arguably reportedly allegedly supposedly purportedly seemingly apparently " +
		"presumably probably possibly perhaps likely conceivably ostensibly evidently")
	vagueNouns = wordSet("critics experts scholars historians observers commentators analysts " +
		"researchers scientists fans proponents opponents supporters detractors skeptics sceptics")
	superlativ = wordSet("most best largest greatest biggest finest oldest leading foremost top " +
		"earliest highest first few")
)

// specPatternNames describe the x: features in reasons.
var specPatternNames = map[string]string{
	"w-vague-says": "a vague subject says or believes",
	"w-by-vague":   "a vague agent (“by some”)",
	"w-it-is":      "“it is believed” and the like",
	"w-passive":    "a passive report without its source",
	"w-according":  "according to a vague source",
	"w-one-of":     "“one of the most…”",
	"p-regarded":   "“widely regarded” and the like",
	"p-as-best":    "regarded as the best or the most",
	"p-some-of":    "a vague share (“many of the”)",
	"p-there-are":  "“there are those who”",
	"p-adverb":     "an evidential adverb (reportedly, arguably…)",
	"p-vague-noun": "vague authorities (critics, experts…)",
}

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// addSpeculationPatterns adds the x: features of tokens [first, end) to f.
func (fc *featCtx) addSpeculationPatterns(f *featureSet, first, end int) {
	toks := fc.d.tokens
	word := func(k int) string {
		if k < first || k >= end {
			return ""
		}
		return bareWord(toks[k])
	}
	for ti := first; ti < end; ti++ {
		w := word(ti)
		if vagueSubjects[w] && !(w == "most" && superlativ[word(ti+1)]) {
			for k := ti + 1; k <= ti+4 && k < end; k++ {
				if beliefVerbs[word(k)] {
					f.add("x:w-vague-says")
					break
				}
			}
		}
		if w == "by" && vagueSubjects[word(ti+1)] {
			f.add("x:w-by-vague")
		}
		if w == "it" && (beForms[word(ti+1)] || word(ti+1) == "has" && word(ti+2) == "been") {
			k := ti + 2
			if word(ti+1) == "has" {
				k++ // "it has been"
			}
			if mannerAdverb[word(k)] {
				k++
			}
			if passiveReport[word(k)] {
				f.add("x:w-it-is")
			}
		}
		if beForms[w] {
			k := ti + 1
			if mannerAdverb[word(k)] {
				k++
			}
			if passiveReport[word(k)] {
				agent := false
				for j := k + 1; j <= k+3 && j < end; j++ {
					if word(j) == "by" {
						agent = true
					}
				}
				if !agent {
					f.add("x:w-passive")
				}
			}
		}
		if w == "according" && word(ti+1) == "to" && vagueSources[word(ti+2)] {
			f.add("x:w-according")
		}
		if w == "one" && word(ti+1) == "of" && word(ti+2) == "the" {
			if s := word(ti + 3); superlativ[s] || strings.HasSuffix(s, "est") {
				f.add("x:w-one-of")
			}
		}
		if mannerAdverb[w] && peacockParticiple[word(ti+1)] {
			f.add("x:p-regarded")
		}
		if asVerbs[w] && word(ti+1) == "as" {
			k := ti + 2
			if word(k) == "one" && word(k+1) == "of" {
				k += 2
			}
			if word(k) == "the" || word(k) == "a" {
				k++
			}
			if s := word(k); superlativ[s] || strings.HasSuffix(s, "est") {
				f.add("x:p-as-best")
			}
		}
		if (w == "some" || w == "many" || w == "most" || w == "several") && word(ti+1) == "of" {
			f.add("x:p-some-of")
		}
		if w == "there" && beForms[word(ti+1)] {
			for k := ti + 2; k <= ti+4 && k < end; k++ {
				if word(k) == "who" {
					f.add("x:p-there-are")
					break
				}
			}
		}
		if evidentialAdverb[w] {
			f.add("x:p-adverb")
		}
		if vagueNouns[w] {
			f.add("x:p-vague-noun")
		}
	}
}
