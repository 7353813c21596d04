package api

import (
	"math"
	"slices"
	"time"

	"github.com/credence-project/credence/annotate/score"
	"github.com/credence-project/credence/app/scoring"
	"github.com/credence-project/credence/models"
)

// creditPiece is a part of an annotated passage credited to one owner.
type creditPiece struct {
	Start    int    `json:"start"`
	End      int    `json:"end"`
	OutletID *int64 `json:"outlet_id"`
	// Excluded says why a piece counts for no outlet: "comments" (readers' comments) or
	// "unattributed_quote" (a quote of unknown origin).
	Excluded string `json:"excluded,omitempty"`
}

// exportRecord is one annotation in the JSONL and CSV exports.
type exportRecord struct {
	rawCSV    bool  // the CSV's text cells unchanged (?csv=raw), else neutralised (csvout)
	ID        int64 `json:"id"`
	ArticleID int64 `json:"article_id"`
	// OutletID is the article's publisher; CreditedOutletID the outlet credited with most of
	// the passage after regions (null when that part is comments or an unattributed quote), and
	// Credits every piece of the passage with its owner.
	OutletID          int64         `json:"outlet_id"`
	CreditedOutletID  *int64        `json:"credited_outlet_id"`
	Credits           []creditPiece `json:"credits"`
	UserID            int64         `json:"user_id"`
	User              string        `json:"user"`
	ReviewerCompleted bool          `json:"reviewer_completed"`
	// ReopenedAfterViewing: an admin reopened the reviewer's review after they had seen the
	// others' work on the article (see the methodology).
	ReopenedAfterViewing bool       `json:"reopened_after_viewing"`
	Label                string     `json:"label"`
	Start                int        `json:"start"`
	End                  int        `json:"end"`
	Exact                string     `json:"exact"`
	Prefix               string     `json:"prefix"`
	Suffix               string     `json:"suffix"`
	Note                 string     `json:"note"`
	SourceText           string     `json:"source_text"`
	SourceURL            string     `json:"source_url"`
	Status               string     `json:"status"`
	SuggestionRule       string     `json:"suggestion_rule"`
	Origin               string     `json:"origin"`
	SuggestionModel      string     `json:"suggestion_model"`
	Layer                string     `json:"layer"`
	ArticleURL           string     `json:"article_url"`
	ArticleTitle         string     `json:"article_title"`
	PublishedAt          *time.Time `json:"published_at"`
	CreatedAt            time.Time  `json:"created_at"`
	UpdatedAt            time.Time  `json:"updated_at"`
}

// crediting turns export rows into records, crediting each passage (score.CreditText: the
// crediting rule the scores use) from the article's segments, computed once per article and
// page. Its record, pieces and caches are reused from row to row: a record is valid until the
// next call of fill.
type crediting struct {
	rec      exportRecord
	pieces   []creditPiece
	credited int64
	segments map[int64][]score.CreditSegment // by article, for the current page
}

// page starts a new page: segments are cached for one page, whose regions they come from.
func (x *crediting) page() {
	if x.segments == nil {
		x.segments = map[int64][]score.CreditSegment{}
	}
	clear(x.segments)
}

// creditEverything stands for an article's length when crediting: segments are computed
// once per article over [0, creditEverything) and clipped to each passage, which splits a
// passage exactly as crediting an article that ends where the passage ends would (a region is
// clamped to the text either way and owners are decided point by point).
const creditEverything = math.MaxInt

func (x *crediting) segmentsOf(articleID, publisher int64, credit *models.CreditRegions) []score.CreditSegment {
	if segs, ok := x.segments[articleID]; ok {
		return segs
	}
	a := score.Article{OutletID: publisher, Length: creditEverything}
	var finished []int64
	if credit != nil {
		scoring.SetCredit(&a, credit.Regions, credit.Curated, credit.Consensus)
		finished = slices.Sorted(slices.Values(credit.Finished))
	}
	// The scores' rule: the regions most of the article's finished reviewers stand behind.
	// (a curator's, when SetCredit set them), as the scores credit it.
	a.Regions = score.CreditedRegions(a, finished)
	segs := score.CreditText(a)
	x.segments[articleID] = segs
	return segs
}

// fill makes x.rec the record of r: its passage split by owner and the owner of its largest
// piece.
func (x *crediting) fill(r *models.ExportRow, credit *models.CreditRegions) *exportRecord {
	x.pieces = x.pieces[:0]
	var main *int64
	largest := 0
	segs := x.segmentsOf(r.ArticleID, r.ArticleOutletID, credit)
	for i := range segs {
		seg := &segs[i]
		lo, hi := max(seg.Start, r.Start), min(seg.End, r.End)
		if lo >= hi {
			continue
		}
		p := creditPiece{Start: lo, End: hi}
		switch {
		case seg.OutletID > 0:
			p.OutletID = &seg.OutletID // the cached segments outlive the record
		case seg.OutletID == 0:
			p.Excluded = "unattributed_quote"
		default:
			p.Excluded = "comments"
		}
		if hi-lo > largest {
			largest = hi - lo
			main = p.OutletID
		}
		x.pieces = append(x.pieces, p)
	}
	var credits []creditPiece // nil for an empty passage, as the JSON has always had it
	if len(x.pieces) > 0 {
		credits = x.pieces
	}
	var credited *int64
	if main != nil {
		x.credited = *main
		credited = &x.credited
	}
	x.rec = exportRecord{
		ID: r.ID, ArticleID: r.ArticleID, OutletID: r.ArticleOutletID, CreditedOutletID: credited, Credits: credits,
		UserID: r.UserID, User: r.UserName,
		// A consensus annotation is exported only once its article is adjudicated: its
		// curator's work is complete.
		ReviewerCompleted:    r.CompletedAt != nil || r.Layer == models.LayerConsensus,
		ReopenedAfterViewing: credit != nil && slices.Contains(credit.ReopenedAfterViewing, r.UserID),
		Label:                r.Label, Start: r.Start, End: r.End, Exact: r.Exact, Prefix: r.Prefix, Suffix: r.Suffix,
		Note: r.Note, SourceText: r.SourceText, SourceURL: r.SourceURL, Status: r.Status, SuggestionRule: r.SuggestionRule,
		Origin: r.Origin, SuggestionModel: r.SuggestionModel, Layer: r.Layer,
		ArticleURL: r.ArticleURL, ArticleTitle: r.ArticleTitle, PublishedAt: r.PublishedAt,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
	return &x.rec
}
