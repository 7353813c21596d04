package score

import (
	"fmt"
	"io"
	"strconv"

	"github.com/credence-project/credence/annotate/csvout"
)

// ArticleRow holds one article's figures for one outlet credited in it (the publisher, or the
// origin of a quote). There are no intervals: the bootstrap resamples articles, and a single
// article is not a sample.
type ArticleRow struct {
	ArticleID   int64  `json:"article_id"`
	OutletID    int64  `json:"outlet_id"`
	Outlet      string `json:"outlet"` // filled by the caller
	PublisherID int64  `json:"publisher_id"`
	// ScoredChars is the number of the article's characters credited to the outlet.
	ScoredChars int `json:"scored_chars"`
	// Reviewers is the number of counted reviewers who completed the article.
	Reviewers int `json:"reviewers"`

	SourcedFactShare    float64   `json:"sourced_fact_share"`
	SpeculationShare    float64   `json:"speculation_share"`
	OpinionShare        float64   `json:"opinion_share"`
	LoadedLanguageShare float64   `json:"loaded_language_share"`
	AgreementAlpha      NullFloat `json:"agreement_alpha"`
	Credibility         float64   `json:"credibility"`
	SourcedFactAlpha    NullFloat `json:"sourced_fact_alpha"`
	SpeculationAlpha    NullFloat `json:"speculation_alpha"`
	OpinionAlpha        NullFloat `json:"opinion_alpha"`
	LoadedLanguageAlpha NullFloat `json:"loaded_language_alpha"`
	// ReopenedAfterViewing is how many of the counted reviewers had their review reopened by an
	// admin after they had seen the others' work (see the methodology).
	ReopenedAfterViewing int `json:"reopened_after_viewing"`
}

// ArticleScores scores every article (ScoreArticle with opt.ExcludeReviewers) and returns its
// rows: the convenience form of ScoreArticles + ArticleRows.
func ArticleScores(articles []Article, opt Options) []ArticleRow {
	return ArticleRows(ScoreArticles(articles, opt.Normalized().ExcludeReviewers))
}

// ArticleRows returns one row per article and credited outlet, ordered by article id and then
// outlet id. Articles without a counted completed review have no rows.
func ArticleRows(results []ArticleResult) []ArticleRow {
	var rows []ArticleRow
	for _, r := range byArticleID(results) {
		for _, p := range r.Outlets {
			if p.Chars == 0 {
				continue
			}
			var shares PerLabel[float64]
			for l := range NumLabels {
				shares[l] = p.Share(l)
			}
			overall, alphas := p.Agreement.Alphas()
			rows = append(rows, ArticleRow{
				ArticleID:           r.ArticleID,
				OutletID:            p.OutletID,
				PublisherID:         r.PublisherID,
				ScoredChars:         p.Chars,
				Reviewers:           len(r.Reviewers),
				SourcedFactShare:    shares[0],
				SpeculationShare:    shares[1],
				OpinionShare:        shares[2],
				LoadedLanguageShare: shares[3],
				AgreementAlpha:      overall,
				Credibility:         Credibility(shares),
				SourcedFactAlpha:    alphas[0],
				SpeculationAlpha:    alphas[1],
				OpinionAlpha:        alphas[2],
				LoadedLanguageAlpha: alphas[3],

				ReopenedAfterViewing: len(r.ReopenedAfterViewing),
			})
		}
	}
	return rows
}

// column is one CSV column: its name (the JSON name of the same field) and how to format it.
type column[R any] struct {
	name  string
	value func(*R) string
}

func names[R any](cols []column[R]) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.name
	}
	return out
}

func record[R any](cols []column[R], r *R) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.value(r)
	}
	return out
}

func writeCSV[R any](w io.Writer, cols []column[R], rows []R) error {
	cw := csvout.NewWriter(w, false)
	if err := cw.Write(names(cols)); err != nil {
		return fmt.Errorf("write csv header: %w", err)
	}
	for i := range rows {
		if err := cw.Write(record(cols, &rows[i])); err != nil {
			return fmt.Errorf("write csv row %d: %w", i+1, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// CSVBool is a boolean as every CSV download writes it: TRUE or FALSE. R's read.csv reads
// only these spellings (and T, F) as logical, and pandas and Frictionless tools read them as
// booleans too; JSON keeps true and false.
func CSVBool(v bool) string {
	if v {
		return "TRUE"
	}
	return "FALSE"
}

func i64(v int64) string    { return strconv.FormatInt(v, 10) }
func itoa(v int) string     { return strconv.Itoa(v) }
func fl(v float64) string   { return formatFloat(v) }
func boolean(v bool) string { return CSVBool(v) }
func nf(v NullFloat) string { return v.String() }

// outletColumns is the CSV layout of OutletRow: the columns API.md lists, in its order, then the
// per-label alphas. Floats use the shortest form that reads back to the same float64 (as in
// the JSON); an undefined alpha is an empty field.
var outletColumns = []column[OutletRow]{
	{"outlet_id", func(r *OutletRow) string { return i64(r.OutletID) }},
	{"outlet", func(r *OutletRow) string { return r.Outlet }},
	{"articles", func(r *OutletRow) string { return itoa(r.Articles) }},
	{"reviewers", func(r *OutletRow) string { return itoa(r.Reviewers) }},
	{"scored_chars", func(r *OutletRow) string { return itoa(r.ScoredChars) }},
	{"sourced_fact_share", func(r *OutletRow) string { return fl(r.SourcedFactShare) }},
	{"sourced_fact_ci_low", func(r *OutletRow) string { return nf(r.SourcedFactCILow) }},
	{"sourced_fact_ci_high", func(r *OutletRow) string { return nf(r.SourcedFactCIHigh) }},
	{"speculation_share", func(r *OutletRow) string { return fl(r.SpeculationShare) }},
	{"speculation_ci_low", func(r *OutletRow) string { return nf(r.SpeculationCILow) }},
	{"speculation_ci_high", func(r *OutletRow) string { return nf(r.SpeculationCIHigh) }},
	{"opinion_share", func(r *OutletRow) string { return fl(r.OpinionShare) }},
	{"opinion_ci_low", func(r *OutletRow) string { return nf(r.OpinionCILow) }},
	{"opinion_ci_high", func(r *OutletRow) string { return nf(r.OpinionCIHigh) }},
	{"loaded_language_share", func(r *OutletRow) string { return fl(r.LoadedLanguageShare) }},
	{"loaded_language_ci_low", func(r *OutletRow) string { return nf(r.LoadedLanguageCILow) }},
	{"loaded_language_ci_high", func(r *OutletRow) string { return nf(r.LoadedLanguageCIHigh) }},
	{"agreement_alpha", func(r *OutletRow) string { return nf(r.AgreementAlpha) }},
	{"credibility", func(r *OutletRow) string { return fl(r.Credibility) }},
	{"credibility_ci_low", func(r *OutletRow) string { return nf(r.CredibilityCILow) }},
	{"credibility_ci_high", func(r *OutletRow) string { return nf(r.CredibilityCIHigh) }},
	{"low_sample", func(r *OutletRow) string { return boolean(r.LowSample) }},
	{"ci_reason", func(r *OutletRow) string { return r.CIReason }},
	{"sourced_fact_alpha", func(r *OutletRow) string { return nf(r.SourcedFactAlpha) }},
	{"speculation_alpha", func(r *OutletRow) string { return nf(r.SpeculationAlpha) }},
	{"opinion_alpha", func(r *OutletRow) string { return nf(r.OpinionAlpha) }},
	{"loaded_language_alpha", func(r *OutletRow) string { return nf(r.LoadedLanguageAlpha) }},
}

// OutletColumns returns the CSV header of outlet rows; each name is also the row's JSON name.
func OutletColumns() []string { return names(outletColumns) }

// Record returns the row's CSV fields, in the order of OutletColumns.
func (r OutletRow) Record() []string { return record(outletColumns, &r) }

// WriteOutletsCSV writes a header and one line per row (RFC 4180, via csvout: formula cells neutralised).
func WriteOutletsCSV(w io.Writer, rows []OutletRow) error { return writeCSV(w, outletColumns, rows) }

var articleColumns = []column[ArticleRow]{
	{"article_id", func(r *ArticleRow) string { return i64(r.ArticleID) }},
	{"outlet_id", func(r *ArticleRow) string { return i64(r.OutletID) }},
	{"outlet", func(r *ArticleRow) string { return r.Outlet }},
	{"publisher_id", func(r *ArticleRow) string { return i64(r.PublisherID) }},
	{"scored_chars", func(r *ArticleRow) string { return itoa(r.ScoredChars) }},
	{"reviewers", func(r *ArticleRow) string { return itoa(r.Reviewers) }},
	{"sourced_fact_share", func(r *ArticleRow) string { return fl(r.SourcedFactShare) }},
	{"speculation_share", func(r *ArticleRow) string { return fl(r.SpeculationShare) }},
	{"opinion_share", func(r *ArticleRow) string { return fl(r.OpinionShare) }},
	{"loaded_language_share", func(r *ArticleRow) string { return fl(r.LoadedLanguageShare) }},
	{"agreement_alpha", func(r *ArticleRow) string { return nf(r.AgreementAlpha) }},
	{"credibility", func(r *ArticleRow) string { return fl(r.Credibility) }},
	{"sourced_fact_alpha", func(r *ArticleRow) string { return nf(r.SourcedFactAlpha) }},
	{"speculation_alpha", func(r *ArticleRow) string { return nf(r.SpeculationAlpha) }},
	{"opinion_alpha", func(r *ArticleRow) string { return nf(r.OpinionAlpha) }},
	{"loaded_language_alpha", func(r *ArticleRow) string { return nf(r.LoadedLanguageAlpha) }},
	{"reopened_after_viewing", func(r *ArticleRow) string { return itoa(r.ReopenedAfterViewing) }},
}

// ArticleColumns returns the CSV header of article rows; each name is also the row's JSON name.
func ArticleColumns() []string { return names(articleColumns) }

// Record returns the row's CSV fields, in the order of ArticleColumns.
func (r ArticleRow) Record() []string { return record(articleColumns, &r) }

// WriteArticlesCSV writes a header and one line per row (RFC 4180, via csvout: formula cells neutralised).
func WriteArticlesCSV(w io.Writer, rows []ArticleRow) error {
	return writeCSV(w, articleColumns, rows)
}
