package suggest

import (
	"cmp"
	"context"
	"errors"
	"github.com/credence-project/credence/annotate"
	"slices"
)

// The labels a suggestion may carry: the domain's labels (annotate.Label), which are the
// annotation labels of the public API.
const (
	LabelSourcedFact    = annotate.SourcedFact
	LabelSpeculation    = annotate.Speculation
	LabelOpinion        = annotate.Opinion
	LabelLoadedLanguage = annotate.LoadedLanguage
)

// Labels returns the four labels in the order the browser numbers them (keys 1 to 4).
func Labels() []annotate.Label {
	return slices.Clone(annotate.Labels)
}

// ValidLabel reports whether label is one of Labels.
func ValidLabel(label annotate.Label) bool {
	return label.Valid()
}

// ErrInvalidText is returned for text that is not valid UTF-8: code point offsets into it would be
// ambiguous. Stored article text is always valid (API.md, "Text offsets").
var ErrInvalidText = errors.New("suggest: text is not valid UTF-8")

// Suggestion is one proposed passage. Start and End are code point offsets into the text, End
// exclusive, and Exact is the text between them.
type Suggestion struct {
	Label  annotate.Label
	Start  int
	End    int
	Exact  string
	Rule   string // the rule id (see RuleIDs), or "external" for an HTTPSuggester
	Cue    string // the words that triggered the rule, as they appear in the text
	Reason string // a sentence for the reviewer explaining why
	// Confidence in [0, 1]: a learned model's probability, or for a rule the precision its label's
	// rules measured on held-out data (MODEL.md).
	Confidence float64
	Model      string // the name and version of what made it (Model.ID, RulesModelID, "external")
}

// Suggester proposes passages of a text. Implementations must be safe for concurrent use and
// return suggestions sorted with SortSuggestions.
type Suggester interface {
	Suggest(ctx context.Context, text string) ([]Suggestion, error)
}

// SortSuggestions puts suggestions in the documented deterministic order: by start, then label,
// then end, then rule, then cue.
func SortSuggestions(s []Suggestion) {
	slices.SortStableFunc(s, func(a, b Suggestion) int {
		return cmp.Or(
			cmp.Compare(a.Start, b.Start),
			cmp.Compare(a.Label, b.Label),
			cmp.Compare(a.End, b.End),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Cue, b.Cue),
		)
	})
}

// dedupeSpans keeps the first suggestion of each label and span, in the order given.
func dedupeSpans(in []Suggestion) []Suggestion {
	type key struct {
		label      annotate.Label
		start, end int
	}
	seen := make(map[key]bool, len(in))
	out := in[:0:0]
	for _, s := range in {
		k := key{s.Label, s.Start, s.End}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, s)
	}
	return out
}
