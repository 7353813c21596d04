package score

import (
	"iter"
	"slices"
)

// ReviewerRow compares one reviewer with the others, to spot a reviewer whose tagging is out of
// line (say, one who tags everything as loaded language): a low agreement alpha, or a share far
// from the peer share on the same articles.
type ReviewerRow struct {
	ReviewerID int64  `json:"reviewer_id"`
	Reviewer   string `json:"reviewer"` // filled by the caller
	// Articles the reviewer completed (and that count), and the credited characters in them.
	Articles    int `json:"articles"`
	ScoredChars int `json:"scored_chars"`
	// Share is, per label, the share of ScoredChars the reviewer marked.
	Share PerLabel[float64] `json:"share"`
	// SharedArticles were also completed by at least one other counted reviewer; SharedChars are
	// their credited characters. SharedShare is the reviewer's share over SharedChars and
	// PeerShare the other reviewers' (averaged per article over the others, then character-
	// weighted over the articles), so the two compare like with like.
	SharedArticles int               `json:"shared_articles"`
	SharedChars    int               `json:"shared_chars"`
	SharedShare    PerLabel[float64] `json:"shared_share"`
	PeerShare      PerLabel[float64] `json:"peer_share"`
	// Alpha is Krippendorff's alpha over the pair units (this reviewer, one other reviewer) of
	// every shared credited character, overall and per label; null when undefined (no shared
	// article, or no variation).
	Alpha      NullFloat           `json:"agreement_alpha"`
	LabelAlpha PerLabel[NullFloat] `json:"label_alpha"`
}

// ReviewerAgreement scores the articles (ScoreArticle with opt.ExcludeReviewers) and returns one
// row per counted reviewer, sorted by reviewer id. To see an excluded reviewer's row, call it
// without the exclusion.
func ReviewerAgreement(articles []Article, opt Options) []ReviewerRow {
	return ReviewerRollUp(ScoreArticles(articles, opt.Normalized().ExcludeReviewers))
}

// ReviewerRollUp aggregates per-article results into one row per counted reviewer.
func ReviewerRollUp(results []ArticleResult) []ReviewerRow {
	return ReviewerRollUpSeq(slices.Values(byArticleID(results)))
}

// ReviewerRollUpSeq is ReviewerRollUp over results given one at a time, in ascending article
// id order, each id once, so that a caller holding packed results need not unpack them all at
// once: a result is read only while it is yielded. Results with no counted reviewer are
// skipped, as ReviewerRollUp skips them.
func ReviewerRollUpSeq(results iter.Seq[*ArticleResult]) []ReviewerRow {
	type acc struct {
		row                ReviewerRow
		marked, sharedMark PerLabel[int]
		peerMarked         PerLabel[float64]
		pairs              AgreementTally
	}
	accs := map[int64]*acc{}
	for r := range results {
		if len(r.Reviewers) == 0 {
			continue
		}
		chars := r.ScoredChars()
		shared := len(r.Reviewers) >= 2
		for _, t := range r.ReviewerTallies {
			a := accs[t.ReviewerID]
			if a == nil {
				a = &acc{row: ReviewerRow{ReviewerID: t.ReviewerID}}
				accs[t.ReviewerID] = a
			}
			a.row.Articles++
			a.row.ScoredChars += chars
			for l := range NumLabels {
				a.marked[l] += t.Marked[l]
			}
			if !shared {
				continue
			}
			a.row.SharedArticles++
			a.row.SharedChars += chars
			for l := range NumLabels {
				a.sharedMark[l] += t.Marked[l]
				a.peerMarked[l] += t.PeerMarked[l]
			}
			a.pairs.Add(t.Pairs)
		}
	}
	ids := make([]int64, 0, len(accs))
	for id := range accs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	rows := make([]ReviewerRow, len(ids))
	for i, id := range ids {
		a := accs[id]
		row := a.row
		for l := range NumLabels {
			row.Share[l] = ratio(float64(a.marked[l]), row.ScoredChars)
			row.SharedShare[l] = ratio(float64(a.sharedMark[l]), row.SharedChars)
			row.PeerShare[l] = ratio(a.peerMarked[l], row.SharedChars)
		}
		row.Alpha, row.LabelAlpha = a.pairs.Alphas()
		rows[i] = row
	}
	return rows
}

func ratio(num float64, den int) float64 {
	if den == 0 {
		return 0
	}
	return num / float64(den)
}
