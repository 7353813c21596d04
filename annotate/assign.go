package annotate

import (
	"cmp"
	"slices"
)

// Assignment is one article given to one reviewer.
type Assignment struct {
	ArticleID  int64
	ReviewerID int64
}

// PlanAssignments decides who gets which article. For each article in order it counts the
// pool reviewers who hold it already (holders), and gives it to the reviewers without it who
// have the fewest open assignments (load) until perArticle reviewers hold it; ties go to the
// lower user id, so the same state always gives the same plan. load is updated as it goes,
// so a batch spreads evenly. It returns only the new pairs.
func PlanAssignments(articles, pool []int64, perArticle int, holders map[int64][]int64, load map[int64]int) []Assignment {
	var out []Assignment
	cands := make([]int64, 0, len(pool))
	for _, a := range articles {
		held := map[int64]bool{}
		for _, r := range holders[a] {
			held[r] = true
		}
		need := perArticle - len(held)
		if need <= 0 {
			continue
		}
		cands = cands[:0]
		for _, r := range pool {
			if !held[r] {
				cands = append(cands, r)
			}
		}
		slices.SortStableFunc(cands, func(x, y int64) int {
			return cmp.Or(cmp.Compare(load[x], load[y]), cmp.Compare(x, y))
		})
		for _, r := range cands[:min(need, len(cands))] {
			out = append(out, Assignment{ArticleID: a, ReviewerID: r})
			load[r]++
		}
	}
	return out
}
