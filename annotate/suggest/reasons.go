package suggest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// The reasons of the learned suggestions: the features of a suggestion's best unit that weighed
// most, in words a reviewer reads (describeFeature), letter features by the word they spell.

// suggestion builds the reviewer's view of a decoded span: the reason names the features of its
// best unit that weighed most.
func (sl *labelSuggester) suggestion(dc decoded) Suggestion {
	fc := sl.ic.fc
	var ids []int32
	if sl.lm.Unit == unitSentence {
		ids = sl.ic.sentence.of(dc.best)
	} else {
		ids = sl.ic.token.of(dc.best)
	}
	var parts []string
	cue := ""
	// Letter trigrams weigh in many decisions but explain little: they are named only when the
	// words, lexicons and rules do not make three reasons, and then by the word they spell.
	sl.contrib = contributionsIDs(sl.contrib[:0], sl.w, sl.vocab, ids)
	for _, c := range sl.contrib {
		f := sl.vocab.names[c.id]
		var desc string
		if c.letters {
			// by the word they spell, unless that word is named already
			if w := sl.spelling(f, dc.best); w != "" && !slices.Contains(parts, fmt.Sprintf("the word “%s”", w)) {
				desc = fmt.Sprintf("the spelling of “%s”", w)
			}
		} else {
			desc = describeFeature(f, fc, dc.best)
		}
		if desc == "" || slices.Contains(parts, desc) {
			continue
		}
		if cue == "" && (strings.HasPrefix(f, "w:") || strings.HasPrefix(f, "b:")) {
			cue = strings.SplitN(f, ":", 2)[1]
		}
		parts = append(parts, desc)
		if len(parts) == 3 {
			break
		}
	}
	reason := fmt.Sprintf("%s model, confidence %.2f", sl.what, dc.p)
	if len(parts) > 0 {
		reason += ": " + strings.Join(parts, ", ")
	}
	return Suggestion{Label: sl.label, Start: dc.start, End: dc.end, Exact: fc.d.slice(dc.start, dc.end),
		Rule: sl.rule, Cue: cue, Reason: reason, Confidence: round4(dc.p), Model: sl.model}
}

// spelling is the word of unit u (a sentence, or the token itself) whose letters give the
// letter feature feat (a trigram "c:ubl", a suffix "s3:", a prefix "p3:"), for the reason "the
// spelling of “trouble”", where "the letters “ubl”" told a reviewer nothing. In a sentence
// several words may have them (the feature counts once): the longest is named, the first of
// those as long, since a content word says more than "her" does of "-er". "" if no word of the
// unit has them (never, for a feature of the unit).
func (sl *labelSuggester) spelling(feat string, u int) string {
	kind, val, _ := strings.Cut(feat, ":")
	d := sl.ic.fc.d
	first, end, best := u, u+1, ""
	if sl.lm.Unit == unitSentence {
		first, end = d.sentences[u].firstTok, d.sentences[u].endTok
	}
	for ti := first; ti < end; ti++ {
		w := bareWord(d.tokens[ti])
		if spells(kind, val, w) && utf8.RuneCountInString(w) > utf8.RuneCountInString(best) {
			best = w
		}
	}
	return best
}

// spells says whether word w has the letter feature kind:val, as the featurizer makes them
// (charTrigrams, addTokenFeatures' affixes), without building its strings
// (TestSpellsAsTheFeaturizer).
func spells(kind, val, w string) bool {
	switch kind {
	case "c": // a trigram of "<" + w + ">"
		if utf8.RuneCountInString(w) < 3 {
			return false
		}
		if in, ok := strings.CutPrefix(val, "<"); ok {
			return strings.HasPrefix(w, in)
		}
		if in, ok := strings.CutSuffix(val, ">"); ok {
			return strings.HasSuffix(w, in)
		}
		return strings.Contains(w, val)
	case "s3", "s4":
		return utf8.RuneCountInString(w) >= 5 && strings.HasSuffix(w, val)
	case "p3":
		return utf8.RuneCountInString(w) >= 5 && strings.HasPrefix(w, val)
	}
	return false
}

func isLetters(feat string) bool {
	k, _, _ := strings.Cut(feat, ":")
	return k == "c" || k == "s3" || k == "s4" || k == "p3"
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// contribution is a feature's number and weight.
type contribution struct {
	id      int32
	w       float64
	letters bool
}

// contributionsIDs appends to out the features numbered ids that have a positive weight,
// heaviest first (ties by number, which orders as the names do), with the letter features last:
// what a suggestion's reason names.
func contributionsIDs(out []contribution, w []float64, v *unitVocab, ids []int32) []contribution {
	for _, id := range ids {
		if x := w[id]; x > 0 {
			out = append(out, contribution{id, x, v.letters[id]})
		}
	}
	slices.SortFunc(out, func(a, b contribution) int {
		if c := cmpBool(a.letters, b.letters); c != 0 {
			return c
		}
		if a.w != b.w {
			if a.w > b.w {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.id, b.id)
	})
	return out
}
