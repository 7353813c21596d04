package reprint

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// region is an attributed stretch of one article after merging.
type region struct {
	span
	outlet int64
	reason string
}

// creditedRegions merges an article's attributions per outlet (overlapping
// or touching spans of one outlet become one region) and drops any credit to
// the publisher itself.
func creditedRegions(atts []Attribution, self int64) []region {
	sorted := slices.Clone(atts)
	slices.SortFunc(sorted, func(x, y Attribution) int {
		return cmp.Or(cmp.Compare(x.OutletID, y.OutletID), cmp.Compare(x.Start, y.Start))
	})
	var out []region
	for _, a := range sorted {
		if a.OutletID == self || a.OutletID == 0 || a.End <= a.Start {
			continue
		}
		if n := len(out); n > 0 && out[n-1].outlet == a.OutletID && a.Start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, a.End)
			continue
		}
		out = append(out, region{span: span{a.Start, a.End}, outlet: a.OutletID, reason: a.Reason})
	}
	return out
}

// coveringOutlet returns the outlet of the region covering most of s, if it
// covers at least half of it.
func coveringOutlet(rs []region, s span) int64 {
	best, bestLen := int64(0), 0
	for _, r := range rs {
		if l := min(r.end, s.end) - max(r.start, s.start); l > bestLen {
			best, bestLen = r.outlet, l
		}
	}
	if 2*bestLen < s.end-s.start {
		return 0
	}
	return best
}

// later reports whether a was published after b (ties broken by ID), i.e.
// whether a can have copied b.
func later(a, b Article) bool {
	if !a.PublishedAt.Equal(b.PublishedAt) {
		return a.PublishedAt.After(b.PublishedAt)
	}
	return a.ID > b.ID
}

// Propose combines an article's attribution cues and its near-duplicate
// matches into the regions proposed to reviewers. attributions are
// FindAttributions(a.Text, outlets, a.OutletID); matches are
// Index.Matches(a); others holds the articles named by the matches (an
// article missing from others is skipped).
//
// Proposals:
//   - the comments section, if any (KindComments, no outlet);
//   - every attributed region, merged per outlet (RelationAttributed); a block found shared
//     with an article of the outlet it credits ends with the last paragraph shared with
//     one (endBlocksAtSharedCopy);
//   - for every shared passage, the outlet that wrote it, decided from the
//     attributions on both sides (the other article's are computed here):
//     1. both articles credit the passage (both copies sit in attributed
//     regions): the two are siblings copying a common source and neither
//     is credited to the other; each side credits the outlet its own cue
//     names (RelationSibling, one through OK!, one through the Daily Mail);
//     2. only this article credits it, to X: when the other article is X's
//     own, this is a reprint of it (RelationReprint); otherwise the
//     attributed region already credits X and the match adds a sibling link;
//     3. only the other article credits it, to X, X is not this article's
//     publisher, and this article is the later one: this article carries
//     X's text without saying so (RelationSibling, credited to X); when this
//     article is the earlier one, nothing is proposed (it may be X's source);
//     4. neither credits it: the later article (PublishedAt, then ID)
//     reprints the earlier one's outlet (RelationReprint); the earlier
//     article gets no proposal for it.
//
// The publisher itself is never proposed as an origin. Proposals are sorted
// by Start, End, Relation and other article.
func Propose(a Article, outlets []Outlet, attributions []Attribution, matches []Match, others map[int64]Article) []Proposal {
	an := Analysis{Attributions: attributions}
	an.CommentsStart, an.CommentsEnd, an.HasComments = FindComments(a.Text)
	return ProposeAnalysed(a, outlets, an, matches, others, nil)
}

// ProposeAnalysed is Propose given the article's Analyse, which finds its comments section
// with its attributions instead of once more. othersAttributions, if not nil, gives the
// attributions (FindAttributions) of another article, for callers that have them already;
// nil computes them here. The result is Propose's.
func ProposeAnalysed(a Article, outlets []Outlet, an Analysis, matches []Match, others map[int64]Article, othersAttributions func(Article) []Attribution) []Proposal {
	if othersAttributions == nil {
		othersAttributions = func(o Article) []Attribution { return FindAttributions(o.Text, outlets, o.OutletID) }
	}
	names := make(map[int64]string, len(outlets))
	for _, o := range outlets {
		names[o.ID] = o.Name
	}
	name := func(id int64) string {
		if n, ok := names[id]; ok {
			return n
		}
		return fmt.Sprintf("outlet %d", id)
	}
	attributions := endBlocksAtSharedCopy(a, an.Attributions, matches, others, name)
	var out []Proposal
	if an.HasComments {
		out = append(out, Proposal{Kind: KindComments, Start: an.CommentsStart, End: an.CommentsEnd,
			Reason: "readers' comments section: numbered replies or a comments heading, credited to no outlet"})
	}
	own := creditedRegions(attributions, a.OutletID)
	for _, r := range own {
		out = append(out, Proposal{Kind: KindQuote, Start: r.start, End: r.end, OriginOutletID: r.outlet,
			Relation: RelationAttributed, Reason: r.reason})
	}

	otherRegions := make(map[int64][]region)
	for _, m := range matches {
		o, ok := others[m.OtherArticleID]
		if !ok || m.OtherArticleID == a.ID {
			continue
		}
		if _, done := otherRegions[o.ID]; !done {
			otherRegions[o.ID] = creditedRegions(othersAttributions(o), o.OutletID)
		}
		here := coveringOutlet(own, span{m.Start, m.End})
		there := coveringOutlet(otherRegions[o.ID], span{m.OtherStart, m.OtherEnd})
		shared := fmt.Sprintf("%d words (%.0f%% identical) shared with article %d", m.Words, 100*m.Similarity, o.ID)
		p := Proposal{Kind: KindQuote, Start: m.Start, End: m.End, OtherArticleID: o.ID}
		switch {
		case here != 0 && there != 0:
			p.OriginOutletID, p.Relation = here, RelationSibling
			p.Reason = fmt.Sprintf("%s, which credits it to %s while this article credits it to %s: both copy a common source, neither copies the other",
				shared, name(there), name(here))
			if here == there {
				p.Reason = fmt.Sprintf("%s; both articles credit it to %s: siblings copying a common source", shared, name(here))
			}
		case here != 0 && o.OutletID == here:
			p.OriginOutletID, p.Relation = here, RelationReprint
			p.Reason = fmt.Sprintf("%s, published by %s itself, which this article credits", shared, name(here))
		case here != 0:
			p.OriginOutletID, p.Relation = here, RelationSibling
			p.Reason = fmt.Sprintf("%s, which carries it without credit; this article credits it to %s", shared, name(here))
		case there != 0 && there != a.OutletID && later(a, o):
			p.OriginOutletID, p.Relation = there, RelationSibling
			p.Reason = fmt.Sprintf("%s, which credits it to %s; this article carries it without credit", shared, name(there))
		case there != 0:
			// The other article credits this article's publisher (this is the original), or it
			// is the later of the two: an earlier copy without credit is as likely the source
			// as a copy, so nothing is proposed on the later article's word alone.
			continue
		case later(a, o) && o.OutletID != a.OutletID:
			p.OriginOutletID, p.Relation = o.OutletID, RelationReprint
			p.Reason = fmt.Sprintf("%s, published earlier by %s", shared, name(o.OutletID))
		default:
			continue // this article is the earlier one, or both are the publisher's own
		}
		if p.OriginOutletID == a.OutletID || p.OriginOutletID == 0 {
			continue
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(x, y Proposal) int {
		return cmp.Or(cmp.Compare(x.Start, y.Start), cmp.Compare(x.End, y.End), cmp.Compare(x.Kind, y.Kind),
			cmp.Compare(x.Relation, y.Relation), cmp.Compare(x.OtherArticleID, y.OtherArticleID))
	})
	return slices.CompactFunc(out, func(x, y Proposal) bool { return x == y })
}

// endBlocksAtSharedCopy ends each block attribution (a cue introducing whole paragraphs,
// Attribution.Block) crediting an outlet X with the last of its paragraphs that holds a
// passage shared with an article X published, when there is one: the paragraphs after it are
// not in X's article, so they are the author's own (a blog's closing view after the copy,
// "We will follow the board meeting and report back. In our view, …", which no commentary
// opener or first-person singular marks). A block none of whose text is found in X's articles
// at hand is left as FindAttributions drew it, and so are inline cues, which credit their
// own sentence. The result is attributions, with the blocks so ended copied.
func endBlocksAtSharedCopy(a Article, attributions []Attribution, matches []Match, others map[int64]Article, name func(int64) string) []Attribution {
	var paras []paragraph
	out, copied := attributions, false
	for i, at := range attributions {
		if !at.Block || at.OutletID == a.OutletID {
			continue
		}
		last, from := -1, int64(0) // the end of the last passage inside the block shared with X's articles, and its article
		for _, m := range matches {
			o, ok := others[m.OtherArticleID]
			if ok && o.OutletID == at.OutletID && m.Start < at.End && m.End > at.Start && min(m.End, at.End) > last {
				last, from = min(m.End, at.End), o.ID
			}
		}
		if last < 0 {
			continue
		}
		if paras == nil {
			paras = paragraphs([]rune(a.Text))
		}
		end := at.End
		for _, p := range paras {
			if p.start < last {
				end = max(p.end, last) // the paragraph holding the passage's last word
			}
		}
		if end >= at.End {
			continue
		}
		if !copied {
			out, copied = slices.Clone(attributions), true
		}
		out[i].End = end
		reason := at.Reason
		if k := strings.LastIndex(reason, "; the passage "); k >= 0 {
			reason = reason[:k] // what stopped the block is now the copy's end
		}
		out[i].Reason = fmt.Sprintf("%s; the passage ends with the last paragraph shared with article %d, %s's own, which does not carry the paragraphs after it", reason, from, name(at.OutletID))
	}
	return out
}
