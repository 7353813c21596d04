package score

import (
	"cmp"
	"maps"
	"slices"
)

// Which regions credit an article's text. Regions are each reviewer's own (DESIGN rule 7): a
// reviewer makes manual regions and accepts or rejects the detected ones for themselves. The
// crediting of scores and exports follows the majority of the article's counted reviewers, unless
// a curator decided the article's regions (Article.Curated).

// RegionVote is a region of an article with the reviewers who stand behind it: its author for a
// manual region, or the reviewers who accepted it for a detected one (annotate.RegionHolders).
type RegionVote struct {
	Region
	Holders []int64 `json:"holders,omitempty"`
}

// EquivalentOverlap is how much two regions must share to be the same finding: their common
// characters are at least this part of the longer of the two.
const EquivalentOverlap = 0.8

// Equivalent reports whether two regions are the same finding made twice: the same kind, the
// same origin outlet for a quote (comments have none), and an overlap of at least
// EquivalentOverlap of the longer region. Two reviewers who mark one reprinted paragraph, one of
// them with its closing sentence and one without, have made equivalent regions.
func Equivalent(a, b Region) bool {
	if a.Kind != b.Kind || a.Kind == RegionQuote && a.OriginOutletID != b.OriginOutletID {
		return false
	}
	common := min(a.End, b.End) - max(a.Start, b.Start)
	longer := max(a.End-a.Start, b.End-b.Start)
	return common > 0 && float64(common) >= EquivalentOverlap*float64(longer)
}

// CreditedRegions is the rule of which regions credit an article's text, given the reviewers
// who count (finished, not excluded):
//
//   - when a curator decided the article's regions (a.Curated), those (a.Regions) are used;
//   - when no reviewer's regions are given (a.RegionVotes empty), a.Regions are used as given
//     (the regions a caller already decided);
//   - otherwise a region credits the text when a strict majority of the counted reviewers stand
//     behind it or behind an equivalent region (Equivalent): more than half of them made it, or
//     accepted it when the service detected it. Of equivalent regions that pass, the one with
//     the most support is used (then the earliest start, the earliest end, the order given), so
//     one finding is credited once. With no counted reviewer nothing is credited.
//
// This is the hook of the consensus layer: a curator's regions, passed with Curated, decide the
// crediting in every layer of scores and exports.
func CreditedRegions(a Article, counted []int64) []Region {
	if a.Curated || len(a.RegionVotes) == 0 {
		return a.Regions
	}
	k := len(counted)
	if k == 0 {
		return nil
	}
	isCounted := func(id int64) bool { _, ok := slices.BinarySearch(counted, id); return ok }
	type cand struct {
		i       int
		support int
	}
	var cands []cand
	for i, c := range a.RegionVotes {
		if c.Start >= c.End || !slices.ContainsFunc(c.Holders, isCounted) {
			continue
		}
		behind := map[int64]bool{}
		for _, v := range a.RegionVotes {
			if !Equivalent(c.Region, v.Region) {
				continue
			}
			for _, h := range v.Holders {
				if isCounted(h) {
					behind[h] = true
				}
			}
		}
		if 2*len(behind) > k {
			cands = append(cands, cand{i, len(behind)})
		}
	}
	slices.SortStableFunc(cands, func(x, y cand) int {
		rx, ry := a.RegionVotes[x.i], a.RegionVotes[y.i]
		return cmp.Or(cmp.Compare(y.support, x.support), cmp.Compare(rx.Start, ry.Start), cmp.Compare(rx.End, ry.End), cmp.Compare(x.i, y.i))
	})
	var out []Region
	for _, c := range cands {
		r := a.RegionVotes[c.i].Region
		if !slices.ContainsFunc(out, func(o Region) bool { return Equivalent(o, r) }) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(x, y Region) int { return cmp.Or(cmp.Compare(x.Start, y.Start), cmp.Compare(x.End, y.End)) })
	return out
}

// reviewerRegions are the regions one reviewer stands behind.
func reviewerRegions(votes []RegionVote, reviewer int64) []Region {
	var out []Region
	for _, v := range votes {
		if slices.Contains(v.Holders, reviewer) {
			out = append(out, v.Region)
		}
	}
	return out
}

// OwnerTally holds the sufficient statistics of nominal alpha for region agreement, where each
// coder's value for a character is who their own regions credit it to: an outlet id, 0 for a
// quote of unknown origin, -1 for readers' comments. Like the label tallies, it adds up across
// articles.
type OwnerTally struct {
	Values   map[int64]float64 `json:"values,omitempty"` // n_c for each owner c
	Disagree float64           `json:"disagree"`         // Σ_{c≠k} o_ck
}

// Add accumulates u into t.
func (t *OwnerTally) Add(u OwnerTally) {
	for c, n := range u.Values {
		if t.Values == nil {
			t.Values = map[int64]float64{}
		}
		t.Values[c] += n
	}
	t.Disagree += u.Disagree
}

// Alpha is Krippendorff's nominal alpha of the tallied data; invalid when undefined (fewer than
// two reviewers anywhere, or every reviewer crediting every character to the same owner).
func (t OwnerTally) Alpha() NullFloat {
	owners := make([]int64, 0, len(t.Values))
	for c := range t.Values {
		owners = append(owners, c)
	}
	slices.Sort(owners) // fixed summation order: the same input always gives the same bits
	var n, sumSq float64
	for _, c := range owners {
		n += t.Values[c]
		sumSq += t.Values[c] * t.Values[c]
	}
	return nominalAlpha(n, sumSq, t.Disagree)
}

// regionAgreement tallies, over every character of the article, who each counted reviewer's
// own regions credit it to (CreditText of the regions they stand behind). With fewer than two
// counted reviewers, or no reviewer's regions given, there is nothing to tally.
func regionAgreement(a Article, counted []int64) OwnerTally {
	var t OwnerTally
	if len(counted) < 2 || len(a.RegionVotes) == 0 {
		return t
	}
	segs := make([][]CreditSegment, len(counted))
	bounds := []int{0, max(a.Length, 0)}
	for i, r := range counted {
		segs[i] = CreditText(Article{OutletID: a.OutletID, Length: a.Length, Regions: reviewerRegions(a.RegionVotes, r)})
		for _, s := range segs[i] {
			bounds = append(bounds, s.Start, s.End)
		}
	}
	slices.Sort(bounds)
	bounds = slices.Compact(bounds)
	next := make([]int, len(counted))
	owners := make([]int64, len(counted))
	m := float64(len(counted))
	for bi := 0; bi+1 < len(bounds); bi++ {
		x, y := bounds[bi], bounds[bi+1]
		counts := map[int64]int{}
		for i := range counted {
			for next[i] < len(segs[i]) && segs[i][next[i]].End <= x {
				next[i]++
			}
			owners[i] = segs[i][next[i]].OutletID
			counts[owners[i]]++
		}
		w := float64(y - x)
		keys := slices.Sorted(maps.Keys(counts)) // fixed summation order
		for _, c := range keys {
			nc := counts[c]
			if t.Values == nil {
				t.Values = map[int64]float64{}
			}
			t.Values[c] += w * float64(nc)
			t.Disagree += w * float64(nc) * (m - float64(nc)) / (m - 1)
		}
	}
	return t
}
