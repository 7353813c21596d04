package models

// The consensus layer beside the reviewers' layer (DESIGN.md rule 8): which regions credit an
// article, which reviews and annotations a score variant reads.

// adjudicatedArticle is a SQL condition (a format: the article id column goes in %s) that
// holds for an article whose consensus a curator has completed.
const adjudicatedArticle = "EXISTS (SELECT 1 FROM adjudications j WHERE j.article_id = %s AND j.completed_at IS NOT NULL)"

// Suggestion arms of a review (ScoreVariant.Suggestions).
const (
	ArmAll    = ""       // every review
	ArmShown  = "shown"  // reviews whose reviewer was shown machine suggestions
	ArmHidden = "hidden" // reviews whose assignment hid them
)

// ScoreVariant is what a family of scores is computed from: a layer (LayerReview, the
// default, or LayerConsensus) and, in the reviewers' layer, a suggestion arm.
type ScoreVariant struct {
	Layer       string // "" means LayerReview
	Suggestions string // ArmAll, ArmShown or ArmHidden
}

// Consensus tells whether the variant scores the consensus layer.
func (v ScoreVariant) Consensus() bool { return v.Layer == LayerConsensus }

// String is the variant's cache key: "" for the default (every finished review), else
// "layer=consensus" or "suggestions=shown|hidden".
func (v ScoreVariant) String() string {
	switch {
	case v.Consensus():
		return "layer=" + LayerConsensus
	case v.Suggestions != ArmAll:
		return "suggestions=" + v.Suggestions
	}
	return ""
}

// reviewArm is the SQL condition on a reviews row (aliased r) of the variant's arm.
func (v ScoreVariant) reviewArm() string {
	switch v.Suggestions {
	case ArmShown:
		return " AND NOT r.suggestions_hidden"
	case ArmHidden:
		return " AND r.suggestions_hidden"
	}
	return ""
}
