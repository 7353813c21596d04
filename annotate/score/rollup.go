package score

import (
	"cmp"
	"iter"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// OutletRow is one outlet's published scores. The JSON names are those of the public API
// ("Outlet scores" in API.md); OutletColumns gives the CSV column order.
type OutletRow struct {
	OutletID int64 `json:"outlet_id"`
	// Outlet is the outlet's name; this package knows only ids, the caller fills it in.
	Outlet string `json:"outlet"`
	// Articles is the number of scored articles: articles with at least one counted completed
	// review and at least one character credited to the outlet.
	Articles int `json:"articles"`
	// Reviewers is the number of distinct reviewers who completed those articles.
	Reviewers int `json:"reviewers"`
	// ScoredChars is the number of characters credited to the outlet in those articles.
	ScoredChars int `json:"scored_chars"`

	SourcedFactShare     float64   `json:"sourced_fact_share"`
	SourcedFactCILow     NullFloat `json:"sourced_fact_ci_low"`
	SourcedFactCIHigh    NullFloat `json:"sourced_fact_ci_high"`
	SpeculationShare     float64   `json:"speculation_share"`
	SpeculationCILow     NullFloat `json:"speculation_ci_low"`
	SpeculationCIHigh    NullFloat `json:"speculation_ci_high"`
	OpinionShare         float64   `json:"opinion_share"`
	OpinionCILow         NullFloat `json:"opinion_ci_low"`
	OpinionCIHigh        NullFloat `json:"opinion_ci_high"`
	LoadedLanguageShare  float64   `json:"loaded_language_share"`
	LoadedLanguageCILow  NullFloat `json:"loaded_language_ci_low"`
	LoadedLanguageCIHigh NullFloat `json:"loaded_language_ci_high"`

	// AgreementAlpha is the overall Krippendorff's alpha (null when undefined).
	AgreementAlpha    NullFloat `json:"agreement_alpha"`
	Credibility       float64   `json:"credibility"`
	CredibilityCILow  NullFloat `json:"credibility_ci_low"`
	CredibilityCIHigh NullFloat `json:"credibility_ci_high"`
	// LowSample is set when Articles < Options.MinArticles.
	LowSample bool `json:"low_sample"`
	// CIReason says why the intervals are null: CIReasonTooFewArticles when the outlet has fewer
	// than MinIntervalArticles scored articles (a bootstrap over so few articles has next to no
	// spread, and would pass for certainty); "" when they are given.
	CIReason string `json:"ci_reason"`

	// Per-label alphas (null when undefined).
	SourcedFactAlpha    NullFloat `json:"sourced_fact_alpha"`
	SpeculationAlpha    NullFloat `json:"speculation_alpha"`
	OpinionAlpha        NullFloat `json:"opinion_alpha"`
	LoadedLanguageAlpha NullFloat `json:"loaded_language_alpha"`
}

// LabelScore is one label's figures in a row.
type LabelScore struct {
	Share  float64   `json:"share"`
	CILow  NullFloat `json:"ci_low"` // null when the row's CIReason says why
	CIHigh NullFloat `json:"ci_high"`
	Alpha  NullFloat `json:"alpha"`
}

// Label returns the figures of label l (which must be one of AllLabels).
func (r OutletRow) Label(l Label) LabelScore {
	return PerLabel[LabelScore]{
		{r.SourcedFactShare, r.SourcedFactCILow, r.SourcedFactCIHigh, r.SourcedFactAlpha},
		{r.SpeculationShare, r.SpeculationCILow, r.SpeculationCIHigh, r.SpeculationAlpha},
		{r.OpinionShare, r.OpinionCILow, r.OpinionCIHigh, r.OpinionAlpha},
		{r.LoadedLanguageShare, r.LoadedLanguageCILow, r.LoadedLanguageCIHigh, r.LoadedLanguageAlpha},
	}.Get(l)
}

func (r *OutletRow) setLabel(i int, s LabelScore) {
	switch AllLabels[i] {
	case SourcedFact:
		r.SourcedFactShare, r.SourcedFactCILow, r.SourcedFactCIHigh, r.SourcedFactAlpha = s.Share, s.CILow, s.CIHigh, s.Alpha
	case Speculation:
		r.SpeculationShare, r.SpeculationCILow, r.SpeculationCIHigh, r.SpeculationAlpha = s.Share, s.CILow, s.CIHigh, s.Alpha
	case Opinion:
		r.OpinionShare, r.OpinionCILow, r.OpinionCIHigh, r.OpinionAlpha = s.Share, s.CILow, s.CIHigh, s.Alpha
	case LoadedLanguage:
		r.LoadedLanguageShare, r.LoadedLanguageCILow, r.LoadedLanguageCIHigh, r.LoadedLanguageAlpha = s.Share, s.CILow, s.CIHigh, s.Alpha
	}
}

// OutletScores scores every article (ScoreArticle with opt.ExcludeReviewers) and rolls them up:
// the convenience form of ScoreArticle + RollUp for callers without a cache.
func OutletScores(articles []Article, opt Options) []OutletRow {
	return RollUp(ScoreArticles(articles, opt.ExcludeReviewers), opt)
}

// ScoreArticles applies ScoreArticle to each article, sorted by id; of articles sharing an id,
// only the first is kept.
func ScoreArticles(articles []Article, exclude []int64) []ArticleResult {
	idx := make([]int, len(articles))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(articles[a].ID, articles[b].ID) })
	out := make([]ArticleResult, 0, len(articles))
	for n, i := range idx {
		if n > 0 && articles[idx[n-1]].ID == articles[i].ID {
			continue
		}
		out = append(out, ScoreArticle(articles[i], exclude))
	}
	return out
}

// outletData gathers what an outlet's row is computed from.
type outletData struct {
	units     []bootUnit // in ascending article id
	reviewers []int64
	scored    int
	agreement AgreementTally
}

func (d *outletData) add(r *ArticleResult, p *OutletPart) {
	d.units = append(d.units, bootUnit{chars: float64(p.Chars), marked: p.MeanMarked})
	d.reviewers = append(d.reviewers, r.Reviewers...)
	d.scored += p.Chars
	d.agreement.Add(p.Agreement)
}

// byArticleID returns the results ordered by article id, dropping results that have no counted
// reviewer and, among results sharing an id, all but the first in input order.
func byArticleID(results []ArticleResult) []*ArticleResult {
	return byArticleIDWhere(results, func(*ArticleResult) bool { return true })
}

// byArticleIDWhere is byArticleID restricted to the results keep accepts.
func byArticleIDWhere(results []ArticleResult, keep func(*ArticleResult) bool) []*ArticleResult {
	var out []*ArticleResult
	for i := range results {
		if len(results[i].Reviewers) > 0 && keep(&results[i]) {
			out = append(out, &results[i])
		}
	}
	slices.SortStableFunc(out, func(a, b *ArticleResult) int { return cmp.Compare(a.ArticleID, b.ArticleID) })
	return slices.CompactFunc(out, func(a, b *ArticleResult) bool { return a.ArticleID == b.ArticleID })
}

// RollUp aggregates per-article results into one row per outlet credited with at least one
// scored character, sorted by outlet id. Only Seed, Resamples, MinArticles and Confidence are
// used: exclusions were applied when the results were computed. The input order does not
// matter; outlets are computed in parallel, each from its own random stream, so the output is
// the same whatever the number of CPUs.
func RollUp(results []ArticleResult, opt Options) []OutletRow {
	return RollUpSeq(slices.Values(byArticleID(results)), opt)
}

// RollUpSeq is RollUp over results given one at a time, in ascending article id order, each
// id once (see ReviewerRollUpSeq): what the roll-up keeps of a result is copied out of it.
func RollUpSeq(results iter.Seq[*ArticleResult], opt Options) []OutletRow {
	opt = opt.Normalized()
	groups := map[int64]*outletData{}
	for r := range results {
		if len(r.Reviewers) == 0 {
			continue
		}
		for i := range r.Outlets {
			p := &r.Outlets[i]
			if p.Chars == 0 {
				continue
			}
			d := groups[p.OutletID]
			if d == nil {
				d = &outletData{}
				groups[p.OutletID] = d
			}
			d.add(r, p)
		}
	}
	ids := make([]int64, 0, len(groups))
	for id := range groups {
		ids = append(ids, id)
	}
	slices.Sort(ids)

	rows := make([]OutletRow, len(ids))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(ids)) {
		wg.Go(func() {
			var scratch [NumLabels + 1][]float64
			for {
				i := int(next.Add(1) - 1)
				if i >= len(ids) {
					return
				}
				rows[i] = outletRow(ids[i], groups[ids[i]], opt, &scratch)
			}
		})
	}
	wg.Wait()
	return rows
}

// RollUpOutlet computes the row of one outlet from any set of results that includes every
// article crediting it (others are ignored). It equals that outlet's row in RollUp, so after a
// change to one article only the outlets credited in it (before or after the change) need a new
// row. ok is false, and the row holds only the id, when the outlet has no scored article; RollUp
// leaves such outlets out.
func RollUpOutlet(outletID int64, results []ArticleResult, opt Options) (row OutletRow, ok bool) {
	credits := func(r *ArticleResult) bool {
		return slices.ContainsFunc(r.Outlets, func(p OutletPart) bool { return p.OutletID == outletID })
	}
	return RollUpOutletSeq(outletID, slices.Values(byArticleIDWhere(results, credits)), opt)
}

// RollUpOutletSeq is RollUpOutlet over results given one at a time, in ascending article id
// order, each id once (see ReviewerRollUpSeq); results not crediting the outlet add nothing.
func RollUpOutletSeq(outletID int64, results iter.Seq[*ArticleResult], opt Options) (row OutletRow, ok bool) {
	opt = opt.Normalized()
	d := &outletData{}
	for r := range results {
		if len(r.Reviewers) == 0 {
			continue
		}
		for i := range r.Outlets {
			if p := &r.Outlets[i]; p.OutletID == outletID && p.Chars > 0 {
				d.add(r, p)
			}
		}
	}
	if len(d.units) == 0 {
		return OutletRow{OutletID: outletID}, false
	}
	var scratch [NumLabels + 1][]float64
	return outletRow(outletID, d, opt, &scratch), true
}

// outletRow computes the figures of one outlet (with at least one unit); scratch holds reusable
// resample buffers.
func outletRow(id int64, d *outletData, opt Options, scratch *[NumLabels + 1][]float64) OutletRow {
	slices.Sort(d.reviewers)
	row := OutletRow{
		OutletID:    id,
		Articles:    len(d.units),
		Reviewers:   len(slices.Compact(d.reviewers)),
		ScoredChars: d.scored,
		LowSample:   len(d.units) < opt.MinArticles,
	}
	overall, alphas := d.agreement.Alphas()
	row.AgreementAlpha = overall
	var marked PerLabel[float64]
	for _, u := range d.units {
		for l := range NumLabels {
			marked[l] += u.marked[l]
		}
	}
	var shares PerLabel[float64]
	for l := range NumLabels {
		shares[l] = marked[l] / float64(d.scored)
	}

	for i := range scratch {
		if cap(scratch[i]) < opt.Resamples {
			scratch[i] = make([]float64, opt.Resamples)
		}
		scratch[i] = scratch[i][:opt.Resamples]
	}
	row.Credibility = Credibility(shares)
	if len(d.units) < MinIntervalArticles {
		row.CIReason = CIReasonTooFewArticles
		for l := range NumLabels {
			row.setLabel(l, LabelScore{Share: shares[l], Alpha: alphas[l]})
		}
		return row
	}
	bootstrap(d.units, streamState(opt.Seed, id), scratch)
	for l := range NumLabels {
		lo, hi := interval(scratch[l], opt.Confidence)
		row.setLabel(l, LabelScore{Share: shares[l], CILow: validFloat(lo), CIHigh: validFloat(hi), Alpha: alphas[l]})
	}
	lo, hi := interval(scratch[NumLabels], opt.Confidence)
	row.CredibilityCILow, row.CredibilityCIHigh = validFloat(lo), validFloat(hi)
	return row
}

func validFloat(v float64) NullFloat { return NullFloat{Float64: v, Valid: true} }

// CorpusAgreement is the agreement over every credited character of every result: the per-label
// and overall alphas of the whole corpus.
func CorpusAgreement(results []ArticleResult) AgreementRow {
	return CorpusAgreementSeq(slices.Values(byArticleID(results)))
}

// CorpusAgreementSeq is CorpusAgreement over results given one at a time, in ascending article
// id order, each id once (see ReviewerRollUpSeq).
func CorpusAgreementSeq(results iter.Seq[*ArticleResult]) AgreementRow {
	var t AgreementTally
	var regions OwnerTally
	for r := range results {
		if len(r.Reviewers) == 0 {
			continue
		}
		for _, p := range r.Outlets {
			t.Add(p.Agreement)
		}
		regions.Add(r.RegionAgreement)
	}
	row := agreementRow(t)
	row.RegionAlpha = regions.Alpha()
	return row
}

// AgreementRow holds alphas for some body of text.
type AgreementRow struct {
	// Alpha is the overall alpha: each coder's value for a character is the set of labels given.
	Alpha NullFloat `json:"agreement_alpha"`
	// Labels holds one alpha per label: each coder's value is whether the label was given.
	Labels PerLabel[NullFloat] `json:"label_alpha"`
	// RegionAlpha is the region agreement: each coder's value for a character is whom their own
	// regions credit it to (an outlet, no outlet, or readers' comments), over every character.
	RegionAlpha NullFloat `json:"region_alpha"`
}

func agreementRow(t AgreementTally) AgreementRow {
	overall, labels := t.Alphas()
	return AgreementRow{Alpha: overall, Labels: labels}
}
