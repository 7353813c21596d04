package score

import (
	"cmp"
	"slices"
)

// ArticleResult is the per-article summary that every published figure is rolled up from. It
// depends only on the article's own data (text length, accepted regions, completions,
// annotations), the excluded reviewers and the methodology version, so callers can compute it
// once per article and cache it keyed by (article data version, exclusion list,
// MethodologyVersion); a new annotation then costs one ScoreArticle plus a roll-up. It is plain
// data with JSON tags, so the cache may live in the database.
type ArticleResult struct {
	ArticleID   int64 `json:"article_id"`
	PublisherID int64 `json:"publisher_id"`
	// Methodology is the MethodologyVersion the result was computed under; a cached result
	// from another version must be recomputed.
	Methodology string `json:"methodology"`
	Length      int    `json:"length"`
	// CommentChars are inside readers' comments; UncreditedChars are inside quotes of unknown
	// origin. Neither counts for any outlet.
	CommentChars    int `json:"comment_chars"`
	UncreditedChars int `json:"uncredited_chars"`
	// Reviewers whose completed reviews count, sorted; Excluded completed the article but were
	// excluded by the caller.
	Reviewers []int64 `json:"reviewers"`
	Excluded  []int64 `json:"excluded,omitempty"`
	// Outlets has one entry per outlet credited with at least one character, sorted by id.
	Outlets []OutletPart `json:"outlets"`
	// ReviewerTallies has one entry per counted reviewer, in the order of Reviewers.
	ReviewerTallies []ReviewerTally `json:"reviewer_tallies"`
	// RegionAgreement tallies, over every character, who each counted reviewer's own regions
	// credit it to (empty with fewer than two reviewers or no reviewers' regions given).
	RegionAgreement OwnerTally `json:"region_agreement"`
	// Curated: a curator's regions decided the crediting (Article.Curated).
	Curated bool `json:"curated,omitempty"`
	// ReopenedAfterViewing are the counted reviewers whose review was reopened after viewing.
	ReopenedAfterViewing []int64 `json:"reopened_after_viewing,omitempty"`
}

// OutletPart is what one article contributes to one credited outlet.
type OutletPart struct {
	OutletID int64 `json:"outlet_id"`
	// Chars is the number of characters of the article credited to the outlet.
	Chars int `json:"chars"`
	// MeanMarked is, per label, the number of those characters a reviewer marked with the label,
	// averaged over the article's counted reviewers (0 when there are none).
	MeanMarked PerLabel[float64] `json:"mean_marked"`
	// Agreement tallies the coincidences of the reviewers over those characters (empty with
	// fewer than two reviewers).
	Agreement AgreementTally `json:"agreement"`
}

// Share returns the mean share of the part's characters marked with label index i.
func (p OutletPart) Share(i int) float64 {
	if p.Chars == 0 {
		return 0
	}
	return p.MeanMarked[i] / float64(p.Chars)
}

// ReviewerTally is what one article contributes to one reviewer's agreement row.
type ReviewerTally struct {
	ReviewerID int64 `json:"reviewer_id"`
	// Marked counts the credited characters the reviewer marked, per label.
	Marked PerLabel[int] `json:"marked"`
	// PeerMarked is the same count averaged over the article's other counted reviewers (0 when
	// the reviewer was alone).
	PeerMarked PerLabel[float64] `json:"peer_marked"`
	// Pairs tallies the two-coder units (this reviewer, one other reviewer) over every credited
	// character: the data of the reviewer's agreement with the others.
	Pairs AgreementTally `json:"pairs"`
}

// ScoredChars is the number of characters credited to some outlet.
func (r ArticleResult) ScoredChars() int {
	n := 0
	for _, p := range r.Outlets {
		n += p.Chars
	}
	return n
}

// ScoreArticle computes an article's summary. Only the annotations of reviewers who completed the
// article and are not in exclude count; annotations with an unknown label are ignored and spans
// are clamped to the text. A reviewer's annotations of one label are merged first, so overlapping
// annotations of one reviewer count once per character; different labels are independent and may
// overlap.
//
// The work is proportional to the number of regions and annotations, not to the text length:
// characters are handled in runs between consecutive region or annotation boundaries, inside
// which every reviewer's labels and the credited outlet are constant.
func ScoreArticle(a Article, exclude []int64) ArticleResult {
	res := ArticleResult{
		ArticleID:   a.ID,
		PublisherID: a.OutletID,
		Methodology: MethodologyVersion,
		Length:      max(a.Length, 0),
	}
	excl := sortedUnique(exclude)
	for _, r := range sortedUnique(a.Reviewers) {
		if _, found := slices.BinarySearch(excl, r); found {
			res.Excluded = append(res.Excluded, r)
		} else {
			res.Reviewers = append(res.Reviewers, r)
		}
	}
	revs := res.Reviewers
	k := len(revs)

	res.Curated = a.Curated
	res.RegionAgreement = regionAgreement(a, revs)
	for _, r := range sortedUnique(a.ReopenedAfterViewing) {
		if _, found := slices.BinarySearch(revs, r); found {
			res.ReopenedAfterViewing = append(res.ReopenedAfterViewing, r)
		}
	}
	credited := a
	credited.Regions = CreditedRegions(a, revs)
	segs := CreditText(credited)
	partOf := map[int64]int{}
	for _, s := range segs {
		switch {
		case s.OutletID == ownerComments:
			res.CommentChars += s.Len()
		case s.OutletID == ownerNone:
			res.UncreditedChars += s.Len()
		default:
			partOf[s.OutletID] = 0
		}
	}
	for id := range partOf {
		res.Outlets = append(res.Outlets, OutletPart{OutletID: id})
	}
	slices.SortFunc(res.Outlets, func(x, y OutletPart) int { return cmp.Compare(x.OutletID, y.OutletID) })
	for i, p := range res.Outlets {
		partOf[p.OutletID] = i
	}

	// Each reviewer's spans per label, merged into disjoint sorted intervals.
	spans := make([][NumLabels][]Span, k)
	for _, an := range a.Annotations {
		ri, found := slices.BinarySearch(revs, an.ReviewerID)
		li := an.Label.Index()
		if !found || li < 0 {
			continue
		}
		s, e := clamp(an.Start, 0, res.Length), clamp(an.End, 0, res.Length)
		if s < e {
			spans[ri][li] = append(spans[ri][li], Span{Start: s, End: e})
		}
	}
	bounds := make([]int, 0, 2*len(segs)+2*len(a.Annotations)+1)
	for _, s := range segs {
		bounds = append(bounds, s.Start, s.End)
	}
	for ri := range spans {
		for li := range spans[ri] {
			spans[ri][li] = mergeSpans(spans[ri][li])
			for _, s := range spans[ri][li] {
				bounds = append(bounds, s.Start, s.End)
			}
		}
	}
	slices.Sort(bounds)
	bounds = slices.Compact(bounds)

	marked := make([][]PerLabel[int], k) // [reviewer][part]
	for ri := range marked {
		marked[ri] = make([]PerLabel[int], len(res.Outlets))
	}
	res.ReviewerTallies = make([]ReviewerTally, k)
	for ri, id := range revs {
		res.ReviewerTallies[ri].ReviewerID = id
	}
	next := make([][NumLabels]int, k) // per reviewer and label: first interval not yet passed
	masks := make([]uint8, k)
	seg := 0
	for bi := 0; bi+1 < len(bounds); bi++ {
		x, y := bounds[bi], bounds[bi+1]
		for segs[seg].End <= x {
			seg++
		}
		owner := segs[seg].OutletID
		if owner <= 0 {
			continue
		}
		p := partOf[owner]
		w := y - x
		res.Outlets[p].Chars += w
		if k == 0 {
			continue
		}
		for ri := range revs {
			var m uint8
			for li := range NumLabels {
				iv := spans[ri][li]
				j := next[ri][li]
				for j < len(iv) && iv[j].End <= x {
					j++
				}
				next[ri][li] = j
				if j < len(iv) && iv[j].Start <= x {
					m |= 1 << li
					marked[ri][p][li] += w
					res.ReviewerTallies[ri].Marked[li] += w
				}
			}
			masks[ri] = m
		}
		if k >= 2 {
			res.Outlets[p].Agreement.addUnit(float64(w), masks)
			for ri := range revs {
				res.ReviewerTallies[ri].Pairs.addPairs(float64(w), masks, ri)
			}
		}
	}

	if k > 0 {
		for p := range res.Outlets {
			for li := range NumLabels {
				sum := 0
				for ri := range revs {
					sum += marked[ri][p][li]
				}
				res.Outlets[p].MeanMarked[li] = float64(sum) / float64(k)
			}
		}
	}
	if k >= 2 {
		var total PerLabel[int]
		for _, t := range res.ReviewerTallies {
			for li := range NumLabels {
				total[li] += t.Marked[li]
			}
		}
		for ri := range res.ReviewerTallies {
			t := &res.ReviewerTallies[ri]
			for li := range NumLabels {
				t.PeerMarked[li] = float64(total[li]-t.Marked[li]) / float64(k-1)
			}
		}
	}
	return res
}

// mergeSpans sorts spans and merges overlapping or touching ones, in place.
func mergeSpans(s []Span) []Span {
	if len(s) < 2 {
		return s
	}
	slices.SortFunc(s, func(a, b Span) int { return a.Start - b.Start })
	out := s[:1]
	for _, x := range s[1:] {
		last := &out[len(out)-1]
		if x.Start <= last.End {
			last.End = max(last.End, x.End)
			continue
		}
		out = append(out, x)
	}
	return out
}
