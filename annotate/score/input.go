package score

import (
	"errors"
	"fmt"
	"slices"
)

// RegionKind says what a region of an article is.
type RegionKind string

const (
	// RegionQuote is a passage reprinted from another outlet (Region.OriginOutletID).
	RegionQuote RegionKind = "quote"
	// RegionComments is readers' comments: credited to no outlet, excluded from every score.
	RegionComments RegionKind = "comments"
)

// Span is a half-open range of code point offsets [Start, End) into an article's text.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Len returns the number of code points in the span (0 for an empty or inverted span).
func (s Span) Len() int { return max(s.End-s.Start, 0) }

// Region is a region of an article: in Article.Regions one that credits the text (a curator's,
// or one the caller decided), in a RegionVote one that reviewers stand behind.
type Region struct {
	Kind  RegionKind `json:"kind"`
	Start int        `json:"start"`
	End   int        `json:"end"`
	// OriginOutletID is the outlet a quote was reprinted from; 0 when unknown. A quote of unknown
	// origin is credited to no outlet (see the package documentation).
	OriginOutletID int64 `json:"origin_outlet_id,omitempty"`
}

// Annotation is one reviewer's label on one span. Callers pass only human annotations (machine
// suggestions count only once a reviewer has accepted them, at which point they are annotations).
type Annotation struct {
	ReviewerID int64 `json:"reviewer_id"`
	Label      Label `json:"label"`
	Start      int   `json:"start"`
	End        int   `json:"end"`
}

// Article is everything the scores need to know about one article.
type Article struct {
	ID       int64 `json:"id"`
	OutletID int64 `json:"outlet_id"` // the publisher
	// Length is the length of the stored text in code points.
	Length  int      `json:"length"`
	Regions []Region `json:"regions,omitempty"`
	// Reviewers completed the article (POST …/complete). Annotations by anyone else are ignored:
	// an unfinished review is not a measurement.
	Reviewers   []int64      `json:"reviewers,omitempty"`
	Annotations []Annotation `json:"annotations,omitempty"`
	// RegionVotes are the reviewers' own regions, each with who stands behind it; the crediting
	// follows their majority (CreditedRegions). Empty: Regions are used as given.
	RegionVotes []RegionVote `json:"region_votes,omitempty"`
	// Curated: a curator decided the article's regions, which are Regions; they decide the
	// crediting whatever the reviewers' votes.
	Curated bool `json:"curated,omitempty"`
	// ReopenedAfterViewing are reviewers whose review an admin reopened after they had seen the
	// others' work. Their reviews count like any other finished review; results list them.
	ReopenedAfterViewing []int64 `json:"reopened_after_viewing,omitempty"`
}

// Validate reports problems that the scoring functions tolerate silently (by clamping offsets to
// the text and ignoring what they cannot use), so that callers can log or reject such data.
func (a Article) Validate() error {
	var errs []error
	if a.OutletID <= 0 {
		errs = append(errs, fmt.Errorf("article %d: publisher outlet id %d is not positive", a.ID, a.OutletID))
	}
	if a.Length < 0 {
		errs = append(errs, fmt.Errorf("article %d: negative length %d", a.ID, a.Length))
	}
	for i, r := range a.Regions {
		if r.Kind != RegionQuote && r.Kind != RegionComments {
			errs = append(errs, fmt.Errorf("article %d: region %d: unknown kind %q", a.ID, i, r.Kind))
		}
		if r.Start < 0 || r.End > a.Length || r.Start >= r.End {
			errs = append(errs, fmt.Errorf("article %d: region %d: span [%d,%d) is empty or outside the text (%d)", a.ID, i, r.Start, r.End, a.Length))
		}
	}
	for i, an := range a.Annotations {
		if !an.Label.Valid() {
			errs = append(errs, fmt.Errorf("article %d: annotation %d: unknown label %q", a.ID, i, an.Label))
		}
		if an.Start < 0 || an.End > a.Length || an.Start >= an.End {
			errs = append(errs, fmt.Errorf("article %d: annotation %d: span [%d,%d) is empty or outside the text (%d)", a.ID, i, an.Start, an.End, a.Length))
		}
	}
	return errors.Join(errs...)
}

// Defaults used when an Options field is left at its zero value.
const (
	DefaultSeed        int64   = 20261121
	DefaultResamples   int     = 1000
	MinResamples       int     = 1000
	DefaultMinArticles int     = 5
	DefaultConfidence  float64 = 0.95
)

// MinIntervalArticles is the fewest scored articles an outlet needs for its bootstrap
// intervals: below it the intervals are null with CIReasonTooFewArticles. Resampling one
// article gives it back every time (a zero-width interval), and two to four give the handful of
// distinct resamples that make an interval look far more certain than the sample is.
const MinIntervalArticles = 5

// CIReasonTooFewArticles is OutletRow.CIReason for an outlet below MinIntervalArticles.
const CIReasonTooFewArticles = "too_few_articles"

// Options tune the scores. The zero value means "all defaults".
type Options struct {
	// Seed of the bootstrap; 0 means DefaultSeed. Each outlet's resamples are drawn from a stream
	// derived from (Seed, outlet id), so an outlet's interval depends only on its own articles.
	Seed int64 `json:"seed"`
	// Resamples is the number of bootstrap resamples; 0 means DefaultResamples and anything below
	// MinResamples is raised to MinResamples.
	Resamples int `json:"resamples"`
	// MinArticles: an outlet with fewer scored articles is flagged low_sample. 0 means the default.
	MinArticles int `json:"min_articles"`
	// Confidence level of the interval, in (0,1); anything else means DefaultConfidence.
	Confidence float64 `json:"confidence"`
	// ExcludeReviewers are treated as if they had never reviewed anything: their annotations and
	// completions are dropped before any figure is computed. Used by the functions that take raw
	// articles (OutletScores, ArticleScores, ReviewerAgreement); ScoreArticle takes the list
	// explicitly because it is part of a cached result's key.
	ExcludeReviewers []int64 `json:"exclude_reviewers,omitempty"`
}

// Normalized returns the options with every default filled in and ExcludeReviewers sorted and
// deduplicated: the exact settings a published score was computed with.
func (o Options) Normalized() Options {
	if o.Seed == 0 {
		o.Seed = DefaultSeed
	}
	if o.Resamples == 0 {
		o.Resamples = DefaultResamples
	}
	if o.Resamples < MinResamples {
		o.Resamples = MinResamples
	}
	if o.MinArticles <= 0 {
		o.MinArticles = DefaultMinArticles
	}
	if !(o.Confidence > 0 && o.Confidence < 1) {
		o.Confidence = DefaultConfidence
	}
	o.ExcludeReviewers = sortedUnique(o.ExcludeReviewers)
	return o
}

// sortedUnique returns a sorted copy of ids without duplicates (nil for none).
func sortedUnique(ids []int64) []int64 {
	if len(ids) == 0 {
		return nil
	}
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}
