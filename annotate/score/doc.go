// Package score turns reviewers' annotations into the figures researchers download: per-outlet
// label shares with bootstrap confidence intervals, Krippendorff's alpha agreement, the
// credibility composite, per-article scores and per-reviewer comparisons.
//
// It is pure domain code over plain types: no HTTP, no SQL, and of the project only the domain
// root (annotate), for its one label type and the rule of which regions credit text. The
// caller loads articles (text length, accepted regions, the reviewers who completed the article,
// their human annotations), calls these functions and serves the rows. MethodologyHTML states
// every formula for researchers; this comment states them for programmers, and the two must
// agree (MethodologyVersion names the rules in force).
//
// # Rules
//
// Crediting (CreditText): a character in an accepted comments region is credited to no one and
// excluded from every figure; otherwise a character in one or more accepted quote regions is
// credited to the origin outlet of the innermost quote (latest start, then earliest end, then
// smallest origin id), or to no one when that quote's origin is unknown (OriginOutletID 0);
// every other character is credited to the publisher.
//
// Shares: for an article a, a credited outlet o and a label l, each counted reviewer's share is
// the part of a's characters credited to o covered by the union of the reviewer's spans with
// label l; the article share s(a,o,l) is the mean over the article's counted reviewers (those who
// completed it and are not excluded). The outlet share is character-weighted over the outlet's
// scored articles (at least one counted reviewer, at least one credited character):
//
//	S(o,l) = Σ_a C(a,o)·s(a,o,l) / Σ_a C(a,o)
//
// Intervals: a percentile bootstrap over the outlet's scored articles (Options.Resamples ≥ 1000
// resamples of n articles with replacement; Hyndman–Fan type 7 quantiles), drawn from a
// SplitMix64 stream seeded per outlet from (Options.Seed, outlet id), over articles sorted by
// id: the same input gives the same bits whatever its order, the number of CPUs, or the other
// outlets. An outlet with fewer than MinIntervalArticles scored articles has no intervals (null,
// CIReason CIReasonTooFewArticles). LowSample marks outlets with fewer than Options.MinArticles
// scored articles.
//
// Agreement: Krippendorff's nominal alpha over character units, per label (value: label given
// or not) and overall (value: the set of labels given, one of 16 categories), pooled per article,
// per outlet (CorpusAgreement for the corpus). Alpha is undefined (NullFloat.Valid false, JSON
// null, empty CSV field) without pairable values or without variation. Runs of characters whose
// owner and reviewers' values do not change are one weighted unit, so the cost grows with the
// number of annotations and regions, not with the text length.
//
// Credibility: 0.5 + 0.5·sourced_fact − 0.125·speculation − 0.125·opinion − 0.25·loaded_language
// (see Credibility), in [0,1] by construction; its interval comes from the same resamples.
//
// # API
//
// One-shot, from raw articles:
//
//	OutletScores(articles, opt) []OutletRow      // per outlet, sorted by outlet id
//	ArticleScores(articles, opt) []ArticleRow    // per article × credited outlet
//	ReviewerAgreement(articles, opt) []ReviewerRow
//	Alpha(units...) (float64, bool)              // Krippendorff's nominal alpha of any data
//
// Incremental, for a service that keeps scores fresh: ScoreArticle computes an ArticleResult
// from one article; it depends only on that article, the excluded reviewers and
// MethodologyVersion, so the caller caches it under that key (it is plain JSON). RollUp turns
// cached results into outlet rows (aggregation and bootstrap only), RollUpOutlet recomputes the
// row of one outlet (after a change to an article, only the outlets credited in it change), and
// ArticleRows, ReviewerRollUp and CorpusAgreement derive the other tables from the same results.
// OutletScores is exactly ScoreArticles followed by RollUp.
//
// Rows carry an Outlet (or Reviewer) name field for the caller to fill; OutletColumns,
// OutletRow.Record and WriteOutletsCSV (and their Article counterparts) give the CSV form, whose
// column names are the JSON names.
//
// What callers must not pass: proposed or rejected regions, machine suggestions that no reviewer
// accepted, or completions of reviewers who should not count (use Options.ExcludeReviewers, so
// that the exclusion is visible in the published options).
package score
