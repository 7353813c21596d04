package annotate

import (
	"cmp"
	"slices"
)

// Adjudication groups what the finished reviewers of an article marked into units, so that a
// curator sees at a glance where they agree and where they do not (DESIGN.md rule 8).

// Mark is one reviewer's mark on an article as adjudication sees it: an annotation (Kind is
// its label) or a region (Kind is "quote" or "comments", Origin its origin outlet, 0 for none).
type Mark struct {
	ID         int64
	ReviewerID int64
	Kind       string
	Start, End int
	Origin     int64
}

// Unit is a group of marks of one kind whose spans overlap (directly or through each other).
type Unit struct {
	Kind       string
	Start, End int    // the extent of the marks
	Marks      []Mark // in start, then reviewer order
	// Reviewers is how many distinct reviewers marked the unit; Of how many finished the article.
	Reviewers, Of int
	// Agreed: every finished reviewer marked exactly this span (and, for a region, the same
	// origin), once. Such a unit is pre-merged into the consensus layer.
	Agreed bool
}

// GroupUnits groups the marks of the finished reviewers (others' marks are ignored) into units:
// by kind, spans that overlap (share at least one character) in one unit, transitively. Units
// come disagreements first, then in text order, then by kind.
func GroupUnits(marks []Mark, finished []int64) []Unit {
	counted := map[int64]bool{}
	for _, id := range finished {
		counted[id] = true
	}
	byKind := map[string][]Mark{}
	for _, m := range marks {
		if counted[m.ReviewerID] && m.End > m.Start {
			byKind[m.Kind] = append(byKind[m.Kind], m)
		}
	}
	var units []Unit
	for kind, ms := range byKind {
		slices.SortFunc(ms, func(a, b Mark) int {
			return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End), cmp.Compare(a.ReviewerID, b.ReviewerID), cmp.Compare(a.ID, b.ID))
		})
		for i := 0; i < len(ms); {
			u := Unit{Kind: kind, Start: ms[i].Start, End: ms[i].End, Of: len(counted)}
			j := i
			for ; j < len(ms) && ms[j].Start < u.End; j++ {
				u.End = max(u.End, ms[j].End)
			}
			u.Marks = ms[i:j:j]
			u.Reviewers, u.Agreed = tally(u.Marks, len(counted))
			units = append(units, u)
			i = j
		}
	}
	slices.SortFunc(units, func(a, b Unit) int {
		if a.Agreed != b.Agreed {
			if a.Agreed {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End), cmp.Compare(a.Kind, b.Kind))
	})
	return units
}

// tally counts the distinct reviewers of a unit's marks and tells whether all of the
// article's finished reviewers marked the same span (and origin) exactly once.
func tally(ms []Mark, finished int) (reviewers int, agreed bool) {
	seen := map[int64]bool{}
	agreed = true
	for _, m := range ms {
		if seen[m.ReviewerID] || m.Start != ms[0].Start || m.End != ms[0].End || m.Origin != ms[0].Origin {
			agreed = false
		}
		seen[m.ReviewerID] = true
	}
	return len(seen), agreed && len(seen) == finished && finished > 0
}
