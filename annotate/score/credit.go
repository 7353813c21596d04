package score

import "slices"

// Special owners of a credited segment. Real outlets have positive ids.
const (
	ownerNone     int64 = 0  // a quote of unknown origin: credited to no outlet
	ownerComments int64 = -1 // readers' comments: credited to no outlet, excluded
)

// CreditSegment is a maximal run of an article's text credited to one owner.
type CreditSegment struct {
	Span
	// OutletID is the outlet credited with the text; 0 for a quote of unknown origin and -1 for
	// readers' comments (both are credited to no outlet and left out of every score).
	OutletID int64
}

// CreditText splits an article's text [0, Length) into segments, each credited to one owner:
//
//   - a character inside any comments region is comments (credited to no one);
//   - otherwise, a character inside one or more quote regions is credited to the origin outlet of
//     the innermost of them: the one that starts last; among those, the one that ends first;
//     among those, the smallest origin outlet id. A quote of unknown origin (OriginOutletID 0) is
//     credited to no one: it is not the publisher's own words, and we cannot tell whose they are;
//   - every other character is credited to the publisher.
//
// Regions are clamped to the text; empty regions and regions of an unknown kind are ignored. The
// result covers [0, Length) in order with no gaps, adjacent segments having different owners.
func CreditText(a Article) []CreditSegment {
	n := max(a.Length, 0)
	if n == 0 {
		return nil
	}
	var regions []Region
	bounds := []int{0, n}
	for _, r := range a.Regions {
		if r.Kind != RegionQuote && r.Kind != RegionComments {
			continue
		}
		r.Start, r.End = clamp(r.Start, 0, n), clamp(r.End, 0, n)
		if r.Start >= r.End {
			continue
		}
		regions = append(regions, r)
		bounds = append(bounds, r.Start, r.End)
	}
	slices.Sort(bounds)
	bounds = slices.Compact(bounds)

	var out []CreditSegment
	for i := 0; i+1 < len(bounds); i++ {
		lo, hi := bounds[i], bounds[i+1]
		owner := creditOwner(a.OutletID, regions, lo, hi)
		if k := len(out); k > 0 && out[k-1].OutletID == owner {
			out[k-1].End = hi
			continue
		}
		out = append(out, CreditSegment{Span: Span{Start: lo, End: hi}, OutletID: owner})
	}
	return out
}

// creditOwner decides who is credited with the elementary interval [lo, hi), which no region
// boundary splits, so every region either covers it whole or not at all.
func creditOwner(publisher int64, regions []Region, lo, hi int) int64 {
	var best *Region
	for i := range regions {
		r := &regions[i]
		if r.Start > lo || r.End < hi {
			continue
		}
		if r.Kind == RegionComments {
			return ownerComments
		}
		if best == nil || innerQuote(r, best) {
			best = r
		}
	}
	if best == nil {
		return publisher
	}
	if best.OriginOutletID <= 0 {
		return ownerNone
	}
	return best.OriginOutletID
}

// innerQuote reports whether quote r takes precedence over quote b (both cover the same place).
func innerQuote(r, b *Region) bool {
	if r.Start != b.Start {
		return r.Start > b.Start
	}
	if r.End != b.End {
		return r.End < b.End
	}
	return r.OriginOutletID < b.OriginOutletID
}

func clamp(v, lo, hi int) int { return min(max(v, lo), hi) }
